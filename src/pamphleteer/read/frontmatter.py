"""Front matter: the YAML block at the top of a manuscript, read into `Metadata`."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import uuid
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from stdnum import ean, isbn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from ..model import CoverOptions, Metadata
from ..problems import Diagnostics
from ..support.images import ImageProblem, inspect_image
from ..support.paths import PathProblem, check_size, not_a_file, resolve_inside
from ..support.slugs import slugify
from ..support.styles import Styles
from ..support.units import parse_trim
from .typography import ENGLISH, Conventions, conventions, smarten

# Each accepted key, and the synonyms authors use for it.
KEYS = {
    "title": "title",
    "subtitle": "subtitle",
    "author": "author",
    "authors": "author",
    "publisher": "publisher",
    "date": "date",
    "lang": "lang",
    "language": "lang",
    "identifier": "identifier",
    "rights": "rights",
    "description": "description",
    "subjects": "subjects",
    "subject": "subjects",
    "cover-image": "cover-image",
    "cover": "cover-image",
    "print": "print",
    "certified-by": "certified-by",
    "epub-fonts": "epub-fonts",
    "version": "version",
    "slug": "slug",
}

# Prose shown to readers gets typographic quotes; names and codes stay as typed.
SMARTENED = {"title", "subtitle", "description", "rights"}
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# A version names a release folder and its files: digits first, then what a URL keeps plain.
VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]{0,39}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE_FORMATS = {  # strptime format -> how much of the date it gives
    "%Y": "%Y",
    "%Y-%m": "%Y-%m",
    "%Y-%m-%d": "%Y-%m-%d",
    "%d %B %Y": "%Y-%m-%d",
    "%B %d, %Y": "%Y-%m-%d",
    "%B %Y": "%Y-%m",
}


def split_front_matter(text: str, diag: Diagnostics | None = None) -> tuple[str | None, str, int]:
    """Return (yaml text or None, body, number of lines before the body).

    A front matter opened on line 1 but never closed is reported in `diag`. Its block
    then runs into the text, and a `---` further down (a thematic break) would close it
    there, so it is taken to end where the text seems to begin: the rest is still checked.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text, 0
    close = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")),
                 None)
    if close is not None and _reads_as_front_matter("\n".join(lines[1:close])):
        return "\n".join(lines[1:close]), "\n".join(lines[close + 1:]), close + 1
    start = _where_text_begins(lines[:close])
    if close is not None and start is None:  # it is closed; its own problems are reported later
        return "\n".join(lines[1:close]), "\n".join(lines[close + 1:]), close + 1
    if diag is not None:
        where = (f"before line {start + 1}, where the text begins" if start is not None
                 else "after its last line")
        diag.error("READ-010", f"the front matter opened on line 1 is not closed: add a '---' line {where}",
                   line=1)
    if start is None:
        return "\n".join(lines[1:]), "", len(lines)
    return "\n".join(lines[1:start]).rstrip("\n"), "\n".join(lines[start:]), start


# A top-level key: one word and a colon; `Things to bring:` or a sentence is not one.
KEY_LINE = re.compile(r"[A-Za-z_][\w-]*\s*:(\s|$)")
HEADING_LINE = re.compile(r"#{1,6}\s+\S")


