"""Tables: the alignment of each column, and figures that line up, in the EPUB and the PDF."""

import re

import pdfplumber
import pypdfium2
import pytest

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.pipeline import build
from run_once import made_once

from support import NS, Epub, write_manuscript

BODY = """Some text before the tables.

| Society | Members | Verdict | Fund |
|:--------|--------:|:-------:|-----:|
| Pioneers | 28 | yes | £28 |
| Oddfellows | 1,111 | unknown | £8,888 |
| Foresters | 8,888 | no | £1,111 |
| Shepherds | 111 | perhaps | £707 |

| Year | Count |
|---|---|
| 1111 | 2,345 |
| 8888 | 6,790 |

<table><tr><td>Raw</td><td align="right">42</td></tr></table>
"""


@pytest.fixture(scope="module")
@made_once
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    return build(write_manuscript(folder, BODY), folder / "out").outputs


def cells(epub_path) -> list[list[tuple[str, set[str]]]]:
    """(text, classes) of every cell, row by row, as the EPUB holds them."""
    epub = Epub(epub_path)
    document = next(d for d in map(epub.xhtml, epub.spine()) if d.xpath("//x:table", namespaces=NS))
    return [[("".join(cell.itertext()), set((cell.get("class") or "").split()))
              for cell in row.xpath("x:th|x:td", namespaces=NS)]
            for row in document.xpath("//x:tr", namespaces=NS)]


def test_the_epub_keeps_each_column_alignment_as_a_class_its_stylesheet_sets(tables):
    rows = cells(tables["epub"])
    for row in rows[:5]:
        assert [{"align-left", "align-right", "align-center"} & classes for _, classes in row] == [
            {"align-left"}, {"align-right"}, {"align-center"}, {"align-right"}]
    assert rows[-1] == [("Raw", set()), ("42", {"align-right", "numeric"})]  # align="right", made valid
    epub = Epub(tables["epub"])
    stylesheet = next(epub.read(item["href"]).decode() for item in epub.manifest().values()
                      if item["media-type"] == "text/css" and "book" in item["href"])
    for side in ("left", "right", "center"):
        assert re.search(rf"th\.align-{side}, td\.align-{side} {{ text-align: {side}; }}", stylesheet)
    report = check_epub(tables["epub"])
    assert [str(f) for f in report.findings if f.severity in ("error", "warning")] == []


def test_a_column_of_numbers_is_marked_numeric_and_a_column_of_words_is_not(tables):
    rows = cells(tables["epub"])
    year_table = rows[5:8]
    assert all("numeric" in classes for row in year_table[1:] for _, classes in row)
    assert not any("numeric" in classes for row in rows[:5] for text, classes in row
                   if text in ("Pioneers", "yes", "perhaps"))


def words_on_table_page(pdf_path) -> dict[str, dict]:
    with pdfplumber.open(pdf_path) as document:
        page = next(p for p in document.pages if "Oddfellows" in (p.extract_text() or ""))
        return {word["text"]: word for word in page.extract_words(keep_blank_chars=False)}


def test_printed_columns_keep_their_alignment(tables):
    words = words_on_table_page(tables["pdf"])
    left = [words[w]["x0"] for w in ("Society", "Pioneers", "Oddfellows", "Foresters", "Shepherds")]
    right = [words[w]["x1"] for w in ("Members", "28", "1,111", "8,888", "111")]
    centre = [(words[w]["x0"] + words[w]["x1"]) / 2 for w in ("Verdict", "yes", "unknown", "no", "perhaps")]
    money = [words[w]["x1"] for w in ("Fund", "£28", "£8,888", "£1,111", "£707")]
    for column in (left, right, centre, money):
        assert max(column) - min(column) < 0.5, column


def digit_boxes(pdf_path, texts: set[str]) -> dict[str, list[tuple[float, float, float, float]]]:
    """The inked box (left, bottom, right, top) of each digit of the words in `texts`,
    on the page with the tables: the glyphs' own outlines, not the font's line box."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if "Oddfellows" not in text:
                continue
            found = {}
            for word in texts:
                start = text.index(word)
                found[word] = [textpage.get_charbox(i, loose=False)
                               for i in range(start, start + len(word)) if text[i].isdigit()]
            return found
    finally:
        document.close()
    raise AssertionError("no page with the tables")


def test_figures_in_number_columns_are_lining_and_tabular(tables):
    # Lining figures all stand on the baseline and reach the same height; old-style
    # ones (the text's) rise and descend, 1 short, 8 tall, 7 below the line.
    boxes = digit_boxes(tables["pdf"], {"1,111", "8,888", "111", "1111", "8888", "6,790"})
    for word, digits in boxes.items():
        bottoms, tops = [b[1] for b in digits], [b[3] for b in digits]
        assert max(tops) - min(tops) < 0.3 and max(bottoms) - min(bottoms) < 0.3, word
    # Tabular figures: every digit as wide as every other, so 1111 is as wide as 8888.
    words = words_on_table_page(tables["pdf"])
    for narrow, wide in (("1,111", "8,888"), ("1111", "8888")):
        assert words[narrow]["x1"] - words[narrow]["x0"] == pytest.approx(
            words[wide]["x1"] - words[wide]["x0"], abs=0.05)
