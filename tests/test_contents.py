"""The printed contents page, read line by line from the PDF as a reader sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pdfplumber
import pytest

from pamphleteer.pipeline import build
from run_once import made_once

from support import write_manuscript

# Questions of 60 to 110 characters: most wrap onto a second line.
LONG_QUESTIONS = [
    "What do we mean when we speak of mutual aid among the working people of the towns?",
    "Where did the habit of mutual help come from, and how far back can it be traced?",
    "What is a friendly society, and how did it differ from a charity or a parish?",
    "How did a friendly society actually work from one week to the next in practice?",
    "Who was Robert Owen, and why does he still matter to the co-operative movement today?",
    "What happened in Toad Lane in 1844, and why do people remember it?",
    "What were the Rochdale principles, and which of them have survived to the present day?",
    "How did co-operation spread beyond the shop into mills, farms and housing?",
    "How did co-operative banking begin in Germany under Raiffeisen and Schulze-Delitzsch?",
    "Why did Kropotkin write Mutual Aid, and what was he arguing against?",
    "Was this only a British and European story, or did it happen elsewhere too?",
    "What became of the friendly societies after the state took over, and what is left?",
    "How were burial clubs run, and why did so many families pay into them every week?",
    "What part did women play in the societies, the shops and the guilds?",
    "Why did the societies meet in public houses, and what did the temperance movement think?",
    "How did the law come to recognise friendly societies, and what did registration mean?",
    "What were the affiliated orders, such as the Oddfellows and the Foresters?",
    "How did building societies begin, and how did they change over two centuries?",
    "What can a small group today learn from these old clubs and their rule books?",
    "Where can a reader find the books quoted in this pamphlet, free of charge?",
]
# Twenty questions, six of them long: set as usual, the contents would run three
# lines onto a second page (and leave a blank one after it).
NEARLY_ONE_PAGE = [
    "What do we mean by mutual aid among working people?",
    "Where did the habit of mutual help come from at first?",
    "What is a friendly society, and how did it differ from a charity or from the parish relief of the time?",
    "How did a friendly society work from week to week?",
    "Who was Robert Owen, and why does he still matter?",
    "What happened in Toad Lane in 1844, and why is it remembered by co-operators all over the world?",
    "What were the Rochdale principles, and which lasted?",
    "How did co-operation spread beyond the village shop?",
    "How did co-operative banking begin in Germany, and who were the two men who began it there?",
    "Why did Kropotkin write Mutual Aid, and against whom?",
    "Was this only a British and a European story at all?",
    "What became of the friendly societies after the state took over their work of insurance in 1911?",
    "How were the burial clubs run, and who paid into them?",
    "What part did women play in the shops and the guilds?",
    "Why did the societies meet in inns, and what did the temperance movement make of the habit?",
    "How did the law come to recognise friendly societies?",
    "What were the affiliated orders, such as the Oddfellows?",
    "How did the building societies begin, and how did they change over the two centuries that followed?",
    "What can a small group learn from the old rule books?",
    "Where can a reader find the books quoted here for free?",
]


def questions_book(folder, questions: list[str]):
    body = "".join(f"## {question}\n\nA short answer.\n\n" for question in questions)
    return build(write_manuscript(folder, body), folder / "out").outputs["pdf"]


@pytest.fixture(scope="module")
@made_once
def long_contents(tmp_path_factory):
    return questions_book(tmp_path_factory.mktemp("long"), LONG_QUESTIONS)


@pytest.fixture(scope="module")
@made_once
def nearly_one_page(tmp_path_factory):
    return questions_book(tmp_path_factory.mktemp("nearly"), NEARLY_ONE_PAGE)


@dataclass
class Line:
    """One printed line of the contents: its words, and the number at its end, if any."""

    page: int
    top: float
    text: str
    text_x0: float
    text_x1: float
    number: str = ""
    number_x0: float = 0.0
    number_x1: float = 0.0
    edge: float = 0.0  # the right edge of the page's text block


def contents_lines(pdf) -> list[Line]:
    """Every line of the contents, from its title to its last entry (the colophon),
    without the title and the folios."""
    lines: list[Line] = []
    with pdfplumber.open(pdf) as document:
        first = next(n for n, page in enumerate(document.pages)
                     if (page.extract_text() or "").lstrip().startswith("Contents"))
        for number, page in enumerate(document.pages[first:], start=first + 1):
            found = page.extract_text_lines(return_chars=True)
            folio = max(found, key=lambda line: line["top"])
            assert folio["text"].isdigit()
            found = [line for line in found if line is not folio and line["text"] != "Contents"]
            # The folio is centred under the text block, whose left edge the entries start at.
            edge = folio["x0"] + folio["x1"] - min(line["x0"] for line in found)
            lines += [_read_line(number, line, edge) for line in found]
            if any(line.text == "Colophon" and line.number for line in lines):
                return lines
    raise AssertionError("the contents has no colophon entry")


def _read_line(page: int, line: dict, edge: float) -> Line:
    chars = sorted((c for c in line["chars"] if c["text"].strip()), key=lambda c: c["x0"])
    digits = []
    while chars and chars[-1]["text"].isdigit():
        digits.insert(0, chars.pop())
    while chars and chars[-1]["text"] == "." and digits:  # the leader
        chars.pop()
    text = re.sub(r"[\s.]*\d*$", "", line["text"]) if digits else line["text"]
    return Line(page, line["top"], text.strip(),
                min((c["x0"] for c in chars), default=0.0), max((c["x1"] for c in chars), default=0.0),
                "".join(c["text"] for c in digits),
                digits[0]["x0"] if digits else 0.0, digits[-1]["x1"] if digits else 0.0, edge)


def entries(lines: list[Line]) -> list[list[Line]]:
    """The lines of each entry: an entry ends with the line that carries its page number."""
    found, current = [], []
    for line in lines:
        current.append(line)
        if line.number:
            found.append(current)
            current = []
    assert not current, f"lines after the last page number: {[line.text for line in current]}"
    return found


def joined(entry: list[Line]) -> str:
    text = ""
    for line in entry:
        text += line.text if text.endswith("-") or not text else " " + line.text
    return text


def test_a_wrapped_entry_hangs_and_keeps_its_number_on_its_last_line(long_contents):
    lines = contents_lines(long_contents)
    # No line is only a leader and a number: each number shares its line with the words.
    assert not [line for line in lines if line.number and not line.text]
    found = entries(lines)
    assert [joined(entry) for entry in found] == [*LONG_QUESTIONS, "Colophon"]
    assert sum(len(entry) > 1 for entry in found) >= 10  # the test is about wrapped entries
    assert len({line.page for line in lines}) == 2  # on a left-hand and a right-hand page
    for entry in found:
        first, *rest = entry
        last = entry[-1]
        assert last.number_x1 == pytest.approx(last.edge, abs=0.5)  # flush with the text block
        number_column = min(e[-1].number_x0 for e in found if e[-1].page == last.page)
        for line in entry:  # the words stay clear of the numbers
            assert line.text_x1 < number_column - 3, (line.text, line.text_x1, number_column)
        for line in rest:  # a hanging indent: the entry's later lines start further in
            assert line.text_x0 > first.text_x0 + 5, line.text


def test_a_contents_that_nearly_fits_is_set_a_little_closer_on_one_page(nearly_one_page, long_contents):
    lines = contents_lines(nearly_one_page)
    assert [joined(entry) for entry in entries(lines)] == [*NEARLY_ONE_PAGE, "Colophon"]
    assert {line.page for line in lines} == {2}  # after the title page, one page of contents
    with pdfplumber.open(nearly_one_page) as document:
        assert NEARLY_ONE_PAGE[0] in " ".join(document.pages[2].extract_text().split())  # no blank
    # Closer only where that saves the page: a contents two pages long either way keeps
    # the usual spacing.
    assert line_pitch(lines) < line_pitch(contents_lines(long_contents)) - 1


def line_pitch(lines: list[Line]) -> float:
    """The distance between two lines of the same entry."""
    return min(b.top - a.top for entry in entries(lines)
               for a, b in zip(entry, entry[1:], strict=False) if a.page == b.page)
