"""The reader: one behaviour per tiny manuscript."""

import os
import socket
import stat

import pytest

from pamphleteer.model import Figure, NoteRef
from pamphleteer.problems import PamphleteerError, collect
from pamphleteer.read import manuscript as reader
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.cache import Cache
from pamphleteer.support.slugs import slugify

from support import draw_image, write_manuscript


def book_of(tmp_path, body, front="title: T"):
    return read_book(write_manuscript(tmp_path, body, front))


def text_of(section) -> str:
    return "".join(p for p in section.parts if isinstance(p, str))


def test_text_before_the_first_heading_is_an_untitled_opening(tmp_path):
    book = book_of(tmp_path, "Opening words.\n\n## First question?\n\nAn answer.\n")
    opening, first = book.sections
    assert opening.heading is None and "Opening words." in text_of(opening)
    assert first.heading.text == "First question?"


def test_no_opening_section_when_the_text_starts_with_a_heading(tmp_path):
    book = book_of(tmp_path, "## Only question\n\nText.\n")
    assert [s.heading.text for s in book.sections] == ["Only question"]


def test_questions_are_the_top_level_when_there_are_no_chapters(tmp_path):
    book = book_of(tmp_path, "## One\n\nA.\n\n### Detail\n\nB.\n\n## Two\n\nC.\n")
    assert not book.has_chapters
    assert [(s.heading.text, s.heading.level) for s in book.sections] == [("One", 1), ("Two", 1)]
    assert [(h.text, h.level) for h in book.sections[0].subheadings] == [("Detail", 2)]


def test_chapters_hold_their_sections(tmp_path):
    book = book_of(tmp_path, "# Part one\n\n## A\n\nx\n\n## B\n\ny\n\n# Part two\n\nz\n")
    assert book.has_chapters
    assert [s.heading.text for s in book.sections] == ["Part one", "Part two"]
    assert [h.text for h in book.sections[0].subheadings] == ["A", "B"]


def test_repeated_headings_get_unique_ids(tmp_path):
    book = book_of(tmp_path, "## Why?\n\na\n\n## Why?\n\nb\n\n## 1848\n\nc\n")
    ids = [h.id for h in book.headings]
    assert ids == ["why", "why-2", "s-1848"]


def test_a_heading_id_is_made_as_a_books_slug_is(tmp_path):
    """Cut after a whole word at 60 letters at most; an apostrophe joins its word."""
    long = "What became of the friendly societies, the burial clubs and the savings banks?"
    book = book_of(tmp_path, f"## {long}\n\na\n\n## `Don't` panic\n\nb\n")
    assert [h.id for h in book.headings] == [
        "what-became-of-the-friendly-societies-the-burial-clubs-and", "dont-panic"]
    assert slugify(long) == book.headings[0].id


def test_notes_are_numbered_in_reading_order_whatever_their_labels(tmp_path):
    body = ("First call.[^zebra] Second call.[^apple]\n\n"
            "[^apple]: Defined first.\n[^zebra]: Defined second.\n")
    book = book_of(tmp_path, body)
    assert [(n.number, n.label) for n in book.notes] == [(1, "zebra"), (2, "apple")]
    assert book.notes[0].paragraphs == ("Defined second.",)


def test_a_note_keeps_all_its_paragraphs(tmp_path):
    body = "Text.[^n]\n\n[^n]: First paragraph.\n\n    Second *paragraph*.\n"
    (note,) = book_of(tmp_path, body).notes
    assert note.paragraphs == ("First paragraph.", "Second <em>paragraph</em>.")


def test_a_note_called_twice_is_printed_once(tmp_path):
    book = book_of(tmp_path, "One.[^n] Two.[^n]\n\n[^n]: The note.\n")
    refs = [p for p in book.sections[0].parts if isinstance(p, NoteRef)]
    assert [(r.note.number, r.first) for r in refs] == [(1, True), (1, False)]
    assert len(book.notes) == 1


def test_note_definitions_may_sit_anywhere(tmp_path):
    body = "[^early]: Defined before use.\n\n## Later\n\nCalled here.[^early]\n"
    book = book_of(tmp_path, body)
    assert book.sections[0].notes[0].paragraphs == ("Defined before use.",)


