"""The PDF writer: the print HTML laid out by WeasyPrint.

One correction is made to WeasyPrint's pagination. When the last lines of a
page would leave a widow or an orphan, WeasyPrint makes room for them by
pushing that page's footnotes on to the next page, so a note ends up a page
after its call. We look for such notes in the laid-out pages; the paragraph
that ends the calling page gets the class `footnote-fit` (which
`styles/print/book.css` turns into a page break before it) and the book is
laid out again. Most books need no second pass.

Two more are typographic. Before the first layout, a paragraph's short last
word is tied to the word before it, so that the last line is never one short
word or the rest of a hyphenated one alone. After each, a word WeasyPrint
hyphenated over a page turn is marked to go whole to the next page, in the
same round as the other corrections.
"""

from __future__ import annotations

import hashlib
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .errors import Problem, fail
from .fetcher import FolderFetcher, ForbiddenResource
from .model import Book
from .output import write_atomically
from .profiles import PrintProfile
from .render import picture_files

POINTS_PER_MM = 72 / 25.4

NO_BREAK_SPACES = ("\u00a0", "\u202f", "\u2007")
FIT_CLASS = "footnote-fit"
PADDING_CLASS = "padding-page"
MAX_LAYOUTS = 10
SETTLING_ROUNDS = 5  # passes at placing figures; each may move several
HYPHEN_ROUNDS = 3  # passes at words hyphenated over a page turn: a fix may move the pages after it
MIN_GAP = 0.12  # an empty foot taller than this share of the page is worth filling
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SHRINK_LIMIT = 0.75  # a figure may shrink to three quarters of its size, no further
LAST_WORD_CLASS = "last-word"
WHOLE_WORD_CLASS = "whole-word"
ADDED_CHARACTERS = "\u2010\u00ad"  # the hyphen WeasyPrint adds where it hyphenates; soft hyphens
# A paragraph's last word up to RUNT_LIMIT characters long is tied to the word before
# it when the two are at most TIE_LIMIT long (longer ties leave the line before loose).
RUNT_LIMIT = 10
TIE_LIMIT = 20
NOTE_CLASSES = {"footnote", "footnote-again"}  # text printed elsewhere than its paragraph
BLOCKS = {"p", "ul", "ol", "blockquote", "table", "figure", "pre", "div", *HEADING_TAGS}


def write_pdf(book: Book, document, profile: PrintProfile, path: Path) -> Path:
    """Write a document `lay_out` made."""
    return write_atomically(path, pdf_bytes(book, document, profile))


def pdf_bytes(book: Book, document, profile: PrintProfile) -> bytes:
    # A fixed document ID, so the same book gives the same bytes.
    identifier = hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode()
    return document.write_pdf(
        pdf_identifier=identifier, pdf_variant=profile.pdf_variant,
        full_fonts=profile.full_fonts,
        finisher=lambda doc, pdf: _finish(doc, pdf, profile, book.metadata.identifier))


def _finish(document, pdf, profile: PrintProfile, identifier: str) -> None:
    set_page_boxes(pdf, profile)
    if profile.full_fonts:
        _complete_text_mapping(document, pdf)
        _drop_subset_prefixes(pdf)
    if (profile.pdf_variant or "").startswith("pdf/x"):
        _drop_annotations(pdf)
    _fix_document_id(pdf, identifier)


def _drop_annotations(pdf) -> None:
    """PDF/X allows no link annotations on the printed area; paper has no links anyway."""
    for number in pdf.pages["Kids"][::3]:
        pdf.objects[number].pop("Annots", None)


def _fix_document_id(pdf, identifier: str) -> None:
    """WeasyPrint gives a PDF/X a random XMP DocumentID; make it the book's own,
    so that the same book always gives the same bytes."""
    document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, identifier)}".encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, part)
                          if isinstance(part, bytes) else part for part in obj.stream]


