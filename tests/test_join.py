"""The book joined from its pieces' PDFs, read as a reader would, against the same book
written in one WeasyPrint pass: the pages, their text and folios, where every link and
bookmark goes, the tagged structure, fonts, boxes and output intent, for each profile."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from pamphleteer.pdf.join import join_pieces
from pamphleteer.pdf.layout import piece_pdfs
from pamphleteer.pdf.piecepdf import ACROSS, link_across_pieces
from pamphleteer.pdf.writer import pdf_bytes
from pamphleteer.pipeline import _created, build, choose_profile, lay_out_print
from pamphleteer.problems import collect
from pamphleteer.read.manuscript import read_book
from pamphleteer.support.cache import Cache
from pamphleteer.support.styles import Styles

from support import draw_image, write_manuscript

PARAGRAPH = ("Neighbours kept a common purse for the sick and the widowed, and the purse "
             "outlived the quarrels that began it. ") * 6

# A contents piece, then two chapter pieces: a note in each, the same picture in both,
# and a link from the second back into the first (across pieces, like the contents').
BOOK = f"""
# The purse {{#purse}}

{PARAGRAPH}[^a]

## Who paid in {{#who-paid}}

{PARAGRAPH}

![A purse on a table](purse.png)

{PARAGRAPH}

| Member | Paid in |
|--------|---------|
| Ann    | 3d      |
| Tom    | 2d      |

# The shop {{#shop}}

{PARAGRAPH}[^b] As [the first chapter](#who-paid) says, the purse came first.

![The same purse, later](purse.png)

## What it sold

| Goods | Price |
|-------|-------|
| Flour | 1s    |

{PARAGRAPH}

{PARAGRAPH}

[^a]: The first society's rules survive in a parish chest.
[^b]: A second note, in the second chapter.
"""


@dataclass
class Pair:
    one_pass: bytes  # the book written whole, as the build writes it today
    joined: bytes  # the same book from its pieces
    pieces: list[bytes]


def make_pair(folder: Path, profile_name: str, text: str = BOOK) -> Pair:
    draw_image(folder / "purse.png", size=(900, 600))
    front = "title: The common purse\nlang: en\nauthor: A. Neighbour"
    manuscript = write_manuscript(folder, text, front=front)
    styles = Styles.for_manuscript(manuscript)
    cache = Cache(folder / "cache")
    book = read_book(manuscript, cache=cache, styles=styles)
    profile = choose_profile(book, styles, profile_name)
    document, _ = lay_out_print(book, styles, profile, cache)
    pieces = piece_pdfs(book, styles, profile, _created(book), cache)
    return Pair(pdf_bytes(book, document, profile), join_pieces(pieces), pieces)


@pytest.fixture(scope="module", params=["digital", "press", "kdp"])
def pair(request, tmp_path_factory) -> Pair:
    return make_pair(tmp_path_factory.mktemp(f"join-{request.param}"), request.param)


@pytest.fixture(scope="module")
def digital(tmp_path_factory) -> Pair:
    return make_pair(tmp_path_factory.mktemp("join-digital-only"), "digital")


OPENED: list[pikepdf.Pdf] = []  # kept open: an object read from a closed PDF is gone


def opened(data: bytes) -> pikepdf.Pdf:
    OPENED.append(pikepdf.open(io.BytesIO(data)))
    return OPENED[-1]


# ---- what a reader sees -----------------------------------------------------------------

def page_texts(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def folios(data: bytes) -> list[str]:
    """The last number printed on each page (the folio sits at its foot)."""
    return [(re.findall(r"\b\d+\b", text) or [""])[-1] for text in page_texts(data)]


def destination_page(pdf: pikepdf.Pdf, destination) -> int:
    """The index of the page a destination (a name, or an explicit array) goes to."""
    if not isinstance(destination, pikepdf.Array):
        destination = pikepdf.NameTree(pdf.Root.Names.Dests)[str(destination)]
    return pdf.pages.index(pikepdf.Page(destination[0]))


def links(data: bytes) -> list[tuple[int, int | str]]:
    """(page of the link, page it goes to, or the web address) for every link, in order."""
    pdf = opened(data)
    found = []
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", ()):
            if "/Dest" in annotation:
                found.append((number, destination_page(pdf, annotation.Dest)))
            else:
                found.append((number, str(annotation.A.URI)))
    return found


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """(depth, title, page) of each bookmark, in order."""
    pdf = opened(data)
    with pdf.open_outline() as tree:
        def walk(items, depth):
            for item in items:
                yield depth, item.title, destination_page(pdf, item.destination)
                yield from walk(item.children, depth + 1)
        return list(walk(tree.root, 0))


def marked_content(page: pikepdf.Page) -> list[int]:
    """The MCIDs a page's content marks."""
    ids = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary) \
                and "/MCID" in operands[1]:
            ids.append(int(operands[1].MCID))
    return ids


