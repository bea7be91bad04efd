"""The EPUB writer: ebooklib builds the package, we write the zip.

The XHTML documents come finished from the templates and go in as they are.
ebooklib supplies the OPF (metadata, manifest, spine, guide) and the NCX. We
write the zip ourselves because ebooklib 0.20 stamps every entry with the
current time: our entries carry one fixed time and a fixed order, so the same
manuscript always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from ebooklib import epub

from .. import __version__
from ..model import Book, PrintPages
from ..render.contents import TocEntry, table_of_contents
from ..render.epub import Document, EpubRendering, section_file
from ..support.clock import build_time
from ..support.output import write_output
from .accessibility import Accessibility, describe
from .fonts import EmbeddedFont
from .pictures import ScreenImage

XHTML = "application/xhtml+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
APPLE_DISPLAY_OPTIONS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<display_options>\n'
                         b'<platform name="*"><option name="specified-fonts">true</option></platform>\n'
                         b'</display_options>\n')


def write_epub(book: Book, rendering: EpubRendering, cover: ScreenImage,
               images: dict[Path, ScreenImage], path: Path, pages: PrintPages | None = None,
               fonts: list[EmbeddedFont] | tuple = ()) -> Path:
    """`images`: the EPUB's copy of each picture, by its source file."""
    package = _package(book, rendering, cover, images, pages)
    for number, font in enumerate(fonts, start=1):
        package.add_item(epub.EpubItem(uid=f"font-{number}", file_name=font.file_name,
                                       media_type=font.media_type, content=font.data))
    entries = [_with_package_language(name, data, book.metadata.lang)
               for name, data in _Collector.entries_of(package, build_time(book))]
    if fonts:  # Apple Books ignores a book's fonts unless this file says to use them
        entries.insert(1, ("META-INF/com.apple.ibooks.display-options.xml", APPLE_DISPLAY_OPTIONS))
    return write_output(path, _zip(entries, build_time(book)))


def _package(book: Book, rendering: EpubRendering, cover: ScreenImage,
             images: dict[Path, ScreenImage], pages: PrintPages | None) -> epub.EpubBook:
    package = epub.EpubBook()
    _metadata(package, book, pages, rendering.summary_words)
    cover_name = cover_file_name(cover)
    package.set_cover(cover_name, cover.data, create_page=False)
    package.add_item(epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css",
                                   content=rendering.stylesheet.encode("utf-8")))
    for number, (source, name) in enumerate(rendering.image_files.items(), start=1):
        image = images[source]
        package.add_item(epub.EpubImage(uid=f"image-{number}", file_name=name,
                                        media_type=image.media_type, content=image.data))
    spine = []
    for document in rendering.documents:
        item = _document_item(document)
        package.add_item(item)
        spine.append(item)
    package.add_item(epub.EpubNcx())
    package.spine = spine
    package.toc = _ncx_entries(book, table_of_contents(book)) + [
        epub.Link("colophon.xhtml", rendering.back[0].title, "colophon")]
    package.guide = [
        {"type": "cover", "href": rendering.cover.file_name, "title": rendering.cover.title},
        {"type": "toc", "href": "nav.xhtml", "title": rendering.front[1].title},
        {"type": "text", "href": section_file(book.sections[0]), "title": book.metadata.title},
    ]
    return package


def _with_package_language(name: str, data: bytes, lang: str) -> tuple[str, bytes]:
    """ebooklib gives the OPF's <package> no xml:lang; assistive technology wants one."""
    if name.endswith(".opf"):
        data = data.replace(b"<package ", f'<package xml:lang="{lang}" '.encode(), 1)
    return name, data


def cover_file_name(cover: ScreenImage) -> str:
    return f"images/cover{cover.extension}"


