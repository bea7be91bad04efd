"""The plain data model every stage after the reader works from.

The reader builds a `Book` once; the renderers and writers only read it.
Body text is stored as XHTML fragments, already free of Markdown, interleaved
with `NoteRef` and `Figure` parts so each output format can render notes and
figures its own way (pop-up notes in the EPUB, page-foot notes in the PDF).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

COVER_WIDTH, COVER_HEIGHT = 1600, 2560  # the cover image: what Apple, Kobo, Google and KDP recommend


@dataclass(frozen=True)
class Metadata:
    title: str
    identifier: str
    lang: str = "en"
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    date: str | None = None  # W3C date: "2026", "2026-11" or "2026-11-23"
    date_text: str | None = None  # the date as the author wrote it, for display
    rights: str | None = None
    description: str | None = None
    subjects: tuple[str, ...] = ()
    cover_image: Path | None = None
    print_profile: str | None = None  # the front matter's `print: {profile: ...}`
    print_trim: str | None = None  # and its `trim: ...`, overriding the profile's
    print_isbn: str | None = None  # and its `isbn: ...`: the print edition's, as urn:isbn:...
    print_accept: tuple[str, ...] = ()  # and its `accept: [PRINT-020]`: warnings weighed and accepted
    cover: CoverOptions = field(default_factory=lambda: CoverOptions())  # `cover: {price: ...}`
    certified_by: str | None = None  # who vouches for the EPUB's accessibility
    epub_fonts: bool = False  # embed the typeface of styles/epub/fonts.yaml in the EPUB
    version: str = "1.0"  # the release this text is: names its folder in publish/
    slug: str = "book"  # the book's name in publish/ and in web addresses
    # The authors as the book's language says them: 'A und B', 'A, B et C' (the reader joins them).
    author_line: str = ""

    @property
    def is_isbn(self) -> bool:
        return self.identifier.startswith("urn:isbn:")

    @property
    def first_day(self) -> dt.date | None:
        """The earliest day the date can mean, for timestamps."""
        if not self.date:
            return None
        year, month, day = (self.date.split("-") + ["1", "1"])[:3]
        return dt.date(int(year), int(month), int(day))


@dataclass(frozen=True)
class CoverOptions:
    """The front matter's `cover:` block, for the print cover (`pamphleteer cover`)."""

    price: str | None = None  # the EAN-5 add-on's five digits, such as 51995 (US$19.95)
    spine_direction: str = "down"  # the spine reads top to bottom (English); "up": bottom to top
    inside: str | None = None  # text for the inside front cover of a plus cover
    paper: str | None = None  # the paper the profile's cover block names, such as "cream"


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for a top-level section, 2 inside it, ...
    id: str
    html: str  # inline XHTML of the heading text
    text: str  # the same as plain text, for nav labels, bookmarks and titles


@dataclass(frozen=True)
class Note:
    number: int  # 1, 2, 3 ... in reading order, whatever the author's label
    label: str  # the author's label, for messages
    paragraphs: tuple[str, ...]  # inline XHTML of each paragraph

    @property
    def id(self) -> str:
        return f"note-{self.number}"

    @property
    def ref_id(self) -> str:
        return f"noteref-{self.number}"


@dataclass(frozen=True)
class NoteRef:
    """The place in the text where a note is called."""

    note: Note
    first: bool  # False when the same note is called a second time


@dataclass(frozen=True)
class Figure:
    id: str
    source: Path  # the image file on disk
    href: str  # the path as written in the manuscript, relative to it
    media_type: str
    alt: str
    caption_html: str | None
    credit_html: str | None
    width: int  # pixels
    height: int
    line: int | None = None  # where the manuscript places it, for messages
    column: int | None = None
    bleed: bool = False  # `{.bleed}`: a page of its own, printed to the edges
    decorative: bool = False  # `{.decorative}`: says nothing the text does not; alt=""


Part = str | NoteRef | Figure


@dataclass
class Section:
    """One top-level division: a `#` chapter, or a `##` question when the
    manuscript has no `#` headings; or the untitled opening before them."""

    number: int
    heading: Heading | None
    parts: list[Part] = field(default_factory=list)
    subheadings: list[Heading] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.heading.id if self.heading else "opening"

    @property
    def notes(self) -> list[Note]:
        return [p.note for p in self.parts if isinstance(p, NoteRef) and p.first]

    @property
    def figures(self) -> list[Figure]:
        return [p for p in self.parts if isinstance(p, Figure)]

    @property
    def headings(self) -> list[Heading]:
        return ([self.heading] if self.heading else []) + self.subheadings


