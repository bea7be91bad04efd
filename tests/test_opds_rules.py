"""The OPDS feed checker itself: a valid feed passes, and each broken rule is caught on its own."""

import pytest

from opds_rules import feed_problems

ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
EPUB_LINK = ('<link rel="http://opds-spec.org/acquisition" href="books/a.epub" type="application/epub+zip"'
             ' length="4"/>')
COVER_LINK = '<link rel="http://opds-spec.org/image" href="books/a.jpg" type="image/jpeg"/>'
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/">
  <id>urn:uuid:0b0e5a3c-8f0c-4c39-9f0e-7f6a1f2b3c4d</id>
  <title>Pamphlets</title>
  <updated>2026-01-31T12:00:00Z</updated>
  <author><name>Ann Author</name></author>
  <link rel="self" href="catalog.xml" type="{ACQUISITION}"/>
  <link rel="start" href="catalog.xml" type="{ACQUISITION}"/>
  <entry>
    <id>urn:uuid:5d7c1f6e-2a4b-4c8d-9e0f-1a2b3c4d5e6f</id>
    <title>A pamphlet</title>
    <updated>2026-01-30T09:30:00+01:00</updated>
    <dc:identifier>urn:isbn:9783161484100</dc:identifier>
    <dc:language>en</dc:language>
    <summary>A short one.</summary>
    <content type="text">A short one, about looms.</content>
    {EPUB_LINK}
    {COVER_LINK}
  </entry>
</feed>
"""
NAVIGATION_FEED = f"""<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d</id>
  <title>Root</title>
  <updated>2026-01-31T12:00:00Z</updated>
  <author><name>Ann Author</name></author>
  <link rel="self" href="root.xml" type="{NAVIGATION}"/>
  <link rel="start" href="root.xml" type="{NAVIGATION}"/>
  <entry>
    <id>urn:uuid:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d</id>
    <title>All pamphlets</title>
    <updated>2026-01-31T12:00:00Z</updated>
    <content type="text">Everything we print.</content>
    <link rel="subsection" href="catalog.xml" type="{ACQUISITION}"/>
  </entry>
