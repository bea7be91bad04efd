"""Helpers the tests share: building manuscripts, and reading EPUBs and PDFs as a reader would."""

from __future__ import annotations

import copy
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pdfplumber
from lxml import etree
from PIL import Image, ImageDraw
from pypdf import PdfReader

from pamphleteer.pipeline import build
from pamphleteer.problems import collect
from pamphleteer.support import timings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = sorted((ROOT / "manuscript").glob("*.md"))[0]
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def draw_image(path: Path, size=(1500, 1000), mode="RGB", colour="#7a9e9f") -> Path:
    """A small picture of our own for a test manuscript."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse([size[0] // 8, size[1] // 8, size[0] * 7 // 8, size[1] * 7 // 8], fill=colour)
    image.save(path)
    return path


def write_manuscript(folder: Path, body: str, front: str = "title: A test", name="test.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return path


# --- EPUB -----------------------------------------------------------------------

@dataclass
class Epub:
    path: Path

    def __post_init__(self):
        self.zip = zipfile.ZipFile(self.path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        self.opf = etree.fromstring(self.zip.read(self.opf_name))
        self.base = PurePosixPath(self.opf_name).parent

    def __reduce__(self):  # a fixture made once for the run is handed over pickled
        return Epub, (self.path,)

    def read(self, href: str) -> bytes:
        return self.zip.read(str(self.base / href))

    def xhtml(self, href: str):
        return etree.fromstring(self.read(href))

    def manifest(self) -> dict[str, dict]:
        return {item.get("id"): dict(item.attrib) for item in self.opf.xpath("//opf:item", namespaces=NS)}

    def spine(self) -> list[str]:
        items = self.manifest()
        return [items[ref.get("idref")]["href"]
                for ref in self.opf.xpath("//opf:spine/opf:itemref", namespaces=NS)]

    def dc(self, name: str) -> list[str]:
        return [el.text for el in self.opf.xpath(f"//dc:{name}", namespaces=NS)]

    def nav(self):
        nav_href = next(i["href"] for i in self.manifest().values()
                        if "nav" in i.get("properties", "").split())
        return nav_href, self.xhtml(nav_href)

    def toc_entries(self) -> list[tuple[int, str, str]]:
        """(depth, label, href) of every entry of the nav's table of contents, in order."""
        _, nav = self.nav()
        toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
        return [(len(a.xpath("ancestor::x:ol", namespaces=NS)), "".join(a.itertext()), a.get("href"))
                for a in toc.xpath(".//x:a", namespaces=NS)]

    def element_by_href(self, current: str, href: str):
        """The element a link points to, following it into another file if needed."""
        file_part, _, fragment = href.partition("#")
        target = file_part or current
        document = self.xhtml(target)
        found = document.xpath(f"//*[@id='{fragment}']") if fragment else [document]
        return target, (found[0] if found else None)


# --- PDF ------------------------------------------------------------------------

# Many tests read the same session-built PDF: each is read once per process, by its bytes.
_read: dict[tuple[str, str, float], list] = {}


def _once(kind: str, pdf: Path, read, *args) -> list:
    key = (kind, hashlib.sha256(Path(pdf).read_bytes()).hexdigest(), *args)
    if key not in _read:
        _read[key] = read(pdf, *args)
    return copy.deepcopy(_read[key])


def page_texts(pdf: Path) -> list[str]:
    return _once("texts", pdf, lambda path: [page.extract_text() or "" for page in PdfReader(path).pages])


def flat(text: str) -> str:
    """Text with line-end hyphenation undone and all white space single spaces."""
    text = re.sub(r"(\w)[-\u00ad]\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class PlumbedPage:
    """A page as pdfplumber reads it: its characters (text, fontname, size, x0, x1, top),
    how many pictures and curves it draws, its text, and the text of its top 14 mm."""
    chars: tuple[dict, ...]
    images: int
    curves: int
    text: str
    head: str


_plumbed: dict[str, list[PlumbedPage]] = {}


def plumbed(pdf: Path) -> list[PlumbedPage]:
    """Every page of `pdf` read by pdfplumber once per process (by its bytes): reading
    the characters of a book's pages takes seconds, and many tests ask of the same PDF.
    Shared, so not to be changed."""
    key = hashlib.sha256(Path(pdf).read_bytes()).hexdigest()
    if key not in _plumbed:
        with pdfplumber.open(pdf) as document:
            _plumbed[key] = [PlumbedPage(
                tuple({name: char[name] for name in ("text", "fontname", "size", "x0", "x1", "top")}
                      for char in page.chars),
                len(page.images), len(page.curves), page.extract_text() or "",
                page.crop((0, 0, page.width, 14 * 72 / 25.4)).extract_text() or "")
                for page in document.pages]
    return _plumbed[key]


def note_calls(pdf: Path, body_size: float = 11.0) -> list[set[int]]:
    """For each page, the note numbers called on it: runs of small raised digits in the text."""
    return _once("calls", pdf, _note_calls, body_size)


def _note_calls(pdf: Path, body_size: float) -> list[set[int]]:
    calls = []
    for page in plumbed(pdf):
        numbers, run, last = set(), "", None
        for char in page.chars:
            small = char["size"] < body_size * 0.75 and char["text"].isdigit()
            adjacent = (last is not None and abs(char["x0"] - last["x1"]) < 1
                        and abs(char["top"] - last["top"]) < 1)
            if small and (not run or adjacent):
                run += char["text"]
            else:
                if run:
                    numbers.add(int(run))
                run = char["text"] if small else ""
            last = char
        if run:
            numbers.add(int(run))
        calls.append(numbers)
    return calls


def counted_build(manuscript: Path, out: Path, formats: tuple[str, ...], **options) -> dict[str, int]:
    """Build, and say what the build counted (pieces laid out afresh, piece PDFs written ...)."""
    timings.reset()
    with collect():
        build(manuscript, out, formats, **options)
    return timings.counts()
