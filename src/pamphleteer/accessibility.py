"""What the EPUB can truthfully say about its accessibility (EPUB Accessibility 1.1).

Every statement is derived from the book itself, never boilerplate: a book with
pictures is also visual; it claims alternative text only when every picture has
some (or is marked decorative); page navigation only when it carries the print
edition's page breaks; conformance only when nothing here stands against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Book

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass(frozen=True)
class Accessibility:
    access_modes: tuple[str, ...]
    sufficient: tuple[str, ...]  # each a comma-separated set of modes that suffices
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str | None
    certified_by: str | None


def describe(book: Book, page_list: bool = False) -> Accessibility:
    figures = book.figures
    informative = [f for f in figures if not f.decorative]
    all_described = all(f.alt for f in informative)
    visual = bool(informative)
    modes = ("textual", "visual") if visual else ("textual",)
    sufficient = ("textual",) if all_described else ()
    if visual:
        sufficient += ("textual,visual",)
    features = ["tableOfContents", "readingOrder", "displayTransformability"]
    if book.headings:
        features.insert(1, "structuralNavigation")
    if visual and all_described:
        features.append("alternativeText")
    if page_list:
        features += ["printPageNumbers", "pageBreakMarkers", "pageNavigation"]
    conforms = all_described
    meta = book.metadata
    return Accessibility(
        access_modes=modes, sufficient=sufficient, features=tuple(features), hazards=("none",),
        summary=_summary(book, visual, all_described, page_list, conforms),
        conforms_to=CONFORMANCE if conforms else None,
        certified_by=(meta.certified_by or meta.publisher) if conforms else None,
    )


def _summary(book: Book, visual: bool, described: bool, page_list: bool, conforms: bool) -> str:
    parts = ["This publication has a table of contents"]
    if book.headings:
        parts[0] += " and headings for every section"
    sentences = [parts[0] + "."]
    if visual:
        count = len([f for f in book.figures if not f.decorative])
        pictures = "picture has" if count == 1 else f"{count} pictures have"
        sentences.append(f"Its {pictures} a text description." if described else
                         "Some of its pictures have no text description.")
    if book.notes:
        sentences.append("Notes are linked to and from the text.")
    if page_list:
        sentences.append("Page numbers of the print edition are marked in the text.")
    sentences.append("The text can be resized and restyled, and it has no flashing, "
                     "sound or motion hazards.")
    if conforms:
        sentences.append(f"It meets {CONFORMANCE}.")
    return " ".join(sentences)
