"""The print edition's pages, marked in the EPUB.

A reader of the EPUB and a reader of the printed pamphlet should be able to
say "page 12" and mean the same words. So the EPUB marks where each printed
page begins, read from WeasyPrint's real layout (`pdf/pagestarts.py`), never
estimated; the pipeline hands the places over as plain data, a `PrintPages`.

Both editions are rendered from the same `Book`, so each part of the book (the
title page, the contents, every section, the colophon) holds the same text in
both. A place in a part is counted in *atoms* (`model.count_atoms`): the
characters that are not spaces, and the pictures. Line breaks, hyphenation and
page furniture change how the text is cut up, not how many atoms come before a
word; so "the 1,234th atom of section 3" names the same place in the laid-out
print edition and in the EPUB's XHTML. Note calls and note texts are left out
of the count on both sides: the PDF sets them at the foot of the page, the EPUB
after the section.

The print template names each part with `data-part`; `render.epub.part_files`
says which EPUB document holds it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from lxml import etree

from ..model import NOT_COUNTED, Book, PageStart, PrintPages, marker_id
from ..render.epub import EpubRendering, part_files

XHTML_NS = "http://www.w3.org/1999/xhtml"


EPUB_NS = "http://www.idpf.org/2007/ops"


# Where a marker may not stand as a child (only rows, cells or list items may).
NO_PHRASING = {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup"}


# Elements inside a line of text; every other element ends a word where it opens and closes.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
          "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}


def mark_print_pages(book: Book, rendering: EpubRendering, pages: PrintPages) -> None:
    """Mark in each of the rendering's documents where the print pages in it begin."""
    parts = {file: part for part, file in part_files(book).items()}

    def marked(document):
        part = parts.get(document.file_name)
        if part is None:
            return document
        return replace(document, content=mark_page_breaks(document.content, pages.in_part(part)))

    rendering.cover = marked(rendering.cover)
    rendering.front = [marked(document) for document in rendering.front]
    rendering.text = [marked(document) for document in rendering.text]
    rendering.back = [marked(document) for document in rendering.back]


def mark_page_breaks(xhtml: str, starts: list[PageStart]) -> str:
    """Insert a page-break marker into one EPUB document for each page that begins in
    it; the document's whole body is the part, minus the notes."""
    if not starts:
        return xhtml
    root = etree.fromstring(xhtml.encode("utf-8"))
    body = root.find(f"{{{XHTML_NS}}}body")
    text = _CountedText(body)
    figures = {element.get("id"): element for element in body.iter(f"{{{XHTML_NS}}}figure")}
    groups: dict[int, list[PageStart]] = {}
    for start in starts:
        if start.figure in figures:
            continue
        groups.setdefault(text.position(start.offset), []).append(start)
    # From the end backwards, so that the places not yet used stay where they were.
    for index in sorted(groups, reverse=True):
        markers = [_marker(start.label) for start in groups[index]]
        last = markers[-1]
        if index == len(text.flat):
            body.append(last)
        else:
            _insert(last, text.place(index), body)
        for marker in markers[:-1]:
            last.addprevious(marker)
    for start in starts:  # figures are not in the text: their places do not move
        if start.figure in figures:
            marker = _marker(start.label)
            figures[start.figure].addprevious(marker)
            _climb(marker, body)
    return _serialize(root)


# One place in a document: an element's text or tail at a position, or an image.
_Place = tuple[etree._Element, str, int]


PICTURE = "\ufffc"


COUNTED = re.compile(f"[^\\s{''.join(sorted(NOT_COUNTED))}]")  # what count_atoms counts


class _CountedText:
    """The counted text of a body as one string (a space where a block opens or closes,
    to end words; PICTURE for an image), and where each run of it came from. A long
    chapter has a million characters: one string, not a million places."""

    def __init__(self, body):
        self.runs: list[str] = []
        self.starts: list[int] = []  # where each run begins in the flat text
        self.sources: list[tuple] = []  # (element, "text" | "tail" | "img" | "boundary")
        self._length = 0
        self._walk(body)
        self.flat = "".join(self.runs)
        self.counted = [match.start() for match in COUNTED.finditer(self.flat)]

    def _add(self, element, where: str, run: str) -> None:
        self.runs.append(run)
        self.starts.append(self._length)
        self.sources.append((element, where))
        self._length += len(run)

    def _walk(self, element) -> None:
        if _skipped(element):
            return
        if _local(element) == "img":
            self._add(element, "img", PICTURE)
            return
        block = _local(element) not in INLINE
        if block:
            self._add(None, "boundary", " ")
        if element.text:
            self._add(element, "text", element.text)
        for child in element:
            if isinstance(child.tag, str):
                self._walk(child)
            if child.tail:
                self._add(child, "tail", child.tail)
        if block:
            self._add(None, "boundary", " ")

    def place(self, index: int) -> _Place:
        run = bisect.bisect_right(self.starts, index) - 1
        element, where = self.sources[run]
        return element, where, index - self.starts[run]

    def position(self, offset: int) -> int:
        """The index of the `offset`-th counted character; when that falls inside a
        word (one the print edition hyphenated over the page turn), of the next word."""
        flat = self.flat
        index = self.counted[offset] if offset < len(self.counted) else len(flat)
        while 0 < index < len(flat) and _inside_word(flat[index - 1], flat[index]):
            index += 1
        while index < len(flat) and flat[index].isspace():
            index += 1
        return index


def _skipped(element) -> bool:
    classes = (element.get("class") or "").split()
    return ("noteref" in classes or "footnotes" in classes or _local(element) == "figure"
            or element.get(f"{{{EPUB_NS}}}type") in ("pagebreak", "landmarks", "page-list"))


def _inside_word(before: str, here: str) -> bool:
    return not before.isspace() and not here.isspace() and PICTURE not in (before, here)


def _insert(marker, place: _Place, body) -> None:
    node, where, offset = place
    if where == "img":
        node.addprevious(marker)
    elif where == "text":
        marker.tail, node.text = node.text[offset:], node.text[:offset] or None
        node.insert(0, marker)
    else:  # in the text after `node`, inside its parent
        marker.tail, node.tail = node.tail[offset:], node.tail[:offset] or None
        node.addnext(marker)
    _climb(marker, body)


def _climb(marker, body) -> None:
    """A marker that begins an element goes before it instead: between paragraphs
    rather than inside one, and never inside a heading, whose text it would join.
    It climbs while it is also the start of the parent, as far as the body; but it
    stays in a contents entry's link, since a navigation document's list item may
    hold nothing else before it (EPUB 3.3: exactly an `a` or `span`, then an `ol`)."""
    while marker.getparent() is not body:
        parent = marker.getparent()
        grandparent = parent.getparent()
        if (marker.getprevious() is not None or (parent.text or "").strip()
                or _local(grandparent) in NO_PHRASING or _is_nav_entry(grandparent)):
            return
        rest = marker.tail
        parent.remove(marker)  # lxml moves the tail with the element: give it back
        parent.text = (parent.text or "") + (rest or "") or None
        marker.tail = None
        parent.addprevious(marker)


def _is_nav_entry(element) -> bool:
    """A list item of a `nav`: its label (`a` or `span`) must be its first child."""
    return _local(element) == "li" and any(_local(a) == "nav" for a in element.iterancestors())


def _marker(label: str):
    marker = etree.Element(f"{{{XHTML_NS}}}span", nsmap={"epub": EPUB_NS})
    marker.set(f"{{{EPUB_NS}}}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("id", marker_id(label))
    marker.set("aria-label", label)
    return marker


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _serialize(root) -> str:
    text = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n{text}\n'
