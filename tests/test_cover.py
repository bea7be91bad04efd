"""The generated cover: whatever the title, its text stays inside the frame and
apart. Read back from the cover's own PDF (the page the JPEG is rasterized from)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber
import pyphen
import pytest

from pamphleteer.pdf.cover import cover_pdf
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.styles import DEFAULTS

from support import write_manuscript

TITLE_120 = ("Mutual aid among printers, weavers and bakers of the northern towns, "
             "and what their cooperatives learned in leaner years")
TITLE_120_DE = ("Die Konsumgenossenschaftsbewegung und Arbeiterwohlfahrtsverbände zwischen Kaiserreich "
                "und Weimarer Republik, eine Studie")
WORD_40 = "Donaudampfschifffahrtsgesellschaftsboote"
AUTHORS = ["Ada Lovelace-Montgomery", "Bartholomew Featherstonehaugh", "Cecilia Worthington-Smythe",
           "Dmitri Alexandrovich Volkonsky", "Eleanor Roosevelt-Hamilton"]

CASES = {
    "one long word": "title: Genossenschaften\nlang: de\nauthor: Clara Zetkin\npublisher: Verlag am Hafen",
    "a long German title": "title: Die Genossenschaften und der lange Weg der gegenseitigen Hilfe\n"
                           "lang: de\nauthor: Clara Zetkin\npublisher: Verlag am Hafen",
    "120 characters": f"title: {TITLE_120}\nauthor: Peter Kropotkin\npublisher: Freedom Press",
    "a 40-letter word": f"title: {WORD_40}\nlang: de\nauthor: Clara Zetkin\npublisher: Verlag am Hafen",
    "a long subtitle": "title: Thrift, credit and the common purse of the poor\n"
                       "subtitle: Being an account of how the weavers of Rochdale, the bakers of Leeds and "
                       "the printers of Manchester put their pennies together, what came of it for their "
                       "children and grandchildren, and what we may still learn from their ledgers, minutes "
                       "and quarrels\nauthor: A. Writer\npublisher: Small Press",
    "five authors": "title: Working together in hard times and in good ones\n"
                    f"author: [{', '.join(AUTHORS)}]\npublisher: Small Press",
    "all of it long": f"title: {TITLE_120_DE}\nlang: de\nsubtitle: Eine Untersuchung der "
                      "Genossenschaften, Vereine, Kassen und Verbände in den Industriestädten des "
                      "Ruhrgebiets und am Niederrhein\n"
                      f"author: [{', '.join(AUTHORS)}]\npublisher: Genossenschaftliche Verlagsanstalt für "
                      "Arbeiterbildung und Volkskultur eG",
}

BROKEN = {"a 40-letter word", "all of it long"}  # a word too wide at half size: broken as a last resort


@dataclass
class Block:
    """One piece of the cover's text, as printed: its lines of characters."""

    lines: list[list[dict]]

    @property
    def chars(self) -> list[dict]:
        return [char for line in self.lines for char in line]

    @property
    def top(self) -> float:
        return min(char["top"] for char in self.chars)

    @property
    def bottom(self) -> float:
        return max(char["bottom"] for char in self.chars)

    @property
    def size(self) -> float:
        return max(char["size"] for char in self.chars)

    def line_texts(self) -> list[str]:
        return ["".join(char["text"] for char in line) for line in self.lines]


def letters(text: str) -> str:
    """What must be printed of a text, whatever its case, spacing and line-end hyphens."""
    return "".join(c for c in text.casefold() if c.isalnum())


@dataclass
class Cover:
    """A generated cover as printed: its text read top to bottom, the inside of its
    frame (x0, top, x1, bottom), and the ornaments drawn inside it."""

    title: str  # as the manuscript gives it
    blocks: dict[str, Block]  # title, subtitle, author, publisher: those the book has
    frame: tuple[float, float, float, float]
    ornaments: list[tuple[float, float, float, float]]


