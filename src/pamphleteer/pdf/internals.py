"""Everything we read and change inside WeasyPrint, in one place.

WeasyPrint's box tree and its PDF objects are not a public API: the page's
`_page_box`, the box class names (LineBox, TextBox ...) and pydyf's objects
as WeasyPrint 70.0 leaves them to a `finisher` are that version's
(pinned in pyproject.toml). Every other module asks these functions, so a new
WeasyPrint version is a change to this module alone.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pydyf

from ..support.progress import checkpoint
from .profiles import PrintProfile

POINTS_PER_MM = 72 / 25.4


NOTE_CLASSES = {"footnote", "footnote-again"}  # text printed elsewhere than its paragraph


# ---- the box tree ---------------------------------------------------------------------

def page_box(page):
    """The box of a laid-out page (a `weasyprint.Page`): its margin boxes, its text and
    its footnote area."""
    return page._page_box


def main_box(page):
    """The box that holds a page's main text (the root element's box)."""
    return page._page_box.children[0]


def is_line(box) -> bool:
    return type(box).__name__ == "LineBox"


def is_text(box) -> bool:
    return type(box).__name__ == "TextBox"


def is_block(box) -> bool:
    return type(box).__name__ == "BlockBox"


def is_inline(box) -> bool:
    return type(box).__name__ == "InlineBox"


def is_replaced(box) -> bool:
    """A picture, inline or block."""
    return type(box).__name__.endswith("ReplacedBox")


def is_inline_picture(box) -> bool:
    return type(box).__name__ == "InlineReplacedBox"


def is_footnote_area(box) -> bool:
    return type(box).__name__ == "FootnoteAreaBox"


def boxes(box) -> Iterator:
    """A box and all the boxes inside it, in document order."""
    yield box
    for child in getattr(box, "children", None) or ():
        yield from boxes(child)


def is_note_call(box) -> bool:
    return type(box).__name__ == "InlineBox" and (box.element_tag or "").endswith("::footnote-call")


def is_note_body(box) -> bool:
    return (type(box).__name__ == "BlockBox" and box.element is not None
            and box.element_tag == "span" and "footnote" in (box.element.get("class") or "").split())


def lines_of_text(html_box) -> Iterator[tuple[object, object]]:
    """(block box, line box) for each line of the main text, in reading order; not the
    list markers the stylesheet generates."""
    for box in boxes(html_box):
        for child in getattr(box, "children", None) or ():
            if type(child).__name__ == "LineBox" and "::" not in (child.element_tag or ""):
                yield box, child


def text_boxes(line) -> Iterator:
    """The text boxes of a line that hold the document's text: not note calls, nor
    other text the stylesheet generates."""
    for box in boxes(line):
        if (type(box).__name__ == "TextBox" and "::" not in (box.element_tag or "")
                and not (box.element is not None
                         and NOTE_CLASSES & set((box.element.get("class") or "").split()))):
            yield box


def free_space_at_foot(page) -> float:
    """Height left empty between the last line of text and the foot of the text area
    (or the top of the footnotes)."""
    area_bottom = page.content_box_y() + page.height
    notes = [c for c in page.children if is_footnote_area(c)]
    limit = notes[0].position_y if notes else area_bottom
    ends = [b.position_y + b.margin_height() for b in boxes(page.children[0])
            if type(b).__name__ in ("LineBox", "InlineReplacedBox")]
    return limit - max(ends) if ends else 0.0


def first_figure_box(page):
    """The first block of the main text on a page, if it is a figure's."""
    for box in boxes(page.children[0]):
        if type(box).__name__ == "BlockBox" and box.element_tag == "figure":
            return box
        if type(box).__name__ in ("LineBox", "InlineReplacedBox"):
            return None
    return None


def block_heights(page) -> dict:
    """The height each element's block takes on the page (its first box, if split)."""
    heights: dict = {}
    for box in boxes(page.children[0]):
        if box.element is not None and type(box).__name__ == "BlockBox":
            heights.setdefault(box.element, box.margin_height())
    return heights


def first_pages(document) -> dict:
    """The 0-based page each element's first box is on."""
    found: dict = {}
    for number, page in enumerate(document.pages):
        for box in boxes(page._page_box):
            if box.element is not None:
                found.setdefault(box.element, number)
    return found


