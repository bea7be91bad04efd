"""The generated cover's HTML, through `styles/cover/` (`pdf/cover.py` lays it out)."""

from __future__ import annotations

from ..model import Book
from ..support.styles import DEFAULTS, Styles
from .templates import environment, labels


def render_cover(book: Book, styles: Styles = DEFAULTS, fit: object | None = None) -> str:
    """`fit`: the sizes and breaks the cover's text is set with (`coverfit.Fit`); None: as designed."""
    env = environment(styles)
    return env.get_template("cover/cover.html").render(
        book=book, meta=book.metadata, labels=labels(styles, book.metadata.lang), fit=fit)
