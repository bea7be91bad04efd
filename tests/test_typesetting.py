"""Page breaks and fonts, read back from the PDF as a reader would see the pages."""

import random
import re
import subprocess
from collections import defaultdict

import pdfplumber
import pytest

from pamphleteer.pipeline import build
from run_once import made_once

from support import write_manuscript

BODY_SIZE = 10.5  # points: the running text (book.css)
ADDED_HYPHEN = "\u2010"  # the hyphen WeasyPrint sets where it hyphenates a word

# Our own German, for the hyphenation that shows breaks at their worst.
GERMAN = (
    "Die Unterstützungsvereine der Handwerksgesellen entstanden in den Städten, lange bevor "
    "der Staat an eine allgemeine Krankenversicherung dachte. Wer krank wurde, erhielt aus der "
    "gemeinsamen Kasse ein wöchentliches Krankengeld, und wer starb, wurde auf Kosten der "
    "Gemeinschaft begraben. Die Mitgliederversammlung trat gewöhnlich am ersten Sonntag des "
    "Monats im Hinterzimmer eines Gasthauses zusammen, prüfte die Rechnungsbücher und nahm neue "
    "Mitglieder auf, sofern zwei Bürgen für ihren Lebenswandel einstanden. Krankenbesucher, die "
    "die Versammlung aus ihrer Mitte wählte, kontrollierten die Kranken und meldeten Verstöße "
    "dem Vorstand. Das Krankenversicherungsgesetz machte die Versicherung zur Pflicht, ließ aber "
    "die freien Hilfskassen als Ersatzkassen bestehen, und die Ortskrankenkassen wurden bald zu "
    "einem Übungsfeld für Gewerkschafter."
).split()


