"""Accessibility: Ace by DAISY on every EPUB we build, and metadata that tells the truth."""

import os

import pytest

from pamphleteer.check.ace import check_ace, find_ace
from pamphleteer.check.epubcheck import check_epub
from pamphleteer.pipeline import build
from pamphleteer.read.manuscript import read_book
from run_once import made_once

from support import NS, Epub, draw_image, write_manuscript

needs_ace = pytest.mark.skipif(
    find_ace() is None and not os.environ.get("CI"),
    reason="Ace is not installed: make ace (make test installs it, and CI always runs it)")


def metadata(epub: Epub, prop: str) -> list[str]:
    return [m.text for m in epub.opf.xpath(f"//opf:meta[@property='{prop}']", namespaces=NS)]


@pytest.fixture(scope="module")
@made_once
def french_notes(tmp_path_factory):
    """A French book with a picture and sixty notes in four sections: each note is a link,
    a back link and an aside, which Ace checks one by one (it took 25 s on two hundred,
    and found nothing more). One book for both, since Ace costs seconds an EPUB."""
    folder = tmp_path_factory.mktemp("fr")
    draw_image(folder / "ruche.png", size=(600, 400), mode="RGBA")
    body = ("Une introduction.\n\n![Une ruche dessinée](ruche.png \"La ruche. / Dessin : nous\")\n\n"
            + "".join(f"## Qu'est-ce que la partie {n} ?\n\n"
                      + "".join(f"Affirmation {n}.{k}.[^n{n}k{k}] " for k in range(15)) + "\n\n"
                      + "".join(f"[^n{n}k{k}]: Source {n}.{k}, page {k + 1}.\n" for k in range(15))
                      + "\n" for n in range(4)))
    path = write_manuscript(folder, body, "title: Secours mutuels\nlang: fr\ndate: 2026-01-01")
    return build(path, folder / "out", ("epub",)).outputs["epub"]


@needs_ace
def test_ace_finds_no_violation_in_the_books_we_build(any_book):
    report = check_ace(any_book.epub)
    assert report is not None, "Ace is not installed: run make ace"
    assert [str(f) for f in report.findings] == []


@needs_ace
def test_ace_finds_no_violation_with_many_notes_in_another_language(french_notes):
    report = check_ace(french_notes)
    assert report is not None and [str(f) for f in report.findings] == []


def test_epubcheck_accepts_many_notes_in_another_language(french_notes):
    report = check_epub(french_notes)
    assert report.summary.endswith("0 errors, 0 warnings"), [str(f) for f in report.findings]
    epub = Epub(french_notes)
    assert len(epub.nav()[1].xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)) >= 2
    asides = [aside for href in epub.spine()
              for aside in epub.xhtml(href).xpath("//x:aside[@epub:type='footnote']", namespaces=NS)]
    assert len(asides) == 60


def test_metadata_says_what_the_book_offers(chapters):
    epub = Epub(chapters.epub)
    assert metadata(epub, "schema:accessMode") == ["textual", "visual"]
    assert metadata(epub, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = metadata(epub, "schema:accessibilityFeature")
    assert {"tableOfContents", "structuralNavigation", "alternativeText", "readingOrder",
            "displayTransformability"} <= set(features)
    assert {"printPageNumbers", "pageBreakMarkers", "pageNavigation"} <= set(features)
    assert "Page numbers of the print edition" in metadata(epub, "schema:accessibilitySummary")[0]
    assert metadata(epub, "schema:accessibilityHazard") == ["none"]
    assert "Its 2 pictures have a text description." in metadata(epub, "schema:accessibilitySummary")[0]
    assert metadata(epub, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert metadata(epub, "a11y:certifiedBy") == ["Test Fixture Books"]
    assert epub.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"


def test_a_book_without_pictures_is_textual_only(minimal):
    epub = Epub(minimal.epub)
    assert metadata(epub, "schema:accessMode") == ["textual"]
    assert "alternativeText" not in metadata(epub, "schema:accessibilityFeature")


def test_a_picture_without_alt_text_is_reported_and_claims_are_withdrawn(tmp_path):
    draw_image(tmp_path / "x.png", size=(300, 200))
    path = write_manuscript(tmp_path, "Text.\n\n![](x.png \"A caption. / Us\")\n",
                            "title: Undescribed\npublisher: Us")
    result = build(path, tmp_path / "out", ("epub",))
    epub = Epub(result.outputs["epub"])
    (warning,) = result.problems
    assert str(warning).startswith(f"{path}:7:1: warning: image x.png has no alt text")
    assert "alternativeText" not in metadata(epub, "schema:accessibilityFeature")
    assert metadata(epub, "schema:accessModeSufficient") == ["textual,visual"]
    assert metadata(epub, "dcterms:conformsTo") == [] and metadata(epub, "a11y:certifiedBy") == []
    assert "Some of its pictures have no text description." in \
        metadata(epub, "schema:accessibilitySummary")[0]


def test_decorative_pictures_are_hidden_from_assistive_technology(tmp_path):
    draw_image(tmp_path / "rule.png", size=(600, 40))
    path = write_manuscript(tmp_path, "Text.\n\n![](rule.png){.decorative}\n\nMore.\n")
    result = build(path, tmp_path / "out", ("epub",))
    epub = Epub(result.outputs["epub"])
    img = epub.xhtml("section-00.xhtml").xpath("//x:img", namespaces=NS)[0]
    assert img.get("alt") == "" and img.get("role") == "presentation"
    assert result.problems == []
    assert metadata(epub, "schema:accessMode") == ["textual"]


def test_heading_levels_never_skip(tmp_path):
    book = read_book(write_manuscript(tmp_path, "## One\n\n#### Deep\n\nx\n\n### Less deep\n\ny\n"))
    assert [h.level for h in book.headings] == [1, 2, 2]


ROLES = {"toc": "doc-toc", "noteref": "doc-noteref", "footnote": "doc-footnote",
         "pagebreak": "doc-pagebreak", "page-list": "doc-pagelist", "chapter": "doc-chapter",
         "colophon": "doc-colophon"}


@pytest.mark.parametrize("name", ["sample", "chapters"])
def test_aria_roles_match_the_epub_types(request, name):
    epub = Epub(request.getfixturevalue(name).epub)
    seen = set()
    for href in epub.spine():
        # (The landmarks' links name the parts they point to: those types are not roles.)
        for element in epub.xhtml(href).xpath(
                "//*[@epub:type][not(ancestor::x:nav[@epub:type='landmarks'])]", namespaces=NS):
            kind = element.get("{http://www.idpf.org/2007/ops}type")
            if kind in ROLES:
                assert element.get("role") == ROLES[kind], (href, kind)
                seen.add(kind)
    assert seen == set(ROLES)
    cover = epub.xhtml("cover.xhtml").xpath("//x:img", namespaces=NS)[0]
    assert cover.get("role") == "doc-cover" and cover.get("alt")
