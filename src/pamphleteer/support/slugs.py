"""Names made from text for addresses and files: a book's slug, a picture's name in the EPUB,
a heading's id."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """'Mutual Aid: A Factor!' -> 'mutual-aid-a-factor'; accents and apostrophes dropped
    ("Don't" -> 'dont'), at most 60 letters, cut after a whole word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60 and slug:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug[:60]
