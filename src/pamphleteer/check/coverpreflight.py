"""Cover preflight: a print cover made by `pamphleteer cover`, checked as a printer's
prepress would, against the sheet it was made for and the interior beside it.

The cover carries its sheet (`pamphleteer.model.CoverSheet`, as JSON under
`/PamphleteerCover` in its Info): the sizes of its panels, its safe zones, its barcode
area, the page count its spine was sized for and the interior's file name. From
that and what is printed on it (read through PDFium, as the interior's preflight
reads; positions in the sheet's millimetres from the top left of the trim):

  PRINT-050  the interior now has another page count (or size, or is gone): the
             spine, and so the whole cover, is the wrong width
  PRINT-051  text outside the safe area of its panel (in the bleed, across a fold,
             too near the trim or a fold); anything but the barcode in the barcode
             area, or barcode marks outside it
  PRINT-052  spine text on a book of fewer pages than the profile's `spine-text-from`
  PRINT-053  a picture below 300 ppi at the size it prints

A cover is judged by the profile it was made for, whatever profile the interior's
preflight is run with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ..model import Book, Box, CoverSheet, Trim
from ..pdf.profiles import load_profile
from ..pdf.wrap import INFO_KEY, PRINT_PPI, cover_sheet
from ..problems import PamphleteerError, Problem, counted
from ..support.pdfpages import page_contents
from ..support.styles import DEFAULTS, Styles
from .findings import Report
from .preflight import with_accepted

MM = 72 / 25.4  # points per millimetre
SLACK = 0.01  # mm: rounding in the layout and in the PDF's numbers
SAMPLE = 40  # characters of the text a finding quotes
BARCODE_FONT = "dejavusans"  # pdf/barcode.py draws the symbol's digits in DejaVu Sans
BAR_WIDEST = 1.4  # mm: a bar is at most four modules of 0.33 mm (the symbol is never enlarged)
BAR_SHORTEST = 10.0  # mm: well under the shortest bar (the add-on's 20.1 mm, at 80 % at least)
# The codes. pdf/wrap.py reports PRINT-052 (as information) and PRINT-053 too, while it
# makes the cover: the same kinds of problem, found before the cover is written.
STALE, OUTSIDE, THIN_SPINE, COARSE = "PRINT-050", "PRINT-051", "PRINT-052", "PRINT-053"


@dataclass(frozen=True)
class Char:
    text: str
    box: Box  # sheet mm: the font's whole height, as a line of type needs
    font: str  # the font's name, lower case, without a subset prefix or punctuation


@dataclass(frozen=True)
class Picture:
    box: Box  # sheet mm: as drawn, before any clipping (object-fit: cover draws past its box)
    pixels: tuple[int, int]


@dataclass(frozen=True)
class Drawing:
    box: Box  # sheet mm
    fill: tuple[int, int, int] | None  # RGB 0-255 of a filled path; None when only stroked


@dataclass(frozen=True)
class SheetPage:
    chars: list[Char]  # in the order the text reads, spaces included
    pictures: list[Picture]
    drawings: list[Drawing]  # in the order they are drawn


@dataclass(frozen=True)
class Panel:
    name: str  # "the back", "the spine", "the inside front"...
    box: Box
    safe: Box  # where text may go
    edges: tuple[str, str]  # what its left and right edges are: "trim" or "fold"

    def side(self, box: Box) -> tuple[float, str]:
        """How far `box` is inside the panel (mm, negative outside), and from which edge."""
        return min((box.left - self.box.left, self.edges[0]), (self.box.right - box.right, self.edges[1]),
                   (box.top - self.box.top, "trim"), (self.box.bottom - box.bottom, "trim"))


def cover_sheet_of(pdf: Path) -> CoverSheet | str | None:
    """The sheet a cover PDF was made for; None when the PDF is not a cover (or not a
    readable PDF: the generic check says so); the reason, when its record is unreadable."""
    try:
        info = PdfReader(pdf).metadata or {}
        text = info.get(f"/{INFO_KEY}")
    except (PdfReadError, OSError, ValueError, KeyError):
        return None
    if text is None:
        return None
    try:
        return CoverSheet.from_json(str(text))
    except (ValueError, TypeError, KeyError) as exc:
        return f"its record of the sheet it was made for is unreadable ({exc})"


def cover_report(path: Path, book: Book | None = None) -> Report | None:
    """The cover preflight of `path`, or None when it is not a print cover. With the
    `book`, its own styles' profile copies are the rules, and its accepted warnings
    (`accept:` under `print:`) are information."""
    sheet = cover_sheet_of(path)
    if sheet is None:
        return None
    if isinstance(sheet, str):
        return Report(path, "print cover: unreadable",
                      [_stale(f"{sheet}: make the cover again (make cover)")])
    findings, pages, rule = _interior_findings(path, sheet, book)
    for number, page in enumerate(_sheet_pages(path)):
        panels = _panels(sheet, number)
        findings += _text_findings(sheet, panels, page, number)
        if number == 0 and sheet.barcode is not None:
            findings += _barcode_findings(sheet.barcode, page)
        if number == 0 and sheet.kind == "wrap":
            findings += _spine_findings(sheet, panels, page, pages, rule)
        findings += _picture_findings(sheet, panels, page, number, book)
    findings = with_accepted(findings, book.metadata.print_accept if book else ())
    summary = f"print cover for '{sheet.profile}': " \
              f"{counted(sum(f.severity == 'error' for f in findings), 'error')}, " \
              f"{counted(sum(f.severity == 'warning' for f in findings), 'warning')}"
    return Report(path, summary, findings)


# ---- PRINT-050: the interior it was made for -------------------------------------------

def _stale(message: str) -> Problem:
    return Problem("error", STALE, message)


def _interior_findings(path: Path, sheet: CoverSheet, book: Book | None) -> tuple[list[Problem], int, int]:
    """Whether the cover still fits its interior; and the interior's page count and the
    profile's page count for spine text, as they are now (as the sheet says, if unknown)."""
    again = f"make the cover again: make cover PROFILE={sheet.profile}"
    interior = path.parent / sheet.interior
    if not sheet.interior or not interior.is_file():
        named = f"'{sheet.interior}'" if sheet.interior else "its interior"
        return [_stale(f"the interior the cover was sized for, {named}, is not beside it: {again} "
                       "(which builds the interior first)")], sheet.pages, sheet.spine_text_from
    try:
        reader = PdfReader(interior)
        pages = len(reader.pages)
        box = reader.pages[0].trimbox
        width, height = float(box.width) / MM, float(box.height) / MM
    except (PdfReadError, OSError, ValueError, IndexError) as exc:
        return [_stale(f"the interior '{sheet.interior}' is unreadable ({exc}): rebuild it and {again}")], \
            sheet.pages, sheet.spine_text_from
    same_trim = abs(width - sheet.trim.width) <= SLACK and abs(height - sheet.trim.height) <= SLACK
    trim = sheet.trim if same_trim else Trim(f"{width:.1f}x{height:.1f}mm", width, height)
    styles = Styles.for_manuscript(book.source) if book is not None else DEFAULTS
    try:
        expected = cover_sheet(load_profile(sheet.profile, styles).with_trim(trim), pages, sheet.paper,
                               sheet.interior)
    except PamphleteerError as error:  # the profile is gone, has no cover, or no longer this paper
        return error.problems, pages, sheet.spine_text_from
    size, now = _with_bleed(sheet), _with_bleed(expected)
    if all(abs(a - b) <= SLACK for a, b in zip(size, now, strict=True)) and \
            abs(sheet.spine - expected.spine) <= SLACK:
        return [], pages, expected.spine_text_from
    reasons = []
    if pages != sheet.pages:
        reasons.append(f"it was made for {counted(sheet.pages, 'page')} of '{sheet.interior}', "
                       f"which now has {pages}")
    if not same_trim:
        reasons.append(f"the interior's pages are now {width:.1f} × {height:.1f} mm, not "
                       f"{sheet.trim.width:.1f} × {sheet.trim.height:.1f} mm")
    if not reasons:
        reasons.append(f"the '{sheet.profile}' profile now makes another cover for "
                       f"{counted(pages, 'page')}")
    spine = f"its spine must be {expected.spine:.2f} mm and " if sheet.kind == "wrap" else ""
    return [_stale(f"{'; '.join(reasons)}: {spine}the whole cover {now[0]:.2f} × {now[1]:.2f} mm with "
                   f"the bleed, not {size[0]:.2f} × {size[1]:.2f} mm: {again}")], \
        pages, expected.spine_text_from