def _complete_text_mapping(document, pdf) -> None:
    """With whole fonts, WeasyPrint maps glyphs back to text from the font's cmap
    alone, so small capitals, ligatures and old-style figures would copy (and be
    searched, as in Amazon's Look Inside) as private-use characters. Add the
    mapping WeasyPrint recorded while it set the text, as it does for subsets."""
    fonts = {font.name: font for font in document.fonts.values()}
    for obj in list(pdf.objects):
        if not isinstance(obj, dict) or "ToUnicode" not in obj or obj.get("BaseFont") not in fonts:
            continue
        stream = pdf.objects[int(obj["ToUnicode"].split()[0])]
        mapping = {}
        for line in stream.stream:
            match = re.fullmatch(rb"<([0-9a-f]{4})> <([0-9a-f]+)>", line) if isinstance(line, bytes) else None
            if match:
                mapping[int(match[1], 16)] = bytes.fromhex(match[2].decode()).decode("utf-16-be")
        mapping.update(fonts[obj["BaseFont"]].to_unicode)
        head = stream.stream[:stream.stream.index(b"endcodespacerange") + 1]
        items = sorted(mapping.items())
        body = []
        for start in range(0, len(items), 100):
            batch = items[start:start + 100]
            body.append(f"{len(batch)} beginbfchar".encode())
            body += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch]
            body.append(b"endbfchar")
        stream.stream = head + body + [b"endcmap", b"CMapName currentdict /CMap defineresource pop",
                                       b"end", b"end"]


def _drop_subset_prefixes(pdf) -> None:
    """A whole embedded font must not carry the 'ABCDEF+' tag that marks a subset,
    or printers' preflight reports it as one."""
    for obj in pdf.objects:
        if not isinstance(obj, dict):
            continue
        for key in ("BaseFont", "FontName"):
            name = obj.get(key)
            if isinstance(name, bytes) and re.fullmatch(rb"/[A-Z]{6}\+.+", name):
                obj[key] = b"/" + name[8:]


@dataclass(frozen=True)
class Placement:
    """Where a piece of the book goes: the number of its first page, whether the
    blank pages a booklet needs go into it (the last piece), and whether it ends
    in the page that begins the next piece (to be dropped)."""

    first_page: int = 1
    last: bool = True


@dataclass
class LaidOutPiece:
    document: object  # a weasyprint.Document
    html: str  # the HTML after the writer's corrections: laid out again, it gives the same pages


class PrintStyles:
    """The stylesheets, fonts and colour profiles of one print edition, loaded once
    and shared by every piece of the book laid out with them."""

    def __init__(self, book: Book, styles: Path, profile: PrintProfile,
                 copies: dict[Path, Path] | None = None):
        """`copies`: the print copy of each picture that has one (prints.py)."""
        copies = copies or {}
        allowed = [book.source.parent, styles, *sorted({path.parent for path in copies.values()})]
        allowed += [profile.output_intent] if profile.output_intent else []
        self.book, self.profile = book, profile
        self.fetcher = FolderFetcher(allowed, picture_files(book, copies))
        self.fonts = FontConfiguration()
        self.colour_profiles: dict = {}  # filled by @color-profile rules, like fonts by @font-face
        # WeasyPrint's own picture cache, shared: a picture is read and decoded once for
        # the whole book, however many times its chapter is laid out.
        self.images: dict = {}
        stylesheet = styles / "print" / "book.css"
        self.css = [self.stylesheet(text) for text in (stylesheet.read_text(encoding="utf-8"),
                                                       profile.page_css())]

    def stylesheet(self, text: str) -> CSS:
        try:
            return CSS(string=text, base_url=self.base_url, url_fetcher=self.fetcher,
                       font_config=self.fonts, color_profiles=self.colour_profiles)
        except ForbiddenResource as exc:
            raise fail(f"refused to read {exc.url}: {exc.reason}", self.book.source) from None

    @property
    def base_url(self) -> str:
        return self.book.source.parent.as_uri() + "/"


