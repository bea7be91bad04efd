"""The print edition written: a laid-out book to PDF bytes, made the same every time."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..model import Book
from ..support.output import write_output
from .internals import (
    complete_text_mapping,
    drop_annotations,
    drop_subset_prefixes,
    fix_document_id,
    set_page_boxes,
)
from .profiles import PrintProfile


def write_pdf(book: Book, document, profile: PrintProfile, path: Path) -> Path:
    """Write a document `lay_out` made."""
    return write_output(path, pdf_bytes(book, document, profile))


def pdf_bytes(book: Book, document, profile: PrintProfile) -> bytes:
    # A fixed document ID, so the same book gives the same bytes.
    identifier = hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode()
    return document.write_pdf(
        pdf_identifier=identifier, pdf_variant=profile.pdf_variant,
        full_fonts=profile.full_fonts,
        finisher=lambda doc, pdf: _finish(doc, pdf, profile, book.metadata.identifier))


def _finish(document, pdf, profile: PrintProfile, identifier: str) -> None:
    set_page_boxes(pdf, profile)
    if profile.full_fonts:
        complete_text_mapping(document, pdf)
        drop_subset_prefixes(pdf)
    if (profile.pdf_variant or "").startswith("pdf/x"):
        drop_annotations(pdf)
    fix_document_id(pdf, identifier)
