"""`make publish`: releases in publish/<slug>/<version>/ and the catalogue made from them.

One shelf of three small manuscripts (two side by side, one in a folder of its
own) is published with `make -j3 publish`; then one of them gets a new version
and the shelf is published again. The tests read what a reader, a web server
and an e-reader app would get.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from browser import inspect_page
from opds_rules import feed_problems
from pamphleteer import __version__
from pamphleteer.publish.versions import next_version, version_key

from support import ROOT, draw_image

ATOM = "{http://www.w3.org/2005/Atom}"
ACCEPT = "print:\n  accept: [PRINT-020]"  # our test pictures are RGB; press is CMYK
BOOKS = {
    "alder.md": ("title: Alder and Ash\nauthor: Ada Example\npublisher: Shelf Test Press\n"
                 "date: 2026-10-01\ndescription: Trees that grow by water.\n" + ACCEPT,
                 "Alders like wet feet.\n\n![An alder leaf](images/leaf.jpg)\n\nAsh likes them dry.\n"),
    "birch.md": ("title: Birch\nauthor: [Ben Specimen, Cy Sample]\npublisher: Shelf Test Press\n"
                 "date: 2026-10-02\ndescription: The white tree.\nsubjects: [Trees]\n" + ACCEPT,
                 "Birch bark peels in sheets.\n"),
    "chene/chene.md": ("title: Le Chêne\nauthor: Dé Exemple\npublisher: Shelf Test Press\n"
                       "date: 2026-10-03\nlang: fr\nversion: 1.9\ndescription: Un arbre lent.\n"
                       + ACCEPT, "Le chêne pousse lentement.\n"),
}
SLUGS = {"alder.md": "alder-and-ash", "birch.md": "birch", "chene/chene.md": "le-chene"}


def make(*args: str, **variables) -> subprocess.CompletedProcess:
    words = [f"{key}={value}" for key, value in variables.items()]
    return subprocess.run(["make", "--no-print-directory", *args, *words], cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)


def write_book(shelf: Path, name: str, front: str, body: str) -> Path:
    path = shelf / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """The releases only (<slug>/<version>/<file>): the catalogue is made again each time."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and len(p.relative_to(folder).parts) == 3}


@pytest.fixture(scope="module")
def shelf(tmp_path_factory):
    """Three books published, then Birch 1.1 published beside Birch 1.0."""
    root = tmp_path_factory.mktemp("shelf")
    shelf = root / "manuscript"
    for name, (front, body) in BOOKS.items():
        write_book(shelf, name, front, body)
    draw_image(shelf / "images" / "leaf.jpg", size=(2400, 1600))
    variables = {"MANUSCRIPT_DIR": shelf, "BUILD": root / "build", "PUBLISH": root / "publish",
                 "CATALOGUE_TITLE": "Shelf Test Press"}
    first = make("-j3", "publish", **variables)
    assert first.returncode == 0, first.stdout + first.stderr
    before = snapshot(root / "publish")
    front, body = BOOKS["birch.md"]
    write_book(shelf, "birch.md", front.replace("2026-10-02", "2026-11-02") + "\nversion: 1.1",
               body + "\nBirch sap rises in spring.\n")
    second = make("-j3", "publish", **variables)
    assert second.returncode == 0, second.stdout + second.stderr
    return root, variables, before, second.stdout


def release(root: Path, slug: str, version: str) -> Path:
    return root / "publish" / slug / version


def record(root: Path, slug: str, version: str) -> dict:
    return json.loads((release(root, slug, version) / "release.json").read_text(encoding="utf-8"))


# --- Releases ---------------------------------------------------------------------

@pytest.mark.parametrize(("slug", "version"), [("alder-and-ash", "1.0"), ("birch", "1.0"),
                                               ("birch", "1.1"), ("le-chene", "1.9")])
def test_a_release_holds_every_format_named_by_slug_and_version(shelf, slug, version):
    root, *_ = shelf
    base = f"{slug}-{version}"
    assert sorted(p.name for p in release(root, slug, version).iterdir()) == sorted([
        f"{base}.epub", f"{base}.pdf", f"{base}-print.pdf", f"{base}-booklet.pdf",
        f"{base}-print-cover.pdf", f"{base}-cover.jpg", f"{base}-thumbnail.jpg", "SHA256SUMS",
        "release.json"])


