"""The checked book: what prepare.py returns, and everything a build then works from.

Kept apart from prepare.py, which imports every loader and checker, so that a build
reusing a checked book kept from an earlier build (bookcache.py) loads none of them.
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from .analyse.numbering import SourceIndex
from .errors import HandbookError, Location, Problem, Problems
from .load.schema import Document
from .model import Book, Clinic, Settings
from .project import Project
from .theme import Theme

LAST_ZIP_SECOND = 4354819199
"""2107-12-31 23:59:59 UTC: the last moment a zip entry (and so an e-book) can record."""


@dataclass(frozen=True)
class Handbook:
    """The checked book in every language it is built in, with its theme and clinic files."""

    project: Project
    theme: Theme
    settings: Settings
    books: dict[str, Book]
    """The book in each language, by language code."""
    indexes: dict[str, SourceIndex]
    """The numbered sources of each language."""
    clinics: dict[str, Document]
    """Every clinic file of the editions, by the clinic's slug."""
    declared_clinics: tuple[str, ...]
    """The slugs of the clinics the book file's editions list."""
    read_from: str | None = None
    """A hash of every file and folder listing the checked book was made from, and of the
    request (bookcache.py); None where it is not known."""

    def clinic(self, slug: str, language: str) -> Clinic | None:
        """Return an edition's clinic details: the language's defaults, with the clinic's file over them."""
        book = self.books[language]
        if not slug or book.clinic is None:
            return book.clinic
        from .load.clinic import apply_clinic

        problems = Problems()
        clinic = apply_clinic(book.clinic, self.clinics[slug], language, self.settings.languages[0].code, problems)
        problems.raise_if_any()
        return clinic


def check_date() -> datetime.date:
    """Return the date the content is checked against: SOURCE_DATE_EPOCH's if set, else today."""
    if os.environ.get("SOURCE_DATE_EPOCH") is None:
        return datetime.date.today()
    return _epoch().date()


def build_date(settings: Settings) -> datetime.datetime:
    """Return the build's date: SOURCE_DATE_EPOCH if set, else the publication date (UTC)."""
    if os.environ.get("SOURCE_DATE_EPOCH") is None:
        published = settings.published
        date = datetime.datetime(published.year, published.month, published.day, tzinfo=datetime.timezone.utc)
        if not 1980 <= published.year <= 2107:
            raise HandbookError([Problem(settings.location, "published must be between 1980 and 2107: "
                                         "an e-book's files cannot carry other dates")])
        return date
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
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