def test_an_image_alone_is_a_figure_with_caption_and_credit(tmp_path):
    draw_image(tmp_path / "images" / "x.png", size=(300, 200))
    body = '![Alt words](images/x.png "A *fine* caption. / Image: Us")\n'
    (figure,) = book_of(tmp_path, body).figures
    assert isinstance(figure, Figure)
    assert figure.alt == "Alt words"
    assert figure.caption_html == "A <em>fine</em> caption."
    assert figure.credit_html == "Image: Us"
    assert (figure.width, figure.height, figure.media_type) == (300, 200, "image/png")


def test_svg_figures_take_their_size_from_the_viewbox(tmp_path):
    (tmp_path / "d.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 480"><rect width="9" height="9"/></svg>')
    (figure,) = book_of(tmp_path, "![A diagram](d.svg)\n").figures
    assert (figure.width, figure.height, figure.media_type) == (640, 480, "image/svg+xml")
    assert figure.caption_html is None and figure.credit_html is None


def test_typographic_quotes_and_dashes(tmp_path):
    book = book_of(tmp_path, "\"Quoted\" and 'single' -- don't --- ok... ’ “ ” — …\n")
    assert text_of(book.sections[0]) == \
        '<p><span class="hang">“</span>Quoted” and ‘single’ – don’t — ok… ’ “ ” — …</p>\n'


def test_pipe_tables_lists_and_links(tmp_path):
    body = ("| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n1. first\n2. second\n\n"
            "A [link](https://example.org/).\n")
    html = text_of(book_of(tmp_path, body).sections[0])
    for tag in ("<table>", ">1</td>", "<ul>", "<ol>", '<a href="https://example.org/">link</a>'):
        assert tag in html


@pytest.mark.parametrize(("body", "message", "line"), [
    ("Text.\n\n![x](images/nope.png)\n", "image not found: images/nope.png", 6),
    ("A call.[^missing]\n", "footnote [^missing] has no definition", 4),
    ("Inline ![x](images/a.png) image.\n", "must stand alone in its own paragraph", 4),
])
def test_bad_body_is_reported_with_its_line(tmp_path, body, message, line):
    draw_image(tmp_path / "images" / "a.png", size=(50, 50))
    with pytest.raises(PamphleteerError) as caught:
        book_of(tmp_path, body)
    (problem,) = caught.value.problems
    assert message in problem.message and problem.line == line


def _socket(path):
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))


def _device(path):
    try:  # the null device: reads nothing, for ever
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")


@pytest.mark.parametrize(("make", "kind"), [
    (os.mkfifo, "a named pipe"),  # never opened: that would wait for a writer for ever
    (os.mkdir, "a folder"),
    (_socket, "a socket"),
    (_device, "a device"),
])
def test_a_picture_that_is_not_a_file_is_named_for_what_it_is(tmp_path, make, kind):
    (tmp_path / "images").mkdir()
    make(tmp_path / "images" / "beehive.png")
    with pytest.raises(PamphleteerError) as caught:
        book_of(tmp_path, "Text.\n\n![A beehive](images/beehive.png)\n")
    (problem,) = caught.value.problems
    assert problem.message == (f"image images/beehive.png is {kind}, not a picture file: "
                               "point to the picture itself")
    assert (problem.line, problem.column) == (6, 1)


def test_a_missing_image_gets_a_suggestion(tmp_path):
    draw_image(tmp_path / "images" / "kropotkin-1900.jpg", size=(50, 50))
    with pytest.raises(PamphleteerError) as caught:
        book_of(tmp_path, "![K](images/kropotkin.jpg)\n")
    assert "did you mean images/kropotkin-1900.jpg?" in caught.value.problems[0].message


def test_all_problems_are_reported_at_once(tmp_path):
    with pytest.raises(PamphleteerError) as caught:
        book_of(tmp_path, "![a](a.png)\n\n![b](b.png)\n\nx[^gone]\n")
    assert len(caught.value.problems) == 3


