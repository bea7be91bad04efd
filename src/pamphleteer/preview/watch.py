"""The files a book is made from, watched: a save calls back once, however many times the
editor wrote (watchfiles waits for the writes to settle)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..support.styles import Styles

SETTLE_MS = 120  # writes closer together than this are one save


def watched_folders(manuscript: Path, styles: Path | None = None) -> list[Path]:
    """The manuscript's folder (its pictures are in it), and the style folders the build
    looks styles up in; none inside another."""
    folder = Path(manuscript).absolute().parent
    looked_up = Styles.for_manuscript(manuscript, styles).folders
    found = [path.absolute() for path in dict.fromkeys([folder, *looked_up])]
    return [path for path in found if not any(other in path.parents for other in found)]


def watch(folders: list[Path], ignored: list[Path], on_save: Callable[[], None],
          stop: threading.Event) -> None:
    """Call `on_save` after each save in `folders` (not in `ignored`, nor in hidden files
    and folders), until `stop` is set."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as watch_files

    ignored = [Path(path).absolute() for path in ignored]

    roots = [Path(folder).absolute() for folder in folders]

    class BookFiles(DefaultFilter):
        def __call__(self, change, path: str) -> bool:
            where = Path(path)
            inside = [where.relative_to(root) for root in roots if root in where.parents]
            return (super().__call__(change, path) and bool(inside)
                    and not any(part.startswith(".") for part in inside[0].parts)
                    and not any(where == folder or folder in where.parents for folder in ignored))

    for _ in watch_files(*folders, watch_filter=BookFiles(), stop_event=stop, debounce=SETTLE_MS,
                         step=40, raise_interrupt=False, yield_on_timeout=False):
        on_save()