def _reads_as_front_matter(yaml_text: str) -> bool:
    """Whether the block is YAML `key: value` lines with only keys we know."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and all(str(key).lower() in KEYS for key in data)


def _where_text_begins(lines: list[str]) -> int | None:
    """The index of the first line of Markdown text inside a front matter block: after a
    blank line, a line at the margin that is neither a key nor a YAML comment (Markdown
    separates paragraphs by blank lines; YAML values go on their key's line or indented
    under it). What comes just before it also belongs to the text: headings (`# ...` reads
    as a YAML comment) and paragraphs that read as unknown keys (`Note: ...`)."""
    for index in range(2, len(lines)):
        line = lines[index]
        if (lines[index - 1].strip() or not line.strip() or line[0].isspace() or line[0] == "#"
                or KEY_LINE.match(line)):
            continue
        while index > 2 and _also_text(lines[index - 1], lines[index - 2]):
            index -= 1
        while not lines[index].strip():
            index += 1
        return index
    return None


def _also_text(line: str, before: str) -> bool:
    if not line.strip() or HEADING_LINE.match(line):
        return True
    key = KEY_LINE.match(line)
    return bool(key and not before.strip() and not _known_or_misspelt(line[:key.end()].strip(" :")))


def _known_or_misspelt(key: str) -> bool:
    return key.lower() in KEYS or bool(difflib.get_close_matches(key.lower(), list(KEYS), n=1))


def read_metadata(yaml_text: str | None, manuscript: Path, diag: Diagnostics,
                  styles: Styles | None = None) -> Metadata | None:
    """Validate the front matter; report every problem in `diag`. `styles` holds the
    quotes of each language (typography.yaml); without it, titles get English ones."""
    if yaml_text is None:
        diag.error("READ-011", "no front matter: start the file with a '---' line, "
                   "'title: ...', and another '---' line", line=1)
        return None
    try:
        node, data = _parse(yaml_text)
    except yaml.YAMLError as exc:
        # YAML notices a problem where it gives up; the cause is often where the list
        # or quote it was reading began (its context), so point there when it says.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 1-based, +1 for the opening '---'
        problem = getattr(exc, "problem", None) or "it is not valid YAML"
        context = getattr(exc, "context", None)
        diag.error("READ-012", f"front matter: {problem}{f' ({context})' if context else ''}; check the YAML "
                   "syntax on this line (unclosed brackets or quotes?)", line=line)
        return None
    data = data or {}
    if not isinstance(data, dict):
        diag.error("READ-013", "front matter must be 'key: value' lines, such as 'title: My pamphlet'",
                   line=2)
        return None
    lines = KeyLines(node)
    fields = _canonical_keys(data, lines, diag)
    if "version" in fields:  # as written: YAML would read 1.10 as the number 1.1
        fields["version"] = _as_written(node, "version", fields["version"])
    return _build_metadata(fields, lines, manuscript, diag, styles)


def _parse(yaml_text: str) -> tuple[yaml.Node | None, object]:
    """The front matter as YAML nodes (which know their lines) and as the values they make,
    parsed once: what `yaml.safe_load` does, keeping the nodes."""
    loader = yaml.SafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


class KeyLines:
    """The manuscript line of each key of the front matter, nested ones too (`isbn:` under
    `print:`), from the marks YAML leaves on its nodes: a quoted key, or one in a
    `{...}` mapping, is found as surely as a plain one. Keys are compared without case."""

    def __init__(self, node: yaml.Node | None):
        self.lines: dict[tuple[str, ...], int] = {}
        self._walk(node, ())

    def _walk(self, node: yaml.Node | None, path: tuple[str, ...]) -> None:
        if not isinstance(node, yaml.MappingNode):
            return
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = (*path, key_node.value.lower())
                # A key written twice: YAML keeps the last value, so its line is the one to name.
                self.lines[key] = key_node.start_mark.line + 2  # 1-based, after the opening '---'
                self._walk(value_node, key)

    def line(self, *path: str) -> int:
        """The line of the key at `path` ("print", "isbn"); where it is not written, the line
        of the nearest key above it that is (`print: kdp`); else 1."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(tuple(key.lower() for key in path[:end]))
            if found:
                return found
        return 1


def _canonical_keys(data: dict, lines: KeyLines, diag: Diagnostics) -> dict:
    fields: dict = {}
    for key, value in data.items():
        name = KEYS.get(str(key).lower())
        if name is None:
            near = difflib.get_close_matches(str(key), list(KEYS), n=1)
            hint = f"did you mean '{near[0]}'?" if near else "it is ignored"
            diag.warning("READ-014", f"unknown front matter key '{key}' ({hint})",
                         line=lines.line(str(key)))
            continue
        if name == "cover-image" and isinstance(value, dict):
            # `cover:` as a block: the print cover's options, and the picture as its `image:`
            fields["cover"] = value
            if "image" in value:
                fields["cover-image"] = value["image"]
            continue
        fields[name] = value
    return fields


