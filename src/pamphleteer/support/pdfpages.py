"""What is printed on a PDF's pages, read back through PDFium (pypdfium2): the
characters and the pictures, with their boxes in the PDF's own coordinates.

Preflight and the booklet's margin check need only these. PDFium reads a page
in about a millisecond; pdfminer (pdfplumber), which we used before, parsed
every operator of every page in Python, a second or more for a short book.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]  # left, bottom, right, top, in points

# PDFium's colour space codes, by what a press needs to know of them.
_RGB_SPACES = {pdfium_c.FPDF_COLORSPACE_DEVICERGB: "DeviceRGB", pdfium_c.FPDF_COLORSPACE_CALRGB: "CalRGB",
               pdfium_c.FPDF_COLORSPACE_ICCBASED: "ICCBased"}


@dataclass(frozen=True)
class Char:
    text: str
    box: Box  # the font's whole height, not the glyph's ink: what a line of type needs


@dataclass(frozen=True)
class Picture:
    box: Box  # where it is placed
    pixels: tuple[int, int]
    colour_space: str  # "DeviceRGB", "CalRGB", "ICCBased" or "other"
    key: str  # the same image drawn twice on a page has the same key


@dataclass(frozen=True)
class PageContent:
    chars: list[Char]
    pictures: list[Picture]  # in the order they are drawn


def page_contents(pdf: Path, first_pages: int | None = None) -> Iterator[PageContent]:
    """Each page's characters and pictures, in page order (the first `first_pages` only,
    if given). Pictures are those the page draws itself, as WeasyPrint places an <img>;
    one inside a drawing (a Form XObject) is part of that drawing."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(document) if first_pages is None else min(first_pages, len(document))):
            page = document[index]
            yield PageContent(_chars(page), _pictures(page))
            page.close()
    finally:
        document.close()


def _chars(page) -> list[Char]:
    text = page.get_textpage()
    try:
        return [Char(text.get_text_range(i, 1), text.get_charbox(i, loose=True))
                for i in range(text.count_chars())]
    finally:
        text.close()


def _pictures(page) -> list[Picture]:
    pictures = []
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=0):
        space = _RGB_SPACES.get(image.get_metadata().colorspace, "other")
        key = hashlib.sha256(bytes(image.get_data(decode_simple=False))).hexdigest()
        pictures.append(Picture(tuple(image.get_bounds()), tuple(image.get_px_size()), space, key))
    return pictures
