"""The pipeline, top to bottom: read once, render, write.

    manuscript.md --read--> Book --render--> XHTML / HTML --write--> .epub / .pdf
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cover import make_cover
from .epub import build_time, cover_file_name, write_epub
from .model import Book
from .pdf import write_pdf
from .reader import read_book
from .render import DEFAULT_STYLES, render_epub, render_print

FORMATS = ("epub", "pdf")


@dataclass(frozen=True)
class BuildResult:
    book: Book
    outputs: dict[str, Path]


def build(manuscript: Path, outdir: Path, formats: tuple[str, ...] = FORMATS,
          styles: Path = DEFAULT_STYLES) -> BuildResult:
    book = read_book(Path(manuscript))
    outputs = {}
    if "epub" in formats:
        outputs["epub"] = build_epub(book, outdir / f"{book.stem}.epub", styles)
    if "pdf" in formats:
        outputs["pdf"] = build_pdf(book, outdir / f"{book.stem}.pdf", styles)
    return BuildResult(book, outputs)


def build_epub(book: Book, path: Path, styles: Path = DEFAULT_STYLES) -> Path:
    cover = make_cover(book, styles)
    rendering = render_epub(book, cover_file_name(cover), styles)
    return write_epub(book, rendering, cover, path)


def build_pdf(book: Book, path: Path, styles: Path = DEFAULT_STYLES) -> Path:
    created = build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ")
    return write_pdf(book, render_print(book, styles, created), styles, path)
