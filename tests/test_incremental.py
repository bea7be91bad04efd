"""A rebuild redoes only what changed: pictures, covers and chapter layouts are
remembered in build/.cache by the bytes that go into them."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from pamphleteer.epub.pictures import for_screens, for_screens_all
from pamphleteer.pipeline import build
from pamphleteer.support.cache import Cache

from support import FIXTURES, Epub, draw_image, flat, page_texts, write_manuscript

PICTURES = ["one.jpg", "two.png", "three.jpg"]


def entries(outdir, kind) -> dict[str, float]:
    """The cache's entries of one kind, with the time each was written."""
    folder = outdir / ".cache" / kind
    if not folder.is_dir():
        return {}
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir() if path.name != ".lock"}


@pytest.fixture
def illustrated(tmp_path):
    for index, name in enumerate(PICTURES):
        draw_image(tmp_path / "images" / name, size=(900 + 100 * index, 700),
                   mode="RGBA" if name.endswith(".png") else "RGB")
    figures = "\n\n".join(f"![Picture {name}](images/{name})" for name in PICTURES)
    return write_manuscript(tmp_path, f"Some text before the pictures.\n\n{figures}\n")


def test_a_second_build_processes_no_picture(illustrated, tmp_path):
    out = tmp_path / "out"
    build(illustrated, out, ("epub",))
    first = entries(out, "images")
    assert len(first) == len(PICTURES) + 1  # and the cover's copy for screens
    build(illustrated, out, ("epub",))
    assert entries(out, "images") == first  # nothing written again


def test_changing_one_picture_processes_only_that_one(illustrated, tmp_path):
    out = tmp_path / "out"
    build(illustrated, out, ("epub",))
    before = entries(out, "images")
    draw_image(tmp_path / "images" / "two.png", size=(1000, 700), mode="RGBA", colour="#aa3311")
    build(illustrated, out, ("epub",))
    after = entries(out, "images")
    assert len(after.keys() - before.keys()) == 1
    assert {name: after[name] for name in before} == before  # the others untouched


def test_pictures_prepared_in_parallel_are_the_ones_prepared_one_by_one(illustrated, tmp_path):
    sources = sorted((tmp_path / "images").iterdir())
    together = for_screens_all(sources, Cache(tmp_path / "pool"))
    for source in sources:
        assert together[source] == for_screens(source, Cache(None))


def test_the_drawn_cover_is_remembered(illustrated, tmp_path):
    out = tmp_path / "out"
    build(illustrated, out, ("epub",))
    assert len(entries(out, "covers")) == 1
    covers = entries(out, "covers")
    build(illustrated, out, ("epub",))
    assert entries(out, "covers") == covers


# ---- the print edition, chapter by chapter --------------------------------------

@pytest.fixture
def chapters_copy(tmp_path):
    shutil.copy(FIXTURES / "chapters.md", tmp_path)
    draw_image(tmp_path / "art" / "cover.jpg", size=(1000, 1600), colour="#8a3b2e")
    draw_image(tmp_path / "images" / "loom.png", size=(1600, 1000), mode="RGBA")
    draw_image(tmp_path / "images" / "field.jpg", size=(1200, 1800), colour="#6b8f4e")
    return tmp_path / "chapters.md"


def test_a_rebuild_with_remembered_corrections_gives_the_same_pdf(chapters_copy, tmp_path):
    out = tmp_path / "out"
    pdf = build(chapters_copy, out, ("pdf",)).outputs["pdf"]
    first = pdf.read_bytes()
    pdf.unlink()
    build(chapters_copy, out, ("pdf",))
    assert pdf.read_bytes() == first


def built_then_edited(manuscript, out) -> dict[str, float]:
    """Build the PDF, then change one word of the first chapter; the layout entries
    the build left."""
    build(manuscript, out, ("pdf",))
    text = manuscript.read_text(encoding="utf-8")
    manuscript.write_text(text.replace("Weavers shared looms", "Weavers shared frames"), encoding="utf-8")
    return entries(out, "layout")


