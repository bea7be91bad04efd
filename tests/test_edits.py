"""An edit laid out from the page where it begins (pdf/kept.py, pdf/edits.py), as the
preview does before it builds the files: only the pages from the edit to where the
layout meets the old one again are laid out, and they are the pages the build makes.
Anything the kept pieces cannot tell (the front matter, a chapter that moves the ones
after it, new styles) is left to the build."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pamphleteer.pipeline import KeptLayouts, build, edited_pages
from pamphleteer.problems import collect
from pamphleteer.support import timings
from pamphleteer.support.styles import Styles

from support import write_manuscript

PARAGRAPHS = [
    f"Paragraph {n} tells of the {word} society: its members paid a penny a week into the box, "
    "met on the first Monday of the month in the back room of the inn, and chose two stewards "
    "each year to visit members who were sick and to carry them what the box allowed. " * 2
    for n, word in enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                              "eighth", "ninth", "tenth", "eleventh", "twelfth"], start=1)]


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


class Kept:
    """A book built once with its pieces kept, then edited and laid out from the edit."""

    def __init__(self, folder: Path, text: str, front: str = "title: Kept pages"):
        self.folder, self.front = folder, front
        self.manuscript = write_manuscript(folder, text, front)
        self.kept = KeptLayouts()
        with collect():
            self.pdf = build(self.manuscript, folder / "out", ("pdf",), kept=self.kept).outputs["pdf"]
        self.pages = pictures(self.pdf.read_bytes())

    def edit(self, text: str, front: str | None = None):
        """The pages the edit changed (`EditedPages`, or None), and how many pages were laid out."""
        write_manuscript(self.folder, text, front or self.front)
        timings.reset()
        with collect():
            edited = edited_pages(self.manuscript, self.folder / "out",
                                  Styles.for_manuscript(self.manuscript), None, self.kept)
        return edited, timings.counts().get("pages laid out", 0)

    def built_afresh(self, tmp: Path) -> list[bytes]:
        """The pages a build makes of the manuscript as it is now, with nothing kept or cached."""
        with collect():
            return pictures(build(self.manuscript, tmp, ("pdf",)).outputs["pdf"].read_bytes())


def pictures(pdf: bytes) -> list[bytes]:
    """Each page drawn, as the preview compares them."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=0.5).to_pil().tobytes() for page in document]
    finally:
        document.close()


def with_edit(before: list[bytes], edited) -> list[bytes]:
    after = list(before)
    for number, picture in zip(edited.numbers, pictures(edited.pdf), strict=True):
        after[number - 1] = picture
    return after


def test_a_word_changed_is_laid_out_from_its_page_to_where_the_pages_meet_again(tmp_path):
    book = Kept(tmp_path / "book", body(PARAGRAPHS))
    assert len(book.pages) >= 6
    changed = [p.replace("sixth society", "sixth guild") for p in PARAGRAPHS]
    edited, laid_out = book.edit(body(changed))
    assert edited is not None
    assert 1 <= len(edited.numbers) <= 2 and laid_out <= 3  # not the pages before, nor those after
    assert with_edit(book.pages, edited) == book.built_afresh(tmp_path / "afresh")


def test_the_next_edit_starts_from_the_last_one(tmp_path):
    book = Kept(tmp_path / "book", body(PARAGRAPHS))
    first = [p.replace("third society", "third club") for p in PARAGRAPHS]
    edited, _ = book.edit(body(first))
    shown = with_edit(book.pages, edited)
    second = [p.replace("ninth society", "ninth club") for p in first]
    edited, laid_out = book.edit(body(second))
    assert edited is not None and laid_out <= 3
    assert with_edit(shown, edited) == book.built_afresh(tmp_path / "afresh")


@pytest.mark.parametrize("change", ["pages added", "heading moved"])
def test_an_edit_that_moves_what_the_contents_cites_is_left_to_the_build(tmp_path, change):
    """Pages added at the end move the colophon; a paragraph grown before a heading moves the
    heading to the next page: either way the contents' numbers change, and the build lays
    the front matter out again."""
    text = body(PARAGRAPHS[:4]) + "\n## A heading\n\n" + body(PARAGRAPHS[4:8])
    book = Kept(tmp_path / "book", text)
    if change == "pages added":
        edited, _ = book.edit(text + "\n" + body(PARAGRAPHS[8:]))
    else:
        edited, _ = book.edit(text.replace("\n## A heading", PARAGRAPHS[0] + "\n\n## A heading"))
    assert edited is None