def _with_bleed(sheet: CoverSheet) -> tuple[float, float]:
    return sheet.width + 2 * sheet.bleed, sheet.height + 2 * sheet.bleed


# ---- PRINT-051: where the text is ----------------------------------------------------

def _panels(sheet: CoverSheet, number: int) -> list[Panel]:
    """The panels of page `number` (0: the outside; 1: a plus cover's inside), left to right."""
    safe = sheet.safe_zone
    outer, inner = (("the back", "the front") if number == 0 else ("the inside front", "the inside back"))
    panels = [Panel(outer, sheet.back, sheet.back.inset(safe), ("trim", "fold"))]
    if sheet.spine > 0:
        spine = sheet.spine_box
        clear = sheet.spine_clearance
        panels.append(Panel("the spine", spine, Box(spine.left + clear, safe, spine.width - 2 * clear,
                                                    spine.height - 2 * safe), ("fold", "fold")))
    panels.append(Panel(inner, sheet.front, sheet.front.inset(safe), ("fold", "trim")))
    return panels


def _panel_of(panels: list[Panel], box: Box) -> Panel:
    """The panel a mark is on: the one its middle is over (the outermost, past the sheet)."""
    middle = box.left + box.width / 2
    for panel in panels:
        if middle < panel.box.right:
            return panel
    return panels[-1]


