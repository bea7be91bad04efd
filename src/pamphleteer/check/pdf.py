"""The basics of any PDF we write: it opens, its fonts are embedded, its metadata
and page sizes are what a reader and a printer expect."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ..pdf.wrap import INFO_KEY as COVER_INFO
from ..problems import Problem, counted
from .findings import Report

MM_PER_POINT = 25.4 / 72


def check_pdf(path: Path) -> Report:
    try:
        reader = PdfReader(path)
        pages = reader.pages
        count = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        return Report(path, "unreadable", [Problem("error", "PDF-000",
                                                   f"not a readable PDF ({exc}); rebuild it")])
    findings = _font_findings(reader) + _metadata_findings(reader) + _page_findings(reader)
    width, height = _trim_size(pages[0]) if count else (0, 0)
    fonts = len(pdf_fonts(reader))
    return Report(path, f"{counted(count, 'page')}, {width * MM_PER_POINT:.0f} × "
                        f"{height * MM_PER_POINT:.0f} mm, {counted(fonts, 'font')}", findings)


def _trim_size(page) -> tuple[float, float]:
    box = page.trimbox
    return round(float(box.width), 1), round(float(box.height), 1)


def pdf_fonts(reader: PdfReader) -> dict[str, object]:
    """Every font used on any page (including inside form XObjects), by name."""
    fonts: dict[str, object] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font.get("/BaseFont", font.get("/Name", "?")))] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources"))
    return fonts


def font_is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # drawn with PDF operators inside the file
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _font_findings(reader: PdfReader) -> list[Problem]:
    return [Problem("error", "PDF-001",
                    f"font {name.lstrip('/')} is not embedded: printers will substitute it; install "
                    "the font and rebuild")
            for name, font in pdf_fonts(reader).items() if not font_is_embedded(font)]


def _metadata_findings(reader: PdfReader) -> list[Problem]:
    info = reader.metadata or {}
    findings = []
    if not info.get("/Title"):
        findings.append(Problem("warning", "PDF-002",
                                "the PDF has no title: set 'title' in the front matter"))
    if not reader.outline and f"/{COVER_INFO}" not in info:  # a cover has no headings to mark
        findings.append(Problem("info", "PDF-003",
                                "the PDF has no bookmarks: give the manuscript headings"))
    return findings


def _page_findings(reader: PdfReader) -> list[Problem]:
    sizes = {_trim_size(page) for page in reader.pages}
    if len(sizes) > 1:
        return [Problem("error", "PDF-004",
                        f"pages have {len(sizes)} different sizes: a printer needs one trim size")]
    if not reader.pages:
        return [Problem("error", "PDF-005", "the PDF has no pages")]
    return []
