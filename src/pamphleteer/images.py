"""What the pipeline needs to know about an image file: its type and size."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

RASTER_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
SVG_TYPE = "image/svg+xml"


class ImageProblem(ValueError):
    """The file is not an image we can put in a book; the message says why."""


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    width: int
    height: int


def inspect_image(path: Path) -> ImageInfo:
    if path.suffix.lower() == ".svg":
        return _inspect_svg(path)
    try:
        with Image.open(path) as image:
            kind = image.format
            width, height = image.size
    except UnidentifiedImageError:
        raise ImageProblem("not an image file Pillow can read") from None
    except Image.DecompressionBombError:
        raise ImageProblem("too many pixels: scale it down below 89 megapixels") from None
    if kind not in RASTER_TYPES:
        raise ImageProblem(f"{kind} images do not work in EPUB: convert it to JPEG or PNG")
    return ImageInfo(RASTER_TYPES[kind], width, height)


def _inspect_svg(path: Path) -> ImageInfo:
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"not a well-formed SVG file ({exc.msg})") from None
    if etree.QName(root).localname != "svg":
        raise ImageProblem("not an SVG file: its root element is not <svg>")
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if v]
    if (not width or not height) and len(box) == 4:
        width, height = box[2], box[3]
    if not width or not height:
        raise ImageProblem("the SVG has no width, height or viewBox: add a viewBox")
    return ImageInfo(SVG_TYPE, round(width), round(height))


def _svg_length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([\d.]+)\s*(px)?\s*", value or "")
    return float(match[1]) if match else None