def lay_out(book: Book, html_text: str, styles: Path, profile: PrintProfile):
    """The book paginated by WeasyPrint: a `weasyprint.Document`, not yet a PDF."""
    return lay_out_piece(PrintStyles(book, styles, profile), html_text).document


def lay_out_piece(styles: PrintStyles, html_text: str, place: Placement = Placement(),
                  corrected: bool = False) -> LaidOutPiece:
    """One piece of the book paginated. `corrected`: the HTML is one this function
    returned before, which needs no more corrections."""
    css = styles.css
    if place.first_page > 1:
        css = css + [styles.stylesheet(f"@page :first {{ counter-reset: page {place.first_page} }}")]
    try:
        html = HTML(string=html_text, base_url=styles.base_url, url_fetcher=styles.fetcher)
        if corrected:
            document = html.render(stylesheets=css, font_config=styles.fonts,
                                   color_profiles=styles.colour_profiles, cache=styles.images)
        else:
            document = _lay_out(html, css, styles, place)
            html_text = ElementTree.tostring(html.etree_element, encoding="unicode", method="html")
    except ForbiddenResource as exc:
        raise fail(f"refused to read {exc.url}: {exc.reason}", styles.book.source) from None
    if not place.last:
        document = document.copy(document.pages[:-1])
    return LaidOutPiece(document, html_text)


def set_page_boxes(pdf, profile: PrintProfile) -> None:
    """BleedBox exactly the profile's bleed past the trim (WeasyPrint caps it at 10 pt
    and counts the room for crop marks as bleed)."""
    bleed = profile.bleed * POINTS_PER_MM
    for index, number in enumerate(pdf.pages["Kids"][::3]):
        page = pdf.objects[number]
        left, top, right, bottom = (float(v) for v in page["TrimBox"])
        is_right_hand = index % 2 == 0  # page 1 is a recto
        spine = bleed if profile.bleed_edges == "all" else 0.0
        page["BleedBox"] = pydyf.Array([
            left - (spine if is_right_hand else bleed), top - bleed,
            right + (bleed if is_right_hand else spine), bottom + bleed])


def _lay_out(html: HTML, css: list[CSS], styles: PrintStyles, place: Placement):
    _tie_paragraph_ends(html.etree_element)
    parents = {child: parent for parent in html.etree_element.iter() for child in parent}
    padded, settling_rounds, hyphen_rounds = False, 0, 0
    for _ in range(MAX_LAYOUTS):
        document = html.render(stylesheets=css, font_config=styles.fonts,
                               color_profiles=styles.colour_profiles, cache=styles.images)
        strays = list(stray_notes(document))
        for _, _, paragraph in strays:
            target = _with_its_heading(paragraph, parents)
            target.set("class", f"{target.get('class', '')} {FIT_CLASS}".strip())
        # Both kinds of correction in one round: each layout costs as much as the rest
        # of the build together. The next layout checks that they hold.
        settled = settling_rounds < SETTLING_ROUNDS and _settle_figures(document, parents)
        settling_rounds += settled
        kept_whole = hyphen_rounds < HYPHEN_ROUNDS and _keep_words_whole(document)
        hyphen_rounds += kept_whole
        if strays or settled or kept_whole:
            continue
        blanks = (_blanks_needed(place.first_page - 1 + len(document.pages), styles.profile)
                  if place.last else 0)
        if blanks and not padded:
            _pad_before_back_page(html.etree_element, parents, blanks)
            padded = True
            continue
        return document
    for number, call_page, _ in strays:
        print(Problem("warning", f"note {number} is printed a page after its call on page "
                                 f"{place.first_page - 1 + call_page}; shorten the note or the "
                                 "paragraph around it", styles.book.source), file=sys.stderr)
    return document


