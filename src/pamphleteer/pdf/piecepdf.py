"""Each piece of the print edition written to a PDF of its own, for `join.join_pieces`.

A piece is laid out as `layout` lays it out (the same corrected HTML, the same
first page number), so its pages are the pages the book has in one pass. Two
things differ from writing the whole book at once:

- a link to an id in another piece (the contents' entries) would be dropped by
  WeasyPrint, which finds no anchor for it: such a link is written with the
  private ACROSS scheme, and the join turns it into a link to the named
  destination, which the joined book has;
- each outline item carries its heading level, for the join to nest the whole
  book's outline as one pass does.
"""

from __future__ import annotations

import re

from ..model import Book
from .profiles import PrintProfile

ACROSS = "x-pamphleteer-anchor:"  # not "http...": the stylesheet prints those links' addresses


def link_across_pieces(html: str) -> str:
    """The piece's HTML with each `href="#id"` whose id is not in it written as ACROSS + id."""
    ids = set(re.findall(r'\sid="([^"]+)"', html))

    def across(match: re.Match) -> str:
        return match[0] if match[1] in ids else f'href="{ACROSS}{match[1]}"'

    return re.sub(r'href="#([^"]+)"', across, html)


def piece_pdf(book: Book, document, profile: PrintProfile, first_page: int, created: str) -> bytes:
    """A laid-out piece (a `weasyprint.Document` whose first page is the book's
    `first_page`) as PDF bytes, finished as the whole book would be, for the join;
    `created`: when the book was made, which its HTML does not say (layout.py)."""
    from .writer import pdf_bytes  # here, not above: an EPUB build needs the link form, not pydyf

    return pdf_bytes(book, dated(document, created), profile, first_page, for_join=True)


def dated(document, created: str):
    """The document, saying in its metadata when the book was made."""
    document.metadata.created = document.metadata.modified = created
    return document
