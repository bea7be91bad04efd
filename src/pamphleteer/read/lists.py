"""Lists as authors write them everywhere else, read by Python-Markdown.

Python-Markdown wants a blank line before a list and nested items indented by four
spaces; CommonMark, GitHub and most editors also take a list straight after a
paragraph line ("Things to bring:" then "- bread") and items nested by two spaces or
to the parent item's text ("1. first" then "   - sub"). This Markdown extension
rewrites those lines, before Python-Markdown reads them, into the form it expects: a
blank line before such a list, four spaces for each level of nesting. Text without
lists is left exactly as it was.

The rules:

- A bullet line (`- `, `* `, `+ `) straight after a paragraph line begins a list when
  that line ends with a colon or another item follows it; a lone one is read as text
  (a dash, an asterisk) and warned about. A numbered line straight after a paragraph
  line begins a list only from `1.` (as in CommonMark): "1986. was a year" stays text,
  with a warning.
- An item indented at least two spaces past its parent's marker is nested under it;
  two spaces, four, or aligned with the parent's text are the usual ways, and any
  other indentation is warned about. A paragraph after a blank line belongs to the
  deepest item it is indented under; one at the margin ends the list.
- Inside block quotes the same rules apply to the quoted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown import Extension
from markdown.preprocessors import Preprocessor

from .limits import MAX_NESTING  # deeper quotes are refused before Markdown reads them

# A list item: indentation, marker, the spaces after it, then some text.
ITEM = re.compile(r"( *)([*+-]|(\d{1,9})\.)( +)(?=\S)")
RULE = re.compile(r" {0,3}([-*_])( *\1){2,} *$")  # `- - -` is a thematic break, not an item
QUOTE = re.compile(r" {0,3}> ?")
HEADING = re.compile(r" {0,3}#")
TAB = 4  # Python-Markdown's indentation for each level


@dataclass
class _Item:
    marker: int  # the column of its marker in the manuscript
    text: int  # the column its text starts at
    line: int  # its line in the manuscript


@dataclass
class Reading:
    """The lines as Python-Markdown should read them, what is ambiguous, how deep lists go."""

    lines: list[str] = field(default_factory=list)
    warnings: list[tuple[int, str, str]] = field(default_factory=list)  # (manuscript line, code, message)
    depth: int = 0  # the deepest nesting of items (1: a list with no list inside)
    deepest: int | None = None  # the manuscript line of the first item that deep


def read_lists(lines: list[str], first_line: int = 1, quote_depth: int = 0) -> Reading:
    """Rewrite the lists in `lines` (tabs expanded) for Python-Markdown; `first_line` is
    the manuscript line of the first of them, for the warnings."""
    return _Reader(lines, first_line, quote_depth).read()


class _Reader:
    def __init__(self, lines: list[str], first_line: int, quote_depth: int):
        self.lines, self.first_line, self.quote_depth = lines, first_line, quote_depth
        self.reading = Reading()
        self.stack: list[_Item] = []  # the open items, outermost first
        # What the line before was: blank, paragraph, heading, code, html, item, or a
        # paragraph inside an item (after a blank line), whose item is `self.owner` deep.
        self.previous = "blank"
        self.owner = 0
        self.block_level = 0  # the nesting level of the first line after the last blank one

    def read(self) -> Reading:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if QUOTE.match(line) and not self.stack and self.quote_depth < MAX_NESTING:
                end = index
                while end < len(self.lines) and QUOTE.match(self.lines[end]):
                    end += 1
                self._quote(index, end)
                self.previous, index = "paragraph", end
                continue
            if not line.strip():
                self.out(line)
                self.previous = "blank"
            else:
                self.previous = self._line(index)
            index += 1
        return self.reading

    def out(self, line: str) -> None:
        if not self.reading.lines or not self.reading.lines[-1].strip():
            self.block_level = (len(line) - len(line.lstrip(" "))) // TAB
        self.reading.lines.append(line)

    def warn(self, index: int, code: str, message: str) -> None:
        self.reading.warnings.append((self.first_line + index, code, message))

    def _quote(self, start: int, end: int) -> None:
        """Block-quote lines: their text is read by the same rules, then quoted again."""
        quoted = self.lines[start:end]
        inner = [line[QUOTE.match(line).end():] for line in quoted]
        reading = read_lists(inner, self.first_line + start, self.quote_depth + 1)
        self.reading.warnings += reading.warnings
        if reading.depth > self.reading.depth:
            self.reading.depth, self.reading.deepest = reading.depth, reading.deepest
        if reading.lines == inner:
            self.reading.lines += quoted  # unchanged, byte for byte
        else:
            self.reading.lines += [f"> {line}" if line else ">" for line in reading.lines]

    def _line(self, index: int) -> str:
        """Read one non-blank line; return what it was."""
        line = self.lines[index]
        indent = len(line) - len(line.lstrip(" "))
        item = ITEM.match(line) if not RULE.match(line) else None
        if self.stack and item:
            return self._item_in_list(index, item)
        if self.stack and self.previous == "blank":
            while self.stack and indent < self.stack[-1].marker + 2:
                self.stack.pop()
            if self.stack:  # a paragraph of the deepest item it is indented under
                extra = max(0, indent - self.stack[-1].text)  # (four more make it code)
                self.out(" " * (TAB * len(self.stack) + extra) + line.lstrip(" "))
                self.owner = len(self.stack)
                return "paragraph in item"
        elif self.stack:  # the text of an item or of its paragraph goes on
            keep = len(self.stack) == 1 and self.previous == "item"
            self.out(line if keep else " " * (TAB * len(self.stack)) + line.lstrip(" "))
            return self.previous
        return self._outside_list(index, indent, item)

    def _outside_list(self, index: int, indent: int, item) -> str:
        line = self.lines[index]
        if (self.previous in ("blank", "code") and indent >= TAB) or self.previous == "html":
            self.out(line)  # code, or raw HTML: as it is
            return "code" if self.previous != "html" else "html"
        if self.previous == "blank" and line.startswith("<"):
            self.out(line)
            return "html"
        if item and indent < TAB and (self.previous != "paragraph" or self._interrupts(index, item)):
            if self.previous == "paragraph":
                self.out("")  # what Python-Markdown needs to see a list
            self._push(indent, item, index)
            self.out(line)
            return "item"
        self.out(line)
        return "heading" if HEADING.match(line) else "paragraph"

    def _interrupts(self, index: int, item) -> bool:
        """Whether an item line straight after a paragraph line begins a list: only when
        that is clear; otherwise it stays text, with a warning."""
        marker, number = item[2], item[3]
        if number is not None:
            if int(number) == 1:
                return True
            self.warn(index, "READ-040", f"a line beginning '{marker}' inside a paragraph is read as text, "
                             "not a list: leave a blank line before it to begin a list, or write "
                             f"'{number}\\.' to keep it as text")
            return False
        before = self.lines[index - 1].rstrip()
        after = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        if before.endswith(":") or (ITEM.match(after) and not RULE.match(after)):
            return True
        self.warn(index, "READ-041", f"a line beginning '{marker} ' inside a paragraph is read as text, "
                         "not a list: leave a blank line before it to begin a list, or write "
                         f"'\\{marker}' to keep it as text")
        return False

    def _item_in_list(self, index: int, item) -> str:
        """An item inside a list: a sibling of the item it lines up with, or nested under one."""
        line, indent = self.lines[index], len(item[1])
        while self.stack and indent < self.stack[-1].marker + 2:
            self.stack.pop()
        if self.stack:
            parent = self.stack[-1]
            offset, text = indent - parent.marker, parent.text - parent.marker
            if offset not in (2, TAB, text):
                ways = " or ".join(str(n) for n in sorted({2, text}))
                self.warn(index, "READ-042", f"list item indented {offset} spaces under the item on line "
                                 f"{parent.line}: read as nested under it; indent it by {ways} "
                                 "spaces to nest it, or line it up with that item")
        level = len(self.stack)
        if self.previous == "paragraph in item":
            # Nested under the item whose paragraph it follows: as after any paragraph.
            if level == self.owner and not self._interrupts(index, item):
                self.out(" " * (TAB * level) + line.lstrip(" "))
                return "paragraph in item"
            self.out("")
        elif self.previous != "blank" and level < self.block_level:
            # Python-Markdown would keep it in the nested block this one began after a blank.
            self.out("")
        self._push(indent, item, index)
        self.out(" " * (TAB * level) + line.lstrip(" "))
        return "item"

    def _push(self, indent: int, item, index: int) -> None:
        self.stack.append(_Item(indent, item.end(), self.first_line + index))
        if len(self.stack) > self.reading.depth:
            self.reading.depth, self.reading.deepest = len(self.stack), self.first_line + index


class _ListPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return read_lists(lines).lines


class ListExtension(Extension):
    """Registered after whitespace is normalized (tabs expanded), before raw HTML is set aside."""

    def extendMarkdown(self, md) -> None:
        md.preprocessors.register(_ListPreprocessor(md), "pamphleteer_lists", 25)


def makeExtension(**kwargs) -> ListExtension:  # noqa: N802 (the name Python-Markdown looks for)
    return ListExtension(**kwargs)
