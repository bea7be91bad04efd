"""A cache of slow work whose result depends only on its inputs.

Entries live in `<outdir>/.cache/<kind>/` under a SHA-256 of everything that
goes into them (the inputs' bytes and pamphleteer's version), so an entry is
never stale: a changed input is a different key. Deleting the folder is always
safe; `make clean` does.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__
from .output import write_atomically


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

    def put(self, kind: str, key: str, data: bytes) -> None:
        if self.folder is not None:
            write_atomically(self.folder / kind / key, data)


def files_digest(paths: list[Path]) -> str:
    """One key for the bytes of several files."""
    return cache_key(*(path.read_bytes() for path in paths))
