"""The browser tool itself (tests/browser.py, tests/browser/inspect-page.mjs), on small pages of our own."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

import browser
from browser import inspect_page

from support import draw_image

HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'


def write_page(folder: Path, body: str, lang: str | None = "en", head: str = "") -> Path:
    html_tag = f'<html lang="{lang}">' if lang else "<html>"
    page = folder / "index.html"
    page.write_text(f"<!DOCTYPE html>\n{html_tag}\n<head>{HEAD}<title>A test page</title>{head}</head>\n"
                    f"<body>\n{body}\n</body>\n</html>\n", encoding="utf-8")
    return page


def local_path(url: str) -> Path:
    parts = urlsplit(url)
    assert parts.scheme == "file", url
    return Path(unquote(parts.path))


def test_an_accessible_page(tmp_path):
    draw_image(tmp_path / "cover.png", size=(300, 200))
    (tmp_path / "book.epub").write_bytes(b"PK\x03\x04 not really")
    page = write_page(tmp_path, """<main>
<h1>The catalogue</h1>
<p><img src="cover.png" alt="The cover: a teal circle" width="150" height="100"></p>
<p><a href="book.epub">Download the EPUB</a></p>
</main>""")
    report = inspect_page(page, tmp_path / "shots")

    assert report["violations"] == []
    assert (tmp_path / "cover.png").as_uri() in report["links"]
    assert (tmp_path / "book.epub").as_uri() in report["links"]
    assert report["failed"] == []
    assert report["horizontalScroll"] == {"phone": False, "desktop": False}
    shots = [Path(p) for p in report["screenshots"]]
    assert shots == [tmp_path / "shots" / "phone.png", tmp_path / "shots" / "desktop.png"]
    with Image.open(shots[0]) as phone, Image.open(shots[1]) as desktop:
        assert phone.format == desktop.format == "PNG"
        assert phone.width == 750  # 375 CSS pixels at a device scale factor of 2
        assert phone.height >= 2 * 667
        assert desktop.size[0] == 1280 and desktop.size[1] >= 900


def test_a_picture_without_alt_text_and_a_page_without_a_language(tmp_path):
    draw_image(tmp_path / "cover.png", size=(300, 200))
    page = write_page(tmp_path, '<main><h1>The catalogue</h1><img src="cover.png"></main>', lang=None)
    report = inspect_page(page, tmp_path / "shots")

    found = {violation["id"]: violation for violation in report["violations"]}
    assert {"image-alt", "html-has-lang"} <= set(found)
    assert any('src="cover.png"' in node for node in found["image-alt"]["nodes"])
    assert all(found[rule]["impact"] and found[rule]["help"] for rule in found)


def test_a_link_to_a_missing_file_is_listed(tmp_path):
    (tmp_path / "there.pdf").write_bytes(b"%PDF-1.7")
    page = write_page(tmp_path, '<main><h1>Downloads</h1><ul><li><a href="there.pdf">PDF</a></li>'
                                '<li><a href="files/gone.epub">EPUB</a></li></ul></main>')
    report = inspect_page(page, tmp_path / "shots")

    files = [local_path(url) for url in report["links"] if url.startswith("file:")]
    assert files == [tmp_path / "there.pdf", tmp_path / "files" / "gone.epub"]
    assert [path.name for path in files if not path.exists()] == ["gone.epub"]


def test_a_page_wider_than_a_phone_scrolls_sideways(tmp_path):
    page = write_page(tmp_path, '<main><h1>Too wide</h1><div style="width: 600px">A wide block</div></main>')
    report = inspect_page(page, tmp_path / "shots")

    assert report["horizontalScroll"] == {"phone": True, "desktop": False}
    with Image.open(report["screenshots"][0]) as phone:
        assert phone.width >= 2 * 600


def test_nothing_is_loaded_from_the_network(tmp_path):
    page = write_page(tmp_path, '<main><h1>Remote</h1>'
                                '<img src="http://example.com/x.png" alt="A remote picture"></main>',
                      head='<link rel="stylesheet" href="https://example.com/style.css">')
    report = inspect_page(page, tmp_path / "shots")

    assert "http://example.com/x.png" in report["links"]
    assert {"http://example.com/x.png", "https://example.com/style.css"} <= set(report["failed"])


def test_a_missing_tool_is_an_error_not_a_skip(tmp_path, monkeypatch):
    monkeypatch.setattr(browser, "NODE_MODULES", tmp_path / "node_modules")
    assert not browser.browser_available()
    with pytest.raises(RuntimeError, match="missing: .*puppeteer-core.*axe-core"):
        inspect_page(tmp_path / "index.html", tmp_path / "shots")
