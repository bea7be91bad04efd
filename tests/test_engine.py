"""Laid-out pages are kept: each piece of the print edition is written to a PDF of its
own and remembered, the book is their join, and a rebuild does only what changed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pypdf import PdfReader

from support import counted_build, page_texts, write_manuscript

CHAPTER = ("The society met on the first Monday of the month, and the steward read out "
           "who had paid and who had been paid. ") * 8


def three_chapters(folder: Path, first: str = CHAPTER, second: str = CHAPTER) -> Path:
    body = (f"# One\n\n{first}\n\n{first}\n\n# Two\n\n{second}[^n]\n\n{second}\n\n"
            f"# Three\n\n{CHAPTER}\n\n[^n]: A note in the second chapter.\n")
    return write_manuscript(folder, body, "title: Three chapters\ndate: 2026-01-01")


def built_pdf(manuscript: Path, out: Path) -> tuple[bytes, dict[str, int]]:
    """The PDF's bytes, and what the build counted (pieces laid out, PDFs written)."""
    counted = counted_build(manuscript, out, ("pdf",))
    return (out / f"{manuscript.stem}.pdf").read_bytes(), counted


def test_a_rebuild_with_nothing_changed_lays_out_and_writes_nothing(tmp_path):
    manuscript = three_chapters(tmp_path)
    first, counted = built_pdf(manuscript, tmp_path / "out")
    assert counted["piece PDFs written"] == 4  # the contents and three chapters
    again, counted = built_pdf(manuscript, tmp_path / "out")
    assert counted == {}
    assert hashlib.sha256(again).digest() == hashlib.sha256(first).digest()


def test_a_word_changed_in_one_chapter_writes_that_chapter_again(tmp_path):
    manuscript = three_chapters(tmp_path)
    built_pdf(manuscript, tmp_path / "out")
    three_chapters(tmp_path, second=CHAPTER.replace("steward", "treasurer", 1))
    pdf, counted = built_pdf(manuscript, tmp_path / "out")
    # that chapter alone, each of its three pages once: it needs no correction
    assert counted == {"pieces laid out afresh": 1, "pages laid out": 3, "piece PDFs written": 1}
    assert "treasurer" in " ".join(page_texts(tmp_path / "out" / "test.pdf"))


def test_a_chapter_that_grows_moves_the_folios_after_it(tmp_path):
    manuscript = three_chapters(tmp_path)
    before, _ = built_pdf(manuscript, tmp_path / "out")
    pages_before = len(PdfReader(tmp_path / "out" / "test.pdf").pages)
    three_chapters(tmp_path, first=CHAPTER * 3)  # two pages longer or so
    _, counted = built_pdf(manuscript, tmp_path / "out")
    reader = PdfReader(tmp_path / "out" / "test.pdf")
    assert len(reader.pages) > pages_before
    # Laid out again: the chapter, the contents (its numbers changed) and the last piece
    # (the blank pages a binding needs depend on where it begins); the second chapter is
    # only written again, on its new pages.
    assert counted["pieces laid out afresh"] == 3
    assert counted["piece PDFs written"] == 4
    texts = page_texts(tmp_path / "out" / "test.pdf")
    contents = " ".join(texts[1].split())
    for title in ("Two", "Three"):
        page = next(n for n, text in enumerate(texts, start=1) if text.startswith(title + "\n"))
        assert texts[page - 1].strip().splitlines()[-1] == str(page)  # its folio, continued
        assert re.search(rf"{title}( \.)+ {page}\b", contents), contents  # and the contents says so
