"""The EAN-13 symbol of a print ISBN, with its five-digit price add-on, drawn as SVG.

python-barcode encodes the ISBN (parity, check digit); it has no add-on (its issue
#140), so the add-on is encoded here from python-barcode's own tables, as GS1's
General Specifications (5.2.3.4.5) lay it out. The bars are drawn here too, in
millimetres, so that they stay vector on the cover and scale as a whole: a symbol
may be printed at 80 % to 200 % of its nominal size, never narrower.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from barcode.charsets import ean as tables
from barcode.ean import EAN13
from stdnum import isbn

MODULE = 0.33  # mm: one module at 100 %
BAR_HEIGHT = 22.85  # mm: the bars at 100 %
GUARD_EXTRA = 5  # modules the guard bars reach below the others, into the digits
QUIET = (11, 7)  # modules of clear space left and right of the EAN-13
ADDON_GAP, ADDON_QUIET = 9, 5  # between the symbol and the add-on (GS1: 7 to 12), after it
SMALLEST = 0.8  # the least magnification GS1 allows
TEXT = 2.75  # mm: the human-readable digits at 100 %
# The add-on's parity for each value of its check digit: A (odd) or B (even) per digit.
ADDON_PARITY = ("BBAAA", "BABAA", "BAABA", "BAAAB", "ABBAA", "AABBA", "AAABB", "ABABA", "ABAAB", "AABAB")


@dataclass(frozen=True)
class Symbol:
    svg: str  # an <svg> element, its size in mm
    width: float  # mm
    height: float  # mm
    scale: float  # the magnification: 1.0 is the nominal size


def isbn_symbol(number: str, price: str | None, room: tuple[float, float]) -> Symbol | None:
    """The symbol of ISBN `number` (with the add-on `price`, five digits) as large as
    fits `room` (width, height in mm), at most its nominal size; None if it would have
    to be smaller than GS1 allows."""
    digits = isbn.compact(isbn.to_isbn13(number))
    bars = EAN13(digits[:12]).build()[0]  # python-barcode adds the check digit it computes
    addon = _addon_modules(price) if price else ""
    modules = QUIET[0] + len(bars) + (ADDON_GAP + len(addon) + ADDON_QUIET if addon else QUIET[1])
    height = 3.6 + BAR_HEIGHT + GUARD_EXTRA * MODULE + TEXT  # the ISBN line, the bars, the digits
    scale = min(1.0, room[0] / (modules * MODULE), room[1] / height)
    if scale < SMALLEST:
        return None
    width = modules * MODULE * scale
    svg = _draw(digits, bars, addon, price, isbn.format(digits), modules, height)
    return Symbol(svg.replace("WIDTH", f"{width:.3f}mm").replace("HEIGHT", f"{height * scale:.3f}mm"),
                  width, height * scale, scale)


def _addon_modules(price: str) -> str:
    values = [int(c) for c in price]
    check = (3 * (values[0] + values[2] + values[4]) + 9 * (values[1] + values[3])) % 10
    parity = ADDON_PARITY[check]
    return "1011" + "01".join(tables.CODES[side][value] for side, value in zip(parity, values, strict=True))


def _draw(digits: str, bars: str, addon: str, price: str | None, hyphenated: str,
          modules: int, height: float) -> str:
    """The symbol at 100 %, in a viewBox of mm; WIDTH and HEIGHT are set by the caller."""
    top = 3.6  # below the ISBN line
    guards = {0, 1, 2, 45, 46, 47, 48, 49, 92, 93, 94}
    shapes = [f'<rect x="0" y="0" width="{modules * MODULE:.3f}" height="{height:.3f}" fill="#fff"/>',
              f'<text x="{QUIET[0] * MODULE:.3f}" y="2.6" font-size="2.6" textLength="{95 * MODULE:.3f}">'
              f'ISBN {escape(hyphenated)}</text>']
    shapes += _runs(bars, QUIET[0], top, lambda i: BAR_HEIGHT + (GUARD_EXTRA * MODULE if i in guards else 0))
    baseline = top + BAR_HEIGHT + GUARD_EXTRA * MODULE + TEXT * 0.55
    shapes.append(_digit_text(digits[0], (QUIET[0] - 7) * MODULE, baseline))
    shapes.append(_digit_text(digits[1:7], (QUIET[0] + 3 + 1) * MODULE, baseline, 42))
    shapes.append(_digit_text(digits[7:], (QUIET[0] + 50 + 1) * MODULE, baseline, 42))
    if addon:
        start = QUIET[0] + len(bars) + ADDON_GAP
        shapes += _runs(addon, start, top + TEXT, lambda i: BAR_HEIGHT - TEXT)
        shapes.append(_digit_text(price, start * MODULE, top + TEXT * 0.8, len(addon) - 2))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" width="WIDTH" height="HEIGHT" '
            f'viewBox="0 0 {modules * MODULE:.3f} {height:.3f}" font-family="DejaVu Sans" '
            f'fill="#000">{"".join(shapes)}</svg>')


def _runs(pattern: str, offset: int, top: float, length) -> list[str]:
    """A rectangle for each run of dark modules (a bar may be one to four modules wide)."""
    rects, index = [], 0
    while index < len(pattern):
        if pattern[index] != "1":
            index += 1
            continue
        end = index
        while end < len(pattern) and pattern[end] == "1":
            end += 1
        rects.append(f'<rect x="{(offset + index) * MODULE:.3f}" y="{top:.3f}" '
                     f'width="{(end - index) * MODULE:.3f}" height="{length(index):.3f}"/>')
        index = end
    return rects


def _digit_text(text: str, left: float, baseline: float, spread: int | None = None) -> str:
    fit = f' textLength="{(spread - 2) * MODULE:.3f}" lengthAdjust="spacing"' if spread else ""
    return f'<text x="{left:.3f}" y="{baseline:.3f}" font-size="{TEXT:.2f}"{fit}>{escape(text)}</text>'