def body_lines(page) -> list[str]:
    """The lines of running text on a page, top to bottom: not the running head, the
    folio or the notes, which are set smaller."""
    lines = defaultdict(list)
    for char in page.chars:
        if abs(char["size"] - BODY_SIZE) < 0.2:
            lines[round(char["top"])].append(char)
    return [" ".join("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])).split())
            for _, chars in sorted(lines.items())]


def pages_of_lines(pdf) -> list[list[str]]:
    with pdfplumber.open(pdf) as document:
        return [body_lines(page) for page in document.pages]


# ---- lists break over a page as paragraphs do ---------------------------------------

@pytest.fixture(scope="module")
@made_once
def lists(tmp_path_factory):
    """Sixty lists of four items, numbered and bulleted, after paragraphs of every
    length: some of them meet the foot of a page. Each item is one line and says which
    it is."""
    chance = random.Random(5)
    words = "the society met every week in the back room of the inn and paid its members".split()
    body = ["## Lists\n"]
    for number in range(1, 61):
        length = chance.randint(5, 120)
        body.append(" ".join(words[i % len(words)] for i in range(length)).capitalize() + ".\n")
        kind = "N" if number % 2 else "B"
        for item in range(1, 5):
            body.append(f"{f'{item}.' if kind == 'N' else '-'} item {kind}{number:02d}x{item} of the list")
        body.append("")
    path = write_manuscript(tmp_path_factory.mktemp("lists"), "\n".join(body), "title: Lists")
    pdf = build(path, path.parent / "out", ("pdf",)).outputs["pdf"]
    items = defaultdict(lambda: defaultdict(list))  # (kind, list) -> page -> its items there
    for page, lines in enumerate(pages_of_lines(pdf), start=1):
        for line in lines:
            for kind, number, item in re.findall(r"([NB])(\d\d)x(\d)", line):
                items[kind, number][page].append(int(item))
    return {key: dict(pages) for key, pages in items.items()}


def split_lists(items) -> dict:
    """(kind, list) -> the items of each list printed over two pages, page by page."""
    split = {key: list(pages.values()) for key, pages in items.items() if len(pages) > 1}
    assert split, "no list meets the foot of a page: the test proves nothing"
    return split


def test_a_lists_first_item_is_not_left_alone_at_the_foot_of_a_page(lists):
    for key, parts in split_lists(lists).items():
        assert parts[0] != [1], f"list {key}: its first item alone at the foot of a page, {parts}"


def test_a_lists_last_item_is_not_left_alone_at_the_top_of_a_page(lists):
    for key, parts in split_lists(lists).items():
        assert parts[-1] != [4], f"list {key}: its last item alone at the top of a page, {parts}"


# ---- hyphens at the page turn and short last lines -------------------------------------

@pytest.fixture(scope="module")
@made_once
def german(tmp_path_factory):
    """Paragraphs of every length from 20 to 90 words, each ending 'der Verweis.'."""
    paragraphs = [" ".join(GERMAN[:length]).rstrip(",.") + ". Für alles Weitere genügt der Verweis.\n"
                  for length in range(20, 91)]
    body = "## Hilfskassen\n\n" + "\n".join(paragraphs)
    path = write_manuscript(tmp_path_factory.mktemp("german"), body, "title: Hilfskassen\nlang: de")
    return pages_of_lines(build(path, path.parent / "out", ("pdf",)).outputs["pdf"])


def test_no_page_ends_in_a_word_hyphenated_over_the_page_turn(german):
    text_pages = [lines for lines in german if lines]
    assert len(text_pages) > 15
    for number, lines in enumerate(text_pages[:-1], start=1):
        assert not lines[-1].endswith(ADDED_HYPHEN), f"page {number} of the text ends in '{lines[-1]}'"
    # Words are still hyphenated, inside the pages.
    assert sum(line.endswith(ADDED_HYPHEN) for lines in german for line in lines) > 20


def test_a_paragraphs_last_line_is_never_its_last_word_alone(german):
    last_lines = [line for lines in german for line in lines if line.endswith("weis.")]
    assert len(last_lines) == 71
    for line in last_lines:
        assert line.endswith("der Verweis."), f"a paragraph ends in the line '{line}'"


# ---- every glyph from the book's fonts ---------------------------------------------

EVERYTHING = """## A chapter with *everything* in it

“Double” and ‘single’ quotes, „German“ and «French» ones; an en dash – an em dash —
an ellipsis… ½ × 3 § 12 © 1911 → Schöne Grüße, Œuvre, façade. A note is called here.[^1]
The `code span` and a [link](https://example.org) go in the same line.

- first level
    - second level
        - third level
            - fourth level

1. one
    1. one, one
        1. one, one, one

> A quotation with `code` in it.

| Year | Members |
| --- | --- |
| 1911 | 6,000 |

***

After the break.

[^1]: A note with `code`.
"""


@pytest.fixture(scope="module")
@made_once
def everything(tmp_path_factory):
    path = write_manuscript(tmp_path_factory.mktemp("glyphs"), EVERYTHING, "title: Every glyph")
    with pdfplumber.open(build(path, path.parent / "out", ("pdf",)).outputs["pdf"]) as pdf:
        return [dict(char, fontname=char["fontname"].split("+")[-1]) for page in pdf.pages
                for char in page.chars]


def test_every_glyph_is_from_the_books_fonts(everything):
    strays = {(char["text"], char["fontname"]) for char in everything
              if not char["fontname"].startswith(("Linux-Libertine-O", "Linux-Libertine-Mono-O"))}
    assert not strays, f"glyphs from other fonts: {sorted(strays)}"
    printed = {char["text"] for char in everything}
    assert {"\u2022", "\u25e6", "\u2023", "\u2042", "\u201e", "\u00ab", "\u2026"} <= printed


def x_height(family: str) -> float:
    """The height of the letter x in a font, as a share of its size."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    file = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                          check=True).stdout
    font = TTFont(file)
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord("x")]].draw(pen)
    return pen.bounds[3] / font["head"].unitsPerEm


def test_code_is_set_in_the_books_monospace_with_the_texts_x_height(everything):
    code = defaultdict(list)  # line -> the code on it
    for char in everything:
        if char["fontname"] == "Linux-Libertine-Mono-O":
            code[round(char["bottom"])].append(char)
    # The code span of the running text; those of the quotation and the note are smaller.
    (span,) = [chars for chars in code.values()
               if "".join(char["text"] for char in chars).replace(" ", "") == "codespan"]
    code_x = span[0]["size"] * x_height("Linux Libertine Mono O")
    text_x = BODY_SIZE * x_height("Linux Libertine O")
    assert code_x == pytest.approx(text_x, rel=0.02)
