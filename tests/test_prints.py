"""Pictures for print: scaled down to what 300 ppi at the printed size needs, never below."""

import io
from dataclasses import dataclass

import pikepdf
import pytest
from PIL import Image

from pamphleteer.cli import main
from pamphleteer.pdf.pictures import text_block_pixels
from pamphleteer.pipeline import build, choose_profile
from pamphleteer.support.styles import DEFAULTS

from support import draw_image, write_manuscript


@dataclass
class Embedded:
    width: int
    height: int
    filters: list
    raw: bytes
    has_alpha: bool


def embedded_images(pdf) -> list[Embedded]:
    """Each picture in the PDF once (WeasyPrint's pages share one resource dictionary)."""
    found = {}
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for image in page.get_images().values():
                if image.objgen not in found:
                    info = pikepdf.PdfImage(image)
                    found[image.objgen] = Embedded(info.width, info.height, list(info.filters),
                                                   image.read_raw_bytes(), "/SMask" in image)
    return list(found.values())


def one_picture(tmp_path, name, size, **save):
    picture = tmp_path / "images" / name
    draw_image(picture, size=size)
    if save:
        Image.open(picture).save(picture, **save)
    return write_manuscript(tmp_path, f"Text before.\n\n![A picture](images/{name})\n\nText after.\n")


def test_a_picture_with_too_many_pixels_is_printed_from_a_copy_with_just_enough(tmp_path):
    manuscript = one_picture(tmp_path, "big.jpg", (4000, 2400))
    result = build(manuscript, tmp_path / "out", ("pdf",))
    limit = text_block_pixels(choose_profile(result.book, DEFAULTS))
    [image] = embedded_images(result.outputs["pdf"])
    assert image.width == limit[0]  # the width of the text block at 300 ppi, rounded up
    assert image.height == pytest.approx(2400 * limit[0] / 4000, abs=1)
    assert (tmp_path / "images" / "big.jpg").stat().st_size > 0  # the original is untouched
    assert Image.open(tmp_path / "images" / "big.jpg").size == (4000, 2400)


def test_a_picture_that_fits_is_printed_byte_for_byte(tmp_path):
    manuscript = one_picture(tmp_path, "small.jpg", (1000, 700))
    pdf = build(manuscript, tmp_path / "out", ("pdf",)).outputs["pdf"]
    [image] = embedded_images(pdf)
    assert image.filters == ["/DCTDecode"]
    assert image.raw == (tmp_path / "images" / "small.jpg").read_bytes()


def test_a_turned_photograph_is_printed_upright(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held on its side: turn a quarter to the right
    manuscript = one_picture(tmp_path, "turned.jpg", (4000, 2400), exif=exif.tobytes())
    pdf = build(manuscript, tmp_path / "out", ("pdf",)).outputs["pdf"]
    [image] = embedded_images(pdf)
    assert image.height > image.width


def test_transparency_and_colour_mode_survive_the_copy(tmp_path):
    draw_image(tmp_path / "images" / "drawing.png", size=(4000, 2400), mode="RGBA")
    manuscript = write_manuscript(tmp_path, "Text.\n\n![A drawing](images/drawing.png)\n")
    pdf = build(manuscript, tmp_path / "out", ("pdf",)).outputs["pdf"]
    [image] = embedded_images(pdf)
    assert image.has_alpha  # the transparency is still there
    assert image.width < 4000


def test_press_preflight_finds_every_copy_sharp_enough(tmp_path, capsys):
    manuscript = one_picture(tmp_path, "big.jpg", (4000, 2400))
    out = tmp_path / "out"
    build(manuscript, out, ("pdf",), profile="press")
    main(["check", "--print", "--profile", "press", str(manuscript), str(out / "test-press.pdf")])
    said = capsys.readouterr()
    assert "preflight for 'press'" in said.out and "ppi" not in said.err


def test_a_second_build_makes_no_copy_again(tmp_path):
    manuscript = one_picture(tmp_path, "big.jpg", (4000, 2400))
    out = tmp_path / "out"
    build(manuscript, out, ("pdf",))
    copies = {p.name: p.stat().st_mtime_ns for p in (out / ".cache" / "print").iterdir()}
    assert len(copies) == 1
    build(manuscript, out, ("pdf",))
    assert {p.name: p.stat().st_mtime_ns for p in (out / ".cache" / "print").iterdir()} == copies
    assert Image.open(io.BytesIO((out / ".cache" / "print" / next(iter(copies))).read_bytes())).info["dpi"]


def _photograph(size, exif=None) -> bytes:
    """Detail everywhere, as a camera records it (noise softened by the lens, over a
    gradient): what decoding at a smaller scale would lose first."""
    from PIL import ImageChops, ImageFilter

    noise = Image.merge("RGB", [Image.effect_noise(size, 60).filter(ImageFilter.GaussianBlur(2))
                                for _ in range(3)])
    ramp = Image.linear_gradient("L").rotate(90).resize(size).convert("RGB")
    picture = ImageChops.add(ImageChops.multiply(noise, Image.new("RGB", size, (150,) * 3)), ramp, 1.6)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


@pytest.mark.parametrize("turned", [False, True])
def test_a_large_photograph_is_decoded_smaller_and_copied_as_sharp(monkeypatch, turned):
    """A JPEG with over three times the pixels needed is decoded at half its size before it
    is scaled (the copy takes half the time): same size, same way up, and no difference
    a print could show from scaling the whole picture."""
    import json

    from pamphleteer.pdf import pictures

    exif = Image.Exif()
    exif[0x0112] = 6
    data = _photograph((3000, 1800) if turned else (2000, 1500), exif.tobytes() if turned else None)
    limit = (600, 900)  # a text block at 300 ppi
    job = json.dumps(limit).encode() + b"\n" + data
    with Image.open(io.BytesIO(data)) as image:
        full = image.size
        pictures._decode_smaller(image, limit)
        assert image.size == (full[0] // 2, full[1] // 2)
    smaller = Image.open(io.BytesIO(pictures._scaled_copy(job))).convert("RGB")
    monkeypatch.setattr(pictures, "DRAFT_MARGIN", 100)  # never smaller: the whole picture scaled
    whole = Image.open(io.BytesIO(pictures._scaled_copy(job))).convert("RGB")
    assert smaller.size == whole.size
    assert (smaller.height > smaller.width) is turned
    assert max(smaller.size[0] / limit[0], smaller.size[1] / limit[1]) == pytest.approx(1, abs=0.001)
    # Against the picture scaled whole and not compressed, decoding smaller adds less
    # error than the copy's own JPEG compression (half the error at most: 3 dB).
    with Image.open(io.BytesIO(data)) as image:
        ideal = image.convert("RGB").transpose(Image.Transpose.ROTATE_270) if turned else image.convert("RGB")
        ideal = ideal.resize(whole.size, Image.Resampling.LANCZOS)
    assert psnr(smaller, ideal) > psnr(whole, ideal) - 3 > 30


def psnr(picture, reference) -> float:
    """How close a picture is to another, in decibels: the higher, the closer."""
    import math

    from PIL import ImageChops, ImageStat

    error = sum(ImageStat.Stat(ImageChops.difference(picture, reference)).sum2)
    return 10 * math.log10(255 ** 2 * 3 * picture.width * picture.height / error)
