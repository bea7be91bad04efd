"""Whatever an author writes, the build ends in a valid book or a clear error:
never a traceback, never a hang. Hypothesis writes the manuscripts: many of them
are read and rendered into an EPUB and the print edition's HTML (the stages where
the author's text is parsed, cleaned and written out); a few go through the whole
build, laid out and printed, and past EPUBCheck."""

import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.pipeline import build, build_epub
from pamphleteer.problems import PamphleteerError
from pamphleteer.read.manuscript import read_book
from pamphleteer.render.print import print_pieces, render_print
from pamphleteer.support.cache import Cache
from pamphleteer.support.styles import DEFAULTS

from support import draw_image, write_manuscript

# Odd Unicode included: combining marks, right-to-left, emoji, control characters.
words = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
plain = st.text("abcdefghij klmnop,.;'\"-–—…", min_size=1, max_size=40)
inline = st.one_of(plain, words, plain.map(lambda t: f"*{t}*"), plain.map(lambda t: f"**{t}**"),
                   st.integers(1, 4).map(lambda n: f"[^n{n}]"), st.just('"quoted"'))
HTML = ["<b>bold</b>", "<div>", "</p>", "<br>", "<br/>", "<script>x()</script>",
        '<span onclick="x()">y</span>', "<iframe src='https://x.org'></iframe>", "&nbsp;", "&bogus;",
        "<!-- note -->", '<a href="javascript:x()">z</a>', "<em>open"]
block = st.one_of(
    st.tuples(st.integers(1, 5), plain).map(lambda h: "#" * h[0] + " " + h[1]),
    st.lists(inline, min_size=1, max_size=6).map(" ".join),
    st.integers(1, 4).map(lambda n: f"[^n{n}]: A source, page {n}."),
    st.sampled_from(["![A drawing](pic.png)", "![](pic.png)", "![Lost](gone.png)", "![x](../outside.png)",
                     "> A quotation.", "- one\n- two", "| a | b |\n|---|---|\n| 1 | 2 |"]),
    st.sampled_from(HTML),
    words,
)
manuscripts = st.lists(block, min_size=1, max_size=12).map("\n\n".join)
SETTINGS = {"deadline": 60_000, "derandomize": True, "print_blob": True,
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


def write(folder, body):
    draw_image(folder / "pic.png", size=(300, 200))
    return write_manuscript(folder, body + "\n", "title: Random\ndate: 2026-01-01")


def assert_clear(error: PamphleteerError, path) -> None:
    for problem in error.problems:
        assert str(problem).startswith(f"{path}"), str(problem)
        assert "\n" not in str(problem)  # one line each


@pytest.fixture(scope="module")
def covers(tmp_path_factory):
    """Every manuscript here has the same title, so the same cover: drawn once."""
    return Cache(tmp_path_factory.mktemp("covers"))


@settings(max_examples=80, **SETTINGS)
@given(body=manuscripts)
def test_any_manuscript_reads_and_renders_or_gives_a_clear_error(tmp_path_factory, covers, body):
    folder = tmp_path_factory.mktemp("random")
    path = write(folder, body)
    try:
        book = read_book(path)
    except PamphleteerError as error:
        assert_clear(error, path)
        return
    for piece in print_pieces(book):
        assert "<body" in render_print(book, DEFAULTS, "2026-01-01T00:00:00Z", piece)
    epub = build_epub(book, folder / "random.epub", DEFAULTS, None, covers)
    with zipfile.ZipFile(epub) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                etree.fromstring(archive.read(name))  # well-formed, or it raises


@settings(max_examples=5, **SETTINGS)
@given(body=manuscripts)
def test_any_manuscript_gives_a_book_or_a_clear_error(tmp_path_factory, body):
    folder = tmp_path_factory.mktemp("random")
    path = write(folder, body)
    try:
        outputs = build(path, folder / "out").outputs
    except PamphleteerError as error:
        assert_clear(error, path)
        assert not (folder / "out").exists() or not any((folder / "out").glob("*.epub"))
        return
    with zipfile.ZipFile(outputs["epub"]) as epub:
        assert epub.testzip() is None
    assert outputs["pdf"].read_bytes().startswith(b"%PDF-")
    report = check_epub(outputs["epub"])
    assert report.summary.endswith("0 errors, 0 warnings"), [str(f) for f in report.findings]
