"""The print cover (`pamphleteer cover`), read back as a printer's prepress would: its
boxes, where its text is, its barcode scanned from the printed picture."""

from __future__ import annotations

import io
import subprocess
import sys

import pdfplumber
import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader

from pamphleteer.model import CoverSheet
from pamphleteer.pdf.profiles import load_profile
from pamphleteer.pdf.wrap import INFO_KEY, cover_sheet, write_cover
from pamphleteer.pipeline import build_cover, page_count
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.styles import DEFAULTS

from support import draw_image, write_manuscript

MM = 25.4 / 72  # mm in a point
INCH = 25.4
FRONT = "title: The Long Book of Common Things\nauthor: Ada Example\npublisher: Shelf Test Press\n" \
        "date: 2026-03-01\ndescription: A book about the things we share.\n" \
        "print:\n  isbn: 978-3-16-148410-0\ncover:\n  price: 51995"
# KDP's own figures (kdp.amazon.com/help/topic/G201953020), in inches, written here again
# so that a wrong figure in the profile is caught, not repeated.
KDP_WHITE, KDP_CREAM, KDP_BLEED = 0.002252, 0.0025, 0.125


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wrap")
    return read_book(write_manuscript(folder, "Text.\n", FRONT))


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> bytes:
    """A plain front picture, large enough for 300 ppi on a 6 × 9 in front."""
    image = Image.new("RGB", (1900, 2800), "#6b8f4e")
    data = io.BytesIO()
    image.save(data, "PNG")
    return data.getvalue()


def made_cover(book, profile_name: str, pages: int, front: bytes, paper: str | None = None):
    profile = load_profile(profile_name, DEFAULTS)
    sheet = cover_sheet(profile, pages, paper)
    return sheet, write_cover(book, sheet, profile, DEFAULTS, front)


_MADE: dict = {}


def cover(book, profile_name: str, pages: int, front: bytes, paper: str | None = None):
    """made_cover, once for each book and size in this module (tests only read them)."""
    key = (book.source, book.metadata, profile_name, pages, paper)
    if key not in _MADE:
        _MADE[key] = made_cover(book, profile_name, pages, front, paper)
    return _MADE[key]


