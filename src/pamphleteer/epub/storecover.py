"""The cover for the stores' upload forms, beside the EPUB: a 1600 × 2560 RGB JPEG."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from ..model import COVER_HEIGHT, COVER_WIDTH, Book
from ..problems import Problem, report
from ..support.images import jpeg_bytes
from ..support.output import write_output

MIN_STORE_WIDTH = 1400  # Apple's minimum; a smaller cover is blurred by scaling up


RATIO_TOLERANCE = 0.03


def store_cover(book: Book, cover: bytes, path: Path) -> Path:
    """Write the cover for store upload: a 1600 × 2560 RGB JPEG. The author's own cover
    is scaled and, if its shape differs, centred on its own edge colour; the author is
    told when either would show."""
    with Image.open(io.BytesIO(cover)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    if image.size != (COVER_WIDTH, COVER_HEIGHT):
        _warn_about_cover(book, image.size)
        image = ImageOps.pad(image, (COVER_WIDTH, COVER_HEIGHT), Image.Resampling.LANCZOS,
                             color=image.getpixel((0, 0)))
    return write_output(path, jpeg_bytes(image))


def _warn_about_cover(book: Book, size: tuple[int, int]) -> None:
    width, height = size
    where = book.metadata.cover_image or book.source
    if width < MIN_STORE_WIDTH:
        report(Problem("warning", "COVER-003", f"the cover is {width} × {height} px: stores ask for "
                       f"{COVER_WIDTH} × {COVER_HEIGHT}, and a smaller one looks blurred", where))
    if abs(height / width - COVER_HEIGHT / COVER_WIDTH) > RATIO_TOLERANCE * COVER_HEIGHT / COVER_WIDTH:
        report(Problem("warning", "COVER-004", f"the cover is {width} × {height} px, not 5:8 like "
                       f"the {COVER_WIDTH} × {COVER_HEIGHT} stores ask for: the store copy gets "
                       "bands at its edges", where))
