"""Ace by DAISY once for each EPUB a test run checks.

Ace takes seconds of processor time for each EPUB (Node, then Chromium), and the
tests have it check the same EPUB more than once: `make check` and `make publish`
of one book, the second `make publish` of a shelf, `pamphleteer check` of a book
another test has checked. Its report depends only on the EPUB's bytes (and Ace's
version), so the tests name, as ACE (which `pamphleteer.check.ace.find_ace` honours),
a stand-in that runs the real Ace on an EPUB it has not seen in this run, and hands
back the same report.json for one it has. Every distinct EPUB is still checked by
Ace. (A finding read from a kept report names the file Ace first checked.)

The real Ace is asked first in a kept process (`KeptAce`, ace_server.js): Ace's own
code with one Chromium for the whole run, rather than Node, Ace and Chromium
started again for each EPUB. The run's first process keeps it (`kept_ace`:
pytest-xdist's controller, or pytest itself), and names the stand-in as ACE in the
environment its workers inherit: one Ace, one Chromium and one shelf of reports for
all of them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pamphleteer.check.ace import find_ace

SERVER = Path(__file__).with_name("ace_server.js")

STAND_IN = '''#!{python} -SE
# Ace for the test run (tests/ace_reports.py): the real one, {real!r}, once per EPUB.
import hashlib, json, os, shutil, socket, subprocess, sys, time

args = sys.argv[1:]
if len(args) == 5 and args[:3] == ["--silent", "--force", "--outdir"]:
    outdir, epub = args[3], args[4]
    with open(epub, "rb") as file:
        kept = os.path.join({reports!r}, hashlib.sha256(file.read()).hexdigest() + ".json")
    if os.path.isfile(kept):
        os.makedirs(outdir, exist_ok=True)
        shutil.copyfile(kept, os.path.join(outdir, "report.json"))
        sys.exit(0)
    report = os.path.join(outdir, "report.json")
    result = None
    waited = time.monotonic() + 120  # the kept Ace may be starting still
    while os.path.exists({starting!r}) and not os.path.exists({socket!r}) and time.monotonic() < waited:
        time.sleep(0.05)
    try:  # the kept Ace, when the run has one
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect({socket!r})
            connection.sendall(json.dumps({{"epub": os.path.abspath(epub),
                                            "outdir": os.path.abspath(outdir)}}).encode() + b"\\n")
            if json.loads(connection.makefile("rb").readline()).get("ok"):
                result = subprocess.CompletedProcess(args, 0)
    except (OSError, ValueError):
        pass
    if result is None or not os.path.isfile(report):
        result = subprocess.run([*{real!r}, *args])
    if result.returncode == 0 and os.path.isfile(report):
        partial = kept + ".%d.part" % os.getpid()
        shutil.copyfile(report, partial)
        os.replace(partial, kept)  # whole or not at all, should two workers race
    sys.exit(result.returncode)
os.execv({real!r}[0], [*{real!r}, *args])
'''


def ace_stand_in(folder: Path, real: list[str], reports: Path, kept: KeptAce | None = None) -> Path:
    """An executable in `folder` to name as ACE; `reports` keeps the reports by EPUB;
    `kept`, the kept Ace to ask first, if there is one."""
    reports.mkdir(parents=True, exist_ok=True)
    script = folder / "ace"
    script.write_text(STAND_IN.format(python=sys.executable, real=real, reports=str(reports),
                                      socket=str(kept.socket if kept else folder / "no-kept-ace"),
                                      starting=str(kept.starting if kept else folder / "no-kept-ace")),
                      encoding="utf-8")
    script.chmod(0o755)
    return script


class KeptAce:
    """Ace and its Chromium, started once and kept for the run (ace_server.js): the
    stand-in asks it first. Where it cannot start, each EPUB gets its own Ace, as before.

    Node takes seconds to load Ace: it does so while the tests begin. Until it listens,
    or fails to, the file `starting` is there, and the stand-in waits for the socket."""

    def __init__(self, real: list[str], folder: Path):
        self.socket, self.starting = folder / "ace.socket", folder / "ace.starting"
        self.process: subprocess.Popen | None = None
        # real: node_modules/.bin/ace-puppeteer
        node, modules = shutil.which("node"), Path(real[0]).absolute().parents[1]
        if node is None or not (modules / "@daisy" / "ace-core").is_dir():
            return
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": os.environ.get(
            "PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")}
        self.starting.touch()
        self.process = subprocess.Popen([node, str(SERVER), str(modules), str(self.socket)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, text=True)
        threading.Thread(target=self._started, args=(self.process,), daemon=True).start()

    def _started(self, process: subprocess.Popen) -> None:
        process.stdout.readline()  # "listening", or nothing: it stopped
        self.starting.unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()  # it stops when its input ends
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


@contextlib.contextmanager
def kept_ace() -> Iterator[None]:
    """For as long as it lasts, ACE in this process's environment (and so in the processes
    started meanwhile) is the stand-in, asking the kept Ace. Without Ace, nothing changes:
    its tests skip."""
    real = find_ace()
    if real is None:
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="ace-"))  # short: a socket's path has a limit
    kept = KeptAce(real, folder)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ACE", str(ace_stand_in(folder, real, folder / "reports",
                                                 kept if kept.process else None)))
            yield
    finally:
        kept.stop()
        shutil.rmtree(folder, ignore_errors=True)
