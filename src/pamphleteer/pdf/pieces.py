"""One piece of the print edition laid out by WeasyPrint, corrected until it holds.

A piece (`render.print.PrintPiece`) is laid out, its pages read for what
`corrections` fixes, changed, and laid out again, at most MAX_LAYOUTS times.
The stylesheets, fonts and pictures of an edition are loaded once
(`PrintStyles`) and shared by every piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    with_its_heading,
)
from .internals import paginate
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
    css = styles.css
    late_notes: list[tuple[int, int]] = []
    if place.first_page > 1:
        css = css + [styles.stylesheet(f"@page :first {{ counter-reset: page {place.first_page} }}")]
    try:
        html = HTML(string=html_text, base_url=styles.base_url, url_fetcher=styles.fetcher)
        if corrected:
            document = html.render(stylesheets=css, font_config=styles.fonts,
                                   color_profiles=styles.colour_profiles, cache=styles.images)
        else:
            document, late_notes = _lay_out(html, css, styles, place)
            html_text = ElementTree.tostring(html.etree_element, encoding="unicode", method="html")
    except ForbiddenResource as exc:
        raise _refused(exc, styles.book) from None
    if not place.last:
        document = document.copy(document.pages[:-1])
    return LaidOutPiece(document, html_text, late_notes)


def _refused(exc: ForbiddenResource, book: Book) -> PamphleteerError:
    """A stylesheet or the HTML asked for a file outside the folders a book may use."""
    return fail("LAYOUT-001", f"refused to read {exc.url}: {exc.reason}", book.source)


def _lay_out(html: HTML, css: list[CSS], styles: PrintStyles,
             place: Placement) -> tuple[object, list[tuple[int, int]]]:
    root = html.etree_element
    tie_paragraph_ends(root)
    padded, settling_rounds, hyphen_rounds = False, 0, 0
    pagination, start = None, (0, None)
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
                return document, []
            pad_before_back_page(root, parents, blanks)
            padded = True
        start = changes.since(document, pagination.clean)
        if start is None:
            break  # the corrections asked for changed nothing: laid out again, the same pages
    return document, [(number, call_page) for number, call_page, _ in strays]
