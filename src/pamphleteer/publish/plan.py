"""`pamphleteer publish`, top to bottom: read strictly, build what is stale, check, release,
rebuild the catalogue.

A book that fails a check is not published: the checks are those of `make check`
(EPUBCheck, Ace where installed, preflight of each PDF for its profile), with
warnings counted as failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..check.files import check_files
from ..model import Book
from ..pdf.booklet import make_booklet
from ..pdf.profiles import load_profile
from ..pipeline import build, choose_profile, cover_for, print_profile_name
from ..problems import fail
from ..read.manuscript import read_book
from ..support.cache import Cache
from ..support.styles import Styles
from .catalogue import write_catalogue
from .release import Outcome, make_release, refuse_another_book

PACKAGE = Path(__file__).resolve().parents[1]
# pamphleteer's own code: a new version of it may make different files
CODE = sorted(path for path in PACKAGE.rglob("*.py") if "styles" not in path.relative_to(PACKAGE).parts)


@dataclass(frozen=True)
class Plan:
    """Which build/ files the release is made from, and the profiles they are built with."""

    book: Book
    print_profile: str
    files: dict[str, Path]  # as release.editions names them
    profiles: dict[str, str | None]  # "pdf", "print-pdf" -> the --profile to build it with


def publish(manuscript: Path, build_dir: Path, publish_dir: Path, styles: Styles,
            print_profile: str | None = None, catalogue_title: str | None = None,
            catalogue_styles: Styles | None = None) -> Outcome:
    """`styles`: the book's; `catalogue_styles`: the catalogue's, by default
    `Styles.for_folder(publish_dir)`."""
    book = read_book(manuscript, strict=True, cache=Cache(build_dir / ".cache"), styles=styles)
    if not book.metadata.date:
        raise fail("PUBLISH-007", "a release needs a date: add 'date: YYYY-MM-DD' to the front matter "
                   "(it also keeps a rebuild's files the same)", manuscript, 1)
    plan = plan_release(book, build_dir, styles, print_profile)
    refuse_another_book(publish_dir, book)  # before building: a refusal needs no files
    build_stale(plan, build_dir, styles)
    # A release already published passed its checks then: only a new one is checked.
    outcome = make_release(book, plan.files, publish_dir, plan.print_profile,
                           check=lambda: check_release(plan, styles))
    write_catalogue(publish_dir, catalogue_title, catalogue_styles or Styles.for_folder(publish_dir))
    return outcome


def plan_release(book: Book, build_dir: Path, styles: Styles, asked: str | None) -> Plan:
    """The digital PDF is the one `make` builds when the manuscript chooses no print
    profile; the print PDF is the profile asked for, else the manuscript's, else press."""
    own = choose_profile(book, styles).name
    chosen = print_profile_name(book, styles, asked)
    load_profile(chosen, styles)  # an unknown profile stops here, before any building

    def pdf(profile: str) -> tuple[Path, str | None]:
        if profile == own:
            return build_dir / f"{book.stem}.pdf", None
        return build_dir / f"{book.stem}-{profile}.pdf", profile

    digital, digital_option = pdf("digital")
    printed, print_option = pdf(chosen)
    files = {"epub": build_dir / f"{book.stem}.epub",
             "cover": build_dir / f"{book.stem}-cover.jpg",
             "pdf": digital, "print-pdf": printed,
             # Its own name: `make booklet SHEET=letter` must not change what is released.
             "booklet-pdf": digital.with_name(f"{digital.stem}-release-booklet.pdf"),
             "print-cover": build_dir / f"{book.stem}-cover-{chosen}.pdf"}
    return Plan(book, chosen, files, {"pdf": digital_option, "print-pdf": print_option})


def build_stale(plan: Plan, build_dir: Path, styles: Styles) -> None:
    """Build each file that is missing or older than what it is made from, as make would."""
    newest = _newest_input(plan.book, styles)

    def stale(*paths: Path) -> bool:
        return any(not path.is_file() or path.stat().st_mtime < newest for path in paths)

    book = plan.book.source
    formats = ("epub",) if stale(plan.files["epub"], plan.files["cover"]) else ()
    if stale(plan.files["pdf"]) and plan.profiles["pdf"] is None:
        formats += ("pdf",)  # in the same build as the EPUB: one layout for both
    if formats:
        build(book, build_dir, formats, styles, strict=True)
    for kind in ("pdf", "print-pdf"):
        if stale(plan.files[kind]):
            build(book, build_dir, ("pdf",), styles, plan.profiles[kind], strict=True)
    cover, printed = plan.files["print-cover"], plan.files["print-pdf"]
    if stale(cover) or cover.stat().st_mtime < printed.stat().st_mtime:
        cover_for(plan.book, printed, build_dir, styles, plan.print_profile, strict=True)  # as built above
    booklet, digital = plan.files["booklet-pdf"], plan.files["pdf"]
    if stale(booklet) or booklet.stat().st_mtime < digital.stat().st_mtime:
        make_booklet(digital, booklet)


def _newest_input(book: Book, styles: Styles) -> float:
    inputs = [book.source, *book.picture_files, *CODE,
              *(path for folder in styles.folders for path in folder.rglob("*")
                if path.is_file() and "catalogue" not in path.relative_to(folder).parts)]
    return max(path.stat().st_mtime for path in inputs)


def check_release(plan: Plan, styles: Styles) -> None:
    """The checks of `make check`, strict, each PDF preflighted for its own profile."""
    book = plan.book
    failed = check_files([plan.files["epub"]], strict=True, book=book)
    for kind in ("pdf", "print-pdf"):
        profile = choose_profile(book, styles, plan.profiles[kind])
        files = [plan.files[kind], *([plan.files["print-cover"]] if kind == "print-pdf" else [])]
        failed |= check_files(files, strict=True, profile=profile, book=book)
    if failed:
        raise fail("PUBLISH-008", "not published: the checks above found problems; fix them and "
                   "publish again (make check shows them too)", book.source)
