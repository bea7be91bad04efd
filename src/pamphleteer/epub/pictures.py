"""Pictures for screens: the EPUB's copies of the manuscript's images.

The originals stay untouched for print. A reading system wants less: Apple
Books refuses images over 4 megapixels and Kobo files over 5 MB, older readers
know nothing of WebP or CMYK, and a camera's EXIF block (with its GPS position)
has no business in a book. So each raster picture is copied

- turned upright (EXIF orientation) and converted to sRGB when it is CMYK;
- scaled to at most MAX_PIXELS, and re-encoded until it is at most MAX_BYTES;
- as PNG when it has transparency or few colours (drawings, diagrams), else
  as JPEG; a JPEG that needs no change keeps its bytes, minus its metadata;
- without metadata: no EXIF, XMP, IPTC or comments. The colour profile stays.

SVG drawings go in as they are. Results are cached by the source's bytes, so an
unchanged picture costs nothing on the next build; the pictures that are not in
the cache are prepared side by side, one process per processor core. A copy's
problems are found without its file name (the same bytes may be two files):
each use names its own file.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from ..problems import Problem, about, report
from ..support.cache import Cache, cache_key

MAX_PIXELS = 4_000_000  # Apple Books
MAX_BYTES = 5_000_000  # Kobo
JPEG_QUALITIES = (88, 80, 72)
PALETTE_COLOURS = 256  # at most this many colours: a drawing, better as PNG
# JPEG segments worth keeping: JFIF (APP0), the ICC profile (APP2), Adobe's colour flag (APP14).
KEPT_APP_SEGMENTS = {0xE0, 0xE2, 0xEE}
RECIPE = "screen-v2"  # change it when the recipe changes: the cache then starts afresh


@dataclass(frozen=True)
class ScreenImage:
    data: bytes
    media_type: str

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "image/svg+xml": ".svg"}[self.media_type]


def for_screens(source: Path | bytes, cache: Cache, named: Path | None = None) -> ScreenImage:
    """The EPUB's copy of an image file (a Path) or of image bytes (from the file
    `named`, if from one)."""
    if isinstance(source, Path) and source.suffix.lower() == ".svg":
        return ScreenImage(source.read_bytes(), "image/svg+xml")
    data = source.read_bytes() if isinstance(source, Path) else source
    with about(source if isinstance(source, Path) else named):
        cached = cache.remember("images", cache_key(RECIPE, data), lambda: _prepare(data))
    return ScreenImage(cached, "image/png" if cached.startswith(b"\x89PNG") else "image/jpeg")


def for_screens_all(sources: list[Path], cache: Cache) -> dict[Path, ScreenImage]:
    """`for_screens` for many image files: those not in the cache prepared in parallel."""
    unique = list(dict.fromkeys(sources))
    rasters = {source: source.read_bytes() for source in unique if source.suffix.lower() != ".svg"}
    cache.fill("images", _prepare, {cache_key(RECIPE, data): data for data in rasters.values()})
    return {source: for_screens(source, cache) for source in unique}


def _prepare(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        untouched = (image.format == "JPEG" and image.mode in ("RGB", "L")
                     and image.width * image.height <= MAX_PIXELS
                     and image.getexif().get(0x0112, 1) == 1 and len(data) <= MAX_BYTES)
        if untouched:
            return strip_jpeg_metadata(data)
        picture = _screen_ready(image)
        icc = picture.info.get("icc_profile")
    as_png = _is_drawing(picture)  # before scaling, which blends a drawing's edges into new colours
    picture = _within_pixel_limit(picture, icc)
    scale = 1.0
    while True:
        scaled = _scaled(picture, scale)
        for encoded in (_png(scaled, icc),) if as_png else (_jpeg(scaled, q, icc) for q in JPEG_QUALITIES):
            if len(encoded) <= MAX_BYTES:
                return encoded
        scale *= 0.85


def _screen_ready(image: Image.Image) -> Image.Image:
    """Upright, in RGB(A) or greyscale."""
    picture = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if picture.mode == "CMYK":
        picture = _cmyk_to_srgb(picture, icc)
        icc = None
    elif picture.mode not in ("RGB", "RGBA", "L", "LA"):
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    if icc:
        picture.info["icc_profile"] = icc
    return picture


def _within_pixel_limit(picture: Image.Image, icc: bytes | None) -> Image.Image:
    """At most MAX_PIXELS."""
    pixels = picture.width * picture.height
    if pixels <= MAX_PIXELS:
        return picture
    factor = math.sqrt(MAX_PIXELS / pixels)
    size = (max(1, int(picture.width * factor)), max(1, int(picture.height * factor)))
    resized = picture.resize(size, Image.Resampling.LANCZOS)
    resized.info["icc_profile"] = icc
    return resized


def _cmyk_to_srgb(picture: Image.Image, icc: bytes | None) -> Image.Image:
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(picture, source, ImageCms.createProfile("sRGB"),
                                             outputMode="RGB")
        except (OSError, ImageCms.PyCMSError):
            report(Problem("warning", "EPUB-010", "the picture's colour profile is damaged: its CMYK "
                           "colours are converted for screens without it, and may look wrong; save it "
                           "again from your image editor, or as RGB"))
    return picture.convert("RGB")


def _is_drawing(picture: Image.Image) -> bool:
    """Transparency, or few enough colours for a palette: PNG keeps it sharp and small.
    The colours are counted on every pixel: a smaller copy would blend the edges of
    flat colours into hundreds of new ones. Counting stops at the 257th colour, so a
    photograph costs next to nothing."""
    if picture.mode in ("RGBA", "LA"):
        return True
    return picture.getcolors(PALETTE_COLOURS) is not None


def _scaled(picture: Image.Image, scale: float) -> Image.Image:
    if scale == 1.0:
        return picture
    size = (max(1, int(picture.width * scale)), max(1, int(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS)


def _png(picture: Image.Image, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    _with_palette(picture).save(buffer, "PNG", optimize=True, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()


def _with_palette(picture: Image.Image) -> Image.Image:
    """An RGB picture of at most 256 colours as a palette image of exactly those colours:
    a third smaller as PNG, and not a pixel changed."""
    colours = picture.getcolors(PALETTE_COLOURS) if picture.mode == "RGB" else None
    if colours is None:
        return picture
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for _, rgb in colours for channel in rgb])
    return picture.quantize(palette=palette, dither=Image.Dither.NONE)


def _jpeg(picture: Image.Image, quality: int, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    picture.convert("RGB" if picture.mode != "L" else "L").save(
        buffer, "JPEG", quality=quality, optimize=True, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG with its EXIF, XMP, IPTC and comment segments dropped, and its image
    data untouched: no second lossy compression."""
    out, index = bytearray(data[:2]), 2
    while index + 4 <= len(data) and data[index] == 0xFF:
        marker = data[index + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = int.from_bytes(data[index + 2:index + 4], "big")
        segment = data[index:index + 2 + length]
        is_metadata = 0xE1 <= marker <= 0xEF and marker not in KEPT_APP_SEGMENTS or marker == 0xFE
        if not is_metadata:
            out += segment
        index += 2 + length
    return bytes(out + data[index:])
