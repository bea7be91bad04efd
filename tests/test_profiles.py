"""Print profiles: page boxes, PDF flavours and geometry, measured on built PDFs."""

import hashlib
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from pamphleteer.check.pdf import pdf_fonts
from pamphleteer.pdf.profiles import load_profile
from pamphleteer.pipeline import build
from pamphleteer.problems import PamphleteerError
from pamphleteer.support.paths import DEFAULT_STYLES
from pamphleteer.support.styles import DEFAULTS, Styles
from pamphleteer.support.units import parse_length, parse_trim
from run_once import made_once

from support import FIXTURES, page_texts, write_manuscript

PT = 72 / 25.4  # points per mm
BODY = "".join(f"## Question {n}?\n\n" + "Members paid a penny a week into the box. " * 60 + "\n\n"
               for n in range(1, 4))


@pytest.fixture(scope="module")
@made_once
def built(tmp_path_factory):
    """The chapters fixture under every profile."""
    folder = tmp_path_factory.mktemp("profiles")
    path = write_manuscript(folder, BODY, "title: Profiles\ndate: 2026-01-01")
    return {name: build(path, folder / "out", ("pdf",), profile=name).outputs["pdf"]
            for name in ("digital", "press", "kdp", "lulu")}


def boxes(pdf, index):
    page = PdfReader(pdf).pages[index]
    return {name: [round(float(v) / PT, 3) for v in getattr(page, name)]
            for name in ("mediabox", "bleedbox", "trimbox")}


@pytest.mark.parametrize(("text", "mm"), [
    ("A5", (148, 210)), ("a6", (105, 148)), ("half-letter", (139.7, 215.9)), ("6x9", (152.4, 228.6)),
    ("5in x 8in", (127, 203.2)), ("140 x 200 mm", (140, 200)), ("14cm×20cm", (140, 200)),
])
def test_trim_sizes(text, mm):
    trim = parse_trim(text)
    assert (trim.width, trim.height) == pytest.approx(mm)


@pytest.mark.parametrize("text", ["A4-ish", "6x9 furlongs", "10 x 10 mm", "x"])
def test_bad_trim_sizes_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="use A5, A6, half-letter, 6x9"):
        parse_trim(text)


def test_lengths():
    assert parse_length("3mm") == 3 and parse_length("0.125in") == pytest.approx(3.175)
    with pytest.raises(ValueError):
        parse_length("3")


def test_digital_has_no_bleed(built):
    for index in (0, 1):
        b = boxes(built["digital"], index)
        assert b["mediabox"] == b["bleedbox"] == b["trimbox"] == [0, 0, 148, 210]


def test_press_has_3mm_bleed_all_round_and_room_for_crop_marks(built):
    b = boxes(built["press"], 2)
    assert b["trimbox"] == [0, 0, 148, 210]
    assert b["bleedbox"] == [-3, -3, 151, 213]
    assert b["mediabox"] == [-10, -10, 158, 220]


@pytest.mark.parametrize(("index", "bleed"), [
    (0, [0, -3.175, 155.575, 231.775]),  # page 1, a right-hand page: no bleed on the left (spine)
    (1, [-3.175, -3.175, 152.4, 231.775]),  # page 2, a left-hand page: none on the right
])
def test_kdp_bleeds_on_top_bottom_and_outer_edge_only(built, index, bleed):
    b = boxes(built["kdp"], index)
    assert b["trimbox"] == [0, 0, 152.4, 228.6]
    assert b["bleedbox"] == pytest.approx(bleed, abs=0.01)
    assert b["mediabox"] == b["bleedbox"]


def test_lulu_bleeds_an_eighth_of_an_inch_all_round(built):
    b = boxes(built["lulu"], 1)
    assert b["bleedbox"] == pytest.approx([-3.175, -3.175, 155.575, 231.775], abs=0.01)
    assert b["mediabox"] == b["bleedbox"] and b["trimbox"] == [0, 0, 152.4, 228.6]


def test_press_is_pdf_x4_with_a_cmyk_output_intent(built):
    reader = PdfReader(built["press"])
    (intent,) = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/DestOutputProfile"].get_object()["/N"] == 4  # CMYK
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfx:GTS_PDFXVersion>PDF/X-4</pdfx:GTS_PDFXVersion>" in xmp
    assert reader.metadata["/Trapped"] == "/False"


def test_digital_is_tagged_for_accessibility(built):
    root = PdfReader(built["digital"]).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def test_kdp_has_no_bookmarks_and_whole_fonts(built):
    reader = PdfReader(built["kdp"])
    assert reader.outline == []
    assert all("+" not in name for name in pdf_fonts(reader))
    assert PdfReader(built["lulu"]).outline != []


def test_margins_are_mirrored_inside_margin_at_the_spine(built):
    with pdfplumber.open(built["digital"]) as document:
        def text_left(index):
            page = document.pages[index]
            return min(c["x0"] for c in page.chars if c["top"] > 25 * PT and c["size"] > 9) / PT
        right_page, left_page = text_left(2), text_left(3)  # pages 3 and 4
    assert right_page == pytest.approx(19, abs=0.5)  # inside margin on the left of a recto
    assert left_page == pytest.approx(15, abs=0.5)   # outside margin on the left of a verso


