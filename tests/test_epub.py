"""The EPUB as a reader, a reading system and EPUBCheck see it."""

import hashlib
import io
import re
from urllib.parse import quote

import pytest
from PIL import Image, ImageColor

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.pipeline import build

from support import EPUB_TYPE, NS, XML_LANG, Epub, draw_image, write_manuscript


def test_epubcheck_reports_no_errors_and_no_warnings(any_book):
    report = check_epub(any_book.epub)
    assert [str(f) for f in report.findings if f.severity in ("error", "warning")] == []
    assert "0 errors, 0 warnings" in report.summary


def test_spine_is_cover_title_contents_one_file_per_section_colophon(any_book):
    spine = Epub(any_book.epub).spine()
    sections = [f"section-{s.number:02d}.xhtml" for s in any_book.book.sections]
    assert spine == ["cover.xhtml", "titlepage.xhtml", "nav.xhtml", *sections, "colophon.xhtml"]


def test_each_section_file_holds_exactly_its_headings(any_book):
    epub = Epub(any_book.epub)
    for section in any_book.book.sections:
        document = epub.xhtml(f"section-{section.number:02d}.xhtml")
        found = [("".join(h.itertext()), h.get("id"))
                 for h in document.xpath("//x:h1|//x:h2|//x:h3|//x:h4", namespaces=NS)]
        assert found == [(h.text, h.id) for h in section.headings]


def test_nav_lists_every_heading_nested_in_order_and_each_link_lands_on_it(any_book):
    epub = Epub(any_book.epub)
    nav_href, _ = epub.nav()
    entries = epub.toc_entries()
    headings = any_book.book.headings
    assert [(depth, label) for depth, label, _ in entries[:-1]] == \
        [(h.level, h.text) for h in headings]
    assert entries[-1][1:] == ("Colophon", "colophon.xhtml")
    for _, label, href in entries[:-1]:
        _, target = epub.element_by_href(nav_href, href)
        assert target is not None and "".join(target.itertext()) == label


def test_landmarks_and_guide_point_at_cover_contents_and_text(any_book):
    epub = Epub(any_book.epub)
    _, nav = epub.nav()
    landmarks = {a.get(EPUB_TYPE): a.get("href")
                 for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)}
    first = f"section-{any_book.book.sections[0].number:02d}.xhtml"
    assert landmarks == {"cover": "cover.xhtml", "toc": "nav.xhtml#toc", "bodymatter": first}
    guide = {r.get("type"): r.get("href") for r in epub.opf.xpath("//opf:reference", namespaces=NS)}
    assert guide["cover"] == "cover.xhtml"


def test_ncx_has_every_heading_and_every_target_exists(any_book):
    epub = Epub(any_book.epub)
    ncx = epub.xhtml("toc.ncx")
    points = ncx.xpath("//ncx:navPoint", namespaces=NS)
    labels = [p.xpath("string(ncx:navLabel/ncx:text)", namespaces=NS) for p in points]
    assert labels == [h.text for h in any_book.book.headings] + ["Colophon"]
    for point in points:
        src = point.xpath("string(ncx:content/@src)", namespaces=NS)
        _, target = epub.element_by_href("toc.ncx", src)
        assert target is not None, src


def test_every_noteref_pops_up_its_note_and_the_note_links_back(any_book):
    epub = Epub(any_book.epub)
    numbers = []
    for href in epub.spine():
        document = epub.xhtml(href)
        for ref in document.xpath("//x:a[@epub:type='noteref']", namespaces=NS):
            assert ref.get("role") == "doc-noteref"
            numbers.append(int("".join(ref.itertext())))
            if ref.get("id") is None:
                continue  # a second call of the same note
            target_file, note = epub.element_by_href(href, ref.get("href"))
            assert note.tag == f"{{{NS['x']}}}aside"
            assert note.get(EPUB_TYPE) == "footnote" and note.get("role") == "doc-footnote"
            backlink = note[0][0]  # first thing in the note: pandoc's finding for Apple Books
            assert backlink.get("role") == "doc-backlink"
            assert epub.element_by_href(target_file, backlink.get("href"))[1] is ref or \
                epub.element_by_href(target_file, backlink.get("href"))[1].get("id") == ref.get("id")
    first_calls = list(dict.fromkeys(numbers))
    assert first_calls == list(range(1, len(any_book.book.notes) + 1))


