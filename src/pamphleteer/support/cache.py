"""A cache of slow work whose result depends only on its inputs.

Entries live in `<outdir>/.cache/<kind>/` under a SHA-256 of everything that
goes into them (the inputs' bytes and pamphleteer's version), so an entry is
never stale: a changed input is a different key. Deleting the folder is always
safe; `make clean` does. The warnings found making an entry are kept with it
(`problems/<kind>/`), so that a build that uses the entry again warns again.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import __version__
from ..problems import Problem, captured, report_all
from .output import write_atomically

# A folder for the cache of every build, instead of each build folder's own `.cache`:
# the tests share one, so that the same manuscript built twice is laid out once.
ENVIRONMENT = "PAMPHLETEER_CACHE"


def build_cache(outdir: Path) -> Cache:
    """The cache of a build into `outdir`: `<outdir>/.cache`, or PAMPHLETEER_CACHE's folder."""
    shared = os.environ.get(ENVIRONMENT)
    return Cache(Path(shared) if shared else outdir / ".cache")


def cache_key(*inputs: bytes | str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for item in inputs:
        data = item.encode("utf-8") if isinstance(item, str) else item
        digest.update(len(data).to_bytes(8, "big"))  # so ("ab", "c") differs from ("a", "bc")
        digest.update(data)
    return digest.hexdigest()


class Cache:
    def __init__(self, folder: Path | None):
        self.folder = folder  # None: remember nothing

    def get(self, kind: str, key: str) -> bytes | None:
        if self.folder is None:
            return None
        path = self.folder / kind / key
        return path.read_bytes() if path.is_file() else None

    def put(self, kind: str, key: str, data: bytes, problems: Sequence[Problem] = ()) -> None:
        """Keep an entry, and the problems found making it (before it: whoever finds the
        entry finds them too)."""
        if self.folder is None:
            return
        if problems:
            write_atomically(self.folder / "problems" / kind / key,
                             json.dumps([problem.to_json() for problem in problems]).encode("utf-8"))
        write_atomically(self.folder / kind / key, data)

    def problems(self, kind: str, key: str) -> list[Problem]:
        """The problems found when an entry was made."""
        path = self.folder / "problems" / kind / key if self.folder is not None else None
        if path is None or not path.is_file():
            return []
        return [Problem.from_json(item) for item in json.loads(path.read_bytes())]

    def remember(self, kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        """The entry, made by `make` if it is missing. The problems found making it are
        reported now, and again each time the entry is used."""
        data = self.get(kind, key)
        if data is None:
            with captured() as found:
                data = make()
            self.put(kind, key, data, found.found)
            problems = found.found
        else:
            problems = self.problems(kind, key)
        report_all(problems)
        return data

    @contextlib.contextmanager
    def lock(self, kind: str, key: str = "") -> Iterator[None]:
        """Held by one process at a time, while it makes an entry of `kind`, so that two
        builds side by side make each entry once: the second waits, then finds it. With
        a `key`, only builds making entries of keys alike wait (one lock per first two
        letters), so two books built side by side (`make -j`) do not wait for each other."""
        if self.folder is None:
            yield
            return
        path = self.folder / ".locks" / f"{kind}{'-' + key[:2] if key else ''}"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def path(self, kind: str, key: str) -> Path | None:
        """The file an entry is kept in (for a program that reads files), if it is kept."""
        path = self.folder / kind / key if self.folder is not None else None
        return path.resolve() if path is not None and path.is_file() else None

    def fill(self, kind: str, work: Callable[[bytes], bytes], inputs: dict[str, bytes]) -> None:
        """Make the entries of `inputs` (key -> input) that are missing, with `work`: side
        by side, a process per core, when there are several. `work` must be a module's
        function, for the processes to find it. The problems it reports come back from
        the processes and are kept with the entries: `remember` reports them when an
        entry is used."""
        if self.folder is None:
            return  # nowhere to keep them: each is made when it is asked for
        missing = {key: data for key, data in inputs.items() if self.get(kind, key) is None}
        workers = min(len(missing), usable_cores())
        if workers < 2 or sum(map(len, missing.values())) < SIDE_BY_SIDE_FROM:
            for key, data in missing.items():
                self.put(kind, key, *_with_problems(work, data))
            return
        # spawn, not fork: a forked worker would count all the memory of the build that
        # started it (a laid-out book, say) as its own; a new one needs only its module.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            made = pool.map(functools.partial(_with_problems, work), missing.values())
            for key, (data, problems) in zip(missing, made, strict=True):
                self.put(kind, key, data, problems)


# A worker process costs about half a second to start (Python, Pillow, our modules): work
# on less than this much input (a few small pictures) is done sooner in this process.
SIDE_BY_SIDE_FROM = 3_000_000  # bytes


def usable_cores() -> int:
    """The cores this process may run on (`taskset` may give it fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _with_problems(work: Callable[[bytes], bytes], data: bytes) -> tuple[bytes, list[Problem]]:
    """`work` done, in this process or a worker, and the problems it reported: a worker's
    own channel ends with it, so they go back with the result."""
    with captured() as found:
        made = work(data)
    return made, found.found


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a block at a time (a picture need not fit in memory)."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def files_digest(paths: list[Path]) -> str:
    """One key for the bytes of several files."""
    return cache_key(*(file_sha256(path) for path in paths))
