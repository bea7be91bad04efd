"""What Python-Markdown can read in reasonable time, and a hand to keep it so.

No manuscript may hang the build. Python-Markdown takes time that grows with the
square of some things a manuscript can hold: block quotes or lists nested thousands
deep, thousands of brackets, backticks or `<` that never close. Normal books hold
none of these: `check` refuses them, before Markdown reads a line, with the line to
look at. The limits are far above what a page can show (ten levels of nesting already
leave a narrow column) and cost nothing to check: one pass over the text.

One cost is Python-Markdown's own even on a normal text: the typography pass
(`smarty`) looks every block up among its siblings, so a chapter of ten thousand
short paragraphs, or a list of ten thousand items, took minutes. `GroupExtension`
puts siblings into groups of a few hundred for that pass and takes them out again,
which makes it linear; the HTML is the same.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from ..problems import Diagnostics

# Each level of a list or a block quote indents the text; by ten, a pamphlet's column
# is a third of its width. Python-Markdown reads each level again for every level
# around it, and the XHTML parser stops at 256.
MAX_NESTING = 10
QUOTE_MARKS = re.compile(r"(?: {0,3}>)+")


# Python-Markdown spends a fraction of a millisecond on each paragraph, list item,
# table row or heading; a book of 30,000 of them runs to a thousand pages or more.
MAX_BLOCKS = 30_000
# It looks at each of these marks in a paragraph (quotes, emphasis, code, links, tags,
# entities, escapes, dashes, ellipses, line breaks) and rewrites the whole paragraph
# for each it turns into something: the time grows with their number times the
# paragraph's length. A long paragraph of prose holds a few hundred (quotes and
# apostrophes mostly), which makes a few hundred thousand; the whole text is allowed
# two thousand million, some fifteen seconds.
MARKS = re.compile(r"""["'*_`\[\]<>&\\]|--|\.\.\.""")  # and line breaks, "  \n"
MAX_REWRITTEN = 2_000_000_000
# A `[` that is never closed makes Markdown read the rest of its paragraph, for each
# kind of link; a `<` and a letter (a tag, to the HTML reader) the rest of the text up
# to the next `>`. Each million characters read so takes about half a second; a book
# has a few such slips, each costing at most its length.
MAX_SCANNED = 20_000_000
# What begins a new stretch of inline text within a block: each list item, table row,
# heading and note is read by itself.
OWN_TEXT = re.compile(r" {0,3}(?:[*+-] |\d{1,9}\. |\||#|\[\^[^\]]+\]:)")
TAG_START = re.compile(r"</?[A-Za-z]")
BRACKETS = re.compile(r"\\.|[\[\]]", re.DOTALL)


def check(lines: list[str], first_line: int, list_depth: tuple[int, int | None],
          diag: Diagnostics) -> bool:
    """Whether Markdown can read these lines (the body) in reasonable time; if not,
    report where. `list_depth`: how deep lists go, and the line of the first that deep."""
    problems = len(diag.errors)
    _check_quotes(lines, first_line, diag)
    depth, line = list_depth
    if depth > MAX_NESTING:
        diag.error("READ-045", f"a list nested {depth} deep: at most {MAX_NESTING} levels can be read; "
                   "indent this item less", line=line)
    _check_stretches(lines, first_line, diag)
    _check_tags("\n".join(lines), first_line, diag)
    return len(diag.errors) == problems


def _check_quotes(lines: list[str], first_line: int, diag: Diagnostics) -> None:
    for number, line in enumerate(lines, start=first_line):
        marks = QUOTE_MARKS.match(line)
        depth = marks[0].count(">") if marks else 0
        if depth > MAX_NESTING:
            diag.error("READ-046", f"block quotes nested {depth} deep: at most {MAX_NESTING} levels can be "
                       "read; use fewer '>'", line=number)
            return


