"""Preflight: each finding a printer would make, provoked on purpose."""

import shutil

import pikepdf
import pytest
from pypdf import PdfReader

from pamphleteer.check.pdf import check_pdf
from pamphleteer.check.preflight import preflight
from pamphleteer.pdf.profiles import load_profile
from pamphleteer.pipeline import build
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.styles import DEFAULTS
from run_once import made_once

from support import draw_image, page_texts, write_manuscript


def profile(name):
    return load_profile(name, DEFAULTS)


def codes(report):
    return sorted((f.code, f.severity) for f in report.findings)


@pytest.fixture(scope="module")
@made_once
def low_res(tmp_path_factory):
    """A 400 × 300 px picture shown the full width of the text."""
    folder = tmp_path_factory.mktemp("lowres")
    draw_image(folder / "images" / "small.png", size=(400, 300))
    body = "Some text.\n\n![A small picture](images/small.png \"Too small to print. / Us\")\n"
    path = write_manuscript(folder, body, "title: Low resolution\ndate: 2026-01-01")
    outputs = {name: build(path, folder / "out", ("pdf",), profile=name).outputs["pdf"]
               for name in ("digital", "press")}
    return read_book(path), outputs


def test_the_sample_passes_preflight_for_digital(sample):
    report = preflight(sample.pdf, profile("digital"), sample.book)
    assert report.findings == []


def test_a_low_resolution_picture_is_named_with_its_line_ppi_and_best_size(low_res):
    book, pdfs = low_res
    (finding,) = [f for f in preflight(pdfs["digital"], profile("digital"), book).findings
                  if f.code == "PRINT-010"]
    assert finding.severity == "warning"
    assert (finding.path, finding.line) == (book.source, 7)
    assert finding.message.startswith("images/small.png on page 3: ")
    assert "prints at 96 ppi (400 × 300 px over 106 × 79 mm)" in finding.message
    assert "it prints well up to 34 × 25 mm at 300 ppi" in finding.message


def test_below_150_ppi_is_an_error_for_a_print_shop(low_res):
    book, pdfs = low_res
    report = preflight(pdfs["press"], profile("press"), book)
    assert ("PRINT-010", "error") in codes(report)
    assert ("PRINT-020", "warning") in codes(report)  # and it is RGB in a CMYK book


def test_a_pdf_built_for_another_profile_has_the_wrong_boxes_and_fonts(sample):
    report = preflight(sample.pdf, profile("kdp"), sample.book)
    found = codes(report)
    assert ("PRINT-030", "error") in found  # A5 with no bleed is not a KDP 6 × 9 interior
    assert ("PRINT-002", "error") in found  # subset fonts where KDP wants whole ones
    assert ("PRINT-031", "error") in found  # and fewer than 24 pages


def test_a_folded_booklet_is_padded_to_a_multiple_of_four_before_the_back_page(tmp_path):
    text = " ".join(f"word{n}" for n in range(260))
    path = write_manuscript(tmp_path, "".join(f"## Part {n}\n\n{text}\n\n" for n in range(1, 4)),
                            "title: Folded\ndate: 2026-01-01")
    digital = build(path, tmp_path / "out", ("pdf",)).outputs["pdf"]
    pdf = build(path, tmp_path / "out", ("pdf",), profile="press").outputs["pdf"]
    texts = page_texts(pdf)
    digital_count = len(PdfReader(digital).pages)
    assert digital_count % 4 != 0  # so that there is something to pad
    assert len(texts) % 4 == 0
    assert texts[-1].strip().startswith("Colophon")
    blanks = texts[digital_count - 1:-1]
    assert all(not t.strip() for t in blanks) and len(blanks) == -digital_count % 4
    book = read_book(path)
    assert not [f for f in preflight(pdf, profile("press"), book).findings if f.code.startswith("PRINT-03")]
    unpadded = preflight(digital, profile("press"), book)
    assert ("PRINT-032", "warning") in codes(unpadded)


