"""The cover image: the author's own, or one drawn from `styles/cover/`.

A generated cover is an HTML page laid out by WeasyPrint at the size stores
ask for (1600 × 2560 px) and rasterized with PDFium, so its design is edited
like every other template; `coverfit` sets its text as large as fits. The
EPUB gets the image as bytes from the pipeline (`epub/storecover.py` writes
the copy for the stores' upload forms).
"""

from __future__ import annotations

import io

from ..model import COVER_WIDTH, Book, CoverSheet
from ..render.cover import render_cover
from ..support.cache import Cache, cache_key
from ..support.images import jpeg_bytes
from ..support.styles import Styles
from .coverfit import fitted_cover

# Change it when drawing or fitting (coverfit) changes: the cache then starts afresh.
# The key holds the cover's HTML as designed: the fitted one follows from it by these rules.
RECIPE = "cover-v2"


def make_cover(book: Book, styles: Styles, cache: Cache | None = None) -> bytes:
    """The cover as image bytes (JPEG or PNG): the manuscript's, or one drawn for it
    (remembered in `cache`: drawing it means starting WeasyPrint; its warnings too)."""
    given = book.metadata.cover_image
    if given is not None:
        return given.read_bytes()
    cache = cache or Cache(None)
    html = render_cover(book, styles)
    # The files of styles/cover/ the cover is drawn with: the book's own copies, and ours.
    key = cache_key(RECIPE, html, *(path.read_bytes() for path in styles.files("cover").values()))
    return cache.remember("covers", key, lambda: _raster(cover_pdf(book, styles)))


def generated_front(book: Book, styles: Styles, sheet: CoverSheet, cache: Cache | None = None) -> bytes:
    """The generated cover drawn again at the shape of a print cover's front and its
    bleed, as a PNG of 300 pixels per inch: the same design, its text fitted again."""
    from .wrap import PRINT_PPI, front_pixels, front_size

    width, height = front_size(sheet)
    shape = COVER_WIDTH * height / width  # the designed width, the front's shape
    pixels = front_pixels(sheet, PRINT_PPI + 10)[0]  # a little over: never just under 300 ppi
    cache = cache or Cache(None)
    html = render_cover(book, styles)
    key = cache_key(RECIPE, "front", html, f"{shape:.1f}", str(pixels),
                    *(path.read_bytes() for path in styles.files("cover").values()))
    return cache.remember("covers", key, lambda: _raster(
        fitted_cover(book, styles, shape).write_pdf(), pixels, "PNG"))


def cover_pdf(book: Book, styles: Styles) -> bytes:
    """The generated cover as a one-page PDF, laid out from `styles/cover/cover.html`
    with its text at the largest sizes that fit (`coverfit`)."""
    return fitted_cover(book, styles).write_pdf()


def _raster(pdf: bytes, width: int = COVER_WIDTH, kind: str = "JPEG") -> bytes:
    """The cover's PDF as a JPEG (or a PNG), `width` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=width / page.get_width())
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    if kind == "PNG":
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
        return out.getvalue()
    return jpeg_bytes(image)