def _text_findings(sheet: CoverSheet, panels: list[Panel], page: SheetPage, number: int) -> list[Problem]:
    """One finding for each panel and each way its text is misplaced, the worst first:
    in the bleed (cut off), across a fold, inside the safe zone (may be cut, or wrap
    round the fold)."""
    whole = Box(0.0, 0.0, sheet.width, sheet.height)
    folds = [(left.box.right, f"{left.name} and {right.name}")
             for left, right in zip(panels, panels[1:], strict=False)]
    kinds = ("bleed", "fold", "near")
    groups: dict[tuple[int, int], list[int]] = {}  # (panel, kind): the characters
    crossed: dict[int, str] = {}  # panel: the fold its text runs across
    nearest: dict[int, tuple[float, str]] = {}  # panel: how near its text comes to which edge
    for index, char in enumerate(page.chars):
        if not char.text.strip():
            continue
        panel = _panel_of(panels, char.box)
        at = panels.index(panel)
        across = [words for fold, words in folds
                  if char.box.left < fold - SLACK and char.box.right > fold + SLACK]
        if not whole.holds(char.box, SLACK):
            kind = "bleed"
        elif across:
            kind = "fold"
            crossed.setdefault(at, across[0])
        elif not panel.safe.holds(char.box, SLACK):
            kind = "near"
            nearest[at] = min(nearest.get(at, (math.inf, "")), panel.side(char.box))
        else:
            continue
        groups.setdefault((at, kinds.index(kind)), []).append(index)
    findings = []
    for (at, kind), indices in sorted(groups.items()):
        panel = panels[at]
        if kinds[kind] == "bleed":
            what = "runs past the trim into the bleed, where it is cut off"
        elif kinds[kind] == "fold":
            what = f"runs across the fold between {crossed[at]}"
        else:
            inset, edge = nearest[at]
            keep = sheet.spine_clearance if panel.name == "the spine" and edge == "fold" else sheet.safe_zone
            what = f"is {max(inset, 0.0):.1f} mm from the {edge}, closer than the {keep:.1f} mm " \
                   "it must keep clear"
        findings.append(Problem("error", OUTSIDE, f"{_where(sheet, number, panel.name)}: text "
                                f"('{_sample(page.chars, indices)}') {what}: keep the text of {panel.name} "
                                f"{_safe_words(sheet, panel)} (in styles/cover/wrap.html, or the book's copy "
                                f"of it) and {_again(sheet)}"))
    return findings


