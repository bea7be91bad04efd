"""Finding and filling the templates in `styles/`, and the words they print.

All of the look lives in `styles/`; the modules of this package only decide
which template renders what, and hand each one the book. A template is looked
for in the book's own styles folder first, then in pamphleteer's (`Styles`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
import yaml

from ..model import Figure, NoteRef
from ..problems import fail
from ..support.styles import Styles


@functools.cache  # one per Styles: a book laid out in pieces renders the templates often
def environment(styles: Styles) -> jinja2.Environment:
    env = jinja2.Environment(
        # The first folder that has a template gives it: a copied template shadows the default.
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder in styles.folders]),
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


def labels(styles: Styles, lang: str) -> dict[str, str]:
    """The words the templates print ('Contents', 'Notes' ...) in the book's language."""
    table = _label_table(styles.find("labels.yaml"))
    primary = lang.split("-")[0].lower()
    return {**table["en"], **table.get(primary, {}), **table.get(lang, {})}


def summary_words(styles: Styles, lang: str) -> tuple[dict[str, str], str]:
    """The sentences of the EPUB's accessibility summary in the book's language, and
    the language they are in: English, when labels.yaml has none for the book's."""
    # A labels.yaml copied before the summary had words has none at all: the next
    # copy in line (in the end pamphleteer's own) gives them.
    for path in styles.copies("labels.yaml"):
        table = _label_table(path)
        for tag in (lang, lang.split("-")[0].lower()):
            words = (table.get(tag) or {}).get("accessibility_summary")
            if words:
                return words, lang
        english = (table.get("en") or {}).get("accessibility_summary")
        if english is not None:
            return english, "en"
    raise fail("STYLES-003", "labels.yaml has no 'accessibility_summary' under 'en': copy it from "
               "pamphleteer's own labels.yaml", styles.find("labels.yaml"))


@functools.cache
def _label_table(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
