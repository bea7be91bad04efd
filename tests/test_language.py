"""A book's language sets its typography: its quotation marks, French spacing, the
colophon's date and wording, and the EPUB's accessibility summary."""

import shutil
from types import SimpleNamespace

import pdfplumber
import pytest
from lxml import html

from pamphleteer.check.epubcheck import check_epub
from pamphleteer.pipeline import build
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.paths import DEFAULT_STYLES
from pamphleteer.support.styles import Styles
from run_once import made_once

from support import NS, XML_LANG, Epub, draw_image, page_texts, write_manuscript

NNBSP = "\u202f"  # the narrow no-break space French sets inside « » and before ; : ! ?

# He said "it's '*fine*'": the double quotes, the single ones inside, the apostrophe; the
# closing quotes after emphasis, where smarty took the double one for an opening one.
QUOTED = {
    "en": "“it’s ‘fine’”",
    "de": "„it’s ‚fine‘“",
    "fr": f"«{NNBSP}it’s “fine”{NNBSP}»",
    "es": "«it’s “fine”»",
    "it": "«it’s “fine”»",
    "nl": "“it’s ‘fine’”",
    "pl": "„it’s «fine»”",
    "sv": "”it’s ’fine’”",
    "da": "»it’s ›fine‹«",
    "nb": "«it’s ‘fine’»",
    "fi": "”it’s ’fine’”",
    "pt": "«it’s “fine”»",
    "cs": "„it’s ‚fine‘“",
}


def paragraph_texts(epub: Epub, href: str) -> list[str]:
    return ["".join(p.itertext()) for p in epub.xhtml(href).xpath("//x:p", namespaces=NS)]


def opf_meta(epub: Epub, prop: str):
    return epub.opf.xpath(f"//opf:meta[@property='{prop}']", namespaces=NS)


@pytest.mark.parametrize("lang", QUOTED)
def test_quotes_are_the_languages_in_the_epub_and_the_pdf(tmp_path, lang):
    path = write_manuscript(tmp_path, "He said \"it's '*fine*'\".\n", f"title: Quotes\nlang: {lang}")
    result = build(path, tmp_path / "out")
    assert f"He said {QUOTED[lang]}." in paragraph_texts(Epub(result.outputs["epub"]), "section-00.xhtml")
    assert f"He said {QUOTED[lang]}." in page_texts(result.outputs["pdf"])[2]


@pytest.fixture(scope="module")
@made_once
def german(tmp_path_factory):
    folder = tmp_path_factory.mktemp("de")
    draw_image(folder / "kater.png", size=(600, 400))
    body = ("## Erstes Kapitel\n\n"
            "\"Wer hat den Schlüssel?\", fragte die Kassiererin. Sie sagte: \"Er sagte 'nein' "
            "und ging.\" Das war's, in den '80ern.[^1]\n\n"
            "Im Code bleibt `\"so\"` stehen.\n\n"
            "![Ein \"schwarzer\" Kater](kater.png \"Der 'Kater' im Hof. / Foto: wir\")\n\n"
            "[^1]: Eine \"Anmerkung\".\n")
    front = ("title: Der \"schwarze\" Kater\nauthor: Anna Autorin\n"
             "publisher: Verlag Zum Schwarzen Kater\ndate: 2026-11-23\nlang: de")
    return built(write_manuscript(folder, body, front))


