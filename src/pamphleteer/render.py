"""Rendering: the `Book` through the Jinja2 templates in `styles/`.

All of the look lives in `styles/`; this module only decides which template
renders what, and hands each one the book. It produces text (XHTML documents
for the EPUB, one HTML document for print, one for the generated cover); the
writers turn that text into files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
import yaml
from lxml import etree

from .model import Book, Figure, Heading, NoteRef, Section
from .pages import PrintPages, mark_page_breaks, marker_id
from .paths import DEFAULT_STYLES
from .slugs import slugify


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


@functools.cache  # one per styles folder: a book laid out in pieces renders the templates often
def environment(styles: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(styles)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.tests["noteref"] = lambda part: isinstance(part, NoteRef)
    env.tests["figure"] = lambda part: isinstance(part, Figure)
    # A heading's own markup, minus links: a contents entry is already a link.
    env.filters["unlink"] = lambda xhtml: re.sub(r"</?a\b[^>]*>", "", xhtml)
    env.filters["labelled"] = labelled
    return env


def labelled(name: str, label: str) -> str:
    """'Published by X'; but not 'Verlag Verlag Zum Schwarzen Kater': the label is left
    out when the name already begins with it."""
    if name.casefold().startswith(label.casefold()):
        return name
    return f"{label} {name}"


def labels(styles: Path, lang: str) -> dict[str, str]:
    """The words the templates print ('Contents', 'Notes' ...) in the book's language."""
    table = _label_table(styles)
    primary = lang.split("-")[0].lower()
    return {**table["en"], **table.get(primary, {}), **table.get(lang, {})}


def summary_words(styles: Path, lang: str) -> tuple[dict[str, str], str]:
    """The sentences of the EPUB's accessibility summary in the book's language, and
    the language they are in: English, when labels.yaml has none for the book's."""
    table = _label_table(styles)
    for tag in (lang, lang.split("-")[0].lower()):
        words = (table.get(tag) or {}).get("accessibility_summary")
        if words:
            return words, lang
    english = (table.get("en") or {}).get("accessibility_summary")
    if english is None and styles != DEFAULT_STYLES:  # a labels.yaml older than the summary's words
        return summary_words(DEFAULT_STYLES, lang)
    return english, "en"


@functools.cache
def _label_table(styles: Path) -> dict:
    return yaml.safe_load((styles / "labels.yaml").read_text(encoding="utf-8"))


def section_file(section: Section) -> str:
    return f"section-{section.number:02d}.xhtml"


def part_files(book: Book) -> dict[str, str]:
    """The EPUB document that holds each part the print template names with `data-part`."""
    files = {"cover": "cover.xhtml", "titlepage": "titlepage.xhtml", "contents": "nav.xhtml",
             "colophon": "colophon.xhtml"}
    files.update({f"section-{s.number}": section_file(s) for s in book.sections})
    return files


def render_epub(book: Book, cover_name: str, styles: Path = DEFAULT_STYLES,
                pages: PrintPages | None = None,
                extensions: dict[Path, str] | None = None) -> EpubRendering:
    """`cover_name` is where the writer puts the cover image in the EPUB; `pages`, where
    the print edition's pages begin, if the EPUB is to mark them; `extensions`, the
    file type of each image's copy for screens, when it differs from the original's."""
    env = environment(styles)
    files_of_parts = part_files(book)
    parts = {file: part for part, file in files_of_parts.items()}
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
        if pages and file_name in parts:
            content = mark_page_breaks(content, pages.in_part(parts[file_name]))
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
        stylesheet=(styles / "epub" / "book.css").read_text(encoding="utf-8"),
        image_files=images,
        summary_words=summary_words(styles, book.metadata.lang),
    )


@dataclass(frozen=True)
class PrintPiece:
    """A run of the print edition that starts on a right-hand page of its own, so
    that it can be laid out by itself: the front matter, then each chapter (or,
    in a book of questions, the whole text). The last piece holds the colophon."""

    front: bool = False
    sections: tuple[Section, ...] = ()
    back: bool = False
    tight_contents: bool = False  # the contents set a little closer (layout.py decides)


def print_pieces(book: Book) -> list[PrintPiece]:
    sections = tuple(book.sections)
    if book.has_chapters and sections:  # every chapter begins on a right-hand page
        runs = [(section,) for section in sections]
    else:
        runs = [sections]
    body = [PrintPiece(sections=run) for run in runs]
    body[-1] = PrintPiece(sections=body[-1].sections, back=True)
    return [PrintPiece(front=True), *body]


def render_print(book: Book, styles: Path = DEFAULT_STYLES, created: str | None = None,
                 piece: PrintPiece | None = None, page_of: dict[str, str] | None = None,
                 copies: dict[Path, Path] | None = None) -> str:
    """`created` is the W3C date-time the PDF's metadata gives as its creation.
    Without `piece`, the whole book in one document; `page_of` gives the page
    number of each heading id (and of "colophon"), for the contents; `copies`
    the picture to print instead of each (prints.py) where it is a figure in the
    text. A full page (the cover, a `{.bleed}` figure) is larger than the text block
    the copy is made for, so it prints from the original, even when the same file
    is also a figure in the text."""
    env = environment(styles)
    whole = PrintPiece(front=True, sections=tuple(book.sections), back=True)
    copies = copies or {}

    def picture(source: Path, full_page: bool = False) -> str:
        return picture_url(book, source, None if full_page else copies.get(source))

    return env.get_template("print/book.html").render(
        book=book, meta=book.metadata, labels=labels(styles, book.metadata.lang),
        toc=table_of_contents(book), created=created, piece=piece, whole=whole,
        page_of=page_of or {}, picture=picture)


def picture_url(book: Book, source: Path, copy: Path | None = None) -> str:
    """A picture's address in the print HTML: the same wherever the manuscript and build/
    are, since WeasyPrint names each picture in the PDF after its address, and a
    release must be the same bytes when built again elsewhere. The fetcher maps it back."""
    if copy is not None:
        return f"picture:print-copy/{quote(copy.name)}"
    return f"picture:{quote(source.resolve().relative_to(book.source.parent.resolve()).as_posix())}"


def picture_files(book: Book, copies: dict[Path, Path] | None = None) -> dict[str, Path]:
    """Each picture address of the print HTML, and the file it stands for."""
    copies = copies or {}
    pictures = {picture_url(book, source): source for source in book.picture_files}
    pictures.update({picture_url(book, source, copy): copy for source, copy in copies.items()})
    return pictures


def render_font_css(styles: Path, family: str, faces: list) -> str:
    """@font-face rules for the embedded fonts (each face has file_name, weight, style)."""
    return environment(styles).get_template("epub/fonts.css").render(family=family, faces=faces)


def render_cover(book: Book, styles: Path = DEFAULT_STYLES, fit: object | None = None) -> str:
    """`fit`: the sizes and breaks the cover's text is set with (`coverfit.Fit`); None: as designed."""
    env = environment(styles)
    return env.get_template("cover/cover.html").render(
        book=book, meta=book.metadata, labels=labels(styles, book.metadata.lang), fit=fit)


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