@pytest.mark.parametrize("slug", ["alder-and-ash", "birch", "le-chene"])
def test_sha256sum_checks_every_file_of_a_release(shelf, slug):
    root, *_ = shelf
    for folder in (root / "publish" / slug).iterdir():
        if folder.is_dir():
            result = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder,
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr
            assert result.stdout.count(": OK") == 8


def test_release_json_describes_the_book_and_its_files(shelf):
    root, *_ = shelf
    data = record(root, "birch", "1.1")
    assert (data["title"], data["authors"], data["language"], data["version"], data["date"]) == (
        "Birch", ["Ben Specimen", "Cy Sample"], "en", "1.1", "2026-11-02")
    assert data["tool"] == {"name": "pamphleteer", "version": __version__}
    assert data["print_profile"] == "press"
    with zipfile.ZipFile(release(root, "birch", "1.1") / "birch-1.1.epub") as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
    identifiers = opf.xpath("//dc:identifier/text()", namespaces={"dc": "http://purl.org/dc/elements/1.1/"})
    assert data["identifier"] in identifiers
    for entry in data["files"]:
        path = release(root, "birch", "1.1") / entry["name"]
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {e["format"]: e["media_type"] for e in data["files"]} == {
        "epub": "application/epub+zip", "pdf": "application/pdf", "print-pdf": "application/pdf",
        "booklet-pdf": "application/pdf", "print-cover": "application/pdf", "cover": "image/jpeg",
        "thumbnail": "image/jpeg"}


