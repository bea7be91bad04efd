"""Finding and filling the templates in `styles/`, and the words they print.

All of the look lives in `styles/`; the modules of this package only decide
which template renders what, and hand each one the book.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
import yaml

from ..model import Figure, NoteRef
from ..support.paths import DEFAULT_STYLES


@functools.cache  # one per styles folder: a book laid out in pieces renders the templates often
def environment(styles: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(styles)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.tests["noteref"] = lambda part: isinstance(part, NoteRef)
    env.tests["figure"] = lambda part: isinstance(part, Figure)
    # A heading's own markup, minus links: a contents entry is already a link.
    env.filters["unlink"] = lambda xhtml: re.sub(r"</?a\b[^>]*>", "", xhtml)
    env.filters["labelled"] = labelled
    return env


def labelled(name: str, label: str) -> str:
    """'Published by X'; but not 'Verlag Verlag Zum Schwarzen Kater': the label is left
    out when the name already begins with it."""
    if name.casefold().startswith(label.casefold()):
        return name
    return f"{label} {name}"


def labels(styles: Path, lang: str) -> dict[str, str]:
    """The words the templates print ('Contents', 'Notes' ...) in the book's language."""
    table = _label_table(styles)
    primary = lang.split("-")[0].lower()
    return {**table["en"], **table.get(primary, {}), **table.get(lang, {})}


def summary_words(styles: Path, lang: str) -> tuple[dict[str, str], str]:
    """The sentences of the EPUB's accessibility summary in the book's language, and
    the language they are in: English, when labels.yaml has none for the book's."""
    table = _label_table(styles)
    for tag in (lang, lang.split("-")[0].lower()):
        words = (table.get(tag) or {}).get("accessibility_summary")
        if words:
            return words, lang
    english = (table.get("en") or {}).get("accessibility_summary")
    if english is None and styles != DEFAULT_STYLES:  # a labels.yaml older than the summary's words
        return summary_words(DEFAULT_STYLES, lang)
    return english, "en"


@functools.cache
def _label_table(styles: Path) -> dict:
    return yaml.safe_load((styles / "labels.yaml").read_text(encoding="utf-8"))
