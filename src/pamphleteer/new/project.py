"""`pamphleteer new FOLDER`: a folder ready to write a pamphlet in.

It holds `manuscript/<folder>.md` (front matter and a short text that shows how
to write sections, notes, a picture and a quotation, meant to be written over),
a picture drawn here for it, a Makefile whose `make` and `make check` pass as
they are, a README and a .gitignore. The starter files are in `starter/`,
filled in with Jinja2; the folder is made whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
from pathlib import Path

import jinja2
from PIL import Image, ImageDraw

from ..problems import fail
from ..support.slugs import slugify

STARTER = Path(__file__).parent / "starter"
# starter file -> where it goes in the new folder ({slug}: the manuscript's name)
FILES = {"manuscript.md": "manuscript/{slug}.md", "Makefile": "Makefile",
         "README.md": "README.md", "gitignore": ".gitignore"}
PICTURE = "manuscript/images/hills.png"


def new_project(folder: Path, title: str | None = None, author: str = "Your Name",
                lang: str = "en", today: dt.date | None = None) -> list[Path]:
    """Make `folder` (new, or empty) with a pamphlet to start from; the files made."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise fail("NEW-001", "this folder already holds files: name a new folder, "
                   "as in pamphleteer new my-pamphlet", folder)
    slug = slugify(folder.absolute().name) or "pamphlet"
    values = {"title": title or _title_from(folder.absolute().name), "author": author,
              "lang": lang, "date": (today or dt.date.today()).isoformat(), "slug": slug}
    folder.absolute().parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=folder.absolute().parent))
    try:
        made = _fill(staging, values)
        staging.chmod(0o777 & ~_umask())  # a temporary folder is private; the new one is not
        if folder.exists():
            folder.rmdir()  # empty, as checked above
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / path.relative_to(staging) for path in made]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _title_from(name: str) -> str:
    words = name.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "My pamphlet"


def _fill(staging: Path, values: dict[str, str]) -> list[Path]:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(STARTER), keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined, autoescape=False)
    made = []
    for starter, target in FILES.items():
        path = staging / target.format(slug=values["slug"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(environment.get_template(starter).render(values), encoding="utf-8")
        made.append(path)
    picture = staging / PICTURE
    picture.parent.mkdir(parents=True, exist_ok=True)
    draw_hills().save(picture, optimize=True)
    made.append(picture)
    return made


def draw_hills(size: tuple[int, int] = (1600, 1000)) -> Image.Image:
    """The example's picture, drawn here: three hills under an evening sky, the sun
    setting behind the farthest, and a path winding down towards the viewer."""
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    top, horizon = (116, 132, 178), (247, 214, 160)  # dusk above, warm light low down
    for y in range(height):
        share = min(y / (height * 0.62), 1.0)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, horizon, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x, sun_y, radius = width * 0.62, height * 0.52, height * 0.13
    draw.ellipse([sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(236, 128, 64))
    # (crest height as a share of the picture, where the crest is, how wide, colour): far to near
    for crest, centre, spread, colour in ((0.50, 0.68, 0.30, (140, 160, 120)),
                                           (0.60, 0.22, 0.35, (104, 140, 86)),
                                           (0.72, 0.80, 0.45, (74, 112, 62))):
        rise = [math.exp(-((x / width - centre) / spread) ** 2) for x in range(0, width + 1, 8)]
        outline = [(step * 8, height * (crest + (1 - crest) * 0.55 * (1 - r))) for step, r in enumerate(rise)]
        draw.polygon([(0, height), *outline, (width, height)], fill=colour)
    path = []  # a band that narrows as it goes away, swinging left and right
    for step in range(41):
        share = step / 40  # 0 at the bottom edge, 1 where it goes over the near hill
        y = height - share * height * 0.22
        x = width * (0.48 + 0.07 * math.sin(share * 5.5))
        half = width * (0.09 * (1 - share) + 0.006)
        path.append(((x - half, y), (x + half, y)))
    draw.polygon([left for left, _ in path] + [right for _, right in reversed(path)], fill=(214, 190, 140))
    return picture
