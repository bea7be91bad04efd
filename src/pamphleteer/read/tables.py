"""Tables: each column's alignment, and which columns hold numbers.

Python-Markdown writes the alignment of `|:---|---:|` as a `style` attribute on
every cell, and the sanitizer drops styles (the look lives in styles/). So,
before it does, the alignment becomes a class, `align-left`, `align-center` or
`align-right`, which both stylesheets set and which is valid in an EPUB, as
the old `align` attribute is not. A body cell in a column of numbers gets the
class `numeric`: its figures are set all of one height and width, so that they
line up down the column.
"""

from __future__ import annotations

import re

ALIGNMENTS = ("left", "center", "right")
# A figure as tables hold them: 1,200 or 3.5 or -4 or £12 or 45% (spaces may group thousands).
NUMBER = re.compile(r"[-+\u2212\u00b1]?[£$€¥]?\d[\d,. \u00a0\u2009\u202f]*%?")
NIL = {"", "-", "\u2013", "\u2014"}  # an empty cell or a dash: neither a number nor a word


def mark_columns(root) -> None:
    """Alignment classes on every cell, `numeric` on the body cells of number columns
    (`root` parsed by lxml.html, before the sanitizer)."""
    for cell in root.iter("th", "td"):
        alignment = _alignment(cell)
        if alignment:
            _add_class(cell, f"align-{alignment}")
        cell.attrib.pop("align", None)
    for table in root.iter("table"):
        _mark_numeric_columns(table)


def _alignment(cell) -> str | None:
    style = re.search(r"text-align\s*:\s*(\w+)", cell.get("style") or "")
    value = (style[1] if style else cell.get("align") or "").lower()
    return value if value in ALIGNMENTS else None


def _mark_numeric_columns(table) -> None:
    columns: dict[int, list] = {}
    for row in table.iter("tr"):
        position = 0
        for cell in row:
            if cell.tag not in ("th", "td"):
                continue
            span = _span(cell)
            if cell.tag == "td" and span == 1:  # a cell across columns belongs to none of them
                columns.setdefault(position, []).append(cell)
            position += span
    for cells in columns.values():
        texts = [" ".join(cell.text_content().split()) for cell in cells]
        if any(text not in NIL for text in texts) and all(
                text in NIL or NUMBER.fullmatch(text) for text in texts):
            for cell in cells:
                _add_class(cell, "numeric")


def _span(cell) -> int:
    value = cell.get("colspan") or "1"
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _add_class(element, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))
