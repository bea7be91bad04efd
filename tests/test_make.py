"""The Makefile: real file dependencies, so make only redoes what changed."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_chapters

from support import ROOT, draw_image


def make(*args, **variables):
    words = [f"{key}={value}" for key, value in variables.items()]
    return subprocess.run(["make", "--no-print-directory", *args, *words], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    # The chapters fixture's own pictures: the EPUB is the `chapters` fixture's, byte for
    # byte, so `make check` asks the run's Ace about an EPUB it has checked already.
    folder = tmp_path_factory.mktemp("make")
    copy_chapters(folder)
    variables = {"MANUSCRIPT": folder / "chapters.md", "BUILD": folder / "out",
                 "PUBLISH": folder / "publish"}
    result = make("all", **variables)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder, variables


def is_up_to_date(kind, variables, *options):
    """Whether make would leave out/chapters.<kind> alone (-q asks, building nothing)."""
    target = str(variables["BUILD"] / f"chapters.{kind}")
    return make("-q", *options, target, **variables).returncode == 0


def test_make_builds_both_outputs(built):
    folder, _ = built
    assert sorted(p.name for p in (folder / "out").iterdir()) == [
        ".cache", "chapters-cover.jpg", "chapters.epub", "chapters.pdf"]


def test_second_make_does_nothing(built):
    _, variables = built
    assert is_up_to_date("epub", variables) and is_up_to_date("pdf", variables)
    assert "Nothing to be done" in make("all", **variables).stdout


@pytest.mark.parametrize(("changed", "epub", "pdf"), [
    ("styles/print/book.css", True, True),  # the EPUB carries the print edition's page breaks
    ("styles/epub/book.css", True, False),
    ("styles/cover/cover.html", True, False),
    ("styles/labels.yaml", True, True),
    ("styles/typography.yaml", True, True),  # the quotes of each language
    ("src/pamphleteer/read/manuscript.py", True, True),
])
def test_a_changed_style_or_source_rebuilds_what_uses_it(built, changed, epub, pdf):
    _, variables = built
    # -W pretends the file was just modified, without touching it.
    assert is_up_to_date("epub", variables, "-W", changed) is not epub
    assert is_up_to_date("pdf", variables, "-W", changed) is not pdf


def test_a_changed_file_of_the_books_own_styles_rebuilds_what_uses_it(built):
    """styles/ beside the manuscript comes before pamphleteer's own: make watches it too."""
    folder, variables = built
    own = {"epub/colophon.xhtml": (True, False), "print/book.css": (True, True)}
    try:
        for name in own:
            path = folder / "styles" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "styles" / name, path)
            os.utime(path, (0, 0))  # older than the outputs: nothing to rebuild yet
        assert is_up_to_date("epub", variables) and is_up_to_date("pdf", variables)
        for name, (epub, pdf) in own.items():
            changed = str(folder / "styles" / name)
            assert is_up_to_date("epub", variables, "-W", changed) is not epub
            assert is_up_to_date("pdf", variables, "-W", changed) is not pdf
    finally:
        shutil.rmtree(folder / "styles")


def test_a_changed_image_rebuilds_both(built):
    folder, variables = built
    image = str(folder / "images" / "loom.png")
    assert not is_up_to_date("epub", variables, "-W", image)
    assert not is_up_to_date("pdf", variables, "-W", image)


def test_make_builds_every_manuscript_of_the_shelf(tmp_path):
    for name in ("one.md", "two/two.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("---\ntitle: A\n---\nText.\n")
    result = make("-n", "all", MANUSCRIPT_DIR=tmp_path, BUILD=tmp_path / "out")
    assert result.returncode == 0, result.stderr
    for name in ("one", "two"):
        assert f"{tmp_path / name}" in result.stdout and f"{tmp_path}/out/{name}.epub" not in result.stderr


def test_two_manuscripts_with_one_name_are_refused(tmp_path):
    for name in ("a/x.md", "b/x.md"):
        (tmp_path / name).parent.mkdir(parents=True)
        (tmp_path / name).write_text("---\ntitle: A\n---\nText.\n")
    result = make("-n", "all", MANUSCRIPT_DIR=tmp_path)
    assert result.returncode != 0
    assert "two manuscripts have the same file name" in result.stderr


def test_no_target_touches_the_manuscript_or_its_pictures(built):
    folder, variables = built
    def snapshot():
        return {p: p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and "out" not in p.parts and "publish" not in p.parts}
    before = snapshot()
    for target in ("all", "booklet", "check", "publish", "pages"):
        make(target, **variables)
    assert snapshot() == before



def test_make_cover_asks_for_the_profile_and_paper_given(built):
    _, variables = built
    lines = make("-n", "cover", "PROFILE=kdp", "PAPER=cream", **variables).stdout.splitlines()
    assert lines == [f".venv/bin/pamphleteer cover {variables['MANUSCRIPT']} -o {variables['BUILD']} "
                     "--profile kdp --paper cream"]


def test_make_check_runs_the_ace_named_in_the_environment(built, tmp_path):
    """ACE in the environment names the Ace that `pamphleteer check` runs (check/ace.py);
    make must hand it down, not put its own in its place."""
    _, variables = built
    called = tmp_path / "called"
    ace = tmp_path / "my-ace"
    ace.write_text(f"#!/bin/sh\necho \"$@\" > {called}\nmkdir -p \"$4\"\n"
                   "echo '{\"assertions\": []}' > \"$4/report.json\"\n", encoding="utf-8")
    ace.chmod(0o755)
    result = subprocess.run(["make", "--no-print-directory", "check",
                             *(f"{key}={value}" for key, value in variables.items())],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "ACE": str(ace)})
    assert called.read_text(encoding="utf-8").split()[-1].endswith("chapters.epub"), result.stderr
    assert "chapters.epub: Ace 1.4.6: 0 violations" in result.stdout

