"""Versions as authors write them (`1.0`, `1.10`, `2026-11`, `1.0-rc1`): their order,
and the next one to suggest."""

from __future__ import annotations

import re

# Words that mark a version before its release, in the order they come: 1.0.dev1, 1.0a,
# 1.0-beta2, 1.0rc1, then 1.0. Other words are taken as pre-releases too, after these.
PRE_RELEASE = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "c": 3, "pre": 3, "preview": 3,
               "rc": 3}
# Words that mark a version after its release and before the next: 1.0, 1.0-post1, 1.0.1.
POST_RELEASE = {"post", "patch", "rev"}
# Where a version ends, against what may come there in another: a pre-release word sorts
# before it, a post-release word or a number after it (1.0-rc1 < 1.0 < 1.0-post1 < 1.0.1).
_PRE, _END, _POST, _NUMBER = range(4)


def version_key(version: str) -> tuple:
    """1.0-rc1 < 1.0 < 1.0.1 < 1.1 < 1.10 < 2 < 2026-11 < 2026-11.1: numbers compared as
    numbers, whatever separates them (`.` or `-`); a word marks a pre-release (or, for post,
    patch and rev, a post-release). After a `+` is a build's label: 1.0 < 1.0+lulu < 1.0.1."""
    main, _, build = version.partition("+")
    return (_parts_key(main), _parts_key(build) if build else ())


def _parts_key(text: str) -> tuple:
    parts = []
    for part in re.findall(r"\d+|[A-Za-z]+", text):  # the separators themselves do not count
        word = part.lower()
        if part.isdigit():
            parts.append((_NUMBER, int(part), 0, ""))
        elif word in POST_RELEASE:
            parts.append((_POST, 0, 0, word))
        else:
            parts.append((_PRE, 0, PRE_RELEASE.get(word, len(PRE_RELEASE)), word))
    return (*parts, (_END, 0, 0, ""))


def next_version(version: str) -> str:
    """1.0 -> 1.1, 2 -> 3, 1.0-rc1 -> 1.0-rc2, 2026-11 -> 2026-11.1: the smallest step after
    `version`. A number after a hyphen is part of a date (November 2026), so it is kept."""
    head, number = re.fullmatch(r"(.*?)(\d*)", version).groups()
    if number and not head.endswith(("-", "+")):
        return f"{head}{int(number) + 1}"
    return f"{version}.1"
