"""Booklet imposition, checked sheet by sheet from the folios printed on it."""

import pdfplumber
import pytest
from pypdf import PdfReader

from pamphleteer.pdf.booklet import imposition, make_booklet, padded_order, sheet_for
from pamphleteer.pipeline import build
from run_once import made_once

from support import write_manuscript

PT = 72 / 25.4


def test_blank_pages_go_before_the_back_cover():
    assert padded_order(4) == [1, 2, 3, 4]
    assert padded_order(5) == [1, 2, 3, 4, None, None, None, 5]
    assert padded_order(22)[-4:] == [21, None, None, 22]
    assert padded_order(1) == [1, None, None, None]


def test_eight_pages_in_saddle_stitch_order():
    sides = [(s.sheet, s.front, s.left, s.right) for s in imposition(8)]
    assert sides == [
        (1, True, 8, 1), (1, False, 2, 7),
        (2, True, 6, 3), (2, False, 4, 5),
    ]


def test_folding_the_sheets_gives_the_pages_in_order():
    # Nest the sheets and read each leaf's right-hand page then the left-hand page
    # of the next opening: the fold turns the imposition back into reading order.
    for count in range(1, 41):
        sides = imposition(count)
        total = len(sides) * 2
        reading = [None] * total
        sheets = len(sides) // 2
        for index in range(sheets):
            front, back = sides[2 * index], sides[2 * index + 1]
            reading[index * 2], reading[total - 1 - index * 2] = front.right, front.left
            reading[index * 2 + 1], reading[total - 2 - index * 2] = back.left, back.right
        assert reading == padded_order(count)


def test_sheet_follows_the_trim():
    assert sheet_for(148) == "A4" and sheet_for(105) == "A4"
    assert sheet_for(139.7) == "letter" and sheet_for(152.4) == "letter"


@pytest.fixture(scope="module")
@made_once
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("booklet")
    body = "".join(f"## Part {n}\n\n" + "A club met above the baker's shop. " * 70 + "\n\n"
                   for n in range(1, 4))
    path = write_manuscript(folder, body, "title: Folded\ndate: 2026-01-01")
    return build(path, folder / "out", ("pdf",)).outputs["pdf"]


def folios(pdf, sheet_width_pt):
    """For each sheet side, the page numbers printed at the foot of its left and right halves."""
    sides = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            found = {"left": None, "right": None}
            for word in page.extract_words():
                if word["text"].isdigit() and word["bottom"] > page.height * 0.85:
                    half = "left" if word["x0"] < sheet_width_pt / 2 else "right"
                    found[half] = int(word["text"])
            sides.append((found["left"], found["right"]))
    return sides


def source_folios(pdf):
    """Which pages of the book print a folio (not the title page or blank pages)."""
    with pdfplumber.open(pdf) as document:
        return {n for n, page in enumerate(document.pages, start=1)
                if any(w["text"] == str(n) and w["bottom"] > page.height * 0.85
                       for w in page.extract_words())}


def test_booklet_sheets_carry_the_right_pages(book, tmp_path):
    booklet = make_booklet(book, tmp_path / "b.pdf")
    reader = PdfReader(booklet)
    width = float(reader.pages[0].mediabox.width)
    assert (round(width / PT), round(float(reader.pages[0].mediabox.height) / PT)) == (297, 210)
    count = len(PdfReader(book).pages)
    printed = source_folios(book)
    expected = [(s.left if s.left in printed else None, s.right if s.right in printed else None)
                for s in imposition(count)]
    assert folios(booklet, width) == expected
    assert len(reader.pages) == len(padded_order(count)) // 2
    assert count % 4 != 0  # the test must exercise the blank pages


def test_inch_trims_go_on_letter_paper(book, tmp_path):
    booklet = make_booklet(book, tmp_path / "b.pdf", sheet="letter")
    box = PdfReader(booklet).pages[0].mediabox
    assert (round(float(box.width) / 72, 2), round(float(box.height) / 72, 2)) == (11, 8.5)


def test_creep_moves_inner_sheets_towards_the_fold(book, tmp_path):
    plain = make_booklet(book, tmp_path / "plain.pdf")
    crept = make_booklet(book, tmp_path / "crept.pdf", creep_mm=1.0)

    def folio_x(pdf, side, half):
        with pdfplumber.open(pdf) as document:
            page = document.pages[side]
            words = [w for w in page.extract_words()
                     if w["text"].isdigit() and w["bottom"] > page.height * 0.85
                     and (w["x0"] > page.width / 2) == (half == "right")]
            return words[0]["x0"]

    assert folio_x(crept, 1, "left") == pytest.approx(folio_x(plain, 1, "left"))  # outer sheet
    # The second sheet's pages move 1 mm towards the fold: left ones right, right ones left.
    assert folio_x(crept, 2, "left") - folio_x(plain, 2, "left") == pytest.approx(PT, abs=0.01)
    assert folio_x(plain, 2, "right") - folio_x(crept, 2, "right") == pytest.approx(PT, abs=0.01)


def test_the_same_pdf_gives_the_same_booklet(book, tmp_path):
    first = make_booklet(book, tmp_path / "one.pdf").read_bytes()
    assert make_booklet(book, tmp_path / "two.pdf").read_bytes() == first


def test_a_back_page_that_changes_sides_gets_its_margins_mirrored(sample, tmp_path):
    count = len(PdfReader(sample.pdf).pages)
    assert count % 2 == 1  # the back page is a right-hand page in the book ...
    booklet = make_booklet(sample.pdf, tmp_path / "b.pdf")  # ... and a left-hand one folded
    with pdfplumber.open(booklet) as document:
        front = document.pages[0]
        left_half = [c["x0"] for c in front.chars if c["x0"] < front.width / 2 and c["text"].strip()]
    page_left_edge = front.width / 2 - 148 * PT
    assert min(left_half) - page_left_edge == pytest.approx(15 * PT, abs=0.5)  # the outside margin
