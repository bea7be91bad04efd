"""What is printed on a PDF's pages, read back through PDFium (pypdfium2): the
characters and the pictures, with their boxes in the PDF's own coordinates.

Preflight and the booklet's margin check need only these; the print cover's
preflight asks for the fonts of the characters and the paths drawn too. PDFium reads a page
in about a millisecond; pdfminer (pdfplumber), which we used before, parsed
every operator of every page in Python, a second or more for a short book.
"""

from __future__ import annotations

import ctypes
import hashlib
import re
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
    font: str = ""  # when asked for: its name, lower case, without a subset prefix or punctuation


@dataclass(frozen=True)
class Picture:
    box: Box  # where it is placed
    pixels: tuple[int, int]
    colour_space: str  # "DeviceRGB", "CalRGB", "ICCBased" or "other"
    key: str  # the same image drawn twice on a page has the same key


@dataclass(frozen=True)
class Drawing:
    box: Box
    fill: tuple[int, int, int] | None  # RGB 0-255 of a filled path; None when only stroked


@dataclass(frozen=True)
class PageContent:
    chars: list[Char]
    pictures: list[Picture]  # in the order they are drawn
    trim: Box = (0.0, 0.0, 0.0, 0.0)
    drawings: list[Drawing] | None = None  # in the order they are drawn, when asked for


def page_contents(pdf: Path, first_pages: int | None = None, fonts: bool = False,
                  drawings: bool = False) -> Iterator[PageContent]:
    """Each page's characters and pictures, in page order (the first `first_pages` only,
    if given); with `fonts`, each character's font; with `drawings`, the paths too.
    Pictures and paths are those the page draws itself, as WeasyPrint places an <img>
    or draws inline SVG; one inside a drawing (a Form XObject) is part of that drawing."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(document) if first_pages is None else min(first_pages, len(document))):
            page = document[index]
            yield PageContent(_chars(page, fonts), _pictures(page), tuple(page.get_trimbox()),
                              _drawings(page) if drawings else None)
            page.close()
    finally:
        document.close()


def _chars(page, fonts: bool = False) -> list[Char]:
    text = page.get_textpage()
    name, flags = ctypes.create_string_buffer(256), ctypes.c_int()

    def font(index: int) -> str:
        if not fonts:
            return ""
        pdfium_c.FPDFText_GetFontInfo(text.raw, index, name, len(name), ctypes.byref(flags))
        return re.sub(r"[^a-z0-9]", "", name.value.decode("utf-8", "replace").split("+")[-1].lower())

    try:
        return [Char(text.get_text_range(i, 1), text.get_charbox(i, loose=True), font(i))
                for i in range(text.count_chars())]
    finally:
        text.close()


def _drawings(page) -> list[Drawing]:
    found = []
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    for path in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=0):
        pdfium_c.FPDFPath_GetDrawMode(path.raw, ctypes.byref(fill_mode), ctypes.byref(stroke))
        fill = None
        if fill_mode.value and pdfium_c.FPDFPageObj_GetFillColor(
                path.raw, *(ctypes.byref(v) for v in (red, green, blue, alpha))):
            fill = (red.value, green.value, blue.value)
        found.append(Drawing(tuple(path.get_bounds()), fill))
    return found


def _pictures(page) -> list[Picture]:
    pictures = []
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=0):
        space = _RGB_SPACES.get(image.get_metadata().colorspace, "other")
        key = hashlib.sha256(bytes(image.get_data(decode_simple=False))).hexdigest()
        pictures.append(Picture(tuple(image.get_bounds()), tuple(image.get_px_size()), space, key))
    return pictures
