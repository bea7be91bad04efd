"""Front matter: each accepted key and form, on tiny manuscripts."""

import datetime as dt
import os

import pytest

from pamphleteer.problems import PamphleteerError
from pamphleteer.read.frontmatter import key_line
from pamphleteer.read.manuscript import read_book

from support import draw_image, write_manuscript

BODY = "Some text.\n"


def meta(tmp_path, front):
    return read_book(write_manuscript(tmp_path, BODY, front)).metadata


def test_only_title_is_required(tmp_path):
    m = meta(tmp_path, "title: Just a title")
    assert m.title == "Just a title"
    assert m.lang == "en"
    assert m.authors == ()
    assert m.identifier.startswith("urn:uuid:")


def test_identifier_derived_from_title_is_stable(tmp_path):
    first = meta(tmp_path / "a", "title: Same title").identifier
    second = meta(tmp_path / "b", "title: Same title").identifier
    other = meta(tmp_path / "c", "title: Another title").identifier
    assert first == second != other


def test_one_author_or_a_list(tmp_path):
    assert meta(tmp_path / "a", "title: T\nauthor: Ann Author").authors == ("Ann Author",)
    m = meta(tmp_path / "b", "title: T\nauthor:\n  - Ann\n  - Bob\n  - Cy")
    assert m.authors == ("Ann", "Bob", "Cy")
    assert m.author_line == "Ann, Bob, and Cy"  # US English, the default, has the serial comma


@pytest.mark.parametrize(("lang", "line"), [
    ("en-GB", "Ann, Bob and Cy"), ("de", "Ann, Bob und Cy"), ("fr-CA", "Ann, Bob et Cy"),
    ("es", "Ann, Bob y Cy"), ("sv", "Ann, Bob och Cy"), ("cs", "Ann, Bob a\u00a0Cy"),
    ("tlh", "Ann, Bob, and Cy"),  # Czech (above) keeps a one-letter word off the line end
])
def test_authors_are_joined_in_the_books_language(tmp_path, lang, line):
    assert meta(tmp_path, f"title: T\nlang: {lang}\nauthor: [Ann, Bob, Cy]").author_line == line


def test_language_is_accepted_for_lang(tmp_path):
    assert meta(tmp_path, "title: T\nlanguage: fr-CA").lang == "fr-CA"


@pytest.mark.parametrize(("written", "w3c", "shown"), [
    ("2026-11-23", "2026-11-23", "November 23, 2026"),  # lang: en, as Babel (CLDR) writes it
    ("'2026-11-23'", "2026-11-23", "2026-11-23"),
    ("November 2026", "2026-11", "November 2026"),
    ("23 November 2026", "2026-11-23", "23 November 2026"),
    ("2026", "2026", "2026"),
])
def test_date_as_yaml_date_or_string(tmp_path, written, w3c, shown):
    m = meta(tmp_path, f"title: T\ndate: {written}")
    assert (m.date, m.date_text) == (w3c, shown)
    assert isinstance(m.first_day, dt.date)


@pytest.mark.parametrize(("lang", "written", "shown"), [
    ("de", "2026-11-23", "23. November 2026"),
    ("fr", "2026-11-23", "23 novembre 2026"),
    ("de-AT", "2026-01-05", "5. Jänner 2026"),
    ("tlh", "2026-11-23", "2026-11-23"),  # a language Babel does not know: the date as it is
])
def test_a_yaml_date_is_shown_in_the_books_language(tmp_path, lang, written, shown):
    assert meta(tmp_path, f"title: T\nlang: {lang}\ndate: {written}").date_text == shown


def test_isbn_becomes_urn_and_uuid_is_kept(tmp_path):
    assert meta(tmp_path / "a", "title: T\nidentifier: 978-3-16-148410-0").identifier \
        == "urn:isbn:9783161484100"
    uuid = "urn:uuid:12345678-1234-5678-1234-567812345678"
    assert meta(tmp_path / "b", f"title: T\nidentifier: {uuid}").identifier == uuid


