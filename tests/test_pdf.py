"""The print PDF, read back page by page as a reader would see it."""

import re

import pdfplumber
import pytest
from pypdf import PdfReader

from pamphleteer.check.pdf import font_is_embedded, pdf_fonts
from pamphleteer.pipeline import build

from support import flat, note_calls, page_texts, plumbed, write_manuscript

A5 = (419.53, 595.28)  # points


def contents_page_numbers(texts: list[str]) -> dict[str, int]:
    """Heading -> the page number the contents page prints beside it."""
    contents = next(t for t in texts if t.lstrip().startswith("Contents"))
    entries = {}
    for line in contents.splitlines():
        match = re.match(r"^(.*?)[\s.]*?(\d+)$", line.strip())
        if match:
            label = re.sub(r"[\s.]+$", "", match[1]).strip()
            entries[" ".join(label.split())] = int(match[2])
    return entries


def test_every_page_is_the_trim_size(any_book):
    for page in PdfReader(any_book.pdf).pages:
        assert [round(float(v), 2) for v in page.mediabox[2:]] == pytest.approx(A5, abs=0.05)


def test_contents_gives_the_page_each_heading_is_printed_on(any_book):
    texts = page_texts(any_book.pdf)
    printed = contents_page_numbers(texts)
    headings = any_book.book.headings
    assert set(h.text for h in headings) <= set(printed)
    contents_index = next(i for i, t in enumerate(texts) if t.lstrip().startswith("Contents"))
    for heading in headings:
        # The first page after the contents that shows the heading is where it is printed.
        page = next(i + 1 for i, t in enumerate(texts)
                    if i > contents_index and heading.text in flat(t))
        assert printed[heading.text] == page, heading.text


def test_each_footnote_is_at_the_foot_of_the_page_that_calls_it(any_book):
    texts = [flat(t) for t in page_texts(any_book.pdf)]
    calls = note_calls(any_book.pdf)
    for note in any_book.book.notes:
        start = re.sub(r"<[^>]+>", "", note.paragraphs[0])[:40]
        start = " ".join(start.split()[:5])
        pages = [i for i, t in enumerate(texts) if f"{note.number}. {start}" in t]
        assert len(pages) == 1, f"note {note.number} printed on pages {pages}"
        assert note.number in calls[pages[0]], f"note {note.number} is not called on its page"


def test_every_font_is_embedded(any_book):
    fonts = pdf_fonts(PdfReader(any_book.pdf))
    assert fonts and all(font_is_embedded(font) for font in fonts.values())


def test_the_text_is_set_in_linux_libertine(any_book):
    names = {char["fontname"].split("+")[-1] for page in plumbed(any_book.pdf) for char in page.chars
             if not page.images and not page.curves}  # pictures may bring their own fonts
    assert names and all(name.startswith("Linux-Libertine-O") for name in names), names


def test_bookmarks_are_the_headings_nested(any_book):
    reader = PdfReader(any_book.pdf)

    def walk(outline, depth=1):
        for item in outline:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title

    assert list(walk(reader.outline)) == [(h.level, h.text) for h in any_book.book.headings]


def test_pdf_metadata(chapters):
    reader = PdfReader(chapters.pdf)
    assert reader.metadata.title == "The Workshop and the Field"
    assert reader.metadata.author == "Ada Example and Ben Specimen"
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


def title_page_index(texts: list[str]) -> int:
    """The title page: the first with text (a cover picture and its blank back come before)."""
    return next(i for i, t in enumerate(texts) if t.strip())


def test_title_page_has_no_folio_or_running_head(any_book):
    texts = page_texts(any_book.pdf)
    first = texts[title_page_index(texts)]
    meta = any_book.book.metadata
    assert not re.search(r"\d", first)
    assert flat(first).startswith(meta.title.upper()[:1])


def running_heads(pdf) -> dict[int, str]:
    """The text in each page's top margin, by page number."""
    return {number: flat(page.head) for number, page in enumerate(plumbed(pdf), start=1)}


