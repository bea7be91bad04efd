"""The cover image: the author's own, or one drawn from `styles/cover/`.

A generated cover is an HTML page laid out by WeasyPrint at the size stores
ask for (1600 × 2560 px) and rasterized with PDFium, so its design is edited
like every other template; `coverfit` sets its text as large as fits. Beside
the EPUB goes a copy at exactly that size, for the stores' upload forms.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageOps

from .cache import Cache, cache_key
from .coverfit import fitted_cover
from .errors import Problem
from .model import Book
from .output import write_atomically
from .render import render_cover

COVER_WIDTH, COVER_HEIGHT = 1600, 2560  # what Apple, Kobo, Google and KDP recommend
MIN_STORE_WIDTH = 1400  # Apple's minimum; a smaller cover is blurred by scaling up
RATIO_TOLERANCE = 0.03
# Change it when drawing or fitting (coverfit.py) changes: the cache then starts afresh.
# The key holds the cover's HTML as designed: the fitted one follows from it by these rules.
RECIPE = "cover-v2"


def make_cover(book: Book, styles: Path, cache: Cache | None = None) -> bytes:
    """The cover as image bytes (JPEG or PNG): the manuscript's, or one drawn for it
    (remembered in `cache`: drawing it means starting WeasyPrint)."""
    given = book.metadata.cover_image
    if given is not None:
        return given.read_bytes()
    cache = cache or Cache(None)
    html = render_cover(book, styles)
    key = cache_key(RECIPE, html, *(path.read_bytes() for path in sorted((styles / "cover").iterdir())))
    drawn = cache.get("covers", key)
    if drawn is None:
        drawn = _raster(cover_pdf(book, styles))
        cache.put("covers", key, drawn)
    return drawn


def cover_pdf(book: Book, styles: Path) -> bytes:
    """The generated cover as a one-page PDF, laid out from `styles/cover/cover.html`
    with its text at the largest sizes that fit (`coverfit`)."""
    return fitted_cover(book, styles).write_pdf()


def _raster(pdf: bytes) -> bytes:
    """The cover's PDF as a JPEG, COVER_WIDTH pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=COVER_WIDTH / page.get_width())
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    return _jpeg(image)


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
    return write_atomically(path, _jpeg(image))


def _warn_about_cover(book: Book, size: tuple[int, int]) -> None:
    width, height = size
    where = book.metadata.cover_image or book.source
    if width < MIN_STORE_WIDTH:
        print(Problem("warning", f"the cover is {width} × {height} px: stores ask for "
                                 f"{COVER_WIDTH} × {COVER_HEIGHT}, and a smaller one looks blurred",
                      where), file=sys.stderr)
    if abs(height / width - COVER_HEIGHT / COVER_WIDTH) > RATIO_TOLERANCE * COVER_HEIGHT / COVER_WIDTH:
        print(Problem("warning", f"the cover is {width} × {height} px, not 5:8 like the "
                                 f"{COVER_WIDTH} × {COVER_HEIGHT} stores ask for: the store copy "
                                 "gets bands at its edges", where), file=sys.stderr)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, optimize=True, progressive=False)
    return buffer.getvalue()