@pytest.mark.parametrize(("written", "identifier"), [
    ("978-3-16-148410-0", "urn:isbn:9783161484100"),
    ("ISBN 978 3 16 148410 0", "urn:isbn:9783161484100"),
    ("urn:isbn:979-10-90636-07-1", "urn:isbn:9791090636071"),
    ("0-8044-2957-X", "urn:isbn:080442957X"),  # an ISBN-10 is kept as it is, its X upper-case
    ("0-8044-2957-x", "urn:isbn:080442957X"),
])
def test_an_isbn_may_be_written_with_hyphens_or_spaces(tmp_path, written, identifier):
    assert meta(tmp_path, f"title: T\nidentifier: {written}").identifier == identifier


@pytest.mark.parametrize(("written", "message"), [
    ("978-3-16-148410-9", "ISBN '978-3-16-148410-9' has a wrong check digit: the digits before it "
                          "call for 0, not 9; copy the ISBN again from your ISBN agency"),
    ("0-8044-2957-1", "ISBN '0-8044-2957-1' has a wrong check digit: the digits before it call "
                      "for X, not 1;"),
    ("4006381333931", "'4006381333931' is not an ISBN: an ISBN of 13 digits begins with 978 or 979"),
    ("978-3-16-14841", "identifier '978-3-16-14841' is neither an ISBN nor a urn:uuid:"),
    ("080442957", "identifier '080442957' is neither an ISBN"),  # a digit left out, not an SBN
])
def test_a_wrong_isbn_is_told_what_is_wrong(tmp_path, written, message):
    with pytest.raises(PamphleteerError) as caught:
        meta(tmp_path, f"title: T\nidentifier: {written}")
    (problem,) = caught.value.problems
    assert message in problem.message
    assert problem.line == 3


def test_the_print_editions_isbn_is_its_own(tmp_path):
    m = meta(tmp_path, "title: T\nidentifier: 978-3-16-148410-0\nprint:\n  isbn: 978-1-4028-9462-6")
    assert (m.identifier, m.print_isbn) == ("urn:isbn:9783161484100", "urn:isbn:9781402894626")


def test_folded_description_becomes_one_line(tmp_path):
    m = meta(tmp_path, "title: T\ndescription: >\n  First line\n  and second line.\n")
    assert m.description == "First line and second line."


def test_subjects_and_rights(tmp_path):
    m = meta(tmp_path, "title: T\nsubjects: [History, Co-operation]\nrights: CC BY 4.0")
    assert m.subjects == ("History", "Co-operation")
    assert m.rights == "CC BY 4.0"


@pytest.mark.parametrize("key", ["cover-image", "cover"])
def test_cover_path_is_relative_to_the_manuscript(tmp_path, key):
    draw_image(tmp_path / "art" / "front.jpg", size=(400, 640))
    m = meta(tmp_path, f"title: T\n{key}: art/front.jpg")
    assert m.cover_image == (tmp_path / "art" / "front.jpg").resolve()


def test_title_gets_typographic_quotes(tmp_path):
    m = meta(tmp_path, "title: Don't \"panic\" -- yet")
    assert m.title == "Don’t “panic” – yet"


@pytest.mark.parametrize(("front", "message", "line"), [
    ("author: Nobody", "front matter has no title", 1),
    ("title: T\ndate: someday soon", "cannot read the date 'someday soon'", 3),
    ("title: T\nlang: not a tag!", "is not a language tag", 3),
    ("title: T\nidentifier: 978-3-16-148410-9", "wrong check digit", 3),
    ("title: T\ncover: missing.jpg", "cover image not found: missing.jpg", 3),
    ("title: [unclosed", "front matter", 2),
    # A key under `print:` is named on its own line, not on print's.
    ("title: T\nprint:\n  isbn: 978-3-16-148410-9", "wrong check digit", 4),
    ("title: T\nprint:\n  isbn: urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
     "must be the print edition's ISBN", 4),
    ("title: T\nprint:\n  profile: kdp\n  trim: six by nine", "six by nine", 5),
    ("title: T\nprint:\n  profile: kdp\n\n  accept: PRINT-20", "not 'PRINT-20'", 6),
    ("title: T\nprint: {profile: kdp, isbn: 978-3-16-148410-9}", "wrong check digit", 3),
    ("title: T\n'print':\n    'isbn': 978-3-16-148410-9", "wrong check digit", 4),
    ("title: T\nprint:\n  paper: cream", "'isbn:' and 'accept:' lines under it", 3),
])
def test_bad_front_matter_is_reported_with_its_line(tmp_path, front, message, line):
    with pytest.raises(PamphleteerError) as caught:
        meta(tmp_path, front)
    problem = caught.value.problems[0]
    assert message in problem.message
    assert problem.line == line
    assert str(problem).startswith(f"{tmp_path / 'test.md'}:{line}: error: ")


