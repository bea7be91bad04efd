"""The time a build stamps on what it makes: never the clock, so that the same
manuscript gives the same bytes (reproducible builds, SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import datetime as dt
import os

from ..model import Book


def source_date_epoch() -> dt.datetime | None:
    """The time SOURCE_DATE_EPOCH fixes for reproducible builds, if it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None


def build_time(book: Book) -> dt.datetime:
    """The moment the book claims it was made: SOURCE_DATE_EPOCH, else its date, else the
    time the manuscript was last saved. Never the clock: a rebuild must give the same bytes."""
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed
    day = book.metadata.first_day
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(int(book.source.stat().st_mtime), dt.UTC)
