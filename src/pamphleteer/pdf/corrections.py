"""Corrections to WeasyPrint's pagination, decided on its laid-out pages.

One is about notes. When the last lines of a page would leave a widow or an
orphan, WeasyPrint makes room for them by pushing that page's footnotes on to
the next page, so a note ends up a page after its call. We look for such notes
in the laid-out pages; the paragraph that ends the calling page gets the class
`footnote-fit` (which `styles/print/book.css` turns into a page break before
it) and the piece is laid out again. Most pieces need no second pass.

One is about figures: a figure too tall for the rest of its page leaves a gap
when it moves on; it is shrunk into the gap, or the text after it fills the gap.

Two more are typographic. Before the first layout, a paragraph's short last
word is tied to the word before it, so that the last line is never one short
word or the rest of a hyphenated one alone. After each, a word WeasyPrint
hyphenated over a page turn is marked to go whole to the next page, in the
same round as the other corrections.

`pieces.lay_out_piece` runs them; this module only decides, reading the boxes
through `internals`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree

from .internals import (
    NOTE_CLASSES,
    block_heights,
    boxes,
    first_figure_box,
    free_space_at_foot,
    is_note_body,
    is_note_call,
    last_paragraph,
    lines_of_text,
    main_box,
    page_box,
    text_boxes,
)
from .profiles import PrintProfile

NO_BREAK_SPACES = ("\u00a0", "\u202f", "\u2007")
FIT_CLASS = "footnote-fit"
PADDING_CLASS = "padding-page"
SETTLING_ROUNDS = 5  # passes at placing figures; each may move several
HYPHEN_ROUNDS = 3  # passes at words hyphenated over a page turn: a fix may move the pages after it
MIN_GAP = 0.12  # an empty foot taller than this share of the page is worth filling
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SHRINK_LIMIT = 0.75  # a figure may shrink to three quarters of its size, no further
LAST_WORD_CLASS = "last-word"
WHOLE_WORD_CLASS = "whole-word"
ADDED_CHARACTERS = "\u2010\u00ad"  # the hyphen WeasyPrint adds where it hyphenates; soft hyphens
# A paragraph's last word up to RUNT_LIMIT characters long is tied to the word before
# it when the two are at most TIE_LIMIT long (longer ties leave the line before loose).
RUNT_LIMIT = 10
TIE_LIMIT = 20
BLOCKS = {"p", "ul", "ol", "blockquote", "table", "figure", "pre", "div", *HEADING_TAGS}


def tie_paragraph_ends(root) -> None:
    """A paragraph should not end in a line holding one short word, or the rest of a
    hyphenated word. Its last word, when short, is tied to the word before it and
    not hyphenated (LAST_WORD_CLASS in book.css): this changes only a paragraph
    whose last line would otherwise be that word, or part of it, alone."""
    for main in root.iter("main"):
        tie_paragraph_ends_in(main)


def tie_paragraph_ends_in(element) -> None:
    """`tie_paragraph_ends` for the paragraphs in `element` (itself too), which is in
    the main text: for what an edit put in (edits.py)."""
    for block in element.iter():
        if block.tag == "p" or (block.tag == "li" and not any(c.tag in BLOCKS for c in block)):
            words = _block_text(block)[2].split()
            if (len(words) >= 2 and len(words[-1]) <= RUNT_LIMIT
                    and len(words[-2]) + 1 + len(words[-1]) <= TIE_LIMIT):
                _wrap_word(block, len(words) - 1, LAST_WORD_CLASS, tie=True)


def _block_text(block) -> tuple[list[tuple[object, str]], list[int], str]:
    """The runs of text that print in a block (`_text_slots`), where each begins in
    their joined text, and that text."""
    slots, starts, text = list(_text_slots(block)), [], ""
    for node, side in slots:
        starts.append(len(text))
        text += getattr(node, side) or ""
    return slots, starts, text


def _wrap_word(block, index: int, css_class: str, tie: bool = False) -> bool:
    """Put the block's `index`th word (as `str.split` counts) in a span of `css_class`;
    with `tie`, the space before it becomes a no-break space inside the span (before
    it, WeasyPrint 70 may break the line far too early). A word that is not inside
    one run of text (part emphasised, say) is left as it is."""
    slots, starts, text = _block_text(block)
    words = list(re.finditer(r"\S+", text))
    if not 0 <= index < len(words):
        return False
    word = words[index]
    run = next((k for k in range(len(slots)) if starts[k] <= word.start()
                and word.end() <= starts[k] + len(getattr(*slots[k]) or "")), None)
    if run is None:
        return False
    node, side = slots[run]
    before, after = text[starts[run]:word.start()], text[word.end():starts[run] + len(getattr(node, side))]
    if tie and not before[-1:].isspace():
        return False  # the space is in the run before, out of reach
    span = ElementTree.Element("span", {"class": css_class})
    # A no-break space the text already has (French puts a narrow one before » ; : ! ?) stays.
    glue = before[-1:] if before[-1:] in NO_BREAK_SPACES else "\u00a0"
    span.text = (glue if tie else "") + word[0]
    span.tail = after
    setattr(node, side, before.rstrip() if tie else before)
    if side == "text":
        node.insert(0, span)
    else:
        parent = next(p for p in block.iter() if node in list(p))
        parent.insert(list(parent).index(node) + 1, span)
    return True


def _text_slots(element, top: bool = True) -> Iterator[tuple[object, str]]:
    """(element, "text" | "tail") for each run of text in a block that prints in it,
    in reading order (the text of its notes prints at the foot of the page)."""
    if not NOTE_CLASSES & set((element.get("class") or "").split()):
        yield element, "text"
        for child in element:
            yield from _text_slots(child, top=False)
    if not top:
        yield element, "tail"


def keep_words_whole(document) -> bool:
    """A word WeasyPrint hyphenated at the foot of a page is read across the page turn.
    Such a word is marked (WHOLE_WORD_CLASS in book.css) not to be hyphenated: it
    goes whole to the next page. Returns whether any was marked."""
    marked = False
    for block, atoms in hyphens_at_page_ends(document):
        _, _, text = _block_text(block)
        counted = 0
        for index, word in enumerate(re.finditer(r"\S+", text)):
            counted += _atoms(word[0])
            if counted >= atoms:
                marked |= _wrap_word(block, index, WHOLE_WORD_CLASS)
                break
    return marked


def hyphens_at_page_ends(document) -> Iterator[tuple[object, int]]:
    """(block element, atoms of its text up to the hyphen) for each page but the last
    whose last line of text ends in a hyphen WeasyPrint added. Atoms are the
    characters that are not spaces, so line breaks do not change their count."""
    counted: dict = {}
    for number, page in enumerate(document.pages, start=1):
        last = None
        for block, line in lines_of_text(main_box(page)):
            text = "".join(box.text for box in text_boxes(line))
            counted[block.element] = counted.get(block.element, 0) + _atoms(text)
            last = block, line, text
        if last is None or number == len(document.pages):
            continue
        block, line, text = last
        if text.endswith(line.style["hyphenate_character"]):
            yield block.element, counted[block.element]


def _atoms(text: str) -> int:
    return sum(1 for char in text if not char.isspace() and char not in ADDED_CHARACTERS)


def settle_figures(document, parents: dict) -> bool:
    """A figure too tall for the rest of its page leaves a gap when it moves to the
    next one. Shrink it into the gap when it stays readable (three quarters of its
    size or more); otherwise let the text after it fill the gap, as a figure
    floated to the top of the next page would. Returns whether anything changed."""
    changed = False
    pages = [page_box(page) for page in document.pages]
    for page, following in zip(pages, pages[1:], strict=False):
        gap = free_space_at_foot(page)
        figure = first_figure_box(following)
        if figure is None or figure.element_tag != "figure" or gap < MIN_GAP * page.height:
            continue
        if "bleed" in (figure.element.get("class") or "").split():
            continue  # a full-bleed picture has a page of its own: the gap is meant
        image = next((b for b in boxes(figure) if b.element_tag == "img"), None)
        if image is None:
            continue
        shrunk = image.height - (figure.margin_height() - gap) - 2
        if shrunk >= SHRINK_LIMIT * image.height:
            image.element.set("style", f"max-height: {shrunk:.0f}px")
            changed = True
        else:
            changed |= (_move_after_text(figure.element, parents, following, gap)
                        or _move_before_text(figure.element, parents, page,
                                             figure.margin_height() - gap))
    return changed


def _move_after_text(figure, parents: dict, page, gap: float) -> bool:
    """Move the figure after as many following paragraphs as fill the gap, never past
    a heading (a figure stays in its section)."""
    return _move_past(figure, parents, page, gap, forward=True)


def _move_before_text(figure, parents: dict, page, needed: float) -> bool:
    """When no text follows the figure in its section, move it up instead, before as
    many paragraphs of the page it should have ended as make room for it: the figure
    then heads that page, and those paragraphs follow it."""
    return _move_past(figure, parents, page, needed, forward=False)


def _move_past(figure, parents: dict, page, height: float, forward: bool) -> bool:
    """Move the figure past the paragraphs beside it on `page` (those after it when
    `forward`, else those before) until they add up to `height`; never past a heading,
    nor, going back, another figure. Going forward, any paragraph helps fill the gap;
    going back, the whole height must be found or nothing moves."""
    parent = parents.get(figure)
    if parent is None:
        return False
    heights = block_heights(page)
    siblings = list(parent)
    index = siblings.index(figure)
    beside = siblings[index + 1:] if forward else reversed(siblings[:index])
    stops = HEADING_TAGS if forward else (*HEADING_TAGS, "figure")
    passed, total = 0, 0.0
    for sibling in beside:
        if sibling.tag in stops or sibling not in heights:
            break
        total += heights[sibling]
        passed += 1
        if total >= height:
            break
    if passed == 0 or (not forward and total < height):
        return False
    parent.remove(figure)
    parent.insert(index + passed if forward else index - passed, figure)
    return True


def blanks_needed(count: int, profile: PrintProfile) -> int:
    """Blank pages that make the count printable: the profile's minimum, then a
    multiple of four for a folded booklet or an even count for a glued spine."""
    total = max(count, profile.min_pages)
    if profile.binding == "saddle-stitch":
        total += -total % 4
    elif profile.binding == "perfect":
        total += total % 2
    return total - count


def pad_before_back_page(root, parents: dict, blanks: int) -> None:
    """A folded booklet needs a multiple of four pages: blank ones go just before the
    last page, as a binder would put them (styled by .padding-page in book.css)."""
    back = next((el for el in root.iter() if "colophon" in (el.get("class") or "").split()), None)
    if back is None:
        return
    parent = parents[back]
    index = list(parent).index(back)
    for _ in range(blanks):
        parent.insert(index, ElementTree.Element("div", {"class": PADDING_CLASS}))


def with_its_heading(element, parents: dict):
    """The element, or the heading just before it: a heading must go with its text."""
    parent = parents.get(element)
    if parent is None:
        return element
    siblings = list(parent)
    index = siblings.index(element)
    while index > 0 and siblings[index - 1].tag in HEADING_TAGS:
        index -= 1
    return siblings[index]


def stray_notes(document) -> Iterator[tuple[int, int, object]]:
    """(note number, page of the call, last paragraph on that page) for each note
    printed on a later page than its call."""
    body_page: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in boxes(page_box(page)):
            if is_note_body(box):
                body_page.setdefault(box.element.get("data-number"), number)
    for number, page in enumerate(document.pages, start=1):
        for box in boxes(page_box(page)):
            if is_note_call(box) and body_page.get(box.element.get("data-number"), number) > number:
                yield int(box.element.get("data-number")), number, last_paragraph(page_box(page))
