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
from .profiles import DEFAULT_PROFILE, PrintProfile, load_profile, parse_trim
from .reader import read_book
from .render import DEFAULT_STYLES, render_epub, render_print

FORMATS = ("epub", "pdf")


@dataclass(frozen=True)
class BuildResult:
    book: Book
    outputs: dict[str, Path]


def build(manuscript: Path, outdir: Path, formats: tuple[str, ...] = FORMATS,
          styles: Path = DEFAULT_STYLES, profile: str | None = None) -> BuildResult:
    """`profile` names a print profile for the PDF; the PDF is then called
    <stem>-<profile>.pdf. Without it, the manuscript's own choice (or digital)
    makes <stem>.pdf."""
    book = read_book(Path(manuscript))
    outputs = {}
    if "epub" in formats:
        outputs["epub"] = build_epub(book, outdir / f"{book.stem}.epub", styles)
    if "pdf" in formats:
        name = f"{book.stem}-{profile}.pdf" if profile else f"{book.stem}.pdf"
        outputs["pdf"] = build_pdf(book, outdir / name, styles, choose_profile(book, styles, profile))
    return BuildResult(book, outputs)


def choose_profile(book: Book, styles: Path, name: str | None = None) -> PrintProfile:
    """The profile asked for, else the manuscript's, else digital; with the manuscript's trim."""
    meta = book.metadata
    profile = load_profile(name or meta.print_profile or DEFAULT_PROFILE, styles)
    return profile.with_trim(parse_trim(meta.print_trim) if meta.print_trim else None)


def build_epub(book: Book, path: Path, styles: Path = DEFAULT_STYLES) -> Path:
    cover = make_cover(book, styles)
    rendering = render_epub(book, cover_file_name(cover), styles)
    return write_epub(book, rendering, cover, path)


def build_pdf(book: Book, path: Path, styles: Path, profile: PrintProfile) -> Path:
    created = build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ")
    return write_pdf(book, render_print(book, styles, created), styles, profile, path)
