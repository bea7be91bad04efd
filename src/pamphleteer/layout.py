"""The print edition laid out piece by piece.

WeasyPrint lays a document out whole, and keeps all of it in memory while it
does. A book's chapters each begin on a right-hand page, so they do not affect
one another's pages: we lay out each one by itself (a `PrintPiece`), starting
its page numbers where the one before ended, and put the pages together into
one document at the end. Three things follow:

- the corrections the PDF writer makes (a note pushed off its page, a gap
  before a figure) lay out again only the chapter they are in;
- each chapter's corrected HTML is remembered in the build cache, so a
  rebuild lays out every unchanged chapter once, with no corrections;
- the contents is laid out last, with the page numbers the chapters ended up
  on written into it (and again, should the numbers change its length).
"""

from __future__ import annotations

from pathlib import Path

from .cache import Cache, cache_key, files_digest
from .model import Book
from .pdf import LaidOutPiece, Placement, PrintStyles, lay_out_piece
from .profiles import PrintProfile
from .render import PrintPiece, print_pieces, render_print
from .timings import stage

PLACEHOLDER = "000"  # the contents' numbers before they are known: as wide as most


def lay_out_book(book: Book, styles: Path, profile: PrintProfile, created: str, cache: Cache):
    """The whole print edition, as one `weasyprint.Document`."""
    front, *body = print_pieces(book)
    context = _Context(book, styles, profile, created, cache)
    page_of = {heading.id: PLACEHOLDER for heading in book.headings} | {"colophon": PLACEHOLDER}
    front_pages = len(context.lay_out(front, 1, page_of).document.pages)
    for _ in range(3):
        laid_out, first_page = [], front_pages + 1
        for index, piece in enumerate(body):
            laid_out.append(context.lay_out(piece, first_page, last=index == len(body) - 1))
            first_page += len(laid_out[-1].document.pages)
        page_of = _page_numbers(laid_out, front_pages)
        contents = context.lay_out(front, 1, page_of)
        if len(contents.document.pages) == front_pages:
            break
        front_pages = len(contents.document.pages)  # the numbers made the contents longer
    pages = [page for piece in [contents, *laid_out] for page in piece.document.pages]
    return contents.document.copy(pages)


def _page_numbers(pieces: list[LaidOutPiece], pages_before: int) -> dict[str, str]:
    """The page each anchor (heading id, "colophon") is on."""
    numbers: dict[str, str] = {}
    number = pages_before
    for piece in pieces:
        for page in piece.document.pages:
            number += 1
            for anchor in page.anchors:
                numbers.setdefault(anchor, str(number))
    return numbers


class _Context:
    def __init__(self, book: Book, styles: Path, profile: PrintProfile, created: str, cache: Cache):
        self.book, self.styles, self.profile, self.created, self.cache = book, styles, profile, created, cache
        self.stylesheets = ((styles / "print" / "book.css").read_bytes(), profile.page_css())
        self.print_styles = PrintStyles(book, styles, profile)
        self.pictures = files_digest(book.picture_files)

    def lay_out(self, piece: PrintPiece, first_page: int, page_of: dict[str, str] | None = None,
                last: bool = False) -> LaidOutPiece:
        """A piece laid out, with the corrections remembered from an earlier build if
        nothing that goes into it has changed."""
        html = render_print(self.book, self.styles, self.created, piece, page_of)
        place = Placement(first_page, last)
        key = cache_key(html, *self.stylesheets, self.pictures, repr(place))
        corrected = self.cache.get("layout", key)
        with stage("lay out"):
            if corrected is not None:
                return lay_out_piece(self.print_styles, corrected.decode("utf-8"), place, corrected=True)
            result = lay_out_piece(self.print_styles, html, place)
        self.cache.put("layout", key, result.html.encode("utf-8"))
        return result

