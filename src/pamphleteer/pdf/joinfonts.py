"""The fonts of a joined book stored once: one font for all the pieces that use it.

Each piece embeds its own subset of a font, with the glyphs its pages use;
WeasyPrint keeps each glyph's id when it subsets, so the subsets of one font
differ only in which glyphs are drawn and which are left empty. One font made
of every glyph any piece draws (fontTools), with the widths and text mapping of
all of them, then serves every piece, whose text still names the same glyphs:
the pages look the same, and the file holds each font once. Whole fonts (KDP)
are the same bytes in every piece and are simply kept once.
"""

from __future__ import annotations

import io
import itertools
import re
import zlib

import pikepdf
from fontTools.misc.psCharStrings import T2CharString
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, Pdf

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def store_fonts_once(book: Pdf) -> None:
    """Point every page at one font per font name (`/BaseFont`)."""
    font_dicts = _font_resources(book)
    groups: dict[str, dict[tuple[int, int], Dictionary]] = {}
    for fonts in font_dicts:
        for font in fonts.values():
            if font.get("/Subtype") == "/Type0" and font.is_indirect:
                groups.setdefault(str(font.BaseFont), {})[font.objgen] = font
    for group in groups.values():
        if len(group) < 2:
            continue
        merged = _merged_font(book, list(group.values()))
        if merged is None:
            continue
        for fonts in font_dicts:
            for name, font in list(fonts.items()):
                if font.is_indirect and font.objgen in group:
                    fonts[name] = merged


def _font_resources(book: Pdf) -> list[Dictionary]:
    """The /Font dictionary of each distinct page resources dictionary."""
    found, seen = [], set()
    for page in book.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font")
        if fonts is None:
            continue
        key = fonts.objgen if fonts.is_indirect else id(fonts)
        if key not in seen:
            seen.add(key)
            found.append(fonts)
    return found


def _merged_font(book: Pdf, fonts: list[Dictionary]) -> Dictionary | None:
    """One Type0 font standing for all of `fonts` (the same font, subset differently),
    or None if they are not fonts this knows how to put together."""
    descendants = [font.DescendantFonts[0] for font in fonts]
    descriptors = [descendant.FontDescriptor for descendant in descendants]
    kinds = {key for descriptor in descriptors for key in FONT_FILES if key in descriptor}
    if len(kinds) != 1 or any("/CIDSet" in descriptor for descriptor in descriptors):
        return None
    kind = kinds.pop()
    cmaps = [font.ToUnicode.read_bytes() for font in fonts if "/ToUnicode" in font]
    if len(cmaps) != len(fonts) or any(b"beginbfrange" in cmap for cmap in cmaps):
        return None  # only the text mappings WeasyPrint writes are read
    programs = [descriptor[kind].read_bytes() for descriptor in descriptors]
    if len(set(programs)) == 1:
        font_file = descriptors[0][kind]
    else:
        program = _union_of_glyphs(programs)
        if program is None:
            return None
        font_file = pikepdf.Stream(book, zlib.compress(program, 9))
        for key, value in descriptors[0][kind].stream_dict.items():
            if key not in ("/Length", "/Filter", "/DecodeParms", "/Length1"):
                font_file[key] = value
        font_file.Filter = Name.FlateDecode
        if kind == "/FontFile2":
            font_file.Length1 = len(program)
    descriptor = book.make_indirect(Dictionary(dict(descriptors[0].items())))
    descriptor[kind] = font_file
    descendant = book.make_indirect(Dictionary(dict(descendants[0].items())))
    descendant.FontDescriptor = descriptor
    descendant.W = _widths([d.get("/W", Array()) for d in descendants])
    font = book.make_indirect(Dictionary(dict(fonts[0].items())))
    font.DescendantFonts = Array([descendant])
    font.ToUnicode = _text_mapping(book, cmaps)
    return font


# ---- the glyphs ----------------------------------------------------------------------------

def _union_of_glyphs(programs: list[bytes]) -> bytes | None:
    """The first font program with every glyph the others draw and it leaves empty."""
    # The head table stays as the subsets have it (its bounding box is the whole font's):
    # recalculated, it draws the same outlines a shade differently.
    fonts = [TTFont(io.BytesIO(program), recalcTimestamp=False, recalcBBoxes=False) for program in programs]
    # A subset ends at the last glyph it uses: the one reaching furthest holds a place
    # for every glyph of the others (the same glyph id is the same glyph in all).
    fonts.sort(key=lambda font: -font["maxp"].numGlyphs)
    base = fonts[0]
    if all("CFF " in font for font in fonts):  # OpenType with PostScript outlines
        joined = _add_cff_glyphs(base, fonts[1:])
    elif all("glyf" in font for font in fonts):  # TrueType outlines
        joined = _add_truetype_glyphs(base, fonts[1:])
    else:
        joined = False
    if not joined:
        return None  # the subsets stay as they are, one per piece: correct, only larger
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def _add_cff_glyphs(base: TTFont, others: list[TTFont]) -> bool:
    cff = base["CFF "].cff
    top = cff.topDictIndex[0]
    if hasattr(top, "FDArray"):  # CID-keyed: several private dictionaries
        return False
    ours = _glyph_bytes(top.CharStrings)
    known: dict[bytes, bool] = {}
    for other in others:
        other_top = other["CFF "].cff.topDictIndex[0]
        if _widths_encoding(other_top.Private) != _widths_encoding(top.Private):
            return False  # the charstrings' widths would be read against another base
        for glyph, theirs in enumerate(_glyph_bytes(other_top.CharStrings)):  # the same ids as ours
            if _is_empty(ours[glyph], top, known) and not _is_empty(theirs, top, known):
                ours[glyph] = theirs
                top.CharStrings[top.charset[glyph]] = T2CharString(
                    bytecode=theirs, private=top.Private, globalSubrs=cff.GlobalSubrs)
    return True


