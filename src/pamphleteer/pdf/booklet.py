"""Booklets for the office printer: pages imposed two-up in saddle-stitch order.

A saddle-stitched booklet is a stack of sheets folded once and stapled on the
fold. Each sheet carries four pages, two on each side, so the page count is
padded to a multiple of four; the blank pages go just before the back cover,
where a binder would put them, never inside the text. Printed double-sided
and flipped on the short edge, the sheets fold into the pamphlet in order.

Thick booklets push their inner sheets out at the fore-edge ("creep"); with
a creep allowance each sheet's pages move towards the fold by that much more
than the sheet outside it, so the margins come out even after trimming.
"""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ..problems import fail
from ..support.output import write_atomically
from ..support.pdfpages import page_contents

POINTS_PER_MM = 72 / 25.4
SHEETS = {  # landscape width × height, mm
    "A4": (297.0, 210.0),
    "letter": (279.4, 215.9),
}


@dataclass(frozen=True)
class Side:
    """One side of one sheet: the page numbers (1-based, None for blank) left and right."""

    sheet: int
    front: bool
    left: int | None
    right: int | None


def padded_order(count: int) -> list[int | None]:
    """The pages in reading order, blanks (None) inserted before the back cover."""
    blanks = -count % 4
    if count <= 1:
        return [1] * count + [None] * blanks
    return list(range(1, count)) + [None] * blanks + [count]


def imposition(count: int) -> list[Side]:
    """Which page goes where: sheet by sheet, front then back."""
    pages = padded_order(count)
    total = len(pages)
    sides = []
    for sheet in range(total // 4):
        outer_left, outer_right = pages[total - 1 - 2 * sheet], pages[2 * sheet]
        inner_left, inner_right = pages[2 * sheet + 1], pages[total - 2 - 2 * sheet]
        sides.append(Side(sheet + 1, True, outer_left, outer_right))
        sides.append(Side(sheet + 1, False, inner_left, inner_right))
    return sides


def sheet_for(trim_width_mm: float) -> str:
    """A-series trims go on A4, inch trims on US Letter."""
    return "A4" if abs(trim_width_mm - round(trim_width_mm)) < 0.05 else "letter"


def make_booklet(source: Path, target: Path, sheet: str | None = None, creep_mm: float = 0.0) -> Path:
    try:
        document = pikepdf.open(source)
    except (pikepdf.PdfError, OSError) as exc:
        raise fail("BOOKLET-001", f"cannot read the PDF to impose: {exc}; build it first (make pdf)",
                   source) from None
    with document:
        pages = list(document.pages)
        if not pages:
            raise fail("BOOKLET-002", "the PDF has no pages to impose", source)
        trim = [float(v) for v in pages[0].trimbox]
        trim_w, trim_h = trim[2] - trim[0], trim[3] - trim[1]
        name = sheet or sheet_for(trim_w / POINTS_PER_MM)
        if name not in SHEETS:
            raise fail("BOOKLET-003", f"unknown sheet '{name}': use {' or '.join(SHEETS)}")
        output = pikepdf.new()
        forms = [_page_as_form(output, page) for page in pages]
        width, height = (v * POINTS_PER_MM for v in SHEETS[name])
        scale = min(1.0, (width / 2) / trim_w, height / trim_h)
        placed_w, placed_h = trim_w * scale, trim_h * scale
        bottom = (height - placed_h) / 2
        position = {page: index for index, page in enumerate(padded_order(len(pages)), start=1) if page}
        mirror = _margin_difference(source) * scale
        for side in imposition(len(pages)):
            shift = (side.sheet - 1) * creep_mm * POINTS_PER_MM  # inner sheets move to the fold
            output.add_blank_page(page_size=(width, height))
            sheet_page = output.pages[-1]
            for number, x in ((side.left, width / 2 - placed_w + shift), (side.right, width / 2 - shift)):
                if number is not None:
                    if number % 2 != position[number] % 2:
                        # A page that changes sides (the back cover, after blanks) swaps
                        # its inside and outside margins.
                        x += -mirror if number % 2 else mirror
                    rect = pikepdf.Rectangle(x, bottom, x + placed_w, bottom + placed_h)
                    _place(output, sheet_page, forms[number - 1], f"/Page{number}", rect)
        _copy_title(document, output, name)
        buffer = io.BytesIO()
        output.save(buffer, deterministic_id=True, compress_streams=True,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return write_atomically(target, buffer.getvalue())


def _margin_difference(pdf: Path) -> float:
    """How much further right the text starts on right-hand pages than on left-hand ones
    (inside margin minus outside margin), in points; 0 when it cannot tell."""
    starts: dict[int, list[float]] = {0: [], 1: []}
    for number, page in enumerate(page_contents(pdf, first_pages=12), start=1):
        lefts = [char.box[0] for char in page.chars if char.text.strip()]
        if len(lefts) > 200:  # a page of running text, not a title or a blank
            starts[number % 2].append(min(lefts))
    if not starts[0] or not starts[1]:
        return 0.0
    return statistics.median(starts[1]) - statistics.median(starts[0])


def _place(output: pikepdf.Pdf, sheet: pikepdf.Page, form, name: str, rect) -> None:
    """Draw a page in `rect`, under a resource name of our own: pikepdf's add_overlay
    picks random names, and the same book must give the same bytes."""
    sheet.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(name))
    placement = sheet.calc_form_xobject_placement(form, pikepdf.Name(name), rect)
    sheet.contents_add(output.make_stream(placement), prepend=False)


def _page_as_form(output: pikepdf.Pdf, page: pikepdf.Page):
    """The page cut to its trim box (any bleed would spill onto the facing page)."""
    page.mediabox = page.trimbox
    return output.copy_foreign(page.as_form_xobject())


def _copy_title(source: pikepdf.Pdf, output: pikepdf.Pdf, sheet: str) -> None:
    title = str(source.docinfo.get("/Title", "")) if source.docinfo else ""
    output.docinfo["/Title"] = f"{title} (booklet for {sheet} sheets)".strip()
    output.docinfo["/Creator"] = "pamphleteer"
