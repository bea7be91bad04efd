"""Bad input, end to end through the command line: one manuscript per problem in
tests/bad/, each with the message expected.yaml says an author must see."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from support import ROOT

BAD = ROOT / "tests" / "bad"
EXPECTED = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pamphleteer", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_every_bad_manuscript_has_an_expectation():
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.glob("*.md"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_author_is_told_where_and_what(name, tmp_path):
    where, severity, words = EXPECTED[name]
    out = tmp_path / "out"
    result = run("build", f"tests/bad/{name}", "-o", str(out), "--epub")
    prefix = f"tests/bad/{name}:{where}: {severity}: "
    lines = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert any(words in line for line in lines), result.stderr
    assert "Traceback" not in result.stderr
    if severity == "error":
        assert result.returncode == 1
        assert not out.exists() or not any(out.iterdir())  # nothing written, not even a part
    else:
        assert result.returncode == 0, result.stderr
        with zipfile.ZipFile(out / f"{Path(name).stem}.epub") as epub:
            text = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
        assert "steal()" not in text and "<script" not in text and "<iframe" not in text
        strict = run("build", f"tests/bad/{name}", "-o", str(tmp_path / "strict"), "--epub", "--strict")
        assert strict.returncode == 1 and not (tmp_path / "strict").exists()


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


def test_a_one_megabyte_manuscript_with_two_thousand_notes_builds(tmp_path):
    sentence = "Members paid into a common fund each week and drew on it in sickness. " * 7
    parts = ["---\ntitle: A Long Pamphlet\ndate: 2026-01-01\n---\n"]
    for n in range(2000):
        if n % 50 == 0:
            parts.append(f"## Part {n // 50 + 1}\n")
        parts.append(f"{sentence}Claim {n}.[^n{n}]\n")
    parts += [f"[^n{n}]: Source {n}, page {n % 300 + 1}.\n" for n in range(2000)]
    path = tmp_path / "long.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    result = run("build", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr[-2000:]
    with zipfile.ZipFile(tmp_path / "out" / "long.epub") as epub:
        notes = sum(epub.read(n).decode().count('epub:type="footnote"')
                    for n in epub.namelist() if n.endswith(".xhtml"))
    assert notes == 2000

    assert len(PdfReader(tmp_path / "out" / "long.pdf").pages) > 200