def test_an_edit_on_the_first_page_still_stops_where_the_pages_meet_again(tmp_path):
    book = Kept(tmp_path / "book", body(PARAGRAPHS))
    changed = [PARAGRAPHS[0].replace("first society", "first guild"), *PARAGRAPHS[1:]]
    edited, laid_out = book.edit(body(changed))
    assert edited is not None and laid_out <= 3
    assert with_edit(book.pages, edited) == book.built_afresh(tmp_path / "afresh")


@pytest.mark.parametrize("change", ["title", "heading"])
def test_an_edit_the_contents_shows_is_left_to_the_build(tmp_path, change):
    text = "## A heading\n\n" + body(PARAGRAPHS[:4])
    book = Kept(tmp_path / "book", text)
    if change == "title":
        edited, laid_out = book.edit(text, front="title: Another title")
    else:
        edited, laid_out = book.edit(text.replace("A heading", "Another heading"))
    assert edited is None and laid_out == 0


def test_a_chapter_that_changes_length_is_left_to_the_build_one_that_keeps_it_is_not(tmp_path):
    chapters = "# One\n\n" + body(PARAGRAPHS[:5]) + "\n# Two\n\n" + body(PARAGRAPHS[5:10])
    book = Kept(tmp_path / "book", chapters)
    longer = chapters.replace("# Two", body(PARAGRAPHS[:4]) + "\n# Two")
    assert book.edit(longer)[0] is None  # chapter two's folios would change
    book = Kept(tmp_path / "again", chapters)
    edited, laid_out = book.edit(chapters.replace("eighth society", "eighth guild"))
    assert edited is not None and laid_out <= 3
    assert with_edit(book.pages, edited) == book.built_afresh(tmp_path / "afresh")


def test_new_styles_drop_what_was_kept(tmp_path):
    book = Kept(tmp_path / "book", body(PARAGRAPHS))
    own = tmp_path / "book" / "styles" / "print"
    own.mkdir(parents=True)
    default = Path(Styles.for_manuscript(book.manuscript).find("print/book.css"))
    (own / "book.css").write_text(default.read_text(encoding="utf-8") + "\np { color: #333 }\n",
                                  encoding="utf-8")
    edited, laid_out = book.edit(body([re.sub("sixth", "6th", p) for p in PARAGRAPHS]))
    assert edited is None and laid_out == 0


def test_a_piece_not_kept_is_laid_out_whole_and_remembered_for_the_build(tmp_path):
    folder = tmp_path / "book"
    manuscript = write_manuscript(folder, body(PARAGRAPHS), "title: Kept pages")
    with collect():
        build(manuscript, folder / "out", ("pdf",))  # remembered in the build folder's cache
    book = Kept(folder, body(PARAGRAPHS))  # finds every piece remembered: lays out none, keeps none
    edited, laid_out = book.edit(body([p.replace("sixth society", "sixth guild") for p in PARAGRAPHS]))
    assert edited is not None  # the text's pages, all of them: laid out whole
    assert edited.numbers == list(range(edited.numbers[0], len(book.pages) + 1)) and laid_out >= 4
    assert with_edit(book.pages, edited) == book.built_afresh(tmp_path / "afresh")
    timings.reset()
    with collect():
        build(manuscript, folder / "out", ("pdf",))
    assert "pieces laid out afresh" not in timings.counts()  # the edit's layout, remembered


def test_the_pieces_kept_are_the_last_laid_out_and_keeping_more_never_pushes_one_out():
    from types import SimpleNamespace

    from pamphleteer.pdf.kept import KeptLayouts, Place

    kept = KeptLayouts(limit=2)
    kept.begin("setup")
    for html in ("one", "two", "three"):
        kept.place(html, Place(1, False, 1, {}))
    kept.keep(SimpleNamespace(source="one"))
    assert kept.missing() == ["two"]  # room for one more, in book order
    kept.keep(SimpleNamespace(source="two"))
    assert kept.missing() == []
    kept.keep(SimpleNamespace(source="three"))  # an edit's piece: the oldest goes
    assert [kept.piece(html) is not None for html in ("one", "two", "three")] == [False, True, True]
    kept.keep(SimpleNamespace(source="three, edited"))  # not placed yet, but just laid out: it stays
    assert [kept.piece(html) is not None for html in ("two", "three", "three, edited")] == [False, True, True]
    kept.begin("other setup")  # new styles: nothing kept is any good
    assert kept.piece("three") is None
