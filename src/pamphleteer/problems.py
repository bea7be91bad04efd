"""Problems an author can act on, reported compiler-style.

Every stage reports through these so that all messages look alike:
``manuscript/x.md:42:7: error: image not found: images/x.jpg (did you mean ...?)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = display_path(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.severity}: {self.message}"


class PamphleteerError(Exception):
    """A failure the user can fix; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def fail(message: str, path: Path | None = None, line: int | None = None,
         column: int | None = None) -> PamphleteerError:
    """A one-problem error, for failures that stop the build at once."""
    return PamphleteerError([Problem("error", message, path, line, column)])


@dataclass
class Diagnostics:
    """Collects problems while a stage runs, so one run reports them all."""

    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.problems.append(Problem("error", message, self.path, line, column))

    def warning(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.problems.append(Problem("warning", message, self.path, line, column))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, strict: bool = False) -> None:
        """Stop on errors; with `strict`, on warnings too."""
        if self.errors or (strict and self.warnings):
            raise PamphleteerError(self.problems)


def counted(number: int, noun: str) -> str:
    """`1 warning`, `2 warnings`, `0 errors`: summaries read as sentences."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def display_path(path: Path) -> str:
    """Relative to the working directory when possible: shorter, and what the user typed."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
