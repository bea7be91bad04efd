"""Where each style file comes from: the book's own `styles/` folder first, then pamphleteer's.

A press restyles one template by copying just that file into the book's
`styles/` folder, at the same place under it (`styles/print/book.css`); every
file it has not copied still comes from the styles shipped inside the package,
so a copy never has to be kept in step with a newer pamphleteer. Templates are
looked up the same way (a Jinja2 `ChoiceLoader` over these folders, in
`render/templates.py`).

Which folder is the book's own: `styles/` beside the manuscript, and `styles/`
in the folder above it (a project laid out as `manuscript/x.md` beside
`styles/`), the nearer first; `--styles DIR` comes before both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..problems import fail
from .paths import DEFAULT_STYLES

FOLDER = "styles"  # the name of a book's own styles folder


@dataclass(frozen=True)  # hashable: the template environment is made once per Styles
class Styles:
    """The folders style files are looked for in, in order: the first that has a file
    wins. The last is always pamphleteer's own (`DEFAULT_STYLES`)."""

    folders: tuple[Path, ...]

    @classmethod
    def with_own(cls, *own: Path) -> Styles:
        """The `own` folders that exist, in order, then the defaults; a folder that is
        the defaults under another name (this project's styles/) counts once."""
        chosen: list[Path] = []
        seen: set[Path] = set()
        for folder in own:
            if folder.is_dir() and folder.resolve() not in seen:
                seen.add(folder.resolve())
                chosen.append(folder.absolute())
        if DEFAULT_STYLES.resolve() not in seen:
            chosen.append(DEFAULT_STYLES)
        return cls(tuple(chosen))

    @classmethod
    def for_manuscript(cls, manuscript: Path, given: Path | None = None) -> Styles:
        """The styles of the book at `manuscript`; `given` (--styles DIR) comes first."""
        return cls.for_folder(Path(manuscript).absolute().parent, given)

    @classmethod
    def for_folder(cls, folder: Path, given: Path | None = None) -> Styles:
        """`given`, then `styles/` in `folder`, then `styles/` in the folder above it,
        then the defaults. (The catalogue's: `folder` is publish/.)"""
        if given is not None and not given.is_dir():
            raise fail("STYLES-001", "--styles names no folder: give the folder your own style "
                       "files are in", given)
        folder = Path(folder).absolute()
        return cls.with_own(*([given] if given is not None else []), folder / FOLDER, folder.parent / FOLDER)

    def copies(self, relative: str) -> list[Path]:
        """Every folder's copy of the style file `relative` ("print/book.css"), the one used first."""
        return [folder / relative for folder in self.folders if (folder / relative).is_file()]

    def find(self, relative: str) -> Path:
        """The style file `relative` from the first folder that has it."""
        found = self.copies(relative)
        if not found:
            folders = ", ".join(str(f) for f in self.folders)
            raise fail("STYLES-002", f"no style file {relative} in {folders}: "
                       "pamphleteer's own styles are incomplete; reinstall pamphleteer")
        return found[0]

    def text(self, relative: str) -> str:
        return self.find(relative).read_text(encoding="utf-8")

    def files(self, folder: str) -> dict[str, Path]:
        """The files under `folder` ("cover", "profiles") by their path inside it, each
        from the first styles folder that has it (a copy shadows the default), by name."""
        found: dict[str, Path] = {}
        for root in self.folders:
            base = root / folder
            for path in sorted(base.rglob("*")) if base.is_dir() else ():
                name = path.relative_to(base)
                if path.is_file() and not any(part.startswith(".") for part in name.parts):
                    found.setdefault(name.as_posix(), path)  # (.DS_Store, an editor's swap file: not styles)
        return dict(sorted(found.items()))


DEFAULTS = Styles.with_own()  # pamphleteer's own styles alone
