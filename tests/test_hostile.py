"""Hostile input: a manuscript can never make the build read anything outside its
folder, and a build that fails or is killed never leaves a broken file."""

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader

from pamphleteer.problems import PamphleteerError
from pamphleteer.read.manuscript import read_book

from support import SAMPLE, write_manuscript

TOKEN = b"PAMPHLETEER-SECRET-7f3a91"


@pytest.fixture
def secret(tmp_path):
    """A folder outside the manuscript's, holding files a stranger must never see:
    a picture and a text file, both carrying TOKEN."""
    folder = tmp_path / "private"
    folder.mkdir()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", TOKEN.decode())
    Image.new("RGB", (40, 40), "red").save(folder / "secret.png", pnginfo=info)
    (folder / "secret.txt").write_bytes(TOKEN + b"\n")
    (folder / "secret.css").write_bytes(b"/* " + TOKEN + b" */ body { color: red }")
    return folder


def build(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "pamphleteer", "build", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def leaked(folder) -> bool:
    """Whether TOKEN is in any file under `folder`, inside zips too."""
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if TOKEN in data:
            return True
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if any(TOKEN in archive.read(name) for name in archive.namelist()):
                    return True
    return False


ATTACKS = {
    "a path up and out": "![x](../private/secret.png)\n",
    "an absolute path": "![x]({secret}/secret.png)\n",
    "a file URL": "![x](file://{secret}/secret.png)\n",
    "a remote image": "![x](http://127.0.0.1:9/secret.png)\n",
    "a device": "![x](/dev/zero)\n",
    "a link to a file": "[read this](../private/secret.txt)\n",
    "raw HTML": '<img src="../private/secret.png" alt="x"/>\n',
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_manuscript_cannot_reach_outside_its_folder(tmp_path, secret, attack):
    folder = tmp_path / "book"
    body = "Text.\n\n" + ATTACKS[attack].format(secret=secret)
    write_manuscript(folder, body, "title: Hostile")
    result = build(str(folder / "test.md"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert "error" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not leaked(tmp_path / "out")


def test_a_symlink_out_of_the_folder_is_refused(tmp_path, secret):
    folder = tmp_path / "book"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "innocent.png").symlink_to(secret / "secret.png")
    write_manuscript(folder, "Text.\n\n![x](images/innocent.png)\n", "title: Hostile")
    result = build(str(folder / "test.md"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "images/innocent.png is outside the manuscript's folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_cover_out_of_the_folder_is_refused(tmp_path, secret):
    folder = tmp_path / "book"
    write_manuscript(folder, "Text.\n", f"title: Hostile\ncover: {secret}/secret.png")
    result = build(str(folder / "test.md"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "cover image refused" in result.stderr


def test_a_stylesheet_cannot_read_outside_either(tmp_path, secret):
    styles = tmp_path / "styles"
    shutil.copytree(SAMPLE.parents[1] / "styles", styles)
    css = styles / "print" / "book.css"
    css.write_text(f'@import url("{(secret / "secret.css").as_uri()}");\n' + css.read_text())
    path = write_manuscript(tmp_path / "book", "Text.\n", "title: Hostile")
    result = build(str(path), "-o", str(tmp_path / "out"), "--pdf", "--styles", str(styles))
    assert result.returncode == 1 and "refused to read" in result.stderr
    assert not (tmp_path / "out").exists() or not leaked(tmp_path / "out")


def test_a_killed_build_leaves_the_previous_files_whole(tmp_path, sample, shared_cache):
    # The previous files are the sample's, built by the session fixture; the run's shared
    # cache holds its pictures, cover and layout, as a build folder's own would, so the
    # edited text alone is laid out afresh.
    folder = tmp_path / "book"
    shutil.copytree(SAMPLE.parent, folder)
    manuscript = folder / SAMPLE.name
    out = tmp_path / "out"
    out.mkdir()
    for made in (sample.epub, sample.pdf, sample.epub.with_name(f"{SAMPLE.stem}-cover.jpg")):
        shutil.copy(made, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    manuscript.write_text(manuscript.read_text() + "\nA new closing paragraph.\n")
    for delay in (0.5, 2.0, 4.0):  # early, during the layout, near the writing
        process = subprocess.Popen([sys.executable, "-m", "pamphleteer", "build", str(manuscript),
                                    "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
        assert b"Traceback" not in stderr
        assert [p.name for p in out.rglob("*.part")] == []
        for name, data in before.items():
            path = out / name
            now = path.read_bytes()
            if now != data:  # a file the build had finished before it was stopped: whole
                assert process.returncode in (0, 143)
                if name.endswith(".epub"):
                    assert zipfile.ZipFile(path).testzip() is None
                elif name.endswith(".pdf"):
                    assert len(PdfReader(path).pages) > 4
    assert os.listdir(out)


def test_a_manuscript_that_is_a_named_pipe_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "book.md")  # reading it would wait for a writer for ever
    result = build(str(tmp_path / "book.md"), "-o", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 1
    assert result.stderr == (f"{tmp_path / 'book.md'}: error: the manuscript is a named pipe, not a file: "
                             "save the text as a .md file and build that [READ-001]\n")


BIG = "Plain words of a long paragraph. " * 32_000  # about a megabyte


@pytest.mark.parametrize(("body", "line", "message"), [
    (">" * 5000 + " Deep.\n", 4, "block quotes nested 5000 deep: at most 10 levels can be read; "
                                 "use fewer '>'"),
    ("".join("  " * level + "- item\n" for level in range(2000)), 2003,
     "a list nested 2000 deep: at most 10 levels can be read; indent this item less"),
    ("Text " + "[" * 50_000 + "\n", 4, "a paragraph of 50,005 characters with 50,000 quotes, brackets"),
    ("Text " + "*" * 50_000 + "\n", 4, "a paragraph of 50,005 characters with 50,000 quotes, brackets"),
    ("Text " + "_" * 50_000 + "\n", 4, "a paragraph of 50,005 characters with 50,000 quotes, brackets"),
    ("*_" * 250_000 + "x" + "_*" * 250_000 + "\n", 4,
     "a paragraph of 1,000,001 characters with 1,000,000 quotes, brackets"),
    ("A paragraph.\n\n" + "Text " + "[" * 200 + BIG + "\n", 6,
     "too many '[' never closed (200 in this paragraph) would take Markdown minutes to read: "
     "close each with ']', or write '\\[' for a bracket"),
    ("A paragraph.\n\n" + "Is a<b? " * 200 + "\n\n" + BIG + "\n", 6,
     "'<' and a letter begin an HTML tag, and too many here have no '>' to end them"),
    ("A line.\n\n" * 30_001, 60_004, "more than 30,000 paragraphs, headings, list items and table rows"),
    ("<div>" * 300 + "x" + "</div>" * 300 + "\n", 4, "elements nested more than 255 deep"),
])
def test_a_text_markdown_would_take_minutes_to_read_is_refused_naming_the_line(tmp_path, body, line,
                                                                                message):
    path = write_manuscript(tmp_path, body, "title: Hostile")
    with pytest.raises(PamphleteerError) as caught:
        read_book(path)
    (problem,) = caught.value.problems
    assert message in problem.message and problem.line == line, str(problem)