def unresolved_content(data: bytes) -> list[str]:
    """Every MCID of every page, and every link, that does not lead through the parent
    tree to an element that holds it on that page, and from it, parent by parent, to
    the structure root; empty when the tree is whole."""
    pdf = opened(data)
    root = pdf.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    problems = []
    for number, page in enumerate(pdf.pages):
        for mcid in marked_content(page):
            element = parents[int(page.obj.StructParents)][mcid]
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            holds = any(kid == mcid or (isinstance(kid, pikepdf.Dictionary) and kid.get("/MCID") == mcid)
                        for kid in kids)
            if not holds or element.Pg.objgen != page.obj.objgen or not reaches(element, root):
                problems.append(f"page {number + 1}: MCID {mcid}")
        for annotation in page.obj.get("/Annots", ()):
            if not reaches(parents[int(annotation.StructParent)], root):
                problems.append(f"page {number + 1}: link {annotation.get('/Contents')}")
    return problems


def reaches(element, root) -> bool:
    """Whether an element's parents lead to the structure root, each listing the one
    below, but for the document element's children: WeasyPrint itself leaves the
    elements of margin boxes (the folio) out of the document element's /K."""
    while element.objgen != root.objgen:
        parent = element.P
        kids = parent.K if isinstance(parent.K, pikepdf.Array) else [parent.K]
        listed = any(isinstance(kid, pikepdf.Dictionary) and kid.is_indirect and kid.objgen == element.objgen
                     for kid in kids)
        if not listed and parent.get("/S") != "/Document":
            return False
        element = parent
    return True


def fonts(data: bytes) -> dict[str, bool]:
    """Each font the pages use: whether it is embedded."""
    pdf = opened(data)
    found = {}
    for page in pdf.pages:
        for font in page.obj.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            found[str(font.BaseFont)] = any(f"/FontFile{n}" in descriptor for n in ("", "2", "3"))
    return found


def boxes(data: bytes) -> list[dict[str, list[float]]]:
    names = ("/MediaBox", "/TrimBox", "/BleedBox")
    return [{box: [round(float(v), 3) for v in page.obj[box]] for box in names}
            for page in opened(data).pages]


# ---- the joined book against the one-pass book -------------------------------------------

def test_the_pieces_are_several(pair):
    assert len(pair.pieces) == 3  # the contents, and one piece per chapter


def test_same_pages_text_and_folios(pair):
    assert page_texts(pair.joined) == page_texts(pair.one_pass)
    assert folios(pair.joined) == folios(pair.one_pass)
    assert [len(page_texts(piece)) for piece in pair.pieces] != [len(page_texts(pair.one_pass))]


def test_same_page_boxes(pair):
    assert boxes(pair.joined) == boxes(pair.one_pass)


def test_every_link_goes_to_the_same_page(pair):
    assert links(pair.joined) == links(pair.one_pass)


def test_contents_links_into_other_pieces(digital):
    """The contents is one piece, the chapters others: its links still go to them."""
    texts = page_texts(digital.joined)
    contents_page = next(n for n, text in enumerate(texts) if text.startswith("Contents"))
    targets = {target for page, target in links(digital.joined) if page == contents_page}
    assert len(targets) >= 4 and all(isinstance(t, int) and t > contents_page for t in targets)
    across = [str(a.A.URI) for page in opened(digital.pieces[0]).pages for a in page.obj.get("/Annots", ())
              if "/A" in a]
    assert across and all(uri.startswith(ACROSS) for uri in across)


def test_link_back_into_an_earlier_chapter(digital):
    body = page_texts(digital.joined)
    chapter_two = next(n for n, text in enumerate(body) if "The shop" in text and n > 3)
    back = [target for page, target in links(digital.joined) if page >= chapter_two]
    assert back and all(isinstance(t, int) and t < chapter_two for t in back)


def test_a_link_to_no_id_is_dropped_as_in_one_pass(tmp_path):
    text = BOOK.replace("the purse came first.", "the purse came first ([see](#nowhere)).")
    pair = make_pair(tmp_path, "digital", text)
    assert links(pair.joined) == links(pair.one_pass)
    assert unresolved_content(pair.joined) == []
    pdf = opened(pair.joined)
    annotations = {a.objgen for page in pdf.pages for a in page.obj.get("/Annots", ())}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    linked = {kid.Obj.objgen for i in range(1, len(nums), 2) if isinstance(nums[i], pikepdf.Dictionary)
              for kid in nums[i].K if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid}
    assert linked == annotations


