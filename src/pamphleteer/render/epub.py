"""The book as the EPUB's XHTML documents, through `styles/epub/`.

It produces text; `epub/` turns that text into the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..model import Book, PrintPages, Section, marker_id
from ..support.slugs import slugify
from ..support.styles import DEFAULTS, Styles
from .contents import table_of_contents
from .templates import environment, labels, summary_words


@dataclass(frozen=True)
class Document:
    """One XHTML file of the EPUB."""

    file_name: str
    title: str
    content: str
    properties: tuple[str, ...] = ()


@dataclass
class EpubRendering:
    cover: Document
    front: list[Document]  # title page, contents (the nav document)
    text: list[Document]  # one per top-level section
    back: list[Document]  # colophon
    stylesheet: str
    image_files: dict[Path, str] = field(default_factory=dict)  # source -> name in the EPUB
    # the sentences of the accessibility summary, and the language they are in
    summary_words: tuple[dict[str, str], str] | None = None

    @property
    def documents(self) -> list[Document]:
        return [self.cover, *self.front, *self.text, *self.back]

    def text_content(self) -> str:
        """Every character the documents show, for cutting embedded fonts down to size."""
        return "".join("".join(etree.fromstring(d.content.encode("utf-8")).itertext())
                       for d in self.documents)


def section_file(section: Section) -> str:
    return f"section-{section.number:02d}.xhtml"


def part_files(book: Book) -> dict[str, str]:
    """The EPUB document that holds each part the print template names with `data-part`."""
    files = {"cover": "cover.xhtml", "titlepage": "titlepage.xhtml", "contents": "nav.xhtml",
             "colophon": "colophon.xhtml"}
    files.update({f"section-{s.number}": section_file(s) for s in book.sections})
    return files


def render_epub(book: Book, cover_name: str, styles: Styles = DEFAULTS,
                pages: PrintPages | None = None,
                extensions: dict[Path, str] | None = None) -> EpubRendering:
    """`cover_name` is where the writer puts the cover image in the EPUB; `pages`, where
    the print edition's pages begin, for the page list (`epub.pagebreaks` marks them); `extensions`, the
    file type of each image's copy for screens, when it differs from the original's."""
    env = environment(styles)
    files_of_parts = part_files(book)
    images = _epub_image_names(book, extensions or {}, taken=cover_name)
    files = {section.id: section_file(section) for section in book.sections}
    targets = _epub_link_targets(book)
    env.filters["epub_links"] = lambda xhtml: _rewrite_links(xhtml, targets)
    context = {
        "book": book,
        "meta": book.metadata,
        "labels": labels(styles, book.metadata.lang),
        "images": {fig.id: images[fig.source] for fig in book.figures},
        "files": files,
        "first_text_file": section_file(book.sections[0]),
        "note_files": {note.number: section_file(section)
                       for section in book.sections for note in section.notes},
        "toc": table_of_contents(book),
        "cover_image": cover_name,
        "page_list": [(start.label, f"{files_of_parts[start.part]}#{marker_id(start.label)}")
                      for start in pages.starts] if pages else [],
    }

    def document(template: str, file_name: str, title: str, properties=(), **extra) -> Document:
        content = env.get_template(f"epub/{template}").render(
            context, title=title, file_name=file_name, **extra)
        return Document(file_name, title, content, tuple(properties))

    cover_alt = book.metadata.title + (f", {book.metadata.author_line}" if book.metadata.authors else "")
    lab = context["labels"]
    return EpubRendering(
        cover=document("cover.xhtml", "cover.xhtml", lab["cover"], cover_alt=cover_alt),
        front=[
            document("titlepage.xhtml", "titlepage.xhtml", lab["title_page"]),
            document("nav.xhtml", "nav.xhtml", lab["contents"], properties=["nav"]),
        ],
        text=[
            document("section.xhtml", section_file(section), _section_title(book, section),
                     section=section)
            for section in book.sections
        ],
        back=[document("colophon.xhtml", "colophon.xhtml", lab["colophon"])],
        stylesheet=styles.text("epub/book.css"),
        image_files=images,
        summary_words=summary_words(styles, book.metadata.lang),
    )


def render_font_css(styles: Styles, family: str, faces: list) -> str:
    """@font-face rules for the embedded fonts (each face has file_name, weight, style)."""
    return environment(styles).get_template("epub/fonts.css").render(family=family, faces=faces)


def _section_title(book: Book, section: Section) -> str:
    return section.heading.text if section.heading else book.metadata.title


def _epub_image_names(book: Book, extensions: dict[Path, str], taken: str) -> dict[Path, str]:
    """A file name in the EPUB for each image, also its address in the XHTML and the
    manifest: so only lower-case ASCII letters, digits and hyphens ('My photo é.png' ->
    'my-photo-e.png'), which every reading system and EPUBCheck take as a URL as it is.
    Unique, even where two folders share a name or two names clean up alike, and
    never `taken` (the cover's)."""
    names: dict[Path, str] = {}
    used = {taken}
    for figure in book.figures:
        if figure.source in names:
            continue
        stem = slugify(figure.source.stem) or "picture"  # a name with no Latin letters
        extension = slugify(extensions.get(figure.source, figure.source.suffix))
        suffix = f".{extension}" if extension else ""
        name, n = f"images/{stem}{suffix}", 1
        while name in used:
            n += 1
            name = f"images/{stem}-{n}{suffix}"
        names[figure.source] = name
        used.add(name)
    return names


def _epub_link_targets(book: Book) -> dict[str, str]:
    """Which file each id ends up in, once the book is split into files."""
    targets = {}
    for section in book.sections:
        for heading in section.headings:
            targets[heading.id] = section_file(section)
        for figure in section.figures:
            targets[figure.id] = section_file(section)
    return targets


def _rewrite_links(xhtml: str, targets: dict[str, str]) -> str:
    """`href="#heading"` in the manuscript must point into the file that holds it."""
    def repl(match: re.Match) -> str:
        target = match[1]
        return f'href="{targets[target]}#{target}"' if target in targets else match[0]
    return re.sub(r'href="#([^"]+)"', repl, xhtml)