def test_notes_keep_all_their_paragraphs(chapters):
    epub = Epub(chapters.epub)
    _, note = epub.element_by_href("section-02.xhtml", "#note-2")
    paragraphs = note.xpath("x:p", namespaces=NS)
    assert len(paragraphs) == 2
    assert "A second paragraph about harvests" in "".join(paragraphs[1].itertext())


def test_every_figure_has_image_alt_caption_and_credit(any_book):
    epub = Epub(any_book.epub)
    manifest = {item["href"] for item in epub.manifest().values()}
    expected = {f.id: f for f in any_book.book.figures}
    seen = set()
    for href in epub.spine():
        for figure in epub.xhtml(href).xpath("//x:figure", namespaces=NS):
            book_figure = expected[figure.get("id")]
            img = figure.xpath("x:img", namespaces=NS)[0]
            assert img.get("alt") == book_figure.alt != ""
            assert img.get("src") in manifest
            caption = figure.xpath("string(x:figcaption/x:span[@class='caption'])", namespaces=NS)
            credit = figure.xpath("string(x:figcaption/x:span[@class='credit'])", namespaces=NS)
            assert caption and credit
            assert caption != img.get("alt")
            seen.add(figure.get("id"))
    assert seen == set(expected)


def test_full_metadata(chapters):
    epub = Epub(chapters.epub)
    assert epub.dc("title") == ["The Workshop and the Field", "Two essays on working together"]
    assert epub.dc("creator") == ["Ada Example", "Ben Specimen"]
    assert epub.dc("language") == ["en-US"]
    assert epub.dc("identifier") == ["urn:isbn:9783161484100"]
    assert epub.dc("date") == ["2025-03"]
    assert epub.dc("publisher") == ["Test Fixture Books"]
    assert epub.dc("rights") == ["Text released to the public domain by its authors."]
    assert epub.dc("description")[0].startswith("A fixture for the test suite, written in")
    assert epub.dc("subject") == ["Work", "Agriculture"]
    modified = epub.opf.xpath("string(//opf:meta[@property='dcterms:modified'])", namespaces=NS)
    assert modified == "2025-03-01T00:00:00Z"


def test_every_document_declares_the_book_language(any_book):
    epub = Epub(any_book.epub)
    lang = any_book.book.metadata.lang
    for href in epub.spine():
        root = epub.xhtml(href)
        assert root.get("lang") == lang and root.get(XML_LANG) == lang, href


def test_generated_cover_is_store_sized_beside_the_epub_and_under_apples_limit_inside(sample):
    with Image.open(sample.epub.with_name(f"{sample.book.stem}-cover.jpg")) as image:
        assert image.size == (1600, 2560) and image.format == "JPEG" and image.mode == "RGB"
    epub = Epub(sample.epub)
    cover = next(i for i in epub.manifest().values() if i.get("properties") == "cover-image")
    with Image.open(io.BytesIO(epub.read(cover["href"]))) as image:
        width, height = image.size
        assert width * height <= 4_000_000 and width > 1500 and abs(height / width - 1.6) < 0.01
        assert image.format == "JPEG"
    assert epub.opf.xpath("//opf:meta[@name='cover']/@content", namespaces=NS) == ["cover-img"]


def test_the_authors_cover_is_used_as_given(chapters, tmp_path):
    epub = Epub(chapters.epub)
    given = (chapters.book.source.parent / "art" / "cover.jpg").read_bytes()
    assert epub.read("images/cover.jpg") == given


def test_links_to_headings_follow_them_into_their_file(chapters):
    document = Epub(chapters.epub).xhtml("section-02.xhtml")
    hrefs = document.xpath("//x:p/x:a[not(@epub:type)]/@href", namespaces=NS)
    assert "section-01.xhtml#the-workshop" in hrefs


def test_the_same_manuscript_gives_the_same_bytes(chapters, tmp_path):
    again = build(chapters.book.source, tmp_path, ("epub",)).outputs["epub"]
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (chapters.epub, again)]
    assert digest[0] == digest[1]


def test_mimetype_is_first_and_stored(any_book):
    first = Epub(any_book.epub).zip.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == 0


def test_source_date_epoch_sets_the_modification_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = write_manuscript(tmp_path, "Text.\n", "title: Dated\ndate: 2020-01-01")
    epub = Epub(build(path, tmp_path / "out", ("epub",)).outputs["epub"])
    modified = epub.opf.xpath("string(//opf:meta[@property='dcterms:modified'])", namespaces=NS)
    assert modified == "2023-11-14T22:13:20Z"
    assert epub.zip.infolist()[1].date_time == (2023, 11, 14, 22, 13, 20)


