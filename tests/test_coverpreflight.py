"""The cover preflight (check/coverpreflight.py): a print cover checked against the sheet
it was made for and the interior beside it, as `make check` runs it.

One short book is made into a kdp cover once; each test that spoils it works on a copy
of its folder (the build cache comes along: the interior is not laid out again). The
book's own copy of the kdp profile makes paper thick enough for a spine with text on a
few pages, so that a fresh cover has text on every panel and the barcode too."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from pamphleteer.check.coverpreflight import cover_report
from pamphleteer.check.files import check_reports
from pamphleteer.model import CoverSheet
from pamphleteer.pdf.profiles import load_profile
from pamphleteer.pdf.wrap import INFO_KEY
from pamphleteer.pipeline import build, build_cover, page_count
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.styles import DEFAULTS, Styles

from support import draw_image, write_manuscript

FRONT = ("title: Thrift and the Common Purse\nauthor: Ada Example\npublisher: Shelf Test Press\n"
         "date: 2026-03-01\ndescription: How the weavers of Rochdale put their pennies together.\n"
         "print:\n  isbn: 978-3-16-148410-0\ncover:\n  price: 51995")
TEXT = "".join(f"## Part {n}\n\n" + " ".join(f"word{i}" for i in range(250)) + "\n\n" for n in range(1, 4))
THICK = 0.08  # in: a page of the book's own kdp paper, so that a few pages make a wide spine
KDP = (DEFAULTS.find("profiles/kdp.yaml").read_text(encoding="utf-8")
       .replace("min-pages: 24", "min-pages: 2")
       .replace("paper-white: 0.002252in", f"paper-white: {THICK}in")
       .replace("spine-text-from: 80", "spine-text-from: 2"))


def codes(report) -> list[str]:
    return sorted(finding.code for finding in report.findings if finding.severity != "info")


def sheet_of(pdf: Path) -> CoverSheet:
    with pikepdf.open(pdf) as document:
        return CoverSheet.from_json(str(document.docinfo[f"/{INFO_KEY}"]))


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The folder of a fresh kdp cover: book.md, styles/profiles/kdp.yaml, out/ with
    book-kdp.pdf and book-cover-kdp.pdf."""
    folder = tmp_path_factory.mktemp("cover")
    (folder / "styles" / "profiles").mkdir(parents=True)
    (folder / "styles" / "profiles" / "kdp.yaml").write_text(KDP, encoding="utf-8")
    build_cover(write_manuscript(folder, TEXT, FRONT, name="book.md"), folder / "out", profile="kdp")
    return folder


@pytest.fixture
def copied(made, tmp_path) -> Path:
    """A copy of the made cover's folder, to spoil."""
    return Path(shutil.copytree(made, tmp_path / "book"))


def test_a_fresh_cover_passes(made):
    cover = made / "out" / "book-cover-kdp.pdf"
    sheet = sheet_of(cover)
    assert sheet.spine_text and sheet.spine > 6  # text on the spine, the back, the barcode
    report = cover_report(cover, read_book(made / "book.md"))
    assert report.summary == "print cover for 'kdp': 0 errors, 0 warnings"
    assert report.findings == []
    # Without the book, pamphleteer's own kdp profile is the rule: its thinner paper
    # makes a narrower spine, on which it allows no text below 80 pages.
    assert codes(cover_report(cover)) == ["PRINT-050", "PRINT-052"]


def test_check_runs_the_cover_preflight_on_a_cover_and_the_preflight_on_the_interior(made):
    book = read_book(made / "book.md")
    profile = load_profile("kdp", Styles.for_manuscript(made / "book.md"))
    cover, interior = made / "out" / "book-cover-kdp.pdf", made / "out" / "book-kdp.pdf"
    assert cover_report(interior, book) is None
    reports = list(check_reports([cover, interior], profile, book))
    summaries = [report.summary for report in reports]
    assert len(summaries) == 4
    assert reports[0].findings == []  # no "give the manuscript headings" for a cover
    assert summaries[1] == "print cover for 'kdp': 0 errors, 0 warnings"
    assert summaries[3].startswith("preflight for 'kdp'")
    # a cover is judged as a cover whatever profile the interiors are checked for, or none
    assert [r.summary for r in check_reports([cover], None, book)][1:] == [summaries[1]]