def test_a_word_changed_in_one_chapter_lays_out_only_that_chapter_again(chapters_copy, tmp_path):
    out = tmp_path / "out"
    before = built_then_edited(chapters_copy, out)
    pdf = build(chapters_copy, out, ("pdf",)).outputs["pdf"]
    assert len(entries(out, "layout").keys() - before.keys()) == 1
    assert "Weavers shared frames" in flat(" ".join(page_texts(pdf)))


def test_every_chapter_opens_on_a_right_hand_page_and_the_folios_run_on(tmp_path):
    # Chapters of different lengths, each laid out by itself: the next still opens on
    # an odd page, after a blank left-hand page where needed, and every folio is its
    # page's number.
    paragraphs = {1: 2, 2: 4, 3: 7}  # one page (and a blank), two pages, three pages
    body = "\n\n".join(f"# Chapter {n}\n\n" + "\n\n".join(["Words of the chapter. " * 40] * count)
                       for n, count in paragraphs.items())
    pdf = build(write_manuscript(tmp_path, body), tmp_path / "out", ("pdf",)).outputs["pdf"]
    texts = page_texts(pdf)
    openings = [next(number for number, text in enumerate(texts, start=1)
                     if text.strip().startswith(f"Chapter {n}")) for n in (1, 2, 3)]
    assert all(page % 2 == 1 for page in openings), openings
    assert any(not texts[page - 2].strip() for page in openings[1:])  # a blank verso was needed
    for number, text in enumerate(texts[openings[0] - 1:-1], start=openings[0]):
        lines = text.strip().splitlines()
        if lines:
            assert lines[-1].strip() == str(number)


def test_an_epub_rebuilt_after_an_edit_lays_out_only_the_changed_chapter(chapters_copy, tmp_path):
    out = tmp_path / "out"
    before = built_then_edited(chapters_copy, out)
    edited = Epub(build(chapters_copy, out, ("epub",)).outputs["epub"])
    assert len(entries(out, "layout").keys() - before.keys()) == 1
    # and its page markers are the ones a whole new layout gives
    fresh = Epub(build(chapters_copy, tmp_path / "fresh", ("epub",)).outputs["epub"])
    documents = [name for name in fresh.zip.namelist() if name.endswith(".xhtml")]
    assert any(b"pagebreak" in fresh.zip.read(name) for name in documents)
    for name in documents:
        assert edited.zip.read(name) == fresh.zip.read(name), name


def afresh(timings_file) -> int:
    return json.loads(timings_file.read_text())["counts"].get("pieces laid out afresh", 0)


def test_an_epub_and_a_pdf_built_side_by_side_lay_each_chapter_out_once(chapters_copy, tmp_path):
    # As `make -j2` runs them: two processes, one build folder.
    def start(kind, out, name):
        environment = {**os.environ, "PAMPHLETEER_TIMINGS": str(tmp_path / name)}
        return subprocess.Popen([sys.executable, "-m", "pamphleteer", "build", str(chapters_copy),
                                 "-o", str(out), f"--{kind}"], env=environment,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    alone = start("pdf", tmp_path / "alone", "alone.json")
    assert alone.wait() == 0
    together = [start("pdf", tmp_path / "out", "pdf.json"), start("epub", tmp_path / "out", "epub.json")]
    assert [process.wait() for process in together] == [0, 0]
    assert afresh(tmp_path / "pdf.json") + afresh(tmp_path / "epub.json") == afresh(tmp_path / "alone.json")
    # and the EPUB marks every page of that PDF, up to its last
    pdf_pages = len(page_texts(tmp_path / "out" / "chapters.pdf"))
    epub = Epub(tmp_path / "out" / "chapters.epub")
    documents = "".join(epub.zip.read(name).decode() for name in epub.zip.namelist()
                        if name.endswith(".xhtml"))
    assert f'id="page-{pdf_pages}"' in documents and f'id="page-{pdf_pages + 1}"' not in documents