def last_paragraph(page_box):
    """The element of the last line of the main text on a page."""
    html_box = page_box.children[0]
    last = None
    for box in boxes(html_box):
        if type(box).__name__ == "LineBox":
            last = box
    parent = None
    for box in boxes(html_box):
        if last in (getattr(box, "children", None) or ()):
            parent = box
    return parent.element


# ---- laying out again from a page ---------------------------------------------------------
#
# WeasyPrint makes pages one after the other, each from the state its page maker
# left at the page's start (where in the box tree it resumes, the page's side, the
# counters). A piece corrected and laid out again keeps the pages before the first
# it changed, starts from that page's state with the new box tree, and stops as
# soon as a page starts in the same state, at the same element, as before, past
# everything that changed: the pages after it are the ones laid out before.


@dataclass
class Pagination:
    """A document laid out by `paginate`, kept to be laid out again from one of its pages."""

    document: object  # a weasyprint.Document
    states: list  # the page maker's state at the start of each page, and after the last
    starts: list  # for each page and after the last: the elements its state resumes in
    clean: list[bool]  # whether the page starts with nothing carried over (notes, floats)
    strings: dict  # string-set values by name and page, for the running heads
    running: dict  # running elements by name and page
    cuttable: bool  # False when the style makes a page depend on pages other than the one before
    laid_out: int = 0  # pages this call laid out (the others were kept)
    bookmarked: list = field(default_factory=list)  # each page's bookmarked elements (pseudo, element)


def paginate(html, stylesheets: list, font_config, colour_profiles: dict, images: dict,
             before: Pagination | None = None, from_page: int = 0,
             changed_until=None) -> Pagination:
    """`html` (a weasyprint.HTML) laid out, like `html.render`. With `before`, a layout
    of the same `html` whose elements changed since only from its page `from_page`
    (0-based) on: its pages before that are kept, and so are those after the first page
    that starts as it did before and after `changed_until` (a function: whether an
    element comes after every change)."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document
    from weasyprint.formatting_structure.build import build_formatting_structure

    options = {**DEFAULT_OPTIONS, "stylesheets": stylesheets, "cache": images}
    counter_style = CounterStyle()
    context = Document._build_layout_context(html, font_config, counter_style, colour_profiles, options)
    root_box = build_formatting_structure(
        html.etree_element, context.style_for, context.get_image_from_uri, html.base_url,
        context.target_collector, counter_style, context.footnotes)
    if before is None or not before.cuttable or not 0 <= from_page < len(before.document.pages):
        before, from_page = None, 0
    laid_out = _paginate(html, root_box, context, before, from_page, changed_until)
    marks = None if laid_out is None else _finish_pages(context, laid_out[0], from_page, before)
    if marks is None:
        # The style asks for a page number in the text (a page counter, a target):
        # WeasyPrint's own passes, which lay the document out again until it holds.
        return _whole(html, stylesheets, font_config, colour_profiles, images)
    return _assemble(Document, html, context, before, from_page, options, font_config,
                     colour_profiles, marks, *laid_out)


def _whole(html, stylesheets, font_config, colour_profiles, images) -> Pagination:
    document = html.render(stylesheets=stylesheets, font_config=font_config,
                           color_profiles=colour_profiles, cache=images)
    return Pagination(document, [], [], [], {}, {}, cuttable=False, laid_out=len(document.pages))


def _paginate(html, root_box, context, before: Pagination | None, from_page: int, changed_until):
    """The pages made, from `from_page` to the end or to the first page found as it was
    `before`: (page boxes, states, starts, clean, the index of the first page kept after
    them or None, whether a page held fixed boxes). None if the style needs WeasyPrint's
    repeated passes."""
    from weasyprint.layout import initialize_page_maker
    from weasyprint.layout.page import remake_page

    initialize_page_maker(context, root_box)
    if before is not None:
        context.page_maker = [_copied_state(state) for state in before.states[:from_page + 1]]
        for store, kept in ((context.string_set, before.strings), (context.running_elements, before.running)):
            for name, by_page in kept.items():
                for page, values in by_page.items():
                    if page <= from_page:
                        store[name][page] = list(values)
    context.rendered_notes = []
    made, states, starts, clean = [], [], [], []
    index, kept_from, fixed = from_page, None, False
    while True:
        states.append(context.page_maker[index])
        starts.append(_resumes_in(root_box, context.page_maker[index][0]))
        clean.append(not context.reported_footnotes and not context.broken_out_of_flow)
        remake = context.page_maker[index][-1]
        remake.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
        checkpoint()  # a page is a fraction of a second; a piece can be many seconds
        page, resume_at = remake_page(index, context, root_box, html)
        made.append(page)
        fixed |= bool(page.fixed_boxes)
        index += 1
        last = resume_at is None and not context.reported_footnotes
        if last:
            states.append(context.page_maker[index])
            starts.append([])
            clean.append(True)
            break
        if before is not None and changed_until and _as_before(context, root_box, before, index,
                                                                 changed_until):
            kept_from = index
            break
    if any(state[-1]["content_changed"] or state[-1]["pages_wanted"] for state in context.page_maker[:index]):
        return None
    return made, states, starts, clean, kept_from, fixed


def _copied_state(state):
    resume_at, next_page, right_page, page_state, remake = state
    return resume_at, dict(next_page), right_page, page_state, dict(remake)


def _as_before(context, root_box, before: Pagination, index: int, changed_until) -> bool:
    """Whether page `index` starts as it did `before`, clean, after every change."""
    if index >= len(before.document.pages) or not before.clean[index]:
        return False
    if context.reported_footnotes or context.broken_out_of_flow:
        return False
    resume_at, next_page, right_page, page_state, _ = context.page_maker[index]
    old_resume_at, old_next_page, old_right_page, old_page_state, _ = before.states[index]
    if (resume_at, next_page, right_page, page_state) != (old_resume_at, old_next_page,
                                                           old_right_page, old_page_state):
        return False
    starts, old_starts = _resumes_in(root_box, resume_at), before.starts[index]
    return (len(starts) == len(old_starts) and bool(starts)
            and all(a is b for a, b in zip(starts, old_starts, strict=True))
            and changed_until(starts[-1]))


def _resumes_in(root_box, resume_at) -> list:
    """The elements, outermost first, of the boxes a page's layout resumes in."""
    elements, box, at = [], root_box, resume_at
    while at:
        index = min(at)
        children = getattr(box, "children", None) or ()
        if index >= len(children):
            break
        box, at = children[index], at[index]
        if box.element is not None:
            elements.append(box.element)
    return elements


