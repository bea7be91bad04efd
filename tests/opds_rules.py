"""An independent checker for OPDS 1.2 catalogue feeds (Atom, RFC 4287).

Written from the two specifications, not from our catalogue writer, so that a writer that is
consistently wrong still fails. Only lxml and the standard library, so it runs anywhere the tests do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
# OPDS names DCMI terms; older catalogues use the 1.1 elements, which mean the same here.
DC = ("http://purl.org/dc/terms/", "http://purl.org/dc/elements/1.1/")
OPDS = "http://opds-spec.org/2010/catalog"
XHTML = "http://www.w3.org/1999/xhtml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

ACQUISITION = "http://opds-spec.org/acquisition"
BUY = ACQUISITION + "/buy"
IMAGE_RELS = ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail")
FACET = "http://opds-spec.org/facet"
KINDS = ("acquisition", "navigation")
CATALOG_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition (or kind=navigation)"
TEXT_TYPES = ("text", "html", "xhtml")

# What a file's name says it holds: a link claiming another type makes readers refuse or
# mis-open the download.
TYPE_OF_SUFFIX = {
    ".epub": "application/epub+zip",
    ".pdf": "application/pdf",
    ".mobi": "application/x-mobipocket-ebook",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}

# RFC 2045 / RFC 7231 media type: type "/" subtype *( OWS ";" OWS token "=" (token / quoted) ).
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[^"\\\r\n]|\\.)*"'
_PARAMETER = rf"[ \t]*;[ \t]*({_TOKEN})=({_TOKEN}|{_QUOTED})"
_MEDIA_TYPE = re.compile(rf"({_TOKEN})/({_TOKEN})((?:{_PARAMETER})*)")

# RFC 3339 date-time; Atom (3.3) also insists on the upper-case T and Z.
_DATE_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:Z|[+-](\d\d):(\d\d))")

# BCP 47 language tag (RFC 5646 2.1), case-insensitive; private-use and the i- tags too. The
# grammar also allows 4-8 letter languages, but none are registered and "english" is a mistake.
_LANGUAGE_TAG = re.compile(r"""
    [a-z]{2,3}(?:-[a-z]{3}){0,3}                # language, extended language
    (?:-[a-z]{4})?                              # script
    (?:-(?:[a-z]{2}|\d{3}))?                    # region
    (?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*         # variants
    (?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*           # extensions
    (?:-x(?:-[a-z\d]{1,8})+)?                   # private use
    | x(?:-[a-z\d]{1,8})+ | i-[a-z]{2,8}
""", re.IGNORECASE | re.VERBOSE)

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Characters no IRI may hold (RFC 3987), and a % that starts no percent-escape.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]|%(?![0-9A-Fa-f]{2})')
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Loose on purpose: the OPDS spec's own example ISBN (978029536341X) fails the checksum.
_ISBN = re.compile(r"\d{9}[\dX]|\d{12}[\dX]", re.IGNORECASE)


def feed_problems(path: Path, root: Path | None = None) -> list[str]:
    """Every rule the OPDS/Atom feed at `path` breaks, one message per problem ([] if none).
    `root`: when given, every relative href in the feed must resolve (against the feed's own
    location) to an existing file or feed inside `root`."""
    path = Path(path)
    try:
        feed = _parse(path).getroot()
    except etree.XMLSyntaxError as error:
        return [f"{path.name}: not well-formed XML: {error}"]
    except OSError as error:
        return [f"{path.name}: cannot be read: {error}"]
    if feed.tag != _atom("feed"):
        return [f"{path.name}: root element is {feed.tag}, not atom:feed in {ATOM}"]
    check = Check(path.resolve(), root.resolve() if root else None, _feed_kind(feed))
    _check_feed(check, feed)
    entries = feed.findall(_atom("entry"))
    has_author = bool(feed.findall(_atom("author")))
    for number, entry in enumerate(entries, 1):
        _check_entry(check, entry, _entry_label(entry, number), has_author)
    _check_unique_ids(check, entries)
    return check.problems


# --- plumbing ---------------------------------------------------------------------

@dataclass
class Check:
    """What every rule needs to know, and the problems found so far."""

    path: Path
    root: Path | None
    kind: str
    problems: list[str] = field(default_factory=list)

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{self.path.name}: {where}: {what}")


@dataclass
class MediaType:
    essence: str  # "type/subtype", lower case
    params: dict[str, str]

    @property
    def is_catalog(self) -> bool:
        return self.essence == "application/atom+xml" and self.params.get("profile") == "opds-catalog"


@dataclass
class Link:
    element: etree._Element
    rel: str
    href: str | None
    type: str | None
    base: str  # the URI the href is relative to

    @property
    def media(self) -> MediaType | None:
        return media_type(self.type) if self.type is not None else None

    @property
    def label(self) -> str:
        return f"link rel={self.rel!r} href={self.href!r}"


def media_type(value: str) -> MediaType | None:
    """The parsed media type, or None when `value` is not one (parameters in any order)."""
    match = _MEDIA_TYPE.fullmatch(value)
    if not match:
        return None
    params: dict[str, str] = {}
    for name, raw in re.findall(_PARAMETER, match[3]):
        if name.lower() in params:
            return None  # a parameter given twice has no single meaning
        params[name.lower()] = re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
    return MediaType(f"{match[1]}/{match[2]}".lower(), params)


def _parse(path: Path) -> etree._ElementTree:
    # A feed is data: never fetch a DTD or expand entities from it.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with path.open("rb") as file:
        return etree.parse(file, parser, base_url=path.resolve().as_uri())


def _atom(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _dc(entry: etree._Element, name: str) -> list[etree._Element]:
    return [element for namespace in DC for element in entry.findall(f"{{{namespace}}}{name}")]


def _base(element: etree._Element, document_uri: str) -> str:
    """The base URI for hrefs on `element`: the document's, changed by any xml:base on the way down."""
    base = document_uri
    for ancestor in reversed([element, *element.iterancestors()]):
        if ancestor.get(XML_BASE) is not None:
            base = urljoin(base, ancestor.get(XML_BASE))
    return base


def _links(element: etree._Element, document_uri: str) -> list[Link]:
    # A link without rel is an alternate link (RFC 4287 4.2.7.2).
    return [Link(link, link.get("rel", "alternate"), link.get("href"), link.get("type"),
                 _base(link, document_uri))
            for link in element.findall(_atom("link"))]


def _feed_kind(feed: etree._Element) -> str:
    """acquisition or navigation: what the self link says, else what the entries look like."""
    declared = _declared_kind(feed)
    if declared in KINDS:
        return declared
    # OPDS 1.2 section 2: an acquisition feed is known by the acquisition links in its entries.
    rels = [link.get("rel", "") for link in feed.iterfind(f"{_atom('entry')}/{_atom('link')}")]
    return "acquisition" if any(_is_acquisition(rel) for rel in rels) else "navigation"


def _declared_kind(feed: etree._Element) -> str | None:
    for link in feed.findall(_atom("link")):
        media = media_type(link.get("type") or "")
        if link.get("rel") == "self" and media is not None and media.is_catalog:
            return media.params.get("kind")
    return None


def _is_acquisition(rel: str) -> bool:
    return rel == ACQUISITION or rel.startswith(ACQUISITION + "/")


def _entry_label(entry: etree._Element, number: int) -> str:
    """Where an entry is, for people: its title and id, or failing those its position."""
    title, identifier = (_text(found).strip() if found is not None else ""
                         for found in (entry.find(_atom("title")), entry.find(_atom("id"))))
    if title and identifier:
        return f"entry {title!r} ({identifier})"
    return f"entry {title or identifier!r}" if title or identifier else f"entry #{number}"


# --- feed and entry -------------------------------------------------------------------

def _check_feed(check: Check, feed: etree._Element) -> None:
    _check_core(check, feed, "feed")
    _check_at_most_one(check, feed, "feed", ("generator", "icon", "logo", "rights", "subtitle"))
    links = _links(feed, check.path.as_uri())
    for rel in ("self", "start"):
        _check_catalog_rel(check, links, rel)
    for link in links:
        _check_link(check, link, "feed")
        if link.rel == FACET and check.kind != "acquisition":
            check.fail(f"feed, {link.label}", "facets belong in acquisition feeds only")


def _check_entry(check: Check, entry: etree._Element, where: str, feed_has_author: bool) -> None:
    _check_core(check, entry, where)
    _check_at_most_one(check, entry, where, ("content", "published", "rights", "source", "summary"))
    if not feed_has_author and not _entry_authors(entry):
        check.fail(where, "has no atom:author, and neither has the feed")
    for summary in entry.findall(_atom("summary")):
        _check_summary(check, summary, where)
    for content in entry.findall(_atom("content")):
        _check_content(check, content, entry, where)
    links = _links(entry, check.path.as_uri())
    for link in links:
        _check_link(check, link, where)
    _check_entry_links(check, entry, links, where)
    if check.kind == "acquisition":
        _check_publication(check, entry, links, where)
    else:
        _check_navigation_entry(check, links, where)


def _check_core(check: Check, element: etree._Element, where: str) -> None:
    """What RFC 4287 asks of both atom:feed and atom:entry."""
    for name in ("id", "title", "updated"):
        count = len(element.findall(_atom(name)))
        if count != 1:
            check.fail(where, f"has {count} atom:{name} elements, needs exactly one")
    for identifier in element.findall(_atom("id")):
        problem = _id_problem(_text(identifier))
        if problem:
            check.fail(where, f"atom:id {_text(identifier)!r} {problem}")
    for name in ("updated", "published"):
        for date in element.findall(_atom(name)):
            if not _is_date_time(_text(date)):
                check.fail(where, f"atom:{name} {_text(date)!r} is not an RFC 3339 date-time with a "
                                  "time zone (like 2026-01-31T12:00:00Z)")
    for name in ("title", "subtitle", "rights"):
        for text in element.findall(_atom(name)):
            _check_text_construct(check, text, where)
    for title in element.findall(_atom("title")):
        if not _text(title).strip():
            check.fail(where, "atom:title is empty")
    for name in ("author", "contributor"):
        for person in element.findall(_atom(name)):
            _check_person(check, person, where)


def _check_at_most_one(check: Check, element: etree._Element, where: str, names: tuple[str, ...]) -> None:
    for name in names:
        count = len(element.findall(_atom(name)))
        if count > 1:
            check.fail(where, f"has {count} atom:{name} elements, may have at most one")


def _check_unique_ids(check: Check, entries: list[etree._Element]) -> None:
    ids = Counter(_text(entry.find(_atom("id"))).strip()
                  for entry in entries if entry.find(_atom("id")) is not None)
    for identifier, count in ids.items():
        if count > 1:
            check.fail("feed", f"{count} entries share atom:id {identifier!r}")


def _entry_authors(entry: etree._Element) -> list[etree._Element]:
    # RFC 4287 4.1.2: an entry may take its author from its atom:source instead.
    return entry.findall(_atom("author")) + entry.findall(f"{_atom('source')}/{_atom('author')}")


def _check_person(check: Check, person: etree._Element, where: str) -> None:
    tag = f"atom:{etree.QName(person).localname}"
    names = person.findall(_atom("name"))
    if len(names) != 1:
        check.fail(where, f"{tag} has {len(names)} atom:name elements, needs exactly one")
    elif not _text(names[0]).strip():
        check.fail(where, f"{tag} has an empty atom:name")
    for name in ("uri", "email"):
        if len(person.findall(_atom(name))) > 1:
            check.fail(where, f"{tag} has more than one atom:{name}")


def _check_text_construct(check: Check, element: etree._Element, where: str) -> None:
    tag = f"atom:{etree.QName(element).localname}"
    kind = element.get("type", "text")
    children = [child for child in element if isinstance(child.tag, str)]
    if kind not in TEXT_TYPES:
        check.fail(where, f"{tag} type {kind!r} is not text, html or xhtml")
    elif kind == "xhtml" and (len(children) != 1 or children[0].tag != f"{{{XHTML}}}div"):
        check.fail(where, f"{tag} of type xhtml must hold exactly one xhtml:div")
    elif kind != "xhtml" and children:
        check.fail(where, f"{tag} of type {kind} holds child elements; escape the markup instead")


def _check_summary(check: Check, summary: etree._Element, where: str) -> None:
    # OPDS 1.2 5.1.3 narrows Atom: a summary is plain text, no markup.
    if summary.get("type", "text") != "text":
        check.fail(where, f"atom:summary type {summary.get('type')!r} must be text (OPDS 1.2 5.1.3)")
    elif not _text(summary).strip():
        check.fail(where, "atom:summary is empty")
    else:
        _check_text_construct(check, summary, where)


def _check_content(check: Check, content: etree._Element, entry: etree._Element, where: str) -> None:
    kind = content.get("type", "text")
    if kind not in TEXT_TYPES and media_type(kind) is None:
        check.fail(where, f"atom:content type {kind!r} is neither text, html, xhtml nor a MIME type")
    if content.get("src") is not None:
        if _text(content).strip() or len(content):
            check.fail(where, "atom:content has both src and content of its own")
        if entry.find(_atom("summary")) is None:
            check.fail(where, "atom:content with src needs an atom:summary beside it (RFC 4287 4.1.1.1)")
    elif kind in TEXT_TYPES:
        _check_text_construct(check, content, where)


def _check_entry_links(check: Check, entry: etree._Element, links: list[Link], where: str) -> None:
    for rel in IMAGE_RELS:
        count = sum(link.rel == rel for link in links)
        if count > 1:
            check.fail(where, f"has {count} links rel={rel!r}, may have at most one")
    # RFC 4287 4.1.1: without content, the entry must say where its content is.
    if entry.find(_atom("content")) is None and not any(link.rel == "alternate" for link in links):
        check.fail(where, "has neither atom:content nor a link rel='alternate' (RFC 4287 4.1.1)")
    _check_alternates(check, links, where)


def _check_alternates(check: Check, links: list[Link], where: str) -> None:
    pairs = Counter((link.type, link.element.get("hreflang")) for link in links if link.rel == "alternate")
    for (kind, language), count in pairs.items():
        if count > 1:
            check.fail(where, f"has {count} alternate links with type={kind!r} hreflang={language!r}")


def _check_publication(check: Check, entry: etree._Element, links: list[Link], where: str) -> None:
    """An entry of an acquisition feed: an OPDS Catalog Entry, i.e. a publication one can get."""
    acquisitions = [link for link in links if _is_acquisition(link.rel)]
    if not acquisitions:
        check.fail(where, f"has no acquisition link (rel {ACQUISITION}...)")
    for link in acquisitions:
        if link.type is None:
            check.fail(f"{where}, {link.label}", "acquisition links need a type (OPDS 1.2 5.3)")
        if link.rel == BUY and link.element.find(f"{{{OPDS}}}price") is None:
            check.fail(f"{where}, {link.label}", "a buy link needs an opds:price")
    _check_identifiers(check, entry, where)
    languages = _dc(entry, "language")
    if not languages:
        check.fail(where, "has no dc:language")
    for language in languages:
        if not _LANGUAGE_TAG.fullmatch(_text(language)):
            check.fail(where, f"dc:language {_text(language)!r} is not a BCP 47 language tag")


def _check_identifiers(check: Check, entry: etree._Element, where: str) -> None:
    identifiers = _dc(entry, "identifier")
    if not identifiers:
        check.fail(where, "has no dc:identifier")
    entry_id = entry.find(_atom("id"))
    for identifier in identifiers:
        value = _text(identifier).strip()
        if not value:
            check.fail(where, "dc:identifier is empty")
        elif entry_id is not None and value == _text(entry_id).strip():
            # OPDS 1.2 5.1.1: dc:identifier names the publication and must not name the entry.
            check.fail(where, f"dc:identifier {value!r} is also the entry's atom:id")


def _check_navigation_entry(check: Check, links: list[Link], where: str) -> None:
    if any(_is_acquisition(link.rel) for link in links):
        check.fail(where, "has an acquisition link, but a navigation feed must not hold publications")
    if not any(link.href for link in links):
        check.fail(where, "links nowhere; a navigation entry leads to a feed or another resource")


def _check_catalog_rel(check: Check, links: list[Link], rel: str) -> None:
    found = [link for link in links if link.rel == rel]
    if len(found) != 1:
        check.fail("feed", f"has {len(found)} links rel={rel!r}, needs exactly one")
    for link in found:
        media = link.media
        if media is None or not media.is_catalog or media.params.get("kind") not in KINDS:
            check.fail(f"feed, {link.label}", f"type {link.type!r} is not {CATALOG_TYPE}")


# --- links ----------------------------------------------------------------------------

def _check_link(check: Check, link: Link, where: str) -> None:
    where = f"{where}, {link.label}"
    if not link.href:
        check.fail(where, "has no href")
        return
    if _NOT_IN_IRI.search(link.href):
        check.fail(where, "href holds characters an IRI cannot (spaces, quotes, a bare %...)")
    if not link.rel or re.search(r"\s", link.rel):
        check.fail(where, "rel must be one name or IRI")
    if link.type is not None and link.media is None:
        check.fail(where, f"type {link.type!r} is not a MIME media type")
    hreflang = link.element.get("hreflang")
    if hreflang is not None and not _LANGUAGE_TAG.fullmatch(hreflang):
        check.fail(where, f"hreflang {hreflang!r} is not a BCP 47 language tag")
    length = link.element.get("length")
    if length is not None and not re.fullmatch(r"\d+", length):
        check.fail(where, f"length {length!r} is not a non-negative whole number of octets")
    _check_link_type(check, link, where)
    if urlsplit(link.href).scheme == "file":
        check.fail(where, "is a file: URI, which no other machine can fetch")
    elif check.root is not None and not _SCHEME.match(link.href):
        _check_target(check, link, where)


def _check_link_type(check: Check, link: Link, where: str) -> None:
    media = link.media
    # A type that is no MIME type at all is reported once, by _check_link.
    if link.rel in IMAGE_RELS and (link.type is None or media and not media.essence.startswith("image/")):
        check.fail(where, f"type {link.type!r} is not an image type (image/jpeg, image/png, image/gif)")
    if media is not None and media.is_catalog and media.params.get("type") != "entry" \
            and media.params.get("kind") not in KINDS:
        check.fail(where, f"type {link.type!r} of a catalogue feed must be {CATALOG_TYPE}")
    if urlsplit(link.href or "").scheme == "data":
        return
    suffix = PurePosixPath(urlsplit(link.href or "").path).suffix.lower()
    expected = TYPE_OF_SUFFIX.get(suffix)
    if expected and media is not None and media.essence != expected:
        check.fail(where, f"type {link.type!r} does not fit a {suffix} file, which is {expected}")


def _check_target(check: Check, link: Link, where: str) -> None:
    """A relative href: it must lead to a file inside the catalogue root, of the size it claims."""
    target = urlsplit(urljoin(link.base, link.href))
    if target.scheme != "file" or target.netloc:
        return  # xml:base made it a web address; nothing on disk to compare
    assert check.root is not None
    file = Path(url2pathname(target.path)).resolve()
    if not file.is_relative_to(check.root):
        check.fail(where, f"resolves to {file}, outside the catalogue root {check.root}")
    elif not file.exists():
        check.fail(where, f"resolves to {file.relative_to(check.root)}, which does not exist")
    elif not file.is_file():
        check.fail(where, f"resolves to {file.relative_to(check.root)}, a folder, not a file")
    elif link.rel == "self" and file != check.path:
        check.fail(where, f"self link resolves to {file.relative_to(check.root)}, not to this feed")
    else:
        _check_length(check, link, file, where)
        if link.media is not None and link.media.is_catalog and link.rel != "self":
            _check_catalog_target(check, link, file, where)


def _check_length(check: Check, link: Link, file: Path, where: str) -> None:
    length = link.element.get("length")
    if length is not None and length.isdigit() and int(length) != file.stat().st_size:
        check.fail(where, f"length {length} but the file holds {file.stat().st_size} bytes")


def _check_catalog_target(check: Check, link: Link, file: Path, where: str) -> None:
    """A link typed as a catalogue feed or entry must lead to one, of the kind it says."""
    assert link.media is not None
    name = file.relative_to(check.root) if check.root else file
    try:
        target = _parse(file).getroot()
    except (OSError, etree.XMLSyntaxError):
        check.fail(where, f"leads to {name}, which is not well-formed XML")
        return
    wanted = "entry" if link.media.params.get("type") == "entry" else "feed"
    kind = link.media.params.get("kind")
    if target.tag != _atom(wanted):
        check.fail(where, f"leads to {name}, whose root is not atom:{wanted}")
    elif wanted == "feed" and kind and _declared_kind(target) not in (None, kind):
        check.fail(where, f"says kind={kind}, but {name} calls itself kind={_declared_kind(target)}")


# --- values ---------------------------------------------------------------------------

def _id_problem(value: str) -> str | None:
    """Why `value` is no good as an atom:id, or None."""
    if not _SCHEME.match(value):
        return "is not an absolute IRI (it has no scheme, like urn: or https:)"
    if _NOT_IN_IRI.search(value):
        return "holds characters an IRI cannot (spaces, quotes, a bare %...)"
    scheme = value[:9].lower()
    if scheme == "urn:uuid:" and not _UUID.fullmatch(value[9:]):
        return "is not urn:uuid: followed by a UUID"
    if scheme == "urn:isbn:" and not _ISBN.fullmatch(value[9:].replace("-", "")):
        return "is not urn:isbn: followed by an ISBN-10 or ISBN-13"
    return None


def _is_date_time(value: str) -> bool:
    match = _DATE_TIME.fullmatch(value)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    offset_ok = match[7] is None or (int(match[7]) <= 23 and int(match[8]) <= 59)
    try:
        # Second 60 is a leap second, which RFC 3339 allows.
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return second <= 60 and offset_ok
