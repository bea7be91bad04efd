"""An edit of the manuscript, made in the corrected HTML of a piece laid out before.

A piece laid out and corrected (pieces.py) holds its HTML with the corrections
in it: ties, whole words, notes fitted, figures settled, blank pages added. An
edit renders the piece's HTML again, without them. Rather than lay the new HTML
out from its first page, the elements the edit changed are put in place of
their old selves in the corrected tree: `changes.Changes` then finds where the
layout must start again, and the pages before that, and those after the new
layout meets the old one again, are kept.

The old and the new rendering are compared element by element from the root
down; an element that differs, and is not a container holding only elements of
the same tags as before, is put in whole. Its old self is found in the
corrected tree through `Twins`, not by its place: a correction may have moved it
(a figure settled after a paragraph) or put elements beside it.
"""

from __future__ import annotations

import copy

# What holds text: changed, it is put in whole, never patched inside.
TEXT_HOLDERS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd", "td", "th",
                "caption", "pre", "title"}


class Twins:
    """Each element of a rendering, and the element of the corrected tree made from it."""

    def __init__(self, rendered, corrected):
        """`corrected` must still be an uncorrected copy of `rendered`."""
        self.rendered = rendered
        self._twin = dict(zip(rendered.iter(), corrected.iter(), strict=True))

    def graft(self, edited, corrected) -> list | None:
        """Make `corrected` show `edited`, a new rendering of the piece: each element of
        `edited` that differs from its counterpart in the old rendering goes, copied, in
        place of that counterpart's twin. The twins then follow `edited`. Returns the
        elements put in, or None when the edit reaches the root itself (the piece is then
        laid out afresh)."""
        if not _enterable(self.rendered, edited):
            return None
        parents = {child: parent for parent in corrected.iter() for child in parent}
        twins = {edited: self._twin[self.rendered]}
        put_in: list = []
        self._graft_children(self.rendered, edited, parents, twins, put_in)
        self.rendered, self._twin = edited, twins
        return put_in

    def _graft_children(self, old, new, parents: dict, twins: dict, put_in: list) -> None:
        for old_child, new_child in zip(old, new, strict=True):
            twin = self._twin[old_child]
            if old_child.tail == new_child.tail and _same(old_child, new_child):
                twins.update(zip(new_child.iter(), (self._twin[e] for e in old_child.iter()), strict=True))
            elif old_child.tail == new_child.tail and _enterable(old_child, new_child):
                twins[new_child] = twin
                self._graft_children(old_child, new_child, parents, twins, put_in)
            else:
                fresh = copy.deepcopy(new_child)
                parent = parents[twin]
                parent[list(parent).index(twin)] = fresh
                twins.update(zip(new_child.iter(), fresh.iter(), strict=True))
                put_in.append(fresh)


def _enterable(old, new) -> bool:
    """Whether two elements differ only inside their children, which can be compared
    one by one: the same tag and attributes, no text of their own, the same number
    of children with the same tags."""
    if old.tag in TEXT_HOLDERS or old.tag != new.tag or old.attrib != new.attrib:
        return False
    if not (_blank(old.text) and _blank(new.text) and old.text == new.text):
        return False
    return len(old) == len(new) and all(a.tag == b.tag for a, b in zip(old, new, strict=True))


def _same(old, new) -> bool:
    """Whether two elements, with all inside them, are the same (their tails aside)."""
    if old.tag != new.tag or old.attrib != new.attrib or old.text != new.text or len(old) != len(new):
        return False
    return all(a.tail == b.tail and _same(a, b) for a, b in zip(old, new, strict=True))


def _blank(text: str | None) -> bool:
    return not text or text.isspace()
