"""A build that would make the same files again is not done at all.

After a build with no problem to report, its stamp is kept beside its cache: a
fingerprint of everything the build could have read, and the size and time of
each file it wrote. The next `pamphleteer build` with the same fingerprint, and
its files as it left them, only says so: it does not even load the stages (half
a second of imports), as `make` would not run it. Anything else builds, and the
content-keyed caches (cache.py) then decide what to redo.

What the fingerprint holds, like make's prerequisites (Makefile): the
manuscript's text and time (a book with no date is stamped with it), every file
in the manuscript's folder and below and in the style folders a book may use
(their names, sizes and times), pamphleteer's own files (code and default
styles), the versions of Python and of the libraries that shape the output,
SOURCE_DATE_EPOCH, and the command's options. Not the system's fonts, which no
cache of ours follows either. Only the standard library and `styles.py` are used
here: this runs before anything else is loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .styles import Styles

RECIPE = "stamp-v1"
FOLDER = "stamps"  # in the build folder's .cache
SHAPERS = ("weasyprint", "pydyf", "markdown", "jinja2", "ebooklib", "pillow", "pikepdf",
           "fonttools", "pyyaml", "lxml", "python-stdnum", "babel", "pypdfium2")
PACKAGE = Path(__file__).resolve().parents[1]  # this file is <package>/support/stamps.py


@dataclass(frozen=True)
class Stamp:
    path: Path  # where it is kept
    fingerprint: str

    @classmethod
    def for_build(cls, manuscript: Path, outdir: Path, formats: tuple[str, ...],
                  profile: str | None, strict: bool, styles: Path | None) -> Stamp:
        manuscript, outdir = Path(manuscript).absolute(), Path(outdir).absolute()
        options = {"recipe": RECIPE, "manuscript": str(manuscript), "outdir": str(outdir),
                   "formats": sorted(formats), "profile": profile, "strict": strict,
                   "styles": str(Path(styles).absolute()) if styles else None,
                   "python": sys.version, "versions": _versions(),
                   "epoch": os.environ.get("SOURCE_DATE_EPOCH")}
        digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
        digest.update(manuscript.read_bytes())
        digest.update(str(manuscript.stat().st_mtime_ns).encode())
        # The style folders as the build looks them up, pamphleteer's own among them
        # (a link inside the package, which the walk below would not follow).
        watched = [manuscript.parent, *Styles.for_manuscript(manuscript, styles).folders, PACKAGE]
        for root in dict.fromkeys(watched):  # in order, each once
            digest.update(f"\0{root}\0".encode())
            for line in _listing(root, skip=outdir):
                digest.update(line.encode())
        name = f"{manuscript.stem}-{'-'.join(sorted(formats))}-{profile or 'own'}.json"
        return cls(outdir / ".cache" / FOLDER / name, digest.hexdigest())

    def unchanged(self) -> list[Path] | None:
        """The files the last build wrote, if it would write them again as they are."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if kept.get("fingerprint") != self.fingerprint:
            return None
        outputs = [Path(entry["path"]) for entry in kept["outputs"]]
        if any(_state(path) != [entry["size"], entry["time"]]
               for path, entry in zip(outputs, kept["outputs"], strict=True)):
            return None  # written over, removed or touched since
        return outputs

    def record(self, outputs: list[Path]) -> None:
        """Keep the stamp of a build that wrote `outputs` and reported no problem."""
        entries = [{"path": str(path), "size": state[0], "time": state[1]}
                   for path in outputs if (state := _state(path)) is not None]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": self.fingerprint, "outputs": entries}),
                             encoding="utf-8")
        temporary.replace(self.path)

    def renew(self, outputs: list[Path]) -> None:
        """The files found up to date get the time of now, as a build would have given
        them: `make` then sees them newer than what it rebuilt them for."""
        for path in outputs:
            os.utime(path)
        self.record(outputs)

    def forget(self) -> None:
        """A build that reported problems is done again next time: it says them again."""
        self.path.unlink(missing_ok=True)


def _state(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _listing(root: Path, skip: Path) -> list[str]:
    """Every file under `root` (not in hidden folders, nor in `skip`): its path, size and time."""
    found: list[str] = []
    if not root.is_dir():
        return found
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__pycache__"
                            and (here / f) != skip)
        for name in sorted(files):
            state = _state(here / name)
            if state is not None:
                found.append(f"{(here / name).relative_to(root)}\0{state[0]}\0{state[1]}\n")
    return found


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in SHAPERS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