def _build_metadata(fields: dict, lines: KeyLines, manuscript: Path,
                    diag: Diagnostics, styles: Styles | None) -> Metadata | None:
    def line(key: str, *under: str) -> int:
        synonyms = [k for k, name in KEYS.items() if name == key]
        return min((lines.line(k, *under) for k in synonyms), key=lambda n: n if n > 1 else 10**9)

    # The title is quoted the way its language quotes: the language is read first.
    tag = fields.get("lang")
    conv = conventions(str(tag), styles) if styles and isinstance(tag, str) else ENGLISH
    title = _text(fields, "title", diag, line, conv)
    if not title and "title" not in fields:
        diag.error("READ-015", "front matter has no title: add a line 'title: Your title'", line=1)
    lang = _text(fields, "lang", diag, line) or "en"
    if not LANG_TAG.match(lang):
        diag.error("READ-016", f"'{lang}' is not a language tag: use one like 'en', 'en-GB' or 'fr'",
                   line=line("lang"))
    date, date_text = _date(fields.get("date"), diag, line("date"), lang)
    # Every other key is checked even without a title: all problems in one run.
    metadata = Metadata(
        title=title or "",
        subtitle=_text(fields, "subtitle", diag, line, conv),
        authors=(authors := _text_list(fields, "author", diag, line)),
        author_line=names_joined(authors, lang),
        publisher=_text(fields, "publisher", diag, line),
        date=date,
        date_text=date_text,
        lang=lang,
        identifier=_identifier(fields.get("identifier"), title or "", diag, line("identifier")),
        rights=_text(fields, "rights", diag, line, conv),
        description=_text(fields, "description", diag, line, conv),
        subjects=_text_list(fields, "subjects", diag, line),
        cover_image=_cover(fields.get("cover-image"), manuscript, diag,
                           lines.line("cover", "image") if "cover" in fields else line("cover-image")),
        cover=_cover_options(fields.get("cover"), diag, lines),
        certified_by=_text(fields, "certified-by", diag, line),
        epub_fonts=_flag(fields, "epub-fonts", diag, line),
        version=_version(fields.get("version"), diag, line("version")),
        slug=_slug(fields.get("slug"), title or "", manuscript, diag, line("slug")),
        **_print_block(fields.get("print"), diag, line),
    )
    return metadata if title else None


def _flag(fields: dict, key: str, diag: Diagnostics, line) -> bool:
    value = fields.get(key, False)
    if not isinstance(value, bool):
        diag.error("READ-017", f"'{key}' is true or false, not '{value}'", line=line(key))
        return False
    return value


def _text(fields: dict, key: str, diag: Diagnostics, line, conv: Conventions = ENGLISH) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        diag.error("READ-018", f"'{key}' must be plain text, not a list or a mapping", line=line(key))
        return None
    text = " ".join(str(value).split())
    return smarten(text, conv) if key in SMARTENED and text else text or None


