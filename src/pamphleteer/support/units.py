"""Lengths and trim sizes as authors and profiles write them, in millimetres."""

from __future__ import annotations

import re

from ..model import Trim

MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}


TRIMS = {  # name -> (width, height) in mm
    "a5": (148.0, 210.0),
    "a6": (105.0, 148.0),
    "half-letter": (139.7, 215.9),
    "6x9": (152.4, 228.6),
}


def parse_length(text: str) -> float:
    """'3mm', '0.125in', '12pt' -> millimetres."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt|px)\s*", text)
    if not match:
        raise ValueError(f"'{text}' is not a length: write it like 3mm or 0.125in")
    return float(match[1]) * MM_PER[match[2]]


def parse_trim(text: str) -> Trim:
    """A5, A6, half-letter, 6x9, or a custom '5.5in x 8.5in' / '140 x 200 mm'."""
    key = text.strip().lower().replace(" ", "")
    if key in TRIMS:
        return Trim(text.strip(), *TRIMS[key])
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(mm|cm|in)?[x×](\d+(?:\.\d+)?)(mm|cm|in)?", key)
    if match and (match[2] or match[4]):
        unit_w, unit_h = match[2] or match[4], match[4] or match[2]
        width, height = float(match[1]) * MM_PER[unit_w], float(match[3]) * MM_PER[unit_h]
        if 50 <= width <= 500 and 50 <= height <= 700:
            return Trim(text.strip(), width, height)
    raise ValueError(f"'{text}' is not a trim size: use A5, A6, half-letter, 6x9, "
                     "or a width × height such as '5in x 8in' or '140 x 200 mm'")
