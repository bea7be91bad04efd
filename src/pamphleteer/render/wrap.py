"""The print cover's HTML, through `styles/cover/wrap.html` (`pdf/wrap.py` lays it out)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Book, CoverSheet
from ..support.styles import DEFAULTS, Styles
from .templates import environment, labels


@dataclass(frozen=True)
class CoverParts:
    """What the print cover shows beside the book's own words, made by the PDF stage."""

    front_src: str  # the front picture's address (a file, or data: for the generated one)
    barcode: str  # the barcode's <svg>, or "" (the area left clear)
    spine_title: str
    spine_author: str  # "" when the spine holds the title alone
    spine_size: float  # pt
    spine_length: float  # mm along the spine the text may take
    body_size: float  # pt: the back's text
    marks: str  # "crop" or "none"
    page_bleed: float  # mm the page reaches past the trim: the bleed, and room for crop marks


def render_wrap(book: Book, sheet: CoverSheet, parts: CoverParts, styles: Styles = DEFAULTS) -> str:
    env = environment(styles)
    return env.get_template("cover/wrap.html").render(
        book=book, meta=book.metadata, options=book.metadata.cover, labels=labels(styles, book.metadata.lang),
        sheet=sheet, safe=sheet.safe_zone, **vars(parts))
