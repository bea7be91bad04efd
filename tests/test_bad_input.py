"""Bad input: one manuscript per problem in tests/bad/, each with the message
expected.yaml says an author must see. Every one is read in-process, through the
reader (where all of them are found); a few go end to end through the command line,
for its exit codes, its one line per problem and the files it leaves."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from pamphleteer.pipeline import build_epub
from pamphleteer.problems import PamphleteerError, collect
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.cache import Cache
from pamphleteer.support.styles import DEFAULTS

from support import NS, ROOT, Epub

BAD = ROOT / "tests" / "bad"
EXPECTED = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
WARNINGS = sorted(name for name, (_, severity, _) in EXPECTED.items() if severity == "warning")


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pamphleteer", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_every_bad_manuscript_has_an_expectation():
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.glob("*.md"))


def problems_reading(name: str, strict: bool) -> tuple[list[str], list[str]]:
    """What reading tests/bad/<name> reports through the problem channel, and the problems
    of the error that stops it (none: it reads), one line each."""
    raised = []
    with collect() as heard:
        try:
            read_book(Path("tests") / "bad" / name, strict=strict)
        except PamphleteerError as error:
            raised = [str(problem) for problem in error.problems]
    return [str(problem) for problem in heard.found], raised


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_author_is_told_where_and_what(name, monkeypatch):
    where, severity, words = EXPECTED[name]
    monkeypatch.chdir(ROOT)  # messages name the file as the author typed it
    prefix = f"tests/bad/{name}:{where}: {severity}: "
    heard, raised = problems_reading(name, strict=True)  # strict: warnings stop the build too
    found = heard + raised
    assert any(line.startswith(prefix) and words in line for line in found), found
    assert all("\n" not in line for line in found)
    assert raised != []
    heard, raised = problems_reading(name, strict=False)
    if severity == "error":
        assert raised != []  # an error stops the build anyway
    else:
        assert raised == [] and any(line.startswith(prefix) for line in heard), heard


@pytest.mark.parametrize("name", [name for name in WARNINGS if name.startswith("raw-")])
def test_raw_html_that_could_run_is_removed_from_the_book(name):
    with collect() as heard:
        book = read_book(BAD / name)
    html = "".join(part for section in book.sections for part in section.parts if isinstance(part, str))
    assert "steal()" not in html and "<script" not in html and "<iframe" not in html and html
    assert heard.warnings  # and the author is told


# ---- end to end: the command line's exit codes, its lines and what it leaves --------

def test_an_error_exits_1_names_file_line_and_column_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run("build", "tests/bad/missing-image.md", "-o", str(out), "--epub")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "tests/bad/missing-image.md:7:1: error: image not found: images/behive.png "
        "(did you mean images/beehive.png?) [READ-073]"]
    assert not out.exists() or not any(out.iterdir())  # nothing written, not even a part


@pytest.mark.parametrize("name", ["raw-script.md", "unknown-key.md"])
def test_a_warning_builds_and_strict_refuses(name, tmp_path):
    where, _, words = EXPECTED[name]
    out = tmp_path / "out"
    result = run("build", f"tests/bad/{name}", "-o", str(out), "--epub")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tests/bad/{name}:{where}: warning: ") and words in line
    with zipfile.ZipFile(out / f"{Path(name).stem}.epub") as epub:
        text = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert "steal()" not in text and "<script" not in text and "<iframe" not in text
    strict = run("build", f"tests/bad/{name}", "-o", str(tmp_path / "strict"), "--epub", "--strict")
    assert strict.returncode == 1 and not (tmp_path / "strict").exists()
    assert [line for line in strict.stderr.splitlines() if line.startswith(f"tests/bad/{name}:")]


def test_a_missing_manuscript_is_named(tmp_path):
    result = run("build", "nowhere/x.md", "-o", str(tmp_path))
    assert result.returncode == 1 and result.stderr.startswith("nowhere/x.md: error: manuscript not found")


def test_an_unreadable_manuscript_is_named(tmp_path):
    (tmp_path / "folder.md").mkdir()  # unreadable as a file, even for root
    result = run("build", str(tmp_path / "folder.md"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "error: cannot read the manuscript: Is a directory" in result.stderr


def test_a_bom_and_crlf_line_endings_are_fine(tmp_path):
    path = tmp_path / "windows.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: From Windows\r\n---\r\nA paragraph.\r\n\r\n"
                     b"## A question\r\n\r\nAn answer.\r\n")
    result = run("build", str(path), "-o", str(tmp_path / "out"), "--epub")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_same_heading_twice_is_fine_and_gets_two_ids(tmp_path):
    path = tmp_path / "twice.md"
    path.write_text("---\ntitle: T\n---\n## Why?\n\nOne.\n\n## Why?\n\nTwo.\n")
    result = run("build", str(path), "-o", str(tmp_path / "out"), "--epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "twice.epub") as epub:
        nav = epub.read("EPUB/nav.xhtml").decode()
    assert "section-01.xhtml#why" in nav and "section-02.xhtml#why-2" in nav


def test_an_image_file_too_large_for_any_page_is_refused_before_it_is_read(tmp_path):
    with (tmp_path / "huge.png").open("wb") as handle:  # sparse: costs no disk
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(60_000_000)
    path = tmp_path / "huge.md"
    path.write_text("---\ntitle: T\n---\nText.\n\n![A huge picture](huge.png)\n")
    result = run("build", str(path), "-o", str(tmp_path / "out"), "--epub")
    assert result.returncode == 1
    assert f"{path}:6:1: error: image huge.png: huge.png is 60 MB, more than 50 MB" in result.stderr


def long_manuscript(folder: Path, notes: int) -> Path:
    """Paragraphs of some 500 characters in parts of fifty, each calling its own note."""
    sentence = "Members paid into a common fund each week and drew on it in sickness. " * 7
    parts = ["---\ntitle: A Long Pamphlet\ndate: 2026-01-01\n---\n"]
    for n in range(notes):
        if n % 50 == 0:
            parts.append(f"## Part {n // 50 + 1}\n")
        parts.append(f"{sentence}Claim {n}.[^n{n}]\n")
    parts += [f"[^n{n}]: Source {n}, page {n % 300 + 1}.\n" for n in range(notes)]
    path = folder / "long.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def footnotes(epub: Path) -> int:
    with zipfile.ZipFile(epub) as archive:
        return sum(archive.read(n).decode().count('epub:type="footnote"')
                   for n in archive.namelist() if n.endswith(".xhtml"))


def test_a_one_megabyte_manuscript_with_two_thousand_notes_is_read_and_made_an_epub(tmp_path):
    # Read and packaged whole. Its print edition (some 540 pages, laid out in minutes)
    # is left to the next test, at half the length.
    path = long_manuscript(tmp_path, 2000)
    assert path.stat().st_size > 1_000_000
    book = read_book(path, strict=True)
    assert len(book.notes) == 2000
    assert footnotes(build_epub(book, tmp_path / "long.epub", DEFAULTS, None, Cache(None))) == 2000


def test_a_hundred_notes_over_twenty_pages_build(tmp_path):
    """The whole command line on a long, note-heavy text: every note in both editions,
    and the EPUB's page list as long as the PDF. (The 2,000 notes above are read and
    packaged in-process; `make bench` times the print edition at book scale, and
    tests/test_typography.py pins where notes go on tiny pages.)"""
    path = long_manuscript(tmp_path, 100)
    result = run("build", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert footnotes(tmp_path / "out" / "long.epub") == 100
    pages = len(PdfReader(tmp_path / "out" / "long.pdf").pages)
    assert pages > 20
    epub = Epub(tmp_path / "out" / "long.epub")
    assert len(epub.nav()[1].xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)) == pages
