"""A book's own styles: one copied file restyles the book, the rest still comes from
pamphleteer's own styles, which ship inside the installed package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pdfplumber
import pytest
from pypdf import PdfReader

from pamphleteer.cli import main
from pamphleteer.pdf.profiles import load_profile
from pamphleteer.pipeline import build
from pamphleteer.problems import PamphleteerError
from pamphleteer.support.paths import DEFAULT_STYLES
from pamphleteer.support.styles import Styles
from run_once import made_once

from support import NS, ROOT, Epub, page_texts, write_manuscript

BODY = "Mutuality is older than the state.\n"


def copy_changed(relative: str, styles, old: str, new: str) -> None:
    """Copy one default style file into `styles`, at the same place, with `old` made `new`."""
    text = (DEFAULT_STYLES / relative).read_text(encoding="utf-8")
    assert old in text
    target = styles / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
@made_once
def project(tmp_path_factory):
    """A project laid out as manuscript/book.md beside styles/, which holds only a
    copied print stylesheet (larger type) and a profile of its own; built with it."""
    root = tmp_path_factory.mktemp("project")
    path = write_manuscript(root / "manuscript", BODY, "title: Our Own Look", name="book.md")
    copy_changed("print/book.css", root / "styles", "font-size: 10.5pt;", "font-size: 13pt;")
    copy_changed("profiles/digital.yaml", root / "styles", "trim: A5", "trim: 120 x 180 mm")
    (root / "styles" / "profiles" / "digital.yaml").rename(root / "styles" / "profiles" / "mine.yaml")
    result = build(path, root / "out", ("pdf",), profile="mine")
    return path, result.outputs["pdf"]


def test_a_copied_print_stylesheet_restyles_the_pdf(project):
    _, pdf = project
    with pdfplumber.open(pdf) as document:
        words = [w for page in document.pages for w in page.extract_words(extra_attrs=["size"])]
    (word,) = [w for w in words if w["text"] == "Mutuality"]
    assert word["size"] == pytest.approx(13, abs=0.1)  # pamphleteer's own sets 10.5pt
    # Every other template is still pamphleteer's: the colophon of its book.html is there.
    assert "Made with pamphleteer." in page_texts(pdf)[-1]


def test_a_books_own_profile_is_chosen_by_its_name(project):
    path, pdf = project
    assert pdf.name == "book-mine.pdf"
    box = PdfReader(pdf).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((120 / 25.4 * 72, 180 / 25.4 * 72), abs=0.1)
    with pytest.raises(PamphleteerError, match="choose one of digital, kdp, lulu, mine, press"):
        load_profile("glossy", Styles.for_manuscript(path))


@pytest.fixture(scope="module")
@made_once
def restyled_epub(tmp_path_factory):
    """A book with styles/ beside it holding a changed colophon and title page, built
    with --styles DIR whose title page is changed too."""
    root = tmp_path_factory.mktemp("epub-styles")
    path = write_manuscript(root / "book", BODY, "title: Our Own Colophon")
    own, given = root / "book" / "styles", root / "given"
    made_with = '<p class="made-with">{{ labels.made_with }}</p>'
    copy_changed("epub/colophon.xhtml", own, made_with, '<p class="made-with">Set by Hollow Tree.</p>')
    copy_changed("epub/titlepage.xhtml", own, "</section>", "<p>Own title page.</p></section>")
    copy_changed("epub/titlepage.xhtml", given, "</section>", "<p>Given title page.</p></section>")
    out = root / "out"
    assert main(["build", str(path), "-o", str(out), "--epub", "--styles", str(given)]) == 0
    return Epub(out / "test.epub")


def paragraphs(epub: Epub, href: str) -> list[str]:
    return ["".join(p.itertext()) for p in epub.xhtml(href).xpath("//x:p", namespaces=NS)]


def test_a_copied_epub_template_changes_its_document(restyled_epub):
    colophon = paragraphs(restyled_epub, "colophon.xhtml")
    assert "Set by Hollow Tree." in colophon and "Made with pamphleteer." not in colophon
    # The words are still pamphleteer's labels.yaml, and the text's document its section.xhtml.
    assert restyled_epub.xhtml("colophon.xhtml").xpath("string(//x:h1)", namespaces=NS) == "Colophon"
    assert paragraphs(restyled_epub, "section-00.xhtml") == [BODY.strip()]


def test_styles_given_on_the_command_line_come_before_the_books_own(restyled_epub):
    titlepage = paragraphs(restyled_epub, "titlepage.xhtml")
    assert "Given title page." in titlepage and "Own title page." not in titlepage


def test_styles_naming_no_folder_is_a_one_line_error(tmp_path, capsys):
    path = write_manuscript(tmp_path, BODY)
    assert main(["build", str(path), "-o", str(tmp_path / "out"), "--styles", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == (f"{tmp_path / 'nowhere'}: error: --styles names no folder: "
                                       "give the folder your own style files are in [STYLES-001]\n")
    assert not (tmp_path / "out").exists()


def test_the_catalogue_takes_the_styles_beside_the_publish_folder(tmp_path):
    copy_changed("catalogue/catalogue.css", tmp_path / "styles", ":root {", ":root { --house: #fdf6e3;")
    (tmp_path / "publish").mkdir()
    assert main(["catalogue", str(tmp_path / "publish")]) == 0
    page = (tmp_path / "publish" / "index.html").read_text(encoding="utf-8")
    assert "--house: #fdf6e3;" in page  # the stylesheet copied beside publish/
    assert '<link rel="alternate" type="application/atom+xml' in page  # pamphleteer's index.html


def test_an_installed_pamphleteer_builds_a_book_from_anywhere(tmp_path):
    """Not an editable install: a wheel, installed into a folder of its own, run from a
    third folder on a manuscript in a fourth. Its styles come from inside the package."""
    project = tmp_path / "project"  # a copy: building a wheel writes build/ beside pyproject.toml
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project)
    for name in ("src", "styles"):
        shutil.copytree(ROOT / name, project / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(project), "--no-deps", "-w", str(tmp_path / "wheel")],
                   check=True, timeout=300)
    (wheel,) = (tmp_path / "wheel").glob("pamphleteer-*.whl")
    assert any(name.startswith("pamphleteer/styles/print/") for name in zipfile.ZipFile(wheel).namelist())
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, timeout=300)

    manuscript = write_manuscript(tmp_path / "elsewhere", BODY, "title: Far Away")
    elsewhere, out = tmp_path / "cwd", tmp_path / "out"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = "import pamphleteer.support.paths as p; print(p.__file__); print(p.DEFAULT_STYLES.resolve())"
    ran = subprocess.run([sys.executable, "-c", where], cwd=elsewhere, env=env, capture_output=True,
                         text=True, check=True)
    code, styles = ran.stdout.split()
    assert code.startswith(f"{site}/") and styles == f"{site}/pamphleteer/styles"  # not this checkout's
    ran = subprocess.run([sys.executable, "-m", "pamphleteer", "build", str(manuscript), "-o", str(out)],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr
    assert paragraphs(Epub(out / "test.epub"), "section-00.xhtml") == [BODY.strip()]
    assert any("Mutuality is older than the" in text for text in page_texts(out / "test.pdf"))
