"""Pieces of the book kept laid out in memory, for a process that builds again and again
(the preview): an edit is then laid out from the page where it begins.

A build given a `KeptLayouts` keeps each piece of the text it lays out in this
process (`pieces.KeptPiece`: the WeasyPrint pages, the state the page maker
was in at the start of each, the corrected HTML) and notes where every piece of
the text went in the book. `layout.lay_out_edit` then makes an edit in the kept
piece it touches and lays out only from the page the edit begins on to the page
where the new layout meets the old one again (`pieces.lay_out_edited`).

The kept pages are only good for the stylesheets, pictures and print profile
they were laid out with: a build with others starts the keeping afresh. At most
KEPT_PIECES pieces are kept, the last laid out or edited: enough for the
chapters an author is working on, without holding a long book's every page.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pieces.py loads WeasyPrint: only when something is laid out
    from .pieces import KeptPiece, LaidOutPiece, Placement, PrintStyles

KEPT_PIECES = 6


@dataclass
class Place:
    """Where a piece of the text is in the book."""

    first_page: int
    last: bool  # it holds the back matter
    pages: int
    anchors: dict[str, int]  # id -> its page, counted from the piece's first: the contents cites them


class KeptLayouts:
    def __init__(self, limit: int = KEPT_PIECES):
        self.limit = limit
        self.setup: str | None = None  # the stylesheets, pictures and profile laid out with
        self.front: str | None = None  # the front matter's HTML, its page numbers left out
        self.places: dict[str, Place] = {}  # each piece of the text's HTML -> its place, in book order
        self._pieces: OrderedDict[str, KeptPiece] = OrderedDict()  # by their HTML, oldest first

    def begin(self, setup: str) -> None:
        """A build with `setup` begins: what was kept with another is dropped."""
        if setup != self.setup:
            self._pieces.clear()
            self.front = None
        self.setup = setup
        self.places = {}

    def place(self, html: str, place: Place) -> None:
        self.places[html] = place

    def lay_out(self, styles: PrintStyles, html: str, place: Placement) -> LaidOutPiece:
        """`pieces.lay_out_piece`, the piece kept."""
        from .pieces import lay_out_kept

        kept = lay_out_kept(styles, html, place)
        self.keep(kept)
        return kept.laid_out()

    def keep(self, kept: KeptPiece) -> None:
        self._pieces[kept.source] = kept
        self._pieces.move_to_end(kept.source)
        while len(self._pieces) > self.limit:  # a piece no longer in the book goes first, then the oldest
            others = [html for html in self._pieces if html != kept.source]
            self._pieces.pop(next((html for html in others if html not in self.places), others[0]))

    def drop(self, html: str) -> None:
        self._pieces.pop(html, None)

    def replace_place(self, old: str, new: str, place: Place) -> None:
        """The piece whose HTML was `old` is now `new`, at `place`: the book's order kept."""
        self.places = {(new if html == old else html): (place if html == old else where)
                       for html, where in self.places.items()}

    def piece(self, html: str) -> KeptPiece | None:
        return self._pieces.get(html)

    def missing(self) -> list[str]:
        """The pieces of the text placed in the last build but not kept, in book order, as
        many as there is room for: keeping them never pushes out a piece kept already."""
        room = max(0, self.limit - sum(1 for html in self._pieces if html in self.places))
        return [html for html in self.places if html not in self._pieces][:room]