def test_a_cover_for_fewer_pages_than_the_interior_now_has_must_be_made_again(copied):
    manuscript = copied / "book.md"
    before = sheet_of(copied / "out" / "book-cover-kdp.pdf")
    manuscript.write_text(manuscript.read_text(encoding="utf-8") + TEXT.replace("Part", "More"), "utf-8")
    build(manuscript, copied / "out", ("pdf",), profile="kdp")
    pages = page_count(copied / "out" / "book-kdp.pdf")
    assert pages > before.pages
    report = cover_report(copied / "out" / "book-cover-kdp.pdf", read_book(manuscript))
    (stale,) = report.errors
    assert stale.code == "PRINT-050" and report.warnings == []
    width = 2 * 6 * 25.4 + pages * THICK * 25.4 + 2 * 0.125 * 25.4
    assert f"it was made for {before.pages} pages of 'book-kdp.pdf', which now has {pages}" in stale.message
    assert f"the whole cover {width:.2f} × 234.95 mm with the bleed" in stale.message
    assert stale.message.endswith("make the cover again: make cover PROFILE=kdp")
    assert report.summary == "print cover for 'kdp': 1 error, 0 warnings"


def test_a_cover_without_its_interior_must_be_made_again(copied):
    (copied / "out" / "book-kdp.pdf").unlink()
    report = cover_report(copied / "out" / "book-cover-kdp.pdf", read_book(copied / "book.md"))
    assert codes(report) == ["PRINT-050"]
    assert "'book-kdp.pdf', is not beside it" in report.errors[0].message


# A book's own copy of the cover template, spoilt: (what changes, the panel and what the
# finding says of it).
SPOILT = {
    "the back's text in the bleed": (
        "left: {{ sheet.back.left + safe }}mm;", "left: -2mm;",
        r"^the back: text \('Thrift and the Common Purse How the wea…'\) runs past the trim into the "
        r"bleed, where it is cut off: keep the text of the back at least 3\.2 mm inside the trim and the "
        r"fold \(an area of 146\.1 × 222\.2 mm\) \(in styles/cover/wrap\.html, or the book's copy of it\) "
        r"and make the cover again: make cover PROFILE=kdp$"),
    "the back's text near the trim": (
        "left: {{ sheet.back.left + safe }}mm;", "left: {{ sheet.back.left + 1 }}mm;",
        r"^the back: text \('Thrift and the Common Purse How the wea…'\) is 1\.0 mm from the trim, closer "
        r"than the 3\.2 mm it must keep clear: "),
    "the back's text across the fold": (
        "left: {{ sheet.back.left + safe }}mm;", "left: {{ sheet.back.width - 30 }}mm;",
        r"^the back: text \('.+'\) runs across the fold between the back and the spine: "),
    "the spine's text near a fold": (
        "left: {{ sheet.spine_box.left + sheet.spine / 2 }}mm;",
        "left: {{ sheet.spine_box.left + sheet.spine / 2 + 2.5 }}mm;",
        r"^the spine: text \('Thrift and the Common Purse Ada Example'\) is 0\.\d mm from the fold, closer "
        r"than the 1\.6 mm it must keep clear: keep the text of the spine at least 1\.6 mm from each fold "
        r"and 3\.2 mm from the trim"),
    "the back's text over the barcode": (
        "{% if sheet.barcode %}height:", "top: {{ sheet.barcode.top + 2 }}mm; {% if sheet.barcode %}height:",
        r"^text \('.+'\) is inside the barcode area \(50\.8 × 30\.5 mm at 95\.3, 191\.8 mm on the "
        r"back\): the area must hold the barcode alone"),
    "the barcode outside its area": (
        "top: {{ sheet.barcode.top if sheet.barcode else 0 }}mm;", "top: -40mm;",
        r"^the barcode reaches outside the barcode area .*: its text \('ISBN 978-3-16-148410-0 "
        r"9783161484100 51…'\) and 46 bars: "),
}