def test_running_heads_book_title_left_current_section_right(sample):
    heads = running_heads(sample.pdf)
    texts = [flat(t) for t in page_texts(sample.pdf)]
    title = sample.book.metadata.title.lower()
    first_text_page = 3
    assert heads[1] == heads[2] == ""  # title page and contents
    for number in range(first_text_page + 1, len(texts)):
        if number % 2 == 0:
            assert heads[number].lower() == title, number
        elif heads[number]:
            # The current section: one whose heading is printed on or before this page.
            printed = [h.text for h in sample.book.headings
                       if any(h.text in t for t in texts[first_text_page - 1:number])]
            assert heads[number] in printed, (number, heads[number])


def test_chapter_openings_have_no_running_head(chapters):
    heads = running_heads(chapters.pdf)
    texts = page_texts(chapters.pdf)
    for section in chapters.book.sections[1:]:
        opening = next(n for n, t in enumerate(texts, start=1)
                       if flat(t).startswith(section.heading.text))
        assert heads[opening] == "" and opening % 2 == 1


def test_page_numbers_are_printed_from_the_contents_on(any_book):
    texts = page_texts(any_book.pdf)
    start = title_page_index(texts) + 1
    for number, text in enumerate(texts[start:-1], start=start + 1):  # the back page has none
        lines = [line.strip() for line in text.strip().splitlines()]
        if lines:
            assert lines[-1] == str(number)


def test_figures_are_printed_with_caption_and_credit_on_their_page(any_book):
    pages = [(flat(page.text), page.images) for page in plumbed(any_book.pdf)]
    for figure in any_book.book.figures:
        caption = re.sub(r"<[^>]+>", "", figure.caption_html)
        credit = re.sub(r"<[^>]+>", "", figure.credit_html).upper()
        hits = [i for i, (text, images) in enumerate(pages) if caption[:30] in text]
        assert len(hits) == 1, figure.id
        text, images = pages[hits[0]]
        assert credit[:20] in text.upper()
        if figure.media_type != "image/svg+xml":  # SVG is drawn as vectors, not an image
            assert images >= 1


def test_colophon_is_the_last_page(any_book):
    last = flat(page_texts(any_book.pdf)[-1])
    assert last.startswith("Colophon") or "COLOPHON" in last.upper()[:20]


def test_text_is_hyphenated_in_the_book_language(sample):
    words = set(re.findall(r"[a-z]+", sample.book.source.read_text(encoding="utf-8").lower()))
    broken = []
    for text in page_texts(sample.pdf):
        for first, second in re.findall(r"([a-z]+)[\u2010-]\n([a-z]+)", text):
            if (first + second) in words:
                broken.append(first + "-" + second)
    assert len(broken) >= 5, broken  # justified A5 text needs hyphenation to look even


def test_the_book_language_reaches_the_pdf_and_its_hyphenation(tmp_path):
    body = ("## Une question ?\n\n" + "Les sociétés de secours mutuels rassemblaient des travailleurs "
            "qui cotisaient chaque semaine pour s'assurer mutuellement contre la maladie. " * 12)
    path = write_manuscript(tmp_path, body, "title: Secours mutuels\nlang: fr")
    pdf = build(path, tmp_path / "out", ("pdf",)).outputs["pdf"]
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "fr"
    texts = page_texts(pdf)
    assert "Table des matières" in texts[1]
    assert re.search(r"[a-zé][\u2010-]\n", "".join(texts[2:])), "no French hyphenation"


def test_the_text_starts_on_a_right_hand_page_after_the_contents(any_book):
    first_words = " ".join(re.sub(r"<[^>]+>", " ", next(
        p for p in any_book.book.sections[0].parts if isinstance(p, str) and "<p>" in p)).split()[:4])
    texts = [flat(t) for t in page_texts(any_book.pdf)]
    page = next(n for n, t in enumerate(texts, start=1) if first_words in t)
    assert page % 2 == 1 and page >= 3
    assert "Contents" not in texts[page - 1]


def test_the_authors_cover_is_printed_as_page_one(chapters):
    """The cover goes to WeasyPrint by its picture: address, like the figures."""
    with pdfplumber.open(chapters.pdf) as pdf:
        (image,) = pdf.pages[0].images
        assert tuple(image["srcsize"]) == (1000, 1600)
        assert image["width"] >= pdf.pages[0].width * 0.99  # the whole page
