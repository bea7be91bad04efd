"""Where a manuscript may point: files inside its own folder, and nothing else.

An image path in a manuscript from someone else could name `/etc/passwd`,
`../../secret.txt`, a symlink out of the folder, or a web address that tells a
stranger who built the book and when. Every such path is refused here, with a
message that says what to do instead, before any stage opens the file.
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The styles shipped with pamphleteer: templates, stylesheets, profiles and words.
DEFAULT_STYLES = Path(__file__).resolve().parents[1] / "styles"
MAX_IMAGE_BYTES = 50_000_000  # no picture for a pamphlet needs more; larger is a mistake


class PathProblem(ValueError):
    """The path is not one the manuscript may use; the message says why and what to do."""


def resolve_inside(folder: Path, href: str) -> Path:
    """The file `href` (as written in the manuscript) names inside `folder`."""
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ftp"):
        raise PathProblem(f"{href} is on the web: download it into the manuscript's folder "
                            "and use the local copy (the build never fetches anything)")
    if scheme == "data":
        raise PathProblem("an image written into the text as a data: URL: "
                            "save it as a file beside the manuscript and refer to that")
    if scheme == "file":
        raise PathProblem(f"{href} is a file:// URL: copy the file into the manuscript's "
                            "folder and give its path relative to the manuscript")
    if scheme and len(scheme) > 1:  # (a one-letter scheme is a Windows drive, C:)
        raise PathProblem(f"{href}: only files beside the manuscript can be used")
    path_text = unquote(parts.path) if not scheme else href
    if Path(path_text).is_absolute() or len(scheme) == 1:
        raise PathProblem(f"{href} is an absolute path: copy the file into the manuscript's "
                            "folder and give its path relative to the manuscript")
    root = folder.resolve()
    path = (root / path_text).resolve()  # follows symlinks: a link out of the folder is out
    if not path.is_relative_to(root):
        raise PathProblem(f"{href} is outside the manuscript's folder: copy it into "
                            f"{root.name}/ and refer to the copy")
    return path


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise PathProblem(f"{path.name} is {size / 1e6:.0f} MB, more than "
                            f"{MAX_IMAGE_BYTES // 1_000_000} MB: save a smaller copy (a print "
                            "picture needs 300 pixels per inch at its printed size, no more)")


# What a path can be besides a file, in words; `stat` tells without opening it.
KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
         (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def not_a_file(path: Path) -> str | None:
    """What `path` is when it exists but is not a regular file ("a named pipe"), else None.

    Asked of `stat`, never by opening it: opening a named pipe waits for a writer for ever,
    and a device such as /dev/zero never ends.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in KINDS if test(mode)), "not a regular file")