@pytest.fixture(scope="module")
@made_once
def french(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fr")
    body = ("## Premier chapitre\n\n"
            "\"Qui a la clé ?\" demanda la trésorière. Elle dit: \"Je ne sais pas; il est parti!\" "
            "C'était à 10:30.\n\n"
            "Voir <https://example.org/page?x=1> et `a: b` ; vraiment?\n\n"
            "« Déjà typé » et «serré».\n")
    front = "title: Le \"chat\" noir\npublisher: Éditions du Chat\ndate: 2026-11-23\nlang: fr"
    return built(write_manuscript(folder, body, front))


def built(path):
    result = build(path, path.parent / "out")
    return SimpleNamespace(book=result.book, epub=result.outputs["epub"], pdf=result.outputs["pdf"])


def test_german_quotes_everywhere_the_text_goes(german):
    epub = Epub(german.epub)
    text = paragraph_texts(epub, "section-01.xhtml")
    assert text[0].startswith("„Wer hat den Schlüssel?“, fragte die Kassiererin. "
                              "Sie sagte: „Er sagte ‚nein‘ und ging.“ Das war’s, in den ’80ern.")
    assert "Im Code bleibt \"so\" stehen." in text  # code keeps what was typed
    assert any("Eine „Anmerkung“." in t for t in text)  # the note
    figure = epub.xhtml("section-01.xhtml").xpath("//x:figure", namespaces=NS)[0]
    assert figure.xpath("string(.//x:img/@alt)", namespaces=NS) == "Ein „schwarzer“ Kater"
    assert "Der ‚Kater‘ im Hof." in "".join(figure.xpath(".//x:figcaption", namespaces=NS)[0].itertext())
    assert epub.dc("title") == ["Der „schwarze“ Kater"]
    pdf = page_texts(german.pdf)
    assert pdf[0].startswith("Der „schwarze“ Kater")
    assert "„Wer hat den Schlüssel?“, fragte die Kassiererin." in pdf[2]
    assert "Eine „Anmerkung“." in pdf[2]


def test_french_guillemets_and_narrow_no_break_spaces(french):
    expected = [
        f"«{NNBSP}Qui a la clé{NNBSP}?{NNBSP}» demanda la trésorière. Elle dit{NNBSP}: "
        f"«{NNBSP}Je ne sais pas{NNBSP}; il est parti{NNBSP}!{NNBSP}» C’était à 10:30.",
        # the address and the code keep their characters
        f"Voir https://example.org/page?x=1 et a: b{NNBSP}; vraiment{NNBSP}?",
        # guillemets the author typed get the same spaces
        f"«{NNBSP}Déjà typé{NNBSP}» et «{NNBSP}serré{NNBSP}».",
    ]
    assert paragraph_texts(Epub(french.epub), "section-01.xhtml") == expected
    # Print ties a paragraph's short last word to the one before with a no-break space.
    pdf = " ".join(page_texts(french.pdf)[2].split("\n")).replace("\u00a0", " ")
    for paragraph in expected:
        assert paragraph in pdf
    assert page_texts(french.pdf)[0].startswith(f"Le «{NNBSP}chat{NNBSP}» noir")


def test_an_opening_guillemet_and_its_space_hang_in_the_margin(french):
    with pdfplumber.open(french.pdf) as document:
        page = document.pages[2]
        heading_left = min(c["x0"] for c in page.chars if c["text"] == "P")
        quote = next(c for c in page.chars if c["text"] == "«")
        letter = page.chars[page.chars.index(quote) + 2]  # after the narrow space: "Qu", a ligature
    assert letter["text"].startswith("Q")
    assert quote["x0"] < heading_left - 1 and letter["x0"] == pytest.approx(heading_left, abs=1.5)


def test_the_colophon_dates_the_book_in_its_language(german, french):
    assert "Erschienen bei Verlag Zum Schwarzen Kater, 23. November 2026." in \
        paragraph_texts(Epub(german.epub), "colophon.xhtml")
    assert "Publié par Éditions du Chat, 23 novembre 2026." in page_texts(french.pdf)[-1]


def test_the_publishers_name_is_not_preceded_by_its_own_word(german, tmp_path):
    """'Verlag Verlag Zum Schwarzen Kater' never: not with our words, nor with a press's own
    labels.yaml whose German word is 'Verlag'."""
    for text in (paragraph_texts(Epub(german.epub), "colophon.xhtml"), page_texts(german.pdf)[-1:]):
        assert not any("Verlag Verlag" in t for t in text)
    styles = tmp_path / "styles"
    shutil.copytree(DEFAULT_STYLES, styles)
    labels = styles / "labels.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").replace(
        "published_by: Erschienen bei", "published_by: Verlag"), encoding="utf-8")
    path = german.book.source
    result = build(path, tmp_path / "out", styles=Styles.for_manuscript(path, styles))
    assert "Verlag Zum Schwarzen Kater, 23. November 2026." in \
        paragraph_texts(Epub(result.outputs["epub"]), "colophon.xhtml")
    assert "Verlag Zum Schwarzen Kater, 23. November 2026." in page_texts(result.outputs["pdf"])[-1]


