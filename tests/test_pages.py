"""Print page numbers in the EPUB: markers where the PDF's pages begin, and a page list."""

import hashlib

import pytest

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.epub.pagebreaks import mark_page_breaks
from pamphleteer.model import PageStart
from pamphleteer.pipeline import build
from pamphleteer.support import timings

from support import EPUB_TYPE, NS, Epub, page_texts, write_manuscript

XHTML_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
              'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head><body>')


def page_list(epub: Epub) -> list[tuple[str, str]]:
    _, nav = epub.nav()
    return [(a.text, a.get("href")) for a in
            nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)]


def text_after(marker, length: int = 24) -> str:
    """The first `length` printed characters after a marker, as a reader meets them:
    no spaces, no note calls, no note texts, no figures (they may float elsewhere)."""
    texts = marker.xpath(
        "following::text()[not(ancestor::*[contains(@class, 'noteref') or contains(@class, 'footnotes')"
        " or local-name() = 'figure' or local-name() = 'head'])]")
    return "".join("".join(texts).split())[:length]


def squeeze(text: str) -> str:
    return "".join(text.replace("\u2010", "").replace("-\n", "-").split())


@pytest.mark.parametrize("name", ["sample", "chapters"])
def test_every_printed_page_is_in_the_page_list_in_order(request, name):
    built = request.getfixturevalue(name)
    entries = page_list(Epub(built.epub))
    assert [label for label, _ in entries] == [str(n) for n in range(1, len(page_texts(built.pdf)) + 1)]


@pytest.mark.parametrize("name", ["sample", "chapters"])
def test_each_marker_is_followed_by_the_text_that_begins_its_pdf_page(request, name):
    built = request.getfixturevalue(name)
    epub, pages = Epub(built.epub), [squeeze(text) for text in page_texts(built.pdf)]
    checked = 0
    for label, href in page_list(epub):
        current, marker = epub.element_by_href("", href)
        assert marker is not None, href
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == label and marker.get("id") == f"page-{label}"
        following = text_after(marker)
        if len(following) < 8:
            continue  # a picture alone (the cover): no text follows in its document
        # A blank page (the inside of the cover, padding) begins where the next page does.
        page = next(p for p in pages[int(label) - 1:] if p)
        assert following[:8] in page, (label, following)
        checked += 1
    assert checked >= len(pages) - 1


def test_page_numbers_are_the_folios_printed_on_the_pdf_pages(sample):
    texts = page_texts(sample.pdf)
    labels = [label for label, _ in page_list(Epub(sample.epub))]
    body_pages = [n for n in range(3, len(texts) + 1)]  # the title page and contents print none
    for number in body_pages[:-1]:  # nor does the back page
        last_line = texts[number - 1].strip().splitlines()[-1].strip()
        assert last_line == labels[number - 1], (number, last_line)


def test_the_page_source_is_the_print_edition(sample, tmp_path):
    epub = Epub(sample.epub)
    source = epub.opf.xpath("//opf:meta[@property='pageBreakSource']", namespaces=NS)
    assert [m.text for m in source] == ["Many Hands, print edition, 148 × 210 mm"]
    path = write_manuscript(tmp_path, "Text.\n", "title: T\nprint:\n  isbn: 978-3-16-148410-0")
    other = Epub(build(path, tmp_path / "out", ("epub",)).outputs["epub"])
    assert [m.text for m in other.opf.xpath("//opf:meta[@property='pageBreakSource']",
                                            namespaces=NS)] == ["urn:isbn:9783161484100"]


def test_an_epub_alone_is_the_same_epub_whatever_pdf_is_built(tmp_path):
    """The EPUB cites the pages of the book's own print edition, however it is built:
    alone (laying the book out afresh, in a build folder and cache of its own), with
    its PDF, or beside the press PDF."""
    words = " ".join(f"word{n}" for n in range(140))
    body = "".join(f"# Chapter {c}\n\n{words}[^{c}]\n\n{words}\n\n[^{c}]: A note of chapter {c}.\n\n"
                   for c in range(1, 4))
    path = write_manuscript(tmp_path, body, "title: Three chapters\ndate: 2026-02-01")
    alone = build(path, tmp_path / "alone", ("epub",)).outputs["epub"]
    with_pdf = build(path, tmp_path / "both").outputs["epub"]
    with_press = build(path, tmp_path / "press", profile="press").outputs["epub"]
    assert len(page_list(Epub(alone))) >= 6  # pages in each chapter, not one per piece
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (alone, with_pdf, with_press)}
    assert len(digests) == 1


def test_an_epub_after_its_pdf_reuses_the_layout(tmp_path):
    path = write_manuscript(tmp_path, "One.\n\n## Two\n\nThree.\n")
    pdf = build(path, tmp_path / "out", ("pdf",)).outputs["pdf"]
    timings.reset()
    epub = Epub(build(path, tmp_path / "out", ("epub",)).outputs["epub"])
    assert timings.counts() == {}  # nothing laid out, nothing written but the EPUB
    assert [label for label, _ in page_list(epub)] == [str(n) for n in range(1, len(page_texts(pdf)) + 1)]


