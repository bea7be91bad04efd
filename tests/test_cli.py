"""The command line, run as a user runs it: `python -m pamphleteer ...`."""

import os
import shutil
import subprocess
import sys
import zipfile

from pamphleteer.check.ace import find_ace

from support import FIXTURES, write_manuscript


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pamphleteer", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_build_writes_epub_and_pdf_named_after_the_manuscript(tmp_path):
    shutil.copy(FIXTURES / "minimal.md", tmp_path / "thrift.md")
    result = run("build", str(tmp_path / "thrift.md"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".cache", "thrift-cover.jpg", "thrift.epub", "thrift.pdf"]


def test_build_defaults_to_build_folder_and_can_make_one_format(tmp_path):
    shutil.copy(FIXTURES / "minimal.md", tmp_path / "thrift.md")
    result = run("build", "thrift.md", "--epub", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == [
        ".cache", "thrift-cover.jpg", "thrift.epub"]


def test_bad_input_is_one_clear_line_and_no_output(tmp_path):
    path = write_manuscript(tmp_path, "Text with a picture.\n\n![x](images/gone.png)\n")
    result = run("build", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}:6:1: error: image not found: images/gone.png [READ-073]"]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_manuscript(tmp_path):
    result = run("build", "nowhere.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "nowhere.md: error: manuscript not found: check the path [READ-002]"


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "build", "nowhere.md", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_check_reports_epubcheck_and_pdf_findings(minimal):
    result = run("check", str(minimal.epub), str(minimal.pdf))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == f"{minimal.epub}: EPUBCheck 5.3.0: 0 errors, 0 warnings"
    assert any(line.startswith(f"{minimal.pdf}: 4 pages, 148 × 210 mm") for line in lines)
    if find_ace():
        assert lines[1] == f"{minimal.epub}: Ace 1.4.6: 0 violations"


def test_an_ace_that_is_not_there_is_an_error_that_names_it(minimal, tmp_path):
    missing = tmp_path / "no-such-ace"
    result = subprocess.run([sys.executable, "-m", "pamphleteer", "check", str(minimal.epub)],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "ACE": str(missing)})
    assert result.returncode == 1
    assert f"{minimal.epub}: Ace could not run" in result.stdout
    (line,) = [line for line in result.stderr.splitlines() if "[ACE-000]" in line]
    assert line.startswith(f"{minimal.epub}: error: Ace did not finish ({missing}: ")
    assert "name a working ace-puppeteer as ACE" in line


def test_check_fails_on_a_broken_epub_with_coded_findings_in_the_format_of_every_problem(minimal, tmp_path):
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(minimal.epub) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if item.filename != "EPUB/nav.xhtml":
                target.writestr(item, source.read(item))
    result = run("check", str(broken))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{broken}: EPUBCheck 5.3.0: ")
    assert any(line.startswith(f"{broken}: error: EPUB/") and line.endswith("[RSC-001]")
               for line in result.stderr.splitlines()), result.stderr


def test_check_fails_on_a_file_that_is_not_a_pdf(tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    result = run("check", str(fake))
    assert result.returncode == 1 and result.stdout == f"{fake}: unreadable\n"
    assert any(line.startswith(f"{fake}: error: not a readable PDF (") and line.endswith("[PDF-000]")
               for line in result.stderr.splitlines()), result.stderr


def test_booklet_command_and_its_errors(minimal, tmp_path):
    result = run("booklet", str(minimal.pdf), "-o", str(tmp_path / "b.pdf"), "--creep", "0.2mm")
    assert result.returncode == 0 and (tmp_path / "b.pdf").is_file(), result.stderr
    bad = run("booklet", str(minimal.pdf), "--creep", "a lot")
    assert bad.returncode == 1 and "--creep: 'a lot' is not a length" in bad.stderr
    missing = run("booklet", str(tmp_path / "none.pdf"))
    assert missing.returncode == 1 and "cannot read the PDF to impose" in missing.stderr
