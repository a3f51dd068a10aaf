"""Number the sources in order of first citation, the publisher's additions after the book's
own, and list every note: each place a source is cited.

A citation is one note in the model. The print book shows the notes as numbered markers
pointing to the sources appendix (or as footnotes); the e-book as short pop-up notes.
"""
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
class Note:
    """One citation marker: where it is, and the source it names."""

    chapter_id: str
    anchor: str
    source_id: str


@dataclass(frozen=True)
class SourceIndex:
    """The numbered sources of a book, and its notes in reading order."""

    entries: tuple[CitedSource, ...]
    notes: tuple[Note, ...] = ()

    def notes_in(self, chapter_id: str) -> list[Note]:
        """Return a chapter's notes, in reading order."""
        return [note for note in self.notes if note.chapter_id == chapter_id]

    @property
    def based_on(self) -> int:
        """Return how many sources the book is based on: those the publisher did not add."""
        return sum(not entry.source.added_by_publisher for entry in self.entries)

    def number(self, source_id: str) -> int:
        """Return the number a source has in the appendix."""
        return self._numbers[source_id]

    def source(self, source_id: str) -> Source:
        """Return a cited source."""
        return next(entry.source for entry in self.entries if entry.source.id == source_id)

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {entry.source.id: entry.number for entry in self.entries}


def number_sources(book: Book) -> SourceIndex:
    """Return the sources numbered by first citation, the publisher's additions after the
    book's own; uncited sources are left out."""
    notes: list[Note] = []
    for chapter in book.chapters:
        # In reading order: a public number's source is cited where the contacts box stands.
        for block, _ in blocks(chapter):
            for text in texts(block):
                for ref in citations(text):
                    notes.append(Note(chapter.id, ref.anchor, ref.source_id))
            if isinstance(block, ClinicBlock) and block.key == CONTACTS and book.clinic:
                for phone in book.clinic.phones:
                    if phone.source is not None:
                        notes.append(Note(chapter.id, phone_citation_anchor(block, phone.id), phone.source))
    places: dict[str, list[CitedAt]] = {}
    for note in notes:
        places.setdefault(note.source_id, []).append(CitedAt(note.chapter_id, note.anchor))
    by_id = {source.id: source for source in book.sources}
    # The sources the book is based on come first, then the publisher's additions (a crisis
    # line cited on the first page must not push the articles down the appendix).
    ordered = sorted(places.items(), key=lambda item: by_id[item[0]].added_by_publisher)
    entries = tuple(
        CitedSource(number, by_id[source_id], tuple(found))
        for number, (source_id, found) in enumerate(ordered, start=1)
    )
    return SourceIndex(entries, tuple(notes))


def phone_citation_anchor(block: ClinicBlock, phone_id: str) -> str:
    """Return the anchor of the citation beside a public phone number in a contacts box."""
    from ..render import anchors

    return anchors.phone_citation(block.anchor, phone_id)
