"""One piece of the print edition laid out by WeasyPrint, corrected until it holds.

A piece (`render.print.PrintPiece`) is laid out, its pages read for what
`corrections` fixes, changed, and laid out again, at most MAX_LAYOUTS times.
The stylesheets, fonts and pictures of an edition are loaded once
(`PrintStyles`) and shared by every piece.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..model import Book
from ..problems import PamphleteerError, fail
from ..render.print import picture_files
from ..support import timings
from ..support.fetcher import FolderFetcher, ForbiddenResource
from ..support.styles import Styles
from .changes import Changes
from .corrections import (
    FIT_CLASS,
    HYPHEN_ROUNDS,
    SETTLING_ROUNDS,
    blanks_needed,
    keep_words_whole,
    pad_before_back_page,
    settle_figures,
    stray_notes,
    tie_paragraph_ends,
    tie_paragraph_ends_in,
    with_its_heading,
)
from .edits import Twins
from .internals import Pagination, paginate
from .profiles import PrintProfile

MAX_LAYOUTS = 10


@dataclass(frozen=True)
class Placement:
    """Where a piece of the book goes: the number of its first page, whether the
    blank pages a booklet needs go into it (the last piece), and whether it ends
    in the page that begins the next piece (to be dropped)."""

    first_page: int = 1
    last: bool = True


@dataclass
class LaidOutPiece:
    document: object  # a weasyprint.Document
    html: str  # the HTML after the writer's corrections: laid out again, it gives the same pages
    # Notes the corrections could not keep on their call's page: (note number, the page of
    # its call counted from the piece's first). The layout reports them, with the book's pages.
    late_notes: list[tuple[int, int]] = field(default_factory=list)


class PrintStyles:
    """The stylesheets, fonts and colour profiles of one print edition, loaded once
    and shared by every piece of the book laid out with them."""

    def __init__(self, book: Book, styles: Styles, profile: PrintProfile,
                 copies: dict[Path, Path] | None = None):
        """`copies`: the print copy of each picture that has one (pictures.py)."""
        copies = copies or {}
        allowed = [book.source.parent, *styles.folders, *sorted({path.parent for path in copies.values()})]
        allowed += [profile.output_intent] if profile.output_intent else []
        self.book, self.profile = book, profile
        self.fetcher = FolderFetcher(allowed, picture_files(book, copies))
        self.fonts = FontConfiguration()
        self.colour_profiles: dict = {}  # filled by @color-profile rules, like fonts by @font-face
        # WeasyPrint's own picture cache, shared: a picture is read and decoded once for
        # the whole book, however many times its chapter is laid out.
        self.images: dict = {}
        self.css = [self.stylesheet(text) for text in (styles.text("print/book.css"),
                                                       profile.page_css())]

    def stylesheet(self, text: str) -> CSS:
        try:
            return CSS(string=text, base_url=self.base_url, url_fetcher=self.fetcher,
                       font_config=self.fonts, color_profiles=self.colour_profiles)
        except ForbiddenResource as exc:
            raise _refused(exc, self.book) from None

    @property
    def base_url(self) -> str:
        return self.book.source.parent.as_uri() + "/"


def lay_out(book: Book, html_text: str, styles: Styles, profile: PrintProfile):
    """The book paginated by WeasyPrint: a `weasyprint.Document`, not yet a PDF."""
    return lay_out_piece(PrintStyles(book, styles, profile), html_text).document


def lay_out_piece(styles: PrintStyles, html_text: str, place: Placement = Placement(),
                  corrected: bool = False) -> LaidOutPiece:
    """One piece of the book paginated. `corrected`: the HTML is one this function
    returned before, which needs no more corrections."""
    if not corrected:
        return lay_out_kept(styles, html_text, place, for_edits=False).laid_out()
    try:
        html = HTML(string=html_text, base_url=styles.base_url, url_fetcher=styles.fetcher)
        document = html.render(stylesheets=_stylesheets(styles, place), font_config=styles.fonts,
                               color_profiles=styles.colour_profiles, cache=styles.images)
    except ForbiddenResource as exc:
        raise _refused(exc, styles.book) from None
    return LaidOutPiece(_placed(document, place), html_text)


def _stylesheets(styles: PrintStyles, place: Placement) -> list[CSS]:
    if place.first_page > 1:
        return styles.css + [styles.stylesheet(f"@page :first {{ counter-reset: page {place.first_page} }}")]
    return styles.css


def _placed(document, place: Placement):
    """The piece's pages without the one that begins the next piece, if one does."""
    return document if place.last else document.copy(document.pages[:-1])


@dataclass
class KeptPiece:
    """A piece laid out and corrected in this process, kept (by the preview) to be laid
    out again after an edit from the page where the edit begins (`lay_out_edited`)."""

    source: str  # the HTML as rendered, before any correction
    twins: Twins | None  # that HTML parsed, as it was, and its elements' twins in `html`
    html: HTML  # the HTML laid out, the corrections in it: an edit is made in it
    styles: PrintStyles  # what it was laid out with
    css: list
    place: Placement
    layout: _Corrected

    @property
    def document(self):
        return _placed(self.layout.pagination.document, self.place)

    def laid_out(self) -> LaidOutPiece:
        """The piece as `lay_out_piece` gives it: its pages, its corrected HTML."""
        corrected = ElementTree.tostring(self.html.etree_element, encoding="unicode", method="html")
        return LaidOutPiece(self.document, corrected, list(self.layout.late_notes))


