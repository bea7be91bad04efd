"""Versions as authors write them (`1.0`, `1.10`, `2026-11`, `1.0-rc1`): their order,
and the next one to suggest."""

from __future__ import annotations

import re


def version_key(version: str) -> tuple:
    """1.10 after 1.9, 2 after 1.12, 1.0.1 after 1.0: numbers compared as numbers, the rest
    as text (a number after text, so 1.0 comes after 1.0-rc, alas, and 1.0b after 1.0)."""
    return tuple((1, int(part)) if part.isdigit() else (0, part)
                 for part in re.split(r"(\d+)", version) if part)


def next_version(version: str) -> str:
    """1.0 -> 1.1, 2 -> 3, 2026-11 -> 2026-11.1: the smallest step after `version`."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"
