"""Embedded fonts (`epub-fonts: true`): declared, subset, used, and only where allowed."""

import io
import re
import shutil

import pytest
from fontTools.ttLib import TTFont

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.epub import fonts
from pamphleteer.pipeline import build
from pamphleteer.problems import PamphleteerError
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.paths import DEFAULT_STYLES
from pamphleteer.support.styles import DEFAULTS, Styles
from run_once import made_once

from support import Epub, write_manuscript

BODY = "Some *italic* and **bold** words, with a ligature: office.\n\n## A heading\n\nMore text.\n"


@pytest.fixture(scope="module")
@made_once
def with_fonts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fonts")
    path = write_manuscript(folder, BODY, "title: Type\ndate: 2026-01-01\nepub-fonts: true")
    return Epub(build(path, folder / "out", ("epub",)).outputs["epub"])


def font_items(epub: Epub) -> list[dict]:
    return [item for item in epub.manifest().values() if item["media-type"].startswith("font/")]


def test_four_faces_are_declared_in_the_manifest(with_fonts):
    items = font_items(with_fonts)
    assert sorted(item["href"] for item in items) == [
        "fonts/linux-libertine-o-400-italic.otf", "fonts/linux-libertine-o-400-normal.otf",
        "fonts/linux-libertine-o-700-italic.otf", "fonts/linux-libertine-o-700-normal.otf"]
    assert {item["media-type"] for item in items} == {"font/otf"}


def test_the_stylesheet_uses_them(with_fonts):
    css = with_fonts.read("style/book.css").decode()
    sources = re.findall(r'src: url\("\.\./(fonts/[^"]+)"\)', css)
    assert sorted(sources) == sorted(item["href"] for item in font_items(with_fonts))
    assert 'body { font-family: "Linux Libertine O", serif; }' in css


def test_fonts_are_cut_down_to_the_characters_of_the_book(with_fonts):
    data = with_fonts.read("fonts/linux-libertine-o-400-normal.otf")
    installed = fonts._find(read_book_stub(), "Linux Libertine O", 400, "normal")
    assert len(data) < installed.stat().st_size / 5
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert all(ord(c) in cmap for c in "Someitalcwrdsgu")
    assert ord("Ж") not in cmap and ord("Q") not in cmap  # the book has no capital Q
    assert "smcp" in {r.FeatureTag for r in TTFont(io.BytesIO(data))["GSUB"].table.FeatureList.FeatureRecord}


def test_apple_books_is_told_to_use_them(with_fonts):
    options = with_fonts.zip.read("META-INF/com.apple.ibooks.display-options.xml").decode()
    assert '<option name="specified-fonts">true</option>' in options


def test_epubcheck_accepts_the_fonts(with_fonts):
    report = check_epub(with_fonts.path)
    assert report.summary.endswith("0 errors, 0 warnings"), [str(f) for f in report.findings]


def test_without_the_option_no_font_goes_in(minimal):
    epub = Epub(minimal.epub)
    assert font_items(epub) == [] and "@font-face" not in epub.read("style/book.css").decode()


def test_a_font_whose_licence_forbids_embedding_stops_the_build(tmp_path, monkeypatch):
    installed = fonts._find(read_book_stub(), "Linux Libertine O", 400, "normal")
    font = TTFont(str(installed))
    font["OS/2"].fsType = 0x0002  # restricted licence embedding
    restricted = tmp_path / "restricted.otf"
    font.save(str(restricted))
    monkeypatch.setattr(fonts, "_find", lambda *args: restricted)
    path = write_manuscript(tmp_path, BODY, "title: Type\nepub-fonts: true")
    with pytest.raises(PamphleteerError, match=r"restricted.otf may not be embedded \(its licence"):
        build(path, tmp_path / "out", ("epub",))
    assert not (tmp_path / "out" / "test.epub").exists()


def test_a_font_that_forbids_subsetting_goes_in_whole(tmp_path, monkeypatch):
    installed = fonts._find(read_book_stub(), "Linux Libertine O", 400, "normal")
    whole = tmp_path / "whole.otf"
    shutil.copy(installed, whole)
    font = TTFont(str(whole))
    font["OS/2"].fsType = 0x0100
    font.save(str(whole))
    monkeypatch.setattr(fonts, "_find", lambda *args: whole)
    book = read_book(write_manuscript(tmp_path, BODY, "title: Type\nepub-fonts: true"))
    choice = fonts.embed_fonts(book, DEFAULTS, "Some text")
    assert len(TTFont(io.BytesIO(choice.faces[0].data)).getBestCmap()) == len(font.getBestCmap())


def test_a_missing_family_is_a_clear_error(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(DEFAULT_STYLES, styles)
    (styles / "epub" / "fonts.yaml").write_text(
        "family: No Such Face\nfaces:\n  - {weight: 400, style: normal}\n")
    book = read_book(write_manuscript(tmp_path, BODY, "title: Type\nepub-fonts: true"))
    with pytest.raises(PamphleteerError, match="the font 'No Such Face' is not installed"):
        fonts.embed_fonts(book, Styles.with_own(styles), "text")


def test_the_option_must_be_true_or_false(tmp_path):
    path = write_manuscript(tmp_path, BODY, "title: Type\nepub-fonts: sometimes")
    message = r"test.md:3: error: 'epub-fonts' is true or false, not 'sometimes'"
    with pytest.raises(PamphleteerError, match=message):
        read_book(path)


def read_book_stub():
    """A book for the messages of `_find`; any will do."""
    class Stub:
        source = DEFAULT_STYLES / "epub" / "fonts.yaml"
    return Stub()

