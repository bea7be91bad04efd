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