def test_a_key_is_found_on_its_line_however_it_is_written():
    """What a release's refusal points at (`version:`, `slug:`): the manuscript's line."""
    front = "title: T\n\"Version\": '1.0'\nprint:\n  profile: kdp\n  isbn: 978-3-16-148410-0\n"
    assert key_line(front, "version") == 3
    assert key_line(front, "print", "isbn") == 6
    assert key_line(front, "print", "trim") == 4  # not written: the line of `print:`
    assert key_line(front, "slug") == 1  # not written at all: the first line


def test_unknown_key_is_a_warning_naming_the_nearest_key(tmp_path, heard):
    m = meta(tmp_path, "title: T\nsubtitel: Oops")
    assert m.subtitle is None
    (warning,) = heard.found
    assert (warning.severity, warning.code, warning.line) == ("warning", "READ-014", 3)
    assert warning.message == "unknown front matter key 'subtitel' (did you mean 'subtitle'?)"


def test_version_is_kept_as_written(tmp_path):
    assert meta(tmp_path / "a", "title: T").version == "1.0"
    assert meta(tmp_path / "b", "title: T\nversion: 1.10").version == "1.10"  # not the number 1.1
    assert meta(tmp_path / "c", "title: T\nversion: '2026-11'").version == "2026-11"
    assert meta(tmp_path / "d", "title: T\nversion: 2").version == "2"


@pytest.mark.parametrize(("front", "slug"), [
    ("title: Many Hands", "many-hands"),
    ("title: \"Don't Mourn -- Organise!\"", "dont-mourn-organise"),
    ("title: Éducation populaire", "education-populaire"),
    ("title: Война и мир", "test"),  # no Latin letters: the manuscript's file name
    ("title: Many Hands\nslug: hands", "hands"),
])
def test_slug_from_the_title_or_the_front_matter(tmp_path, front, slug):
    assert meta(tmp_path, front).slug == slug



@pytest.mark.parametrize(("text", "advice"), [
    # No closing line at all: the text after it is named.
    ("---\ntitle: T\nauthor: A\n\nAn introduction.\n\n## A question\n\nAn answer.\n",
     "before line 5, where the text begins"),
    # A thematic break further down would close it: the paragraphs before it are not YAML.
    ("---\ntitle: T\n\nNote: the first paragraph.\n\nAnother.\n\n---\n\nMore text.\n",
     "before line 4, where the text begins"),
    # A heading reads as a YAML comment; the text begins with it.
    ("---\ntitle: T\n\n# Chapter one\n\nThings to bring:\n\n---\n\nMore.\n",
     "before line 4, where the text begins"),
    ("---\ntitle: T\n", "after its last line"),
])
def test_front_matter_that_is_not_closed_is_named_where_it_opened(tmp_path, text, advice):
    path = tmp_path / "open.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PamphleteerError) as caught:
        read_book(path)
    problems = [str(problem) for problem in caught.value.problems]
    assert problems[0] == (f"{path}:1: error: the front matter opened on line 1 is not closed: "
                           f"add a '---' line {advice} [READ-010]")
    assert not any("no front matter" in p or "YAML" in p or "unknown front matter key" in p
                   for p in problems), problems


def test_a_cover_that_is_a_named_pipe_is_named_for_what_it_is(tmp_path):
    os.mkfifo(tmp_path / "cover.jpg")
    with pytest.raises(PamphleteerError) as caught:
        meta(tmp_path, "title: T\ncover: cover.jpg")
    (problem,) = caught.value.problems
    assert problem.message == ("cover image cover.jpg is a named pipe, not a picture file: "
                               "point to the picture itself")
    assert problem.line == 3
