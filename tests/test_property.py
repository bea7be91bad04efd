"""Whatever an author writes, the build ends in a valid book or a clear error:
never a traceback, never a hang. Hypothesis writes the manuscripts."""

import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.pipeline import build
from pamphleteer.problems import PamphleteerError

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
SEEN = {"books": 0}


@settings(max_examples=30, deadline=60_000, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=manuscripts)
def test_any_manuscript_gives_a_book_or_a_clear_error(tmp_path_factory, body):
    folder = tmp_path_factory.mktemp("random")
    draw_image(folder / "pic.png", size=(300, 200))
    path = write_manuscript(folder, body + "\n", "title: Random\ndate: 2026-01-01")
    try:
        outputs = build(path, folder / "out").outputs
    except PamphleteerError as error:
        for problem in error.problems:
            assert str(problem).startswith(f"{path}"), str(problem)
            assert "\n" not in str(problem)  # one line each
        assert not (folder / "out").exists() or not any((folder / "out").glob("*.epub"))
        return
    with zipfile.ZipFile(outputs["epub"]) as epub:
        assert epub.testzip() is None
    assert outputs["pdf"].read_bytes().startswith(b"%PDF-")
    SEEN["books"] += 1
    if SEEN["books"] % 5 == 1:  # EPUBCheck on a sample: a few seconds each
        report = check_epub(outputs["epub"])
        assert report.summary.endswith("0 errors, 0 warnings"), [str(f) for f in report.findings]
