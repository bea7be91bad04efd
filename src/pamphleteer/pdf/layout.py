"""The print edition laid out piece by piece.

WeasyPrint lays a document out whole, and keeps all of it in memory while it
does. A book's chapters each begin on a right-hand page, so they do not affect
one another's pages: we lay out each one by itself (a `PrintPiece`), starting
its page numbers where the one before ended, and put the pages together into
one document at the end. Three things follow:

- the corrections the PDF writer makes (a note pushed off its page, a gap
  before a figure) lay out again only the chapter they are in;
- each chapter's corrected HTML, and where its pages begin, are remembered in
  the build cache: a rebuild of the PDF lays every unchanged chapter out once,
  with no corrections, and the EPUB (which only needs to know where the pages
  begin) lays out only the chapters that changed;
- the contents is laid out last, with the page numbers the chapters ended up
  on written into it (and again, should the numbers change its length).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import Book, PageStart, PrintPages
from ..problems import Problem, report
from ..render.print import PrintPiece, print_pieces, render_print
from ..support import timings
from ..support.cache import Cache, cache_key, files_digest
from ..support.progress import step
from ..support.styles import Styles
from ..support.timings import stage
from .kept import KeptLayouts, Place
from .pagestarts import assemble, page_firsts
from .pictures import for_print
from .piecepdf import ACROSS, dated, link_across_pieces
from .profiles import PrintProfile

PLACEHOLDER = "000"  # the contents' numbers before they are known: as wide as most
# Starting the workers costs about a second (a process that loads WeasyPrint, then
# the fonts in each worker): chapters with less HTML than this between them are laid
# out sooner one after the other.
SIDE_BY_SIDE_FROM = 30_000
RECIPE = "layout-v3"  # change it when what is remembered changes: the cache then starts afresh
PIECE_PDF_RECIPE = "piece-pdf-v1"  # the same, for a piece's PDF


@dataclass
class PieceLayout:
    """What is remembered of a piece laid out: enough to lay it out again with no
    corrections, and to know its pages without laying it out."""

    html: str  # the HTML with the PDF writer's corrections
    firsts: list[PageStart | None]  # what each of its pages begins with
    totals: dict[str, int]  # atoms in each of its parts
    anchors: dict[str, int]  # id -> its page, counted from the piece's first
    # (note number, page of its call, counted from the piece's first) of each note printed
    # a page after its call: remembered, so that a rebuild from the cache warns again
    late_notes: list[tuple[int, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.firsts)

    def to_json(self) -> bytes:
        firsts = [[f.part, f.offset, f.figure] if f else None for f in self.firsts]
        return json.dumps({"html": self.html, "firsts": firsts, "totals": self.totals,
                           "anchors": self.anchors, "late_notes": self.late_notes}).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> PieceLayout:
        value = json.loads(data)
        firsts = [PageStart(str(n), *f) if f else None for n, f in enumerate(value["firsts"], start=1)]
        return cls(value["html"], firsts, value["totals"], value["anchors"],
                   [(number, page) for number, page in value["late_notes"]])


def lay_out_book(book: Book, styles: Styles, profile: PrintProfile, created: str, cache: Cache,
                 source: str = "", jobs: int = 1):
    """The whole print edition, as one `weasyprint.Document`, and where its pages
    begin (`source` names the edition). `jobs`: processes that may lay out chapters
    side by side (pdf/workers.py)."""
    context = _Context(book, styles, profile, created, cache, documents=True, jobs=jobs)
    pieces = _lay_out_pieces(context)
    _report_late_notes(book, [layout for layout, _ in pieces])
    document = pieces[0][1].copy([page for _, piece in pieces for page in piece.pages])
    return dated(document, created), _pages(pieces, source)


def print_pdf(book: Book, styles: Styles, profile: PrintProfile, created: str, cache: Cache,
              source: str = "", jobs: int = 1, kept: KeptLayouts | None = None) -> tuple[bytes, PrintPages]:
    """The print edition's PDF, and where its pages begin. Each piece is written to a
    PDF of its own, remembered by everything that goes into it (its first page number
    too), and the book is their join (join.py): a rebuild with nothing changed lays
    nothing out, and an edit lays out and writes again only the pieces it touches.
    `kept`: the pieces of the text laid out in this process are kept there (kept.py)."""
    context = _Context(book, styles, profile, created, cache, documents=False, jobs=jobs, writes_pdfs=True,
                       kept=kept)
    if kept is not None:
        kept.begin(context.setup)
    layouts = [layout for layout, _ in _lay_out_pieces(context)]
    _report_late_notes(book, layouts)
    keys = context.piece_keys(layouts)
    # The same pieces join into the same book: remembered too, since merging the
    # pieces' fonts takes a second or more.
    book_key = cache_key(PIECE_PDF_RECIPE, _code_digest("join.py", "joinfonts.py"), *keys)
    joined = cache.get("books", book_key)
    if joined is None:
        pdfs = context.piece_pdfs(layouts, keys)
        from .join import join_pieces

        step("joining the pieces")
        with stage("join"):
            joined = join_pieces(pdfs)
        cache.put("books", book_key, joined)
    return joined, _pages([(layout, None) for layout in layouts], source)


@dataclass
class EditedPages:
    """The pages an edit changed, laid out again from the page where it begins."""

    pdf: bytes  # those pages alone
    numbers: list[int]  # their numbers in the book, from 1 (an edit shown so never adds or drops one)


def lay_out_edit(book: Book, styles: Styles, profile: PrintProfile, created: str, cache: Cache,
                 kept: KeptLayouts) -> EditedPages | None:
    """The pages an edit of `book` changed, where the last build kept its pieces (kept.py):
    in a piece of the text kept, laid out again only from the page where the edit begins
    to the page where the layout meets the old one again; in one not kept, laid out whole
    (and remembered, for the build that follows). None when that cannot tell them: the
    edit touches no piece of the text, or more than one; it changes the front matter (a
    title, a heading the contents lists), or the page of anything the contents cites; it
    changes the piece's length; the stylesheets, pictures or profile are new. The build
    tells those."""
    context = _Context(book, styles, profile, created, cache, documents=False, kept=kept)
    edit = _edited_piece(context, kept)
    if edit is None:
        return None
    html, before_html = edit
    place = kept.places[before_html]
    kept_piece = kept.piece(before_html)
    kept.drop(before_html)  # an edit is made in it: whatever comes, it is not the old piece any more
    with stage("lay out"):
        if kept_piece is not None and kept_piece.place == _placement(place):
            before = list(kept_piece.document.pages)
            from .pieces import lay_out_edited

            edited = lay_out_edited(kept_piece, html)
        else:
            before = []
            key = context.layout_key(html, place.first_page, place.last)
            context._lay_out_afresh(html, place.first_page, place.last, key, final=True, keep=True)
            edited = kept.piece(html)
    if edited is None:
        return None
    after = list(edited.document.pages)
    if len(after) != place.pages or _anchors(edited.document) != place.anchors:
        kept.drop(html)
        return None  # the contents' page numbers change, or the folios of the pieces after it
    kept.keep(edited)
    kept.replace_place(before_html, html, Place(place.first_page, place.last, len(after), place.anchors))
    changed = [index for index, page in enumerate(after) if index >= len(before) or page is not before[index]]
    with stage("write PDF"):
        pdf = edited.document.copy([after[index] for index in changed]).write_pdf()
    return EditedPages(pdf, [place.first_page + index for index in changed])


def _edited_piece(context: _Context, kept: KeptLayouts) -> tuple[str, str] | None:
    """The one piece of the text an edit changed: its HTML, and its HTML before;
    None if the setup, the front matter, or more or less than one piece changed."""
    if kept.setup != context.setup:
        return None
    front, *body = print_pieces(context.book)
    placeholders = {heading.id: PLACEHOLDER for heading in context.book.headings} | {"colophon": PLACEHOLDER}
    if context.html_and_key(front, 1, placeholders)[0] != kept.front:
        return None
    htmls, old = [context.html_and_key(piece, 1)[0] for piece in body], list(kept.places)
    changed = [index for index, html in enumerate(htmls) if index >= len(old) or html != old[index]]
    if len(htmls) != len(old) or len(changed) != 1:
        return None
    return htmls[changed[0]], old[changed[0]]


def _placement(place: Place):
    from .pieces import Placement

    return Placement(place.first_page, place.last)


def keep_layouts(book: Book, styles: Styles, profile: PrintProfile, created: str, cache: Cache,
                 kept: KeptLayouts, stop: Callable[[], bool]) -> None:
    """Lay out and keep the pieces of the text the last build placed but did not lay out
    itself (it found them remembered), until `stop()` says to."""
    context = _Context(book, styles, profile, created, cache, documents=True)
    if kept.setup != context.setup:
        return
    for html in kept.missing():
        if stop():
            return
        with stage("lay out"):
            kept.lay_out(context.print_styles, html, _placement(kept.places[html]))


def piece_pdfs(book: Book, styles: Styles, profile: PrintProfile, created: str,
               cache: Cache) -> list[bytes]:
    """Each piece's PDF, the front matter first, as `print_pdf` joins them: for a look
    at the pieces themselves (tests/test_join.py)."""
    context = _Context(book, styles, profile, created, cache, documents=False)
    layouts = [layout for layout, _ in _lay_out_pieces(context)]
    return context.piece_pdfs(layouts, context.piece_keys(layouts))


@functools.cache  # asked for each piece; the code does not change while it runs
def _code_digest(*modules: str) -> str:
    """Our code that makes what is remembered: a change to it makes it afresh."""
    return files_digest([Path(__file__).with_name(module) for module in modules])


def _report_late_notes(book: Book, layouts: list[PieceLayout]) -> None:
    """Warn of each note the corrections could not keep on its call's page, once the
    pieces are on their final pages (the page numbers may change while the contents grow)."""
    pages_before = 0
    for layout in layouts:
        for number, call_page in layout.late_notes:
            report(Problem("warning", "LAYOUT-002", f"note {number} is printed a page after its call "
                           f"on page {pages_before + call_page}; shorten the note or the paragraph "
                           "around it", book.source))
        pages_before += layout.pages


def print_pages(book: Book, styles: Styles, profile: PrintProfile, created: str, cache: Cache,
                source: str, jobs: int = 1) -> PrintPages:
    """Where the print edition's pages begin, laying out only the pieces whose
    layout is not remembered."""
    context = _Context(book, styles, profile, created, cache, documents=False, jobs=jobs)
    return _pages(_lay_out_pieces(context), source)


def _pages(pieces: list, source: str) -> PrintPages:
    firsts = [first for layout, _ in pieces for first in layout.firsts]
    totals = {part: count for layout, _ in pieces for part, count in layout.totals.items()}
    return assemble(firsts, totals, source)


def _lay_out_pieces(context: _Context) -> list[tuple[PieceLayout, object]]:
    """(layout, document or None) for each piece, the contents first."""
    front, *body = print_pieces(context.book)
    page_of = {heading.id: PLACEHOLDER for heading in context.book.headings} | {"colophon": PLACEHOLDER}
    front_pages = _lay_out_front(context, front, page_of, document=False)[0].pages  # only its length
    if not context.documents:
        # Where the pages begin is all an EPUB needs: the workers' layouts are all of it.
        # A PDF needs each piece's pages too, which do not cross from one process to
        # another: it would lay each piece out again here (issue 15: pieces written and
        # joined as PDFs lift this).
        context.lay_out_ahead(body[:-1], front_pages + 1)
    for _ in range(3):
        laid_out, first_page = [], front_pages + 1
        for index, piece in enumerate(body):
            step("laying out", index, len(body) + 1)
            laid_out.append(context.lay_out(piece, first_page, last=index == len(body) - 1))
            first_page += laid_out[-1][0].pages
        step("laying out", len(body), len(body) + 1)  # the contents, now the page numbers are known
        contents = _lay_out_front(context, front, _page_numbers(laid_out, front_pages))
        if contents[0].pages == front_pages:
            break
        front_pages = contents[0].pages  # the numbers made the contents longer
    return [contents, *laid_out]


def _lay_out_front(context: _Context, front: PrintPiece, page_of: dict[str, str],
                   document: bool = True) -> tuple[PieceLayout, object]:
    """The front matter. A contents that runs a little onto another page is set a
    little closer, if that saves the page (and the blank one after it)."""
    normal = context.lay_out(front, 1, page_of, document=document)
    if _contents_pages(normal[0]) < 2:
        return normal
    tight = context.lay_out(replace(front, tight_contents=True), 1, page_of, document=document)
    return tight if tight[0].pages < normal[0].pages else normal


def _contents_pages(layout: PieceLayout) -> int:
    return sum(1 for first in layout.firsts if first and first.part == "contents")


def _page_numbers(pieces: list[tuple[PieceLayout, object]], pages_before: int) -> dict[str, str]:
    """The page each anchor (heading id, "colophon") is on."""
    numbers: dict[str, str] = {}
    for layout, _ in pieces:
        for anchor, page in layout.anchors.items():
            numbers.setdefault(anchor, str(pages_before + page))
        pages_before += layout.pages
    return numbers


class _Context:
    def __init__(self, book: Book, styles: Styles, profile: PrintProfile, created: str, cache: Cache,
                 documents: bool, jobs: int = 1, copies: dict[Path, Path] | None = None,
                 writes_pdfs: bool = False, kept: KeptLayouts | None = None):
        self.book, self.styles, self.created, self.cache = book, styles, created, cache
        self.documents = documents  # False: only where the pages begin is needed
        self.writes_pdfs = writes_pdfs  # for print_pdf, which joins the pieces' PDFs
        self.jobs = jobs  # processes that may lay out pieces side by side
        self.stylesheets = (styles.find("print/book.css").read_bytes(), profile.page_css())
        self.pictures = files_digest(book.picture_files)
        self.profile = profile
        # pictures with just the pixels print needs (a worker is given the main process's)
        self.copies = for_print(book, profile, cache) if copies is None else copies
        self.laid_out_by_workers: dict[str, bytes] = {}  # key -> PieceLayout, for a build without a cache
        self._print_styles = None
        self.kept = kept

    @property
    def setup(self) -> str:
        """What every piece is laid out with: the stylesheets, the pictures, the profile."""
        return cache_key(*self.stylesheets, self.pictures, repr(self.profile))

    @property
    def print_styles(self):
        """WeasyPrint's stylesheets and fonts: loaded once, and only if something is laid
        out (an EPUB rebuild that finds every piece remembered never loads WeasyPrint)."""
        if self._print_styles is None:
            from .internals import keep_colour_profiles_as_read
            from .pieces import PrintStyles

            self._print_styles = PrintStyles(self.book, self.styles, self.profile, self.copies)
            # each piece's PDF holds the same bytes of a colour profile, whatever came before it
            keep_colour_profiles_as_read(self._print_styles.colour_profiles)
        return self._print_styles

    def lay_out(self, piece: PrintPiece, first_page: int, page_of: dict[str, str] | None = None,
                last: bool = False, document: bool = True) -> tuple[PieceLayout, object]:
        """A piece's layout and, if documents are wanted (and `document`), its pages. The
        corrections hold on any page of the same side; the last piece's blank pages
        depend on its number too."""
        html, key = self.html_and_key(piece, first_page, page_of, last)
        laid_out = self._laid_out(html, key, first_page, page_of, last, document)
        if self.kept is not None:
            if page_of is None:  # a piece of the text, not the front matter
                self.kept.place(html, Place(first_page, last, laid_out[0].pages, laid_out[0].anchors))
            elif set(page_of.values()) == {PLACEHOLDER} and not piece.tight_contents:
                self.kept.front = html  # what an edit that changes the contents changes
        return laid_out

    def _laid_out(self, html: str, key: str, first_page: int, page_of: dict[str, str] | None,
                  last: bool, document: bool) -> tuple[PieceLayout, object]:
        remembered = self.laid_out_by_workers.get(key) or self.cache.get("layout", key)
        if remembered is None:
            # Another build (`make -j2` runs the EPUB's beside the PDF's) may be laying
            # this piece out: wait for it, then use its result instead of doing it twice.
            with self.cache.lock("layout", key):
                remembered = self.cache.get("layout", key)
                if remembered is None:
                    final = PLACEHOLDER not in (page_of or {}).values()
                    return self._lay_out_afresh(html, first_page, last, key, final, keep=page_of is None)
        if not (self.documents and document):
            return PieceLayout.from_json(remembered), None
        layout = PieceLayout.from_json(remembered)
        return layout, self._one_pass_pages(layout.html, first_page, last)

    def _one_pass_pages(self, html: str, first_page: int, last: bool):
        """The piece's pages for a book put together in one document (`lay_out_book`),
        where a link to another piece is a link inside the document."""
        from .pieces import Placement, lay_out_piece

        with stage("lay out"):
            return lay_out_piece(self.print_styles, html.replace(f'href="{ACROSS}', 'href="#'),
                                 Placement(first_page, last), corrected=True).document

    def html_and_key(self, piece: PrintPiece, first_page: int, page_of: dict[str, str] | None = None,
                     last: bool = False) -> tuple[str, str]:
        """The piece's HTML, and the key its layout is remembered by. A link to another
        piece is written in the form the join resolves (piecepdf.ACROSS) from the start:
        it lays out the same, and the layout's last pages can be written as they are."""
        # Without the time the book was made (`piecepdf.dated` puts it in the PDF): a manuscript with
        # no date is made at its last save, which must not change every piece's layout.
        html = link_across_pieces(render_print(self.book, self.styles, None, piece, page_of, self.copies))
        return html, self.layout_key(html, first_page, last)

    def layout_key(self, html: str, first_page: int, last: bool) -> str:
        return cache_key(RECIPE, html, *self.stylesheets, self.pictures, str(first_page % 2),
                         str(last), str(first_page) if last else "")

    def lay_out_ahead(self, pieces: list[PrintPiece], first_page: int) -> None:
        """Lay out side by side, in `jobs` worker processes, those of `pieces` (chapters,
        not the last piece) whose layout is not remembered. Each begins on a right-hand
        page (.piece-end in book.css ends the one before it there), so its layout depends
        on nothing before it: `first_page` is any right-hand page number. The book is then
        laid out as without workers, finding these layouts remembered."""
        waiting = []
        for piece in pieces:
            html, key = self.html_and_key(piece, first_page)
            if key not in self.laid_out_by_workers and self.cache.get("layout", key) is None:
                waiting.append((html, key))
        if self.jobs < 2 or not _worth_workers([html for html, _ in waiting]):
            return
        from .workers import side_by_side

        def done(count: int) -> None:
            step("laying out", count, len(waiting) + 1)

        with stage("lay out"):
            layouts = side_by_side(_worker, self.worker_setup,
                                   [("layout", html, first_page, False) for html, _ in waiting],
                                   self.jobs, self.book.source, done)
        for (_, key), layout in zip(waiting, layouts, strict=True):
            timings.count("pieces laid out afresh")
            timings.count("pieces laid out side by side")
            self.laid_out_by_workers[key] = layout
            self.cache.put("layout", key, layout)

    def piece_keys(self, layouts: list[PieceLayout]) -> list[str]:
        return [self.piece_key(layout.html, first, last)
                for layout, (first, last) in zip(layouts, _places(layouts), strict=True)]

    def piece_key(self, html: str, first_page: int, last: bool) -> str:
        """What a piece's PDF is remembered by: all that goes into it, its place too."""
        return cache_key(PIECE_PDF_RECIPE, _code_digest("piecepdf.py", "internals.py"), html,
                         *self.stylesheets, self.pictures, str(first_page), str(last),
                         repr(self.profile), self.created, self.book.metadata.identifier)

    def piece_pdfs(self, layouts: list[PieceLayout], keys: list[str]) -> list[bytes]:
        """Each piece's PDF, remembered or written (side by side when it pays)."""
        places = _places(layouts)
        pdfs = [self.cache.get("pages", key) for key in keys]
        missing = [index for index, pdf in enumerate(pdfs) if pdf is None]
        tasks = [("pdf", layouts[index].html, *places[index]) for index in missing]
        if self.jobs > 1 and _worth_workers([html for _, html, *_ in tasks]):
            from .workers import side_by_side

            with stage("write PDF"):
                written = side_by_side(_worker, self.worker_setup, tasks, self.jobs, self.book.source,
                                       lambda count: step("writing the PDF", count, len(tasks)))
        else:
            written = []
            for count, (_, html, first, last) in enumerate(tasks):
                step("writing the PDF", count, len(tasks))
                written.append(self.piece_pdf(html, first, last))
        for index, pdf in zip(missing, written, strict=True):
            timings.count("piece PDFs written")
            pdfs[index] = pdf
            self.cache.put("pages", keys[index], pdf)
        return pdfs

    def piece_pdf(self, html: str, first_page: int, last: bool) -> bytes:
        """A piece laid out from its corrected HTML on its pages in the book, as a PDF."""
        from .piecepdf import piece_pdf
        from .pieces import Placement, lay_out_piece

        with stage("lay out"):
            laid_out = lay_out_piece(self.print_styles, html, Placement(first_page, last), corrected=True)
        with stage("write PDF"):
            return piece_pdf(self.book, laid_out.document, self.profile, first_page, self.created)

    @property
    def worker_setup(self) -> tuple:
        """What `_worker` needs to do this context's work in another process."""
        return self.book, self.styles, self.profile, self.created, self.copies

    def _lay_out_afresh(self, html: str, first_page: int, last: bool, key: str, final: bool,
                        keep: bool = False):
        """Lay the piece out and correct it. In a PDF build, once its page numbers are
        the book's (`final`), its last layout is written as its PDF at once, rather than
        laid out again for it. `keep`: a piece of the text, kept if the build keeps them."""
        from .pieces import Placement, lay_out_piece

        with stage("lay out"):
            if keep and self.kept is not None:
                result = self.kept.lay_out(self.print_styles, html, Placement(first_page, last))
            else:
                result = lay_out_piece(self.print_styles, html, Placement(first_page, last))
        timings.count("pieces laid out afresh")
        layout = _remember(result.html, result.document, result.late_notes)
        self.cache.put("layout", key, layout.to_json())
        if self.writes_pdfs and final:
            pdf_key = self.piece_key(layout.html, first_page, last)
            if self.cache.get("pages", pdf_key) is None:
                from .piecepdf import piece_pdf

                with stage("write PDF"):
                    pdf = piece_pdf(self.book, result.document, self.profile, first_page, self.created)
                    self.cache.put("pages", pdf_key, pdf)
                timings.count("piece PDFs written")
        if not self.documents:
            return layout, None
        if ACROSS in layout.html:  # its links to other pieces must become links in the document
            return layout, self._one_pass_pages(layout.html, first_page, last)
        return layout, result.document


