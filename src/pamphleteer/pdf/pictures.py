"""Pictures for print: no more pixels than the printed size needs.

A figure is printed at most as wide and as tall as the text block. A camera's
or a scanner's picture often has far more pixels than 300 per inch at that
size, and WeasyPrint decodes and compresses every one of them again for each
PDF. So a picture that has at least a quarter more than that is scaled down to
exactly enough for 300 ppi (rounded up, never below) in a copy the PDF uses;
its colours (CMYK stays CMYK), its transparency and its colour profile are
kept. Smaller pictures, SVG drawings, the cover and full-bleed figures are used
as they are (a full page is larger than the text block, even when the same file
is also a figure in the text). Copies are cached by the picture's bytes and the
size, and made side by side.

A full-bleed picture (the cover page, a `{.bleed}` figure) is scaled to cover
the page and its bleed, and what overflows is cut off (`object-fit: cover` in
book.css). The bleed alone costs some 4 % of the width; a picture of another
shape, a landscape photo on a portrait page say, loses far more, and the
author is told when it is more than CROP_LIMIT.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

from PIL import Image, ImageOps

from ..model import Book
from ..problems import Problem, report_all
from ..support.cache import Cache, cache_key
from .profiles import PrintProfile

PPI = 300
WORTH_IT = 1.25  # scale down only pictures with at least this many times the pixels needed
DRAFT_MARGIN = 1.25  # a JPEG decoded smaller keeps at least this many times the pixels needed
RECIPE = "print-v2"
MM_PER_INCH = 25.4
CROP_LIMIT = 0.10  # a full-bleed picture may lose this share of its width or height unremarked
CROP_CODE = "PRINT-044"  # preflight's code for it; accepting it in the front matter quiets the build


def text_block_pixels(profile: PrintProfile) -> tuple[int, int]:
    """The most pixels a figure can use: the text block at PPI, rounded up."""
    m = profile.margins
    width = profile.trim.width - m.inside - m.outside
    height = profile.trim.height - m.top - m.bottom
    return math.ceil(width / MM_PER_INCH * PPI), math.ceil(height / MM_PER_INCH * PPI)


def for_print(book: Book, profile: PrintProfile, cache: Cache) -> dict[Path, Path]:
    """picture -> the copy to print instead, for the figures that are worth scaling down."""
    limit = text_block_pixels(profile)
    jobs: dict[str, bytes] = {}
    keys: dict[Path, str] = {}
    for figure in book.figures:
        if figure.bleed or figure.source.suffix.lower() == ".svg" or figure.source in keys:
            continue
        data = figure.source.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            size = _upright_size(image)
        if _scale(size, limit) * WORTH_IT > 1:
            continue
        keys[figure.source] = cache_key(RECIPE, json.dumps(limit), data)
        jobs[keys[figure.source]] = json.dumps(limit).encode() + b"\n" + data
    cache.fill("print", _scaled_copy, jobs)
    copies = {source: cache.path("print", key) for source, key in keys.items()}
    return {source: path for source, path in copies.items() if path is not None}


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size once turned as its EXIF orientation says (5 to 8: a quarter turn). Only
    a JPEG's is read here: a PNG's EXIF may come after its pixels, and reading it would
    decode them all (the copy is still turned upright, whatever its format)."""
    turned = image.format == "JPEG" and image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    return (image.height, image.width) if turned else image.size


def _scale(size: tuple[int, int], limit: tuple[int, int]) -> float:
    return min(limit[0] / size[0], limit[1] / size[1])