def _tie_paragraph_ends(root) -> None:
    """A paragraph should not end in a line holding one short word, or the rest of a
    hyphenated word. Its last word, when short, is tied to the word before it and
    not hyphenated (LAST_WORD_CLASS in book.css): this changes only a paragraph
    whose last line would otherwise be that word, or part of it, alone."""
    for main in root.iter("main"):
        for block in main.iter():
            if block.tag == "p" or (block.tag == "li" and not any(c.tag in BLOCKS for c in block)):
                words = _block_text(block)[2].split()
                if (len(words) >= 2 and len(words[-1]) <= RUNT_LIMIT
                        and len(words[-2]) + 1 + len(words[-1]) <= TIE_LIMIT):
                    _wrap_word(block, len(words) - 1, LAST_WORD_CLASS, tie=True)


def _block_text(block) -> tuple[list[tuple[object, str]], list[int], str]:
    """The runs of text that print in a block (`_text_slots`), where each begins in
    their joined text, and that text."""
    slots, starts, text = list(_text_slots(block)), [], ""
    for node, side in slots:
        starts.append(len(text))
        text += getattr(node, side) or ""
    return slots, starts, text


def _wrap_word(block, index: int, css_class: str, tie: bool = False) -> bool:
    """Put the block's `index`th word (as `str.split` counts) in a span of `css_class`;
    with `tie`, the space before it becomes a no-break space inside the span (before
    it, WeasyPrint 70 may break the line far too early). A word that is not inside
    one run of text (part emphasised, say) is left as it is."""
    slots, starts, text = _block_text(block)
    words = list(re.finditer(r"\S+", text))
    if not 0 <= index < len(words):
        return False
    word = words[index]
    run = next((k for k in range(len(slots)) if starts[k] <= word.start()
                and word.end() <= starts[k] + len(getattr(*slots[k]) or "")), None)
    if run is None:
        return False
    node, side = slots[run]
    before, after = text[starts[run]:word.start()], text[word.end():starts[run] + len(getattr(node, side))]
    if tie and not before[-1:].isspace():
        return False  # the space is in the run before, out of reach
    span = ElementTree.Element("span", {"class": css_class})
    # A no-break space the text already has (French puts a narrow one before » ; : ! ?) stays.
    glue = before[-1:] if before[-1:] in NO_BREAK_SPACES else "\u00a0"
    span.text = (glue if tie else "") + word[0]
    span.tail = after
    setattr(node, side, before.rstrip() if tie else before)
    if side == "text":
        node.insert(0, span)
    else:
        parent = next(p for p in block.iter() if node in list(p))
        parent.insert(list(parent).index(node) + 1, span)
    return True


def _text_slots(element, top: bool = True) -> Iterator[tuple[object, str]]:
    """(element, "text" | "tail") for each run of text in a block that prints in it,
    in reading order (the text of its notes prints at the foot of the page)."""
    if not NOTE_CLASSES & set((element.get("class") or "").split()):
        yield element, "text"
        for child in element:
            yield from _text_slots(child, top=False)
    if not top:
        yield element, "tail"


def _keep_words_whole(document) -> bool:
    """A word WeasyPrint hyphenated at the foot of a page is read across the page turn.
    Such a word is marked (WHOLE_WORD_CLASS in book.css) not to be hyphenated: it
    goes whole to the next page. Returns whether any was marked."""
    marked = False
    for block, atoms in hyphens_at_page_ends(document):
        _, _, text = _block_text(block)
        counted = 0
        for index, word in enumerate(re.finditer(r"\S+", text)):
            counted += _atoms(word[0])
            if counted >= atoms:
                marked |= _wrap_word(block, index, WHOLE_WORD_CLASS)
                break
    return marked


def hyphens_at_page_ends(document) -> Iterator[tuple[object, int]]:
    """(block element, atoms of its text up to the hyphen) for each page but the last
    whose last line of text ends in a hyphen WeasyPrint added. Atoms are the
    characters that are not spaces, so line breaks do not change their count."""
    counted: dict = {}
    for number, page in enumerate(document.pages, start=1):
        last = None
        for block, line in _lines_of_text(page._page_box.children[0]):
            text = "".join(box.text for box in _text_boxes(line))
            counted[block.element] = counted.get(block.element, 0) + _atoms(text)
            last = block, line, text
        if last is None or number == len(document.pages):
            continue
        block, line, text = last
        if text.endswith(line.style["hyphenate_character"]):
            yield block.element, counted[block.element]


