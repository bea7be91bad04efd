"""The contents: every heading of the book, nested by level, for both editions."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Book, Heading


@dataclass
class TocEntry:
    heading: Heading
    section_id: str
    children: list[TocEntry] = field(default_factory=list)


def table_of_contents(book: Book) -> list[TocEntry]:
    """Every heading, nested by level, in reading order."""
    entries: list[TocEntry] = []
    for section in book.sections:
        stack: list[TocEntry] = []
        for heading in section.headings:
            entry = TocEntry(heading, section.id)
            while stack and stack[-1].heading.level >= heading.level:
                stack.pop()
            (stack[-1].children if stack else entries).append(entry)
            stack.append(entry)
    return entries
