"""What a check finds: a code, a severity, a place and a message that says what to
change, in the manner of the Standard Ebooks tools; and a file's report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