def _assemble(Document, html, context, before, from_page, options, font_config, colour_profiles,
              marks, made, states, starts, clean, kept_from, fixed) -> Pagination:
    from weasyprint.document import DocumentMetadata, Page
    from weasyprint.html import get_html_metadata

    pages = [Page(page) for page in made]
    metadata = DocumentMetadata(**get_html_metadata(html))
    if before is not None:
        tail = before.document.pages[kept_from:] if kept_from is not None else []
        pages = before.document.pages[:from_page] + pages + tail
        kept = slice(kept_from, None) if kept_from is not None else slice(0)
        states = before.states[:from_page] + states + before.states[kept]
        starts = before.starts[:from_page] + starts + before.starts[kept]
        clean = before.clean[:from_page] + clean + before.clean[kept]
        marks = before.bookmarked[:from_page] + marks + before.bookmarked[kept]
    strings = _merged(before.strings if before else {}, context.string_set, from_page, len(made), kept_from)
    running = _merged(before.running if before else {}, context.running_elements, from_page, len(made),
                      kept_from)
    document = Document(pages, metadata, html.url_fetcher, font_config, colour_profiles,
                        options["output_intent"])
    document._html = html
    return Pagination(document, states, starts, clean, strings, running, cuttable=not fixed,
                      laid_out=len(made), bookmarked=marks)


def _merged(kept: dict, made: dict, from_page: int, count: int, kept_from) -> dict:
    """Values by name and page (numbered from 1): those of the pages just made, and
    those of the pages kept from before."""
    merged: dict = {}
    for name in {*kept, *made}:
        by_page = {page: list(values) for page, values in kept.get(name, {}).items()
                   if page <= from_page or (kept_from is not None and page > kept_from)}
        by_page.update({page: list(values) for page, values in made.get(name, {}).items()
                        if from_page < page <= from_page + count})
        merged[name] = by_page
    return merged