def test_kdp_keeps_everything_half_an_inch_inside_the_trim(built):
    safe = 12.7 * PT - 0.5  # half an inch, less half a point for rounding
    trims = [[float(v) for v in page.trimbox] for page in PdfReader(built["kdp"]).pages]
    with pdfplumber.open(built["kdp"]) as document:
        for page, (left, bottom, right, top) in zip(document.pages, trims, strict=True):
            media_bottom = float(page.page_obj.mediabox[1])
            for char in page.chars:
                # pdfplumber gives x in PDF space, y from the bottom of the media box.
                y0, y1 = char["y0"] + media_bottom, char["y1"] + media_bottom
                assert char["x0"] - left >= safe and right - char["x1"] >= safe, char["text"]
                assert top - y1 >= safe and y0 - bottom >= safe, char["text"]


def test_every_profile_rebuilds_to_the_same_bytes(built, tmp_path):
    source = next(iter(built.values())).parent.parent / "test.md"
    for name, first in built.items():
        again = build(source, tmp_path, ("pdf",), profile=name).outputs["pdf"]
        digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, again)]
        assert digests[0] == digests[1], name


def test_front_matter_picks_profile_and_trim(tmp_path):
    shutil.copy(FIXTURES / "minimal.md", tmp_path / "m.md")
    text = (tmp_path / "m.md").read_text().replace("title:", "print:\n  profile: lulu\n  trim: A6\ntitle:")
    (tmp_path / "m.md").write_text(text)
    pdf = build(tmp_path / "m.md", tmp_path / "out", ("pdf",)).outputs["pdf"]
    assert pdf.name == "m.pdf"
    b = boxes(pdf, 1)
    assert b["trimbox"] == [0, 0, 105, 148]
    assert b["bleedbox"] == pytest.approx([-3.175, -3.175, 108.175, 151.175], abs=0.01)


def test_an_unknown_profile_lists_the_known_ones(tmp_path):
    with pytest.raises(PamphleteerError, match="no print profile 'glossy': choose one of "
                                               "digital, kdp, lulu, press"):
        load_profile("glossy", DEFAULTS)


def own_profile(tmp_path: Path, text: str) -> tuple[Path, Styles]:
    """styles/profiles/mine.yaml in a styles folder of the book's own, beside ours."""
    styles = tmp_path / "styles"
    shutil.copytree(DEFAULT_STYLES, styles, dirs_exist_ok=True)
    path = styles / "profiles" / "mine.yaml"
    path.write_text(text)
    return path, Styles.with_own(styles)


def problems_loading(styles: Styles) -> PamphleteerError:
    with pytest.raises(PamphleteerError) as caught:
        load_profile("mine", styles)
    return caught.value


def test_a_bad_profile_file_names_the_line(tmp_path):
    path, styles = own_profile(tmp_path, "trim: A5\nbleed-edges: sideways\n")
    assert str(problems_loading(styles)) == (f"{path}:2: error: 'bleed-edges' must be 'all' or 'outer', "
                                 "not 'sideways' [PROFILE-006]")


def test_every_mistake_in_a_profile_is_reported_at_once_with_its_line(tmp_path):
    path, styles = own_profile(tmp_path, "# my print shop\ndescription: mine\nbleeed: 3mm\ntrim: A5\n"
                               "safe-zone: 5 millimetres\ncrop-marks: yes please\n"
                               "output-intent: /nowhere/cmyk.icc\n")
    error = problems_loading(styles)
    found = [(p.line, p.code, p.message) for p in error.problems]
    assert [(line, code) for line, code, _ in found] == [
        (3, "PROFILE-004"), (5, "PROFILE-008"), (6, "PROFILE-007"), (7, "PROFILE-010")]
    assert "unknown profile key 'bleeed' (did you mean 'bleed'?)" in found[0][2]
    assert "'5 millimetres' is not a length" in found[1][2]
    assert all(str(p).startswith(f"{path}:{p.line}: error: ") for p in error.problems)


def test_the_mistakes_of_a_profiles_cover_block_are_reported_at_once_with_their_lines(tmp_path):
    path, styles = own_profile(tmp_path, "trim: 6x9\nbinding: perfect\ncover:\n  paper-white: 0.002252in\n"
                               "  paper-thick: a lot\n  paper: white\n  spine-text-form: 80\n"
                               "  barcode-width: [2, in]\n  bleed: 0.125in\n")
    error = problems_loading(styles)
    assert [(p.line, p.code) for p in error.problems] == [(5, "PROFILE-008"), (7, "PROFILE-012"),
                                                         (8, "PROFILE-011")]
    assert "did you mean 'spine-text-from'?" in error.problems[1].message
    path.write_text("trim: 6x9\ncover:\n  paper-white: 0.002252in\n  paper: glossy\n")
    expected = r"mine.yaml:4: error: 'paper' under 'cover' must name one of the papers given \(white\), "
    with pytest.raises(PamphleteerError, match=expected + r"not 'glossy' \[PROFILE-013\]"):
        load_profile("mine", styles)


def test_press_text_is_black_ink_only_with_no_links_or_interpolation(built):
    reader = PdfReader(built["press"])
    page = reader.pages[3]
    content = page.get_contents().get_data()
    assert b" scn" in content and not re.search(rb"0\.\d+ 0\.\d+ 0\.\d+ rg", content)
    assert all("/Annots" not in p for p in reader.pages)
    assert b"/Interpolate true" not in built["press"].read_bytes()


@pytest.mark.parametrize(("name", "minimum"), [("kdp", 24), ("lulu", 32)])
def test_print_on_demand_interiors_reach_the_minimum_length(built, name, minimum):
    texts = page_texts(built[name])
    assert len(texts) >= minimum and len(texts) % 2 == 0
    assert texts[-1].strip().startswith("Colophon")
    assert not texts[-2].strip()  # the blanks come before the back page


def test_the_back_page_carries_no_folio(built):
    last = page_texts(built["digital"])[-1].strip().splitlines()
    assert not last[-1].strip().isdigit()
