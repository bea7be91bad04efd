"""Rendering helpers and the fetcher that keeps WeasyPrint inside the allowed folders."""

import os
import shutil
from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from pamphleteer.pipeline import build
from pamphleteer.problems import PamphleteerError
from pamphleteer.read.manuscript import read_book
from pamphleteer.read.typography import smarten
from pamphleteer.render.contents import table_of_contents
from pamphleteer.render.print import picture_files
from pamphleteer.render.templates import labels
from pamphleteer.support.fetcher import FolderFetcher, ForbiddenResource
from pamphleteer.support.styles import DEFAULTS, Styles

from support import ROOT, draw_image, write_manuscript


def test_labels_follow_the_language_and_fall_back_to_english():
    assert labels(DEFAULTS, "fr-CA")["contents"] == "Table des matières"
    assert labels(DEFAULTS, "de")["contents"] == "Inhalt"
    assert labels(DEFAULTS, "sw")["contents"] == "Contents"


def test_table_of_contents_nests_by_level(tmp_path):
    book = read_book(write_manuscript(tmp_path, "# A\n\n## A1\n\n### A1a\n\n## A2\n\n# B\n\nx\n"))
    toc = table_of_contents(book)
    assert [(e.heading.text, [c.heading.text for c in e.children]) for e in toc] == \
        [("A", ["A1", "A2"]), ("B", [])]
    assert [c.heading.text for c in toc[0].children[0].children] == ["A1a"]


def test_smarten_leaves_markup_characters_alone():
    assert smarten('Don\'t "panic" -- *now* 1<2 & #3') == "Don’t “panic” – *now* 1<2 & #3"


def test_a_note_called_from_a_heading_is_an_error(tmp_path):
    with pytest.raises(PamphleteerError) as caught:
        read_book(write_manuscript(tmp_path, "## Why?[^n]\n\nText.\n\n[^n]: A note.\n"))
    assert "heading 'Why?' calls a note" in caught.value.problems[0].message


# --- the fetcher ----------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.org/x.png", "https://example.org/x.css",
    "file:///dev/zero", "ftp://example.org/x",
])
def test_fetcher_refuses_anything_outside_the_allowed_folders(tmp_path, url):
    with pytest.raises(FatalURLFetchingError):
        FolderFetcher([tmp_path])(url)


def test_fetcher_refuses_a_symlink_that_leads_outside(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "innocent.png")
    with pytest.raises(ForbiddenResource):
        FolderFetcher([tmp_path])((tmp_path / "innocent.png").as_uri())


def test_fetcher_reads_files_inside(tmp_path):
    (tmp_path / "ok.css").write_text("p {}")
    response = FolderFetcher([tmp_path])((tmp_path / "ok.css").as_uri())
    assert response.read() == b"p {}"
    response.close()


def test_a_stylesheet_cannot_pull_in_a_file_from_elsewhere(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    css = styles / "print" / "book.css"
    css.write_text('@import url("file:///etc/hostname");\n' + css.read_text())
    path = write_manuscript(tmp_path / "book", "Text.\n")
    with pytest.raises(PamphleteerError) as caught:
        build(path, tmp_path / "out", ("pdf",), Styles.for_manuscript(path, styles))
    assert "refused to read file:///etc/hostname" in str(caught.value)
    assert not (tmp_path / "out" / "test.pdf").exists()


def test_a_picture_address_reads_only_the_file_it_stands_for(tmp_path):
    (tmp_path / "leaf.png").write_bytes(b"leaf")
    fetcher = FolderFetcher([tmp_path], {"picture:leaf.png": tmp_path / "leaf.png",
                                         "picture:passwd": Path("/etc/passwd")})
    response = fetcher("picture:leaf.png")
    assert response.read() == b"leaf"
    response.close()
    with pytest.raises(ForbiddenResource):
        fetcher("picture:other.png")  # not a picture of the book
    with pytest.raises(ForbiddenResource):
        fetcher("picture:passwd")  # still only inside the allowed folders


def test_picture_addresses_do_not_depend_on_where_the_book_is(tmp_path):
    """WeasyPrint names each picture in the PDF after its address: a release built in
    another checkout must give the same bytes."""
    addresses = []
    for where in ("one", "two/deeper"):
        path = write_manuscript(tmp_path / where, "![A leaf](images/leaf.png)\n")
        draw_image(path.parent / "images" / "leaf.png", size=(300, 200))
        addresses.append(sorted(picture_files(read_book(path))))
    assert addresses[0] == addresses[1] == ["picture:images/leaf.png"]
