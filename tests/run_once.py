"""Slow fixtures made once for the whole test run, whichever pytest-xdist worker asks first.

A module- or session-scoped fixture is made once per worker: with two workers
that share a module's tests, a book the module builds would be built twice. A
fixture that asks `once(...)` instead runs its maker in the first worker to
ask; the other waits for it (it would otherwise spend the same processor time
making the same thing beside it) and reads the result. The maker gets a folder
of its own in the run's shared temporary folder, and returns a picklable value.
"""

from __future__ import annotations

import fcntl
import functools
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of the whole run: above each xdist worker's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory, name: str, make: Callable[[Path], T]) -> T:
    """make(folder)'s value, made by one worker of the run and shared with the others."""
    folder = run_folder(tmp_path_factory) / "once" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    result = folder.parent / f"{name}.pickle"
    with open(folder.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the worker dies
        if not result.exists():
            folder.mkdir(exist_ok=True)  # a worker whose maker failed may have left it
            value = make(folder)
            partial = folder.parent / f"{name}.part"
            partial.write_bytes(pickle.dumps(value))
            partial.replace(result)
            return value
    return pickle.loads(result.read_bytes())


class _Folders:
    """Stands in for pytest's tmp_path_factory inside a maker: its folders are made in
    the maker's own folder of the run."""

    def __init__(self, folder: Path):
        self.folder, self.made = folder, 0

    def mktemp(self, name: str) -> Path:
        self.made += 1
        path = self.folder / f"{name}{self.made}"
        path.mkdir()
        return path

    def getbasetemp(self) -> Path:
        return self.folder


def made_once(fixture: Callable[..., T]) -> Callable[..., T]:
    """For a fixture that takes tmp_path_factory alone: made once for the whole run,
    whichever worker asks first (put it under @pytest.fixture)."""

    @functools.wraps(fixture)
    def shared(tmp_path_factory) -> T:
        name = f"{fixture.__module__}-{fixture.__name__}"
        return once(tmp_path_factory, name, lambda folder: fixture(_Folders(folder)))

    return shared
