"""Fitting the book's text to the generated cover, by measuring its layout.

The template (`styles/cover/cover.html`) decides the look; this module only picks
how large each marked text is set, and whether a word may be broken:

- `data-fit="NAME"`: a text whose size is the template's times `--NAME-scale`.
  Every line of it must fit the width of its box.
- `data-fit-block`: a box that must keep out of the others' margins, and inside
  the padding (the content box) of the `data-fit-frame` box.

The cover is laid out as designed; while a line is too wide, that text is set
smaller (straight to the size its widest line fits at); while blocks collide or
leave the frame, every text is set a step smaller, so the design keeps its
proportions. No text is set below MIN_SCALE, nor larger than the title unless
designed so. A word
too wide even then gets the class `fit-break-NAME`, under which the template
hyphenates it in the book's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import COVER_WIDTH, Book
from ..problems import Problem, report
from ..render.cover import render_cover
from ..support.styles import Styles
from .internals import boxes, is_inline, is_line, is_text, page_box

if TYPE_CHECKING:
    from weasyprint import Document

MIN_SCALE = 0.5  # no text is set smaller than half its designed size
STEP = 0.05  # how much smaller every text is set while blocks collide
PRECISION = 0.01  # scales are multiples of this
SLACK = 0.5  # px a line may pass its box by: rounding in the layout, not a visible overflow
LEAD = "title"  # the text no other is set larger than
MAX_ROUNDS = 60  # far more than the steps from 1 to MIN_SCALE; a guard against a template that never settles


@dataclass(frozen=True)
class Fit:
    """What is decided for the cover's text: each text's size as a share of its designed
    size (absent: 1), and which texts may have a word broken."""

    scales: dict[str, float] = field(default_factory=dict)
    breaks: frozenset[str] = frozenset()

    @property
    def style(self) -> str:
        return "; ".join(f"--{name}-scale: {scale:g}" for name, scale in sorted(self.scales.items())
                         if scale != 1)

    @property
    def classes(self) -> str:
        return " ".join(f"fit-break-{name}" for name in sorted(self.breaks))

    def scale(self, name: str) -> float:
        return self.scales.get(name, 1.0)


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Rect) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def holds(self, other: Rect) -> bool:
        return (self.x0 - SLACK <= other.x0 and other.x1 <= self.x1 + SLACK
                and self.y0 - SLACK <= other.y0 and other.y1 <= self.y1 + SLACK)


@dataclass(frozen=True)
class Text:
    """A `data-fit` text as laid out."""

    box: Rect  # its content box: where its lines must stay
    lines: tuple[Rect, ...]  # what each line's text covers
    font_size: float  # px, at the scale it was laid out with

    @property
    def widest(self) -> float:
        return max((line.x1 - line.x0 for line in self.lines), default=0.0)

    @property
    def too_wide(self) -> bool:
        return any(line.x0 < self.box.x0 - SLACK or line.x1 > self.box.x1 + SLACK for line in self.lines)


@dataclass(frozen=True)
class Block:
    """A `data-fit-block` box as laid out."""

    border: Rect
    margin: Rect


@dataclass(frozen=True)
class CoverLayout:
    texts: dict[str, Text]
    blocks: tuple[Block, ...]
    frame: Rect | None  # the content box of data-fit-frame

    @property
    def crowded(self) -> bool:
        """Whether a block runs into another's margin, or out of the frame."""
        for n, block in enumerate(self.blocks):
            if self.frame is not None and not self.frame.holds(block.border):
                return True
            for other in self.blocks[n + 1:]:
                if block.border.overlaps(other.margin) or other.border.overlaps(block.margin):
                    return True
        return False


def fitted_cover(book: Book, styles: Styles, height: float | None = None) -> Document:
    """The cover laid out (a `weasyprint.Document`) with its text at the largest sizes
    that fit. Warns if even the smallest do not. `height`: CSS pixels, for a page of the
    designed width but another shape (the front of a print cover)."""
    fit = Fit()
    for _ in range(MAX_ROUNDS):
        document = _lay_out(render_cover(book, styles, fit), styles, height)
        layout = read_layout(document)
        smaller = next_fit(fit, layout)
        if smaller is None:
            return document
        if smaller == fit:
            break
        fit = smaller
    _warn_unfitted(book, layout)
    return document


