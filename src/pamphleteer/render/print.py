"""The book as the print edition's HTML, through `styles/print/`: whole, or in pieces
that can each be laid out by themselves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..model import Book, Section
from ..support.styles import DEFAULTS, Styles
from .contents import table_of_contents
from .templates import environment, labels


@dataclass(frozen=True)
class PrintPiece:
    """A run of the print edition that starts on a right-hand page of its own, so
    that it can be laid out by itself: the front matter, then each chapter (or,
    in a book of questions, the whole text). The last piece holds the colophon."""

    front: bool = False
    sections: tuple[Section, ...] = ()
    back: bool = False
    tight_contents: bool = False  # the contents set a little closer (pdf/layout.py decides)


def print_pieces(book: Book) -> list[PrintPiece]:
    sections = tuple(book.sections)
    if book.has_chapters and sections:  # every chapter begins on a right-hand page
        runs = [(section,) for section in sections]
    else:
        runs = [sections]
    body = [PrintPiece(sections=run) for run in runs]
    body[-1] = PrintPiece(sections=body[-1].sections, back=True)
    return [PrintPiece(front=True), *body]


def render_print(book: Book, styles: Styles = DEFAULTS, created: str | None = None,
                 piece: PrintPiece | None = None, page_of: dict[str, str] | None = None,
                 copies: dict[Path, Path] | None = None) -> str:
    """`created` is the W3C date-time the PDF's metadata gives as its creation.
    Without `piece`, the whole book in one document; `page_of` gives the page
    number of each heading id (and of "colophon"), for the contents; `copies`
    the picture to print instead of each (pdf/pictures.py) where it is a figure in the
    text. A full page (the cover, a `{.bleed}` figure) is larger than the text block
    the copy is made for, so it prints from the original, even when the same file
    is also a figure in the text."""
    env = environment(styles)
    whole = PrintPiece(front=True, sections=tuple(book.sections), back=True)
    copies = copies or {}

    def picture(source: Path, full_page: bool = False) -> str:
        return picture_url(book, source, None if full_page else copies.get(source))

    return env.get_template("print/book.html").render(
        book=book, meta=book.metadata, labels=labels(styles, book.metadata.lang),
        toc=table_of_contents(book), created=created, piece=piece, whole=whole,
        page_of=page_of or {}, picture=picture)


def picture_url(book: Book, source: Path, copy: Path | None = None) -> str:
    """A picture's address in the print HTML: the same wherever the manuscript and build/
    are, since WeasyPrint names each picture in the PDF after its address, and a
    release must be the same bytes when built again elsewhere. The fetcher maps it back."""
    if copy is not None:
        return f"picture:print-copy/{quote(copy.name)}"
    return f"picture:{quote(source.resolve().relative_to(book.source.parent.resolve()).as_posix())}"


def picture_files(book: Book, copies: dict[Path, Path] | None = None) -> dict[str, Path]:
    """Each picture address of the print HTML, and the file it stands for."""
    copies = copies or {}
    pictures = {picture_url(book, source): source for source in book.picture_files}
    pictures.update({picture_url(book, source, copy): copy for source, copy in copies.items()})
    return pictures
