"""Full-bleed pictures: printed from the original, and cropped only with a word about it."""

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from pamphleteer.check.preflight import preflight
from pamphleteer.model import Book
from pamphleteer.pdf.profiles import load_profile
from pamphleteer.pipeline import build
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.styles import DEFAULTS
from pamphleteer.support.units import parse_trim
from run_once import made_once

from support import draw_image, write_manuscript

PHOTO = (1800, 2400)  # more pixels than a figure needs, so a normal figure prints from a copy
BODY = ("Text before.\n\n![A photo](images/photo.jpg)\n\nMore text.\n\n"
        "![The photo again](images/photo.jpg){.bleed}\n\nText.\n\n"
        "![A landscape](images/landscape.jpg){.bleed}\n\nText.\n\n"
        "![A portrait](images/portrait.jpg){.bleed}\n\nText after.\n")


@dataclass
class Built:
    book: Book
    pdf: Path
    warnings: list[str]  # as the command line prints them


@pytest.fixture(scope="module")
@made_once
def bleeds(tmp_path_factory) -> Built:
    """One photo as a figure and again full-bleed; a 3:2 landscape and a 2:3 portrait
    picture full-bleed on A5 portrait pages; built for a print shop."""
    folder = tmp_path_factory.mktemp("bleeds")
    draw_image(folder / "images" / "photo.jpg", size=PHOTO)
    draw_image(folder / "images" / "landscape.jpg", size=(1500, 1000))
    draw_image(folder / "images" / "portrait.jpg", size=(1400, 2100))
    manuscript = write_manuscript(folder, BODY, "title: Bleeds\ndate: 2026-01-01")
    result = build(manuscript, folder / "out", ("pdf",), profile="press")
    return Built(read_book(manuscript), result.outputs["pdf"], [str(p) for p in result.problems])


def placements(pdf: Path) -> list[dict]:
    """Every picture placed in the PDF, in order, with its page and its ppi."""
    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for image in page.images:
                ppi = image["srcsize"][1] / (image["height"] / 72)
                found.append({"page": number, "pixels": tuple(image["srcsize"]), "ppi": ppi})
    return found


def test_a_picture_used_twice_prints_its_full_bleed_page_from_the_original(bleeds):
    figure, bleed, *_ = placements(bleeds.pdf)
    assert figure["pixels"][0] < PHOTO[0]  # the normal figure still prints from its copy
    assert bleed["pixels"] == PHOTO  # the full-bleed page from the original
    assert bleed["ppi"] == pytest.approx(282, abs=2)  # 2400 px over 216 mm, not ~211 from the copy


def test_a_cover_that_is_also_a_figure_prints_its_cover_page_from_the_original(tmp_path):
    draw_image(tmp_path / "images" / "photo.jpg", size=PHOTO)
    manuscript = write_manuscript(tmp_path, "Text.\n\n![A photo](images/photo.jpg)\n",
                                  "title: Covered\ncover: images/photo.jpg")
    cover, figure = placements(build(manuscript, tmp_path / "out", ("pdf",)).outputs["pdf"])
    assert (cover["page"], cover["pixels"]) == (1, PHOTO)
    assert figure["pixels"][0] < PHOTO[0]


def test_each_use_of_a_picture_is_known_by_its_own_line(bleeds):
    assert [(f.href, f.line) for f in bleeds.book.figures] == [
        ("images/photo.jpg", 7), ("images/photo.jpg", 11), ("images/landscape.jpg", 15),
        ("images/portrait.jpg", 19)]


def test_preflight_names_file_and_line_of_every_picture_even_one_printed_from_a_copy(bleeds):
    report = preflight(bleeds.pdf, load_profile("press", DEFAULTS), bleeds.book)
    rgb = [f for f in report.findings if f.code == "PRINT-020"]
    assert all(f.path == bleeds.book.source for f in rgb), rgb
    named = [re.match(r"images/(\w+)\.jpg on page (\d+): ", f.message) for f in rgb]
    assert all(named), rgb
    assert [(m[1], f.line) for m, f in zip(named, rgb, strict=True)] == [
        ("photo", 7), ("photo", 11), ("landscape", 15), ("portrait", 19)]
    pages = [p["page"] for p in placements(bleeds.pdf)]
    assert [int(m[2]) for m in named] == pages
    (sharpness,) = [f for f in report.findings if f.code == "PRINT-010" and "photo" in f.message]
    assert (sharpness.line, sharpness.message.split(":")[0]) == (11, f"images/photo.jpg on page {pages[1]}")
    assert "prints at 282 ppi" in sharpness.message


