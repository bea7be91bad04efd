"""The builds of a preview: one at a time, in a thread of the resident process, the last
save winning. What the last build made is kept for the server, with the pages of the last
good one: a build that fails leaves them on screen, marked stale."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..pipeline import FORMATS, KeptLayouts, build, choose_profile, edited_pages, keep_layouts
from ..problems import PamphleteerError, Problem, collect
from ..support.progress import interruptible, listened
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


class _Superseded(Exception):
    """Saved again while a build ran: the build stops at its next step."""


class Session:
    """Builds `manuscript` into `outdir` whenever `changed()` is called, one build at a time."""

    def __init__(self, manuscript: Path, outdir: Path, profile: str | None = None,
                 styles: Path | None = None, jobs: int = 1):
        self.manuscript, self.outdir = Path(manuscript).absolute(), Path(outdir).absolute()
        self.profile, self.styles, self.jobs = profile, styles, jobs
        self.shown = Shown()
        self.kept = KeptLayouts()  # the pieces of the text laid out, to lay an edit out from its page
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

    def wait_for(self, generation: int, timeout: float, files: bool = False) -> bool:
        """Whether `generation` page builds are finished within `timeout` seconds (with
        `files`: and their files written; for tests)."""
        def done() -> bool:
            return (self.shown.files_generation if files else self.shown.generation) >= generation

        with self._condition:
            return self._condition.wait_for(done, timeout)

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._stopping or self._saves > self._built)
                if self._stopping:
                    return
                saves = self._saves
            self._build_for(saves)

    def _build_for(self, saves: int) -> None:
        """The pages of the edit first, when the pieces kept can tell them; then the build
        that writes the files; then, while nothing is saved, the pieces not kept yet."""
        def superseded() -> bool:
            return self._stopping or self._saves > saves

        quick = self._edited_pages() if self.shown.pages is not None and self.shown.ok else None
        if quick is not None and not superseded():
            self._publish("build", lambda: self._show_edit(quick))
        def check() -> None:
            self._check(superseded)

        try:
            with listened(lambda step: check()), interruptible(check):
                result = self._build()  # stopped at its next step or page when saved again
        except _Superseded:
            result = None
        with self._condition:
            self._built = saves
        if result is None or superseded():
            return  # saved again meanwhile: the last save wins, this build is not shown
        events = self._publish_build(result, shown_edit=quick is not None)
        for event, data in events:
            self._tell(event, data)
        if result[0]:
            self._keep_layouts(superseded)

    @staticmethod
    def _check(superseded: Callable[[], bool]) -> None:
        if superseded():
            raise _Superseded

    def _edited_pages(self):
        """The pages the last save changed, from the pieces kept; None when they cannot tell."""
        with collect():  # the build that follows tells the problems, once
            try:
                styles = Styles.for_manuscript(self.manuscript, self.styles)
                edit = edited_pages(self.manuscript, self.outdir, styles, self.profile, self.kept)
            except PamphleteerError:
                return None
        if edit is None:
            return None
        return self.shown.pages.with_edit(edit.pdf, edit.numbers)

    def _keep_layouts(self, superseded: Callable[[], bool]) -> None:
        with collect(), interruptible(lambda: self._check(superseded)):
            try:
                styles = Styles.for_manuscript(self.manuscript, self.styles)
                keep_layouts(self.manuscript, self.outdir, styles, self.profile, self.kept, superseded)
            except PamphleteerError:
                pass  # a build says what is wrong
            except _Superseded:
                pass  # saved again, or stopped: the piece half laid out is not kept

    def _publish(self, event: str, change: Callable[[], None]) -> None:
        with self._condition:
            change()
            data = self.shown.to_json()
            self._condition.notify_all()
        self._tell(event, data)

    def _tell(self, event: str, data: dict) -> None:
        with self._condition:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event, data)

    def _build(self) -> tuple[bool, list[Problem], dict[str, tuple[str, bytes]], float]:
        """Whether the build succeeded, its problems, the PDF and EPUB it wrote (kind ->
        file name, bytes), and its print profile's safe zone."""
        with collect() as found:
            try:
                styles = Styles.for_manuscript(self.manuscript, self.styles)
                result = build(self.manuscript, self.outdir, FORMATS, styles, self.profile,
                               False, self.jobs, self.kept)
                safe_zone = choose_profile(result.book, styles, self.profile).safe_zone
            except PamphleteerError as error:
                return False, [*found.found, *error.problems], {}, 0.0
        return True, list(result.problems), {kind: (path.name, path.read_bytes())
                                             for kind, path in result.outputs.items()
                                             if kind in ("pdf", "epub")}, safe_zone

    def _show_edit(self, pages: PrintedPages) -> None:
        shown = self.shown
        shown.generation += 1
        shown.changed = changed_pages(shown.pages, pages)
        shown.pages = pages

    def _publish_build(self, result, shown_edit: bool) -> list[tuple[str, dict]]:
        """Show what a build made; the events to tell: a page build, unless the pages of
        the edit shown already are those the build made, and the files, if it wrote them."""
        ok, problems, files, safe_zone = result
        with self._condition:
            shown = self.shown
            problems = [self._problem(problem) for problem in problems]
            pages = PrintedPages.of(files["pdf"][1]) if ok else None
            changed = changed_pages(shown.pages, pages) if ok else []
            events = []
            if not (shown_edit and ok and shown.ok and not changed and problems == shown.problems):
                shown.generation += 1
                shown.changed = changed
                events.append("build")
            shown.ok, shown.problems = ok, problems
            if ok:
                shown.pages, shown.pdf, shown.epub = pages, files["pdf"][1], files["epub"][1]
                shown.names = {kind: name for kind, (name, _) in files.items()}
                shown.safe_zone = safe_zone
                shown.files_generation = shown.generation
                events.append("files")
            data = shown.to_json()
            self._condition.notify_all()
        return [(event, data) for event in events]

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
