"""Reading a manuscript: Markdown with YAML front matter, into a `Book`.

This is the only place Markdown is parsed. Python-Markdown turns the body into
HTML; we then walk that HTML once to number the notes in reading order, turn
lone images into figures, give headings unique ids and cut the text into
top-level sections. Every problem found is collected and reported together.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from pathlib import Path

import markdown
from lxml import etree, html

from ..model import Book, Figure, Heading, Note, NoteRef, Part, Section
from ..problems import Diagnostics, StrictFailure, fail, report_all
from ..support.cache import Cache, cache_key
from ..support.images import ImageProblem, inspect_image
from ..support.paths import PathProblem, check_size, not_a_file, resolve_inside
from ..support.slugs import slugify
from ..support.styles import Styles
from . import limits, lists, sanitize, tables
from .frontmatter import read_metadata, split_front_matter
from .typography import ENGLISH, SMARTY_CONFIG, Conventions, conventions, convert_short, localize, smarten
from .typography import without_markers as _without_quote_markers

# Ours: `lists` reads lists as CommonMark does, `limits` keeps Markdown's time linear.
# Their code is part of the cache key: a change to them reads remembered manuscripts again.
EXTENSIONS = ["footnotes", "tables", "smarty", "attr_list", "sane_lists", "pamphleteer.read.lists",
              "pamphleteer.read.limits"]
READING_RULES = b"".join(Path(module.__file__).read_bytes() for module in (lists, limits))
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Markers left in the HTML where a note is called or a figure stands, cut out
# again when the sections are serialized. Private-use characters, which no
# manuscript needs, since lxml refuses control characters.
OPEN, CLOSE = "\ue000", "\ue001"
MARKER = re.compile(f"(?:<x-figure>)?{OPEN}([NF])(\\d+)([fs]?){CLOSE}(?:</x-figure>)?")
CREDIT_SEPARATOR = " / "


def read_book(path: Path, strict: bool = False, cache: Cache | None = None,
              styles: Styles | None = None) -> Book:
    """The manuscript at `path`, read and checked. Every problem found is reported at
    once; `strict` makes warnings stop the build too. `cache` remembers the Markdown's
    HTML, the slowest step, for the next build of the same text. `styles` holds the
    quotes of each language (typography.yaml); by default, the book's own styles."""
    path = Path(path)
    styles = styles or Styles.for_manuscript(path)
    diag = Diagnostics(path)
    text = _without_control_characters(_read_text(path), diag)
    yaml_text, body, body_start = split_front_matter(text, diag)
    metadata = read_metadata(yaml_text, path, diag, styles)
    conv = conventions(metadata.lang, styles) if metadata else ENGLISH
    source = _Source(body, body_start)
    if not body.strip():
        diag.error("READ-008", "the manuscript has no text after its front matter", line=body_start + 1)
    cache = cache or Cache(None)
    if not _readable(body, body_start, diag):
        _in_line_order(diag).raise_if_errors()  # Markdown would take minutes, or for ever
    # The HTML keeps smarty's quote markers: the language's quotes go in below, so the
    # entry serves any language (the configuration names the markers).
    markup, converted = _markup(body, cache)
    sanitize.check_well_formed(markup, source.line_of, diag)
    root = html.fragment_fromstring(markup, create_parent="div")
    tables.mark_columns(root)  # before the sanitizer drops the cells' styles
    sanitize.clean(root, source.line_of, diag)
    _check_links(root, path.parent, source, diag)
    _finish_typography(root, conv)
    _check_note_definitions(root, source, diag)
    notes = _collect_notes(root, source, diag)
    figures = _collect_figures(root, path.parent, source, diag, conv)
    _check_leftover_references(root, source, diag)
    has_chapters = root.find("h1") is not None  # before the levels are normalized
    _check_headings(root, source, diag)
    sections = _split_sections(root, notes, figures)
    if not sections and body.strip():
        diag.error("READ-009", "the manuscript has no text to publish, only notes or markup",
                   line=body_start + 1)
    _in_line_order(diag).raise_if_errors()
    report_all(diag.warnings)
    if strict and diag.warnings:
        raise StrictFailure(len(diag.warnings))
    for key, part in converted.items():  # only now: a manuscript that fails leaves no trace
        cache.put("markdown", key, part.encode("utf-8"))
    assert metadata is not None  # a missing title is an error, raised above
    return Book(source=path.resolve(), metadata=metadata, sections=sections, has_chapters=has_chapters)


