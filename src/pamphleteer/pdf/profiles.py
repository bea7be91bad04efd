"""Print profiles: the page geometry and PDF flavour a printer asks for.

Each profile is a small YAML file in `styles/profiles/` (digital, press, kdp,
lulu, or one the user copied and edited). It decides the trim size, the bleed
and on which edges, crop marks, the PDF variant (PDF/UA, PDF/X), bookmarks,
font embedding and the safe zone. The typography stays in `print/book.css`;
this module turns a profile into the `@page` rules that go after it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..model import Trim
from ..problems import Diagnostics, fail
from ..support.styles import Styles
from ..support.units import parse_length, parse_trim

DEFAULT_PROFILE = "digital"
# Room outside the bleed for crop marks, which must not print on the page.
MARKS_ROOM_MM = 7.0
# Margins as a share of the trim: A5's 16/20/19/15 mm, kept in proportion.
MARGIN_SHARES = {"top": 16 / 210, "bottom": 20 / 210, "inside": 19 / 148, "outside": 15 / 148}
# What the running head and folio need above and below the text block.
HEAD_ROOM_MM, FOOT_ROOM_MM = 9.0, 10.0


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    inside: float
    outside: float


@dataclass(frozen=True)
class CoverRules:
    """A profile's `cover:` block: how its printer wants the cover (pdf/wrap.py)."""

    papers: dict[str, float]  # paper -> thickness of one page (a leaf's side), mm
    paper: str | None  # the paper used when none is asked for
    spine_base: float  # mm added to pages × thickness (Lulu's formula has one)
    bleed: float  # mm, on every outer edge of the cover
    safe_zone: float  # mm: text keeps this far inside the trim and the folds
    spine_text_from: int  # pages: a thinner book has a blank spine
    spine_clearance: float  # mm between the spine text and each fold
    barcode_width: float | None  # the barcode area on the back (none: no area kept)
    barcode_height: float | None
    barcode_margin: float  # mm from the bottom trim and from the spine

    def thickness(self, paper: str | None) -> float:
        return self.papers[paper or self.paper] if self.papers else 0.0


@dataclass(frozen=True)
class PrintProfile:
    name: str
    description: str
    trim: Trim
    bleed: float  # mm
    bleed_edges: str  # "all" or "outer"
    crop_marks: bool
    pdf_variant: str | None
    output_intent: Path | None
    bookmarks: bool
    full_fonts: bool
    safe_zone: float  # mm
    warn_below_ppi: int | None
    error_below_ppi: int | None
    binding: str = "none"  # "saddle-stitch" (folded and stapled) or "perfect" (glued spine)
    cover_page: bool = True  # print the manuscript's cover image as page 1
    min_pages: int = 1
    cover: CoverRules | None = None  # the print cover's rules (`cover:`), if it makes one

    def with_trim(self, trim: Trim | None) -> PrintProfile:
        return self if trim is None else replace(self, trim=trim)

    @property
    def margins(self) -> Margins:
        w, h, safe = self.trim.width, self.trim.height, self.safe_zone
        return Margins(
            top=max(h * MARGIN_SHARES["top"], safe + HEAD_ROOM_MM),
            bottom=max(h * MARGIN_SHARES["bottom"], safe + FOOT_ROOM_MM),
            inside=max(w * MARGIN_SHARES["inside"], safe),
            outside=max(w * MARGIN_SHARES["outside"], safe),
        )

    @property
    def media_bleed(self) -> float:
        """How far the PDF's MediaBox reaches past the trim: the bleed, plus room for marks."""
        return self.bleed + (MARKS_ROOM_MM if self.crop_marks else 0.0)

    def page_css(self) -> str:
        m = self.margins
        bleed = _mm(self.media_bleed)
        spine = "0mm" if self.bleed_edges == "outer" else bleed
        rules = [
            f"@page {{ size: {_mm(self.trim.width)} {_mm(self.trim.height)}; "
            f"margin-top: {_mm(m.top)}; margin-bottom: {_mm(m.bottom)}; "
            f"bleed: {bleed}; marks: {'crop' if self.crop_marks else 'none'}; }}",
            # Mirrored margins: the inside margin is on the binding side.
            f"@page :left {{ margin-left: {_mm(m.outside)}; margin-right: {_mm(m.inside)}; "
            f"bleed-right: {spine}; }}",
            f"@page :right {{ margin-left: {_mm(m.inside)}; margin-right: {_mm(m.outside)}; "
            f"bleed-left: {spine}; }}",
        ]
        # Full-bleed pictures cover the trim and the bleed, not the room for marks.
        width, height = self.trim.width + 2 * self.bleed, self.trim.height + 2 * self.bleed
        rules.append(f".cover-page img, figure.bleed img {{ width: {_mm(width)}; height: {_mm(height)}; "
                     f"margin: -{_mm(self.bleed)} 0 0 -{_mm(self.bleed)}; }}")
        if not self.cover_page:
            rules.append(".cover-page, .inside-cover { display: none; }")
        if not self.bookmarks:
            rules.append("h1, h2, h3, h4, h5, h6 { bookmark-level: none; }")
        if self.output_intent:
            rules.append(f"@color-profile device-cmyk {{ src: url({self.output_intent.as_uri()}); "
                         "components: cyan, magenta, yellow, black; }")
            # Text and rules in black ink only: RGB black would print in four inks.
            rules.append("@page { color: device-cmyk(0 0 0 1); "
                         "@footnote { border-top-color: device-cmyk(0 0 0 0.75); } }")
            rules.append("* { color: device-cmyk(0 0 0 1) !important; "
                         "border-color: device-cmyk(0 0 0 0.75) !important; }")
            rules.append("img { image-rendering: crisp-edges; }")  # no /Interpolate for PDF/X
        return "\n".join(rules) + "\n"


