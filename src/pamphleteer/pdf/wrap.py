"""The print cover, sized from the interior actually built.

A perfect-bound book (kdp, lulu) gets a wrap cover: one sheet of back, spine and
front, the spine as wide as the interior's pages are thick (pages × the paper's
thickness per page, plus the printer's constant, both from the profile's `cover:`
block). A saddle-stitched pamphlet (press) gets a plus cover: outside (back and
front) and inside, with no spine. The look is `styles/cover/wrap.html`; the sizes
go into the PDF (`/PamphleteerCover` in its Info), for `make check` to compare
with the interior it was made for (check/coverpreflight.py).
"""

from __future__ import annotations

import base64
import functools
import math
import subprocess
from dataclasses import replace
from pathlib import Path

from ..model import Book, Box, CoverSheet, Trim
from ..problems import Problem, fail, report
from ..render.wrap import CoverParts, render_wrap
from ..support.styles import Styles
from .barcode import isbn_symbol
from .profiles import MARKS_ROOM_MM, PrintProfile

INFO_KEY = "PamphleteerCover"  # the sheet's sizes, as JSON, in the PDF's Info
PRINT_PPI = 300  # what a picture needs at its printed size
POINTS_PER_MM = 72 / 25.4
SPINE_MAX_PT = 14.0  # the spine's text is never set larger than this
SPINE_MIN_PT = 3.0  # nor smaller (KDP at 80 pages leaves 1.4 mm): a spine too narrow is left blank
BODY_PT = 12.0


def cover_sheet(profile: PrintProfile, pages: int, paper: str | None = None,
                interior: str = "", source: Path | None = None) -> CoverSheet:
    """Where everything goes on the cover of an interior of `pages` pages (the file
    `interior`); `source`: the manuscript, which an error names."""
    rules = profile.cover
    if rules is None:
        raise fail("COVER-010", f"the '{profile.name}' profile makes no print cover (it has no 'cover:' "
                   "block): choose kdp, lulu or press, or add a 'cover:' block to a copy of the profile",
                   source)
    if paper is not None and paper not in rules.papers:
        known = ", ".join(rules.papers) or "none (its spine does not depend on paper)"
        raise fail("COVER-011", f"the '{profile.name}' profile knows no paper '{paper}': "
                   f"its papers are {known}", source)
    plus = profile.binding == "saddle-stitch"
    spine = 0.0 if plus else pages * rules.thickness(paper) + rules.spine_base
    trim = profile.trim
    barcode = None
    if rules.barcode_width and rules.barcode_height:
        # At the foot of the back, on the spine's side, the margin from the trim and the fold.
        barcode = Box(trim.width - rules.barcode_margin - rules.barcode_width,
                      trim.height - rules.barcode_margin - rules.barcode_height,
                      rules.barcode_width, rules.barcode_height)
    return CoverSheet(
        profile=profile.name, kind="plus" if plus else "wrap", trim=Trim(trim.name, trim.width, trim.height),
        pages=pages, paper=None if plus else (paper or rules.paper), spine=round(spine, 4),
        bleed=rules.bleed, safe_zone=rules.safe_zone, spine_clearance=rules.spine_clearance,
        spine_text=not plus and pages >= rules.spine_text_from, spine_text_from=rules.spine_text_from,
        barcode=barcode, interior=interior)


def write_cover(book: Book, sheet: CoverSheet, profile: PrintProfile, styles: Styles,
                front: bytes | None = None, created: str = "2000-01-01T00:00:00Z") -> bytes:
    """The cover as PDF bytes. `front`: the generated front picture (PNG), when the book
    has no cover image of its own; `created`: when the book was made, as the interior says."""
    from weasyprint import HTML

    from ..support.fetcher import FolderFetcher
    from .piecepdf import dated
    from .writer import pdf_bytes

    parts = cover_parts(book, sheet, profile, front)
    html = render_wrap(book, sheet, parts, styles)
    folders = [book.source.parent, *styles.folders,
               *([profile.output_intent.parent] if profile.output_intent else [])]
    base_url = styles.find("cover/wrap.html").parent.as_uri() + "/"
    if profile.output_intent:  # the interior's output intent (PDF/X), in the document's own styles
        html = html.replace("</head>", f"<style>@color-profile device-cmyk {{ src: url("
                            f"{profile.output_intent.as_uri()}); components: cyan, magenta, yellow, black; }}"
                            "</style></head>", 1)
    document = dated(HTML(string=html, base_url=base_url, url_fetcher=FolderFetcher(folders)).render(),
                     created)
    # The bleed is on every outer edge of the sheet, whatever the interior's is.
    as_printed = replace(profile, bleed=sheet.bleed, bleed_edges="all", crop_marks=parts.marks == "crop")
    return pdf_bytes(book, document, as_printed, info={INFO_KEY: sheet.to_json()})