def _safe_words(sheet: CoverSheet, panel: Panel) -> str:
    """Where the text of a panel may go, in words."""
    safe = panel.safe
    if panel.name == "the spine":
        return f"at least {safe.left - panel.box.left:.1f} mm from each fold and {sheet.safe_zone:.1f} mm " \
               "from the trim"
    return f"at least {sheet.safe_zone:.1f} mm inside the trim and the fold (an area of " \
           f"{safe.width:.1f} × {safe.height:.1f} mm)"


def _barcode_findings(area: Box, page: SheetPage) -> list[Problem]:
    """The barcode area holds the barcode alone, on white; the barcode stays inside it."""
    where = f"the barcode area ({area.width:.1f} × {area.height:.1f} mm at {area.left:.1f}, " \
            f"{area.top:.1f} mm on the back)"
    marks_outside = [i for i, c in enumerate(page.chars) if c.text.strip() and c.font == BARCODE_FONT
                     and not area.holds(c.box, SLACK)]
    other_text = [i for i, c in enumerate(page.chars) if c.text.strip() and c.font != BARCODE_FONT
                  and _overlaps(area, c.box)]
    bars_outside = sum(1 for d in page.drawings if _is_bar(d) and not area.holds(d.box, SLACK))
    over = [p for p in page.pictures if _overlaps(area, p.box)]
    background = next((i for i, d in enumerate(page.drawings) if d.fill == (255, 255, 255)
                       and d.box.holds(area, SLACK) and area.holds(d.box, SLACK)), None)
    drawn_over = 0 if background is None else sum(
        1 for d in page.drawings[background + 1:] if _overlaps(area, d.box)
        and d.fill != (255, 255, 255) and not (_is_bar(d) and area.holds(d.box, SLACK)))
    problems = []
    if other_text:
        problems.append(f"text ('{_sample(page.chars, other_text)}') is inside {where}")
    if over or drawn_over:
        things = [counted(n, noun) for n, noun in ((len(over), "picture"), (drawn_over, "drawing")) if n]
        problems.append(f"{' and '.join(things)} cover part of {where}")
    if marks_outside or bars_outside:
        what = [f"its text ('{_sample(page.chars, marks_outside)}')" if marks_outside else "",
                counted(bars_outside, "bar") if bars_outside else ""]
        problems.append(f"the barcode reaches outside {where}: {' and '.join(w for w in what if w)}")
    return [Problem("error", OUTSIDE, f"{problem}: the area must hold the barcode alone, on white, for the "
                    "printer to scan it: keep everything else out of it, and the barcode in it, in "
                    "styles/cover/wrap.html (or the book's copy of it)") for problem in problems]


def _is_bar(drawing: Drawing) -> bool:
    box = drawing.box
    return drawing.fill == (0, 0, 0) and box.width <= BAR_WIDEST and box.height >= BAR_SHORTEST


def _overlaps(area: Box, box: Box) -> bool:
    return area.inset(SLACK).overlaps(box)


# ---- PRINT-052: the spine ----------------------------------------------------------