def _atoms(text: str) -> int:
    return sum(1 for char in text if not char.isspace() and char not in ADDED_CHARACTERS)


def _lines_of_text(html_box) -> Iterator[tuple[object, object]]:
    """(block box, line box) for each line of the main text, in reading order; not the
    list markers the stylesheet generates."""
    for box in boxes(html_box):
        for child in getattr(box, "children", None) or ():
            if type(child).__name__ == "LineBox" and "::" not in (child.element_tag or ""):
                yield box, child


def _text_boxes(line) -> Iterator:
    """The text boxes of a line that hold the document's text: not note calls, nor
    other text the stylesheet generates."""
    for box in boxes(line):
        if (type(box).__name__ == "TextBox" and "::" not in (box.element_tag or "")
                and not (box.element is not None
                         and NOTE_CLASSES & set((box.element.get("class") or "").split()))):
            yield box


def _settle_figures(document, parents: dict) -> bool:
    """A figure too tall for the rest of its page leaves a gap when it moves to the
    next one. Shrink it into the gap when it stays readable (three quarters of its
    size or more); otherwise let the text after it fill the gap, as a figure
    floated to the top of the next page would. Returns whether anything changed."""
    changed = False
    pages = [page._page_box for page in document.pages]
    for page, following in zip(pages, pages[1:], strict=False):
        gap = _free_space_at_foot(page)
        figure = _first_box(following)
        if figure is None or figure.element_tag != "figure" or gap < MIN_GAP * page.height:
            continue
        if "bleed" in (figure.element.get("class") or "").split():
            continue  # a full-bleed picture has a page of its own: the gap is meant
        image = next((b for b in boxes(figure) if b.element_tag == "img"), None)
        if image is None:
            continue
        shrunk = image.height - (figure.margin_height() - gap) - 2
        if shrunk >= SHRINK_LIMIT * image.height:
            image.element.set("style", f"max-height: {shrunk:.0f}px")
            changed = True
        else:
            changed |= (_move_after_text(figure.element, parents, following, gap)
                        or _move_before_text(figure.element, parents, page,
                                             figure.margin_height() - gap))
    return changed


def _free_space_at_foot(page) -> float:
    """Height left empty between the last line of text and the foot of the text area
    (or the top of the footnotes)."""
    area_bottom = page.content_box_y() + page.height
    notes = [c for c in page.children if type(c).__name__ == "FootnoteAreaBox"]
    limit = notes[0].position_y if notes else area_bottom
    ends = [b.position_y + b.margin_height() for b in boxes(page.children[0])
            if type(b).__name__ in ("LineBox", "InlineReplacedBox")]
    return limit - max(ends) if ends else 0.0


def _first_box(page):
    """The first block of the main text on a page, if it is a figure's."""
    for box in boxes(page.children[0]):
        if type(box).__name__ == "BlockBox" and box.element_tag == "figure":
            return box
        if type(box).__name__ in ("LineBox", "InlineReplacedBox"):
            return None
    return None


def _move_after_text(figure, parents: dict, page, gap: float) -> bool:
    """Move the figure after as many following paragraphs as fill the gap, never past
    a heading (a figure stays in its section)."""
    return _move_past(figure, parents, page, gap, forward=True)


def _block_heights(page) -> dict:
    """The height each element's block takes on the page (its first box, if split)."""
    heights: dict = {}
    for box in boxes(page.children[0]):
        if box.element is not None and type(box).__name__ == "BlockBox":
            heights.setdefault(box.element, box.margin_height())
    return heights


