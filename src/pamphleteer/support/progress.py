"""How far a build has got, told to whoever listens (the command line's progress line).

The stages say what they are doing (`step("laying out", done, total)`); they never
print. Like the problem channel, nothing listens by default: a build called from
Python, or from the command line with --quiet or without a terminal, says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    stage: str  # "reading", "laying out", "writing the PDF" ...
    done: int | None = None  # of `total` parts of it, when it has parts (pieces of the book)
    total: int | None = None


_listeners: list[Callable[[Step], None]] = []


@contextmanager
def listened(listener: Callable[[Step], None]) -> Iterator[None]:
    """`listener` hears every step the stages take inside the block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def step(stage: str, done: int | None = None, total: int | None = None) -> None:
    for listener in _listeners:
        listener(Step(stage, done, total))


# Asked between the small steps of a long one (each page laid out), where nothing is shown:
# whoever started the build may stop it there by raising (the preview, when it is saved
# again or stopped, should not wait for the rest of a long piece).
_checks: list[Callable[[], None]] = []


@contextmanager
def interruptible(check: Callable[[], None]) -> Iterator[None]:
    """`check()` runs at every checkpoint inside the block; what it raises stops the build."""
    _checks.append(check)
    try:
        yield
    finally:
        _checks.remove(check)


def checkpoint() -> None:
    for check in list(_checks):
        check()
