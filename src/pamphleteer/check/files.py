"""`pamphleteer check`: each file's checks, reported; the exit status says if any failed."""

from __future__ import annotations

from pathlib import Path

from .ace import check_ace
from .epubcheck import check_epub
from .findings import Finding, Report
from .pdf import check_pdf
from .preflight import preflight


def check_files(paths: list[Path], strict: bool = False, profile=None, book=None) -> int:
    """Print a report for each file; exit status 1 if any has errors (or warnings, if strict).

    With a print `profile`, PDFs are preflighted for it too; with the `book`, findings
    about pictures name the image and its manuscript line."""
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
