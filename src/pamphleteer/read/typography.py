"""Typographic quotes and dashes, in the book's language.

Python-Markdown's `smarty` turns straight quotes into curly ones, but only into
English ones, and it prints the apostrophe and the closing single quote alike.
So we have it write private markers instead of quotes (`QUOTE_MARKERS`), and
`localize` then puts in the marks of the book's language, from the table in
styles/typography.yaml: „…“ in German, « … » with narrow no-break spaces in
French. The apostrophe stays ’ in every language.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import markdown
import yaml
from lxml import etree, html

from ..support.styles import Styles

# What smarty writes for each straight quote it educates: private-use
# characters, which no manuscript needs (the reader removes any it brings).
LEFT_DOUBLE, RIGHT_DOUBLE, LEFT_SINGLE, RIGHT_SINGLE = "\ue010", "\ue011", "\ue012", "\ue013"
QUOTE_MARKERS = {"left-double-quote": LEFT_DOUBLE, "right-double-quote": RIGHT_DOUBLE,
                 "left-single-quote": LEFT_SINGLE, "right-single-quote": RIGHT_SINGLE}
SMARTY_CONFIG = {"smarty": {"substitutions": QUOTE_MARKERS}}
APOSTROPHE = "’"
NARROW_NO_BREAK_SPACE = "\u202f"
SPACES = " \t\n\u00a0\u202f\u2009"
# Text that keeps its characters whatever the language: code, and what is typed on a keyboard.
VERBATIM = {"code", "pre", "kbd", "samp", "var"}
# Elements whose text is one run for pairing quotes: a quote opened in one paragraph
# never closes in the next (an English quote that runs on reopens each paragraph).
BLOCKS = {"div", "p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
          "figcaption", "caption", "section", "aside", "ol", "ul", "dl", "table", "thead", "tbody",
          "tr"} | VERBATIM
WEB_ADDRESS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Conventions:
    """How a language prints quotes: each mark exactly as printed, spaces included."""

    double: tuple[str, str] = ("“", "”")
    single: tuple[str, str] = ("‘", "’")
    spaced: str = ""  # punctuation that takes a narrow no-break space before it (French ; : ! ?)

    @functools.cached_property
    def spaced_marks(self) -> dict[str, str]:
        """Marks printed with a space inside (French « and »), typed by the author
        themselves: each gets the same space as the marks made from straight quotes."""
        return {mark.strip(SPACES): mark for mark in (*self.double, *self.single)
                if mark != mark.strip(SPACES)}

    @functools.cached_property
    def special(self) -> re.Pattern:
        """The characters `localize` looks at; the rest of the text is copied as it is."""
        return re.compile(f"[{re.escape(''.join(QUOTE_MARKERS.values()) + ''.join(self.spaced_marks))}"
                          f"{re.escape(self.spaced)}]")


ENGLISH = Conventions()


def conventions(lang: str, styles: Styles) -> Conventions:
    """The quotes of language `lang` from styles/typography.yaml: its full tag (de-CH),
    else its primary language (de), else English."""
    table = _conventions_table(styles)
    tag = lang.lower()
    entry = table.get(tag) or table.get(tag.split("-")[0]) or table.get("en") or {}
    return Conventions(double=tuple(entry.get("double", ENGLISH.double)),
                       single=tuple(entry.get("single", ENGLISH.single)),
                       spaced=entry.get("spaced", ""))


@functools.cache
def _conventions_table(styles: Styles) -> dict:
    path = styles.find("typography.yaml")  # a styles folder made before there was one: ours
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(tag).lower(): entry for tag, entry in table.items()}


@functools.cache
def smarty() -> markdown.Markdown:
    """One converter for all the short texts: making one costs more than converting a caption."""
    return markdown.Markdown(extensions=["smarty"], extension_configs=SMARTY_CONFIG,
                             output_format="xhtml")


@functools.lru_cache(maxsize=4096)  # a preview reads the same captions at every save
def convert_short(text: str, conv: Conventions = ENGLISH) -> str:
    """A short text (a title, a caption) through Markdown with the language's quotes."""
    converted = smarty().reset().convert(without_markers(text))
    root = html.fragment_fromstring(converted, create_parent="div")
    localize(root, conv)
    return "".join([_escape(root.text or "")]
                   + [etree.tostring(child, encoding="unicode", method="xml") for child in root])


def smarten(text: str, conv: Conventions = ENGLISH) -> str:
    """Plain text in, plain text out, with the language's quotes, ’ and – —."""
    converted = convert_short(_protect(text), conv)
    return "".join(html.fragment_fromstring(converted, create_parent="div").itertext()).strip()


def without_markers(text: str) -> str:
    """The text less any character we use as a quote marker."""
    return re.sub(f"[{''.join(QUOTE_MARKERS.values())}]", "", text)


def _protect(text: str) -> str:
    # Markdown would read these as formatting; in a title they are just characters.
    for char in "\\`*_[]>#":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the language's marks -----------------------------------------------------------

def localize(root, conv: Conventions) -> None:
    """Replace smarty's markers in the tree under `root` by the language's quotes, and
    space the punctuation the language spaces. Code is left as typed."""
    for element in root.iter():
        if isinstance(element.tag, str) and (element is root or element.tag in BLOCKS) \
                and element.tag not in VERBATIM:
            slots = list(_slots(element))
            texts = [(getattr(el, attr) or "") if attr else OBJECT for el, attr in slots]
            for (el, attr), old, new in zip(slots, texts, _localize_run(texts, conv), strict=True):
                if attr and new != old:
                    setattr(el, attr, new)