def _text_list(fields: dict, key: str, diag: Diagnostics, line) -> tuple[str, ...]:
    value = fields.get(key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if any(isinstance(item, (dict, list)) for item in items):
        diag.error("READ-019", f"'{key}' must be a name or a list of names", line=line(key))
        return ()
    return tuple(" ".join(str(item).split()) for item in items if str(item).strip())


def _date(value, diag: Diagnostics, line: int, lang: str = "en") -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat(), long_date(value, lang)
    text = " ".join(str(value).split())
    for pattern, precision in DATE_FORMATS.items():
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.strftime(precision), text
    diag.error("READ-020", f"cannot read the date '{text}': write it as 2026-11-23, "
               "'23 November 2026', 'November 2026' or 2026", line=line)
    return None, None


def names_joined(names: tuple[str, ...], lang: str) -> str:
    """Names as the book's language lists them: 'A and B', 'A, B und C', 'A, B et C'
    (Babel's list patterns; the serial comma where the language uses one, as US English
    does and British English does not). A language Babel does not know joins them in English."""
    if len(names) < 2:
        return "".join(names)
    return format_list(list(names), locale=babel_locale(lang) or Locale("en"))


def long_date(day: dt.date, lang: str) -> str:
    """A YAML date (2026-11-23) as the book's language writes it: "23. November 2026"
    in German, "23 novembre 2026" in French. A date the author wrote out stays as
    written. A language Babel does not know gets the date as 2026-11-23."""
    locale = babel_locale(lang)
    return format_date(day, format="long", locale=locale) if locale else day.isoformat()


def babel_locale(lang: str) -> Locale | None:
    """Babel's conventions for a language tag ('de-AT'), else for its language ('de')."""
    for tag in (lang, lang.split("-")[0]):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def _identifier(value, title: str, diag: Diagnostics, line: int) -> str:
    if value is None:
        # Stable across builds, so readers and stores see one book, not a new one each time.
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pamphleteer:' + title)}"
    text = str(value).strip()
    if text.lower().startswith("urn:uuid:"):
        try:
            return f"urn:uuid:{uuid.UUID(text[9:])}"
        except ValueError:
            diag.error("READ-021", f"'{text}' is not a valid urn:uuid: identifier", line=line)
            return text
    digits = re.sub(r"^(urn:)?isbn:?\s*", "", text, flags=re.IGNORECASE)
    digits = digits.replace("-", "").replace(" ", "").upper()
    # Ten or thirteen: python-stdnum would also take nine digits, as an old SBN, but
    # here nine are more likely an ISBN-10 with a digit left out.
    if len(digits) in (10, 13):
        try:
            return f"urn:isbn:{isbn.validate(digits)}"
        except InvalidChecksum:
            diag.error("READ-022", f"ISBN '{text}' has a wrong check digit: the digits before it call for "
                       f"{_check_digit(digits)}, not {digits[-1]}; copy the ISBN again from your "
                       "ISBN agency (a mistyped digit anywhere shows up here)", line=line)
            return f"urn:isbn:{digits}"
        except InvalidComponent:
            diag.error("READ-035", f"'{text}' is not an ISBN: an ISBN of 13 digits begins with 978 or 979; "
                       "copy it again from your ISBN agency", line=line)
            return f"urn:isbn:{digits}"
        except ValidationError:
            pass  # not digits: said below
    diag.error("READ-023", f"identifier '{text}' is neither an ISBN nor a urn:uuid:; "
               "leave it out to have one made from the title", line=line)
    return text


def _check_digit(digits: str) -> str:
    """The check digit an ISBN's other digits call for. An ISBN-10's is found through its
    ISBN-13, for which python-stdnum computes the check digit afresh."""
    if len(digits) == 13:
        return ean.calc_check_digit(digits[:12])
    return isbn.to_isbn10(isbn.to_isbn13(digits))[-1]


def _as_written(node: yaml.Node | None, key: str, value):
    """A top-level scalar's text exactly as the author typed it (without quotes)."""
    if isinstance(value, (dict, list)):
        return value
    for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
        if str(key_node.value).lower() == key and isinstance(value_node, yaml.ScalarNode):
            return value_node.value
    return value


def _version(value, diag: Diagnostics, line: int) -> str:
    if value is None:
        return "1.0"
    text = str(value).strip()
    if not VERSION.match(text):
        diag.error("READ-024", f"version '{text}' cannot name a release: write it like 1.0, 2.1 or 2026-11, "
                   "starting with a digit, with no spaces or slashes", line=line)
        return "1.0"
    return text


def _slug(value, title: str, manuscript: Path, diag: Diagnostics, line: int) -> str:
    """The book's name in web addresses: the front matter's `slug`, else made from the
    title; a title with no Latin letters falls back to the manuscript's file name."""
    if value is not None:
        text = str(value).strip()
        if not SLUG.match(text):
            diag.error("READ-025", f"slug '{text}' must be lower-case letters, digits and single hyphens, "
                       "such as 'rent-strike'", line=line)
        return text
    return slugify(title) or slugify(manuscript.stem) or "book"


def _print_block(value, diag: Diagnostics, line) -> dict:
    """`print: kdp`, or `print: {profile: kdp, trim: 6x9, isbn: ...}`; the ISBN is the
    print edition's own. `line("print", "isbn")` is where a key under it is written."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = {"profile": value}
    if not isinstance(value, dict) or set(value) - {"profile", "trim", "isbn", "accept"}:
        diag.error("READ-026", "'print' takes a profile name, or 'profile:', 'trim:', 'isbn:' and 'accept:' "
                   "lines under it", line=line("print"))
        return {}
    trim = value.get("trim")
    if trim is not None:
        try:
            parse_trim(str(trim))
        except ValueError as exc:
            diag.error("READ-027", str(exc), line=line("print", "trim"))
            trim = None
    profile, number = value.get("profile"), value.get("isbn")
    if str(number or "").strip().lower().startswith("urn:uuid:"):
        diag.error("READ-028", "'isbn' under 'print' must be the print edition's ISBN, not a urn:uuid:",
                   line=line("print", "isbn"))
        number = None
    if number is not None:
        number = _identifier(number, "", diag, line("print", "isbn"))
        number = number if number.startswith("urn:isbn:") else None
    return {"print_profile": str(profile) if profile else None,
            "print_trim": str(trim) if trim else None, "print_isbn": number,
            "print_accept": _accepted(value.get("accept"), diag, line("print", "accept"))}


def _accepted(value, diag: Diagnostics, line: int) -> tuple[str, ...]:
    """Preflight warnings the author has weighed and accepts, by code: `accept: [PRINT-020]`."""
    if value is None:
        return ()
    codes = value if isinstance(value, list) else [value]
    wrong = [str(code) for code in codes if not re.fullmatch(r"PRINT-\d{3}", str(code))]
    if wrong:
        diag.error("READ-029", f"'accept' under 'print' lists preflight warning codes such as PRINT-020, "
                   f"not '{wrong[0]}'", line=line)
        return ()
    return tuple(str(code) for code in codes)


def _cover(value, manuscript: Path, diag: Diagnostics, line: int) -> Path | None:
    if value is None:
        return None
    try:
        path = resolve_inside(manuscript.parent, str(value))
    except PathProblem as exc:
        diag.error("READ-030", f"cover image refused: {exc}", line=line)
        return None
    if kind := not_a_file(path):
        diag.error("READ-031", f"cover image {value} is {kind}, not a picture file: point to the "
                   "picture itself", line=line)
        return None
    if not path.is_file():
        diag.error("READ-032", f"cover image not found: {value} (paths are relative to {manuscript.name})",
                   line=line)
        return None
    if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        diag.error("READ-033", f"cover image {value} must be a JPEG or PNG file", line=line)
        return None
    try:
        check_size(path)
        inspect_image(path)
    except (PathProblem, ImageProblem) as exc:
        diag.error("READ-034", f"cover image {value}: {exc}", line=line)
        return None
    return path


COVER_OPTIONS = ("image", "price", "spine-direction", "inside", "paper")


def _cover_options(value, diag: Diagnostics, lines: KeyLines) -> CoverOptions:
    """`cover: {price: 51995, spine-direction: up, inside: ..., paper: cream}`."""
    if value is None:
        return CoverOptions()
    for key in value:
        if key not in COVER_OPTIONS:
            near = difflib.get_close_matches(str(key), COVER_OPTIONS, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"the keys are {', '.join(COVER_OPTIONS)}"
            diag.error("READ-083", f"unknown key '{key}' under 'cover' ({hint})",
                       line=lines.line("cover", str(key)))
    price = value.get("price")
    if price is not None and not re.fullmatch(r"\d{5}", str(price)):
        diag.error("READ-084", f"'price' under 'cover' is the five digits of the barcode's price add-on "
                   f"(a currency digit, then the price: 51995 is US$19.95; 90000 is no price), not "
                   f"'{price}'", line=lines.line("cover", "price"))
        price = None
    direction = str(value.get("spine-direction", "down"))
    if direction not in ("down", "up"):
        diag.error("READ-085", f"'spine-direction' under 'cover' is 'down' (top to bottom, as English "
                   f"books) or 'up', not '{direction}'", line=lines.line("cover", "spine-direction"))
        direction = "down"
    def line(key: str) -> int:
        return lines.line("cover", key)

    return CoverOptions(price=str(price) if price is not None else None, spine_direction=direction,
                        inside=_text(value, "inside", diag, line), paper=_text(value, "paper", diag, line))


def key_line(yaml_text: str, *path: str) -> int:
    """The manuscript line of a front matter key, `key_line(text, "print", "isbn")` for one
    under `print:` (the front matter starts on line 2); 1 where it is not written."""
    try:
        return KeyLines(yaml.compose(yaml_text, Loader=yaml.SafeLoader)).line(*path)
    except yaml.YAMLError:
        return 1
