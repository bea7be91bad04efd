"""Print profiles: the page geometry and PDF flavour a printer asks for.

Each profile is a small YAML file in `styles/profiles/` (digital, press, kdp,
lulu, or one the user copied and edited). It decides the trim size, the bleed
and on which edges, crop marks, the PDF variant (PDF/UA, PDF/X), bookmarks,
font embedding and the safe zone. The typography stays in `print/book.css`;
this module turns a profile into the `@page` rules that go after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..model import Trim
from ..problems import fail
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
    found = styles.copies(f"profiles/{name}.yaml") if re.fullmatch(r"[A-Za-z0-9_-]+", name) else []
    if not found:
        known = ", ".join(profile_names(styles))
        raise fail(f"no print profile '{name}': choose one of {known}, or add "
                   f"styles/profiles/{name}.yaml")
    path = found[0]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise fail(f"not valid YAML: {getattr(exc, 'problem', exc)}", path,
                   mark.line + 1 if mark else None) from None
    return _profile(name, data, path)


def _profile(name: str, data: dict, path: Path) -> PrintProfile:
    def value(key: str, default=None):
        return data.get(key, default)

    def check(condition: bool, key: str, expected: str) -> None:
        if not condition:
            raise fail(f"'{key}' must be {expected}, not {data.get(key)!r}", path, _line(path, key))

    check(value("binding", "none") in ("none", "saddle-stitch", "perfect"), "binding",
          "'none', 'saddle-stitch' or 'perfect'")
    edges = value("bleed-edges", "all")
    check(edges in ("all", "outer"), "bleed-edges", "'all' or 'outer'")
    variant = _none(value("pdf-variant"))
    intent = _none(value("output-intent"))
    if intent is not None:
        intent = Path(intent)
        check(intent.is_file(), "output-intent", "an ICC profile file that exists (make installs it)")
    try:
        trim = parse_trim(str(value("trim", "A5")))
        bleed = parse_length(str(value("bleed", "0mm")))
        safe = parse_length(str(value("safe-zone", "0mm")))
    except ValueError as exc:
        raise fail(str(exc), path) from None
    return PrintProfile(
        name=name, description=str(value("description", name)), trim=trim, bleed=bleed,
        bleed_edges=edges, crop_marks=bool(value("crop-marks", False)), pdf_variant=variant,
        output_intent=intent, bookmarks=bool(value("bookmarks", True)),
        full_fonts=bool(value("full-fonts", False)), safe_zone=safe,
        warn_below_ppi=_none(value("warn-below-ppi", 300)),
        error_below_ppi=_none(value("error-below-ppi")),
        binding=str(value("binding", "none")), min_pages=int(value("min-pages", 1)),
        cover_page=bool(value("cover-page", True)),
    )


def _mm(value: float) -> str:
    return f"{value:.3f}mm"


def _none(value):
    return None if value is None or str(value).lower() == "none" else value


def _line(path: Path, key: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None