def next_fit(fit: Fit, layout: CoverLayout) -> Fit | None:
    """The fit to try after `fit`, laid out as `layout`: None if it fits, `fit` itself if
    nothing is left to try."""
    too_wide = {name for name, text in layout.texts.items() if text.too_wide}
    crowded = layout.crowded
    if not too_wide and not crowded:
        return None
    scales, breaks = dict(fit.scales), set(fit.breaks)
    for name, text in layout.texts.items():
        scale = fit.scale(name)
        if crowded:
            scale -= STEP
        if name in too_wide:
            # Widths grow with the size: the widest line fits at this share of it.
            scale = min(scale - PRECISION, scale * (text.box.x1 - text.box.x0) / text.widest)
        scales[name] = max(MIN_SCALE, _round_down(scale))
        if name in too_wide and fit.scale(name) == MIN_SCALE:
            breaks.add(name)  # the last resort: a word wider than its box at the smallest size
    _no_larger_than_the_lead(scales, fit, layout)
    return Fit(scales, frozenset(breaks))


def _no_larger_than_the_lead(scales: dict[str, float], fit: Fit, layout: CoverLayout) -> None:
    """Lower the scale of each text designed no larger than the title, so that it is
    not set larger than the title will be: a shrunk title stays the largest text."""
    lead = layout.texts.get(LEAD)
    if lead is None:
        return
    lead_designed = lead.font_size / fit.scale(LEAD)
    lead_size = lead_designed * scales[LEAD]
    for name, text in layout.texts.items():
        designed = text.font_size / fit.scale(name)
        if designed <= lead_designed and designed * scales[name] > lead_size:
            scales[name] = max(MIN_SCALE, _round_down(lead_size / designed))


def _round_down(scale: float) -> float:
    return round(math.floor(round(scale / PRECISION, 6)) * PRECISION, 2)


def _warn_unfitted(book: Book, layout: CoverLayout) -> None:
    own_cover = "or give the book a cover of its own ('cover: FILE' in the front matter)"
    for name, text in layout.texts.items():
        if text.too_wide:
            report(Problem("warning", "COVER-001", f"the {name} runs out of its place on the generated "
                           f"cover even at {MIN_SCALE:.0%} of its size: shorten it, {own_cover}",
                           book.source))
    if layout.crowded:
        names = " and ".join(", ".join(layout.texts).rsplit(", ", 1))
        report(Problem("warning", "COVER-002", f"the generated cover has no room for {names} even at "
                       f"{MIN_SCALE:.0%} of their size: they overlap; shorten them, {own_cover}",
                       book.source))


def _lay_out(html: str, styles: Styles, height: float | None = None) -> Document:
    from weasyprint import CSS, HTML  # imported here: an EPUB rebuild with the cover cached never loads it

    from ..support.fetcher import FolderFetcher

    fetcher = FolderFetcher(list(styles.folders))
    # A file the cover names is beside the cover.html in use: the book's own copy, or ours.
    base_url = styles.find("cover/cover.html").parent.as_uri() + "/"
    shape = [CSS(string=f"@page {{ size: {COVER_WIDTH}px {height:.1f}px !important; }}")] if height else []
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=shape)


def read_layout(document: Document) -> CoverLayout:
    """The marked texts, blocks and frame of a laid-out cover.

    WeasyPrint's box tree is read through `internals` (pinned to WeasyPrint 70.0): boxes'
    `element`, `children`, `style` and `*_box_*` geometry. An absolutely positioned box is
    reached through a placeholder that hands every attribute on to it."""
    texts: dict[str, Text] = {}
    blocks: list[Block] = []
    frame = None
    seen = set()  # an element's anonymous boxes carry its element too: read the first box only
    for box in boxes(page_box(document.pages[0])):
        element = getattr(box, "element", None)
        if element is None or element in seen or is_line(box) or is_text(box) or is_inline(box):
            continue
        seen.add(element)
        if element.get("data-fit"):
            content = Rect(box.content_box_x(), box.content_box_y(),
                           box.content_box_x() + box.width, box.content_box_y() + box.height)
            lines = tuple(_line_extent([b for b in boxes(line) if is_text(b)])
                          for line in boxes(box) if is_line(line))
            texts[element.get("data-fit")] = Text(content, tuple(line for line in lines if line),
                                                  box.style["font_size"])
        if element.get("data-fit-block") is not None:
            blocks.append(Block(
                Rect(box.border_box_x(), box.border_box_y(),
                     box.border_box_x() + box.border_width(), box.border_box_y() + box.border_height()),
                Rect(box.position_x, box.position_y,
                     box.position_x + box.margin_width(), box.position_y + box.margin_height())))
        if element.get("data-fit-frame") is not None:
            frame = Rect(box.content_box_x(), box.content_box_y(),
                         box.content_box_x() + box.width, box.content_box_y() + box.height)
    return CoverLayout(texts, tuple(blocks), frame)


def _line_extent(pieces: list) -> Rect | None:
    """What a line box's text boxes cover (part of `read_layout`)."""
    if not pieces:
        return None
    return Rect(min(p.position_x for p in pieces), min(p.position_y for p in pieces),
                max(p.position_x + p.width for p in pieces), max(p.position_y + p.height for p in pieces))

