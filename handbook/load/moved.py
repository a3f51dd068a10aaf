"""The keys that moved since the earlier format of the files, and where each went.

The first format (one language, a flat book file, clinic files with a list of phones)
was replaced when books got languages and an editions matrix. A book written for it
fails on keys the schemas no longer know, and "unknown key" (or "did you mean
'editions'?" for `edition`) sends its writer the wrong way: so each key that moved is
listed here once, with where it went, and the messages say so.
"""
from __future__ import annotations

from dataclasses import dataclass

from .yamlsource import At

LANGUAGES = "`languages: {en: {title: ..., subtitle: ..., edition: ...}}`"


@dataclass(frozen=True)
class Moved:
    """One key of the earlier format, and where it went."""

    kind: str
    """The kind of file (schema.py's KINDS)."""
    at: At
    """The data path of the mapping that held it."""
    key: str
    went: str
    """Where it went, said as the end of a sentence."""
    old_type: type | None = None
    """For a key that stayed where it was but changed its form: the type of the earlier form."""


MOVED = (
    Moved("book", (), "title", f"moved under `languages:`, where each language has its own: {LANGUAGES}"),
    Moved("book", (), "subtitle", f"moved under `languages:`, where each language has its own: {LANGUAGES}"),
    Moved("book", (), "edition", f"moved under `languages:`, where each language names its edition: {LANGUAGES}"),
    Moved("book", (), "language", f"became `languages:`, each language's code with its title, subtitle and "
          f"edition: {LANGUAGES}"),
    Moved("book", (), "help_now", "moved under `theme:`: `theme: {help_now: crisis}`"),
    Moved("clinic-defaults", (), "name", "moved to each clinic's own file (clinics/<clinic>.yaml, `name: ...`); "
          "the defaults have no name"),
    Moved("clinic", (), "phones", "must now be a mapping by line id, not a list as in the earlier format: the "
          "book's lines by their id (`clinic: \"555 0100\"`), the clinic's own as `night: {label: ..., "
          "number: ...}`", old_type=list),
)


def moved_key(kind: str, at: At, key: str, what: str) -> str | None:
    """Return the message for a key of the earlier format found in a mapping, or None if it is not one."""
    for moved in MOVED:
        if (moved.kind, moved.at, moved.key, moved.old_type) == (kind, at, key, None):
            return f"{what} has the key '{key}' of the earlier format, which {moved.went}"
    return None


def moved_value(kind: str, at: At, value: object) -> str | None:
    """Return how to say that a value has the earlier format's form, or None if it has not."""
    for moved in MOVED:
        if (moved.kind, moved.at + (moved.key,)) == (kind, at) and moved.old_type is not None \
                and isinstance(value, moved.old_type):
            return moved.went
    return None
