"""The generated cover's HTML, through `styles/cover/` (`pdf/cover.py` lays it out)."""

from __future__ import annotations

from pathlib import Path

from ..model import Book
from ..support.paths import DEFAULT_STYLES
from .templates import environment, labels


def render_cover(book: Book, styles: Path = DEFAULT_STYLES, fit: object | None = None) -> str:
    """`fit`: the sizes and breaks the cover's text is set with (`coverfit.Fit`); None: as designed."""
    env = environment(styles)
    return env.get_template("cover/cover.html").render(
        book=book, meta=book.metadata, labels=labels(styles, book.metadata.lang), fit=fit)