def profile_names(styles: Styles) -> list[str]:
    """The profiles of the book's own styles/profiles/ and pamphleteer's, together."""
    return sorted(name.removesuffix(".yaml") for name in styles.files("profiles")
                  if name.endswith(".yaml") and "/" not in name)


def load_profile(name: str, styles: Styles) -> PrintProfile:
    """The profile `name` in `styles/profiles/` (the book's own copy first). Every problem
    in its file is reported at once, each with its line, and stops the build: a print job
    made with a wrong profile is paper wasted."""
    found = styles.copies(f"profiles/{name}.yaml") if re.fullmatch(r"[A-Za-z0-9_-]+", name) else []
    if not found:
        known = ", ".join(profile_names(styles))
        raise fail("PROFILE-001", f"no print profile '{name}': choose one of {known}, or add "
                   f"styles/profiles/{name}.yaml")
    path = found[0]
    diag = Diagnostics(path)
    given = _read(path, diag)
    settings = {key: _setting(key, *given.get(key, (default, None)), diag)
                for key, (default, _) in KEYS.items()}
    diag.problems.sort(key=lambda problem: problem.line or 0)  # as the file reads, top to bottom
    diag.raise_if_errors()
    return _profile(name, settings)


# Each key a profile may set: its default (as it would be written), and what its value may be.
KEYS: dict[str, tuple[object, str]] = {
    "description": (None, "text"),
    "trim": ("A5", "trim"),
    "bleed": ("0mm", "length"),
    "bleed-edges": ("all", "all|outer"),
    "crop-marks": (False, "flag"),
    "pdf-variant": (None, "text"),
    "output-intent": (None, "file"),
    "bookmarks": (True, "flag"),
    "full-fonts": (False, "flag"),
    "safe-zone": ("0mm", "length"),
    "warn-below-ppi": (300, "number"),
    "error-below-ppi": (None, "number"),
    "binding": ("none", "none|saddle-stitch|perfect"),
    "min-pages": (1, "number"),
    "cover-page": (True, "flag"),
    "cover": (None, "cover"),
}

# Each key of a profile's `cover:` block; `paper-NAME: 0.0025in` gives a paper's thickness per page.
COVER_KEYS: dict[str, tuple[object, str]] = {
    "paper": (None, "text"),
    "spine-base": ("0mm", "length"),
    "bleed": ("0mm", "length"),
    "safe-zone": ("0mm", "length"),
    "spine-text-from": (1, "number"),
    "spine-clearance": ("0mm", "length"),
    "barcode-width": (None, "length"),
    "barcode-height": (None, "length"),
    "barcode-margin": ("0mm", "length"),
}


def _read_cover(loader, node, diag: Diagnostics) -> dict[str, tuple[object, int]]:
    """key -> (value, line) of a profile's `cover:` block."""
    values: dict[str, tuple[object, int]] = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key not in COVER_KEYS and not key.startswith("paper-"):
            near = difflib.get_close_matches(key, list(COVER_KEYS), n=1)
            hint = (f"did you mean '{near[0]}'?" if near
                    else f"the keys are {', '.join(COVER_KEYS)}, paper-NAME")
            diag.error("PROFILE-012", f"unknown key '{key}' under 'cover' ({hint})", line=line)
        else:
            _scalar(loader, key, value_node, line, values, diag)
    return values


def _scalar(loader, key: str, node, line: int, values: dict, diag: Diagnostics) -> None:
    """values[key] = (the value, its line), if it is one value."""
    if not isinstance(node, yaml.ScalarNode):
        diag.error("PROFILE-011", f"'{key}' takes one value, not a list or a mapping", line=line)
    else:
        values[key] = (loader.construct_object(node, deep=True), line)


def _cover_rules(key: str, given: object, line: int | None, diag: Diagnostics) -> CoverRules | None:
    if given is None:
        return None
    if not isinstance(given, dict):
        diag.error("PROFILE-014", "'cover' takes 'key: value' lines under it, such as 'bleed: 0.125in'",
                   line=line)
        return None
    papers = {name.removeprefix("paper-"): _setting(name, value, where, diag, "length")
              for name, (value, where) in given.items() if name.startswith("paper-")}
    settings = {}
    for name, (default, kind) in COVER_KEYS.items():
        value, where = given.get(name, (default, None))
        settings[name] = None if kind == "length" and _none(value) is None else _setting(
            name, value, where, diag, kind)
    paper = settings.get("paper")
    if papers and paper not in papers:
        diag.error("PROFILE-013", f"'paper' under 'cover' must name one of the papers given "
                   f"({', '.join(papers)}), not '{paper}'", line=given.get("paper", (None, line))[1])
        return None
    if diag.problems:
        return None
    return CoverRules(papers, paper, settings["spine-base"] or 0.0, settings["bleed"] or 0.0,
                      settings["safe-zone"] or 0.0, settings["spine-text-from"],
                      settings["spine-clearance"] or 0.0, settings["barcode-width"],
                      settings["barcode-height"], settings["barcode-margin"] or 0.0)


