"""Number the sources in order of first citation, and list where each is cited."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..model import CONTACTS, Book, ClinicBlock, Source
from .traverse import blocks, citations, texts


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
        # In reading order: a public number's source is cited where the contacts box stands.
        for block, _ in blocks(chapter):
            for text in texts(block):
                for ref in citations(text):
                    places.setdefault(ref.source_id, []).append(CitedAt(chapter.id, ref.anchor))
            if isinstance(block, ClinicBlock) and block.key == CONTACTS and book.clinic:
                for phone in book.clinic.phones:
                    if phone.source is not None:
                        anchor = phone_citation_anchor(block, phone.id)
                        places.setdefault(phone.source, []).append(CitedAt(chapter.id, anchor))
    by_id = {source.id: source for source in book.sources}
    entries = tuple(
        CitedSource(number, by_id[source_id], tuple(found))
        for number, (source_id, found) in enumerate(places.items(), start=1)
    )
    return SourceIndex(entries)


def phone_citation_anchor(block: ClinicBlock, phone_id: str) -> str:
    """Return the anchor of the citation beside a public phone number in a contacts box."""
    return f"cite_{block.anchor}_{phone_id}"
