"""The pipeline, top to bottom: read once, render, lay out, write.

    manuscript.md --read--> Book --render--> HTML --lay out--> pages --write--> .pdf
                                 --render--> XHTML (+ where the print pages begin) --write--> .epub

The PDF is laid out first: the EPUB marks where the print edition's pages
begin, and those places come from the real layout.

Warnings from every stage go through the problem channel (`problems.report`);
the outputs are put in place together at the end, so that a build that fails,
or that --strict fails for its warnings, changes none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .epub.fonts import embed_fonts
from .epub.package import cover_file_name, write_epub
from .epub.pagebreaks import mark_print_pages
from .epub.pictures import for_screens, for_screens_all
from .epub.storecover import store_cover
from .model import Book, PrintPages
from .pdf.cover import generated_front, make_cover
from .pdf.kept import KeptLayouts
from .pdf.pictures import warn_about_crops
from .pdf.profiles import DEFAULT_PROFILE, PrintProfile, load_profile
from .pdf.wrap import cover_sheet, write_cover
from .problems import Problem, StrictFailure, collect
from .read.manuscript import read_book
from .render.epub import render_epub, render_font_css
from .render.templates import labels
from .support.cache import Cache, build_cache
from .support.clock import build_time
from .support.output import outputs_held, write_output
from .support.progress import step
from .support.styles import DEFAULTS, Styles
from .support.timings import stage
from .support.units import parse_trim

if TYPE_CHECKING:
    from .pdf.layout import EditedPages

FORMATS = ("epub", "pdf")


@dataclass(frozen=True)
class BuildResult:
    book: Book
    outputs: dict[str, Path]  # "epub", "cover" (for stores), "pdf"
    problems: list[Problem]  # the warnings of every stage, in the order they came


def build(manuscript: Path, outdir: Path, formats: tuple[str, ...] = FORMATS,
          styles: Styles | None = None, profile: str | None = None,
          strict: bool = False, jobs: int = 1, kept: KeptLayouts | None = None) -> BuildResult:
    """`profile` names a print profile for the PDF; the PDF is then called
    <stem>-<profile>.pdf. Without it, the manuscript's own choice (or digital)
    makes <stem>.pdf. The EPUB cites the pages of that own choice, whatever
    `profile` says, so that it is the same EPUB whichever PDF is asked for. `strict`:
    a warning from any stage fails the build too, and no output is written. `styles`: by
    default the book's own styles folder, then pamphleteer's (`Styles.for_manuscript`).
    `jobs`: processes that may lay out chapters side by side; the outputs are the same
    bytes whatever it is. `kept`: the pieces of the text the PDF's layout lays out in
    this process are kept there, for `edited_pages` (the preview's)."""
    styles = styles or Styles.for_manuscript(Path(manuscript))
    with collect() as found, outputs_held():
        book, outputs = _build(Path(manuscript), outdir, formats, styles, profile, strict, jobs, kept)
        if strict and found.warnings:
            raise StrictFailure(len(found.warnings))
    return BuildResult(book, outputs, found.found)


def _build(manuscript: Path, outdir: Path, formats: tuple[str, ...], styles: Styles,
           profile: str | None, strict: bool, jobs: int,
           kept: KeptLayouts | None = None) -> tuple[Book, dict[str, Path]]:
    cache = build_cache(outdir)
    step("reading")
    with stage("read"):
        book = read_book(manuscript, strict, cache, styles)
    edition = choose_profile(book, styles)
    outputs: dict[str, Path] = {}
    pages = None
    if "pdf" in formats:
        chosen = choose_profile(book, styles, profile)
        name = f"{book.stem}-{profile}.pdf" if profile else f"{book.stem}.pdf"
        warn_about_crops(book, chosen)
        pdf, laid_out = print_pdf(book, styles, chosen, cache, jobs, kept)
        outputs["pdf"] = write_output(outdir / name, pdf)
        pages = laid_out if chosen == edition else None
    if "epub" in formats:
        pages = pages or print_pages(book, styles, edition, cache, jobs)
        cover = make_cover(book, styles, cache)
        outputs["epub"] = build_epub(book, outdir / f"{book.stem}.epub", styles, pages, cache, cover)
        outputs["cover"] = store_cover(book, cover, outdir / f"{book.stem}-cover.jpg")
    return book, outputs


PRINT_DEFAULT = "press"  # the print edition of a book that chooses only the digital one


def print_profile_name(book: Book, styles: Styles, asked: str | None = None) -> str:
    """The print edition's profile: the one asked for, else the manuscript's, else press."""
    own = choose_profile(book, styles).name
    return asked or (own if own != DEFAULT_PROFILE else PRINT_DEFAULT)


def build_cover(manuscript: Path, outdir: Path, styles: Styles | None = None, profile: str | None = None,
                paper: str | None = None, strict: bool = False, jobs: int = 1) -> BuildResult:
    """The print cover for `profile` (`print_profile_name`), sized from its interior, which
    is built first where it is stale (with nothing changed, nothing is laid out):
    <stem>-cover-<profile>.pdf beside it."""
    styles = styles or Styles.for_manuscript(Path(manuscript))
    book = read_book(Path(manuscript), strict, build_cache(outdir), styles)
    name = print_profile_name(book, styles, profile)
    cover_sheet(choose_profile(book, styles, name), 0, paper or book.metadata.cover.paper,
                source=book.source)  # no cover, or an unknown paper: said before building
    own = name == choose_profile(book, styles).name
    interior = build(manuscript, outdir, ("pdf",), styles, None if own else name, strict, jobs)
    cover, problems = cover_for(book, interior.outputs["pdf"], outdir, styles, name, paper, strict)
    return BuildResult(book, {"pdf": interior.outputs["pdf"], "print-cover": cover},
                       [*interior.problems, *problems])


def cover_for(book: Book, interior: Path, outdir: Path, styles: Styles, profile: str,
              paper: str | None = None, strict: bool = False) -> tuple[Path, list[Problem]]:
    """The print cover of `profile` for the interior already built, and the problems found."""
    chosen = choose_profile(book, styles, profile)
    with collect() as found, outputs_held():
        sheet = cover_sheet(chosen, page_count(interior), paper or book.metadata.cover.paper,
                            interior.name, book.source)
        front = (None if book.metadata.cover_image
                 else generated_front(book, styles, sheet, build_cache(outdir)))
        step("writing the cover")
        with stage("cover"):
            pdf = write_cover(book, sheet, chosen, styles, front, _created(book))
        path = write_output(outdir / f"{book.stem}-cover-{profile}.pdf", pdf)
        if strict and found.warnings:
            raise StrictFailure(len(found.warnings))
    return path, found.found


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def choose_profile(book: Book, styles: Styles, name: str | None = None) -> PrintProfile:
    """The profile asked for, else the manuscript's, else digital; with the manuscript's trim."""
    meta = book.metadata
    profile = load_profile(name or meta.print_profile or DEFAULT_PROFILE, styles)
    return profile.with_trim(parse_trim(meta.print_trim) if meta.print_trim else None)


def print_pdf(book: Book, styles: Styles, profile: PrintProfile, cache: Cache,
              jobs: int = 1, kept: KeptLayouts | None = None) -> tuple[bytes, PrintPages]:
    """The print edition's PDF, joined from its pieces', and where its pages begin."""
    from .pdf.layout import print_pdf as joined_pdf  # WeasyPrint takes a second to load: only when laying out

    return joined_pdf(book, styles, profile, _created(book), cache, print_edition(book, profile, styles),
                      jobs, kept)


def edited_pages(manuscript: Path, outdir: Path, styles: Styles, profile: str | None,
                 kept: KeptLayouts) -> EditedPages | None:
    """The print pages an edit of the manuscript changed, laid out only from the page
    where it begins, in the pieces a build kept (`build(kept=...)`); nothing written.
    None when the pieces kept cannot tell them (pdf/layout.py, `lay_out_edit`): a
    build tells them then. For the preview, which shows them before the files are built."""
    from .pdf.layout import lay_out_edit

    cache = build_cache(outdir)
    book = read_book(Path(manuscript), False, cache, styles)
    chosen = choose_profile(book, styles, profile)
    return lay_out_edit(book, styles, chosen, _created(book), cache, kept)


def keep_layouts(manuscript: Path, outdir: Path, styles: Styles, profile: str | None,
                 kept: KeptLayouts, stop: Callable[[], bool]) -> None:
    """Lay out and keep the pieces of the text the last build found remembered, so that
    an edit of them too is laid out from its page, until `stop()` says to."""
    from .pdf.layout import keep_layouts as keep

    cache = build_cache(outdir)
    book = read_book(Path(manuscript), False, cache, styles)
    keep(book, styles, choose_profile(book, styles, profile), _created(book), cache, kept, stop)


def lay_out_print(book: Book, styles: Styles, profile: PrintProfile, cache: Cache, jobs: int = 1):
    """The print edition laid out (a `weasyprint.Document`), and where its pages begin."""
    from .pdf.layout import lay_out_book  # WeasyPrint takes a second to load: only when laying out

    return lay_out_book(book, styles, profile, _created(book), cache, print_edition(book, profile, styles),
                        jobs)


def print_pages(book: Book, styles: Styles, profile: PrintProfile, cache: Cache,
                jobs: int = 1) -> PrintPages:
    """Where the print edition's pages begin: from the layout remembered of each piece
    of the book, laying out again only the pieces that changed."""
    from .pdf.layout import print_pages as remembered_pages

    edition = print_edition(book, profile, styles)
    return remembered_pages(book, styles, profile, _created(book), cache, edition, jobs)


def print_edition(book: Book, profile: PrintProfile, styles: Styles = DEFAULTS) -> str:
    """What pageBreakSource names: the print ISBN, else the edition in the book's words."""
    meta = book.metadata
    if meta.print_isbn:
        return meta.print_isbn
    trim = profile.trim
    edition = labels(styles, meta.lang)["print_edition"]
    return f"{meta.title}, {edition}, {trim.width:g} × {trim.height:g} mm"


def build_epub(book: Book, path: Path, styles: Styles = DEFAULTS,
               pages: PrintPages | None = None, cache: Cache | None = None,
               cover_image: bytes | None = None) -> Path:
    """`pages`: where the print edition's pages begin, for the EPUB to mark them."""
    cache = cache or Cache(None)
    step("writing the EPUB")
    cover = for_screens(cover_image or make_cover(book, styles, cache), cache, book.metadata.cover_image)
    with stage("pictures for screens"):
        images = for_screens_all([figure.source for figure in book.figures], cache)
    rendering = render_epub(book, cover_file_name(cover), styles, pages,
                            {source: image.extension for source, image in images.items()})
    if pages:
        mark_print_pages(book, rendering, pages)
    fonts = None
    if book.metadata.epub_fonts:
        fonts = embed_fonts(book, styles, rendering.text_content())
        rendering.stylesheet = render_font_css(styles, fonts.family, fonts.faces) + rendering.stylesheet
    return write_epub(book, rendering, cover, images, path, pages, fonts.faces if fonts else [])


def _created(book: Book) -> str:
    return build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ")