def _in_line_order(diag: Diagnostics) -> Diagnostics:
    """Problems as an author reads the manuscript, top to bottom (whole-file ones first),
    not in the order the checks found them."""
    diag.problems.sort(key=lambda problem: problem.line or 0)  # stable: on one line, as found
    return diag


class _Source:
    """The Markdown body, kept to point messages at manuscript lines."""

    def __init__(self, body: str, offset: int):
        self.text = body
        self.lines = body.split("\n")
        self.offset = offset
        # where each line begins in the text: a needle is found in the whole text at
        # once, then its line looked up (a book with a hundred figures looks a hundred times)
        self.starts = [0, *itertools.accumulate(len(line) + 1 for line in self.lines)]

    def line_of(self, needle: str) -> int | None:
        return self.where(needle)[0]

    def where(self, needle: str, starting: str = "", skip: int = 0) -> tuple[int | None, int | None]:
        """Line and column of `needle`; the column of `starting` before it if given
        (the `![` that opens an image whose `](path` we looked for). `skip`: pass over
        that many before it (the same picture placed again)."""
        index = self.text.find(needle)
        while index >= 0 and skip:
            skip -= 1
            index = self.text.find(needle, index + 1)
        if index < 0:
            return None, None
        line = bisect.bisect_right(self.starts, index) - 1
        at = index - self.starts[line]
        start = self.lines[line].rfind(starting, 0, at + 1) if starting else at
        return line + 1 + self.offset, (start if start >= 0 else at) + 1


