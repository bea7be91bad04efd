"""`pamphleteer new`: a folder ready to write in, whose `make` and `make check` pass as they are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from pamphleteer.cli import main

from support import Epub


def make(folder: Path, *targets: str) -> subprocess.CompletedProcess:
    """make in the new folder, with the pamphleteer of this checkout first on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["make", "--no-print-directory", *targets], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "PATH": path}, timeout=600)


def test_a_new_folder_builds_and_passes_its_checks_as_it_is(tmp_path, capsys):
    folder = tmp_path / "my-pamphlet"
    assert main(["new", str(folder)]) == 0
    said = capsys.readouterr().out
    assert f"now: cd {folder} && make" in said
    manuscript = folder / "manuscript" / "my-pamphlet.md"
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == {
        "manuscript/my-pamphlet.md", "manuscript/images/hills.png", "Makefile", "README.md", ".gitignore"}
    assert manuscript.read_text(encoding="utf-8").startswith("---\ntitle: My pamphlet\n")
    assert Image.open(folder / "manuscript" / "images" / "hills.png").size == (1600, 1000)

    built = make(folder)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "warning" not in built.stdout + built.stderr  # the example shows no problem to fix
    assert (folder / "build" / "my-pamphlet.pdf").is_file()
    epub = Epub(folder / "build" / "my-pamphlet.epub")
    text = " ".join(" ".join(epub.xhtml(href).itertext()) for href in epub.spine())
    assert "Time makes more converts than reason." in text  # the example's quotation
    checked = make(folder, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Nothing to be done" in make(folder).stdout  # make's targets are real files
    assert "pamphleteer preview manuscript/my-pamphlet.md" in make(folder, "-n", "preview").stdout


def test_it_says_what_to_write_in(tmp_path, capsys):
    """The title, author and language given, and the date of the day."""
    assert main(["new", str(tmp_path / "zine"), "--title", "Le jardin partagé", "--author",
                 "Camille Exemple", "--lang", "fr"]) == 0
    front = (tmp_path / "zine" / "manuscript" / "zine.md").read_text(encoding="utf-8").split("---")[1]
    assert "title: Le jardin partagé\nauthor: Camille Exemple\n" in front
    assert "lang: fr\n" in front


def test_a_folder_that_holds_files_is_refused_and_left_alone(tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(folder)]) == 1
    said = capsys.readouterr()
    assert said.err.strip().splitlines() == [
        f"{folder}: error: this folder already holds files: name a new folder, as in "
        "pamphleteer new my-pamphlet [NEW-001]"]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # no half-made folder beside it
