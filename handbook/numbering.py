"""Number the sources in order of first citation, and list where each is cited."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .inline import citations
from .model import Book, Source
from .traverse import blocks, texts


@dataclass(frozen=True)
class CitedAt:
    """One citation marker of a source."""

    chapter_id: str
    anchor: str


@dataclass(frozen=True)
class CitedSource:
    """A source as the appendix lists it."""

    number: int
    source: Source
    places: tuple[CitedAt, ...]
    """Every marker that cites the source, in reading order."""


@dataclass(frozen=True)
class SourceIndex:
    """The numbered sources of a book."""

    entries: tuple[CitedSource, ...]

    def number(self, source_id: str) -> int:
        """Return the number a source has in the appendix."""
        return self._numbers[source_id]

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {entry.source.id: entry.number for entry in self.entries}


def number_sources(book: Book) -> SourceIndex:
    """Return the sources numbered by first citation; uncited sources are left out."""
    places: dict[str, list[CitedAt]] = {}
    for chapter in book.chapters:
        for block, _ in blocks(chapter):
            for text in texts(block):
                for ref in citations(text):
                    places.setdefault(ref.source_id, []).append(CitedAt(chapter.id, ref.anchor))
    by_id = {source.id: source for source in book.sources}
    entries = tuple(
        CitedSource(number, by_id[source_id], tuple(found))
        for number, (source_id, found) in enumerate(places.items(), start=1)
    )
    return SourceIndex(entries)
