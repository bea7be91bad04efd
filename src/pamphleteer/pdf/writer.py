"""A laid-out document to PDF bytes, made the same every time: a piece of the book
(`piecepdf`, for the join), or the whole book written in one pass (what the join
is checked against, tests/test_join.py)."""

from __future__ import annotations

import hashlib

from ..model import Book
from .internals import (
    complete_text_mapping,
    drop_annotations,
    drop_subset_prefixes,
    fix_document_id,
    mark_bookmark_levels,
    set_info,
    set_page_boxes,
)
from .profiles import PrintProfile


def pdf_bytes(book: Book, document, profile: PrintProfile, first_page: int = 1,
              for_join: bool = False, info: dict[str, str] | None = None) -> bytes:
    """`document` (a `weasyprint.Document` whose first page is the book's `first_page`)
    as PDF bytes. `for_join`: each outline item keeps its heading level, which the
    join needs to nest the whole book's outline."""
    # A fixed document ID, so the same book gives the same bytes.
    identifier = hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode()

    def finish(document, pdf) -> None:
        set_page_boxes(pdf, profile, first_page)
        if profile.full_fonts:
            complete_text_mapping(document, pdf)
            drop_subset_prefixes(pdf)
        if (profile.pdf_variant or "").startswith("pdf/x"):
            drop_annotations(pdf)
        fix_document_id(pdf, book.metadata.identifier)
        if for_join:
            mark_bookmark_levels(document, pdf)
        set_info(pdf, info or {})

    return document.write_pdf(pdf_identifier=identifier, pdf_variant=profile.pdf_variant,
                              full_fonts=profile.full_fonts, finisher=finish)