def test_the_accessibility_summary_is_in_the_books_language(german):
    epub = Epub(german.epub)
    (summary,) = opf_meta(epub, "schema:accessibilitySummary")
    assert summary.text.startswith("Diese Publikation hat ein Inhaltsverzeichnis und Überschriften")
    assert "Die Abbildung hat eine Textbeschreibung." in summary.text
    assert summary.get(XML_LANG) is None and epub.opf.get(XML_LANG) == "de"  # German, as the package


def test_a_summary_without_words_in_the_books_language_says_it_is_english(tmp_path):
    path = write_manuscript(tmp_path, "Tekst.\n", "title: Książka\nlang: pl")
    epub = Epub(build(path, tmp_path / "out", ("epub",)).outputs["epub"])
    (summary,) = opf_meta(epub, "schema:accessibilitySummary")
    assert summary.text.startswith("This publication has a table of contents.")
    assert summary.get(XML_LANG) == "en" and epub.opf.get(XML_LANG) == "pl"
    report = check_epub(epub.path)
    assert report.summary.endswith("0 errors, 0 warnings"), [str(f) for f in report.findings]


@pytest.mark.parametrize(("body", "lang", "expected"), [
    # the apostrophe stays ’; a closing single quote is the language's
    ("'Don't,' she said, 'the workers' fund.'", "de", "‚Don’t,‘ she said, ‚the workers’ fund.‘"),
    ("Er sagte 'ja' und ging in Hans' Haus, in den '80ern.", "de",
     "Er sagte ‚ja‘ und ging in Hans’ Haus, in den ’80ern."),
    ("'*Gut*' und \"*schön*\"", "de", "‚Gut‘ und „schön“"),
    # smarty took the first quote for a closing one
    ("\"...und dann\" sagte sie", "de", "„…und dann“ sagte sie"),
    ("\" Bonjour \" dit-il", "fr", f"«{NNBSP}Bonjour{NNBSP}» dit-il"),
    ("Note:\u00a0voir 10:30, ISBN 978 et (?) et «\u00a0oui\u00a0»", "fr",
     f"Note{NNBSP}:\u00a0voir 10:30, ISBN 978 et (?) et «{NNBSP}oui{NNBSP}»"),
    ("*Vraiment*? Oui!!", "fr", f"Vraiment{NNBSP}? Oui{NNBSP}!!"),
    # a region's own quotes, else its language's
    ("\"it's '*fine*'\"", "de-CH", "«it’s ‹fine›»"),
    ("\"it's '*fine*'\"", "de-AT", "„it’s ‚fine‘“"),
    ("\"it's '*fine*'\"", "pt-BR", "“it’s ‘fine’”"),
    ("\"it's '*fine*'\"", "pt-PT", "«it’s “fine”»"),
])
def test_quotes_and_spaces_in_hard_places(tmp_path, body, lang, expected):
    book = read_book(write_manuscript(tmp_path, body + "\n", f"title: T\nlang: {lang}"))
    (paragraph,) = [p for p in book.sections[0].parts if isinstance(p, str)]
    assert html.fragment_fromstring(paragraph).text_content() == expected


def test_a_styles_folder_made_before_the_language_tables_still_follows_the_language(tmp_path):
    """A press's own styles/ copied from an older pamphleteer: no typography.yaml, no
    summary sentences in its labels.yaml. The book still gets its language's quotes
    and summary, from pamphleteer's own tables."""
    styles = tmp_path / "styles"
    shutil.copytree(DEFAULT_STYLES, styles)
    (styles / "typography.yaml").unlink()
    labels = styles / "labels.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").split("  accessibility_summary:")[0],
                      encoding="utf-8")  # the English block, without its sentences
    path = write_manuscript(tmp_path, "Sie sagte \"ja\".\n", "title: Alt\nlang: de")
    epub = Epub(build(path, tmp_path / "out", ("epub",), styles=Styles.with_own(styles)).outputs["epub"])
    assert "Sie sagte „ja“." in paragraph_texts(epub, "section-00.xhtml")
    (summary,) = opf_meta(epub, "schema:accessibilitySummary")
    assert summary.text.startswith("Diese Publikation hat ein Inhaltsverzeichnis.")
