"""What the corrections changed in a piece's HTML, and so where its layout must start again.

WeasyPrint makes a page from the state the page before left and from the boxes
that follow: a page cannot change unless something at or after its start did,
or something it tried to place and had to push on to the next page. So the
corrected piece is laid out again from the page before the first change
(`internals.paginate`), and no page is kept from the old layout until the new
one has gone past the last change, and past the element after it (which
selectors such as `figure + p` style by what comes before).

Changes are found by comparing each element with what it was before the
corrections (its tag, attributes, text and children), whatever the correction.
"""

from __future__ import annotations

from collections.abc import Callable

from .internals import first_pages


class Changes:
    """The elements of a tree as they were when made: `since` tells what changed."""

    def __init__(self, root):
        self.root = root
        self.before = {element: _signature(element) for element in root.iter()}

    def since(self, document, clean: list[bool]) -> tuple[int, Callable[[object], bool]] | None:
        """None if nothing changed; else the 0-based page of `document` (a layout of the
        tree before the changes) to lay out again from, and a test of whether an element
        comes after every change. `clean[i]`: page i starts with nothing carried over."""
        order, ends = _order(self.root)
        parents = {child: parent for parent in self.root.iter() for child in parent}
        firsts, last = [], -1
        for element in self.root.iter():
            old = self.before.get(element)
            if old is None or old[:4] != _signature(element)[:4]:
                firsts.append(element)
                last = max(last, ends[element], *_next_end(element, parents, ends))
            if old is not None and old[4] != tuple(element):
                first, changed = _children_changed(list(old[4]), list(element))
                firsts.append(first if first is not None else element)
                last = max([last, order[element], *(ends[child] for child in changed)])
        if not firsts:
            return None
        on_page = first_pages(document)
        page = min(_page_of(element, on_page, parents) for element in firsts)
        page = max(page - 1, 0)  # the page before may have tried the changed element
        while page > 0 and not clean[page]:
            page -= 1
        return page, lambda element: order.get(element, -1) > last


def _signature(element) -> tuple:
    return (element.tag, tuple(sorted(element.attrib.items())), element.text, element.tail,
            tuple(element))


def _next_end(element, parents: dict, ends: dict) -> tuple[int, ...]:
    """Where the element's next sibling ends: a selector such as `figure + p` styles it
    by what comes before it, so it changes with the element."""
    parent = parents.get(element)
    if parent is None:
        return ()
    siblings = list(parent)
    index = siblings.index(element)
    return (ends[siblings[index + 1]],) if index + 1 < len(siblings) else ()


def _order(root) -> tuple[dict, dict]:
    """Each element's place in document order, and the place of the last element inside it."""
    elements = list(root.iter())
    order = {element: number for number, element in enumerate(elements)}
    ends: dict = {}
    for element in reversed(elements):
        ends[element] = max([order[element], *(ends[child] for child in element)])
    return order, ends


def _children_changed(old: list, new: list) -> tuple[object | None, list]:
    """The first old child where the lists part (or the last, if only added to), and
    the new children from where they part to where they meet again, with the child
    after those (styled by what comes before it)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] is new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] is new[-1 - end]:
        end += 1
    first = old[start] if start < len(old) else (old[-1] if old else None)
    return first, new[start:len(new) - end + 1]


def _page_of(element, on_page: dict, parents: dict) -> int:
    """The first page that shows the element, or its nearest ancestor that is shown."""
    while element is not None:
        if element in on_page:
            return on_page[element]
        element = parents.get(element)
    return 0
