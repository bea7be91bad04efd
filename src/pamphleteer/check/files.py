"""`pamphleteer check`: each file's checks, reported; the exit status says if any failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..problems import Problem, report_all
from .ace import check_ace
from .coverpreflight import cover_report
from .epubcheck import check_epub
from .findings import Report
from .pdf import check_pdf
from .preflight import preflight


def check_reports(paths: list[Path], profile=None, book=None) -> Iterator[Report]:
    """Each file's reports, each as soon as its check is done.

    With a print `profile`, PDFs are preflighted for it too; with the `book`, findings
    about pictures name the image and its manuscript line. A print cover (`pamphleteer
    cover`) gets the cover preflight instead, for the profile it was made for, with or
    without `profile`: the interior's would misjudge it."""
    for path in paths:
        yield check_file(path)
        if path.suffix.lower() == ".epub" and path.is_file() and (ace := check_ace(path)):
            yield ace
        if path.suffix.lower() == ".pdf" and path.is_file():
            cover = cover_report(path, book)
            if cover is not None:
                yield cover
            elif profile is not None:
                yield preflight(path, profile, book)


def check_files(paths: list[Path], strict: bool = False, profile=None, book=None) -> bool:
    """Check the files, their findings going through the problem channel: whether any failed
    (on errors; with `strict`, on warnings too)."""
    failed = False
    for report in check_reports(paths, profile, book):
        report_all(report.findings)
        failed |= report.fails(strict)
    return failed


def check_file(path: Path) -> Report:
    if not path.is_file():
        return Report(path, "not found", [Problem("error", "FILE-001",
                                                  "the file does not exist: build it first (make)")])
    if path.suffix.lower() == ".epub":
        return check_epub(path)
    if path.suffix.lower() == ".pdf":
        return check_pdf(path)
    return Report(path, "not checked", [Problem("error", "FILE-002",
                                                "only .epub and .pdf files can be checked")])
