"""Where each page of the laid-out print edition begins, read from WeasyPrint's boxes.

The result, a `PrintPages`, is what the EPUB marks (`epub/pagebreaks.py`): a
page begins so many atoms into a part of the book (`model.count_atoms`), or
with a figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..model import PageStart, PrintPages, count_atoms
from .internals import is_block, is_replaced, is_text, main_box


def page_starts(document, source: str) -> PrintPages:
    """Read where each page of a laid-out `weasyprint.Document` begins. A page with
    nothing of the text on it (a blank page) begins where the next one does."""
    firsts, totals = page_firsts(document)
    return assemble(firsts, totals, source)


def page_firsts(document) -> tuple[list[PageStart | None], dict[str, int]]:
    """What each page begins with (None: nothing of the text), labelled by its place
    in `document`; and how many atoms each part has in all."""
    counted: dict[str, int] = {}
    seen_headers: set = set()
    firsts: list[PageStart | None] = []
    for number, page in enumerate(document.pages, start=1):
        first = None
        for part, atoms, figure in _print_atoms(main_box(page), None, seen_headers):
            if first is None:
                first = PageStart(str(number), part, counted.get(part, 0), figure)
            counted[part] = counted.get(part, 0) + atoms
        firsts.append(first)
    return firsts, counted


def assemble(firsts: list[PageStart | None], totals: dict[str, int], source: str) -> PrintPages:
    """The pages of a whole book from what each begins with (`page_firsts`, of the
    book or of its pieces one after another)."""
    starts: list[PageStart] = []
    following = None
    for number in range(len(firsts), 0, -1):
        following = firsts[number - 1] or following
        if following is None:  # blank pages at the very end: after the last text
            last = next(f for f in reversed(firsts) if f)
            following = PageStart("", last.part, totals[last.part])
        # The printed folio is the page's number: the stylesheet counts every page.
        starts.append(replace(following, label=str(number)))
    return PrintPages(source, tuple(reversed(starts)))


def _print_atoms(box, part: str | None, seen_headers: set) -> Iterator[tuple[str, int, str | None]]:
    """(part, atoms, None) for text and pictures in reading order, and (part, 0, id) for
    a figure. Figures are not counted: to fill the page, the PDF writer may have moved
    one past the paragraphs after it."""
    element = box.element
    if "::" in (box.element_tag or ""):
        return  # generated content: list numbers, note calls, leaders and page numbers
    if element is not None and "footnote-again" in (element.get("class") or "").split():
        return  # a repeated note call
    if getattr(box, "is_header", False) or getattr(box, "is_footer", False):
        if element in seen_headers:
            return  # a table's heading row, printed again at the top of the next page
        seen_headers.add(element)
    if element is not None and is_block(box) and element.get("data-part"):
        part = element.get("data-part")
    if part is not None:
        if element is not None and is_block(box) and box.element_tag == "figure":
            yield part, 0, element.get("id")
            return
        if is_text(box):
            atoms = count_atoms(box.text)
            if atoms:
                yield part, atoms, None
        elif is_replaced(box):
            yield part, 1, None
    for child in getattr(box, "children", None) or ():
        yield from _print_atoms(child, part, seen_headers)