@pytest.mark.parametrize("spoilt", SPOILT)
def test_text_outside_the_safe_area_of_its_panel_is_an_error(copied, spoilt):
    old, new, expected = SPOILT[spoilt]
    template = DEFAULTS.find("cover/wrap.html").read_text(encoding="utf-8")
    assert old in template
    (copied / "styles" / "cover").mkdir()
    (copied / "styles" / "cover" / "wrap.html").write_text(template.replace(old, new, 1), encoding="utf-8")
    made = build_cover(copied / "book.md", copied / "out", profile="kdp")
    report = cover_report(made.outputs["print-cover"], made.book)
    assert report.warnings == []
    assert [f.code for f in report.errors] and {f.code for f in report.errors} == {"PRINT-051"}
    assert any(re.search(expected, f.message) for f in report.errors), [f.message for f in report.errors]


def test_spine_text_on_a_book_thinner_than_the_profile_allows_is_a_warning(copied):
    """The book's profile first allowed spine text from 2 pages; it now says 80, as KDP does."""
    profile = copied / "styles" / "profiles" / "kdp.yaml"
    rule = profile.read_text(encoding="utf-8").replace("spine-text-from: 2", "spine-text-from: 80")
    profile.write_text(rule, encoding="utf-8")
    cover = copied / "out" / "book-cover-kdp.pdf"
    report = cover_report(cover, read_book(copied / "book.md"))
    (warning,) = report.findings
    assert warning.code == "PRINT-052" and warning.severity == "warning"
    assert warning.message.startswith(
        f"the spine: text ('Thrift and the Common Purse Ada Example') on a book of {sheet_of(cover).pages} "
        "pages, fewer than the 80 the 'kdp' profile needs for spine text")
    # accepted in the front matter, it is information, and fails no check
    manuscript = copied / "book.md"
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace(
        "print:\n", "print:\n  accept: [PRINT-052]\n"), encoding="utf-8")
    accepted = cover_report(cover, read_book(manuscript))
    assert [f.severity for f in accepted.findings] == ["info"] and not accepted.fails(strict=True)


def test_a_record_that_lowers_the_page_count_below_the_rule_is_caught_too(copied):
    """Without the book, the sheet's own numbers are the rule: rewritten to say the cover
    was made for one page, it is stale, and its spine text is on too thin a book."""
    cover = copied / "out" / "book-cover-kdp.pdf"
    with pikepdf.open(cover, allow_overwriting_input=True) as document:
        data = json.loads(str(document.docinfo[f"/{INFO_KEY}"]))
        data.update(pages=1, spine_text_from=80, interior="gone.pdf")
        document.docinfo[f"/{INFO_KEY}"] = json.dumps(data)
        document.save(cover)
    assert codes(cover_report(cover)) == ["PRINT-050", "PRINT-052"]


def test_a_coarse_front_picture_is_a_warning_on_a_plus_cover_too(tmp_path):
    """A press cover (outside and inside, no spine) with a 600 × 900 px cover image:
    the cover stage warns as it makes it, the preflight finds it again; nothing else."""
    draw_image(tmp_path / "small.jpg", size=(600, 900))
    front = FRONT.replace("cover:\n  price: 51995", "cover-image: small.jpg")
    made = build_cover(write_manuscript(tmp_path, TEXT, front, name="book.md"), tmp_path / "out",
                       profile="press")
    assert [p.code for p in made.problems if p.code == "PRINT-053"] == ["PRINT-053"]
    report = cover_report(made.outputs["print-cover"], made.book)
    assert sheet_of(made.outputs["print-cover"]).kind == "plus"
    (warning,) = report.findings
    assert (warning.code, warning.severity, warning.path) == ("PRINT-053", "warning", tmp_path / "small.jpg")
    # A5 and 3 mm of bleed: 151 × 216 mm, which a 2 : 3 picture covers at 151 × 226.5 mm
    assert warning.message == (
        "page 1, the front: the cover image (small.jpg) prints at 101 ppi (600 × 900 px over 151.0 × 226.5 "
        "mm); for 300 ppi it needs 1783 × 2675 px, 1183 × 1775 px more: use a larger original")
    assert report.summary == "print cover for 'press': 0 errors, 1 warning"
