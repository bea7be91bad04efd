"""A new user's first pamphlet, end to end: German, `#` chapters with `##` sections, a
table with aligned columns, nested lists, a note of three paragraphs, three pictures, one
of them also printed full-bleed (tests/fixtures/firstday/). What the author must get:
an EPUB EPUBCheck passes, and PDFs preflight passes for the screen and for the press."""

import shutil
import sys

import pdfplumber
import pytest

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.check.preflight import preflight
from pamphleteer.pipeline import build, choose_profile
from pamphleteer.support.styles import DEFAULTS
from run_once import made_once

from support import FIXTURES, NS, Epub

FIRSTDAY = FIXTURES / "firstday"


@pytest.fixture(scope="module")
@made_once
def pamphlet(tmp_path_factory):
    folder = tmp_path_factory.mktemp("firstday")
    sys.path.insert(0, str(FIRSTDAY))
    try:
        from draw import draw_all
    finally:
        sys.path.remove(str(FIRSTDAY))
    draw_all(folder)
    manuscript = folder / "genossenschaft" / "genossenschaft.md"
    shutil.copy(FIRSTDAY / "genossenschaft" / "genossenschaft.md", manuscript)
    out = folder / "out"
    digital = build(manuscript, out, strict=True)
    press = build(manuscript, out, ("pdf",), profile="press", strict=True)
    return digital.book, digital.outputs["epub"], digital.outputs["pdf"], press.outputs["pdf"]


def test_the_epub_passes_epubcheck(pamphlet):
    report = check_epub(pamphlet[1])
    assert [str(f) for f in report.findings if f.severity in ("error", "warning")] == []


@pytest.mark.parametrize(("index", "profile"), [(2, None), (3, "press")])
def test_the_pdfs_pass_preflight(pamphlet, index, profile):
    book = pamphlet[0]
    report = preflight(pamphlet[index], choose_profile(book, DEFAULTS, profile), book)
    assert [str(f) for f in report.findings if f.severity in ("error", "warning")] == []


def test_it_reads_as_german(pamphlet):
    book, epub_path, pdf_path, _ = pamphlet
    with pdfplumber.open(pdf_path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "„Selbsthilfe durch Gemeinschaft“" in text
    assert "Erschienen bei Verlag Zum Schwarzen Kater, 14. März 2026" in " ".join(text.split())
    colophon = Epub(epub_path).xhtml("colophon.xhtml")
    assert "Verlag Verlag" not in "".join(colophon.itertext())
    cells = Epub(epub_path).xhtml("section-02.xhtml").xpath("//x:td", namespaces=NS)
    assert [c.get("class") for c in cells[:3]] == ["align-left", "align-right numeric", "align-right numeric"]
