"""The Makefile: real file dependencies, so make only redoes what changed."""

import hashlib
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


def test_publish_copies_outputs_with_checksums(built):
    folder, variables = built
    result = make("publish", **variables)
    assert result.returncode == 0, result.stderr
    publish = folder / "publish"
    sums = dict(reversed(line.split("  ")) for line in (publish / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"chapters.epub", "chapters.pdf"}
    for name, digest in sums.items():
        assert hashlib.sha256((publish / name).read_bytes()).hexdigest() == digest


def test_publish_refuses_to_replace_a_published_file_with_other_content(built, tmp_path):
    folder, variables = built
    assert make("publish", **variables).returncode == 0
    published = {p.name: p.read_bytes() for p in (folder / "publish").iterdir()}
    assert make("publish", **variables).returncode == 0  # the same content again: fine
    changed = tmp_path / "changed"
    shutil.copytree(folder, changed, ignore=shutil.ignore_patterns("out", "publish"))
    text = (changed / "chapters.md").read_text()
    (changed / "chapters.md").write_text(text.replace("date: March 2025", "date: April 2025", 1))
    result = make("publish", MANUSCRIPT=changed / "chapters.md", BUILD=changed / "out",
                  PUBLISH=folder / "publish")
    assert result.returncode != 0
    assert "is already published with other content: give this edition a new date or version" in result.stderr
    assert {p.name: p.read_bytes() for p in (folder / "publish").iterdir()} == published


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