def _metadata(package: epub.EpubBook, book: Book, pages: PrintPages | None,
              summary_words: tuple[dict[str, str], str]) -> None:
    meta = book.metadata
    package.set_identifier(meta.identifier)
    package.title = meta.title  # ebooklib uses it for the NCX
    package.add_metadata("DC", "title", meta.title, {"id": "title"})
    package.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        package.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle",
                             {"refines": "#subtitle", "property": "title-type"})
    package.set_language(meta.lang)
    for number, author in enumerate(meta.authors, start=1):
        package.add_author(author, uid=f"creator-{number}", role="aut")
    optional = {"publisher": meta.publisher, "date": meta.date, "rights": meta.rights,
                "description": meta.description}
    for name, value in optional.items():
        if value:
            package.add_metadata("DC", name, value)
    for subject in meta.subjects:
        package.add_metadata("DC", "subject", subject)
    package.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
        ("", {"name": "generator", "content": f"pamphleteer {__version__}"})]
    _accessibility_metadata(package, describe(book, pages is not None, summary_words), meta.lang)
    if pages is not None:
        package.add_metadata(None, "meta", pages.source, {"property": "pageBreakSource"})


def _accessibility_metadata(package: epub.EpubBook, facts: Accessibility, lang: str) -> None:
    """schema.org accessibility properties, as EPUB Accessibility 1.1 asks."""
    def meta(prop: str, value: str, attributes: dict | None = None) -> None:
        package.add_metadata(None, "meta", value, {"property": prop, **(attributes or {})})

    for mode in facts.access_modes:
        meta("schema:accessMode", mode)
    for modes in facts.sufficient:
        meta("schema:accessModeSufficient", modes)
    for feature in facts.features:
        meta("schema:accessibilityFeature", feature)
    for hazard in facts.hazards:
        meta("schema:accessibilityHazard", hazard)
    # The package says the book's language; a summary in English where labels.yaml has
    # no words for it says so itself.
    meta("schema:accessibilitySummary", facts.summary,
         {XML_LANG: facts.summary_lang} if facts.summary_lang != lang else None)
    if facts.conforms_to:
        meta("dcterms:conformsTo", facts.conforms_to)
    if facts.certified_by:
        meta("a11y:certifiedBy", facts.certified_by)


def _document_item(document: Document) -> epub.EpubItem:
    item = epub.EpubItem(uid=Path(document.file_name).stem, file_name=document.file_name,
                         media_type=XHTML, content=document.content.encode("utf-8"))
    item.properties = list(document.properties)
    return item


def _ncx_entries(book: Book, entries: list[TocEntry]) -> list:
    files = {section.id: section_file(section) for section in book.sections}
    result = []
    for entry in entries:
        href = f"{files[entry.section_id]}#{entry.heading.id}"
        if entry.children:
            result.append((epub.Section(entry.heading.text, href),
                           _ncx_entries(book, entry.children)))
        else:
            result.append(epub.Link(href, entry.heading.text, f"nav-{entry.heading.id}"))
    return result


class _Collector(epub.EpubWriter):
    """ebooklib's writer, with the zip replaced by a list of (name, bytes)."""

    def __init__(self, book: epub.EpubBook, modified: dt.datetime | None = None):
        super().__init__("", book, {"epub3_pages": False, "epub3_landmark": False,
                                    "play_order": {"enabled": True, "start_from": 1},
                                    "mtime": modified or dt.datetime.now(dt.UTC)})
        self.entries: list[tuple[str, bytes]] = []

    def writestr(self, name: str, data, compress_type=None) -> None:
        self.entries.append((name, data.encode("utf-8") if isinstance(data, str) else data))

    @classmethod
    def entries_of(cls, package: epub.EpubBook, modified: dt.datetime | None = None):
        collector = cls(package, modified)
        collector.out = collector  # ebooklib calls self.out.writestr(...)
        collector.process()
        collector._write_container()
        collector._write_opf()
        collector._write_items()
        return collector.entries


def _zip(entries: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
    stamp = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The OCF rule: 'mimetype' first, stored, with no extra field.
        _add(archive, "mimetype", b"application/epub+zip", stamp, zipfile.ZIP_STORED)
        for name, data in entries:
            _add(archive, name, data, stamp, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes, stamp, method: int) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = method
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever machine builds it
    archive.writestr(info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