def test_clean_removes_only_generated_files(built, tmp_path):
    folder, variables = built
    manuscript = (folder / "chapters.md").read_bytes()
    throwaway = tmp_path / "out"
    shutil.copytree(folder / "out", throwaway)
    assert make("clean", BUILD=throwaway).returncode == 0
    assert not throwaway.exists()
    assert (folder / "chapters.md").read_bytes() == manuscript
    assert (folder / "images" / "loom.png").exists()


def test_make_booklet_imposes_the_pdf(built):
    folder, variables = built
    result = make("booklet", **variables)
    assert result.returncode == 0, result.stderr
    assert (folder / "out" / "chapters-booklet.pdf").is_file()
    assert make("-q", str(folder / "out" / "chapters-booklet.pdf"), **variables).returncode == 0


def write_shelf(folder, *names):
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("---\ntitle: A\n---\nText.\n")


def test_a_book_folder_with_a_space_is_left_out_in_one_line_and_the_others_build(tmp_path):
    write_shelf(tmp_path, "one.md", "two/two.md", "my pamphlet/book.md")
    draw_image(tmp_path / "my pamphlet" / "a picture.png", size=(100, 100))
    result = make("-n", "all", MANUSCRIPT_DIR=tmp_path, BUILD=tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path}/my pamphlet/book.md: warning: make leaves this book out: make cannot use a path "
        f"with a space or a sign such as # % : ; ( ) in it; rename it {tmp_path}/my-pamphlet/book.md "
        "[MAKE-002]"]
    assert f"build {tmp_path}/one.md" in result.stdout and f"build {tmp_path}/two/two.md" in result.stdout
    assert "book.md" not in result.stdout


def test_a_manuscript_with_a_space_is_refused_in_one_line(tmp_path):
    write_shelf(tmp_path, "my books/first one.md")
    result = make("-n", "all", MANUSCRIPT=tmp_path / "my books" / "first one.md", BUILD=tmp_path / "out")
    assert result.returncode != 0 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert (f"{tmp_path}/my books/first one.md: error: make cannot use a path with a space or a sign "
            f"such as # % : ; ( ) in it: rename it {tmp_path}/my-books/first-one.md") in line
    assert "No rule" not in line and "needed by" not in line


def test_a_missing_manuscript_gets_the_message_of_the_command_line():
    command_line = subprocess.run([sys.executable, "-m", "pamphleteer", "build", "nothere.md"], cwd=ROOT,
                                  capture_output=True, text=True, timeout=60).stderr.strip()
    assert command_line == "nothere.md: error: manuscript not found: check the path [READ-002]"
    result = make("-n", "all", MANUSCRIPT="nothere.md")
    assert result.returncode != 0 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert command_line in line and "No rule" not in line and "needed by" not in line


def rebuilt(changed, **variables):
    """The (book, format) pairs `make all` would rebuild were `changed` modified (-n: it builds nothing)."""
    result = make("-n", "-W", str(changed), "all", **variables)
    assert result.returncode == 0, result.stderr
    return set(re.findall(r"build \S+/(\w+)\.md -o \S+ --(epub|pdf)", result.stdout))


def shelf_with_pictures(folder, pictures):
    """Manuscripts and their pictures, and their outputs already built (newer than every source)."""
    write_shelf(folder, *(f"{book}.md" for book in pictures))
    for picture in sum(pictures.values(), []):
        draw_image(folder / picture, size=(100, 100))
    (folder / "out").mkdir()
    for book in pictures:
        for kind in ("epub", "pdf"):
            (folder / "out" / f"{Path(book).name}.{kind}").write_bytes(b"built")
    return {"MANUSCRIPT_DIR": folder, "BUILD": folder / "out"}


def test_a_changed_picture_rebuilds_its_own_book_only(tmp_path):
    """Top-level books share images/ (and any folder that holds no manuscript), not the folders of others."""
    pictures = {"one": ["images/one.png"], "three": [], "two/two": ["two/images/two.png", "two/cover.jpg"]}
    shelf = shelf_with_pictures(tmp_path, pictures)
    both = {(book, kind) for book in ("one", "three") for kind in ("epub", "pdf")}
    assert rebuilt(tmp_path / "images" / "one.png", **shelf) == both
    for changed in ("two/images/two.png", "two/cover.jpg"):
        assert rebuilt(tmp_path / changed, **shelf) == {("two", "epub"), ("two", "pdf")}, changed
        assert rebuilt(tmp_path / changed, **shelf, MANUSCRIPT=tmp_path / "one.md") == set(), changed


def test_a_picture_with_a_space_in_its_name_is_followed(tmp_path):
    pictures = {"one": ["images/a photo; 1.png"], "my pamphlet/book": ["my pamphlet/cover.png"]}
    shelf = shelf_with_pictures(tmp_path, pictures)
    assert rebuilt(tmp_path / "images" / "a photo; 1.png", **shelf) == {("one", "epub"), ("one", "pdf")}
    assert rebuilt(tmp_path / "my pamphlet" / "cover.png", **shelf) == set()  # a book make leaves out


def test_make_help_reads_without_double_spaces():
    lines = make("help").stdout.splitlines()
    assert lines and all(line.startswith("  ") for line in lines)
    for line in lines:
        text = re.sub(r"^  make \S+ +", "", line).strip()  # the target column is aligned with spaces
        assert "  " not in text, line
