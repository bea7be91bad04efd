"""What the EPUB can truthfully say about its accessibility (EPUB Accessibility 1.1).

Every statement is derived from the book itself, never boilerplate: a book with
pictures is also visual; it claims alternative text only when every picture has
some (or is marked decorative); page navigation only when it carries the print
edition's page breaks; conformance only when nothing here stands against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Book
from ..render.templates import summary_words
from ..support.styles import DEFAULTS

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass(frozen=True)
class Accessibility:
    access_modes: tuple[str, ...]
    sufficient: tuple[str, ...]  # each a comma-separated set of modes that suffices
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    summary_lang: str  # the language the summary is written in
    conforms_to: str | None
    certified_by: str | None


def describe(book: Book, page_list: bool = False,
             words: tuple[dict[str, str], str] | None = None) -> Accessibility:
    """`words`: the summary's sentences and their language (render.summary_words);
    by default those of the project's styles for the book's language."""
    words = words or summary_words(DEFAULTS, book.metadata.lang)
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
        summary=_summary(words[0], book, visual, all_described, page_list, conforms),
        summary_lang=words[1],
        conforms_to=CONFORMANCE if conforms else None,
        certified_by=(meta.certified_by or meta.publisher) if conforms else None,
    )


def _summary(words: dict[str, str], book: Book, visual: bool, described: bool, page_list: bool,
             conforms: bool) -> str:
    """The summary in sentences from labels.yaml's `accessibility_summary`."""
    sentences = [words["contents_and_headings" if book.headings else "contents"]]
    count = len([f for f in book.figures if not f.decorative])
    if visual:
        if not described:
            sentences.append(words["pictures_undescribed"])
        else:
            sentences.append(words["one_picture_described" if count == 1 else "pictures_described"])
    if book.notes:
        sentences.append(words["notes"])
    if page_list:
        sentences.append(words["page_numbers"])
    sentences.append(words["display"])
    if conforms:
        sentences.append(words["conforms"])
    return " ".join(sentences).format(count=count, conformance=CONFORMANCE)
