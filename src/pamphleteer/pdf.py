"""The PDF writer: the print HTML laid out by WeasyPrint."""

from __future__ import annotations

import hashlib
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .errors import fail
from .fetcher import FolderFetcher, ForbiddenResource
from .model import Book
from .output import write_atomically


def write_pdf(book: Book, html_text: str, styles: Path, path: Path) -> Path:
    return write_atomically(path, render_pdf(book, html_text, styles))


def render_pdf(book: Book, html_text: str, styles: Path) -> bytes:
    fetcher = FolderFetcher([book.source.parent, styles])
    fonts = FontConfiguration()
    stylesheet = styles / "print" / "book.css"
    try:
        css = CSS(string=stylesheet.read_text(encoding="utf-8"), base_url=stylesheet.parent.as_uri() + "/",
                  url_fetcher=fetcher, font_config=fonts)
        document = HTML(string=html_text, base_url=book.source.parent.as_uri() + "/",
                        url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[css], font_config=fonts,
            # A fixed document ID, so the same book gives the same bytes.
            pdf_identifier=hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode(),
        )
    except ForbiddenResource as exc:
        raise fail(f"refused to read {exc.url}: {exc.reason}", book.source) from None