def test_the_print_pdf_is_for_the_press_and_the_pdf_for_screens(shelf):
    root, *_ = shelf
    folder = release(root, "alder-and-ash", "1.0")
    printed = PdfReader(folder / "alder-and-ash-1.0-print.pdf")
    (intent,) = [i.get_object() for i in printed.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"  # PDF/X for the press profile
    assert printed.pages[0].bleedbox != printed.pages[0].trimbox  # with bleed
    screen = PdfReader(folder / "alder-and-ash-1.0.pdf")
    assert "/OutputIntents" not in screen.trailer["/Root"]
    assert screen.pages[0].bleedbox == screen.pages[0].trimbox
    # The press's cover of a saddle-stitched pamphlet: a plus cover, outside and inside,
    # each sheet two A5 pages wide, PDF/X with the interior's output intent.
    cover = PdfReader(folder / "alder-and-ash-1.0-print-cover.pdf")
    assert len(cover.pages) == 2
    assert [round(float(v) * 25.4 / 72, 2) for v in cover.pages[0].trimbox[2:]] == [296.0, 210.0]
    (cover_intent,) = [i.get_object() for i in cover.trailer["/Root"]["/OutputIntents"]]
    assert (cover_intent["/DestOutputProfile"].get_object().get_data()
            == intent["/DestOutputProfile"].get_object().get_data())


def test_a_new_version_leaves_every_earlier_release_as_it_was(shelf):
    root, _, before, output = shelf
    after = snapshot(root / "publish")
    assert {name: data for name, data in after.items() if name in before} == before
    assert sorted(set(after) - set(before)) == sorted(
        f"birch/1.1/{p.name}" for p in release(root, "birch", "1.1").iterdir())
    assert output.count("already published, the same files: nothing to do") == 2


def test_publishing_changed_text_under_the_same_version_is_refused(shelf, tmp_path):
    root, variables, *_ = shelf
    published = snapshot(root / "publish")
    front, body = BOOKS["alder.md"]
    changed = write_book(tmp_path, "alder.md", front, body + "\nA new line.\n")
    shutil.copytree(root / "manuscript" / "images", tmp_path / "images")
    result = make("publish", **{**variables, "MANUSCRIPT": changed})
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert f"{changed}:" in errors[0]
    assert "version 1.0 is already published" in errors[0]
    assert "set a new 'version:' in the front matter (e.g. 1.1)" in errors[0]
    assert snapshot(root / "publish") == published


def test_the_same_book_built_afresh_elsewhere_is_the_same_release(shelf, tmp_path):
    """Another checkout, another build folder: the same bytes, so nothing to publish."""
    root, variables, *_ = shelf
    published = snapshot(root / "publish")
    shutil.copytree(root / "manuscript", tmp_path / "elsewhere")
    result = make("publish", **{**variables, "MANUSCRIPT": tmp_path / "elsewhere" / "alder.md",
                                "BUILD": tmp_path / "fresh-build"})
    assert result.returncode == 0, result.stderr
    assert "alder-and-ash/1.0: already published, the same files: nothing to do" in result.stdout
    assert snapshot(root / "publish") == published


def test_a_damaged_release_is_reported_not_taken_as_the_same(shelf, tmp_path):
    root, variables, *_ = shelf
    copy = tmp_path / "publish"
    shutil.copytree(root / "publish", copy)
    (copy / "birch" / "1.1" / "birch-1.1.pdf").write_bytes(b"%PDF-1.7 truncated")
    result = make("publish", **{**variables, "MANUSCRIPT": root / "manuscript" / "birch.md",
                                "PUBLISH": copy})
    assert result.returncode != 0
    assert "birch-1.1.pdf is missing or damaged" in result.stderr


def test_a_retitled_book_keeps_its_slug(shelf, tmp_path):
    root, variables, *_ = shelf
    front, body = BOOKS["birch.md"]
    retitled = write_book(tmp_path, "birch.md", front.replace("title: Birch", "title: The Birch Tree")
                          + "\nidentifier: " + record(root, "birch", "1.0")["identifier"]
                          + "\nversion: 2", body)
    result = make("publish", **{**variables, "MANUSCRIPT": retitled})
    assert result.returncode != 0
    assert "add 'slug: birch' to the front matter" in result.stderr


def test_a_book_failing_the_strict_checks_is_not_published(shelf, tmp_path):
    root, variables, *_ = shelf
    published = snapshot(root / "publish")
    front, body = BOOKS["birch.md"]
    # A picture too coarse for print is a preflight warning: strict, that fails.
    failing = write_book(tmp_path, "rowan.md", front.replace("Birch", "Rowan"),
                         body + "\n![Rowan berries](images/berries.jpg)\n")
    draw_image(tmp_path / "images" / "berries.jpg", size=(400, 260))
    result = make("publish", **{**variables, "MANUSCRIPT": failing})
    assert result.returncode != 0
    assert re.search(r"rowan\.md:\d+:1: warning: images/berries\.jpg on page \d+: .* \[PRINT-010\]",
                     result.stderr), result.stderr
    assert "not published: the checks above found problems" in result.stderr
    assert snapshot(root / "publish") == published
    assert not any(p.name.startswith(".") for p in (root / "publish").rglob("*"))  # no staging left


def test_a_release_needs_a_date(shelf, tmp_path):
    root, variables, *_ = shelf
    front, body = BOOKS["birch.md"]
    dateless = write_book(tmp_path, "undated.md", front.replace("date: 2026-10-02\n", ""), body)
    result = make("publish", **{**variables, "MANUSCRIPT": dateless})
    assert result.returncode != 0
    assert f"{dateless}:1: error: a release needs a date" in result.stderr


def test_another_book_cannot_take_a_published_slug(shelf, tmp_path):
    root, variables, *_ = shelf
    front, body = BOOKS["birch.md"]
    other = write_book(tmp_path, "birch.md", front + "\nidentifier: urn:uuid:0b5d6b8e-3f0e-4b64-9d2a-"
                       "2f7c1f0d8a11", body)
    result = make("publish", **{**variables, "MANUSCRIPT": other})
    assert result.returncode != 0
    assert "holds another book" in result.stderr and "'slug:'" in result.stderr


# --- The OPDS feeds ---------------------------------------------------------------

def test_the_feeds_follow_the_opds_and_atom_rules(shelf):
    root, *_ = shelf
    publish = root / "publish"
    for feed in [publish / "opds.xml", *publish.glob("*/opds.xml")]:
        assert feed_problems(feed, root=publish) == [], feed


def test_the_root_feed_offers_the_newest_version_of_each_title(shelf):
    root, *_ = shelf
    feed = etree.parse(str(root / "publish" / "opds.xml"))
    entries = {e.findtext(f"{ATOM}title"): e for e in feed.iter(f"{ATOM}entry")}
    assert sorted(entries) == ["Alder and Ash", "Birch", "Le Chêne"]
    epubs = [link.get("href") for link in entries["Birch"].iter(f"{ATOM}link")
             if link.get("type") == "application/epub+zip"]
    assert epubs == ["birch/1.1/birch-1.1.epub"]
    assert entries["Le Chêne"].findtext("{http://purl.org/dc/terms/}language") == "fr"
    assert entries["Birch"].findtext(f"{ATOM}summary") == "The white tree."
    assert [a.findtext(f"{ATOM}name") for a in entries["Birch"].iter(f"{ATOM}author")] == [
        "Ben Specimen", "Cy Sample"]


def test_a_title_feed_lists_every_version_newest_first(shelf):
    root, *_ = shelf
    feed = etree.parse(str(root / "publish" / "birch" / "opds.xml"))
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")
             if link.get("type") == "application/epub+zip"]
    assert hrefs == ["../birch/1.1/birch-1.1.epub", "../birch/1.0/birch-1.0.epub"]


