"""A file's report: a summary line, and what the checks found, each a `Problem` with a
code in the manner of the Standard Ebooks tools (PRINT-010, or EPUBCheck's own RSC-005)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..problems import Problem, of_severity


@dataclass
class Report:
    path: Path
    summary: str
    findings: list[Problem]

    def __post_init__(self) -> None:
        # What names no file of its own (a page, a font) is about the file checked.
        self.findings = [f if f.path else replace(f, path=self.path) for f in self.findings]

    @property
    def errors(self) -> list[Problem]:
        return of_severity(self.findings, "error")

    @property
    def warnings(self) -> list[Problem]:
        return of_severity(self.findings, "warning")

    def fails(self, strict: bool = False) -> bool:
        """Whether the file fails its check: on errors; with `strict`, on warnings too."""
        return bool(self.errors) or (strict and bool(self.warnings))
