"""The catalogue of publish/: a web page and OPDS feeds, made from the release records alone.

    publish/<slug>/<version>/release.json --read--> Titles --> publish/index.html
                                                           --> publish/opds.xml (each title, newest version)
                                                           --> publish/<slug>/opds.xml (every version)

Nothing here reads a manuscript or a build: the catalogue can be made again at
any time, on any copy of publish/ (`pamphleteer catalogue publish/`).
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..problems import counted, fail
from ..render.templates import environment, labels
from ..support.output import write_atomically
from ..support.styles import DEFAULTS, Styles
from .release import RECORD, publish_lock, read_record
from .versions import version_key

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
ACQUISITION_FEED = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
DOWNLOADS = ("epub", "pdf", "print-pdf", "booklet-pdf", "print-cover")  # in the order the page offers them
REQUIRED = ("title", "identifier", "language", "version", "slug", "published", "files")


@dataclass(frozen=True)
class Release:
    path: str  # the release folder, relative to publish/: "<slug>/<version>"
    record: dict

    def __getattr__(self, key: str):  # release.title, release.version ... from the record
        try:
            return self.record[key]
        except KeyError:
            raise AttributeError(key) from None

    def file(self, kind: str) -> dict | None:
        return next((entry for entry in self.record["files"] if entry["format"] == kind), None)

    def href(self, kind: str) -> str | None:
        entry = self.file(kind)
        return f"{self.path}/{entry['name']}" if entry else None

    @property
    def downloads(self) -> list[dict]:
        return [{**entry, "href": self.href(kind)} for kind in DOWNLOADS if (entry := self.file(kind))]


@dataclass(frozen=True)
class Title:
    slug: str
    releases: list[Release]  # newest first

    @property
    def latest(self) -> Release:
        return self.releases[0]


def write_catalogue(publish: Path, title: str | None = None, styles: Styles = DEFAULTS) -> list[Path]:
    """Write index.html, opds.xml and each title's opds.xml from the release records."""
    with publish_lock(publish):
        titles = read_titles(publish)
        name = title or catalogue_title(titles)
        written = [write_atomically(publish / "index.html", index_page(titles, name, styles).encode()),
                   write_atomically(publish / "opds.xml", root_feed(titles, name))]
        for entry in titles:
            written.append(write_atomically(publish / entry.slug / "opds.xml", title_feed(entry, name)))
    return written


def read_titles(publish: Path) -> list[Title]:
    """Every title with its releases, newest first; the titles most recently released first."""
    by_slug: dict[str, list[Release]] = {}
    for record_file in sorted(publish.glob(f"[!.]*/[!.]*/{RECORD}")):
        record = read_record(record_file)
        missing = [key for key in REQUIRED if not record.get(key)]
        if missing:
            raise fail("PUBLISH-009", f"this release record lacks {', '.join(missing)}; restore it from your "
                       "copy of publish/", record_file)
        path = record_file.parent.relative_to(publish).as_posix()
        by_slug.setdefault(record_file.parent.parent.name, []).append(Release(path, record))
    titles = sorted((Title(slug, _newest_first(releases)) for slug, releases in by_slug.items()),
                    key=lambda t: t.latest.title)
    return sorted(titles, key=lambda t: t.latest.published, reverse=True)


def _newest_first(releases: list[Release]) -> list[Release]:
    return sorted(releases, key=lambda r: (version_key(r.version), r.published), reverse=True)


def catalogue_title(titles: list[Title]) -> str:
    publishers = {t.latest.publisher for t in titles if t.latest.record.get("publisher")}
    return publishers.pop() if len(publishers) == 1 else "Books"


# --- The web page -------------------------------------------------------------------

def index_page(titles: list[Title], name: str, styles: Styles = DEFAULTS) -> str:
    template = environment(styles).get_template("catalogue/index.html")
    css = styles.text("catalogue/catalogue.css")
    return template.render(name=name, titles=titles, css=css, size=human_size,
                           language_name=lambda tag: labels(styles, tag).get("language_name", tag),
                           day=human_day, updated=_feed_updated(titles))


def human_size(size: int) -> str:
    """556610 -> '556.6 KB', 689000 -> '689 KB'."""
    if size < 1000:
        return counted(size, "byte")
    value, unit = (size / 1000, "KB") if size < 1_000_000 else (size / 1_000_000, "MB")
    return f"{value:.1f} {unit}".replace(".0 ", " ")


def human_day(stamp: str) -> str:
    """'2026-11-24T10:00:00Z' or '2026-11' as a reader writes it: '24 November 2026'."""
    parts = [int(part) for part in stamp[:10].split("-")]
    day = dt.date(*parts, *[1] * (3 - len(parts)))
    return day.strftime(("%Y", "%B %Y", "%-d %B %Y")[len(parts) - 1])


# --- The OPDS feeds ------------------------------------------------------------------