def cover_parts(book: Book, sheet: CoverSheet, profile: PrintProfile, front: bytes | None) -> CoverParts:
    meta = book.metadata
    if meta.cover_image is not None:
        warn_if_coarse(book, sheet)
        front_src = meta.cover_image.resolve().as_uri()
    else:
        front_src = "data:image/png;base64," + base64.b64encode(front or b"").decode()
    title, author, size, length = spine_words(book, sheet)
    return CoverParts(front_src=front_src, barcode=barcode_svg(book, sheet), spine_title=title,
                      spine_author=author, spine_size=size, spine_length=length, body_size=BODY_PT,
                      marks="crop" if profile.crop_marks else "none",
                      page_bleed=sheet.bleed + (MARKS_ROOM_MM if profile.crop_marks else 0.0))


def front_size(sheet: CoverSheet) -> tuple[float, float]:
    """The front picture's printed size (mm): the front and its bleed (top, bottom, outer edge)."""
    return sheet.trim.width + sheet.bleed, sheet.trim.height + 2 * sheet.bleed


def front_pixels(sheet: CoverSheet, ppi: int = PRINT_PPI) -> tuple[int, int]:
    width, height = front_size(sheet)
    return math.ceil(width / 25.4 * ppi), math.ceil(height / 25.4 * ppi)


def warn_if_coarse(book: Book, sheet: CoverSheet) -> None:
    """The cover image fills the front: a warning, with the pixels missing, below 300 ppi."""
    from PIL import Image

    path = book.metadata.cover_image
    with Image.open(path) as image:
        width, height = image.size
    need_w, need_h = front_pixels(sheet)
    # object-fit: cover scales the picture by the larger of the two ratios.
    scale = max(need_w / width, need_h / height)
    if scale > 1.0:
        ppi = PRINT_PPI / scale
        wide, high = math.ceil(width * scale), math.ceil(height * scale)  # at its own shape
        report(Problem("warning", "PRINT-053",
                       f"the cover image fills the front at {ppi:.0f} ppi ({width} × {height} px over "
                       f"{front_size(sheet)[0]:.1f} × {front_size(sheet)[1]:.1f} mm with the bleed); for "
                       f"300 ppi it needs {wide} × {high} px, {wide - width} × {high - height} px more: "
                       "use a larger original", path))


def barcode_svg(book: Book, sheet: CoverSheet) -> str:
    """The print ISBN's barcode, as large as fits the area; "" to leave the area clear."""
    number = book.metadata.print_isbn or (book.metadata.identifier if book.metadata.is_isbn else None)
    if sheet.barcode is None or number is None:
        return ""
    room = (sheet.barcode.width - 2.0, sheet.barcode.height - 2.0)  # a white margin round the symbol
    symbol = isbn_symbol(number.removeprefix("urn:isbn:"), book.metadata.cover.price, room)
    if symbol is None:
        raise fail("COVER-012", f"the barcode area of the '{sheet.profile}' profile "
                   f"({sheet.barcode.width:.1f} × {sheet.barcode.height:.1f} mm) is too small for an "
                   "EAN-13 at 80 % of its size, the least GS1 allows: make 'barcode-width' and "
                   "'barcode-height' larger in the profile's cover: block", book.source)
    return symbol.svg


def spine_words(book: Book, sheet: CoverSheet) -> tuple[str, str, float, float]:
    """The spine's title and author, the size (pt) that fits the spine, and the length
    (mm) the text may take; an info line, and nothing on the spine, when the book is
    thinner than the profile's rule."""
    meta = book.metadata
    length = sheet.trim.height - 2 * sheet.safe_zone
    if sheet.kind == "plus":
        return "", "", 0.0, length
    if not sheet.spine_text:
        return _blank_spine(book, f"{sheet.pages} pages are fewer than the {sheet.spine_text_from} "
                            f"the '{sheet.profile}' profile needs for spine text", length)
    room = (sheet.spine - 2 * sheet.spine_clearance) * POINTS_PER_MM
    size = min(SPINE_MAX_PT, room / 1.2)  # the em box, ascenders to descenders, with some play
    title, author = meta.title, meta.author_line
    for words in ((title, author), (title, "")):
        wide = _text_length(words[0], size)
        if words[1]:  # small capitals, spaced, after a gap
            wide += _text_length(words[1], size) * 1.1 + size * 1.2
        fitted = min(size, size * length * POINTS_PER_MM / wide) if wide else size
        if fitted >= SPINE_MIN_PT:
            return words[0], words[1], round(fitted * 0.98, 2), length
    return _blank_spine(book, f"{sheet.spine:.1f} mm is too narrow for the title at {SPINE_MIN_PT:g} pt",
                        length)


def _blank_spine(book: Book, why: str, length: float) -> tuple[str, str, float, float]:
    report(Problem("info", "PRINT-052", f"the spine is left blank: {why}", book.source))
    return "", "", 0.0, length


def _text_length(text: str, size: float) -> float:
    """Points the text takes in Linux Libertine at `size` pt (Pillow measures it)."""
    from PIL import ImageFont

    path = _font_file()
    if path is None:
        return len(text) * size * 0.5  # an average letter, where the font cannot be found
    return ImageFont.truetype(path, 1000).getlength(text) * size / 1000


@functools.cache
def _font_file() -> str | None:
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", "Linux Libertine O"], capture_output=True,
                               text=True, timeout=30).stdout.strip()
    except OSError:
        return None
    return found if found and Path(found).is_file() else None
