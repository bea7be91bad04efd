"""Pictures for screens: the EPUB's copies are small enough for every store, and private."""

import io
import random

import pikepdf
import pytest
from PIL import Image, ImageDraw

from pamphleteer.epub import pictures as screen
from pamphleteer.epub.pictures import MAX_BYTES, MAX_PIXELS, for_screens
from pamphleteer.pdf.pictures import text_block_pixels
from pamphleteer.pipeline import build, choose_profile
from pamphleteer.support.cache import Cache
from pamphleteer.support.styles import DEFAULTS

from support import Epub, draw_image, write_manuscript


def exif_with(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Model 9"
    exif[0x0112] = orientation
    return exif.tobytes()


def photo(size, **save) -> bytes:
    """Noise is the worst case for a compressor, like a detailed photograph."""
    rng = random.Random(7)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, save.pop("format", "JPEG"), **save)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_big_photograph_is_scaled_to_four_megapixels_and_loses_its_exif(tmp_path):
    result = for_screens(photo((3000, 2000), quality=90, exif=exif_with()), Cache(None))
    image = opened(result.data)
    assert image.format == "JPEG" and result.media_type == "image/jpeg"
    assert image.width * image.height <= MAX_PIXELS and image.width > 2400
    assert abs(image.width / image.height - 1.5) < 0.01
    assert not image.getexif() and b"PhoneMaker" not in result.data


def test_a_small_jpeg_keeps_its_image_data_and_loses_only_metadata():
    original = photo((400, 300), quality=85, exif=exif_with(), icc_profile=b"", comment=b"shot at home")
    result = for_screens(original, Cache(None))
    assert b"PhoneMaker" not in result.data and b"shot at home" not in result.data
    assert opened(result.data).tobytes() == opened(original).tobytes()  # not compressed again
    assert len(result.data) < len(original)


def test_a_sideways_photograph_is_turned_upright():
    result = for_screens(photo((400, 300), quality=85, exif=exif_with(orientation=6)), Cache(None))
    image = opened(result.data)
    assert image.size == (300, 400) and image.getexif().get(0x0112, 1) == 1


def test_a_photograph_saved_as_a_huge_png_becomes_a_jpeg_under_five_megabytes():
    original = photo((2000, 1600), format="PNG")
    assert len(original) > MAX_BYTES
    result = for_screens(original, Cache(None))
    assert result.media_type == "image/jpeg" and len(result.data) <= MAX_BYTES
    assert result.extension == ".jpg"


def test_a_drawing_with_transparency_stays_a_png_with_its_alpha(tmp_path):
    path = draw_image(tmp_path / "loom.png", size=(3000, 2000), mode="RGBA")
    result = for_screens(path, Cache(None))
    image = opened(result.data)
    assert result.media_type == "image/png" and image.mode == "RGBA"
    assert image.width * image.height <= MAX_PIXELS
    assert image.getpixel((0, 0))[3] == 0


def test_a_cmyk_jpeg_becomes_rgb():
    buffer = io.BytesIO()
    Image.new("CMYK", (200, 100), (0, 200, 200, 0)).save(buffer, "JPEG")
    image = opened(for_screens(buffer.getvalue(), Cache(None)).data)
    assert image.mode == "RGB" or image.mode == "P" and image.palette.mode == "RGB"  # one colour: a palette
    red, green, blue = image.convert("RGB").getpixel((100, 50))
    assert red > 200 and green < 100 and blue < 100


def test_an_svg_goes_in_as_drawn(tmp_path):
    path = tmp_path / "plan.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                    '<rect width="5" height="5"/></svg>')
    result = for_screens(path, Cache(None))
    assert result.data == path.read_bytes() and result.media_type == "image/svg+xml"


def test_an_unchanged_picture_is_not_processed_again(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache")
    data = photo((3000, 2000), quality=90)
    first = for_screens(data, cache)

    def refuse(_):
        raise AssertionError("processed again")

    monkeypatch.setattr(screen, "_prepare", refuse)
    assert for_screens(data, cache) == first
    with pytest.raises(AssertionError):
        for_screens(photo((3000, 2001), quality=90), cache)


def test_the_epub_and_the_pdf_each_get_their_own_copy_and_the_original_stays(tmp_path):
    (tmp_path / "big.jpg").write_bytes(photo((3000, 2000), quality=92, exif=exif_with()))
    path = write_manuscript(tmp_path, "Text.\n\n![A field of noise](big.jpg \"Noise.\")\n",
                            "title: Pictures\ndate: 2026-01-01")
    built = build(path, tmp_path / "out")
    outputs = built.outputs
    epub = Epub(outputs["epub"])
    image = opened(epub.read("images/big.jpg"))
    assert image.width * image.height <= MAX_PIXELS and not image.getexif()
    with pikepdf.open(outputs["pdf"]) as pdf:
        widths = [int(obj.Width) for obj in pdf.objects
                  if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
    # print gets 300 ppi at the widest a figure is printed (pdf/pictures.py), no fewer pixels
    assert widths == [text_block_pixels(choose_profile(built.book, DEFAULTS))[0]]
    assert opened((tmp_path / "big.jpg").read_bytes()).size == (3000, 2000)


def flat_drawing(size=(2400, 1600), palette=False) -> bytes:
    """A diagram as drawing programs export it: four flat colours, hard edges, no
    antialiasing; many lines and outlines, so many edges."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    rng = random.Random(3)
    inks = ["black", "#c0392b", "#2e86c1"]
    for _ in range(300):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.line([x, y, x + rng.randrange(-400, 400), y + rng.randrange(-400, 400)],
                  fill=rng.choice(inks), width=rng.choice([1, 2, 3, 5]))
    for _ in range(40):
        x, y = rng.randrange(size[0] - 200), rng.randrange(size[1] - 200)
        draw.rectangle([x, y, x + rng.randrange(10, 200), y + rng.randrange(10, 200)],
                       outline=rng.choice(inks), width=2)
    if palette:
        image = image.quantize(4, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("palette", [False, True], ids=["rgb", "palette"])
def test_a_four_colour_drawing_stays_a_png_with_every_pixel_as_drawn(palette):
    original = flat_drawing(palette=palette)
    result = for_screens(original, Cache(None))
    assert result.media_type == "image/png" and result.extension == ".png"
    image = opened(result.data)
    assert image.size == (2400, 1600)
    assert image.convert("RGB").tobytes() == opened(original).convert("RGB").tobytes()
    assert len(result.data) <= len(original)  # no bigger than the author's own file


def test_a_drawing_over_four_megapixels_is_scaled_and_stays_a_png():
    result = for_screens(flat_drawing(size=(3000, 2000)), Cache(None))
    image = opened(result.data)
    assert result.media_type == "image/png" and image.width * image.height <= MAX_PIXELS