def _scaled_copy(job: bytes) -> bytes:
    """A picture's copy with just the pixels needed (the job: the limit, a line, the picture)."""
    header, data = job.split(b"\n", 1)
    limit = tuple(json.loads(header))
    with Image.open(io.BytesIO(data)) as image:
        kind, icc = image.format, image.info.get("icc_profile")
        if kind == "JPEG":
            _decode_smaller(image, limit)
        upright = ImageOps.exif_transpose(image)  # the copy carries no EXIF to turn it by
        if upright.mode in ("P", "1"):  # palette and bilevel pictures scale badly as they are
            upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
        scale = _scale(upright.size, limit)
        size = (max(1, math.ceil(upright.width * scale)), max(1, math.ceil(upright.height * scale)))
        copy = upright.resize(size, Image.Resampling.LANCZOS)
        options: dict = {"dpi": (PPI, PPI)}
        if icc:
            options["icc_profile"] = icc
        if kind == "JPEG":
            options |= {"quality": 92, "subsampling": 0}
        buffer = io.BytesIO()
        copy.save(buffer, kind if kind in ("JPEG", "PNG") else "PNG", **options)
    return buffer.getvalue()


def _decode_smaller(image: Image.Image, limit: tuple[int, int]) -> None:
    """A JPEG can be decoded at a half, a quarter or an eighth of its size for a
    fraction of the work (Pillow's `draft`): it is, when what is left still has
    DRAFT_MARGIN times the pixels the copy needs each way. Scaling from there loses
    nothing a print can show, and a photograph from a phone is copied in half the time."""
    size = _upright_size(image)
    scale = _scale(size, limit) * DRAFT_MARGIN
    if scale < 1:
        turned = size != image.size
        wanted = (math.ceil(size[0] * scale), math.ceil(size[1] * scale))
        image.draft(image.mode, wanted[::-1] if turned else wanted)


def warn_about_crops(book: Book, profile: PrintProfile) -> None:
    """Tell the author of each full-bleed picture that filling the page cuts more than
    CROP_LIMIT off, unless the front matter accepts it."""
    if CROP_CODE not in book.metadata.print_accept:
        report_all(crop_problems(book, profile))


def crop_problems(book: Book, profile: PrintProfile) -> list[Problem]:
    trim = (profile.trim.width, profile.trim.height)
    box = (trim[0] + 2 * profile.bleed, trim[1] + 2 * profile.bleed)  # as page_css sizes it
    problems = []
    for figure in (f for f in book.figures if f.bleed):
        svg = figure.media_type == "image/svg+xml"  # drawn to cover the page like any picture
        size = (figure.width, figure.height) if svg else upright_size(figure.source)
        words = crop_words(cut_off(size, box, trim))
        if words:
            problems.append(Problem("warning", CROP_CODE, f"the full-bleed picture {figure.href} is {words}; "
                                    f"{crop_fix(box)}, or drop {{.bleed}} to print it whole",
                                    book.source, figure.line, figure.column))
    cover = book.metadata.cover_image
    words = crop_words(cut_off(upright_size(cover), box, trim)) if cover and profile.cover_page else None
    if words:
        problems.append(Problem("warning", CROP_CODE, f"the cover page's picture is {words}; {crop_fix(box)}",
                                cover))
    return problems


def cut_off(picture: tuple[float, float], box: tuple[float, float],
            trim: tuple[float, float]) -> tuple[float, float]:
    """The share of a picture's width and of its height that the trimmed page does not
    show, once it is scaled to cover `box` (the trim and its bleed) and centred."""
    scale = max(box[0] / picture[0], box[1] / picture[1])
    return (max(0.0, 1 - trim[0] / (picture[0] * scale)),
            max(0.0, 1 - trim[1] / (picture[1] * scale)))


def crop_words(cut: tuple[float, float]) -> str | None:
    """'cropped to fill the page: 48 % of its width is cut off (left and right)', or None
    for a crop no larger than CROP_LIMIT."""
    width, height = cut
    if max(width, height) <= CROP_LIMIT:
        return None
    share, side, edges = ((width, "width", "left and right") if width >= height
                          else (height, "height", "top and bottom"))
    return f"cropped to fill the page: {share * 100:.0f} % of its {side} is cut off ({edges})"


def crop_fix(box: tuple[float, float]) -> str:
    return (f"to choose what is kept, crop it to the page's shape yourself "
            f"({box[0]:.0f} × {box[1]:.0f} mm with the bleed)")


def upright_size(path: Path) -> tuple[int, int]:
    """A picture's size in pixels, as it prints: turned upright by its EXIF orientation."""
    with Image.open(path) as image:
        return _upright_size(image)
