from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pamphleteer.model import Book
from pamphleteer.pipeline import build
from pamphleteer.problems import Problems, collect

from support import FIXTURES, SAMPLE, draw_image


@dataclass
class Built:
    book: Book
    epub: Path
    pdf: Path


def _build(manuscript: Path, outdir: Path) -> Built:
    result = build(manuscript, outdir)
    return Built(result.book, result.outputs["epub"], result.outputs["pdf"])


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Built:
    """The sample pamphlet in manuscript/, built once for the whole session."""
    return _build(SAMPLE, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def chapters(tmp_path_factory) -> Built:
    """A longer work: `#` chapters with `##` sections, its own cover, an ISBN, two authors."""
    folder = tmp_path_factory.mktemp("chapters")
    shutil.copy(FIXTURES / "chapters.md", folder)
    draw_image(folder / "art" / "cover.jpg", size=(1000, 1600), colour="#8a3b2e")
    draw_image(folder / "images" / "loom.png", size=(1600, 1000), mode="RGBA")
    draw_image(folder / "images" / "field.jpg", size=(1200, 1800), colour="#6b8f4e")
    return _build(folder / "chapters.md", folder / "out")


@pytest.fixture(scope="session")
def minimal(tmp_path_factory) -> Built:
    """Only a title and a few paragraphs: no headings, notes or pictures."""
    folder = tmp_path_factory.mktemp("minimal")
    shutil.copy(FIXTURES / "minimal.md", folder)
    return _build(folder / "minimal.md", folder / "out")


@pytest.fixture(params=["sample", "chapters", "minimal"])
def any_book(request) -> Built:
    return request.getfixturevalue(request.param)


@pytest.fixture
def heard() -> Iterator[Problems]:
    """The warnings the stages report during a test, as the command line would hear them:
    a stage prints nothing itself."""
    with collect() as problems:
        yield problems
