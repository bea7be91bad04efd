"""Embedded fonts for the EPUB, when the manuscript asks (`epub-fonts: true`).

The faces named in `styles/epub/fonts.yaml` are found with fontconfig and
subset to the characters the book uses, keeping every OpenType feature (small
capitals, ligatures, old-style figures). A font's own embedding bits (OS/2
fsType) are obeyed: one that forbids embedding stops the build with a message,
one that forbids subsetting goes in whole.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..model import Book
from ..problems import fail
from ..support.styles import Styles

RESTRICTED = 0x0002  # fsType: the licence forbids embedding
NO_SUBSETTING = 0x0100
WEIGHT_NAMES = {400: "regular", 700: "bold"}


@dataclass(frozen=True)
class EmbeddedFont:
    file_name: str  # in the EPUB, e.g. fonts/linux-libertine-o-400-italic.otf
    data: bytes
    media_type: str
    weight: int
    style: str


@dataclass(frozen=True)
class FontChoice:
    family: str
    faces: list[EmbeddedFont]


def embed_fonts(book: Book, styles: Styles, text: str) -> FontChoice:
    """The faces of styles/epub/fonts.yaml, each cut down to the characters in `text`."""
    config = yaml.safe_load(styles.text("epub/fonts.yaml"))
    family = config["family"]
    characters = "".join(sorted(set(text))) + "0123456789"
    faces = [_face(book, family, int(face["weight"]), face["style"], characters)
             for face in config["faces"]]
    return FontChoice(family, faces)


def _face(book: Book, family: str, weight: int, style: str, characters: str) -> EmbeddedFont:
    from fontTools import subset  # here: most books embed no font, and it is slow to load
    from fontTools.ttLib import TTFont

    path = _find(book, family, weight, style)
    font = TTFont(str(path), recalcTimestamp=False)  # no clock in the bytes
    fs_type = font["OS/2"].fsType if "OS/2" in font else 0
    if fs_type & 0x000F == RESTRICTED:
        raise fail("EPUB-001", f"the font {path.name} may not be embedded (its licence says so): "
                   "remove 'epub-fonts' or choose another family in styles/epub/fonts.yaml",
                   book.source)
    if not fs_type & NO_SUBSETTING:
        options = subset.Options()
        options.layout_features = ["*"]  # small caps, ligatures, figures: all of them
        options.name_IDs = ["*"]  # the licence and copyright strings stay with the font
        options.notdef_outline = True
        options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a reader needs
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    is_cff = "CFF " in font
    slug = family.lower().replace(" ", "-")
    extension = ".otf" if is_cff else ".ttf"
    return EmbeddedFont(f"fonts/{slug}-{weight}-{style}{extension}", buffer.getvalue(),
                        "font/otf" if is_cff else "font/ttf", weight, style)


def _find(book: Book, family: str, weight: int, style: str) -> Path:
    """The file fontconfig gives for the face, which must really be of that family."""
    slant = "italic" if style == "italic" else "roman"
    pattern = f"{family}:weight={WEIGHT_NAMES.get(weight, weight)}:slant={slant}"
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", pattern],
                               capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        raise fail("EPUB-002", "fc-match (fontconfig) is needed to embed fonts: install fontconfig",
                   book.source) from None
    families, _, file = found.partition("\n")
    if family.lower() not in families.lower().split(","):
        raise fail("EPUB-003", f"the font '{family}' is not installed (fontconfig offers "
                   f"{families.split(',')[0]}): install it or change styles/epub/fonts.yaml", book.source)
    return Path(file)