def _glyph_bytes(charstrings) -> list[bytes]:
    """Each glyph's charstring as the subset wrote it, by glyph id: read in one piece from
    the font's data, not glyph by glyph through fontTools (thousands of glyphs, nearly
    all of them empty, in each piece's subset), which took a sixth of a small book's build."""
    index = charstrings.charStringsIndex
    offsets = index.offsets
    if not offsets:
        return []
    index.file.seek(index.offsetBase + offsets[0])
    data = index.file.read(offsets[-1] - offsets[0])
    return [data[start - offsets[0]:end - offsets[0]] for start, end in itertools.pairwise(offsets)]


def _add_truetype_glyphs(base: TTFont, others: list[TTFont]) -> bool:
    """The TrueType kind: a glyph the subset left empty has no contours. A composite glyph
    names its parts, which the subset kept too, by their names in its own font: they
    are renamed to the base's names for the same ids."""
    glyphs, metrics, order = base["glyf"], base["hmtx"], base.getGlyphOrder()
    for other in others:
        their_glyphs, their_metrics, their_order = other["glyf"], other["hmtx"], other.getGlyphOrder()
        ours_for = dict(zip(their_order, order, strict=False))
        for name, their_name in zip(order[:len(their_order)], their_order, strict=True):
            theirs = their_glyphs[their_name]
            if glyphs[name].numberOfContours != 0 or theirs.numberOfContours == 0:
                continue
            if theirs.isComposite():
                if any(part.glyphName not in ours_for for part in theirs.components):
                    return False
                for part in theirs.components:
                    part.glyphName = ours_for[part.glyphName]
            glyphs[name] = theirs
            metrics[name] = their_metrics[their_name]
    base["maxp"].recalc(base)  # the most points and contours a glyph has, now of all of them
    return True


def _widths_encoding(private) -> tuple:
    return getattr(private, "defaultWidthX", 0), getattr(private, "nominalWidthX", 0)


def _is_empty(code: bytes, top, known: dict[bytes, bool]) -> bool:
    """A glyph the subset left without an outline (WeasyPrint's subsets are desubroutinised,
    so a glyph's bytes say it all). The glyphs left out are the same few bytes over and
    over: `known` remembers what bytes were read as, to read each only once."""
    if code not in known:
        charstring = T2CharString(bytecode=code, private=top.Private, globalSubrs=top.GlobalSubrs)
        charstring.decompile()
        known[code] = [token for token in charstring.program if isinstance(token, str)] == ["endchar"]
    return known[code]


# ---- widths and text --------------------------------------------------------------------

def _widths(arrays: list[Array]) -> Array:
    """One /W array with the width of every glyph any of `arrays` gives."""
    widths: dict[int, object] = {}
    for array in arrays:
        items, index = list(array), 0
        while index < len(items):
            first = int(items[index])
            if isinstance(items[index + 1], pikepdf.Array):
                for offset, width in enumerate(items[index + 1]):
                    widths.setdefault(first + offset, width)
                index += 2
            else:
                for cid in range(first, int(items[index + 1]) + 1):
                    widths.setdefault(cid, items[index + 2])
                index += 3
    merged, run = Array(), []
    for cid in sorted(widths):
        if run and cid != run[0] + len(run[1]):
            merged.extend([run[0], Array(run[1])])
            run = []
        run = run or [cid, []]
        run[1].append(widths[cid])
    if run:
        merged.extend([run[0], Array(run[1])])
    return merged


BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _private_use(text: bytes) -> bool:
    characters = bytes.fromhex(text.decode()).decode("utf-16-be", errors="replace")
    return bool(characters) and all("\ue000" <= c <= "\uf8ff" for c in characters)


def _text_mapping(book: Pdf, cmaps: list[bytes]) -> pikepdf.Stream:
    """One ToUnicode CMap with every glyph's text from all of `cmaps` (WeasyPrint writes
    only bfchar entries). A whole font's mapping comes from its cmap, which gives
    small capitals or old-style figures private-use text, except for the glyphs the
    piece set, whose text WeasyPrint recorded (`internals.complete_text_mapping`):
    the recorded text wins."""
    mapping: dict[int, bytes] = {}
    for cmap in cmaps:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
            for glyph, text in BFCHAR.findall(block):
                known = mapping.get(int(glyph, 16))
                if known is None or (_private_use(known) and not _private_use(text)):
                    mapping[int(glyph, 16)] = text
    head = cmaps[0][:cmaps[0].index(b"endcodespacerange") + len(b"endcodespacerange")]
    body = [head]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        body.append(b"%d beginbfchar" % len(batch))
        body += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        body.append(b"endbfchar")
    body += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    stream = pikepdf.Stream(book, zlib.compress(b"\n".join(body), 9))
    stream.Filter = Name.FlateDecode
    return stream
