"""Typographic quotes and dashes for text that does not pass through the body's Markdown."""

from __future__ import annotations

import markdown
from lxml import html


def smarten(text: str) -> str:
    """Plain text in, plain text out, with “curly quotes”, ’ and – —."""
    converted = markdown.markdown(_protect(text), extensions=["smarty"])
    return "".join(html.fragment_fromstring(converted, create_parent="div").itertext()).strip()


def _protect(text: str) -> str:
    # Markdown would read these as formatting; in a title they are just characters.
    for char in "\\`*_[]>#":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;")
