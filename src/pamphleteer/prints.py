"""Pictures for print: no more pixels than the printed size needs.

A figure is printed at most as wide and as tall as the text block. A camera's
or a scanner's picture often has far more pixels than 300 per inch at that
size, and WeasyPrint decodes and compresses every one of them again for each
PDF. So a picture that has at least a quarter more than that is scaled down to
exactly enough for 300 ppi (rounded up, never below) in a copy the PDF uses;
its colours (CMYK stays CMYK), its transparency and its colour profile are
kept. Smaller pictures, SVG drawings, the cover and full-bleed figures are used
as they are. Copies are cached by the picture's bytes and the size, and made
side by side.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

from PIL import Image, ImageOps

from .cache import Cache, cache_key
from .model import Book
from .profiles import PrintProfile

PPI = 300
WORTH_IT = 1.25  # scale down only pictures with at least this many times the pixels needed
RECIPE = "print-v1"
MM_PER_INCH = 25.4


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
