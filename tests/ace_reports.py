"""Ace by DAISY once for each EPUB a test run checks.

Ace takes seconds of processor time for each EPUB (Node, then Chromium), and the
tests have it check the same EPUB more than once: `make check` and `make publish`
of one book, the second `make publish` of a shelf, `pamphleteer check` of a book
another test has checked. Its report depends only on the EPUB's bytes (and Ace's
version), so the tests name, as ACE (which `pamphleteer.check.ace.find_ace` honours),
a stand-in that runs the real Ace on an EPUB it has not seen in this run, and hands
back the same report.json for one it has. Every distinct EPUB is still checked by
Ace. (A finding read from a kept report names the file Ace first checked.)
"""

from __future__ import annotations

import sys
from pathlib import Path

STAND_IN = '''#!{python} -SE
# Ace for the test run (tests/ace_reports.py): the real one, {real!r}, once per EPUB.
import hashlib, os, shutil, subprocess, sys

args = sys.argv[1:]
if len(args) == 5 and args[:3] == ["--silent", "--force", "--outdir"]:
    outdir, epub = args[3], args[4]
    with open(epub, "rb") as file:
        kept = os.path.join({reports!r}, hashlib.sha256(file.read()).hexdigest() + ".json")
    if os.path.isfile(kept):
        os.makedirs(outdir, exist_ok=True)
        shutil.copyfile(kept, os.path.join(outdir, "report.json"))
        sys.exit(0)
    result = subprocess.run([*{real!r}, *args])
    report = os.path.join(outdir, "report.json")
    if result.returncode == 0 and os.path.isfile(report):
        partial = kept + ".%d.part" % os.getpid()
        shutil.copyfile(report, partial)
        os.replace(partial, kept)  # whole or not at all, should two workers race
    sys.exit(result.returncode)
os.execv({real!r}[0], [*{real!r}, *args])
'''


def ace_stand_in(folder: Path, real: list[str], reports: Path) -> Path:
    """An executable in `folder` to name as ACE; `reports` keeps the reports by EPUB."""
    reports.mkdir(parents=True, exist_ok=True)
    script = folder / "ace"
    script.write_text(STAND_IN.format(python=sys.executable, real=real, reports=str(reports)),
                      encoding="utf-8")
    script.chmod(0o755)
    return script
