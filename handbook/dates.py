"""The build's dates: what the content is checked against, and what the outputs carry.

Both come from SOURCE_DATE_EPOCH where it is set (reproducible builds), else from today and
the book's publication date.
"""
from __future__ import annotations

import datetime
import os
from pathlib import Path

from .errors import HandbookError, Location, Problem
from .model import Settings

LAST_ZIP_SECOND = 4354819199
"""2107-12-31 23:59:59 UTC: the last moment a zip entry (and so an e-book) can record."""


def check_date() -> datetime.date:
    """Return the date the content is checked against: SOURCE_DATE_EPOCH's if set, else today."""
    if os.environ.get("SOURCE_DATE_EPOCH") is None:
        return datetime.date.today()
    return _epoch().date()


def build_date(settings: Settings) -> datetime.datetime:
    """Return the build's date: SOURCE_DATE_EPOCH if set, else the publication date (UTC)."""
    if os.environ.get("SOURCE_DATE_EPOCH") is None:
        published = settings.published
        if not 1980 <= published.year <= 2107:
            raise HandbookError([Problem(settings.location, "published must be between 1980 and 2107: "
                                         "an e-book's files cannot carry other dates")])
        return datetime.datetime(published.year, published.month, published.day, tzinfo=datetime.UTC)
    return _epoch()


def _epoch() -> datetime.datetime:
    """Return SOURCE_DATE_EPOCH as a date, or raise HandbookError saying what is wrong with it."""
    epoch = os.environ["SOURCE_DATE_EPOCH"]
    where = Location(Path("SOURCE_DATE_EPOCH"), 0)
    if not epoch.strip():
        raise HandbookError([Problem(where, "is set but empty; unset it, or give the build date in seconds "
                                     "since 1970 (for example $(git log -1 --format=%ct))")])
    try:
        seconds = int(epoch)
    except ValueError:
        raise HandbookError([Problem(where, f"must be a whole number of seconds since 1970, not {epoch!r}")]) from None
    if not 0 <= seconds <= LAST_ZIP_SECOND:
        raise HandbookError([Problem(where, f"must be between 0 (1970) and {LAST_ZIP_SECOND} (the end of 2107, "
                                     f"the last date an e-book's zip can hold), not {epoch}")])
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
