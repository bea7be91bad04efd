"""Typographic quotes and dashes for text that does not pass through the body's Markdown."""

from __future__ import annotations

import functools

import markdown
from lxml import html


@functools.cache
def smarty() -> markdown.Markdown:
    """One converter for all the short texts: making one costs more than converting a caption."""
    return markdown.Markdown(extensions=["smarty"], output_format="xhtml")


def convert_short(text: str) -> str:
    """A short text (a title, a caption) through Markdown with typographic quotes."""
    return smarty().reset().convert(text)


def smarten(text: str) -> str:
    """Plain text in, plain text out, with “curly quotes”, ’ and – —."""
    converted = convert_short(_protect(text))
    return "".join(html.fragment_fromstring(converted, create_parent="div").itertext()).strip()


def _protect(text: str) -> str:
    # Markdown would read these as formatting; in a title they are just characters.
    for char in "\\`*_[]>#":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;")
