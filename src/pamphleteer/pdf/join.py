"""The pieces of the print edition, each a PDF of its own, joined into the book.

Each piece (`piecepdf`) is laid out with its folios already continuing from the
piece before, so its pages go into the book as they are. What WeasyPrint makes
for a whole document is made again here for the whole book, the way one
WeasyPrint pass makes it:

- the named destinations of all pieces in one `/Dests` tree, and each link
  written across pieces (`piecepdf.ACROSS`) made a link to its destination;
- the outline, nested by heading level over the whole book;
- the tagged structure (PDF/UA): the pieces' elements under one Document
  element, the parent tree numbered again (pages first, then annotations, as
  WeasyPrint numbers them);
- the catalogue's metadata, language, output intent, taken from the first piece
  (every piece has the same);
- a picture or colour profile that several pieces hold is stored once, and each
  font once, with the glyphs of every piece (`joinfonts`).

The same pieces give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Pdf, String

from .internals import BOOKMARK_LEVEL
from .joinfonts import store_fonts_once
from .piecepdf import ACROSS

# What the join makes again for the whole book; every other catalogue entry is the first piece's.
REMADE = {"/Type", "/Pages", "/Names", "/Outlines", "/StructTreeRoot"}


def join_pieces(pieces: list[bytes]) -> bytes:
    """The book's PDF from its pieces' PDFs, in reading order."""
    sources = [pikepdf.open(io.BytesIO(data)) for data in pieces]
    book = pikepdf.new()
    try:
        for number, source in enumerate(sources[1:], start=1):
            _own_header_ids(source, f"p{number}-")
        for source in sources:
            book.pages.extend(source.pages)
        first = sources[0]
        for key, value in first.Root.items():
            if key not in REMADE:
                book.Root[key] = _copy(book, value)
        book.docinfo = _copy(book, first.docinfo)
        _join_destinations(book, sources)
        _join_outline(book, sources)
        _join_structure(book, sources)
        _link_across(book)
        _store_once(book)
        store_fonts_once(book)
        book.trailer.ID = _copy(book, first.trailer.ID)
        out = io.BytesIO()
        book.save(out, min_version=max(source.pdf_version for source in sources),
                  object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True,
                  fix_metadata_version=False)  # the pieces' XMP as it is, as in one pass
        return out.getvalue()
    finally:
        for source in sources:
            source.close()
        book.close()


def _copy(book: Pdf, value):
    """An object of a piece, in the book (pikepdf copies only indirect objects across)."""
    if not isinstance(value, pikepdf.Object):
        return value
    if value.is_indirect:
        return book.copy_foreign(value)
    if isinstance(value, pikepdf.Dictionary):
        return Dictionary({key: _copy(book, item) for key, item in value.items()})
    if isinstance(value, pikepdf.Array):
        return Array([_copy(book, item) for item in value])
    return value


# ---- named destinations and links ------------------------------------------------------

def _join_destinations(book: Pdf, sources: list[Pdf]) -> None:
    names: dict[bytes, object] = {}
    for source in sources:
        if "/Names" in source.Root and "/Dests" in source.Root.Names:
            for name, destination in pikepdf.NameTree(source.Root.Names.Dests).items():
                names.setdefault(name.encode() if isinstance(name, str) else bytes(name),
                                 _copy(book, destination))
    if not names:
        return
    flat = Array()
    for name in sorted(names):  # a name tree is sorted by its keys' bytes
        flat.append(String(name))
        flat.append(names[name])
    book.Root.Names = Dictionary(Dests=Dictionary(Names=flat))


def _link_across(book: Pdf) -> None:
    """A link the piece wrote as ACROSS + id goes to the named destination `id`, as
    WeasyPrint writes a link inside its document. A link to an id no piece has is
    taken away, as WeasyPrint drops it from a whole book, and so is its place in the
    structure (run after `_join_structure`)."""
    names = set()
    if "/Names" in book.Root and "/Dests" in book.Root.Names:
        names = {str(name) for name in book.Root.Names.Dests.Names[::2]}
    for page in book.pages:
        kept = Array()
        for annotation in page.obj.get("/Annots", ()):
            action = annotation.get("/A")
            uri = str(action.URI) if action is not None and action.get("/S") == "/URI" else ""
            if uri.startswith(ACROSS) and uri[len(ACROSS):] not in names:
                _drop_from_structure(book, annotation)
                continue
            kept.append(annotation)
            if uri.startswith(ACROSS):
                anchor = String(uri[len(ACROSS):])
                del annotation["/A"]
                annotation.Dest = anchor
                if "/Contents" in annotation:
                    annotation.Contents = anchor
        if "/Annots" in page.obj:
            page.obj.Annots = kept


def _drop_from_structure(book: Pdf, annotation) -> None:
    if "/StructTreeRoot" not in book.Root or "/StructParent" not in annotation:
        return
    nums = book.Root.StructTreeRoot.ParentTree.Nums
    key = int(annotation.StructParent)
    for index in range(0, len(nums), 2):
        if int(nums[index]) == key:
            element = nums[index + 1]
            kids = element.get("/K", Array())
            element.K = Array([kid for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
                               if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
                                       and kid.Obj.objgen == annotation.objgen)])
            del nums[index]
            del nums[index]
            return


# ---- the outline -----------------------------------------------------------------------

@dataclass
class _Bookmark:
    item: Dictionary  # the outline item, already in `book`
    level: int
    closed: bool
    children: list[_Bookmark] = field(default_factory=list)


def _join_outline(book: Pdf, sources: list[Pdf]) -> None:
    bookmarks = [_Bookmark(_copy(book, item), int(item[BOOKMARK_LEVEL]), int(item.get("/Count", 0)) < 0)
                 for source in sources if "/Outlines" in source.Root
                 for item in _items(source.Root.Outlines.get("/First"))]
    if not bookmarks:
        return
    top = _nest(bookmarks)
    root = book.make_indirect(Dictionary())
    root.Count = _link_items(top, root)
    book.Root.Outlines = root


def _items(item) -> list:
    """The outline items from `item` on, each before its children."""
    found = []
    while item is not None:
        found.append(item)
        found += _items(item.get("/First"))
        item = item.get("/Next")
    return found


def _nest(bookmarks: list[_Bookmark]) -> list[_Bookmark]:
    """The bookmarks nested as WeasyPrint nests them: under the nearest bookmark before
    of a lower level; a skipped level (an h3 right after an h1) makes no empty item."""
    top: list[_Bookmark] = []
    open_path: list[_Bookmark] = []  # the bookmarks a new one may go under, outermost first
    for bookmark in bookmarks:
        while open_path and open_path[-1].level >= bookmark.level:
            open_path.pop()
        (open_path[-1].children if open_path else top).append(bookmark)
        open_path.append(bookmark)
    return top


def _link_items(bookmarks: list[_Bookmark], parent: Dictionary) -> int:
    """Link the items to their parent and one another; the number of items shown when
    the parent is open (WeasyPrint's /Count)."""
    shown = len(bookmarks)
    for index, bookmark in enumerate(bookmarks):
        item = bookmark.item
        for key in ("/First", "/Last", "/Prev", "/Next", "/Parent", BOOKMARK_LEVEL):
            if key in item:
                del item[key]
        item.Parent = parent
        if index:
            item.Prev = bookmarks[index - 1].item
            bookmarks[index - 1].item.Next = item
        count = _link_items(bookmark.children, item)
        item.Count = -count if bookmark.closed else count
        if not bookmark.closed:
            shown += count
        if bookmark.children:
            item.First = bookmark.children[0].item
            item.Last = bookmark.children[-1].item
    if bookmarks:
        parent.First = bookmarks[0].item
        parent.Last = bookmarks[-1].item
    return shown


# ---- the tagged structure --------------------------------------------------------------

def _join_structure(book: Pdf, sources: list[Pdf]) -> None:
    """One Document element over every piece's elements. WeasyPrint keys the parent
    tree by page (0 to pages - 1), then by annotation: the book's keys are numbered
    the same way, so that a page's /StructParents is its index, as in one pass."""
    if not all("/StructTreeRoot" in source.Root for source in sources):
        return
    first_root = sources[0].Root.StructTreeRoot
    root = book.make_indirect(Dictionary({key: _copy(book, value) for key, value in first_root.items()
                                          if key not in ("/K", "/ParentTree", "/ParentTreeNextKey")}))
    first_document = first_root.K[0]
    document = book.make_indirect(Dictionary({key: _copy(book, value) for key, value in first_document.items()
                                              if key not in ("/K", "/P")}))
    document.K, document.P = Array(), root
    total_pages = len(book.pages)
    page_nums, annotation_nums = Array(), Array()
    pages_before = 0
    for source in sources:
        piece_document = _copy(book, source.Root.StructTreeRoot.K[0])
        for element in piece_document.K:
            document.K.append(element)
        _adopt_strays(book, source, document)
        pages = len(source.pages)
        remap = {}
        nums = _copy(book, source.Root.StructTreeRoot.ParentTree).Nums
        for index in range(0, len(nums), 2):
            key, value = int(nums[index]), nums[index + 1]
            if key < pages:
                remap[key] = pages_before + key
                page_nums.extend([pages_before + key, value])
            else:
                remap[key] = total_pages + len(annotation_nums) // 2
                annotation_nums.extend([remap[key], value])
        for page in book.pages[pages_before:pages_before + pages]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = remap[int(page.obj.StructParents)]
            for annotation in page.obj.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = remap[int(annotation.StructParent)]
        pages_before += pages
    parent_tree = book.make_indirect(Dictionary(Nums=Array([*page_nums, *annotation_nums])))
    root.K, root.ParentTree = Array([document]), parent_tree
    book.Root.StructTreeRoot = root


def _adopt_strays(book: Pdf, source: Pdf, document) -> None:
    """WeasyPrint leaves some elements (a margin box's, the folio's) out of their
    parent's /K, with /P the document element all the same: give them the book's, so
    that nothing still points at the piece's own tree."""
    piece_document = source.Root.StructTreeRoot.K[0].objgen
    for obj in source.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem" \
                and "/P" in obj and obj.P.objgen == piece_document:
            _copy(book, obj).P = document


def _own_header_ids(source: Pdf, prefix: str) -> None:
    """WeasyPrint names a table's header cells after the table's object number
    ("12-0-1"), and each data cell lists its headers by name: unique in a piece,
    not across pieces. Prefix the names of a piece's cells."""
    for obj in source.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/StructElem":
            continue
        if obj.get("/S") == "/TH" and "/ID" in obj:
            obj.ID = String(prefix + str(obj.ID))
        attributes = obj.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                attribute.Headers = Array([String(prefix + str(name)) for name in attribute.Headers])


# ---- pictures and colour profiles stored once -----------------------------------------

def _store_once(book: Pdf) -> None:
    """Each piece carries its own copy of the pictures and colour profiles it shows:
    point every page at one copy of each, so the others are not written."""
    kept: dict[str, pikepdf.Object] = {}
    keys: dict[tuple[int, int], str] = {}
    seen: set[tuple[int, int]] = set()  # a piece's pages share one resources dictionary
    for page in book.pages:
        resources = page.obj.get("/Resources")
        if resources is None or (resources.is_indirect and resources.objgen in seen):
            continue
        if resources.is_indirect:
            seen.add(resources.objgen)
        for group in ("/XObject", "/ColorSpace"):
            for name, value in list(resources.get(group, Dictionary()).items()):
                resources[group][name] = _one_copy(value, kept, keys)
    for intent in book.Root.get("/OutputIntents", ()):
        if "/DestOutputProfile" in intent:
            intent.DestOutputProfile = _one_copy(intent.DestOutputProfile, kept, keys)


def _one_copy(value, kept: dict, keys: dict) -> object:
    """The first copy stored of a picture (with its mask) or of an ICC profile (alone
    or in a colour space array); anything else as it is."""
    if isinstance(value, pikepdf.Array):
        for index, item in enumerate(value):
            value[index] = _one_copy(item, kept, keys)
        return value
    if not isinstance(value, pikepdf.Stream) or value.get("/Subtype") == "/Form":
        return value  # a form's resources reach the whole piece: not worth comparing
    return kept.setdefault(_stream_key(value, keys), value)


def _stream_key(stream: pikepdf.Stream, keys: dict) -> str:
    """What makes two streams the same: their bytes, and their dictionaries read
    through references (each piece numbers its objects its own way)."""
    if stream.objgen not in keys:
        data = stream.read_raw_bytes() + _value_key(stream.stream_dict, keys).encode()
        keys[stream.objgen] = hashlib.sha256(data).hexdigest()
    return keys[stream.objgen]


def _value_key(value, keys: dict) -> str:
    if isinstance(value, pikepdf.Stream):
        return f"stream:{_stream_key(value, keys)}"
    if isinstance(value, pikepdf.Dictionary):
        return "<<" + " ".join(f"{key} {_value_key(value[key], keys)}" for key in sorted(value.keys())
                               if key != "/Length") + ">>"
    if isinstance(value, pikepdf.Array):
        return "[" + " ".join(_value_key(item, keys) for item in value) + "]"
    return repr(value)