def test_the_catalogue_is_made_again_from_the_release_records_alone(shelf, tmp_path):
    root, *_ = shelf
    copy = tmp_path / "copy"
    shutil.copytree(root / "publish", copy)
    made = {p.relative_to(copy): p.read_bytes() for p in [copy / "index.html", *copy.rglob("opds.xml")]}
    for path in made:
        (copy / path).unlink()
    command = [str(ROOT / ".venv" / "bin" / "pamphleteer"), "catalogue", str(copy),
               "--title", "Shelf Test Press"]
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert {path: (copy / path).read_bytes() for path in made} == made


# --- The web page -----------------------------------------------------------------

@pytest.fixture(scope="module")
def page(shelf, tmp_path_factory):
    root, *_ = shelf
    shots = tmp_path_factory.mktemp("screenshots")
    return root / "publish", inspect_page(root / "publish" / "index.html", shots)


def test_the_catalogue_page_passes_axe(page):
    _, found = page
    assert found["violations"] == []


def test_the_catalogue_page_fits_a_phone(page):
    _, found = page
    assert found["horizontalScroll"] == {"phone": False, "desktop": False}
    with Image.open(found["screenshots"][0]) as phone:
        assert phone.width == 750  # 375 CSS pixels at twice the density


def test_every_link_of_the_catalogue_page_is_a_file(page):
    publish, found = page
    assert found["failed"] == []
    files = [Path(unquote(urlparse(url).path)) for url in found["links"]]
    assert all(path.is_file() and publish in path.parents for path in files), files
    names = {path.relative_to(publish).as_posix() for path in files}
    assert {"birch/1.1/birch-1.1.epub", "birch/1.0/birch-1.0.epub", "birch/1.0/birch-1.0-booklet.pdf",
            "le-chene/1.9/le-chene-1.9-print.pdf", "opds.xml", "birch/opds.xml"} <= names


def test_the_catalogue_page_shows_each_title_in_its_language(page):
    publish, _ = page
    html = etree.parse(str(publish / "index.html"), etree.HTMLParser())
    headings = {h.text: h.getparent().get("lang") for h in html.iter("h2")}
    assert headings == {"Birch": "en", "Le Chêne": "fr", "Alder and Ash": "en"}
    assert "Français" in etree.tostring(html, encoding="unicode")


# --- Versions ---------------------------------------------------------------------

def test_versions_sort_as_numbers():
    versions = ["1.10", "1.9", "2", "1.0", "1.0.1", "2026-11", "2026-11.1", "1"]
    assert sorted(versions, key=version_key) == [
        "1", "1.0", "1.0.1", "1.9", "1.10", "2", "2026-11", "2026-11.1"]


def test_a_pre_release_comes_before_its_release():
    """The catalogue lists a title's newest version first: 1.0 above 1.0-rc1."""
    order = ["0.9", "1.0.dev1", "1.0a", "1.0a2", "1.0b", "1.0-beta2", "1.0rc1", "1.0-rc2", "1.0",
             "1.0+lulu", "1.0-post1", "1.0.1", "1.1", "1.10", "2026-11"]
    assert sorted(reversed(order), key=version_key) == order
    assert version_key("1.0-RC1") == version_key("1.0rc1")


@pytest.mark.parametrize(("version", "after"), [("1.0", "1.1"), ("1.9", "1.10"), ("2", "3"),
                                                ("2026-11", "2026-11.1"), ("1.0-rc1", "1.0-rc2"),
                                                ("1.0b", "1.0b.1")])
def test_a_refusal_suggests_the_next_version(version, after):
    assert next_version(version) == after
    assert version_key(after) > version_key(version)