@pytest.mark.parametrize(("size", "warnings"), [
    ((1600, 2560), []),
    ((1000, 1600), ["looks blurred"]),
    ((900, 900), ["looks blurred", "not 5:8"]),
])
def test_the_store_cover_is_1600_by_2560_and_the_author_hears_why_it_may_disappoint(
        tmp_path, size, warnings):
    draw_image(tmp_path / "cover.jpg", size=size)
    path = write_manuscript(tmp_path, "Text.\n", "title: Covered\ncover: cover.jpg")
    result = build(path, tmp_path / "out", ("epub",))
    store = result.outputs["cover"]
    with Image.open(store) as image:
        assert (image.size, image.mode, image.format) == ((1600, 2560), "RGB", "JPEG")
    said = [str(problem) for problem in result.problems]
    assert len(said) == len(warnings) and all(w in line for w, line in zip(warnings, said, strict=True))
    assert all(line.startswith(f"{tmp_path / 'cover.jpg'}: warning:") for line in said)


def test_every_document_in_the_spine_has_a_title_and_something_to_read(any_book):
    epub = Epub(any_book.epub)
    for href in epub.spine():
        document = epub.xhtml(href)
        assert "".join(document.xpath("//x:head/x:title/text()", namespaces=NS)).strip(), href
        body = document.xpath("//x:body", namespaces=NS)[0]
        assert "".join(body.itertext()).strip() or body.xpath(".//x:img", namespaces=NS), href


def test_pictures_with_any_file_names_get_valid_unique_addresses_and_pass_epubcheck(tmp_path):
    colours = {"my photo.png": "#aa0000", "my_photo.png": "#00aa00", "sub/my photo.png": "#0000aa",
               "café.png": "#aaaa00", "Cafe\u0301.png": "#00aaaa", "a#b.png": "#aa00aa",
               "100%.png": "#555555", "why?.png": "#aa5500", "写真.png": "#0055aa", "cover.jpg": "#55aa00"}
    for name, colour in colours.items():
        draw_image(tmp_path / name, size=(300, 200), colour=colour)
    body = "".join(f"![Picture {n}](<{quote(name)}>)\n\n" for n, name in enumerate(colours, start=1))
    epub_path = build(write_manuscript(tmp_path, body, "title: Names\ndate: 2026-01-01"),
                      tmp_path / "out", ("epub",)).outputs["epub"]
    epub = Epub(epub_path)
    images = [item["href"] for item in epub.manifest().values() if item["media-type"].startswith("image/")]
    assert len(images) == len(colours) + 1  # and the cover
    assert all(re.fullmatch(r"images/[a-z0-9-]+\.(png|jpg)", href) for href in images), images
    assert len({href.casefold() for href in images}) == len(images)
    text = next(href for href in epub.spine() if href.startswith("section-"))
    for (name, colour), img in zip(colours.items(), epub.xhtml(text).xpath("//x:img", namespaces=NS),
                                   strict=True):
        assert img.get("src") in images, name
        with Image.open(io.BytesIO(epub.read(img.get("src")))) as picture:  # its own picture
            seen = picture.convert("RGB").getpixel((150, 100))
            assert max(abs(a - b) for a, b in zip(seen, ImageColor.getrgb(colour), strict=True)) < 8, name
    report = check_epub(epub_path)
    assert [str(f) for f in report.findings if f.severity in ("error", "warning")] == []


def test_raw_html_with_obsolete_layout_attributes_still_makes_a_valid_epub(tmp_path):
    """Authors paste HTML from old pages: align on a paragraph, width on a table or cell.
    HTML5 (and so EPUB 3) has dropped them; the look lives in styles/, so they go."""
    body = ('<p align="center">A centred line from an old page.</p>\n\n'
            '<table width="80%"><tr><td width="20" align="right" valign="top">1</td>'
            '<td height="3">one</td></tr></table>\n\n'
            '<div align="left"><p>Old markup, <span align="right">still readable</span>.</p></div>\n')
    result = build(write_manuscript(tmp_path, body), tmp_path / "out", formats=("epub",))
    report = check_epub(result.outputs["epub"])
    assert report.errors == [] and report.warnings == [], report.findings
    section = Epub(result.outputs["epub"]).xhtml("section-00.xhtml")
    assert not section.xpath("//*[@align or @valign]")
    assert not section.xpath("//x:table[@width] | //x:td[@width or @height]", namespaces=NS)
    assert section.xpath("//x:td[contains(@class, 'align-right')]", namespaces=NS)
