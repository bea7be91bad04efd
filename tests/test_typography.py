"""Typography a printer would sign off: floats, ornaments, hanging quotes, full bleed."""

import shutil

import pdfplumber
import pytest
from pypdf import PdfReader

from pamphleteer.pdf.internals import boxes
from pamphleteer.pdf.layout import lay_out_book
from pamphleteer.pipeline import build, build_time, choose_profile
from pamphleteer.support.cache import Cache
from pamphleteer.support.styles import DEFAULTS
from run_once import made_once

from support import FIXTURES, draw_image, flat, page_texts, write_manuscript

PT = 72 / 25.4


@pytest.fixture(scope="module")
@made_once
def bleed_book(tmp_path_factory):
    """The chapters fixture with its cover and a full-bleed picture, built for press and kdp."""
    folder = tmp_path_factory.mktemp("bleed")
    shutil.copy(FIXTURES / "chapters.md", folder)
    draw_image(folder / "art" / "cover.jpg", size=(1800, 2600), colour="#8a3b2e")
    draw_image(folder / "images" / "loom.png", size=(1600, 1000), mode="RGBA")
    draw_image(folder / "images" / "field.jpg", size=(1200, 1800))
    draw_image(folder / "images" / "sea.jpg", size=(2000, 2800), colour="#33557a")
    with (folder / "chapters.md").open("a") as text:
        text.write('\n![The sea](images/sea.jpg "The sea to the edge. / Photo: us"){.bleed}\n\n'
                   "Text after the sea.\n")
    return {name: build(folder / "chapters.md", folder / "out", ("pdf",), profile=name).outputs["pdf"]
            for name in ("press", "kdp")}


def image_boxes(pdf):
    """For each page: (x0, bottom, x1, top) of every picture, in PDF space."""
    result = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            media_bottom = float(page.page_obj.mediabox[1])
            result.append([(i["x0"], i["y0"] + media_bottom, i["x1"], i["y1"] + media_bottom)
                           for i in page.images])
    return result


def covers(image, box):
    return (image[0] <= box[0] + 0.5 and image[1] <= box[1] + 0.5
            and image[2] >= box[2] - 0.5 and image[3] >= box[3] - 0.5)


def test_cover_and_bleed_pictures_reach_into_the_bleed(bleed_book):
    pdf = bleed_book["press"]
    pages = PdfReader(pdf).pages
    placed = image_boxes(pdf)
    bleed_pages = [n for n, images in enumerate(placed)
                   if any(covers(i, [float(v) for v in pages[n].bleedbox]) for i in images)]
    texts = page_texts(pdf)
    assert bleed_pages[0] == 0  # the cover is page 1
    assert not texts[1].strip() and texts[2].strip().startswith("The Workshop")  # blank, title
    assert len(bleed_pages) == 2
    assert "THE SEA TO THE EDGE" in flat(texts[bleed_pages[1]]).upper()  # caption still shown


def test_kdp_interiors_leave_the_cover_out(bleed_book):
    assert image_boxes(bleed_book["kdp"])[0] == []  # page 1 is the title page, no picture
    assert "TEST FIXTURE BOOKS" in page_texts(bleed_book["kdp"])[0]


@pytest.fixture(scope="module")
def floating(tmp_path_factory):
    """Pictures placed where they cannot fit on the rest of the page."""
    folder = tmp_path_factory.mktemp("float")
    draw_image(folder / "tall.png", size=(1200, 1600))
    para = "The steward read the accounts aloud, and the members voted on every claim. " * 6
    body = "".join(f"## Meeting {n}\n\n{para}\n\n{para}\n\n{para}\n\n"
                   f'![A drawing](tall.png "Drawing {n}. / Us")\n\n{para}\n\n{para}\n\n{para}\n\n'
                   for n in range(1, 5))
    # and sections that end with their picture, where nothing can follow it up
    body += "".join(f"## Ending {n}\n\n{para}\n\n{para}\n\n{para}\n\n{para}\n\n"
                    f'![A drawing](tall.png "Last drawing {n}. / Us")\n\n' for n in range(1, 4))
    path = write_manuscript(folder, body, "title: Floats\ndate: 2026-01-01")
    book = build(path, folder / "out", ()).book
    profile = choose_profile(book, DEFAULTS)
    return lay_out_book(book, DEFAULTS, profile, build_time(book).isoformat(), Cache(None))[0]


def test_no_half_empty_page_before_a_picture(floating):
    pages = [p._page_box for p in floating.pages]
    for number, (page, following) in enumerate(zip(pages, pages[1:], strict=False), start=1):
        ends = [b.position_y + b.margin_height() for b in boxes(page.children[0])
                if type(b).__name__ in ("LineBox", "InlineReplacedBox")]
        gap = page.content_box_y() + page.height - max(ends)
        starts_with_figure = any(b.element_tag == "figure" for b in boxes(following.children[0]))
        if starts_with_figure and number > 2:
            assert gap < 0.2 * page.height, f"page {number} is {gap / page.height:.0%} empty"


def test_a_picture_never_stands_alone_on_a_page(floating):
    for number, page in enumerate(floating.pages, start=1):
        box = page._page_box
        figures = [b for b in boxes(box.children[0]) if b.element_tag == "figure"
                   and type(b).__name__ == "BlockBox"]
        text_lines = [b for b in boxes(box.children[0]) if type(b).__name__ == "LineBox"
                      and b.element_tag not in ("figure", "figcaption")]
        if figures and figures[0].margin_height() < box.height / 2:
            assert text_lines, f"page {number} holds a picture and nothing else"


def test_section_break_is_an_ornament(tmp_path):
    path = write_manuscript(tmp_path, "## Part\n\nBefore the break.\n\n***\n\nAfter the break.\n")
    texts = page_texts(build(path, tmp_path / "out", ("pdf",)).outputs["pdf"])
    # (print ties a paragraph's short last word to the one before with a no-break space)
    assert "Before the break.\n⁂\nAfter the break." in "".join(texts).replace("\u00a0", " ")


def test_opening_quotes_hang_in_the_margin(tmp_path):
    path = write_manuscript(tmp_path, '## A question\n\n"Who keeps the key?" asked the treasurer.\n')
    pdf = build(path, tmp_path / "out", ("pdf",)).outputs["pdf"]
    with pdfplumber.open(pdf) as document:
        page = document.pages[2]
        heading_left = min(c["x0"] for c in page.chars if c["text"] == "A")
        quote = next(c for c in page.chars if c["text"] == "“")
        letter = page.chars[page.chars.index(quote) + 1]
    assert quote["x0"] < heading_left - 1 and letter["x0"] == pytest.approx(heading_left, abs=1.5)


def test_every_note_is_printed_whole_on_one_page(sample):
    texts = [flat(t) for t in page_texts(sample.pdf)]
    for note in sample.book.notes:
        words = flat(" ".join(note.paragraphs)).split()
        last = " ".join(w for w in words[-3:] if "<" not in w and ">" not in w)
        first = f"{note.number}. " + " ".join(flat(note.paragraphs[0]).split()[:3])
        first_pages = {n for n, t in enumerate(texts) if first.split("<")[0] in t}
        last_pages = {n for n, t in enumerate(texts) if last in t}
        assert first_pages & last_pages, f"note {note.number} is split across pages"
