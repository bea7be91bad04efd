"""Writing output files so that a failed build never leaves a broken one behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

# The outputs written while `outputs_held()` is open: (temporary file, where it goes).
_held: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("pamphleteer_held_outputs", default=None)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename it into place.

    The rename is atomic, so readers see the old file or the new one, never half of one.
    """
    temporary = _beside(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_output(path: Path, data: bytes) -> Path:
    """Write one of a command's outputs: at once (atomically), or, while `outputs_held()`
    is open, when it closes."""
    held = _held.get()
    if held is None:
        return write_atomically(path, data)
    held.append((_beside(path, data), path))
    return path


@contextlib.contextmanager
def outputs_held() -> Iterator[None]:
    """The outputs written inside are put in place together when it ends without an error,
    and none of them if it ends with one (a warning --strict counts as an error, say): a
    build either changes all its outputs or none."""
    held: list[tuple[Path, Path]] = []
    token = _held.set(held)
    try:
        yield
    except BaseException:
        for temporary, _ in held:
            temporary.unlink(missing_ok=True)
        raise
    else:
        for index, (temporary, path) in enumerate(held):
            try:
                os.replace(temporary, path)
            except BaseException:
                for left, _ in held[index:]:
                    left.unlink(missing_ok=True)
                raise
    finally:
        _held.reset(token)


def _beside(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, on the disk before it is renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)
