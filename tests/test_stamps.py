"""`pamphleteer build` with nothing changed does nothing, and says so; any change to what
a build reads (support/stamps.py) builds again."""

from __future__ import annotations

import time

from pamphleteer.cli import main
from pamphleteer.support import timings

from support import draw_image, write_manuscript

DATED = "title: A test\ndate: 2026-01-01"


def build(capsys, manuscript, out, *options) -> list[str]:
    """What the command said, line by line; it must succeed."""
    timings.reset()
    assert main(["build", str(manuscript), "-o", str(out), "--pdf", *options]) == 0
    return capsys.readouterr().out.splitlines()


def test_nothing_changed_builds_nothing_and_every_change_builds_again(tmp_path, capsys, monkeypatch):
    manuscript = write_manuscript(tmp_path / "book", "Members paid in each week.\n", DATED)
    out = tmp_path / "out"
    pdf = out / "test.pdf"
    assert build(capsys, manuscript, out) == [f"wrote {pdf}"]
    written = pdf.read_bytes()

    def unchanged() -> None:
        before = pdf.stat().st_mtime_ns
        assert build(capsys, manuscript, out) == [f"up to date: {pdf}"]
        assert timings.counts() == {}  # nothing read, laid out or written
        assert pdf.stat().st_mtime_ns >= before  # newer, as make expects of what it ran

    unchanged()
    assert pdf.read_bytes() == written

    def changed(change) -> None:
        time.sleep(0.01)  # a file's time moves on
        change()
        assert build(capsys, manuscript, out) == [f"wrote {pdf}"]
        unchanged()

    changed(lambda: write_manuscript(tmp_path / "book", "Members paid in every week.\n", DATED))
    changed(lambda: manuscript.touch())  # a book with no date is dated by it
    changed(lambda: draw_image(tmp_path / "book" / "images" / "new.png", size=(40, 30)))
    changed(lambda: (tmp_path / "book" / "styles" / "print").mkdir(parents=True)
            or (tmp_path / "book" / "styles" / "print" / "book.css").write_text("p { color: red }"))
    changed(lambda: monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600"))
    changed(lambda: pdf.unlink())
    changed(lambda: pdf.write_bytes(b"%PDF-1.7 changed by hand"))
    assert build(capsys, manuscript, out, "--profile", "press") == [f"wrote {out / 'test-press.pdf'}"]


def test_a_build_that_warned_warns_again(tmp_path, capsys):
    """Its problems are said each time: a build with any is never skipped."""
    manuscript = write_manuscript(tmp_path, "Text.\n\n[^unused]: A note no one calls.\n", DATED)
    for _ in range(2):
        timings.reset()
        assert main(["build", str(manuscript), "-o", str(tmp_path / "out"), "--pdf"]) == 0
        said = capsys.readouterr()
        assert "[^unused] is defined but never referenced" in said.out + said.err
        assert "wrote" in said.out
    assert main(["build", str(manuscript), "-o", str(tmp_path / "out"), "--pdf", "--strict"]) == 1
