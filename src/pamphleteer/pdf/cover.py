"""The cover image: the author's own, or one drawn from `styles/cover/`.

A generated cover is an HTML page laid out by WeasyPrint at the size stores
ask for (1600 × 2560 px) and rasterized with PDFium, so its design is edited
like every other template; `coverfit` sets its text as large as fits. The
EPUB gets the image as bytes from the pipeline (`epub/storecover.py` writes
the copy for the stores' upload forms).
"""

from __future__ import annotations

from ..model import COVER_WIDTH, Book
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


def cover_pdf(book: Book, styles: Styles) -> bytes:
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
    return jpeg_bytes(image)