def _spine_findings(sheet: CoverSheet, panels: list[Panel], page: SheetPage, pages: int,
                    rule: int) -> list[Problem]:
    """Printers place spine text only on a spine wide enough to hold it where it is meant."""
    on_spine = [i for i, c in enumerate(page.chars) if c.text.strip()
                and _panel_of(panels, c.box).name == "the spine"]
    if not on_spine or pages >= rule:
        return []
    return [Problem("warning", THIN_SPINE,
                    f"the spine: text ('{_sample(page.chars, on_spine)}') on a book of "
                    f"{counted(pages, 'page')}, fewer than the {rule} the '{sheet.profile}' profile needs "
                    "for spine text: on so narrow a spine it may slip onto the front or the back, and the "
                    f"printer may refuse it; leave the spine blank: {_again(sheet)}")]


# ---- PRINT-053: the pictures ---------------------------------------------------------

def _picture_findings(sheet: CoverSheet, panels: list[Panel], page: SheetPage, number: int,
                      book: Book | None) -> list[Problem]:
    findings = []
    for picture in page.pictures:
        width, height = picture.box.width / 25.4, picture.box.height / 25.4  # inches
        if width <= 0 or height <= 0:
            continue
        pixels_w, pixels_h = picture.pixels
        ppi = min(pixels_w / width, pixels_h / height)
        if round(ppi) >= PRINT_PPI:
            continue
        need_w, need_h = math.ceil(width * PRINT_PPI - 0.5), math.ceil(height * PRINT_PPI - 0.5)
        name = _panel_of(panels, picture.box).name
        own = book.metadata.cover_image if book is not None and name == "the front" else None
        what = f"the cover image ({own.name})" if own else "the picture"
        findings.append(Problem(
            "warning", COARSE,
            f"{_where(sheet, number, name)}: {what} prints at {ppi:.0f} ppi ({pixels_w} × {pixels_h} px "
            f"over {picture.box.width:.1f} × {picture.box.height:.1f} mm); for {PRINT_PPI} ppi it needs "
            f"{need_w} × {need_h} px, {max(0, need_w - pixels_w)} × {max(0, need_h - pixels_h)} px more: "
            "use a larger original", own))
    return findings


# ---- words -----------------------------------------------------------------------

def _where(sheet: CoverSheet, number: int, panel: str) -> str:
    return panel if sheet.kind == "wrap" else f"page {number + 1}, {panel}"


def _again(sheet: CoverSheet) -> str:
    return f"make the cover again: make cover PROFILE={sheet.profile}"


def _sample(chars: list[Char], indices: Iterable[int]) -> str:
    """The lines the characters at `indices` are on, shortened: the text as the author wrote it."""
    chosen = set(indices)
    lines, line, hit = [], [], False
    for index, char in enumerate([*chars, Char("\n", Box(0, 0, 0, 0), "")]):
        if char.text in "\r\n":
            if hit:
                words = "".join(line).split()
                # A line set letter by letter (the barcode's digits) reads back spaced out.
                lines.append("".join(words) if len(words) > 2 and all(len(w) == 1 for w in words)
                             else " ".join(words))
            line, hit = [], False
            continue
        line.append(char.text)
        hit |= index in chosen
    text = " ".join(lines)
    return text if len(text) <= SAMPLE else text[:SAMPLE - 1].rstrip() + "…"


# ---- reading the sheet ------------------------------------------------------------

def _sheet_pages(pdf: Path) -> list[SheetPage]:
    """What each page prints, in the sheet's millimetres (from the top left of its TrimBox)."""
    return [SheetPage([Char(c.text, _to_sheet(c.box, page.trim), c.font) for c in page.chars],
                      [Picture(_to_sheet(p.box, page.trim), p.pixels) for p in page.pictures],
                      [Drawing(_to_sheet(d.box, page.trim), d.fill) for d in page.drawings or []])
            for page in page_contents(pdf, fonts=True, drawings=True)]


def _to_sheet(box: tuple[float, float, float, float], trim: tuple[float, ...]) -> Box:
    left, bottom, right, top = box
    return Box((left - trim[0]) / MM, (trim[3] - top) / MM, (right - left) / MM, (top - bottom) / MM)
