"""`--jobs N`: chapters laid out side by side in worker processes, for the same files."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import counted_build, write_manuscript

WORDS = "the society met every week in the back room of the inn and paid its members".split()


def chapters_book(folder: Path, chapters: int = 5, edit: str = "") -> Path:
    """A book of `chapters` chapters, each three pages or so, with notes: enough text for
    the workers to be worth starting (layout.SIDE_BY_SIDE_FROM)."""
    body = []
    for number in range(1, chapters + 1):
        body.append(f"# Chapter {number}\n")
        for paragraph in range(10):
            words = " ".join(WORDS[(number + paragraph + k) % len(WORDS)] for k in range(150))
            body.append(f"{words.capitalize()}.[^c{number}p{paragraph}]\n")
            body.append(f"[^c{number}p{paragraph}]: On chapter {number}, paragraph {paragraph}.\n")
    if edit:
        body.insert(3, edit + "\n")
    return write_manuscript(folder, "\n".join(body), "title: Side by side\ndate: 2026-01-01")


def pamphleteer(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pamphleteer", *args], capture_output=True, text=True,
                          timeout=600)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file()}


def test_one_job_or_two_make_the_same_files_cold_and_after_an_edit(tmp_path):
    manuscript = chapters_book(tmp_path / "book")
    counted = [counted_build(manuscript, tmp_path / str(jobs), ("epub",), jobs=jobs) for jobs in (1, 2)]
    assert counted[1]["pieces laid out side by side"] == 4  # all chapters but the last
    assert digests(tmp_path / "1") == digests(tmp_path / "2")
    chapters_book(tmp_path / "book", edit="A paragraph added to the first chapter.")
    for jobs in (1, 2):  # each build folder remembers its own layouts: only the edit is new
        counted = counted_build(manuscript, tmp_path / str(jobs), ("epub",), jobs=jobs)
        assert counted["pieces laid out afresh"] == 1  # the chapter edited, and no other
    assert digests(tmp_path / "1") == digests(tmp_path / "2")
    for jobs in (1, 2):  # and the PDF beside it, from the layouts either made
        counted_build(manuscript, tmp_path / str(jobs), ("pdf",), jobs=jobs)
    assert digests(tmp_path / "1") == digests(tmp_path / "2")


def test_one_job_or_two_write_the_same_pdf_from_nothing(tmp_path):
    manuscript = chapters_book(tmp_path / "book")
    counted = [counted_build(manuscript, tmp_path / str(jobs), ("pdf",), jobs=jobs) for jobs in (1, 2)]
    # laid out side by side, then each chapter written to its PDF side by side
    assert counted[1]["pieces laid out side by side"] == 4
    assert counted[1]["piece PDFs written"] == 6  # the contents and five chapters
    assert digests(tmp_path / "1") == digests(tmp_path / "2")


def test_a_killed_worker_fails_the_build_and_changes_nothing(tmp_path):
    manuscript = chapters_book(tmp_path / "book", chapters=12)
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "test.epub"
    previous.write_bytes(b"the EPUB of the last good build")
    build = subprocess.Popen([sys.executable, "-m", "pamphleteer", "build", str(manuscript), "-o",
                              str(out), "--epub", "--jobs", "2"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    worker = _a_worker_of(build.pid)
    os.kill(worker, signal.SIGKILL)
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 1
    assert stderr.strip().splitlines()[-1] == (
        f"{manuscript}: error: a layout worker stopped before it finished (killed, or out of "
        "memory?): no file was changed; build again, or with --jobs 1 [LAYOUT-003]")
    assert previous.read_bytes() == b"the EPUB of the last good build"
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def _a_worker_of(pid: int, wait: float = 120) -> int:
    """A layout worker of the build `pid`: a child of the fork server the build starts
    (pdf/workers.py), which forks the workers."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        servers = [p for p, parent in parents.items() if parent == pid and "forkserver" in _command(p)]
        # Forked from the server, a worker has its command line. So, for a moment, has a
        # tool the server runs (while it loads WeasyPrint) before that tool's own begins:
        # a worker is a child still the server's a while later.
        workers = [p for p, parent in parents.items() if parent in servers and "forkserver" in _command(p)]
        time.sleep(0.3)
        workers = [p for p in workers if "forkserver" in _command(p)]
        if workers:
            return min(workers)
    raise AssertionError("the build started no worker")


def test_jobs_must_be_a_number_of_processes(tmp_path):
    result = pamphleteer("build", str(write_manuscript(tmp_path, "Text.\n")), "--jobs", "0")
    assert result.returncode == 2
    assert "argument -j/--jobs: '0' is not a number of processes: give 1 or more" in result.stderr


def test_pamphleteer_jobs_is_the_number_of_processes_when_jobs_is_not_given(monkeypatch):
    from pamphleteer.cli import _default_jobs
    from pamphleteer.support.cache import usable_cores

    monkeypatch.setenv("PAMPHLETEER_JOBS", "3")
    assert (_default_jobs(None), _default_jobs(2)) == (3, 2)
    monkeypatch.delenv("PAMPHLETEER_JOBS")
    assert _default_jobs(None) == usable_cores()


def test_a_pamphleteer_jobs_that_is_not_a_number_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    from pamphleteer.cli import main

    monkeypatch.setenv("PAMPHLETEER_JOBS", "many")
    assert main(["build", str(write_manuscript(tmp_path, "Text.\n")), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: PAMPHLETEER_JOBS='many' is not a number of processes: set it to 1 or more, or leave "
        "it out for one per core [JOBS-001]"]
    assert not (tmp_path / "out").exists()


def _command(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