def boxes_mm(pdf: bytes) -> list[dict[str, list[float]]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [{name: [float(v) * MM for v in getattr(page, name)] for name in ("trimbox", "bleedbox")}
            for page in reader.pages]


def near(values: list[float]):
    """To a hundredth of a millimetre."""
    return pytest.approx(values, abs=0.01)


@pytest.mark.parametrize(("pages", "paper", "thickness"), [
    (24, None, KDP_WHITE), (79, None, KDP_WHITE), (80, None, KDP_WHITE), (400, "cream", KDP_CREAM)])
def test_a_kdp_cover_is_as_wide_as_back_spine_and_front_with_bleed(book, front, pages, paper, thickness):
    _, pdf = cover(book, "kdp", pages, front, paper)
    width = (2 * 6 + pages * thickness) * INCH
    bleed = KDP_BLEED * INCH
    ((only),) = [boxes_mm(pdf)]
    (page,) = only
    assert page["trimbox"] == near([0.0, 0.0, width, 9 * INCH])
    assert page["bleedbox"] == near([-bleed, -bleed, width + bleed, 9 * INCH + bleed])


def test_a_lulu_cover_follows_lulus_spine_formula(book, front):
    _, pdf = cover(book, "lulu", 120, front)
    (page,) = boxes_mm(pdf)
    spine = (120 / 444 + 0.06) * INCH  # Lulu: pages / 444 + 0.06 in
    assert page["trimbox"][2] == pytest.approx(2 * 6 * INCH + spine, abs=0.01)


def text_on(pdf: bytes, page: int = 0) -> list[dict]:
    """The page's characters, each with its box in mm from the top left of the trim."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        sheet = document.pages[page]
        left, top = float(sheet.trimbox[0]), float(sheet.trimbox[1])  # pdfplumber's top-down points
        chars = [dict(c) for c in sheet.chars]
    for char in chars:
        char["x0mm"], char["x1mm"] = (char["x0"] - left) * MM, (char["x1"] - left) * MM
        char["top_mm"], char["bottom_mm"] = (char["top"] - top) * MM, (char["bottom"] - top) * MM
    return chars


def on_spine(sheet: CoverSheet, chars: list[dict]) -> list[dict]:
    spine = sheet.spine_box
    return [c for c in chars if c["x0mm"] >= spine.left - 0.01 and c["x1mm"] <= spine.right + 0.01]


@pytest.mark.parametrize(("pages", "spine_text"), [(79, False), (80, True)])
def test_the_spine_carries_title_and_author_only_from_the_profiles_page_count(book, front, pages, spine_text):
    sheet, pdf = cover(book, "kdp", pages, front)
    spine = on_spine(sheet, text_on(pdf))
    text = "".join(c["text"] for c in spine)
    if not spine_text:
        assert text == ""
        return
    assert "TheLongBookofCommonThings" in text.replace(" ", "")
    # Centred across the spine, clear of both folds by KDP's 0.0625 in.
    left, right = min(c["x0mm"] for c in spine), max(c["x1mm"] for c in spine)
    assert left >= sheet.spine_box.left + 0.0625 * INCH - 0.01
    assert right <= sheet.spine_box.right - 0.0625 * INCH + 0.01
    assert abs((left + right) / 2 - (sheet.spine_box.left + sheet.spine / 2)) < 0.3
    # and along it: the text's middle at the middle of the height
    top, bottom = min(c["top_mm"] for c in spine), max(c["bottom_mm"] for c in spine)
    assert abs((top + bottom) / 2 - sheet.height / 2) < 1.0


def test_the_spine_reads_top_to_bottom_unless_the_book_says_up(book, front, tmp_path):
    sheet, pdf = cover(book, "kdp", 200, front)
    down = on_spine(sheet, text_on(pdf))
    assert down[1]["top_mm"] > down[0]["top_mm"]  # each letter below the one before
    up_book = read_book(write_manuscript(tmp_path, "Text.\n", FRONT + "\n  spine-direction: up"))
    _, up_pdf = cover(up_book, "kdp", 200, front)
    up = on_spine(sheet, text_on(up_pdf))
    assert up[1]["top_mm"] < up[0]["top_mm"]


def rendered(pdf: bytes, page: int = 0, dpi: int = 300) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def decoded(image: Image.Image) -> dict[str, str]:
    from pyzbar.pyzbar import ZBarSymbol, decode

    return {symbol.type: symbol.data.decode() for symbol in decode(
        image, symbols=[ZBarSymbol.EAN13, ZBarSymbol.EAN5])}


@pytest.mark.parametrize("profile", ["kdp", "lulu", "press"])
def test_the_barcode_scans_as_the_print_isbn_and_its_price(book, front, profile):
    sheet, pdf = cover(book, profile, 120, front)
    image = rendered(pdf)
    bleed = sheet.bleed + (7.0 if profile == "press" else 0.0)  # press: room for crop marks
    area = sheet.barcode
    crop = [round((value + bleed) / INCH * 300) for value in (area.left, area.top, area.right, area.bottom)]
    assert decoded(image.crop(crop)) == {"EAN13": "9783161484100", "EAN5": "51995"}


def test_nothing_but_the_barcode_is_in_the_barcode_area(book, front):
    sheet, pdf = cover(book, "kdp", 120, front)
    area = sheet.barcode
    inside = [c for c in text_on(pdf) if c["x1mm"] > area.left and c["x0mm"] < area.right
              and c["bottom_mm"] > area.top and c["top_mm"] < area.bottom]
    assert "".join(c["text"] for c in inside).replace(" ", "") == "ISBN978-3-16-148410-0978316148410051995"


def test_without_an_isbn_the_kdp_barcode_area_is_left_white(front, tmp_path):
    plain = read_book(write_manuscript(tmp_path, "Text.\n", "title: No Number\ndate: 2026-01-01"))
    sheet, pdf = cover(plain, "kdp", 120, front)
    image = rendered(pdf, dpi=72)
    area = sheet.barcode
    box = [round((value + sheet.bleed) / INCH * 72) + shrink for value, shrink in
           zip((area.left, area.top, area.right, area.bottom), (1, 1, -1, -1), strict=True)]
    assert image.crop(box).getcolors() == [((box[2] - box[0]) * (box[3] - box[1]), (255, 255, 255))]
    assert decoded(rendered(pdf)) == {}


def test_a_print_shops_plus_cover_without_an_isbn_shows_no_empty_barcode_box(front, tmp_path):
    plain = read_book(write_manuscript(tmp_path, "Text.\n", "title: No Number\ndate: 2026-01-01"))
    sheet, pdf = cover(plain, "press", 16, front)
    image = rendered(pdf, dpi=72)
    room = sheet.bleed + 7.0  # press: room for crop marks
    box = [round((value + room) / INCH * 72) + shrink for value, shrink in
           zip((sheet.barcode.left, sheet.barcode.top, sheet.barcode.right, sheet.barcode.bottom),
               (1, 1, -1, -1), strict=True)]
    assert (255, 255, 255) not in {colour for _, colour in image.crop(box).getcolors(10_000)}


def test_a_press_plus_cover_has_an_outside_and_an_inside_and_no_spine(front, tmp_path):
    book = read_book(write_manuscript(tmp_path, "Text.\n", FRONT + "\n  inside: Printed on recycled paper."))
    sheet, pdf = cover(book, "press", 16, front)
    assert sheet.kind == "plus" and sheet.spine == 0
    pages = boxes_mm(pdf)
    assert [page["trimbox"] for page in pages] == [near([0.0, 0.0, 296.0, 210.0])] * 2
    assert [page["bleedbox"] for page in pages] == [near([-3.0, -3.0, 299.0, 213.0])] * 2
    inside = "".join(c["text"] for c in text_on(pdf, 1))
    assert inside.replace(" ", "") == "Printedonrecycledpaper."
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFX"


def test_the_same_cover_is_the_same_bytes(book, front):
    assert made_cover(book, "kdp", 150, front)[1] == made_cover(book, "kdp", 150, front)[1]


def test_the_cover_is_sized_from_the_interior_it_builds(tmp_path):
    words = " ".join(f"word{n}" for n in range(400))
    path = write_manuscript(tmp_path, "".join(f"## Part {n}\n\n{words}\n\n" for n in range(1, 9)), FRONT)
    result = build_cover(path, tmp_path / "out", profile="kdp")
    interior, made = result.outputs["pdf"], result.outputs["print-cover"]
    assert (interior.name, made.name) == ("test-kdp.pdf", "test-cover-kdp.pdf")
    sheet = CoverSheet.from_json(PdfReader(made).metadata[f"/{INFO_KEY}"])
    assert sheet.pages == page_count(interior) and sheet.interior == "test-kdp.pdf"
    # dated as the interior is (the book's date), not by the clock: the same bytes every time
    assert PdfReader(made).metadata["/CreationDate"] == PdfReader(interior).metadata["/CreationDate"]
    (page,) = boxes_mm(made.read_bytes())
    assert page["trimbox"][2] == pytest.approx((12 + sheet.pages * KDP_WHITE) * INCH, abs=0.01)
    # The generated front: the book's title on it, at 300 ppi or more.
    front_text = "".join(c["text"] for c in text_on(made.read_bytes()) if c["x0mm"] > sheet.front.left)
    assert front_text == ""  # a picture, not text: the design is drawn, not set, on the front
    with pdfplumber.open(made) as document:
        (picture,) = [i for i in document.pages[0].images if i["x0"] * MM > sheet.front.left - 1]
        assert picture["srcsize"][0] / ((picture["x1"] - picture["x0"]) / 72) >= 300


def test_a_profile_without_a_cover_and_an_unknown_paper_are_one_line_errors(tmp_path):
    path = write_manuscript(tmp_path, "Text.\n", "title: T\ndate: 2026-01-01")
    for options, expected in ((["--profile", "digital"], "'digital' profile makes no print cover (it has no "
                               "'cover:' block): choose kdp, lulu or press"),
                              (["--profile", "kdp", "--paper", "gold"],
                               "knows no paper 'gold': its papers are white, cream, standard-colour, "
                               "premium-colour [COVER-011]")):
        result = subprocess.run([sys.executable, "-m", "pamphleteer", "cover", str(path), "-o",
                                 str(tmp_path / "out"), *options],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 1
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"{path}: error: ") and expected in line
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_cover_image_too_small_for_the_front_is_a_warning_with_the_pixels_missing(tmp_path, heard):
    draw_image(tmp_path / "small.jpg", size=(600, 900))
    book = read_book(write_manuscript(tmp_path, "Text.\n", FRONT + "\ncover-image: small.jpg"))
    profile = load_profile("kdp", DEFAULTS)
    write_cover(book, cover_sheet(profile, 120), profile, DEFAULTS)
    (warning,) = [p for p in heard.found if p.code == "PRINT-053"]
    assert "the cover image fills the front at 97 ppi (600 × 900 px" in warning.message
    # the front and its bleed on the outer edge, top and bottom: 6.125 × 9.25 in
    assert "for 300 ppi it needs 1850 × 2775 px, 1250 × 1875 px more" in warning.message
