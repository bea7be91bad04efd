"""What the pipeline needs to know about an image file: its type and size."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

RASTER_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
SVG_TYPE = "image/svg+xml"
# Refused before a single pixel is decoded: a small file can claim a huge size (a
# decompression bomb), and no page needs more than this (A3 at 600 ppi is 70 MP).
MAX_PIXELS = 80_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, at the same place
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
CSS_REFERENCE = re.compile(r"url\(\s*['\"]?(?!#|data:)|@import", re.IGNORECASE)


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
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            kind, width, height = _read_header(path)
    except UnidentifiedImageError:
        if _looks_like_a_picture(path):  # a picture's signature, then nothing Pillow can read
            raise ImageProblem("the file is damaged: save it again from your image editor") from None
        raise ImageProblem("not an image file: save it again as JPEG or PNG") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"too many pixels (more than {MAX_PIXELS // 1_000_000} megapixels): "
                           "save a smaller copy") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"the file is damaged ({exc}): save it again from your image editor") from None
    if kind not in RASTER_TYPES:
        raise ImageProblem(f"{kind} images do not work in EPUB: convert it to JPEG or PNG")
    return ImageInfo(RASTER_TYPES[kind], width, height)


SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _looks_like_a_picture(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(8).startswith(SIGNATURES)


def _read_header(path: Path) -> tuple[str, int, int]:
    """Format and size, without decoding a pixel; refuses a bomb before it goes off."""
    with Image.open(path) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Image.DecompressionBombError
        kind = image.format
        image.verify()  # a truncated or corrupt file fails here, still without decoding
    return kind, width, height


def _inspect_svg(path: Path) -> ImageInfo:
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"not a well-formed SVG file ({exc.msg})") from None
    if etree.QName(root).localname != "svg":
        raise ImageProblem("not an SVG file: its root element is not <svg>")
    _refuse_outside_references(root)
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if v]
    if (not width or not height) and len(box) == 4:
        width, height = box[2], box[3]
    if not width or not height:
        raise ImageProblem("the SVG has no width, height or viewBox: add a viewBox")
    return ImageInfo(SVG_TYPE, round(width), round(height))


def _refuse_outside_references(root) -> None:
    """An SVG in a book must be self-contained: no linked files, fonts or stylesheets
    (they would be fetched, or missing from the EPUB), no scripts (EPUBs stay unscripted)."""
    if root.getroottree().docinfo.internalDTD is not None:
        raise ImageProblem("the SVG declares a DOCTYPE (entities could pull in other files): "
                           "remove the <!DOCTYPE ...> line")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in ("script", "foreignObject"):
            raise ImageProblem(f"the SVG contains <{name}>: EPUBs must not run scripts; "
                               "export the drawing again without it")
        for attribute in ("href", XLINK_HREF, "src"):
            target = (element.get(attribute) or "").strip()
            if target and not target.startswith(("#", "data:")):
                raise ImageProblem(f"the SVG refers to another file ({target}): embed it in the "
                                   "SVG or export the drawing as one file")
        style = (element.text or "") if name == "style" else (element.get("style") or "")
        if CSS_REFERENCE.search(style):
            raise ImageProblem("the SVG's styles refer to another file (url(...) or @import): "
                               "embed it or remove it")


def _svg_length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([\d.]+)\s*(px)?\s*", value or "")
    return float(match[1]) if match else None


def jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, optimize=True, progressive=False)
    return buffer.getvalue()