def _read_text(path: Path) -> str:
    if (kind := not_a_file(path)) and kind != "a folder":  # (a folder fails to read, below)
        raise fail("READ-001", f"the manuscript is {kind}, not a file: save the text as a .md file and "
                   "build that", path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail("READ-002", "manuscript not found: check the path", path) from None
    except OSError as exc:
        raise fail("READ-003", f"cannot read the manuscript: {exc.strerror}", path) from None
    if not data.strip():
        raise fail("READ-004", "the manuscript is empty: start it with front matter (a '---' line, "
                   "'title: ...', '---') and then the text", path, 1)
    if b"\x00" in data[:65536] or data.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise fail("READ-005", "this is not a text file (a word-processor document, a PDF or other binary?): "
                   "save the manuscript as plain text in Markdown, a .md file", path, 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail("READ-006", f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be read; "
                   "save the file as UTF-8 in your editor", path, line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _without_quote_markers(re.sub(f"[{OPEN}{CLOSE}]", "", text))


# Invisible characters XML (and so EPUB) forbids; they arrive by copy and paste.
CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _without_control_characters(text: str, diag: Diagnostics) -> str:
    for number, line in enumerate(text.split("\n"), start=1):
        for match in CONTROL.finditer(line):
            diag.warning("READ-007", f"invisible control character U+{ord(match[0]):04X} removed "
                         "(pasted from another program?)", line=number, column=match.start() + 1)
    return CONTROL.sub("", text)


def _readable(body: str, body_start: int, diag: Diagnostics) -> bool:
    """Whether Markdown can read the body in reasonable time (limits.py). Lists whose
    reading is ambiguous are warned about here too (Markdown reads them in lists.py)."""
    lines = body.expandtabs(lists.TAB).split("\n")
    reading = lists.read_lists(lines, body_start + 1)
    for line, code, message in reading.warnings:
        diag.warning(code, message, line=line)
    return limits.check(lines, body_start + 1, (reading.depth, reading.deepest), diag)


def _markup(body: str, cache: Cache) -> tuple[str, dict[str, str]]:
    """The body as HTML, a chapter at a time (`chapters`), each remembered by its text:
    an edit converts only its chapter again. Also the parts converted now, by their keys,
    to remember once the book is read."""
    parts, converted = [], {}
    for text in chapters(body):
        key = cache_key("markdown", markdown.__version__, repr(EXTENSIONS), repr(SMARTY_CONFIG),
                        READING_RULES, text)
        remembered = cache.get("markdown", key)
        parts.append(remembered.decode("utf-8") if remembered is not None else _to_html(text))
        if remembered is None:
            converted[key] = parts[-1]
    return "\n".join(parts), converted


CHAPTER = re.compile(r"^# ", re.MULTILINE)
NOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:", re.MULTILINE)
NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:", re.MULTILINE)  # a reference link's, or a note's
RAW_BLOCK = re.compile(r"^ {0,3}<", re.MULTILINE)


def chapters(body: str) -> list[str]:
    """The body cut before each `# ` heading, when each part gives, by itself, the HTML
    the whole would give there: every note called in the part is defined in it, and the
    body has no reference links and no raw HTML blocks (Python-Markdown resolves and
    stashes those across the whole text). Otherwise the whole body, as one part."""
    starts = [0, *(match.start() for match in CHAPTER.finditer(body) if match.start() > 0)]
    parts = [body[start:end] for start, end in zip(starts, [*starts[1:], len(body)], strict=True)]
    parts = [part for part in parts if part.strip()]
    if len(parts) < 2 or RAW_BLOCK.search(body):
        return [body]
    defined: dict[str, int] = {}
    for index, part in enumerate(parts):
        labels = NOTE_DEFINITION.findall(part)
        if len(LINK_DEFINITION.findall(part)) != len(labels):
            return [body]  # a reference link's definition
        for label in labels:
            if defined.setdefault(label, index) != index:
                return [body]  # defined twice: the whole text shows which one Markdown keeps
    for index, part in enumerate(parts):
        if any(defined.get(label, index) != index for label in NOTE_CALL.findall(part)):
            return [body]
    return parts


def _to_html(body: str) -> str:
    return markdown.markdown(body, extensions=EXTENSIONS, extension_configs=SMARTY_CONFIG,
                             output_format="xhtml")


# --- notes ------------------------------------------------------------------

def _collect_notes(root, source: _Source, diag: Diagnostics) -> dict[int, Note]:
    """Remove the footnote list Python-Markdown appends; return label -> paragraphs.

    Each call in the text is replaced by a marker numbered in reading order.
    """
    definitions: dict[str, list[str]] = {}
    for container in root.xpath("div[@class='footnote']"):
        for item in container.xpath("ol/li[starts-with(@id, 'fn:')]"):
            definitions[item.get("id")[3:]] = _note_paragraphs(item)
        container.drop_tree()
    numbers: dict[str, int] = {}
    for ref in root.xpath("//sup[a[@class='footnote-ref']]"):
        label = ref[0].get("href", "")[len("#fn:"):]
        first = label not in numbers
        numbers.setdefault(label, len(numbers) + 1)
        _replace_with_text(ref, f"{OPEN}N{numbers[label]}{'f' if first else 's'}{CLOSE}")
    for label in definitions.keys() - numbers.keys():
        diag.warning("READ-065", f"footnote [^{label}] is defined but never referenced; "
                     "reference it in the text or delete it",
                     line=source.line_of(f"[^{label}]:"))
    return {number: Note(number, label, tuple(definitions.get(label, ())))
            for label, number in numbers.items()}


def _check_note_definitions(root, source: _Source, diag: Diagnostics) -> None:
    """A label defined twice (Markdown would silently keep one), and notes inside notes."""
    seen: dict[str, int] = {}
    for number, line in enumerate(source.lines, start=1 + source.offset):
        match = re.match(r"\[\^([^\]\s]+)\]:", line)
        if match and match[1] in seen:
            diag.error("READ-066", f"footnote [^{match[1]}] is defined twice (first on line "
                       f"{seen[match[1]]}): give each note its own label", line=number)
        elif match:
            seen[match[1]] = number
    for item in root.xpath("div[@class='footnote']/ol/li[starts-with(@id, 'fn:')]"):
        for inner in item.xpath(".//a[@class='footnote-ref']"):
            label, called = item.get("id")[3:], inner.get("href", "")[len("#fn:"):]
            diag.error("READ-067", f"footnote [^{label}] calls another note, [^{called}]: a note cannot have "
                       "notes; put that text in the note itself", line=source.line_of(f"[^{label}]:"))


def _check_links(root, folder: Path, source: _Source, diag: Diagnostics) -> None:
    """A book links to its own headings (#id) and to the web, never to files."""
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith("#") or re.match(r"(https?|mailto|tel):", href, re.IGNORECASE):
            continue
        line, column = source.where(f"]({href}", starting="[")
        if line is None:
            line, column = source.where(href)
        try:
            resolve_inside(folder, href)
        except PathProblem as exc:
            diag.error("READ-060", f"link refused: {exc}", line=line, column=column)
            continue
        diag.error("READ-061", f"link to a file ({href}): a book cannot carry other files; link to a heading "
                   "(#its-id) or to a web address instead", line=line, column=column)


def _note_paragraphs(item) -> list[str]:
    for backref in item.xpath(".//a[@class='footnote-backref']"):
        backref.drop_tree()
    paragraphs = []
    for block in item:
        if block.tag in ("ul", "ol"):
            paragraphs += ["– " + _inner_xhtml(li).strip() for li in block]
        elif block.tag == "blockquote":
            paragraphs += [_inner_xhtml(p).strip() for p in block]
        else:
            paragraphs.append(_inner_xhtml(block).strip())
    # Python-Markdown leaves a no-break space where the back link was.
    return [p.rstrip("\u00a0 ") for p in paragraphs if p.strip()]


# --- figures ----------------------------------------------------------------

def _collect_figures(root, folder: Path, source: _Source, diag: Diagnostics,
                     conv: Conventions) -> list[Figure | None]:
    figures: list[Figure | None] = []
    placed: dict[str, int] = {}  # how often each picture was found so far: in order, each use once
    for img in root.xpath("//img"):
        paragraph = img.getparent()
        alone = (paragraph.tag == "p" and len(paragraph) == 1
                 and not (paragraph.text or "").strip() and not (img.tail or "").strip())
        needle = f"]({img.get('src', '')}"
        line, column = source.where(needle, starting="![", skip=placed.get(needle, 0))
        placed[needle] = placed.get(needle, 0) + 1
        if not alone:
            diag.error("READ-070", "an image must stand alone in its own paragraph, with blank lines "
                       "around it, to become a figure", line=line, column=column)
            img.drop_tree()
            continue
        figures.append(_make_figure(img, len(figures) + 1, folder, (line, column), diag, conv))
        placeholder = etree.Element("x-figure")
        placeholder.text = f"{OPEN}F{len(figures)}{CLOSE}"
        placeholder.tail = paragraph.tail
        paragraph.getparent().replace(paragraph, placeholder)
    return figures


def _make_figure(img, number: int, folder: Path, where: tuple[int | None, int | None],
                 diag: Diagnostics, conv: Conventions) -> Figure | None:
    href = img.get("src", "")
    line, column = where
    try:
        path = resolve_inside(folder, href)
    except PathProblem as exc:
        diag.error("READ-071", f"image refused: {exc}", line=line, column=column)
        return None
    if kind := not_a_file(path):
        diag.error("READ-072", f"image {href} is {kind}, not a picture file: point to the picture itself",
                   line=line, column=column)
        return None
    if not path.is_file():
        diag.error("READ-073", f"image not found: {href}{_suggestion(folder, href)}",
                   line=line, column=column)
        return None
    try:
        check_size(path)
        info = inspect_image(path)
    except (ImageProblem, PathProblem) as exc:
        diag.error("READ-074", f"image {href}: {exc}", line=line, column=column)
        return None
    caption, _, credit = (img.get("title") or "").partition(CREDIT_SEPARATOR)
    classes = (img.get("class") or "").split()
    decorative = "decorative" in classes
    if not img.get("alt", "").strip() and not decorative:
        diag.warning("READ-075", f"image {href} has no alt text: describe it in the brackets, "
                     "![like this](...), for readers who cannot see it, or add {.decorative} if it "
                     "adds nothing",
                     line=line, column=column)
    return Figure(
        id=f"figure-{number}", source=path, href=href, media_type=info.media_type,
        alt="" if decorative else smarten(" ".join(img.get("alt", "").split()), conv),
        caption_html=_inline_markdown(caption, conv), credit_html=_inline_markdown(credit, conv),
        width=info.width, height=info.height, line=line, column=column,
        bleed="bleed" in classes, decorative=decorative,
    )


def _suggestion(folder: Path, href: str) -> str:
    candidates = [str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in (".jpg", ".jpeg", ".png", ".svg", ".gif")]
    near = difflib.get_close_matches(href, candidates, n=1, cutoff=0.5)
    return f" (did you mean {near[0]}?)" if near else ""


def _inline_markdown(text: str, conv: Conventions) -> str | None:
    """Captions and credits may use emphasis and get typographic quotes too."""
    text = text.strip()
    if not text:
        return None
    fragment = html.fragment_fromstring(
        convert_short(text, conv), create_parent="div")
    paragraph = fragment[0] if len(fragment) and fragment[0].tag == "p" else fragment
    return _inner_xhtml(paragraph).strip()


# --- leftovers --------------------------------------------------------------

def _check_leftover_references(root, source: _Source, diag: Diagnostics) -> None:
    """A `[^label]` still in the text is a call whose definition is missing."""
    text = "".join(root.itertext())
    for label in dict.fromkeys(re.findall(r"\[\^([^\]\s]+)\]", text)):
        diag.error("READ-068", f"footnote [^{label}] has no definition: add a line '[^{label}]: source...'",
                   line=source.line_of(f"[^{label}]"))


# "ch. I", "p. 12", "vol. 2": the number stays on the line of its abbreviation.
ABBREVIATED_NUMBER = re.compile(r"\b(ch|chap|vol|bk|pt|p|pp|no|nos|fig|art|sec)\. (?=[0-9IVXLC])",
                                re.IGNORECASE)


def _finish_typography(root, conv: Conventions) -> None:
    """Touches Markdown leaves to the typesetter: the language's quotes, no-break
    spaces, bare addresses."""
    localize(root, conv)
    for element in root.iter():
        if element.text:
            element.text = ABBREVIATED_NUMBER.sub("\\1.\u00a0", element.text)
        if element.tail:
            element.tail = ABBREVIATED_NUMBER.sub("\\1.\u00a0", element.tail)
    for paragraph in root.iter("p"):
        _mark_hanging_quote(paragraph)
    for link in root.iter("a"):
        text = "".join(link.itertext()).strip()
        if _bare(text) == _bare(link.get("href", "")):
            # The print edition shows addresses after link text; not twice.
            link.set("class", ((link.get("class") or "") + " bare-url").strip())


# The marks a quotation opens with, in the languages of styles/typography.yaml (Swedish
# opens with ”, Danish with »); guillemets are wider, and French spaces them.
OPENING_QUOTES = re.compile("[“„‘‚”]|[«»‹›][\u202f\u00a0]?")


def _mark_hanging_quote(paragraph) -> None:
    """Wrap an opening quote that starts a paragraph, so print can hang it in the margin."""
    text = paragraph.text or ""
    match = OPENING_QUOTES.match(text)
    if match:
        kind = "" if match[0][0] in "“„‘‚”" else " guillemet" if len(match[0]) == 1 else " guillemet-spaced"
        span = etree.Element("span", {"class": "hang" + kind})
        span.text, span.tail = match[0], text[match.end():]
        paragraph.text = ""
        paragraph.insert(0, span)


def _bare(url: str) -> str:
    return re.sub(r"^[a-z]+://(www\.)?|/$", "", url.strip().lower())


def _check_headings(root, source: _Source, diag: Diagnostics) -> None:
    previous = None
    for heading in root.iter(*HEADINGS):
        text = "".join(heading.itertext())
        level = int(heading.tag[1])
        if not text.strip():
            diag.error("READ-080", "a heading with no text: write it after the #s, or delete the line",
                       line=_empty_heading_line(source, level))
            continue
        if previous is not None and level > previous + 1:
            diag.warning("READ-081", f"heading '{' '.join(MARKER.sub('', text).split())}' skips from "
                         f"{'#' * previous} to {'#' * level}: use {'#' * (previous + 1)} (it is read "
                         "as that level)", line=_heading_line(source, level, text))
        previous = level
        if OPEN in text:
            visible = " ".join(MARKER.sub("", text).split())
            diag.error("READ-082", f"heading '{visible}' calls a note: move the note call into the "
                       "text below it", line=_heading_line(source, level, visible))


def _heading_line(source: _Source, level: int, text: str) -> int | None:
    """The line of a heading, found by its letters: typography changed its quotes and dashes."""
    letters = re.sub(r"\W", "", MARKER.sub("", text))[:30]
    for number, line in enumerate(source.lines, start=1 + source.offset):
        if line.startswith("#" * level + " ") and letters in re.sub(r"\W", "", line):
            return number
    return None


def _empty_heading_line(source: _Source, level: int) -> int | None:
    for number, line in enumerate(source.lines, start=1 + source.offset):
        if re.fullmatch(rf"#{{{level}}}\s*#*\s*", line):
            return number
    return None


# --- sections ---------------------------------------------------------------

def _split_sections(root, notes: dict[int, Note], figures: list[Figure | None]) -> list[Section]:
    levels = [int(el.tag[1]) for el in root if el.tag in HEADINGS]
    top = min(levels) if levels else 1
    ids = _UniqueIds()
    sections: list[Section] = [Section(number=0, heading=None)]
    previous = 0
    for element in root:
        if element.tag in HEADINGS:
            # Levels never skip (## straight to ####): readers navigate by them.
            level = min(int(element.tag[1]) - top + 1, previous + 1)
            previous = level
            heading = _make_heading(element, level, ids)
            element.tag, element.attrib["id"] = f"h{heading.level}", heading.id
            if heading.level == 1:
                sections.append(Section(number=len(sections), heading=heading))
                continue
            sections[-1].subheadings.append(heading)
        xhtml = etree.tostring(element, encoding="unicode", method="xml", with_tail=False) + "\n"
        sections[-1].parts.extend(_parts(xhtml, notes, figures))
    if not _has_text(sections[0]):
        sections.pop(0)
    return sections


def _parts(xhtml: str, notes: dict[int, Note], figures: list[Figure | None]) -> list[Part]:
    parts: list[Part] = []
    position = 0
    for match in MARKER.finditer(xhtml):
        parts.append(xhtml[position:match.start()])
        kind, number = match[1], int(match[2])
        if kind == "N":
            parts.append(NoteRef(notes[number], first=match[3] == "f"))
        elif figures[number - 1] is not None:
            parts.append(figures[number - 1])
        position = match.end()
    parts.append(xhtml[position:])
    return [p for p in parts if not (isinstance(p, str) and not p.strip())]


def _has_text(section: Section) -> bool:
    return any(not isinstance(p, str) or p.strip() for p in section.parts)


def _make_heading(element, level: int, ids: _UniqueIds) -> Heading:
    text = " ".join("".join(element.itertext()).split())
    return Heading(level=level, id=ids.make(element.get("id") or text),
                   html=_inner_xhtml(element).strip(), text=text)


class _UniqueIds:
    """Ids from heading text; a repeated heading gets -2, -3 ..."""

    def __init__(self):
        self.used: set[str] = {"opening"}
        self.tried: dict[str, int] = {}  # the last number tried for a slug: one heading
        # repeated thousands of times must not try every number each time

    def make(self, text: str) -> str:
        slug = slugify(text) or "section"  # the words as a book's slug has them
        if not slug[0].isalpha():  # an XML id starts with a letter
            slug = "s-" + slug
        candidate, n = slug, self.tried.get(slug, 1)
        if n > 1:
            candidate = f"{slug}-{n}"
        while candidate in self.used:
            n += 1
            candidate = f"{slug}-{n}"
        self.used.add(candidate)
        self.tried[slug] = n
        return candidate


# --- tree helpers -----------------------------------------------------------

def _inner_xhtml(element) -> str:
    children = (etree.tostring(child, encoding="unicode", method="xml") for child in element)
    return _escape(element.text or "") + "".join(children)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _replace_with_text(element, text: str) -> None:
    """Put `text` where `element` was, keeping what followed it."""
    parent = element.getparent()
    previous = element.getprevious()
    joined = text + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)