def fake_pdf(path, text_x=72.0, embedded=True):
    """A one-page A5 PDF drawn by hand, with Helvetica either embedded or not."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(419.53, 595.28))
    page = pdf.pages[0]
    page.obj.TrimBox = page.obj.BleedBox = page.mediabox
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    if embedded:  # pretend: a descriptor with a font file (content is not read)
        font.FontDescriptor = pikepdf.Dictionary(FontFile=pdf.make_stream(b"x"))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf {text_x} 300 Td (Hello) Tj ET".encode())
    pdf.save(path)
    return path


def test_a_font_that_is_not_embedded_is_an_error(tmp_path):
    report = preflight(fake_pdf(tmp_path / "f.pdf", embedded=False), profile("digital"))
    assert [(f.code, f.path, f.message.split(" is ")[0]) for f in report.errors] == [
        ("PRINT-001", tmp_path / "f.pdf", "font Helvetica")]


def test_text_past_the_trim_or_in_the_safe_zone(tmp_path):
    outside = preflight(fake_pdf(tmp_path / "a.pdf", text_x=-5), profile("digital"))
    assert [f.code for f in outside.errors] == ["PRINT-040"]
    close = preflight(fake_pdf(tmp_path / "b.pdf", text_x=5), profile("press"))
    assert "PRINT-041" in [f.code for f in close.warnings]
    assert "1.8 mm from the trim, inside the 5.0 mm safe zone" in close.warnings[-1].message


def test_full_bleed_pictures_pass_and_stray_ones_do_not(tmp_path):
    draw_image(tmp_path / "wide.jpg", size=(3000, 4000))
    body = ('Text.\n\n![Edge to edge](wide.jpg "To the edges. / Us"){.bleed}\n\nMore text.\n')
    path = write_manuscript(tmp_path, body, "title: Bleeds\ndate: 2026-01-01")
    pdf = build(path, tmp_path / "out", ("pdf",), profile="press").outputs["pdf"]
    report = preflight(pdf, profile("press"), read_book(path))
    assert not [f for f in report.findings if f.code in ("PRINT-042", "PRINT-043", "PRINT-040")]


@pytest.mark.parametrize("name", ["digital", "press", "kdp", "lulu"])
def test_every_profile_embeds_every_font(tmp_path, name):
    path = write_manuscript(tmp_path, "## Part\n\nSome *italic* and **bold** text.\n",
                            "title: Fonts\ndate: 2026-01-01")
    pdf = build(path, tmp_path / "out", ("pdf",), profile=name).outputs["pdf"]
    report = preflight(pdf, profile(name))
    assert not [f for f in report.findings if f.code in ("PRINT-001", "PRINT-002")]


def test_a_warning_accepted_in_the_front_matter_is_information(low_res, tmp_path):
    book, pdfs = low_res
    accepting = write_manuscript(tmp_path, book.source.read_text().split("---\n", 2)[2],
                                 "title: Low resolution\nprint:\n  accept: [PRINT-020, PRINT-010]")
    shutil.copytree(book.source.parent / "images", tmp_path / "images")
    report = preflight(pdfs["press"], profile("press"), read_book(accepting))
    assert ("PRINT-020", "info") in codes(report)
    assert ("PRINT-010", "error") in codes(report)  # an error cannot be accepted
    assert "0 warnings" in report.summary


def test_a_count_of_one_is_singular(tmp_path):
    pdf = fake_pdf(tmp_path / "one-page.pdf")
    assert check_pdf(pdf).summary == "1 page, 148 × 210 mm, 1 font"
    outside = preflight(fake_pdf(tmp_path / "outside.pdf", text_x=-5), profile("digital"))
    assert outside.summary.endswith(": 1 error, 0 warnings")
    kdp = preflight(pdf, profile("kdp"))
    assert kdp.summary.endswith(": 2 errors, 1 warning")
    assert {f.message.split(":")[0] for f in kdp.findings if f.code in ("PRINT-031", "PRINT-033")} == {
        "1 page, fewer than the 24 that 'kdp' prints", "1 page is odd"}
    (padding,) = [f for f in preflight(pdf, profile("press")).findings if f.code == "PRINT-032"]
    assert padding.message.startswith("1 page is not a multiple of 4: a folded booklet will get "
                                      "3 blank pages")
