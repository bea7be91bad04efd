"""The one problem channel: a warning from any stage reaches the command line once, in the
format editors read (`file:line:col: severity: message [CODE]`), and --strict fails on it
without changing any output. The command line runs in this process: its real code, without
the second it takes to start Python and WeasyPrint again for each run."""

import os
import re

import pytest
from PIL import Image

from pamphleteer.cli import main
from pamphleteer.pipeline import build
from pamphleteer.support import cache

from support import draw_image, write_manuscript

STRICT = "error: --strict: the 1 warning above counts as an error; no file was written"


def run(capsys, *args) -> tuple[int, list[str]]:
    """The exit status and the lines on stderr of `pamphleteer ARGS`."""
    status = main([str(arg) for arg in args])
    return status, capsys.readouterr().err.splitlines()


def reader(folder):
    path = write_manuscript(folder, "Text.\n", "title: Read\nautor: Me")
    return path, "--epub", f"{path}:3"


def crops(folder):
    draw_image(folder / "images" / "wide.png", size=(1500, 1000))
    path = write_manuscript(folder, "Text.\n\n![Wide](images/wide.png){.bleed}\n")
    return path, "--pdf", f"{path}:6:1"


def layout(folder):
    note = "A very long note that goes on and on about the sources. " * 120
    text = "Some words here. " * 40
    path = write_manuscript(folder, f"{text}\n\n{text}[^a]\n\nMore text.\n\n[^a]: {note}\n")
    return path, "--pdf", str(path)


def generated_cover(folder):
    path = write_manuscript(folder, "Text.\n", "title: Thrift\nsubtitle: " + "words and more " * 150)
    return path, "--epub", str(path)


def store_cover(folder):
    draw_image(folder / "cover.jpg", size=(1000, 1600))
    path = write_manuscript(folder, "Text.\n", "title: Covered\ncover: cover.jpg")
    return path, "--epub", str(folder / "cover.jpg")


def screen_pictures(folder):
    """Two pictures to make for screens, so they are made in worker processes; one a CMYK
    picture whose colour profile is damaged."""
    (folder / "images").mkdir(parents=True)
    Image.new("CMYK", (300, 200), (0, 128, 255, 0)).save(folder / "images" / "broken.jpg",
                                                         icc_profile=b"not a colour profile")
    draw_image(folder / "images" / "fine.jpg", size=(300, 200))
    path = write_manuscript(folder, "Text.\n\n![Broken](images/broken.jpg)\n\n![Fine](images/fine.jpg)\n")
    return path, "--epub", str(folder / "images" / "broken.jpg")


@pytest.mark.parametrize(("stage", "code"), [
    (reader, "READ-014"), (crops, "PRINT-044"), (layout, "LAYOUT-002"), (generated_cover, "COVER-002"),
    (store_cover, "COVER-003"), (screen_pictures, "EPUB-010"),
], ids=lambda value: getattr(value, "__name__", value))
def test_a_warning_from_any_stage_is_said_once_and_fails_strict_with_no_output(
        stage, code, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # worker processes even on one core
    monkeypatch.setattr(cache, "SIDE_BY_SIDE_FROM", 0)  # and for pictures this small
    manuscript, only, where = stage(tmp_path)
    out = tmp_path / "out"
    status, said = run(capsys, "build", manuscript, "-o", out, only)
    assert status == 0, said
    (warning,) = said
    assert re.fullmatch(rf"{re.escape(where)}: warning: .+ \[{code}\]", warning), warning
    for output in out.iterdir():
        if output.name != ".cache":
            output.unlink()
    # Again, strict: the build's cache remembers what was made, and its warnings with it.
    status, said = run(capsys, "build", manuscript, "-o", out, only, "--strict")
    assert (status, said) == (1, [warning, STRICT])
    assert [path.name for path in out.iterdir()] == [".cache"]  # not even a part of a file


def test_a_preflight_warning_is_said_in_the_same_format_and_fails_a_strict_check(tmp_path, capsys):
    draw_image(tmp_path / "images" / "small.png", size=(400, 300))
    manuscript = write_manuscript(tmp_path, "Text.\n\n![Small](images/small.png)\n\n## A heading\n")
    pdf = build(manuscript, tmp_path / "out", ("pdf",)).outputs["pdf"]
    status, said = run(capsys, "check", "--print", manuscript, pdf)
    assert status == 0
    (warning,) = said
    assert re.fullmatch(rf"{re.escape(str(manuscript))}:6:1: warning: images/small\.png on page \d+: "
                        r"prints at 96 ppi .+ \[PRINT-010\]", warning)
    assert run(capsys, "check", "--print", "--strict", manuscript, pdf) == (1, [warning])


def test_a_library_caller_hears_the_warnings_in_the_build_result(tmp_path, capsys):
    manuscript, *_ = reader(tmp_path)
    result = build(manuscript, tmp_path / "out", ("epub",))
    assert [(p.code, p.line) for p in result.problems] == [("READ-014", 3)]
    assert capsys.readouterr().err == ""  # only the command line prints
