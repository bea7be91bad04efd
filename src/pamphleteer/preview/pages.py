"""A built PDF's pages for the browser: each drawn as a PNG on request, and a digest of
each that says which pages a build changed."""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field

import pypdfium2 as pdfium

DIGEST_SCALE = 0.5  # the digest reads the page drawn at 36 dpi: any visible change shows
POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class PageBoxes:
    """Where a page is cut and how far its pictures may run, in points from its top left:
    (left, top, right, bottom)."""

    media: tuple[float, float]  # width, height
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]

    def to_json(self) -> dict:
        return {"media": self.media, "trim": self.trim, "bleed": self.bleed}


@dataclass
class PrintedPages:
    """The pages of a build: what each looks like (drawn once per size asked), and a
    digest. Each page is drawn from a PDF: the built one, or one of the pages an edit
    changed, laid out before the files are built (`with_edit`)."""

    sources: list[tuple[bytes, int]] = field(default_factory=list)  # the PDF, and the page's index in it
    digests: list[str] = field(default_factory=list)
    boxes: list[PageBoxes] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # what each page says, for screen readers
    _drawn: dict[tuple[int, int], bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, pdf: bytes) -> PrintedPages:
        pages = cls()
        document = pdfium.PdfDocument(pdf)
        try:
            for index, page in enumerate(document):
                bitmap = page.render(scale=DIGEST_SCALE).to_pil()
                pages.sources.append((pdf, index))
                pages.digests.append(hashlib.sha256(bitmap.tobytes()).hexdigest()[:16])
                pages.boxes.append(_boxes(page))
                pages.texts.append(" ".join(page.get_textpage().get_text_range().split()))
        finally:
            document.close()
        return pages

    def with_edit(self, pdf: bytes, numbers: list[int]) -> PrintedPages:
        """These pages, with those numbered `numbers` (from 1) drawn from `pdf`, which holds
        them in that order."""
        edited = PrintedPages.of(pdf)
        pages = PrintedPages(list(self.sources), list(self.digests), list(self.boxes), list(self.texts))
        for place, number in enumerate(numbers):
            pages.sources[number - 1] = edited.sources[place]
            pages.digests[number - 1] = edited.digests[place]
            pages.boxes[number - 1] = edited.boxes[place]
            pages.texts[number - 1] = edited.texts[place]
        return pages

    def __len__(self) -> int:
        return len(self.digests)

    def png(self, number: int, width: int) -> bytes:
        """Page `number` (from 1) drawn `width` pixels wide."""
        width = max(100, min(width, 3000))
        key = (number, width)
        with self._lock:
            if key not in self._drawn:
                pdf, index = self.sources[number - 1]
                document = pdfium.PdfDocument(pdf)
                try:
                    page = document[index]
                    bitmap = page.render(scale=width / page.get_width()).to_pil()
                finally:
                    document.close()
                out = io.BytesIO()
                bitmap.save(out, "PNG", compress_level=1)
                self._drawn[key] = out.getvalue()
            return self._drawn[key]


def changed_pages(before: PrintedPages | None, after: PrintedPages) -> list[int]:
    """The pages (from 1) that look different from the same page before, or are new."""
    old = before.digests if before else []
    return [n for n, digest in enumerate(after.digests, start=1) if n > len(old) or old[n - 1] != digest]


def _boxes(page) -> PageBoxes:
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom

    def from_top_left(box) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        return (round(x0 - left, 2), round(top - y1, 2), round(x1 - left, 2), round(top - y0, 2))

    return PageBoxes((round(width, 2), round(height, 2)), from_top_left(page.get_trimbox()),
                     from_top_left(page.get_bleedbox()))