@dataclass
class Book:
    source: Path
    metadata: Metadata
    sections: list[Section]
    has_chapters: bool = False  # `#` chapters holding `##` sections, not `##` questions alone

    @property
    def stem(self) -> str:
        return self.source.stem

    @property
    def notes(self) -> list[Note]:
        return [n for s in self.sections for n in s.notes]

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]

    @property
    def headings(self) -> list[Heading]:
        return [h for s in self.sections for h in s.headings]

    @property
    def picture_files(self) -> list[Path]:
        """Every picture file the book prints: its figures' and its cover's, each once."""
        cover = [self.metadata.cover_image] if self.metadata.cover_image else []
        return sorted({figure.source for figure in self.figures} | set(cover))


@dataclass(frozen=True)
class Trim:
    name: str
    width: float  # mm
    height: float  # mm


# ---- the print cover: back, spine and front on one sheet -------------------------------

@dataclass(frozen=True)
class Box:
    """A rectangle on the cover, in mm from the top left of the trimmed sheet."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def inset(self, by: float) -> Box:
        return Box(self.left + by, self.top + by, self.width - 2 * by, self.height - 2 * by)

    def holds(self, other: Box, slack: float = 0.01) -> bool:
        return (other.left >= self.left - slack and other.top >= self.top - slack
                and other.right <= self.right + slack and other.bottom <= self.bottom + slack)

    def overlaps(self, other: Box) -> bool:
        return (other.left < self.right and other.right > self.left
                and other.top < self.bottom and other.bottom > self.top)


@dataclass(frozen=True)
class CoverSheet:
    """Where everything goes on a print cover: all the cover preflight and the cover
    template need, as plain numbers (mm). A wrap cover is one sheet (back, spine,
    front); a plus cover (saddle-stitched) is two sheets of back and front, no spine."""

    profile: str
    kind: str  # "wrap" or "plus"
    trim: Trim  # one page of the interior
    pages: int  # the interior's page count the spine is sized for
    paper: str | None
    spine: float  # 0 for a plus cover
    bleed: float
    safe_zone: float  # text keeps this far inside the trim and the folds
    spine_clearance: float  # spine text keeps this far from each fold
    spine_text: bool  # whether the book is thick enough for spine text
    spine_text_from: int  # pages
    barcode: Box | None  # the barcode area on the back, in sheet coordinates
    interior: str = ""  # the file name of the interior the spine was sized for

    @property
    def width(self) -> float:
        return 2 * self.trim.width + self.spine

    @property
    def height(self) -> float:
        return self.trim.height

    @property
    def back(self) -> Box:
        return Box(0.0, 0.0, self.trim.width, self.trim.height)

    @property
    def spine_box(self) -> Box:
        return Box(self.trim.width, 0.0, self.spine, self.trim.height)

    @property
    def front(self) -> Box:
        return Box(self.trim.width + self.spine, 0.0, self.trim.width, self.trim.height)

    def to_json(self) -> str:
        data = {key: getattr(self, key) for key in self.__dataclass_fields__}
        data["trim"] = [self.trim.name, self.trim.width, self.trim.height]
        data["barcode"] = None if self.barcode is None else list(vars(self.barcode).values())
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CoverSheet:
        data = json.loads(text)
        data["trim"] = Trim(*data["trim"])
        data["barcode"] = None if data["barcode"] is None else Box(*data["barcode"])
        return cls(**data)


# ---- what the print edition hands the EPUB: where its pages begin ----------------------

# Characters a layout adds or that do not print: the hyphen WeasyPrint adds where it
# hyphenates, soft hyphens, zero-width spaces and joiners.
NOT_COUNTED = frozenset("\u2010\u00ad\u200b\u200c\u200d\u2060\ufeff")


@dataclass(frozen=True)
class PageStart:
    """Page `label` of the print edition begins `offset` atoms into `part`, or with
    a figure."""

    label: str
    part: str
    offset: int
    figure: str | None = None  # the page begins with this figure (its id)


@dataclass(frozen=True)
class PrintPages:
    """Where the print edition's pages begin, and which edition that is."""

    source: str  # pageBreakSource: the print ISBN, or a description of the edition
    starts: tuple[PageStart, ...]

    def in_part(self, part: str) -> list[PageStart]:
        return [start for start in self.starts if start.part == part]

    def to_json(self) -> bytes:
        return json.dumps({"source": self.source,
                           "starts": [[s.label, s.part, s.offset, s.figure] for s in self.starts]}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> PrintPages:
        value = json.loads(data)
        return cls(value["source"], tuple(PageStart(*start) for start in value["starts"]))


def marker_id(label: str) -> str:
    return f"page-{label}"


def count_atoms(text: str) -> int:
    """How many atoms a run of text holds: its characters that are not spaces, nor
    added by a layout (see NOT_COUNTED). Both editions count places this way."""
    return sum(1 for c in text if not c.isspace() and c not in NOT_COUNTED)
