"""Read the sources file (sources/sources.yaml): every source the book cites.

A source's title, author and date are given as the source shows them, in its own
language (`language`, by default the book's first language). What the book says about it
(its kind, and the note on it) is the book's own text, so a book in several languages
gives it per language: {en: ..., es: ...}.
"""
from __future__ import annotations

import datetime
from typing import Any

from ..errors import Problems
from ..model import Source
from ..project import Project
from .inline import typeset
from .schema import Document, read
from .yamlsource import At


def read_sources(project: Project, problems: Problems) -> Document | None:
    """Return the checked sources file."""
    return read(project.sources_file, "sources", problems)


def sources_in(document: Document, language: str, source_language: str, problems: Problems) -> tuple[Source, ...]:
    """Return the sources as a language's edition describes them, recording any text it lacks."""
    sources = []
    for index, entry in enumerate(document.data["sources"]):
        text = {key: (entry[key].strip() if isinstance(entry[key], str) else None)
                for key in ("title", "author", "date")}
        words = {key: _in_language(document, ("sources", index, key), entry[key], language, source_language,
                                   problems) for key in ("kind", "note")}
        short = (_in_language(document, ("sources", index, "short"), entry["short"], language, source_language,
                              problems) if "short" in entry else None)
        sources.append(Source(entry["id"], document.location(("sources", index)), **text,
                              kind=words["kind"], note=words["note"],
                              added_by_publisher=entry.get("added_by_publisher", False), url=entry.get("url"),
                              short=short, language=entry.get("language", source_language),
                              checked=_date(entry.get("checked"))))
    return tuple(sources)


def _date(value: str | None) -> datetime.date | None:
    """Return a YYYY-MM-DD date the schema has checked, or None."""
    return datetime.date.fromisoformat(value) if value else None


def _in_language(document: Document, at: At, value: Any, language: str, source_language: str,
                 problems: Problems) -> str:
    """Return a text in a language: one text is the source language's; a mapping gives each."""
    if isinstance(value, str):
        if language != source_language:
            problems.add(document.location(at), f"this text is in {source_language!r} only; the {language!r} "
                         f"edition needs it too: write it as {{{source_language}: ..., {language}: ...}}")
        return typeset(" ".join(value.split()))
    if language not in value:
        problems.add(document.location(at), f"this text has no {language!r} version; add `{language}: ...`")
        return ""
    return typeset(" ".join(value[language].split()))
