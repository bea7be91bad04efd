"""The cover image: the author's own, or one drawn from `styles/cover/`.

A generated cover is an HTML page laid out by WeasyPrint at the size stores
ask for (1600 × 2560 px) and rasterized with PDFium, so its design is edited
like every other template.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from weasyprint import HTML

from .fetcher import FolderFetcher
from .model import Book
from .render import render_cover

COVER_WIDTH = 1600  # pixels; 1600 × 2560 is what Apple, Kobo and KDP recommend


@dataclass(frozen=True)
class CoverImage:
    data: bytes
    media_type: str
    extension: str


def make_cover(book: Book, styles: Path) -> CoverImage:
    given = book.metadata.cover_image
    if given is not None:
        is_png = given.suffix.lower() == ".png"
        return CoverImage(given.read_bytes(), "image/png" if is_png else "image/jpeg",
                          ".png" if is_png else ".jpg")
    return CoverImage(draw_cover(book, styles), "image/jpeg", ".jpg")


def draw_cover(book: Book, styles: Path) -> bytes:
    """Render `styles/cover/cover.html` to a JPEG, COVER_WIDTH pixels wide."""
    fetcher = FolderFetcher([styles])
    pdf = HTML(string=render_cover(book, styles), base_url=(styles / "cover").as_uri() + "/",
               url_fetcher=fetcher).write_pdf()
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=COVER_WIDTH / page.get_width())
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, optimize=True, progressive=False)
    return buffer.getvalue()