def root_feed(titles: list[Title], name: str) -> bytes:
    """Each title's newest version, with a link to the feed of all its versions."""
    feed = _feed(_catalogue_id(name), name, _feed_updated(titles), "opds.xml", titles)
    ET.SubElement(feed, _atom("link"), rel="alternate", type="text/html", href="index.html")
    for entry in titles:
        # The entry's id names this entry; dc:identifier names the book (OPDS 1.2, 5.1).
        element = _entry(feed, entry.latest, _version_id(entry.latest.identifier, "newest"), base="")
        _link(element, "related", f"{entry.slug}/opds.xml", ACQUISITION_FEED,
              f"All versions of {entry.latest.title}")
    return _serialize(feed)


def title_feed(entry: Title, name: str) -> bytes:
    """Every version of one title, newest first; older ones stay downloadable."""
    latest = entry.latest
    feed = _feed(_version_id(latest.identifier, "all"), f"{latest.title}: all versions",
                 _feed_updated([entry]), "../opds.xml", [entry])
    _link(feed, "up", "../opds.xml", ACQUISITION_FEED, name)
    for release in entry.releases:
        element = _entry(feed, release, _version_id(release.identifier, release.version), base="../")
        ET.SubElement(element, _atom("content"), type="text").text = f"Version {release.version}"
    return _serialize(feed)


def _feed(feed_id: str, title: str, updated: str, start_href: str, titles: list[Title]) -> ET.Element:
    """A feed's head; every feed is called opds.xml, in publish/ or in a title's folder."""
    feed = ET.Element(_atom("feed"))
    ET.SubElement(feed, _atom("id")).text = feed_id
    ET.SubElement(feed, _atom("title")).text = title
    ET.SubElement(feed, _atom("updated")).text = updated
    author = ET.SubElement(feed, _atom("author"))
    ET.SubElement(author, _atom("name")).text = catalogue_title(titles)
    _link(feed, "self", "opds.xml", ACQUISITION_FEED)
    _link(feed, "start", start_href, ACQUISITION_FEED)
    return feed


def _entry(feed: ET.Element, release: Release, entry_id: str, base: str) -> ET.Element:
    record = release.record
    entry = ET.SubElement(feed, _atom("entry"))
    ET.SubElement(entry, _atom("title")).text = release.title
    ET.SubElement(entry, _atom("id")).text = entry_id
    ET.SubElement(entry, _atom("updated")).text = release.published
    for name in record.get("authors") or []:
        ET.SubElement(ET.SubElement(entry, _atom("author")), _atom("name")).text = name
    ET.SubElement(entry, _dc("identifier")).text = release.identifier
    ET.SubElement(entry, _dc("language")).text = release.language
    if record.get("date"):
        ET.SubElement(entry, _dc("issued")).text = record["date"]
    if record.get("publisher"):
        ET.SubElement(entry, _dc("publisher")).text = record["publisher"]
    for subject in record.get("subjects") or []:
        ET.SubElement(entry, _atom("category"), term=subject, label=subject)
    if record.get("description"):
        ET.SubElement(entry, _atom("summary"), type="text").text = record["description"]
    _link(entry, "alternate", f"{base}index.html#{release.slug}", "text/html")  # Atom: content or this
    for kind, rel in (("cover", IMAGE), ("thumbnail", THUMBNAIL)):
        if release.file(kind):
            _link(entry, rel, base + release.href(kind), "image/jpeg")
    for download in sorted(release.downloads, key=lambda d: d["format"] == "pdf"):
        link = _link(entry, OPEN_ACCESS, base + download["href"], download["media_type"],
                     FORMAT_NAMES[download["format"]])
        link.set("length", str(download["size"]))
    return entry


FORMAT_NAMES = {"epub": "EPUB", "pdf": "PDF for reading on screen",
                "print-pdf": "PDF for the printer", "booklet-pdf": "PDF booklet for home printing",
                "print-cover": "Cover PDF for the printer"}


def _link(parent: ET.Element, rel: str, href: str, media_type: str, title: str | None = None) -> ET.Element:
    link = ET.SubElement(parent, _atom("link"), rel=rel, href=href, type=media_type)
    if title:
        link.set("title", title)
    return link


def _feed_updated(titles: list[Title]) -> str:
    return max((release.published for t in titles for release in t.releases),
               default="1970-01-01T00:00:00Z")


def _catalogue_id(name: str) -> str:
    """Stable for one catalogue title, so apps see the same catalogue after every publish."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pamphleteer:catalogue:' + name)}"


def _version_id(identifier: str, version: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pamphleteer:{identifier}:{version}')}"


def _atom(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def _dc(tag: str) -> str:
    return f"{{{DC}}}{tag}"


def _serialize(feed: ET.Element) -> bytes:
    ET.register_namespace("", ATOM)
    ET.register_namespace("dc", DC)
    ET.register_namespace("opds", OPDS)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"

