"""A layout started again from one of its pages (`internals.paginate`, `changes.Changes`),
pinned on tiny documents the way WeasyPrint's own layout tests are: the pages must be
those of one WeasyPrint pass over the same HTML, and only the pages from the change on
are laid out."""

from __future__ import annotations

import pytest
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from pamphleteer.pdf.changes import Changes
from pamphleteer.pdf.internals import boxes, first_pages, page_box, paginate

PAGE = """
@page { size: 90mm 70mm; margin: 8mm 8mm 10mm;
        @top-center { content: string(part); font: 7pt 'Linux Libertine O' } }
html { font: 10pt/13pt 'Linux Libertine O'; }
h2 { font-size: 10pt; margin: 0 0 6pt; string-set: part content(text); break-after: avoid; }
p { margin: 0; text-indent: 1em; orphans: 2; widows: 2; }
h2 + p { text-indent: 0; }
"""
WORDS = ("the society met each week in the back room of an inn and paid into a purse "
         "kept for members who fell sick or could not work").split()


def paragraph(number: int, words: int) -> str:
    text = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(words))
    return f"<p id='p{number}'>{number}: {text}.</p>"


def document(parts: int = 4, paragraphs: int = 5, words: int = 60) -> str:
    body = []
    for part in range(parts):
        body.append(f"<h2>Part {part + 1}</h2>")
        body += [paragraph(part * 10 + n, words + 7 * n) for n in range(paragraphs)]
    return f"<html lang='en'><body>{''.join(body)}</body></html>"


@pytest.fixture(scope="module")
def fonts():
    return FontConfiguration()


class Layout:
    """One HTML document, its stylesheet and fonts: laid out whole or again from a page."""

    def __init__(self, text: str, fonts, css: str = PAGE):
        self.html = HTML(string=text)
        self.fonts = fonts
        self.css = [CSS(string=css, font_config=fonts)]

    def paginate(self, before=None, from_page=0, changed_until=None):
        return paginate(self.html, self.css, self.fonts, {}, {}, before, from_page, changed_until)

    def one_pass(self):
        """WeasyPrint's own layout of the HTML as it is now."""
        return HTML(string=_serialised(self.html)).render(stylesheets=self.css, font_config=self.fonts)


def _serialised(html) -> str:
    from xml.etree import ElementTree

    return ElementTree.tostring(html.etree_element, encoding="unicode", method="html")


def printed(document) -> list[list[tuple]]:
    """Every line and margin box of every page: where it is and the text it holds."""
    pages = []
    for page in document.pages:
        found = []
        for box in boxes(page_box(page)):
            if type(box).__name__ in ("LineBox", "TextBox"):
                text = "".join(b.text for b in boxes(box) if type(b).__name__ == "TextBox")
                found.append((type(box).__name__, round(box.position_x, 2), round(box.position_y, 2), text))
        pages.append(found)
    return pages


def test_a_layout_started_again_at_a_page_that_begins_mid_paragraph_gives_the_same_lines(fonts):
    layout = Layout(document(), fonts)
    whole = layout.paginate()
    paragraph_at = first_pages(whole.document)
    # a page that begins inside a paragraph begun on the page before: no indent, same lines
    cut = next(index for index, starts in enumerate(whole.starts[:-1])
               if index and starts and starts[-1].tag == "p" and paragraph_at[starts[-1]] < index)
    again = layout.paginate(whole, cut)
    assert again.laid_out == len(whole.document.pages) - cut
    assert printed(again.document) == printed(whole.document) == printed(layout.one_pass())


def test_a_change_is_laid_out_again_from_the_page_before_it(fonts):
    layout = Layout(document(), fonts)
    whole = layout.paginate()
    pages = len(whole.document.pages)
    on_page = first_pages(whole.document)
    late = next(e for e in layout.html.etree_element.iter("p") if on_page[e] >= pages - 3)
    changes = Changes(layout.html.etree_element)
    late.set("style", "break-before: page")
    start = changes.since(whole.document, whole.clean)
    assert start[0] == on_page[late] - 1
    again = layout.paginate(whole, *start)
    assert again.laid_out == len(again.document.pages) - start[0] < pages
    assert printed(again.document) == printed(layout.one_pass())
    assert printed(again.document)[:start[0]] == printed(whole.document)[:start[0]]


