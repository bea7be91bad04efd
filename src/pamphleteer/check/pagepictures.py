"""Look at the PDF as a reader would: its pages as PNG images, and a contact sheet.

    python -m pamphleteer.check.pagepictures build/x.pdf build/pages [--pages 1-8] [--dpi 60]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pypdfium2
from PIL import Image

from ..problems import counted


def render_pages(pdf: Path, outdir: Path, first: int, last: int, dpi: int) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(str(pdf))
    paths = []
    try:
        for number in range(first, min(last, len(document)) + 1):
            image = document[number - 1].render(scale=dpi / 72).to_pil()
            path = outdir / f"page-{number:03d}.png"
            image.save(path)
            paths.append(path)
    finally:
        document.close()
    return paths


def contact_sheet(pages: list[Path], path: Path, columns: int = 4, gap: int = 12) -> Path:
    """Pages side by side as spreads would be seen: first page alone on the right."""
    images = [Image.open(p) for p in pages]
    width, height = images[0].size
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (width + gap) + gap, rows * (height + gap) + gap), "#9a9a9a")
    for index, image in enumerate(images):
        x = gap + (index % columns) * (width + gap)
        y = gap + (index // columns) * (height + gap)
        sheet.paste(image, (x, y))
    sheet.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--pages", default="1-8", help="a range such as 1-8")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    first, _, last = args.pages.partition("-")
    pages = render_pages(args.pdf, args.outdir, int(first), int(last or first), args.dpi)
    sheet = contact_sheet(pages, args.outdir / "contact-sheet.png")
    print(f"wrote {counted(len(pages), 'page')} and {sheet}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