</feed>
"""


def problems(tmp_path, old="", new="", *, root=True, name="catalog.xml", feed=FEED):
    """The problems of `feed` with `old` replaced by `new`, written beside a 4-byte book and its cover."""
    assert old in feed
    (tmp_path / "books").mkdir(exist_ok=True)
    (tmp_path / "books" / "a.epub").write_bytes(b"EPUB")
    (tmp_path / "books" / "a.jpg").write_bytes(b"JPEG")
    path = tmp_path / name
    path.write_text(feed.replace(old, new, 1) if old else feed, encoding="utf-8")
    return feed_problems(path, tmp_path if root else None)


def navigation_problems(tmp_path, old="", new=""):
    """The same for the navigation feed root.xml, which leads to a valid catalog.xml."""
    problems(tmp_path)
    return problems(tmp_path, old, new, name="root.xml", feed=NAVIGATION_FEED)


def only(found):
    assert len(found) == 1, found
    return found[0]


def test_valid_acquisition_feed_passes(tmp_path):
    assert problems(tmp_path) == []


def test_valid_navigation_feed_passes(tmp_path):
    assert navigation_problems(tmp_path) == []


def test_without_root_hrefs_are_not_followed(tmp_path):
    assert problems(tmp_path, "books/a.epub", "books/gone.epub", root=False) == []


def test_not_xml(tmp_path):
    assert "not well-formed" in only(problems(tmp_path, "</feed>", ""))


def test_root_must_be_atom_feed(tmp_path):
    assert "not atom:feed" in only(problems(tmp_path, "http://www.w3.org/2005/Atom", "urn:not-atom"))


def test_feed_without_id(tmp_path):
    assert "0 atom:id" in only(problems(tmp_path, "<id>urn:uuid:0b0e5a3c-8f0c-4c39-9f0e-7f6a1f2b3c4d</id>"))


def test_entry_without_id(tmp_path):
    message = only(problems(tmp_path, "<id>urn:uuid:5d7c1f6e-2a4b-4c8d-9e0f-1a2b3c4d5e6f</id>"))
    assert "entry 'A pamphlet'" in message and "0 atom:id" in message


@pytest.mark.parametrize("value", ["catalog-1", "urn:uuid:not-a-uuid", "urn:isbn:12345", "urn:uuid: spaced"])
def test_id_must_be_absolute_iri(tmp_path, value):
    assert "atom:id" in only(problems(tmp_path, "urn:uuid:0b0e5a3c-8f0c-4c39-9f0e-7f6a1f2b3c4d", value))


@pytest.mark.parametrize("value", [
    "2026-01-31", "2026-01-31T12:00:00", "2026-01-31 12:00:00Z", "2026-01-31t12:00:00z",
    "2026-02-30T12:00:00Z", "2026-01-31T12:00:00+25:00", "31 January 2026",
])
def test_bad_updated_date(tmp_path, value):
    assert "RFC 3339" in only(problems(tmp_path, "2026-01-31T12:00:00Z", value))


@pytest.mark.parametrize("value", [
    "2026-01-31T12:00:00.25Z", "2016-12-31T23:59:60Z", "2026-01-31T12:00:00-05:30",
])
def test_good_updated_dates(tmp_path, value):
    assert problems(tmp_path, "2026-01-31T12:00:00Z", value) == []


def test_two_titles(tmp_path):
    old, new = "<title>Pamphlets</title>", "<title>A</title><title>B</title>"
    assert "2 atom:title" in only(problems(tmp_path, old, new))


def test_author_on_feed_or_every_entry(tmp_path):
    assert "no atom:author" in only(problems(tmp_path, "<author><name>Ann Author</name></author>"))


def test_author_needs_a_name(tmp_path):
    assert "empty atom:name" in only(problems(tmp_path, "<name>Ann Author</name>", "<name> </name>"))


def test_self_link_needed(tmp_path):
    old = f'<link rel="self" href="catalog.xml" type="{ACQUISITION}"/>'
    assert "rel='self'" in only(problems(tmp_path, old))


def test_start_link_needs_catalog_type(tmp_path):
    old = f'<link rel="start" href="catalog.xml" type="{ACQUISITION}"/>'
    new = '<link rel="start" href="catalog.xml" type="application/atom+xml"/>'
    assert "is not application/atom+xml;profile=opds-catalog" in only(problems(tmp_path, old, new))


@pytest.mark.parametrize("value", [
    "application/atom+xml; kind=acquisition; profile=opds-catalog",
    "application/atom+xml;profile=&quot;opds-catalog&quot;;kind=acquisition",
])
def test_catalog_type_parameters_in_any_order(tmp_path, value):
    assert problems(tmp_path, ACQUISITION, value) == []


def test_link_type_must_be_mime(tmp_path):
    assert "not a MIME media type" in only(problems(tmp_path, 'type="image/jpeg"', 'type="jpeg"'))


def test_link_needs_href(tmp_path):
    assert "has no href" in only(problems(tmp_path, 'href="books/a.jpg" ', ""))


def test_wrong_type_for_epub(tmp_path):
    message = only(problems(tmp_path, 'type="application/epub+zip"', 'type="application/pdf"'))
    assert "application/epub+zip" in message and ".epub" in message


def test_wrong_type_for_jpeg(tmp_path):
    assert "image/jpeg" in only(problems(tmp_path, 'type="image/jpeg"', 'type="image/png"'))


def test_image_link_needs_image_type(tmp_path):
    assert "not an image type" in only(problems(tmp_path, 'type="image/jpeg"', ""))


def test_one_cover_per_entry(tmp_path):
    assert "at most one" in only(problems(tmp_path, COVER_LINK, COVER_LINK * 2))


def test_missing_acquisition_link(tmp_path):
    assert "no acquisition link" in only(problems(tmp_path, EPUB_LINK))


def test_acquisition_link_needs_type(tmp_path):
    assert "need a type" in only(problems(tmp_path, ' type="application/epub+zip"', ""))


def test_navigation_feed_holds_no_publications(tmp_path):
    old = '<link rel="subsection"'
    new = f'{EPUB_LINK}<link rel="subsection"'
    assert "must not hold publications" in only(navigation_problems(tmp_path, old, new))


def test_missing_dc_language(tmp_path):
    assert "no dc:language" in only(problems(tmp_path, "<dc:language>en</dc:language>"))


@pytest.mark.parametrize("value", ["english", "en_GB", "e", ""])
def test_dc_language_must_be_bcp47(tmp_path, value):
    assert "BCP 47" in only(problems(tmp_path, ">en</dc:language>", f">{value}</dc:language>"))


@pytest.mark.parametrize("value", ["fr-CA", "zh-Hant-TW", "sr-Latn", "de-CH-1996", "x-private"])
def test_dc_language_good_tags(tmp_path, value):
    assert problems(tmp_path, ">en</dc:language>", f">{value}</dc:language>") == []


def test_missing_dc_identifier(tmp_path):
    old = "<dc:identifier>urn:isbn:9783161484100</dc:identifier>"
    assert "no dc:identifier" in only(problems(tmp_path, old))


def test_dc_elements_namespace_accepted(tmp_path):
    assert problems(tmp_path, "http://purl.org/dc/terms/", "http://purl.org/dc/elements/1.1/") == []


def test_dc_identifier_names_the_book_not_the_entry(tmp_path):
    old = "urn:isbn:9783161484100"
    new = "urn:uuid:5d7c1f6e-2a4b-4c8d-9e0f-1a2b3c4d5e6f"
    assert "also the entry's atom:id" in only(problems(tmp_path, old, new))


def test_summary_is_plain_text(tmp_path):
    assert "must be text" in only(problems(tmp_path, "<summary>", '<summary type="html">'))


def test_summary_not_empty(tmp_path):
    assert "atom:summary is empty" in only(problems(tmp_path, "A short one.", ""))


def test_duplicate_entry_ids(tmp_path):
    entry = FEED[FEED.index("<entry>"):FEED.index("</entry>") + len("</entry>")]
    assert "2 entries share atom:id" in only(problems(tmp_path, entry, entry + entry))


def test_unresolved_href(tmp_path):
    assert "does not exist" in only(problems(tmp_path, "books/a.epub", "books/gone.epub"))


def test_href_outside_root(tmp_path):
    assert "outside the catalogue root" in only(problems(tmp_path, "books/a.jpg", "../a.jpg"))


def test_self_link_points_at_the_feed(tmp_path):
    (tmp_path / "other.xml").write_text(FEED)
    old, new = 'rel="self" href="catalog.xml"', 'rel="self" href="other.xml"'
    assert "not to this feed" in only(problems(tmp_path, old, new))


def test_xml_base_is_honoured(tmp_path):
    assert problems(tmp_path, 'href="books/a.epub"', 'xml:base="books/" href="a.epub"') == []


def test_wrong_length(tmp_path):
    assert "holds 4 bytes" in only(problems(tmp_path, 'length="4"', 'length="5"'))


@pytest.mark.parametrize("value", ["-1", "4.0", "four"])
def test_length_is_a_whole_number(tmp_path, value):
    assert "non-negative whole number" in only(problems(tmp_path, 'length="4"', f'length="{value}"'))


def test_linked_catalog_feed_must_exist(tmp_path):
    old, new = 'href="catalog.xml"', 'href="gone.xml"'
    assert "does not exist" in only(navigation_problems(tmp_path, old, new))


def test_linked_catalog_feed_kind_must_match(tmp_path):
    old = f'href="catalog.xml" type="{ACQUISITION}"'
    new = f'href="catalog.xml" type="{NAVIGATION}"'
    assert "calls itself kind=acquisition" in only(navigation_problems(tmp_path, old, new))