def _blanks_needed(count: int, profile: PrintProfile) -> int:
    """Blank pages that make the count printable: the profile's minimum, then a
    multiple of four for a folded booklet or an even count for a glued spine."""
    total = max(count, profile.min_pages)
    if profile.binding == "saddle-stitch":
        total += -total % 4
    elif profile.binding == "perfect":
        total += total % 2
    return total - count


def _move_before_text(figure, parents: dict, page, needed: float) -> bool:
    """When no text follows the figure in its section, move it up instead, before as
    many paragraphs of the page it should have ended as make room for it: the figure
    then heads that page, and those paragraphs follow it."""
    return _move_past(figure, parents, page, needed, forward=False)


def _move_past(figure, parents: dict, page, height: float, forward: bool) -> bool:
    """Move the figure past the paragraphs beside it on `page` (those after it when
    `forward`, else those before) until they add up to `height`; never past a heading,
    nor, going back, another figure. Going forward, any paragraph helps fill the gap;
    going back, the whole height must be found or nothing moves."""
    parent = parents.get(figure)
    if parent is None:
        return False
    heights = _block_heights(page)
    siblings = list(parent)
    index = siblings.index(figure)
    beside = siblings[index + 1:] if forward else reversed(siblings[:index])
    stops = HEADING_TAGS if forward else (*HEADING_TAGS, "figure")
    passed, total = 0, 0.0
    for sibling in beside:
        if sibling.tag in stops or sibling not in heights:
            break
        total += heights[sibling]
        passed += 1
        if total >= height:
            break
    if passed == 0 or (not forward and total < height):
        return False
    parent.remove(figure)
    parent.insert(index + passed if forward else index - passed, figure)
    return True


def _pad_before_back_page(root, parents: dict, blanks: int) -> None:
    """A folded booklet needs a multiple of four pages: blank ones go just before the
    last page, as a binder would put them (styled by .padding-page in book.css)."""
    back = next((el for el in root.iter() if "colophon" in (el.get("class") or "").split()), None)
    if back is None:
        return
    parent = parents[back]
    index = list(parent).index(back)
    for _ in range(blanks):
        parent.insert(index, ElementTree.Element("div", {"class": PADDING_CLASS}))


def _with_its_heading(element, parents: dict):
    """The element, or the heading just before it: a heading must go with its text."""
    parent = parents.get(element)
    if parent is None:
        return element
    siblings = list(parent)
    index = siblings.index(element)
    while index > 0 and siblings[index - 1].tag in HEADING_TAGS:
        index -= 1
    return siblings[index]


def stray_notes(document) -> Iterator[tuple[int, int, object]]:
    """(note number, page of the call, last paragraph on that page) for each note
    printed on a later page than its call."""
    body_page: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in boxes(page._page_box):
            if _is_note_body(box):
                body_page.setdefault(box.element.get("data-number"), number)
    for number, page in enumerate(document.pages, start=1):
        for box in boxes(page._page_box):
            if _is_note_call(box) and body_page.get(box.element.get("data-number"), number) > number:
                yield int(box.element.get("data-number")), number, _last_paragraph(page._page_box)


def boxes(box) -> Iterator:
    """A box and all the boxes inside it, in document order."""
    yield box
    for child in getattr(box, "children", None) or ():
        yield from boxes(child)


def _is_note_call(box) -> bool:
    return type(box).__name__ == "InlineBox" and (box.element_tag or "").endswith("::footnote-call")


def _is_note_body(box) -> bool:
    return (type(box).__name__ == "BlockBox" and box.element is not None
            and box.element_tag == "span" and "footnote" in (box.element.get("class") or "").split())


def _last_paragraph(page_box):
    """The element of the last line of the main text on a page."""
    html_box = page_box.children[0]
    last = None
    for box in boxes(html_box):
        if type(box).__name__ == "LineBox":
            last = box
    parent = None
    for box in boxes(html_box):
        if last in (getattr(box, "children", None) or ()):
            parent = box
    return parent.element