def test_the_layout_stops_where_it_meets_the_old_one_again(fonts):
    """A change that moves nothing (here an attribute no style reads) is laid out from
    the page before it to the first page that begins as before, past the change and
    the element after it: the pages after that are the old ones."""
    layout = Layout(document(parts=6), fonts)
    whole = layout.paginate()
    pages = len(whole.document.pages)
    assert pages >= 8
    on_page = first_pages(whole.document)
    early = next(e for e in layout.html.etree_element.iter("p") if on_page[e] == 2)
    changes = Changes(layout.html.etree_element)
    early.set("data-checked", "yes")
    again = layout.paginate(whole, *changes.since(whole.document, whole.clean))
    assert again.laid_out <= 4
    assert printed(again.document) == printed(whole.document) == printed(layout.one_pass())


def test_a_change_that_moves_the_pages_after_it_is_laid_out_to_the_end(fonts):
    """A paragraph pushed to a new page moves every line after it: no old page begins
    as before again, so nothing after it is kept."""
    layout = Layout(document(parts=6), fonts)
    whole = layout.paginate()
    on_page = first_pages(whole.document)
    early = next(e for e in layout.html.etree_element.iter("p")
                 if on_page[e] == 2 and e.get("id") != "p10")
    changes = Changes(layout.html.etree_element)
    early.set("style", "break-before: page")
    start = changes.since(whole.document, whole.clean)
    again = layout.paginate(whole, *start)
    assert again.laid_out == len(again.document.pages) - start[0]
    assert printed(again.document) == printed(layout.one_pass())


def test_running_heads_continue_over_a_cut(fonts):
    """The running head is a string set by the heading pages before: a layout started
    again after it still prints it."""
    layout = Layout(document(), fonts)
    whole = layout.paginate()
    again = layout.paginate(whole, len(whole.document.pages) - 2)
    heads = [[text for kind, _, y, text in page if y < 8 * 72 / 25.4 and kind == "LineBox"]
             for page in printed(again.document)]
    assert heads[-1] == heads[-2] == ["Part 4"]
    assert printed(again.document) == printed(whole.document)


def test_a_style_that_needs_the_page_count_is_laid_out_whole(fonts):
    """`counter(pages)` is known only once every page is made: such a document is laid
    out by WeasyPrint's own passes, every time."""
    css = PAGE + "@page { @bottom-center { content: counter(page) ' of ' counter(pages) } }"
    layout = Layout(document(), fonts, css)
    whole = layout.paginate()
    assert not whole.cuttable
    again = layout.paginate(whole, len(whole.document.pages) - 2)
    assert again.laid_out == len(whole.document.pages)
    assert printed(again.document) == printed(layout.one_pass())
    assert f"of {len(whole.document.pages)}" in printed(again.document)[0][-1][-1]


def test_the_samples_corrections_lay_out_only_from_the_page_they_touch(sample, monkeypatch):
    """The corrections of a real piece (notes, figures, words over the page turn): after
    the first layout, each round starts at the page before its first change, and the
    piece comes out as one WeasyPrint pass over its corrected HTML would lay it out (what
    a rebuild from the cache does)."""
    from pamphleteer.pdf import pieces
    from pamphleteer.pdf.profiles import load_profile
    from pamphleteer.render.print import print_pieces, render_print
    from pamphleteer.support.styles import DEFAULTS

    rounds = []

    def counted(html, css, fonts, colour_profiles, images, before=None, from_page=0, until=None):
        laid_out = paginate(html, css, fonts, colour_profiles, images, before, from_page, until)
        rounds.append((from_page if before is not None else 0, laid_out.laid_out,
                       len(laid_out.document.pages)))
        return laid_out

    monkeypatch.setattr(pieces, "paginate", counted)
    styles = pieces.PrintStyles(sample.book, DEFAULTS, load_profile("digital", DEFAULTS))
    body = print_pieces(sample.book)[1]
    piece = pieces.lay_out_piece(styles, render_print(sample.book, DEFAULTS, "2026-01-01T00:00:00Z", body),
                                 pieces.Placement(3, last=True))
    assert len(rounds) >= 3  # the sample has corrections to make
    assert any(start > 0 for start, _, _ in rounds[1:])
    for start, laid_out, pages in rounds:
        assert laid_out <= pages - start
    assert sum(laid_out for _, laid_out, _ in rounds) < len(rounds) * rounds[-1][2]
    again = pieces.lay_out_piece(styles, piece.html, pieces.Placement(3, last=True), corrected=True)
    assert printed(piece.document) == printed(again.document)
