"""The benchmark's manuscripts: the same bytes every time; the large book the size issue 6
asks for, the pamphlet the typical book of issue 15."""

import re
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

from pamphleteer.read.manuscript import read_book

from support import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import generate as generator  # noqa: E402
from generate import PHOTO_SIZES, counts, generate, generate_pamphlet, pamphlet_counts  # noqa: E402

from run_once import made_once


def _a_fifth(draw, photograph):
    """The generator's drawing functions, drawing a fifth as wide and high."""
    return (lambda size, kind, rng: draw((size[0] // 5, size[1] // 5), kind, rng),
            lambda size, rng: photograph((size[0] // 5, size[1] // 5), rng))


@pytest.fixture(scope="module")
@made_once
def large(tmp_path_factory) -> Path:
    """The large manuscript, its pictures drawn a fifth as wide and high: its text is what
    the counts are about, and pictures at full size take seconds to draw (the full size is
    pinned below, on one picture of each kind)."""
    with pytest.MonkeyPatch.context() as patch:
        small = _a_fifth(generator._picture, generator._photograph)
        patch.setattr(generator, "_picture", small[0])
        patch.setattr(generator, "_photograph", small[1])
        return generate(tmp_path_factory.mktemp("large"), 1)


@pytest.fixture
def small_pictures(monkeypatch):
    """The generator drawing its pictures and photographs a fifth as wide and high: the
    same drawing code, in a twenty-fifth of the time. For the tests that do not look at
    the pictures' size (the text differs a little: smaller pictures draw other random numbers)."""
    small = _a_fifth(generator._picture, generator._photograph)
    monkeypatch.setattr(generator, "_picture", small[0])
    monkeypatch.setattr(generator, "_photograph", small[1])


def test_the_generator_makes_the_same_bytes_every_time(small_pictures, tmp_path):
    once, again = generate(tmp_path / "once", 1), generate(tmp_path / "again", 1)
    assert once.read_bytes() == again.read_bytes()
    pictures = sorted((once.parent / "images").iterdir())
    assert len(pictures) == counts(1).figures
    for picture in pictures:
        assert (again.parent / "images" / picture.name).read_bytes() == picture.read_bytes(), picture.name


def test_the_large_manuscript_has_the_counts_asked_for(large):
    text = large.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    assert len(re.findall(r"^# ", body, re.M)) == 40
    assert len(re.findall(r"^## ", body, re.M)) == 330
    assert len(re.findall(r"^\[\^\w+\]:", body, re.M)) == 400
    assert len(re.findall(r"^!\[", body, re.M)) == 120
    assert len(re.findall(r"^\|---", body, re.M)) >= 3
    assert 110_000 <= len(body.split()) <= 130_000
    # Section headings repeat from chapter to chapter, as in a real book.
    headings = re.findall(r"^## (.+)$", body, re.M)
    assert len(set(headings)) < len(headings) / 10


def test_its_pictures_are_jpeg_png_with_transparency_and_svg_mostly_large(large):
    pictures = sorted((large.parent / "images").iterdir())
    kinds = {suffix: [p for p in pictures if p.suffix == suffix] for suffix in (".jpg", ".png", ".svg")}
    assert all(len(found) == 40 for found in kinds.values())
    rasters = [Image.open(path) for path in kinds[".jpg"] + kinds[".png"]]
    assert all(image.mode == "RGBA" for image in rasters if image.format == "PNG")
    large_ones = [image for image in rasters if image.size == (2400 // 5, 1600 // 5)]  # a fifth: above
    assert len(large_ones) >= 0.75 * len(rasters)


@pytest.mark.parametrize(("number", "kind"), [(1, "PNG"), (3, "JPEG")])
def test_a_large_picture_is_2400_by_1600_at_300_ppi(tmp_path, number, kind):
    markdown = generator._write_figure(tmp_path, number, generator.random.Random(1))
    with Image.open(tmp_path / re.search(r"images/(\S+)", markdown)[1]) as image:
        assert (image.format, image.size, round(image.info["dpi"][0])) == (kind, (2400, 1600), 300)


def test_the_large_manuscript_reads_as_a_book_without_a_warning(large):
    book = read_book(large, strict=True)
    plan = counts(1)
    assert book.has_chapters and len(book.notes) == plan.notes and len(book.figures) == plan.figures


def test_the_large_manuscript_reads_a_chapter_at_a_time_as_it_reads_whole(large, monkeypatch):
    """Its notes are defined in their chapters: Markdown converts each chapter by itself
    (read/manuscript.py, `chapters`), and the book is the one the whole text gives."""
    from pamphleteer.read import manuscript

    assert len(manuscript.chapters(large.read_text(encoding="utf-8").split("\n---\n", 1)[1])) == 40
    in_chapters = read_book(large)
    monkeypatch.setattr(manuscript, "chapters", lambda body: [body])
    assert read_book(large) == in_chapters


def test_twice_the_scale_is_twice_the_book(small_pictures, tmp_path):
    double = generate(tmp_path, 2).read_text(encoding="utf-8")
    assert len(re.findall(r"^# ", double, re.M)) == 80
    assert len(re.findall(r"^\[\^\w+\]:", double, re.M)) == 800


# ---- the pamphlet ---------------------------------------------------------------

def test_the_pamphlet_is_the_same_bytes_every_time(small_pictures, tmp_path):
    once, again = generate_pamphlet(tmp_path / "once"), generate_pamphlet(tmp_path / "again")
    assert once.read_bytes() == again.read_bytes()
    pictures = sorted((once.parent / "images").iterdir())
    assert len(pictures) == pamphlet_counts().photographs
    for picture in pictures:
        assert (again.parent / "images" / picture.name).read_bytes() == picture.read_bytes(), picture.name


def test_the_pamphlet_is_one_piece_of_questions_with_the_counts_asked_for(small_pictures, tmp_path):
    pamphlet = generate_pamphlet(tmp_path)
    _, front, body = pamphlet.read_text(encoding="utf-8").split("---\n", 2)
    assert yaml.safe_load(front).keys() >= {"title", "author", "date", "lang"}
    assert yaml.safe_load(front)["lang"] == "en"
    assert not re.findall(r"^# ", body, re.M)  # no chapters: one piece of layout
    questions = re.findall(r"^## (.+)$", body, re.M)
    assert len(questions) == len(set(questions)) == 19 and all(q.endswith("?") for q in questions)
    assert len(re.findall(r"^\[\^\w+\]:", body, re.M)) == 14
    assert len(re.findall(r"^!\[[^]]+\]\(images/[^)]+\.jpg ", body, re.M)) == 11
    assert 7_500 <= len(body.split()) <= 8_500
    book = read_book(pamphlet, strict=True)
    assert not book.has_chapters and len(book.notes) == 14 and len(book.figures) == 11


def test_the_pamphlets_photographs_are_jpegs_at_the_sizes_phones_and_cameras_give(small_pictures, tmp_path):
    pictures = sorted((generate_pamphlet(tmp_path).parent / "images").iterdir())
    drawn = {(width // 5, height // 5) for width, height in PHOTO_SIZES}  # small_pictures: a fifth
    for path in pictures:
        with Image.open(path) as image:
            assert image.format == "JPEG" and image.mode == "RGB" and image.size in drawn, path.name
    assert min(max(size) for size in PHOTO_SIZES) >= 2400
    assert any(width < height for width, height in PHOTO_SIZES)  # portraits too


# ---- the report -----------------------------------------------------------------

def test_each_budget_of_issue_15_is_a_line_of_the_report_with_its_verdict():
    import run
    def seconds(value: float, mib: int = 100) -> run.Run:
        return run.Run(value, mib * run.MIB)
    pamphlet = {"pandoc pair": seconds(10), "both, empty build folder": seconds(10),
                "both, one-word edit": seconds(3.1), "both, nothing changed": seconds(0.9)}
    large = {"pandoc pair": seconds(100), "weasyprint pdf": seconds(160),
             "both, empty build folder": seconds(128, mib=401), "both, one-word edit": seconds(20),
             "epub": seconds(81), "both, empty build folder, 1 core": seconds(160),
             "both, empty build folder, 2 cores": seconds(100)}
    checks = run.engine_budgets(pamphlet, large)
    assert [held for _, _, held in checks] == [True, False, True, True, True, False, False, True]
    assert "1.28 × the pandoc pair, 0.80 × bare WeasyPrint" in checks[3][1]
    assert checks[6][1] == "401 MiB" and checks[7][1].startswith("1.60 ×")
    report = run.report({"pamphlet": pamphlet, "large": large}, {}, 3, pamphlet_pages=39)
    for budget, _, _ in checks:
        assert f"| {budget} |" in report
    assert "39 A5 pages" in report


def test_the_preview_budgets_of_issue_16_are_lines_of_the_report():
    import run
    results = {"small": {run.PREVIEW_CASE: run.Run(0.8, 100 * run.MIB),
                         run.PREVIEW_FILES: run.Run(4.5, 100 * run.MIB)},
               "large": {run.PREVIEW_CASE: run.Run(2.5, 300 * run.MIB)}}
    report = run.report(results, {}, 5)
    assert "| small: one-word edit -> its new pages ≤ 1 s (median) | 0.80 s | yes |" in report
    assert "| large: one-word edit -> its new pages ≤ 2 s (median) | 2.50 s | **no** |" in report
    assert "| small: one-word edit -> PDF and EPUB written | 4.50 |" in report
    assert "large: one-word edit -> PDF" not in report  # not measured: no line
    assert "issue 15" not in report  # nothing of the engine measured: no empty table
