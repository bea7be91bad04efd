"""Ace by DAISY checks an EPUB's accessibility, in Debian's Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..problems import Problem, counted
from .findings import Report

ACE_VERSION = "1.4.6"


def find_ace() -> list[str] | None:
    """The command that runs Ace by DAISY with Chromium, if it is installed.

    `make` installs it under .tools/ (npm's @daisy/ace, Debian's chromium); ACE in the
    environment names another one."""
    if os.environ.get("ACE"):
        return [os.environ["ACE"]]
    checkout = Path(__file__).resolve().parents[3]  # this file is src/pamphleteer/check/ace.py
    local = checkout / ".tools" / "node_modules" / ".bin" / "ace-puppeteer"
    if local.is_file():
        return [str(local)]
    found = shutil.which("ace-puppeteer")
    return [found] if found else None


def check_ace(path: Path) -> Report | None:
    """Ace's report on an EPUB: every violation of any impact is an error. None without Ace."""
    command = find_ace()
    if command is None:
        return None
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": os.environ.get(
        "PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")}
    with tempfile.TemporaryDirectory() as outdir:
        try:
            result = subprocess.run([*command, "--silent", "--force", "--outdir", outdir, str(path)],
                                    capture_output=True, text=True, env=env, timeout=600)
            said = (result.stderr or result.stdout).strip()[:200]
        except OSError as exc:  # ACE names a file that is not there, or not a program
            said = f"{command[0]}: {exc.strerror}"
        report_file = Path(outdir) / "report.json"
        if not report_file.is_file():
            return Report(path, "Ace could not run", [Problem(
                "error", "ACE-000", f"Ace did not finish ({said}); reinstall it with make, "
                "or name a working ace-puppeteer as ACE")])
        report = json.loads(report_file.read_text(encoding="utf-8"))
    findings = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url")
        for assertion in document.get("assertions", []):
            test, outcome = assertion["earl:test"], assertion["earl:result"]
            findings.append(Problem("error", f"ACE-{test.get('dct:title', '?')}",
                                    f"{f'{where}: ' if where else ''}"
                                    f"{outcome.get('dct:description', '').strip()} "
                                    f"(impact: {test.get('earl:impact', '?')})"))
    return Report(path, f"Ace {ACE_VERSION}: {counted(len(findings), 'violation')}", findings)
