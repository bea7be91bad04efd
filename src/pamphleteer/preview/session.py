"""The builds of a preview: one at a time, in a thread of the resident process, the last
save winning. What the last build made is kept for the server, with the pages of the last
good one: a build that fails leaves them on screen, marked stale."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..pipeline import FORMATS, build, choose_profile
from ..problems import PamphleteerError, Problem, collect
from ..support.styles import Styles
from .pages import PrintedPages, changed_pages


@dataclass
class Shown:
    """What the browser is shown: the contract of /build.json (README, "Preview")."""

    generation: int = 0  # builds finished
    files_generation: int = 0  # builds whose PDF and EPUB were written
    ok: bool = True
    problems: list[dict] = field(default_factory=list)
    pages: PrintedPages | None = None  # of the last build that succeeded
    changed: list[int] = field(default_factory=list)
    pdf: bytes | None = None
    epub: bytes | None = None
    names: dict[str, str] = field(default_factory=dict)  # "pdf", "epub" -> file name
    safe_zone: float = 0.0  # mm inside the trim that nothing important should cross

    def to_json(self) -> dict:
        return {"generation": self.generation, "ok": self.ok, "problems": self.problems,
                "pages": len(self.pages) if self.pages else 0, "changed_pages": self.changed,
                "files": {kind: f"/files/{name}" for kind, name in self.names.items()},
                "files_generation": self.files_generation, "safe_zone_mm": self.safe_zone,
                "digests": self.pages.digests if self.pages else [],
                "texts": self.pages.texts if self.pages else [],
                "boxes": [boxes.to_json() for boxes in self.pages.boxes] if self.pages else []}


class Session:
    """Builds `manuscript` into `outdir` whenever `changed()` is called, one build at a time."""

    def __init__(self, manuscript: Path, outdir: Path, profile: str | None = None,
                 styles: Path | None = None, jobs: int = 1):
        self.manuscript, self.outdir = Path(manuscript).absolute(), Path(outdir).absolute()
        self.profile, self.styles, self.jobs = profile, styles, jobs
        self.shown = Shown()
        self._condition = threading.Condition()
        self._saves = 1  # saves seen: the first build is owed one
        self._built = 0  # the saves the last finished build had seen
        self._stopping = False
        self._listeners: list[Callable[[str, dict], None]] = []
        self._thread = threading.Thread(target=self._run, name="preview-builds", daemon=True)

    def listen(self, listener: Callable[[str, dict], None]) -> Callable[[], None]:
        """`listener(event, data)` after each build ("build") and each PDF and EPUB written
        ("files"); returns what stops it listening."""
        with self._condition:
            self._listeners.append(listener)
        return lambda: self._forget(listener)

    def _forget(self, listener) -> None:
        with self._condition:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        self._thread.join(timeout=120)

    def changed(self) -> None:
        """A file the book is made from was saved."""
        with self._condition:
            self._saves += 1
            self._condition.notify_all()

    def wait_for(self, generation: int, timeout: float) -> bool:
        """Whether `generation` builds are finished within `timeout` seconds (for tests)."""
        with self._condition:
            return self._condition.wait_for(lambda: self.shown.generation >= generation, timeout)

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._stopping or self._saves > self._built)
                if self._stopping:
                    return
                saves = self._saves
            result = self._build()
            with self._condition:
                self._built = saves
                if self._saves > saves or self._stopping:
                    continue  # saved again meanwhile: the last save wins, this one is not shown
                self._show(*result)
                listeners, data = list(self._listeners), self.shown.to_json()
                self._condition.notify_all()
            for listener in listeners:
                listener("build", data)
                listener("files", data)

    def _build(self) -> tuple[bool, list[Problem], dict[str, tuple[str, bytes]], float]:
        """Whether the build succeeded, its problems, the PDF and EPUB it wrote (kind ->
        file name, bytes), and its print profile's safe zone."""
        with collect() as found:
            try:
                styles = Styles.for_manuscript(self.manuscript, self.styles)
                result = build(self.manuscript, self.outdir, FORMATS, styles, self.profile,
                               False, self.jobs)
                safe_zone = choose_profile(result.book, styles, self.profile).safe_zone
            except PamphleteerError as error:
                return False, [*found.found, *error.problems], {}, 0.0
        return True, list(result.problems), {kind: (path.name, path.read_bytes())
                                             for kind, path in result.outputs.items()
                                             if kind in ("pdf", "epub")}, safe_zone

    def _show(self, ok: bool, problems: list[Problem], files: dict[str, tuple[str, bytes]],
              safe_zone: float) -> None:
        shown = self.shown
        shown.generation += 1
        shown.ok = ok
        shown.problems = [self._problem(problem) for problem in problems]
        if not ok:
            shown.changed = []
            return
        pages = PrintedPages.of(files["pdf"][1])
        shown.changed = changed_pages(shown.pages, pages)
        shown.pages, shown.pdf, shown.epub = pages, files["pdf"][1], files["epub"][1]
        shown.names = {kind: name for kind, (name, _) in files.items()}
        shown.safe_zone = safe_zone
        shown.files_generation = shown.generation

    def _problem(self, problem: Problem) -> dict:
        path = problem.path
        if path is not None:
            try:
                path = Path(path).absolute().relative_to(self.manuscript.parent)
            except ValueError:
                pass
        return {"file": str(path) if path is not None else None, "line": problem.line,
                "column": problem.column, "severity": problem.severity, "code": problem.code,
                "message": problem.message}

    def source_lines(self) -> list[str]:
        return self.manuscript.read_text(encoding="utf-8", errors="replace").splitlines()

    def as_json(self) -> bytes:
        with self._condition:
            return json.dumps(self.shown.to_json()).encode("utf-8")