# What stands in a run for code or a block inside it: something, not a space.
OBJECT = "\ufffc"


def _slots(block):
    """(element, "text" or "tail") for each piece of the block's own text, in reading
    order; (element, None) for a block inside it (a run of its own) or code."""
    yield block, "text"
    for child in block:
        if isinstance(child.tag, str) and child.tag not in BLOCKS:
            yield from _slots(child)
        elif isinstance(child.tag, str):
            yield child, None
        yield child, "tail"


def _localize_run(texts: list[str], conv: Conventions) -> list[str]:
    """The pieces of one block's text with quotes and spaces in place, piece by piece
    (a quote may open in one piece and close in another: "*Emphasis*")."""
    joined = "".join(texts)
    if not conv.special.search(joined):
        return texts
    run = _Run(joined, conv, [[] for _ in texts])
    position = 0
    for number, text in enumerate(texts):
        plain_from = 0
        for match in conv.special.finditer(text):
            run.plain(text[plain_from:match.start()], number)
            run.take(match[0], position + match.start(), number)
            plain_from = match.end()
        run.plain(text[plain_from:], number)
        position += len(text)
    return ["".join(pieces) for pieces in run.out]


@dataclass
class _Run:
    text: str
    conv: Conventions
    out: list[list[str]]
    double_open: bool = False
    single_open: bool = False
    skip_spaces: bool = False

    def __post_init__(self):
        self.addresses = [range(*m.span()) for m in WEB_ADDRESS.finditer(self.text)]
        # where single quotes open, or may close (not inside a word), in order
        self.single_quotes = [m.start() for m in re.finditer(
            f"{LEFT_SINGLE}|{RIGHT_SINGLE}(?![^\\W_])", self.text)]

    def plain(self, text: str, piece: int) -> None:
        """Text with nothing to change, but the spaces a spaced mark replaces."""
        if self.skip_spaces:
            text = text.lstrip(SPACES)
        if text:
            self.out[piece].append(text)
            self.skip_spaces = False

    def take(self, char: str, at: int, piece: int) -> None:
        """A quote marker, a mark typed by the author, or punctuation to space."""
        before = self.text[at - 1] if at else ""
        after = self.text[at + 1] if at + 1 < len(self.text) else ""
        self.skip_spaces = False
        if char in (LEFT_DOUBLE, RIGHT_DOUBLE):
            closing = (self.double_open and not after.isalnum() if char == LEFT_DOUBLE
                       else self.double_open or not _starts_a_word(before))
            self.double_open = not closing
            self._mark(self.conv.double[closing], piece)
        elif char == LEFT_SINGLE and after.isalnum() and not self._single_closes_after(at):
            self.out[piece].append(APOSTROPHE)  # a quote that never closes: ’Tis, in den ’80ern
        elif char == LEFT_SINGLE:
            closing = self.single_open and not after.isalnum()
            self.single_open = not closing
            self._mark(self.conv.single[closing], piece)
        elif char == RIGHT_SINGLE:
            # smarty writes the apostrophe and the closing quote alike: it closes only
            # a quote that is open, never inside a word (‚don’t‘), and not after a word
            # when the quote surely closes further on, after punctuation (‚Hans’ Buch.‘).
            closing = self.single_open and not after.isalnum() and not (
                before.isalnum() and self._single_closes_after(at, surely=True))
            self.single_open = self.single_open and not closing
            self._mark(self.conv.single[1] if closing else APOSTROPHE, piece)
        elif char in self.conv.spaced_marks:
            self._mark(self.conv.spaced_marks[char], piece)
        elif char in self.conv.spaced and not any(at in span for span in self.addresses):
            self._spaced_punctuation(char, after, piece)
        else:
            self.out[piece].append(char)

    def _single_closes_after(self, at: int, surely: bool = False) -> bool:
        """Whether a closing single quote follows `at` before another opens; `surely`:
        one after punctuation, not one after a word, which may be an apostrophe (students’)."""
        following = bisect.bisect_right(self.single_quotes, at)
        if following == len(self.single_quotes):
            return False
        index = self.single_quotes[following]
        return self.text[index] == RIGHT_SINGLE and not (surely and self.text[index - 1].isalnum())

    def _mark(self, mark: str, piece: int) -> None:
        if mark[:1] in SPACES:  # the language's own space replaces the one typed
            self._drop_trailing_spaces()
        self.out[piece].append(mark)
        self.skip_spaces = mark[-1:] in SPACES

    def _spaced_punctuation(self, char: str, after: str, piece: int) -> None:
        """French: a narrow no-break space before ; : ! ?, in place of any space typed,
        or added after a word; never inside 10:30 or a web address (kept out above)."""
        last = self._last_char()
        if last and last in SPACES:
            self._drop_trailing_spaces()
            self.out[piece].append(NARROW_NO_BREAK_SPACE + char)
        elif last and last not in self.conv.spaced and last not in "([{/" and not after.isalnum():
            self.out[piece].append(NARROW_NO_BREAK_SPACE + char)
        else:
            self.out[piece].append(char)

    def _last_char(self) -> str:
        for pieces in reversed(self.out):
            for text in reversed(pieces):
                if text:
                    return text[-1]
        return ""

    def _drop_trailing_spaces(self) -> None:
        for pieces in reversed(self.out):
            while pieces:
                kept = pieces[-1].rstrip(SPACES)
                if kept:
                    pieces[-1] = kept
                    return
                pieces.pop()


def _starts_a_word(before: str) -> bool:
    """Whether a quote after `before` stands where a quotation opens."""
    return before == "" or before in SPACES or before in "([{—–-/" or before in QUOTE_MARKERS.values()