def test_one_tree_of_named_destinations(digital):
    names = list(pikepdf.NameTree(opened(digital.joined).Root.Names.Dests).keys())
    assert names == list(pikepdf.NameTree(opened(digital.one_pass).Root.Names.Dests).keys())
    assert {"purse", "who-paid", "shop"} <= set(names)


def test_outline_nested_and_on_the_right_pages(pair):
    assert outline(pair.joined) == outline(pair.one_pass)


def test_outline_nests_sections_under_their_chapters(digital):
    assert [(depth, title) for depth, title, _ in outline(digital.joined)] == [
        (0, "The purse"), (1, "Who paid in"), (0, "The shop"), (1, "What it sold")]


def test_structure_tree_reaches_every_page(digital):
    assert unresolved_content(digital.one_pass) == []
    assert unresolved_content(digital.joined) == []
    pdf = opened(digital.joined)
    assert [int(page.obj.StructParents) for page in pdf.pages] == list(range(len(pdf.pages)))
    assert len(pdf.Root.StructTreeRoot.K) == 1 and pdf.Root.StructTreeRoot.K[0].S == "/Document"


def test_structure_tree_holds_headings_figures_and_notes(digital):
    def tags(data):
        found, stack = [], [opened(data).Root.StructTreeRoot.K[0]]
        while stack:
            node = stack.pop(0)
            found.append((str(node.S), str(node.get("/Alt", ""))))
            kids = node.get("/K", pikepdf.Array())
            stack += [k for k in (kids if isinstance(kids, pikepdf.Array) else [kids])
                      if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        return found

    assert tags(digital.joined) == tags(digital.one_pass)
    assert ("/Figure", "A purse on a table") in tags(digital.joined)


def test_table_headers_named_once_in_the_book(digital):
    """Each table's header cells have names its data cells refer to; two pieces' tables
    must not share them (a piece joined twice has the same names twice)."""
    headers, references = [], []
    for obj in opened(join_pieces([*digital.pieces, digital.pieces[1]])).objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH" and "/ID" in obj:
            headers.append(str(obj.ID))
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TD":
            references += [str(name) for name in obj.A.Headers]
    assert len(headers) == 6 and len(set(headers)) == 6
    assert references and set(references) <= set(headers)


@pytest.mark.skipif(not shutil.which("qpdf") or not shutil.which("pdfinfo"), reason="needs qpdf and poppler")
def test_independent_readers_accept_the_join(digital, tmp_path):
    path = tmp_path / "joined.pdf"
    path.write_bytes(digital.joined)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    one = tmp_path / "one.pdf"
    one.write_bytes(digital.one_pass)
    read = [subprocess.run(["pdfinfo", "-struct-text", str(p)], capture_output=True, text=True)
            for p in (path, one)]
    def unnumbered(text):  # object numbers differ, and the names made of them
        return re.sub(r"[\w-]*\d+-\d+-\d+", "name", re.sub(r"Object \d+ \d+", "Object", text))

    assert read[0].returncode == 0 and unnumbered(read[0].stdout) == unnumbered(read[1].stdout)
    assert "Who paid in" in read[0].stdout and "parish chest" in read[0].stdout


def test_fonts_embedded(pair):
    assert fonts(pair.joined) and all(fonts(pair.joined).values())
    assert set(fonts(pair.joined)) == set(fonts(pair.one_pass))


def test_metadata_and_output_intent_as_one_pass(pair):
    joined, one = opened(pair.joined), opened(pair.one_pass)
    assert len(joined.Root.get("/OutputIntents", ())) == len(one.Root.get("/OutputIntents", ()))
    assert dict(joined.docinfo) == dict(one.docinfo)
    assert ("/Metadata" in joined.Root) == ("/Metadata" in one.Root)
    if "/Metadata" in one.Root:
        assert joined.Root.Metadata.read_bytes() == one.Root.Metadata.read_bytes()
    assert joined.trailer.ID[0] == one.trailer.ID[0]
    assert str(joined.pdf_version) == str(one.pdf_version)
    assert joined.Root.get("/Lang") == one.Root.get("/Lang")


def test_press_keeps_its_intent_and_no_links(tmp_path_factory):
    pair = make_pair(tmp_path_factory.mktemp("join-press-intent"), "press")
    joined = opened(pair.joined)
    intents = joined.Root.OutputIntents
    assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
    assert links(pair.joined) == []
    # the CMYK profile is the same bytes in every piece, however many were written before
    profiles = {a[1].read_bytes() for piece in pair.pieces
                for a in opened(piece).pages[0].obj.Resources.ColorSpace.values()
                if isinstance(a, pikepdf.Array) and a[0] == "/ICCBased"}
    assert len(profiles) == 1 and profiles == {intents[0].DestOutputProfile.read_bytes()}


def images(data: bytes) -> set[tuple[int, int]]:
    """The picture streams the pages show (object numbers: one per stored copy)."""
    return {image.objgen for page in opened(data).pages
            for image in page.obj.Resources.get("/XObject", {}).values() if image.get("/Subtype") == "/Image"}


def test_a_picture_in_two_pieces_is_stored_once(pair):
    assert [len(images(piece)) for piece in pair.pieces[1:]] == [1, 1]  # each chapter has its copy
    assert len(images(pair.joined)) == len(images(pair.one_pass)) == 1


def test_pages_look_the_same(pair):
    """Pixel for pixel: each font, put together from the pieces' subsets, draws every glyph."""
    one, joined = pypdfium2.PdfDocument(pair.one_pass), pypdfium2.PdfDocument(pair.joined)
    try:
        assert len(one) == len(joined)
        for number in range(len(one)):
            assert one[number].render(scale=1).to_pil().tobytes() == \
                joined[number].render(scale=1).to_pil().tobytes(), f"page {number + 1}"
    finally:
        one.close()
        joined.close()


def font_programs(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Each font name, and the embedded font programs stored for it."""
    found: dict[str, set] = {}
    for page in opened(data).pages:
        for font in page.obj.Resources.get("/Font", {}).values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = next(descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3")
                           if k in descriptor)
            found.setdefault(str(font.BaseFont), set()).add(program.objgen)
    return found


def test_each_font_stored_once(pair):
    assert any(len(programs) == 1 for programs in font_programs(pair.pieces[1]).values())
    assert all(len(programs) == 1 for programs in font_programs(pair.joined).values())
    assert set(font_programs(pair.joined)) == set(font_programs(pair.one_pass))


@pytest.fixture(scope="module")
def truetype(tmp_path_factory) -> Pair:
    """The book set in a TrueType font (Debian's DejaVu Serif) through its own styles/,
    as an author restyles a book: its subsets draw TrueType outlines, not CFF."""
    from pamphleteer.support.styles import DEFAULTS

    folder = tmp_path_factory.mktemp("join-truetype")
    (folder / "styles" / "print").mkdir(parents=True)
    css = DEFAULTS.find("print/book.css").read_text(encoding="utf-8")
    (folder / "styles" / "print" / "book.css").write_text(
        css.replace('"Linux Libertine O"', '"DejaVu Serif"'), encoding="utf-8")
    return make_pair(folder, "digital")


def test_a_truetype_font_is_stored_once_and_draws_every_glyph(truetype):
    kinds = {key for page in opened(truetype.joined).pages
             for font in page.obj.Resources.get("/Font", {}).values()
             for key in font.DescendantFonts[0].FontDescriptor.keys() if key.startswith("/FontFile")}
    assert kinds == {"/FontFile2"}  # TrueType outlines only
    assert "DejaVu-Serif" in " ".join(font_programs(truetype.joined))
    test_each_font_stored_once(truetype)
    test_pages_look_the_same(truetype)
    test_joined_book_is_no_bigger_than_written_whole(truetype)


def test_joined_book_is_no_bigger_than_written_whole(pair):
    """Fonts and pictures once: the pieces' copies do not make the book grow."""
    assert len(pair.joined) <= 1.05 * len(pair.one_pass) < sum(map(len, pair.pieces))


def test_same_pieces_same_bytes(digital):
    assert join_pieces(digital.pieces) == digital.joined


def test_links_across_pieces_rewritten_only_when_the_id_is_elsewhere():
    html = '<h1 id="here">A</h1><a href="#here">in</a><a href="#there">out</a><a href="https://x.org">web</a>'
    assert link_across_pieces(html) == html.replace('"#there"', f'"{ACROSS}there"')


def test_the_build_writes_the_joined_book(tmp_path):
    """What `pamphleteer build` writes is this join of these pieces."""
    pair = make_pair(tmp_path / "pair", "digital")
    manuscript = tmp_path / "pair" / "test.md"
    with collect():
        built = build(manuscript, tmp_path / "out", ("pdf",)).outputs["pdf"]
    assert built.read_bytes() == pair.joined
