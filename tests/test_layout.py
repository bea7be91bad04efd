"""Pagination, checked on WeasyPrint's laid-out pages: what a typesetter would look at."""

from collections import defaultdict

import pytest

from pamphleteer.pdf.corrections import stray_notes
from pamphleteer.pipeline import choose_profile, lay_out_print
from pamphleteer.support.cache import Cache
from pamphleteer.support.styles import DEFAULTS

HEADINGS = {"h1", "h2", "h3", "h4"}


@pytest.fixture(scope="module", params=["sample", "chapters"])
def document(request, shared_cache_folder):
    """The book's pages as its PDF prints them: laid out from the corrected HTML its
    build remembered, as a rebuild of the PDF does."""
    built = request.getfixturevalue(request.param)
    profile = choose_profile(built.book, DEFAULTS)
    return lay_out_print(built.book, DEFAULTS, profile, Cache(shared_cache_folder))[0]


def lines_per_page(document) -> dict:
    """element -> {page number: lines of it on that page}, for the main text only."""
    found = defaultdict(lambda: defaultdict(int))

    def walk(box, page):
        for child in getattr(box, "children", None) or ():
            if type(child).__name__ == "LineBox":
                found[box.element][page] += 1
            else:
                walk(child, page)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box.children[0], number)  # the html box: not margins or footnotes
    return found


def last_element_on_each_page(document) -> dict[int, object]:
    last = {}
    for element, pages in lines_per_page(document).items():
        for page in pages:
            last[page] = element  # elements come in document order
    return last


def test_no_widows_and_no_orphans(document):
    for element, pages in lines_per_page(document).items():
        if len(pages) > 1 and element.tag != "th":  # a table's header repeats on each page
            counts = list(pages.values())
            text = "".join(element.itertext())[:50]
            assert counts[0] >= 2, f"orphan: one line of '{text}' at the foot of page {min(pages)}"
            assert counts[-1] >= 2, f"widow: one line of '{text}' at the top of page {max(pages)}"


def test_no_page_ends_with_a_heading(document):
    for page, element in last_element_on_each_page(document).items():
        if page < len(document.pages):
            assert element.tag not in HEADINGS, f"page {page} ends with '{''.join(element.itertext())}'"


def test_every_note_is_on_the_page_of_its_call(document):
    assert list(stray_notes(document)) == []


def test_figures_fit_the_text_block_and_keep_their_caption(document):
    pages_of = defaultdict(set)  # (figure element, part) -> pages it is printed on
    for number, page in enumerate(document.pages, start=1):
        text_width = page._page_box.width
        for figure in _walk(page._page_box):
            if figure.element_tag != "figure" or type(figure).__name__ != "BlockBox":
                continue
            for part in _walk(figure):
                if part.element_tag in ("img", "figcaption"):
                    pages_of[figure.element, part.element_tag].add(number)
                if part.element_tag == "img":
                    assert part.width <= text_width + 0.01
    figures = {element for element, _ in pages_of}
    assert figures
    for figure in figures:
        assert pages_of[figure, "img"] == pages_of[figure, "figcaption"]
        assert len(pages_of[figure, "img"]) == 1


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)
