"""The Makefile: real file dependencies, so make only redoes what changed."""

import shutil
import subprocess

import pytest

from support import FIXTURES, ROOT, draw_image


def make(*args, **variables):
    words = [f"{key}={value}" for key, value in variables.items()]
    return subprocess.run(["make", "--no-print-directory", *args, *words], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make")
    shutil.copy(FIXTURES / "chapters.md", folder)
    draw_image(folder / "art" / "cover.jpg", size=(1000, 1600))
    draw_image(folder / "images" / "loom.png", size=(1600, 1000), mode="RGBA")
    draw_image(folder / "images" / "field.jpg", size=(1200, 1800))
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
    ("src/pamphleteer/reader.py", True, True),
])
def test_a_changed_style_or_source_rebuilds_what_uses_it(built, changed, epub, pdf):
    _, variables = built
    # -W pretends the file was just modified, without touching it.
    assert is_up_to_date("epub", variables, "-W", changed) is not epub
    assert is_up_to_date("pdf", variables, "-W", changed) is not pdf


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
    for target in ("all", "booklet", "check", "publish", "preview"):
        make(target, **variables)
    assert snapshot() == before


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
