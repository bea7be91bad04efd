"""Time spent in each stage of a build, for the benchmark.

With PAMPHLETEER_TIMINGS=path/to/file.json in the environment, a build writes
{"seconds": {stage: seconds, ...}, "counts": {thing: count, ...}} there when it
ends (bench/run.py and the tests read it). Without it,
nothing is recorded and nothing is written.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENVIRONMENT = "PAMPHLETEER_TIMINGS"
_spent: dict[str, float] = {}
_counted: dict[str, int] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _spent[name] = _spent.get(name, 0.0) + time.perf_counter() - started


def count(name: str, more: int = 1) -> None:
    """One more of something (a piece laid out, say), or `more`, recorded beside the times."""
    _counted[name] = _counted.get(name, 0) + more


def save() -> None:
    """Write the stages' times where PAMPHLETEER_TIMINGS says, if it says."""
    target = os.environ.get(ENVIRONMENT)
    if target:
        Path(target).write_text(json.dumps({"seconds": _spent, "counts": _counted}, indent=1),
                                encoding="utf-8")


def counts() -> dict[str, int]:
    """What has been counted so far in this process."""
    return dict(_counted)


def reset() -> None:
    """Forget what was timed and counted: for a process that builds more than once."""
    _spent.clear()
    _counted.clear()
