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

import pydyf

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