def printed_cover(front: str, tmp_path) -> Cover:
    """The cover drawn for a manuscript with front matter `front`."""
    book = read_book(write_manuscript(tmp_path, "Text.\n", front))
    meta = book.metadata
    expected = {"title": meta.title, "subtitle": meta.subtitle, "author": meta.author_line,
                "publisher": meta.publisher}
    with pdfplumber.open(io.BytesIO(cover_pdf(book, DEFAULTS))) as pdf:
        page = pdf.pages[0]
        lines = _lines(page.chars)
        frame, ornaments = _frame_and_ornaments(page)
    blocks: dict[str, Block] = {}
    for name, text in expected.items():
        if not text:
            continue
        block, wanted = Block([]), letters(text)
        while lines and letters("".join(c["text"] for c in block.chars)) != wanted:
            block.lines.append(lines.pop(0))
        printed = letters("".join(c["text"] for c in block.chars))
        assert printed == wanted, f"the {name} is not printed whole, line after line: {block.line_texts()}"
        blocks[name] = block
    return Cover(meta.title, blocks, frame, ornaments)


def _lines(chars: list[dict]) -> list[list[dict]]:
    """The page's characters as lines, top to bottom, each left to right."""
    lines: dict[tuple[float, float], list[dict]] = {}
    for char in chars:
        lines.setdefault((round(char["top"], 1), round(char["size"], 1)), []).append(char)
    return [sorted(line, key=lambda c: c["x0"]) for _, line in sorted(lines.items())]


def _frame_and_ornaments(page):
    """The innermost rectangle drawn around the middle of the page (the frame's inner
    line, not the page's own background), and the rectangles drawn elsewhere (rules)."""
    middle_x, middle_y = page.width / 2, page.height / 2
    rects = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects]
    around = [r for r in rects if r[0] < middle_x < r[2] and r[1] < middle_y < r[3] and r[:2] != (0, 0)]
    return max(around, key=lambda r: r[0]), [r for r in rects if r not in around and r[:2] != (0, 0)]


def _overlaps(char: dict, rect: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = rect
    return char["x0"] < x1 and x0 < char["x1"] and char["top"] < bottom and top < char["bottom"]


@pytest.mark.parametrize("case", CASES)
def test_the_covers_text_stays_inside_the_frame_and_apart(case, tmp_path):
    cover = printed_cover(CASES[case], tmp_path)
    left, top, right, bottom = cover.frame
    for name, block in cover.blocks.items():
        outside = [c["text"] for c in block.chars
                   if c["x0"] < left or c["x1"] > right or c["top"] < top or c["bottom"] > bottom]
        assert not outside, f"{case}: letters of the {name} outside the frame: {''.join(outside)}"
        crossed = [c["text"] for c in block.chars if any(_overlaps(c, r) for r in cover.ornaments)]
        assert not crossed, f"{case}: a rule is drawn through the {name}: {''.join(crossed)}"
    placed = list(cover.blocks.items())
    for (upper, above), (lower, below) in zip(placed, placed[1:], strict=False):
        assert above.bottom <= below.top, f"{case}: the {upper} runs into the {lower}"
    title = cover.blocks["title"]
    assert all(title.size >= block.size for block in cover.blocks.values()), \
        f"{case}: the title is printed smaller than the rest"
    if case not in BROKEN:  # words that fit at some size are never broken
        printed = [letters(word) for line in title.line_texts() for word in line.split()]
        assert printed == [letters(word) for word in cover.title.split()]


def test_the_author_hears_when_even_the_smallest_sizes_do_not_fit(tmp_path, heard):
    front = "title: Thrift\nsubtitle: " + "words and more words " * 150 + "\nauthor: A. Writer"
    cover_pdf(read_book(write_manuscript(tmp_path, "Text.\n", front)), DEFAULTS)
    said = [str(problem) for problem in heard.found]
    assert len(said) == 1 and said[0].startswith(f"{tmp_path / 'test.md'}: warning: ")
    assert "subtitle" in said[0] and "cover: FILE" in said[0]


def test_a_word_too_long_at_any_size_is_hyphenated_in_the_books_language(tmp_path):
    title = printed_cover(CASES["a 40-letter word"], tmp_path).blocks["title"]
    pieces = [letters(text) for text in title.line_texts()]
    assert len(pieces) > 1 and all(text[-1] in "-\u2010" for text in title.line_texts()[:-1])
    breaks = [sum(len(piece) for piece in pieces[:n]) for n in range(1, len(pieces))]
    german = pyphen.Pyphen(lang="de").positions(WORD_40.lower())
    assert set(breaks) <= set(german), f"broken as {pieces}, not at German syllables"