def _finish_pages(context, made: list, from_page: int, before: Pagination | None) -> list | None:
    """What WeasyPrint does to the pages it made once they are all made: named strings
    and bookmarks read, then the margin boxes and backgrounds laid out. Returns the
    elements each page bookmarks; None, with nothing done, when a string or bookmark
    waits for a page number (WeasyPrint's own passes do that)."""
    from weasyprint.layout import layout_fixed_boxes, make_margin_boxes
    from weasyprint.layout.background import layout_backgrounds

    if _counts_pages(context, made) or any(child.missing_link for page in made
                                           for child in page.descendants()):
        return None
    # An element split over pages is bookmarked once, on its first page.
    seen = {mark for page in (before.bookmarked[:from_page] if before else ()) for mark in page}
    marks = []
    for number, page in enumerate(made, start=from_page + 1):
        marks.append([])
        for child in page.descendants():
            if child.bookmark_label:
                mark = (_pseudo(child), child.element)
                if mark in seen:
                    child.bookmark_label = ""
                else:
                    seen.add(mark)
                    marks[-1].append(mark)
            if child.string_set and child.string_set != "none":
                for name, text in child.string_set:
                    context.string_set[name][number].append(text)
    for number, page in enumerate(made, start=from_page + 1):
        root, footnote_area, note_area = page.children
        position = number - from_page - 1
        root.children = [*layout_fixed_boxes(context, made[:position], page), *root.children,
                         *layout_fixed_boxes(context, made[position + 1:], page)]
        context.current_page = number
        state = context.page_maker[number][3]
        children = [root, *([footnote_area] if footnote_area.children else []),
                    *([note_area] if note_area.children else [])]
        page.children = (*children, *make_margin_boxes(context, page, state))
        layout_backgrounds(page, context.get_image_from_uri)
    return marks


MARGIN_BOXES = tuple(f"@{side}-{place}" for side in ("top", "bottom")
                     for place in ("left-corner", "left", "center", "right", "right-corner")) + \
    tuple(f"@{side}-{place}" for side in ("left", "right") for place in ("top", "middle", "bottom"))


def _counts_pages(context, made: list) -> bool:
    """Whether a margin box prints the number of pages: every page changes with it."""
    for page_type in {page.page_type for page in made}:
        for margin in MARGIN_BOXES:
            style = context.style_for(page_type, margin)
            if style is not None and "'pages'" in repr(style["content"]):
                return True
    return False


def _pseudo(box) -> str:
    tag = box.element_tag or ""
    return "::before" if tag.endswith("::before") else "::after" if tag.endswith("::after") else ""


# ---- the PDF objects, edited in WeasyPrint's finisher -----------------------------------

def set_page_boxes(pdf, profile: PrintProfile, first_page: int = 1) -> None:
    """BleedBox exactly the profile's bleed past the trim (WeasyPrint caps it at 10 pt
    and counts the room for crop marks as bleed). `first_page`: the number of the
    document's first page in the book (a piece of it may begin on a verso)."""
    bleed = profile.bleed * POINTS_PER_MM
    for index, number in enumerate(pdf.pages["Kids"][::3], start=first_page - 1):
        page = pdf.objects[number]
        left, top, right, bottom = (float(v) for v in page["TrimBox"])
        is_right_hand = index % 2 == 0  # page 1 is a recto
        spine = bleed if profile.bleed_edges == "all" else 0.0
        page["BleedBox"] = pydyf.Array([
            left - (spine if is_right_hand else bleed), top - bleed,
            right + (bleed if is_right_hand else spine), bottom + bleed])


def set_info(pdf, items: dict[str, str]) -> None:
    """Keys of our own in the PDF's Info dictionary (the print cover's sizes)."""
    for key, value in items.items():
        pdf.info[key] = pydyf.String(value)


def drop_annotations(pdf) -> None:
    """PDF/X allows no link annotations on the printed area; paper has no links anyway."""
    for number in pdf.pages["Kids"][::3]:
        pdf.objects[number].pop("Annots", None)


def fix_document_id(pdf, identifier: str) -> None:
    """WeasyPrint gives a PDF/X a random XMP DocumentID; make it the book's own,
    so that the same book always gives the same bytes."""
    document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, identifier)}".encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, part)
                          if isinstance(part, bytes) else part for part in obj.stream]