def test_a_contents_over_two_print_pages_is_marked_inside_its_entries_and_passes_epubcheck(tmp_path):
    body = "".join(f"## Heading number {n} of a long list\n\nText {n}.\n\n" for n in range(1, 41))
    outputs = build(write_manuscript(tmp_path, body, "title: Long contents\ndate: 2026-01-01"),
                    tmp_path / "out").outputs
    epub, pages = Epub(outputs["epub"]), [squeeze(text) for text in page_texts(outputs["pdf"])]
    in_contents = [(label, href) for label, href in page_list(epub) if href.startswith("nav.xhtml#")]
    assert len(in_contents) >= 2  # the page with the heading "Contents", and the one after it
    for label, href in in_contents[1:]:
        _, marker = epub.element_by_href("", href)
        link = marker.getparent()
        assert link.tag == f"{{{NS['x']}}}a" and link.getparent().tag == f"{{{NS['x']}}}li", label
        assert text_after(marker)[:16] in pages[int(label) - 1], label
    report = check_epub(outputs["epub"])
    assert [str(f) for f in report.findings if f.severity in ("error", "warning")] == []


# ---- the markers, one behaviour at a time, on tiny documents ----------------------

def mark(body: str, *starts: PageStart) -> str:
    marked = mark_page_breaks(XHTML_HEAD + body + "</body></html>", list(starts))
    return marked.split("<body>")[1].split("</body>")[0]


SPAN = '<span epub:type="pagebreak" role="doc-pagebreak" '


def test_a_page_that_begins_a_paragraph_is_marked_between_paragraphs():
    result = mark("<p>One two.</p>\n<p>Three four.</p>", PageStart("5", "x", 6))
    assert result == f'<p>One two.</p>\n{SPAN}id="page-5" aria-label="5"/><p>Three four.</p>'


def test_a_page_that_begins_in_a_paragraph_is_marked_before_its_first_word():
    result = mark("<p>One two three.</p>", PageStart("2", "x", 3))
    assert result == f'<p>One {SPAN}id="page-2" aria-label="2"/>two three.</p>'


def test_a_word_hyphenated_over_the_page_turn_is_marked_after_it():
    # The print page begins with "tional": 3 characters into "national".
    result = mark("<p>One national day.</p>", PageStart("2", "x", 6))
    assert result == f'<p>One national {SPAN}id="page-2" aria-label="2"/>day.</p>'


def test_a_marker_never_goes_inside_a_heading():
    result = mark("<section><h2>Title</h2><p>Text.</p></section>", PageStart("4", "x", 0))
    assert result.startswith(f'{SPAN}id="page-4" aria-label="4"/><section><h2>Title</h2>')


def test_a_marker_stays_inside_a_list_item():
    result = mark("<ol><li>First.</li><li>Second.</li></ol>", PageStart("3", "x", 6))
    assert result == f'<ol><li>First.</li><li>{SPAN}id="page-3" aria-label="3"/>Second.</li></ol>'


def test_a_marker_in_the_contents_stays_inside_the_entrys_link():
    # EPUB 3.3: a list item of a nav holds exactly an a (or span), then an optional ol.
    body = ('<nav epub:type="toc"><h1>Contents</h1><ol><li><a href="a.xhtml">One</a></li>'
            '<li><a href="b.xhtml"><em>Two</em></a><ol><li><a href="c.xhtml">Three</a></li></ol></li>'
            '</ol></nav>')
    result = mark(body, PageStart("3", "x", 11), PageStart("4", "x", 14))
    assert f'<li><a href="b.xhtml">{SPAN}id="page-3" aria-label="3"/><em>Two</em></a>' in result
    assert f'<li><a href="c.xhtml">{SPAN}id="page-4" aria-label="4"/>Three</a></li>' in result


def test_note_calls_and_notes_are_not_counted():
    body = ('<p>Aa<a class="noteref" href="#n1"><sup>12</sup></a> bb.</p>'
            '<div class="footnotes"><aside id="n1"><p>Note.</p></aside></div>')
    result = mark(body, PageStart("2", "x", 2))
    assert result.startswith(f'<p>Aa<a class="noteref" href="#n1"><sup>12</sup></a> {SPAN}id="page-2"')


def test_a_page_that_begins_with_a_figure_is_marked_before_it():
    body = '<p>Words.</p><figure id="figure-1"><img src="a.png" alt="A"/></figure><p>More.</p>'
    result = mark(body, PageStart("7", "x", 6, figure="figure-1"))
    assert f'<p>Words.</p>{SPAN}id="page-7" aria-label="7"/><figure id="figure-1">' in result


def test_blank_pages_are_marked_in_order_where_the_next_page_begins():
    result = mark("<p>One.</p><p>Two.</p>", PageStart("2", "x", 4), PageStart("3", "x", 4))
    assert result.index('id="page-2"') < result.index('id="page-3"') < result.index("Two.")


def test_each_edition_prints_its_own_isbn(tmp_path):
    path = write_manuscript(tmp_path, "Text.\n", "title: T\nidentifier: 978-3-16-148410-0\n"
                                                 "print:\n  isbn: 978-1-4028-9462-6")
    outputs = build(path, tmp_path / "out").outputs
    back_page = page_texts(outputs["pdf"])[-1]
    assert "ISBN 9781402894626" in back_page and "9783161484100" not in back_page
    colophon = "".join(Epub(outputs["epub"]).xhtml("colophon.xhtml").itertext())
    assert "ISBN 9783161484100 (e-book)" in colophon and "ISBN 9781402894626 (print edition)" in colophon


def test_the_page_source_names_the_edition_in_the_books_language(tmp_path):
    path = write_manuscript(tmp_path, "Text.\n", "title: Heft\nlang: de")
    epub = Epub(build(path, tmp_path / "out", ("epub",)).outputs["epub"])
    source = epub.opf.xpath("//opf:meta[@property='pageBreakSource']", namespaces=NS)
    assert [m.text for m in source] == ["Heft, Druckausgabe, 148 × 210 mm"]
