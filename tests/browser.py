"""A static HTML page as a browser shows it: tests/browser/inspect-page.mjs run in headless Chromium.

`inspect_page` renders the page at a phone and a desktop width, screenshots it, runs axe-core on
it, and lists the links and resources it names and the ones that failed to load (nothing but
file:// URLs is let through). It needs node, Chromium, and puppeteer-core and axe-core under
.tools/node_modules: `make test` installs them, so a missing one is an error, never a skip.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "browser" / "inspect-page.mjs"
NODE_MODULES = ROOT / ".tools" / "node_modules"
TIMEOUT = 120  # seconds


def _chromium() -> str | None:
    named = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if named:
        return named if os.access(named, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_tools() -> list[str]:
    """What inspect_page needs and cannot find, each said so that it can be installed."""
    missing = []
    if shutil.which("node") is None:
        missing.append("node (Debian's nodejs)")
    if _chromium() is None:
        missing.append("Chromium (Debian's chromium, or PUPPETEER_EXECUTABLE_PATH)")
    if not (NODE_MODULES / "puppeteer-core" / "package.json").is_file():
        missing.append(f"puppeteer-core (npm, in {NODE_MODULES})")
    if not (NODE_MODULES / "axe-core" / "axe.min.js").is_file():
        missing.append(f"axe-core (npm, {NODE_MODULES / 'axe-core' / 'axe.min.js'})")
    return missing


def browser_available() -> bool:
    """Whether node, Chromium, puppeteer-core and axe-core are all there."""
    return not missing_tools()


def inspect_page(page: Path, outdir: Path) -> dict:
    """The report inspect-page.mjs prints for `page`, with its screenshots written into `outdir`.

    Keys: violations [{id, impact, help, nodes}], incomplete [rule ids], links [absolute URLs],
    failed [URLs], requests [URLs], horizontalScroll {phone, desktop}, screenshots [paths].
    Raises RuntimeError when a tool is missing or the script could not run."""
    missing = missing_tools()
    if missing:
        raise RuntimeError("cannot inspect pages in a browser, missing: " + "; ".join(missing)
                           + " (make test installs them)")
    kept = _KEPT.inspect(page, outdir)
    if kept is not None:
        return kept
    command = ["node", str(SCRIPT), str(page), str(outdir)]
    # node in a process group of its own, to be stopped as a whole on a timeout. Puppeteer starts
    # Chromium in yet another group, and kills it when node gets SIGINT: so SIGINT first.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
        raise RuntimeError(f"{SCRIPT.name} did not finish on {page} within {TIMEOUT} s") from None
    if process.returncode != 0:
        raise RuntimeError(f"{SCRIPT.name} failed on {page} (exit {process.returncode}): "
                           f"{stderr.strip()[-2000:]}")
    try:
        return json.loads(stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"{SCRIPT.name} printed no JSON report for {page}: {stdout[:500]!r}") from error


class _KeptBrowser:
    """inspect-page.mjs --serve: one Chromium for all the pages this process inspects
    (starting one costs seconds of processor time; the pages are each opened afresh)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.failed = False

    def inspect(self, page: Path, outdir: Path) -> dict | None:
        """The report, or None to inspect the page the one-shot way (no kept browser)."""
        with self.lock:
            if self.failed:
                return None
            try:
                if self.process is None or self.process.poll() is not None:
                    self.process = subprocess.Popen(["node", str(SCRIPT), "--serve"], stdin=subprocess.PIPE,
                                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                                    text=True, start_new_session=True)
                self.process.stdin.write(json.dumps([str(page), str(outdir)]) + "\n")
                self.process.stdin.flush()
                line = _read_line(self.process.stdout, TIMEOUT)
                answer = json.loads(line)
            except (OSError, ValueError, TimeoutError):
                self.failed = True
                self._stop()
                return None
        if "error" in answer:
            raise RuntimeError(f"{SCRIPT.name} failed on {page}: {answer['error'][-2000:]}")
        return answer

    def stop(self) -> None:
        with self.lock:
            self._stop()

    def _stop(self) -> None:
        if self.process is not None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.process = None


def _read_line(stream, timeout: float) -> str:
    """The next line of `stream`, or TimeoutError after `timeout` seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        raise TimeoutError
    return stream.readline()


_KEPT = _KeptBrowser()


def stop_kept_browser() -> None:
    """Stop this process's kept Chromium (conftest.py, at the end of the run)."""
    _KEPT.stop()
