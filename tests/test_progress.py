"""The progress line: on a terminal, one line that rewrites itself while a build runs;
nothing of it with --quiet, or when the output goes to a file or a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from conftest import copy_chapters

from support import write_manuscript

WIPE = "\r\x1b[K"  # back to the start of the line, and clear it


def in_terminal(*args: str) -> str:
    """What `pamphleteer ARGS` shows on a terminal (stdout and stderr both on it)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 lines of 100
    process = subprocess.Popen([sys.executable, "-m", "pamphleteer", *args], stdout=child,
                               stderr=child, stdin=subprocess.DEVNULL,
                               env={**os.environ, "TERM": "xterm"})
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=300) == 0, shown.decode(errors="replace")
    return shown.decode("utf-8").replace("\r\n", "\n")  # the terminal's own line ends


def test_a_build_on_a_terminal_shows_its_stages_and_pieces_on_one_line(tmp_path):
    manuscript = copy_chapters(tmp_path)
    shown = in_terminal("build", str(manuscript), "-o", str(tmp_path / "out"))
    drawn = re.findall(r"\r(pamphleteer: [^\r\n\x1b]*)\x1b\[K", shown)
    assert drawn[0] == "pamphleteer: reading…"
    pieces = [line for line in drawn if line.startswith("pamphleteer: laying out: piece ")]
    assert pieces and pieces[0].startswith("pamphleteer: laying out: piece 1 of ")
    total = int(re.search(r"of (\d+)", pieces[0])[1])
    assert total == 4  # the contents and the book's three chapters
    # each piece written to a PDF of its own as it is laid out, then the pieces joined
    assert "pamphleteer: joining the pieces…" in drawn and "pamphleteer: writing the EPUB…" in drawn
    # The line is wiped before the command says what it wrote: no line keeps a trace of it.
    said = shown.split(WIPE)[-1]
    assert said.splitlines() == [f"wrote {tmp_path / 'out' / name}"
                                 for name in ("chapters.pdf", "chapters.epub", "chapters-cover.jpg")]


def test_a_problem_is_printed_on_a_line_of_its_own(tmp_path):
    manuscript = write_manuscript(tmp_path, "Text.\n", "title: T\nsubtitel: a typo")
    shown = in_terminal("build", str(manuscript), "-o", str(tmp_path / "out"), "--epub")
    warning = next(line for line in shown.split("\n") if "subtitel" in line)
    assert warning.startswith("\rpamphleteer: reading…\x1b[K")  # the line it wipes
    assert warning.split(WIPE)[-1].startswith(f"{manuscript}:3: warning: unknown front matter key")


def test_quiet_shows_no_progress(tmp_path):
    manuscript = write_manuscript(tmp_path, "Text.\n")
    shown = in_terminal("build", str(manuscript), "-o", str(tmp_path / "out"), "--quiet")
    assert "\r" not in shown and "pamphleteer:" not in shown
    assert shown.splitlines()[0] == f"wrote {tmp_path / 'out' / 'test.pdf'}"


def test_no_progress_goes_to_a_file_or_a_pipe(tmp_path):
    manuscript = write_manuscript(tmp_path, "Text.\n")
    result = subprocess.run([sys.executable, "-m", "pamphleteer", "build", str(manuscript), "-o",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stderr == ""


class _Stop(Exception):
    pass


def test_a_build_can_be_stopped_between_two_pages_of_one_piece(tmp_path):
    """The preview stops a build when it is saved again or stopped: for a pamphlet of one
    long piece that must not wait for the whole piece (support/progress.py checkpoint)."""
    from pamphleteer.pipeline import build
    from pamphleteer.support.progress import interruptible

    words = " ".join(f"word{n}" for n in range(1500))
    path = write_manuscript(tmp_path, f"{words}\n\n{words}\n", "title: One piece\ndate: 2026-01-01")
    asked = []

    def stop_at_the_third_page() -> None:
        asked.append(1)
        if len(asked) == 3:
            raise _Stop

    try:
        with interruptible(stop_at_the_third_page):
            build(path, tmp_path / "out", ("pdf",))
    except _Stop:
        pass
    else:
        raise AssertionError("the build ran to its end")
    assert len(asked) == 3
    assert not (tmp_path / "out" / "test.pdf").exists()  # stopped: nothing written
    assert build(path, tmp_path / "out", ("pdf",)).outputs["pdf"].is_file()  # and it builds again