def test_a_landscape_picture_full_bleed_on_a_portrait_page_is_reported_with_what_is_cut_off(bleeds):
    warnings = [line for line in bleeds.warnings if "cut off" in line]
    assert len(warnings) == 1, bleeds.warnings  # 3:4 and 2:3 lose less than a tenth: no warning
    assert re.match(r".*test\.md:15:\d+: warning: .*images/landscape\.jpg.* \[PRINT-044\]$", warnings[0])
    # 1500 × 1000 px covering 154 × 216 mm is 324 mm wide; the trimmed page shows 148 of them
    assert "54 % of its width is cut off (left and right)" in warnings[0]
    report = preflight(bleeds.pdf, load_profile("press", DEFAULTS), bleeds.book)
    (crop,) = [f for f in report.findings if f.code == "PRINT-044"]
    assert crop.severity == "warning"
    assert (crop.path, crop.line) == (bleeds.book.source, 15)
    assert crop.message.startswith("images/landscape.jpg on page ")
    assert "54 % of its width is cut off (left and right)" in crop.message


def test_a_portrait_picture_full_bleed_on_a_landscape_page_loses_its_top_and_bottom(tmp_path):
    draw_image(tmp_path / "images" / "tall.png", size=(1000, 1500))
    manuscript = write_manuscript(tmp_path, "Text.\n\n![Tall](images/tall.png){.bleed}\n\nText.\n",
                                  "title: Sideways\nprint:\n  trim: 210 x 148 mm")
    result = build(manuscript, tmp_path / "out", ("pdf",))
    pdf = result.outputs["pdf"]
    # 1000 × 1500 px covering 210 × 148 mm (no bleed) is 315 mm tall: 148 of them show
    warning = "53 % of its height is cut off (top and bottom)"
    assert re.search(rf"test\.md:8:\d+: warning: .*images/tall\.png.*{re.escape(warning)}",
                     "\n".join(str(problem) for problem in result.problems))
    sideways = load_profile("digital", DEFAULTS).with_trim(parse_trim("210 x 148 mm"))
    report = preflight(pdf, sideways, read_book(manuscript))
    assert [warning in f.message for f in report.findings if f.code == "PRINT-044"] == [True]


def test_a_crop_the_front_matter_accepts_is_not_warned_about_when_building(tmp_path):
    draw_image(tmp_path / "images" / "wide.png", size=(1500, 1000))
    manuscript = write_manuscript(tmp_path, "Text.\n\n![Wide](images/wide.png){.bleed}\n",
                                  "title: Accepted\nprint:\n  accept: [PRINT-044]")
    result = build(manuscript, tmp_path / "out", ("pdf",))
    pdf = result.outputs["pdf"]
    assert result.problems == []
    report = preflight(pdf, load_profile("digital", DEFAULTS), read_book(manuscript))
    assert [f.severity for f in report.findings if f.code == "PRINT-044"] == ["info"]  # still shown


def test_preflight_names_the_picture_that_crosses_the_trim(tmp_path):
    """A hand-made PDF: a picture 10 px square (not the figure's size, as a copy's would
    not be) crossing the trim on the page that holds figure-1."""
    draw_image(tmp_path / "images" / "stray.png", size=(400, 300))
    manuscript = write_manuscript(tmp_path, "Text.\n\n![Stray](images/stray.png)\n")
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(419.53, 595.28))
    page = pdf.pages[0]
    page.obj.TrimBox = page.obj.BleedBox = page.mediabox
    image = pikepdf.Stream(pdf, b"\x80" * 300, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=10, Height=10, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=image))
    page.obj.Contents = pdf.make_stream(b"q 200 0 0 150 -20 300 cm /Im1 Do Q")
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=pikepdf.Array(
        [pikepdf.String("figure-1"), pikepdf.Array([page.obj, pikepdf.Name.XYZ, 0, 595, 0])])))
    pdf.save(tmp_path / "stray.pdf")
    report = preflight(tmp_path / "stray.pdf", load_profile("digital", DEFAULTS),
                       read_book(manuscript))
    (stray,) = [f for f in report.findings if f.code == "PRINT-042"]
    assert (stray.path, stray.line) == (manuscript.resolve(), 6)
    assert stray.message.startswith("images/stray.png on page 1: ")