def _stretches(lines: list[str]):
    """(index of its first line, text) of each stretch of text Markdown reads inline by
    itself: a paragraph, a list item, a table row, a heading."""
    start = None
    for index, line in enumerate([*lines, ""]):
        if start is not None and (not line.strip() or OWN_TEXT.match(line)):
            yield start, "\n".join(lines[start:index])
            start = None
        if start is None and line.strip():
            start = index


def _check_stretches(lines: list[str], first_line: int, diag: Diagnostics) -> None:
    blocks = rewritten = scanned = 0
    heaviest = (0, 0, 0, 0)  # what it costs, its line, length and marks
    for start, text in _stretches(lines):
        blocks += 1
        if blocks > MAX_BLOCKS:
            diag.error("READ-047", f"more than {MAX_BLOCKS:,} paragraphs, headings, list items and "
                       "table rows would take Markdown minutes to read: make this several books",
                       line=first_line + start)
            return
        marks = len(MARKS.findall(text)) + text.count("  \n")
        rewritten += marks * len(text)
        heaviest = max(heaviest, (marks * len(text), first_line + start, len(text), marks))
        if rewritten > MAX_REWRITTEN:
            _, line, length, marks = heaviest
            diag.error("READ-048", f"a paragraph of {length:,} characters with {marks:,} quotes, "
                       "brackets and other marks would take Markdown minutes to read (with the others "
                       "like it): are paragraphs run together? Separate them with a blank line", line=line)
            return
        unclosed = _unclosed_brackets(text)
        scanned += sum(len(text) - position for position in unclosed)
        if scanned > MAX_SCANNED:
            line = first_line + start + text.count("\n", 0, unclosed[0])
            diag.error("READ-049", f"too many '[' never closed ({len(unclosed):,} in this paragraph) would "
                       "take Markdown minutes to read: close each with ']', or write '\\[' for a "
                       "bracket", line=line)
            return


def _unclosed_brackets(text: str) -> list[int]:
    """Where the `[`s that no `]` closes are (a backslash escapes either)."""
    open_at: list[int] = []
    for match in BRACKETS.finditer(text):
        if match[0] == "[":
            open_at.append(match.start())
        elif match[0] == "]" and open_at:
            open_at.pop()
    return open_at


def _check_tags(text: str, first_line: int, diag: Diagnostics) -> None:
    """A `<` and a letter opens a tag; the HTML reader looks for its `>` to the end."""
    scanned, next_close, first_far = 0, -1, None
    for match in TAG_START.finditer(text):
        if next_close < match.start():
            next_close = text.find(">", match.start())
            next_close = len(text) if next_close < 0 else next_close
        scanned += next_close - match.start()
        if first_far is None and next_close - match.start() > 1000:
            first_far = match.start()
        if scanned > MAX_SCANNED:
            where = first_far if first_far is not None else match.start()
            diag.error("READ-050", "'<' and a letter begin an HTML tag, and too many here have no '>' to "
                       "end them: Markdown would take minutes to read them; write '&lt;' for a "
                       "'<' that is not a tag", line=first_line + text.count("\n", 0, where))
            return


GROUP = "x-group"  # not an HTML element; never left in the output
GROUP_SIZE = 256


class _Group(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if len(element) > GROUP_SIZE:
                children = list(element)
                for child in children:
                    element.remove(child)
                for start in range(0, len(children), GROUP_SIZE):
                    etree.SubElement(element, GROUP).extend(children[start:start + GROUP_SIZE])


class _Ungroup(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if any(child.tag == GROUP for child in element):
                children = [grandchild for child in list(element)
                            for grandchild in (child if child.tag == GROUP else [child])]
                for child in list(element):
                    element.remove(child)
                element.extend(children)


class GroupExtension(Extension):
    """Groups around the `smarty` pass (priority 6): after the tree is prettified (10)
    and attribute lists are read (8), before characters are unescaped (0)."""

    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_Group(md), "pamphleteer_group", 7)
        md.treeprocessors.register(_Ungroup(md), "pamphleteer_ungroup", 5)


def makeExtension(**kwargs) -> GroupExtension:  # noqa: N802 (the name Python-Markdown looks for)
    return GroupExtension(**kwargs)
