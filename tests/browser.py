"""A static HTML page as a browser shows it: tests/browser/inspect-page.mjs run in headless Chromium.

`inspect_page` renders the page at a phone and a desktop width, screenshots it, runs axe-core on
it, and lists the links and resources it names and the ones that failed to load (nothing but
file:// URLs is let through). It needs node, Chromium, and puppeteer-core and axe-core under
.tools/node_modules: `make test` installs them, so a missing one is an error, never a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
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