def complete_text_mapping(document, pdf) -> None:
    """With whole fonts, WeasyPrint maps glyphs back to text from the font's cmap
    alone, so small capitals, ligatures and old-style figures would copy (and be
    searched, as in Amazon's Look Inside) as private-use characters. Add the
    mapping WeasyPrint recorded while it set the text, as it does for subsets."""
    fonts = {font.name: font for font in document.fonts.values()}
    for obj in list(pdf.objects):
        if not isinstance(obj, dict) or "ToUnicode" not in obj or obj.get("BaseFont") not in fonts:
            continue
        stream = pdf.objects[int(obj["ToUnicode"].split()[0])]
        mapping = {}
        for line in stream.stream:
            match = re.fullmatch(rb"<([0-9a-f]{4})> <([0-9a-f]+)>", line) if isinstance(line, bytes) else None
            if match:
                mapping[int(match[1], 16)] = bytes.fromhex(match[2].decode()).decode("utf-16-be")
        mapping.update(fonts[obj["BaseFont"]].to_unicode)
        head = stream.stream[:stream.stream.index(b"endcodespacerange") + 1]
        items = sorted(mapping.items())
        body = []
        for start in range(0, len(items), 100):
            batch = items[start:start + 100]
            body.append(f"{len(batch)} beginbfchar".encode())
            body += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch]
            body.append(b"endbfchar")
        stream.stream = head + body + [b"endcmap", b"CMapName currentdict /CMap defineresource pop",
                                       b"end", b"end"]


def drop_subset_prefixes(pdf) -> None:
    """A whole embedded font must not carry the 'ABCDEF+' tag that marks a subset,
    or printers' preflight reports it as one."""
    for obj in pdf.objects:
        if not isinstance(obj, dict):
            continue
        for key in ("BaseFont", "FontName"):
            name = obj.get(key)
            if isinstance(name, bytes) and re.fullmatch(rb"/[A-Z]{6}\+.+", name):
                obj[key] = b"/" + name[8:]


# ---- what a piece of the book keeps for the join (pdf/join.py) -------------------------

BOOKMARK_LEVEL = "/PamphleteerLevel"  # private key on a piece's outline items, gone once joined


def mark_bookmark_levels(document, pdf) -> None:
    """Write each outline item's heading level into it. A piece's outline is nested
    within the piece alone; the join nests the whole book's again, as one WeasyPrint
    pass would (a chapter's first `##` may belong under the piece before's `#`),
    and for that it needs the levels, which the nesting hides."""
    levels = [level for page in document.pages for level, *_ in page.bookmarks]
    if "Outlines" not in pdf.catalog:
        return
    root = pdf.objects[_number(pdf.catalog["Outlines"])]
    items = list(_outline_items(pdf, root.get("First")))
    for item, level in zip(items, levels, strict=True):
        item[BOOKMARK_LEVEL[1:]] = level


def _outline_items(pdf, reference) -> Iterator[dict]:
    """The outline items from `reference` on, in document order (each before its children)."""
    while reference is not None:
        item = pdf.objects[_number(reference)]
        yield item
        yield from _outline_items(pdf, item.get("First"))
        reference = item.get("Next")


def _number(reference) -> int:
    """The object number of a pydyf reference (b"12 0 R")."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


class _ProfileAsRead:
    """A colour profile that gives the bytes it was read with, every time it is written."""

    def __init__(self, profile):
        self._profile, self._bytes = profile, profile.tobytes()

    def tobytes(self) -> bytes:
        return self._bytes

    def __getattr__(self, name):
        return getattr(self._profile, name)


def keep_colour_profiles_as_read(colour_profiles: dict) -> None:
    """WeasyPrint embeds a colour profile (`@color-profile`, the PDF/X output intent)
    as Pillow serialises it, and once a PDF has been written with it, Pillow's copy
    serialises differently (another 'desc' tag): the second piece written in a process
    would hold other bytes than the first, and the same piece other bytes depending
    on what was written before it. Call before the first PDF is written."""
    for profile in colour_profiles.values():
        if not isinstance(profile._profile, _ProfileAsRead):
            profile._profile = _ProfileAsRead(profile._profile)