def _read(path: Path, diag: Diagnostics) -> dict[str, tuple[object, int]]:
    """key -> (value, line) of a profile file, read through PyYAML's nodes for their lines."""
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        if root is None:
            return {}
        if not isinstance(root, yaml.MappingNode):
            diag.error("PROFILE-003", "a profile is 'key: value' lines, such as 'trim: A5'",
                       line=root.start_mark.line + 1)
            return {}
        values: dict[str, tuple[object, int]] = {}
        for key_node, value_node in root.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in values:
                diag.error("PROFILE-005", f"'{key}' is set twice (first on line {values[key][1]}): "
                           "keep one", line=line)
            elif key not in KEYS:
                near = difflib.get_close_matches(key, list(KEYS), n=1)
                hint = f"did you mean '{near[0]}'?" if near else f"the keys are {', '.join(KEYS)}"
                diag.error("PROFILE-004", f"unknown profile key '{key}' ({hint})", line=line)
            elif key == "cover" and isinstance(value_node, yaml.MappingNode):
                values[key] = (_read_cover(loader, value_node, diag), line)
            else:
                _scalar(loader, key, value_node, line, values, diag)
        return values
    except yaml.YAMLError as exc:
        # Where YAML gave up, or where what it was reading began (an unclosed bracket's line).
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        diag.error("PROFILE-002", f"not valid YAML: {getattr(exc, 'problem', None) or exc}; check the "
                   "syntax on this line", line=mark.line + 1 if mark else None)
        return {}
    finally:
        loader.dispose()


def _setting(key: str, value: object, line: int | None, diag: Diagnostics, kind: str | None = None) -> object:
    """A profile's value read as its key (or `kind`) says; what is wrong is reported in `diag`."""
    kind = kind or KEYS[key][1]
    if kind == "cover":
        return _cover_rules(key, value, line, diag)
    try:
        return READERS.get(kind, _choice)(key, value)
    except _Wrong as wrong:
        diag.error(wrong.code, wrong.message, line=line)
    except ValueError as exc:  # parse_length and parse_trim say what a length or a size is
        diag.error("PROFILE-008", f"'{key}': {exc}", line=line)
    return None


class _Wrong(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _text(key: str, value: object) -> str | None:
    return None if _none(value) is None else str(value)


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _Wrong("PROFILE-007", f"'{key}' is true or false, not '{value}'")
    return value


def _choice(key: str, value: object) -> str:
    """One of the few words KEYS gives, such as 'all|outer'."""
    words = KEYS[key][1].split("|")
    if str(value) not in words:
        choices = ", ".join(f"'{word}'" for word in words[:-1]) + f" or '{words[-1]}'"
        raise _Wrong("PROFILE-006", f"'{key}' must be {choices}, not '{value}'")
    return str(value)


def _number(key: str, value: object) -> int | None:
    optional = {**KEYS, **COVER_KEYS}[key][0] is None or key.endswith("-ppi")
    if optional and _none(value) is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        allowed = "a whole number" + (", or none" if optional else "")
        raise _Wrong("PROFILE-009", f"'{key}' must be {allowed}, not '{value}'")
    return value


def _icc_file(key: str, value: object) -> Path | None:
    if _none(value) is None:
        return None
    path = Path(str(value))
    if not path.is_file():
        raise _Wrong("PROFILE-010", f"'{key}' must be an ICC profile file that exists, or none: "
                     f"{path} is not there (make installs the default one)")
    return path


READERS = {
    "text": _text, "flag": _flag, "number": _number, "file": _icc_file,
    "length": lambda key, value: parse_length(str(value)),
    "trim": lambda key, value: parse_trim(str(value)),
}


def _profile(name: str, settings: dict) -> PrintProfile:
    return PrintProfile(
        name=name, description=settings["description"] or name, trim=settings["trim"],
        bleed=settings["bleed"], bleed_edges=settings["bleed-edges"],
        crop_marks=settings["crop-marks"], pdf_variant=settings["pdf-variant"],
        output_intent=settings["output-intent"], bookmarks=settings["bookmarks"],
        full_fonts=settings["full-fonts"], safe_zone=settings["safe-zone"],
        warn_below_ppi=settings["warn-below-ppi"], error_below_ppi=settings["error-below-ppi"],
        binding=settings["binding"], min_pages=settings["min-pages"], cover_page=settings["cover-page"],
        cover=settings["cover"],
    )


def _mm(value: float) -> str:
    return f"{value:.3f}mm"


def _none(value):
    return None if value is None or str(value).lower() == "none" else value
