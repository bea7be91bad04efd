"""Problems an author can act on, reported compiler-style, and the one channel they go through.

Every stage reports through these, so that all messages look alike:
``manuscript/x.md:42:7: error: image not found: images/x.jpg (did you mean ...?) [READ-026]``.
The code at the end is stable: it names the kind of problem, whatever the message says.

An error stops the work: the stage raises `PamphleteerError`, carrying every problem it
found. A warning (or information) lets the work go on: the stage hands it to `report()`,
which passes it to the innermost `collect()` open, and that one on to the one around it.
The command line opens the outermost one, and is the only place that prints. Work done in
another process (`support.cache.Cache.fill`) sends its problems back with its result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    severity: str  # "error", "warning" or "info"
    code: str  # READ-012, PRINT-044, RSC-005 (EPUBCheck's own) ...: the same for the same kind
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
        return f"{where}{self.severity}: {self.message}" + (f" [{self.code}]" if self.code else "")

    def to_json(self) -> dict:
        """As plain data, to be remembered in the build cache with the work that found it."""
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "path": str(self.path) if self.path else None, "line": self.line, "column": self.column}

    @classmethod
    def from_json(cls, data: dict) -> Problem:
        return cls(**{**data, "path": Path(data["path"]) if data.get("path") else None})


class PamphleteerError(Exception):
    """A failure the user can fix; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):  # raised in a worker process, it reaches the main one whole
        return PamphleteerError, (self.problems,)


class StrictFailure(PamphleteerError):
    """Warnings, which --strict (`strict=True`) counts as errors. They went through the
    channel; this carries the one line that says why the command fails."""

    def __init__(self, warnings: int):
        super().__init__([Problem(
            "error", "", f"--strict: the {counted(warnings, 'warning')} above "
                         f"{'counts as an error' if warnings == 1 else 'count as errors'}; "
                         "no file was written")])


def fail(code: str, message: str, path: Path | None = None, line: int | None = None,
         column: int | None = None) -> PamphleteerError:
    """A one-problem error, for failures that stop the build at once."""
    return PamphleteerError([Problem("error", code, message, path, line, column)])


# --- the channel ----------------------------------------------------------------

def of_severity(problems: list[Problem], severity: str) -> list[Problem]:
    """The problems of one severity ("error", "warning", "info"), in their order."""
    return [problem for problem in problems if problem.severity == severity]


@dataclass
class Problems:
    """The problems reported while a `collect()` is open, in the order they came."""

    pass_on: Callable[[Problem], None] | None = None
    found: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.found.append(problem)
        if self.pass_on is not None:
            self.pass_on(problem)

    @property
    def errors(self) -> list[Problem]:
        return of_severity(self.found, "error")

    @property
    def warnings(self) -> list[Problem]:
        return of_severity(self.found, "warning")


_open: ContextVar[Problems | None] = ContextVar("pamphleteer_problems", default=None)


@contextlib.contextmanager
def collect(listener: Callable[[Problem], None] | None = None) -> Iterator[Problems]:
    """Keep the problems reported inside, and pass each one on as it comes: to `listener`
    if given, else to the collection around this one."""
    around = _open.get()
    problems = Problems(listener or (around.add if around is not None else None))
    token = _open.set(problems)
    try:
        yield problems
    finally:
        _open.reset(token)


@contextlib.contextmanager
def captured() -> Iterator[Problems]:
    """Keep the problems reported inside, passing none on: for work whose problems are
    sent elsewhere (from a worker process) or remembered and reported with its result."""
    with collect(listener=lambda problem: None) as problems:
        yield problems


@contextlib.contextmanager
def about(path: Path | None) -> Iterator[None]:
    """The problems reported inside that name no file are about `path`: for work that is
    given bytes, and remembered by them, whatever file they came from."""
    around = _open.get()

    def named(problem: Problem) -> None:
        if around is not None:
            around.add(problem if problem.path or path is None else replace(problem, path=path))

    with collect(listener=named):
        yield


def report(problem: Problem) -> None:
    """A problem that does not stop the work. Outside any `collect()` nobody listens, and
    it is dropped: a caller of the stages who wants to hear them opens one."""
    problems = _open.get()
    if problems is not None:
        problems.add(problem)


def report_all(problems: Iterable[Problem]) -> None:
    for problem in problems:
        report(problem)


@dataclass
class Diagnostics:
    """Collects problems while a stage runs, so one run reports them all."""

    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.problems.append(Problem("error", code, message, self.path, line, column))

    def warning(self, code: str, message: str, line: int | None = None,
                column: int | None = None) -> None:
        self.problems.append(Problem("warning", code, message, self.path, line, column))

    @property
    def errors(self) -> list[Problem]:
        return of_severity(self.problems, "error")

    @property
    def warnings(self) -> list[Problem]:
        return of_severity(self.problems, "warning")

    def raise_if_errors(self) -> None:
        """Stop on errors, with every problem found (the warnings too, where they belong)."""
        if self.errors:
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
