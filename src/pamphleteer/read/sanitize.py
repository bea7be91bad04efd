"""Raw HTML in a manuscript: well-formed, from a safe subset, or out.

Markdown lets an author write HTML. An EPUB must stay unscripted, and a
manuscript may come from someone else, so after Markdown has done its work the
HTML is checked once, here: it must be well-formed XHTML; scripts, frames,
embedded objects, forms and styles go (with their content) and so do event
handlers and `javascript:` links, each with a warning; any other unknown
element is unwrapped (its text stays) and unknown attributes are dropped.
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Callable

from lxml import etree

from ..problems import Diagnostics

# What a pamphlet's text may hold: what Markdown makes, and the usual inline extras.
ALLOWED = {
    "div", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "colgroup", "col", "thead", "tbody",
    "tfoot", "tr", "th", "td", "a", "img", "em", "strong", "i", "b", "u", "s", "del", "ins", "mark",
    "small", "sub", "sup", "code", "kbd", "samp", "var", "q", "cite", "abbr", "dfn", "time", "span",
    "bdi", "bdo", "wbr",
}
# Removed with everything inside them: active content, or nothing a book can show.
DANGEROUS = {
    "script", "noscript", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "button", "select", "option", "textarea", "label", "fieldset", "link",
    "meta", "base", "template", "canvas", "audio", "video", "source", "track", "svg", "math",
    "dialog", "portal",
}
ATTRIBUTES = {
    "id", "class", "title", "lang", "dir", "href", "src", "alt", "colspan", "rowspan", "scope",
    "headers", "datetime", "cite", "start", "reversed", "type", "value", "width", "height", "role",
    "abbr", "span",
}
# Attributes HTML5 (and so EPUB 3) keeps only on some elements: elsewhere they are the
# presentational HTML of old pages (`<table width>`, `<ul type>`), which an EPUB refuses.
# `align` goes everywhere: a table cell's has become a class already (tables.py).
ONLY_ON = {
    "width": {"img"}, "height": {"img"}, "span": {"col", "colgroup"}, "type": {"ol"},
    "start": {"ol"}, "reversed": {"ol"}, "value": {"li"}, "scope": {"th"}, "abbr": {"th"},
    "headers": {"th", "td"}, "colspan": {"th", "td"}, "rowspan": {"th", "td"},
    "datetime": {"time", "del", "ins"}, "cite": {"blockquote", "q", "del", "ins"},
    "href": {"a"}, "src": {"img"}, "alt": {"img"},
}
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:", "#")
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}

LineOf = Callable[[str], "int | None"]


def check_well_formed(markup: str, line_of: LineOf, diag: Diagnostics) -> None:
    """Raw HTML must be XHTML: every element closed, attributes quoted."""
    try:
        etree.fromstring(f"<div>{named_entities_to_text(markup)}</div>".encode())
    except etree.XMLSyntaxError as exc:
        line_text = markup.split("\n")[max(exc.lineno - 1, 0)] if exc.lineno else ""
        tag = re.search(r"<[a-zA-Z][^>]*>?", line_text)
        line = line_of(tag[0][:20]) if tag else None
        if "Excessive depth" in exc.msg:  # the XML parser's limit, 256 levels
            diag.error("READ-051", "elements nested more than 255 deep (HTML, emphasis or quotes inside one "
                       "another): nest them less", line=line)
            return
        diag.error("READ-052", f"the HTML in the manuscript is not well-formed XHTML ({exc.msg}): "
                   "close every element (<br/>, </p>) and quote every attribute", line=line)


def named_entities_to_text(markup: str) -> str:
    """&nbsp; and the like are HTML, not XML: turn them into the characters they name."""
    def replace(match: re.Match) -> str:
        name = match[1]
        if name in XML_ENTITIES:
            return match[0]
        text = html_entities.unescape(match[0])
        return text if text != match[0] else f"&amp;{name};"
    return re.sub(r"&([A-Za-z][A-Za-z0-9]*);", replace, markup)


def clean(root, line_of: LineOf, diag: Diagnostics) -> None:
    """Make the HTML (parsed by lxml.html) safe, warning about each thing removed."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element is root or element.getparent() is None:
            continue
        tag = element.tag.lower()
        if tag in DANGEROUS:
            diag.warning("READ-053", f"<{tag}> removed: a book cannot run or embed it (EPUBs must stay "
                         "unscripted)", line=line_of(f"<{tag}"))
            element.drop_tree()  # lxml.html: gone, its tail kept
        elif tag not in ALLOWED:
            diag.warning("READ-054", f"<{tag}> is not an element a book can use: removed, its text kept",
                         line=line_of(f"<{tag}"))
            element.drop_tag()  # lxml.html: the element goes, its text and children stay
        else:
            _clean_attributes(element, tag, line_of, diag)


def _clean_attributes(element, tag: str, line_of: LineOf, diag: Diagnostics) -> None:
    for name, value in list(element.attrib.items()):
        lower = name.lower()
        if lower.startswith("on"):
            diag.warning("READ-055", f"the {lower} handler on <{tag}> removed: EPUBs must stay unscripted",
                         line=line_of(f"{name}="))
            del element.attrib[name]
        elif lower in ("href", "src") and re.match(r"\s*(javascript|vbscript):", value, re.IGNORECASE):
            diag.warning("READ-056", f"a {value.split(':')[0].strip()}: link removed: EPUBs must stay "
                         "unscripted", line=line_of(value[:20]))
            del element.attrib[name]
        elif lower not in ATTRIBUTES and not lower.startswith("aria-"):
            del element.attrib[name]  # style, data-*, and the rest: the look lives in styles/
        elif tag not in ONLY_ON.get(lower, {tag}):
            del element.attrib[name]