def _worker(book: Book, styles: Styles, profile: PrintProfile, created: str,
            copies: dict[Path, Path]):
    """In a worker process: what lays out a piece there (pdf/workers.py), with the
    edition's stylesheets and fonts loaded once."""
    context = _Context(book, styles, profile, created, Cache(None), documents=False, copies=copies)

    def work(task: tuple[str, str, int, bool]) -> bytes:
        """("layout", HTML, ...): the piece laid out and corrected, its PieceLayout;
        ("pdf", corrected HTML, ...): its PDF."""
        from .pieces import Placement, lay_out_piece

        kind, html, first_page, last = task
        if kind == "pdf":
            return context.piece_pdf(html, first_page, last)
        result = lay_out_piece(context.print_styles, html, Placement(first_page, last))
        return _remember(result.html, result.document, result.late_notes).to_json()

    return work


def _places(layouts: list[PieceLayout]) -> list[tuple[int, bool]]:
    """(first page, whether it is the last) of each piece, in the book."""
    places, first_page = [], 1
    for index, layout in enumerate(layouts):
        places.append((first_page, index == len(layouts) - 1))
        first_page += layout.pages
    return places


def _worth_workers(htmls: list[str]) -> bool:
    return len(htmls) >= 2 and sum(len(html) for html in htmls) >= SIDE_BY_SIDE_FROM


def _remember(html: str, document, late_notes: list[tuple[int, int]]) -> PieceLayout:
    firsts, totals = page_firsts(document)
    return PieceLayout(html, firsts, totals, _anchors(document), late_notes)


def _anchors(document) -> dict[str, int]:
    """The page each id of a piece is on, counted from its first."""
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    return anchors