def test_not_utf8_names_the_byte_and_line(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: T\n---\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(PamphleteerError) as caught:
        read_book(path)
    (problem,) = caught.value.problems
    assert problem.line == 4 and "byte 0xe9" in problem.message


def test_bom_and_crlf_are_fine(tmp_path):
    path = tmp_path / "windows.md"
    path.write_bytes("\ufeff---\r\ntitle: Windows\r\n---\r\n## Heading\r\n\r\nText.\r\n".encode())
    book = read_book(path)
    assert book.metadata.title == "Windows"
    assert book.sections[0].heading.text == "Heading"


def test_abbreviations_keep_their_numbers_on_the_same_line(tmp_path):
    book = book_of(tmp_path, "Text.[^n]\n\n[^n]: Mill, *Principles*, book IV, ch. VII, p. 12.\n")
    assert book.notes[0].paragraphs == ("Mill, <em>Principles</em>, book IV, ch.\u00a0VII, p.\u00a012.",)


def test_bare_addresses_are_marked_so_print_does_not_repeat_them(tmp_path):
    html = text_of(book_of(tmp_path, "See <https://ica.coop/> and [the ICA](https://ica.coop/).\n")
                   .sections[0])
    assert '<a href="https://ica.coop/" class="bare-url">' in html
    assert '<a href="https://ica.coop/">the ICA</a>' in html


def test_alt_text_gets_typographic_quotes(tmp_path):
    draw_image(tmp_path / "x.png", size=(20, 20))
    (figure,) = book_of(tmp_path, "![A box marked 'Common fund'](x.png)\n").figures
    assert figure.alt == "A box marked ‘Common fund’"


def html_of(book) -> str:
    return "".join(text_of(section) for section in book.sections)


def test_a_list_straight_after_a_paragraph_line_is_a_list(tmp_path, heard):
    body = ("Things to bring:\n- bread\n- cheese\n\nRules\n1. no dogs\n2. no smoking\n\n"
            # Lines that only look like items stay as they were: emphasis, a rule, code.
            "Some text\n*emphasis* at the start of a line.\n\nAbove\n- - -\nBelow\n\n"
            "Code:\n\n    - not an item\n")
    html = html_of(book_of(tmp_path, body))
    assert "<p>Things to bring:</p>\n<ul>\n<li>bread</li>\n<li>cheese</li>\n</ul>" in html
    assert "<p>Rules</p>\n<ol>\n<li>no dogs</li>\n<li>no smoking</li>\n</ol>" in html
    assert "<p>Some text\n<em>emphasis</em> at the start of a line.</p>" in html
    assert "<p>Above</p>\n<hr/>\n<p>Below</p>" in html
    assert "<pre><code>- not an item\n</code></pre>" in html
    assert heard.found == []


def test_nested_items_are_read_as_authors_write_them(tmp_path, heard):
    for number, body in enumerate([
        "- fruit\n  - apple\n  - pear\n- bread\n",  # two spaces
        "- fruit\n    - apple\n    - pear\n- bread\n",  # four, as before
        "1. fruit\n   - apple\n   - pear\n2. bread\n",  # to the parent item's text
        "> Bring:\n> - fruit\n>   - apple\n>   - pear\n> - bread\n",  # in a block quote
    ]):
        html = html_of(book_of(tmp_path / str(number), body))
        assert "<li>fruit<ul>\n<li>apple</li>\n<li>pear</li>\n</ul>\n</li>\n<li>bread</li>" in html, body
    assert heard.found == []


def test_a_paragraph_in_an_item_lines_up_with_its_text(tmp_path):
    html = html_of(book_of(tmp_path, "1. First.\n\n   More of the first.\n2. Second.\n\nAfter.\n"))
    assert "<li>\n<p>First.</p>\n<p>More of the first.</p>\n</li>" in html
    assert "<p>After.</p>" in html and "start=" not in html


@pytest.mark.parametrize(("body", "line", "words", "kept"), [
    ("It happened in\n1986. was a year of strikes.\n", 5,
     "a line beginning '1986.' inside a paragraph is read as text, not a list: leave a blank "
     "line before it to begin a list, or write '1986\\.' to keep it as text",
     "<p>It happened in\n1986. was a year of strikes.</p>"),
    ("He was well\n- known for it.\n", 5,
     "a line beginning '- ' inside a paragraph is read as text, not a list: leave a blank line "
     "before it to begin a list, or write '\\-' to keep it as text",
     "<p>He was well\n- known for it.</p>"),
    ("- fruit\n   - apple\n- bread\n", 5,
     "list item indented 3 spaces under the item on line 4: read as nested under it; indent it "
     "by 2 spaces to nest it, or line it up with that item",
     "<li>fruit<ul>\n<li>apple</li>\n</ul>\n</li>"),
])
def test_a_list_line_whose_meaning_is_ambiguous_is_warned_about(tmp_path, heard, body, line, words,
                                                                 kept):
    book = book_of(tmp_path, body)
    assert kept in html_of(book)
    (warning,) = heard.found
    assert str(warning).startswith(f"{tmp_path / 'test.md'}:{line}: warning: {words} [READ-04")
    with pytest.raises(PamphleteerError):
        read_book(tmp_path / "test.md", strict=True)


def test_a_change_to_the_reading_rules_reads_remembered_manuscripts_again(tmp_path, monkeypatch):
    path = write_manuscript(tmp_path / "book", "Things to bring:\n- bread\n")
    cache = Cache(tmp_path / "cache")
    read_book(path, cache=cache)
    read_book(path, cache=cache)
    assert len(list((tmp_path / "cache" / "markdown").iterdir())) == 1
    monkeypatch.setattr(reader, "READING_RULES", reader.READING_RULES + b"\n# a rule changed")
    read_book(path, cache=cache)
    assert len(list((tmp_path / "cache" / "markdown").iterdir())) == 2


def test_warnings_are_reported_in_line_order(tmp_path, heard):
    draw_image(tmp_path / "a.png", size=(50, 50))
    body = "![](a.png)\n\n## One\n\n#### Deep\n\nText.[^n]\n\n[^n]: A note.\n\n[^spare]: Unused.\n"
    book_of(tmp_path, body, front="title: T\nautor: Me")
    lines = [problem.line for problem in heard.found]
    assert lines == [3, 5, 9, 15]  # the key, the picture, the heading, the note


# --- a chapter at a time ------------------------------------------------------

CHAPTERS = ("# One\n\nA call.[^a] Another.[^b]\n\n[^a]: Note a.\n[^b]: Note b.\n\n"
            "# Two\n\n- a list\n- of two\n\nA call again.[^c]\n\n[^c]: Note c, \"quoted\".\n")


@pytest.mark.parametrize(("body", "parts"), [
    (CHAPTERS, 2),
    ("No chapters at all.[^a]\n\n[^a]: A note.\n", 1),
    (CHAPTERS.replace("[^c]: Note c", "[^a]: Note a again.\n[^c]: Note c"), 1),  # defined twice
    (CHAPTERS + "\nA call back to a note of chapter one.[^a]\n", 1),  # called in another chapter
    (CHAPTERS.replace("A call again.", "[A link][ref] again.") + "\n[ref]: https://example.org\n", 1),
    (CHAPTERS.replace("- a list", "<div>\n\n# Not a chapter\n\n</div>\n\n- a list"), 1),  # raw HTML
])
def test_markdown_is_converted_a_chapter_at_a_time_only_where_that_gives_the_same_book(
        tmp_path, monkeypatch, body, parts):
    assert len(reader.chapters(body)) == parts
    path = write_manuscript(tmp_path, body)

    def outcome():
        with collect() as found:
            try:
                return read_book(path), [str(problem) for problem in found.found]
            except PamphleteerError as error:
                return None, [str(problem) for problem in error.problems]

    in_parts = outcome()
    monkeypatch.setattr(reader, "chapters", lambda text: [text])
    assert outcome() == in_parts


def test_an_edit_converts_only_its_chapter_again(tmp_path):
    path = write_manuscript(tmp_path / "book", CHAPTERS)
    cache = Cache(tmp_path / "cache")
    read_book(path, cache=cache)
    write_manuscript(tmp_path / "book", CHAPTERS.replace("A call again", "A call once more"))
    read_book(path, cache=cache)
    assert len(list((tmp_path / "cache" / "markdown").iterdir())) == 3  # two chapters, one edited