def lay_out_kept(styles: PrintStyles, html_text: str, place: Placement = Placement(),
                 for_edits: bool = True) -> KeptPiece:
    """The piece laid out and corrected, with what an edit needs to lay it out again
    from a page (`for_edits`: also the rendering as it was, to compare an edit with)."""
    css = _stylesheets(styles, place)
    try:
        html = HTML(string=html_text, base_url=styles.base_url, url_fetcher=styles.fetcher)
        twins = Twins(copy.deepcopy(html.etree_element), html.etree_element) if for_edits else None
        tie_paragraph_ends(html.etree_element)
        layout = _lay_out(html, css, styles, place)
    except ForbiddenResource as exc:
        raise _refused(exc, styles.book) from None
    return KeptPiece(html_text, twins, html, styles, css, place, layout)


def lay_out_edited(kept: KeptPiece, html_text: str) -> KeptPiece | None:
    """The kept piece after an edit that rendered it as `html_text`: laid out again only
    from the page where the edit begins to the page where the layout meets the old one
    again, then corrected the same way. The kept piece is used up. None when the edit
    cannot be made in the old layout (it reaches the document's root): lay the piece
    out afresh then."""
    styles = kept.styles
    try:
        edited = HTML(string=html_text, base_url=styles.base_url, url_fetcher=styles.fetcher)
        root, before = kept.html.etree_element, kept.layout.pagination
        changes = Changes(root)
        put_in = kept.twins.graft(edited.etree_element, root)
        if put_in is None:
            return None
        in_main = {element for main in root.iter("main") for element in main.iter()}
        for element in put_in:
            if element in in_main:
                tie_paragraph_ends_in(element)
        start = changes.since(before.document, before.clean)
        if start is None:
            return replace(kept, source=html_text)
        layout = _lay_out(kept.html, kept.css, styles, kept.place, _Corrected(before, [], kept.layout.padded),
                          start)
    except ForbiddenResource as exc:
        raise _refused(exc, styles.book) from None
    return KeptPiece(html_text, kept.twins, kept.html, styles, kept.css, kept.place, layout)


@dataclass
class _Corrected:
    """A piece's layout once corrected."""

    pagination: Pagination
    late_notes: list[tuple[int, int]]  # as LaidOutPiece's
    padded: bool = False  # whether blank pages were added for a booklet


def _refused(exc: ForbiddenResource, book: Book) -> PamphleteerError:
    """A stylesheet or the HTML asked for a file outside the folders a book may use."""
    return fail("LAYOUT-001", f"refused to read {exc.url}: {exc.reason}", book.source)


def _lay_out(html: HTML, css: list[CSS], styles: PrintStyles, place: Placement,
             before: _Corrected | None = None, start: tuple = (0, None)) -> _Corrected:
    """The piece laid out and corrected until it holds; with `before`, a layout of the
    same HTML since changed, from the page `start` gives (changes.py) on."""
    root = html.etree_element
    padded, settling_rounds, hyphen_rounds = bool(before and before.padded), 0, 0
    pagination = before.pagination if before else None
    for _ in range(MAX_LAYOUTS):
        # Laid out again from the page before the first correction (changes.py); the
        # pages before it, and those after the layout meets the old one again, are kept.
        changes = Changes(root)
        pagination = paginate(html, css, styles.fonts, styles.colour_profiles, styles.images,
                              pagination, *start)
        timings.count("pages laid out", pagination.laid_out)
        document = pagination.document
        parents = {child: parent for parent in root.iter() for child in parent}
        strays = list(stray_notes(document))
        for _, _, paragraph in strays:
            target = with_its_heading(paragraph, parents)
            target.set("class", f"{target.get('class', '')} {FIT_CLASS}".strip())
        # All kinds of correction in one round: each layout costs as much as the rest
        # of the build together. The next layout checks that they hold.
        settled = settling_rounds < SETTLING_ROUNDS and settle_figures(document, parents)
        settling_rounds += settled
        kept_whole = hyphen_rounds < HYPHEN_ROUNDS and keep_words_whole(document)
        hyphen_rounds += kept_whole
        if not (strays or settled or kept_whole):
            blanks = (blanks_needed(place.first_page - 1 + len(document.pages), styles.profile)
                      if place.last else 0)
            if not blanks or padded:
                return _Corrected(pagination, [], padded)
            pad_before_back_page(root, parents, blanks)
            padded = True
        start = changes.since(document, pagination.clean)
        if start is None:
            break  # the corrections asked for changed nothing: laid out again, the same pages
    return _Corrected(pagination, [(number, call_page) for number, call_page, _ in strays], padded)
