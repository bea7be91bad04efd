"""Preflight: what a print shop would reject, found before the print shop does.

Run on a built PDF for one print profile; given the Book too, findings about
pictures name the image file and its manuscript line (found by the page each
figure's id is on, since the PDF may hold a smaller copy of the file): their
problems point there, where the fix is. Every finding has a code, a place and a fix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from ..model import Book, Figure
from ..pdf.pictures import CROP_CODE, crop_fix, crop_words
from ..pdf.profiles import PrintProfile
from ..problems import Problem, counted
from ..support.images import SVG_TYPE
from ..support.pdfpages import PageContent, Picture, page_contents
from .findings import Report
from .pdf import font_is_embedded, pdf_fonts

MM = 72 / 25.4  # points per millimetre
GOOD_PPI = 300
TOLERANCE = 0.25  # points: rounding in page boxes and glyph boxes


@dataclass(frozen=True)
class Place:
    """What a finding is about, in words ('images/x.jpg on page 7', 'page 7'), and the file
    and line to fix it in, when that is not the PDF itself (a picture's manuscript line)."""

    words: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None

    def finding(self, severity: str, code: str, message: str) -> Problem:
        return Problem(severity, code, f"{self.words}: {message}", self.path, self.line, self.column)


def preflight(pdf: Path, profile: PrintProfile, book: Book | None = None) -> Report:
    reader = PdfReader(pdf)
    findings = (_fonts_findings(reader, profile) + _box_findings(reader, profile)
                + _page_count_findings(len(reader.pages), profile))
    placed = _figures_by_page(reader, book)
    pages = list(page_contents(pdf))
    findings += _image_findings(pages, profile, book, placed)
    findings += _placement_findings(pages, reader, profile, book, placed)
    if profile.output_intent:
        findings += _colour_findings(pages, book, placed) + _drawing_findings(book)
    findings = with_accepted(findings, book.metadata.print_accept if book else ())
    summary = f"preflight for '{profile.name}' ({profile.description}): " \
              f"{counted(sum(f.severity == 'error' for f in findings), 'error')}, " \
              f"{counted(sum(f.severity == 'warning' for f in findings), 'warning')}"
    return Report(pdf, summary, findings)


def with_accepted(findings: list[Problem], accepted: tuple[str, ...]) -> list[Problem]:
    """A warning the front matter accepts is still shown, as information: it fails no check."""
    return [replace(f, severity="info", message=f"{f.message} (accepted: 'accept' under 'print')")
            if f.severity == "warning" and f.code in accepted else f for f in findings]


def _fonts_findings(reader: PdfReader, profile: PrintProfile) -> list[Problem]:
    findings = []
    for name, font in pdf_fonts(reader).items():
        if not font_is_embedded(font):
            findings.append(Problem("error", "PRINT-001", f"font {name.lstrip('/')} is not embedded: "
                                    "install it and rebuild"))
        elif profile.full_fonts and "+" in name:
            findings.append(Problem("error", "PRINT-002", f"font {name.lstrip('/')} is only partly "
                                    f"embedded; '{profile.name}' needs whole fonts: set "
                                    "'full-fonts: true' in its profile and rebuild"))
    return findings


def _box_findings(reader: PdfReader, profile: PrintProfile) -> list[Problem]:
    trim_w, trim_h, bleed = profile.trim.width * MM, profile.trim.height * MM, profile.bleed * MM
    for number, page in enumerate(reader.pages, start=1):
        trim = [float(v) for v in page.trimbox]
        bleed_box = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        right_hand = number % 2 == 1
        spine = bleed if profile.bleed_edges == "all" else 0.0
        expected_bleed = [trim[0] - (spine if right_hand else bleed), trim[1] - bleed,
                          trim[2] + (bleed if right_hand else spine), trim[3] + bleed]
        problems = []
        if abs(trim[2] - trim[0] - trim_w) > TOLERANCE or abs(trim[3] - trim[1] - trim_h) > TOLERANCE:
            problems.append(f"its TrimBox is {(trim[2] - trim[0]) / MM:.1f} × "
                            f"{(trim[3] - trim[1]) / MM:.1f} mm, not the trim size "
                            f"{profile.trim.width:.1f} × {profile.trim.height:.1f} mm")
        if any(abs(a - b) > TOLERANCE for a, b in zip(bleed_box, expected_bleed, strict=True)):
            problems.append(f"its BleedBox is not the trim plus {profile.bleed:.2f} mm of bleed "
                            f"({profile.bleed_edges} edges)")
        if not (media[0] <= bleed_box[0] + TOLERANCE and media[1] <= bleed_box[1] + TOLERANCE
                and media[2] >= bleed_box[2] - TOLERANCE and media[3] >= bleed_box[3] - TOLERANCE):
            problems.append("its MediaBox does not contain the bleed")
        if problems:
            return [Place(f"page {number}").finding(
                "error", "PRINT-030", "; ".join(problems) + f": rebuild with --profile {profile.name}")]
    return []


def _page_count_findings(count: int, profile: PrintProfile) -> list[Problem]:
    findings = []
    if count < profile.min_pages:
        findings.append(Problem("error", "PRINT-031",
                                f"{counted(count, 'page')}, fewer than the {profile.min_pages} that "
                                f"'{profile.name}' prints: add text, or choose another profile"))
    if profile.binding == "saddle-stitch" and count % 4:
        blanks = -count % 4
        findings.append(Problem("warning", "PRINT-032",
                                f"{counted(count, 'page')} is not a multiple of 4: a folded booklet will get "
                                f"{counted(blanks, 'blank page')} before the back cover; "
                                "shorten or lengthen the text to avoid them"))
    elif profile.binding == "perfect" and count % 2:
        findings.append(Problem("warning", "PRINT-033",
                                f"{counted(count, 'page')} is odd: the printer will add a blank last page"))
    return findings


def _image_findings(pages: list[PageContent], profile: PrintProfile, book: Book | None,
                    placed: dict[int, list[Figure]]) -> list[Problem]:
    findings = []
    seen = set()
    for number, page in enumerate(pages, start=1):
        images = page.pictures
        for index, image in enumerate(images):
            pixels_w, pixels_h = image.pixels
            left, bottom, right, top = image.box
            inches_w, inches_h = (right - left) / 72, (top - bottom) / 72
            if inches_w <= 0 or inches_h <= 0:
                continue
            ppi = min(pixels_w / inches_w, pixels_h / inches_h)
            key = (number, image.key)
            if ppi >= (profile.warn_below_ppi or 0) or key in seen:
                continue
            seen.add(key)
            error = profile.error_below_ppi is not None and ppi < profile.error_below_ppi
            largest = f"{pixels_w / GOOD_PPI * 25.4:.0f} × {pixels_h / GOOD_PPI * 25.4:.0f} mm"
            findings.append(_picture_place(book, placed, number, images, index).finding(
                "error" if error else "warning", "PRINT-010",
                f"prints at {ppi:.0f} ppi ({pixels_w} × {pixels_h} px over "
                f"{inches_w * 25.4:.0f} × {inches_h * 25.4:.0f} mm); it prints well up to "
                f"{largest} at {GOOD_PPI} ppi: use a larger original or show it smaller"))
    return findings


def _placement_findings(pages: list[PageContent], reader: PdfReader, profile: PrintProfile,
                        book: Book | None, placed: dict[int, list[Figure]]) -> list[Problem]:
    """Text in the bleed is cut off; text in the safe zone may be."""
    findings = []
    safe = profile.safe_zone * MM
    for number, (page, pdf_page) in enumerate(zip(pages, reader.pages, strict=True), start=1):
        left, bottom, right, top = (float(v) for v in pdf_page.trimbox)
        worst = None
        for char in page.chars:
            if not char.text.strip():
                continue
            x0, y0, x1, y1 = char.box
            inset = min(x0 - left, right - x1, top - y1, y0 - bottom)
            if worst is None or inset < worst[0]:
                worst = (inset, char.text)
        findings += _picture_placement(page, pdf_page, number, profile, book, placed)
        if worst and worst[0] < -TOLERANCE:
            findings.append(Place(f"page {number}").finding(
                "error", "PRINT-040", f"text ('{worst[1]}') runs past the trim into the bleed, where "
                "it is cut off: widen the page margins in the profile"))
        elif worst and worst[0] < safe - TOLERANCE:
            findings.append(Place(f"page {number}").finding(
                "warning", "PRINT-041", f"text ('{worst[1]}') is {worst[0] / MM:.1f} mm from the "
                f"trim, inside the {profile.safe_zone:.1f} mm safe zone: widen the margins"))
    return findings


def _picture_placement(page: PageContent, pdf_page, number: int, profile: PrintProfile, book: Book | None,
                       placed: dict[int, list[Figure]]) -> list[Problem]:
    """A picture may cross the trim only to fill the whole bleed (a full-bleed page), and
    should not lose much more than the bleed doing so."""
    findings = []
    safe = profile.safe_zone * MM
    left, bottom, right, top = (float(v) for v in pdf_page.trimbox)
    bleed = [float(v) for v in pdf_page.bleedbox]
    images = page.pictures
    for index, image in enumerate(images):
        x0, y0, x1, y1 = image.box
        inset = min(x0 - left, right - x1, top - y1, y0 - bottom)
        full_bleed = (x0 <= bleed[0] + TOLERANCE and y0 <= bleed[1] + TOLERANCE
                      and x1 >= bleed[2] - TOLERANCE and y1 >= bleed[3] - TOLERANCE)
        where = _picture_place(book, placed, number, images, index)
        if inset < -TOLERANCE and not full_bleed:
            findings.append(where.finding("error", "PRINT-042",
                                          "a picture crosses the trim without filling the bleed: the "
                                          "cut will leave a sliver; mark it {.bleed} or make it smaller"))
        elif 0 <= inset < safe - TOLERANCE and not full_bleed:
            findings.append(where.finding("warning", "PRINT-043",
                                          f"a picture is {inset / MM:.1f} mm from the trim, inside the "
                                          "safe zone: make it smaller or widen the margins"))
        elif full_bleed and x1 > x0 and y1 > y0:
            # What lies outside the trim is cut off: the bleed, and whatever else the
            # picture was scaled past the page by to cover it.
            cut = ((max(0.0, left - x0) + max(0.0, x1 - right)) / (x1 - x0),
                   (max(0.0, bottom - y0) + max(0.0, y1 - top)) / (y1 - y0))
            words = crop_words(cut)
            if words:
                box = (profile.trim.width + 2 * profile.bleed, profile.trim.height + 2 * profile.bleed)
                findings.append(where.finding("warning", CROP_CODE,
                                              f"{words}; {crop_fix(box)}, or print it as a normal figure"))
    return findings


def _drawing_findings(book: Book | None) -> list[Problem]:
    """SVG drawings keep their RGB colours (WeasyPrint draws them as they are)."""
    if book is None:
        return []
    return [Place(f.href, book.source, f.line, f.column).finding(
                "warning", "PRINT-021", "a drawing in RGB colours in a CMYK book: the printer "
                "converts them; give it CMYK colours, or accept the conversion")
            for f in book.figures if f.media_type == "image/svg+xml"]


def _colour_findings(pages: list[PageContent], book: Book | None,
                     placed: dict[int, list[Figure]]) -> list[Problem]:
    """A CMYK press converts RGB itself, and not always as the author expects."""
    findings = []
    for number, page in enumerate(pages, start=1):
        images = page.pictures
        for index, image in enumerate(images):
            if image.colour_space != "other":
                findings.append(_picture_place(book, placed, number, images, index).finding(
                    "warning", "PRINT-020",
                    "an RGB picture in a CMYK book: the printer converts it, and colours may "
                    "shift; convert it to CMYK yourself if colour matters"))
    return findings


def _figures_by_page(reader: PdfReader, book: Book | None) -> dict[int, list[Figure]]:
    """The raster figures on each page, in reading order. Every id in the HTML is a
    named destination in the PDF, so a figure's id gives its page."""
    if book is None:
        return {}
    pages = {name: reader.get_destination_page_number(destination) + 1
             for name, destination in reader.named_destinations.items()}
    placed: dict[int, list[Figure]] = {}
    for figure in book.figures:
        if figure.media_type != SVG_TYPE and pages.get(figure.id, 0) > 0:
            placed.setdefault(pages[figure.id], []).append(figure)
    return placed


def _picture_place(book: Book | None, placed: dict[int, list[Figure]], number: int,
                   images: list[Picture], index: int) -> Place:
    """Where the index-th picture placed on page `number` comes from, for a finding."""
    return _place(book, _figure_for(book, placed.get(number, []), images, index), number)


def _figure_for(book: Book | None, on_page: list[Figure], images: list[Picture],
                index: int) -> Figure | str | None:
    """The figure (or 'cover') a placed image comes from: when the page's figures account
    for every picture on it, the one in the same place in reading order (whatever its
    pixels: it may print from a copy); else the one with as many pixels, on this page
    first (the same file may be a figure twice)."""
    if book is None:
        return None
    if len(on_page) == len(images):
        return on_page[index]
    width, height = images[index].pixels
    matches = [f for f in [*on_page, *book.figures] if (f.width, f.height) == (width, height)]
    if matches:
        return matches[0]
    cover = book.metadata.cover_image
    if cover is not None:
        with Image.open(cover) as image:
            if image.size == (width, height):
                return "cover"
    return None


def _place(book: Book | None, figure: Figure | str | None, page: int) -> Place:
    """'images/x.jpg on page 7' at the manuscript's line that places it; the cover image
    on page 1, the cover image itself; or just 'page 7' of the PDF."""
    if book is None or figure is None:
        return Place(f"page {page}")
    if figure == "cover":
        return Place(f"the cover image on page {page}", book.metadata.cover_image)
    return Place(f"{figure.href} on page {page}", book.source, figure.line, figure.column)
