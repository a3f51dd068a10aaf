"""Gather the e-book's notes: one for each paragraph, list item, table row or entry that cites.

Reading systems show a note as a pop-up when its marker is tapped, or jump to it where they
cannot. So the notes are short (the sources' numbers and short names), one per piece of text
rather than one per marker (a sentence citing three sources shows one note, not three), and
they live in one notes document at the end of the book, as Standard Ebooks' endnotes do, so a
chapter read straight through ends with its own text, not with a hundred notes. Each note
leads back to the text it belongs to, saying where that is.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..analyse.numbering import CitedSource, SourceIndex, phone_citation_anchor
from ..analyse.traverse import citations
from ..model import (
    CONTACTS,
    Block,
    Book,
    Callout,
    Chapter,
    ClinicBlock,
    Definitions,
    Figure,
    Inlines,
    ListBlock,
    Paragraph,
    Questions,
    Section,
    Table,
)
from ..render import anchors


@dataclass(frozen=True)
class EndNote:
    """The note on one piece of text: the sources it cites, and the way back to it."""

    id: str
    back: str
    """The id of the paragraph, item, row or box the note is about."""
    section: Section
    sources: tuple[CitedSource, ...]
    """Each source the text cites, once, in the order of their numbers."""


@dataclass(frozen=True)
class EndNotes:
    """Every note of the book, by chapter, and the note each citation marker leads to."""

    chapters: tuple[tuple[Chapter, tuple[EndNote, ...]], ...]
    note_of: dict[str, str]
    """The id of the note each citation marker leads to."""


def end_notes(book: Book, index: SourceIndex) -> EndNotes:
    """Return the book's notes: one for each piece of text that cites, in reading order."""
    scope_of = {marker: (scope, section) for chapter in book.chapters for section in chapter.sections
                for block in section.blocks for scope, marker in _markers(block, book)}
    entries = {entry.source.id: entry for entry in index.entries}
    chapters = []
    note_of: dict[str, str] = {}
    for chapter in book.chapters:
        cited: dict[str, tuple[Section, list[str]]] = {}  # by scope, in reading order
        for note in index.notes_in(chapter.id):
            scope, section = scope_of[note.anchor]
            cited.setdefault(scope, (section, []))[1].append(note.source_id)
            note_of[note.anchor] = anchors.note(scope)
        notes = tuple(
            EndNote(anchors.note(scope), scope, section,
                    tuple(sorted({entries[source_id] for source_id in source_ids}, key=lambda entry: entry.number)))
            for scope, (section, source_ids) in cited.items())
        if notes:
            chapters.append((chapter, notes))
    return EndNotes(tuple(chapters), note_of)


def _markers(block: Block, book: Book) -> Iterator[tuple[str, str]]:
    """Yield (scope, marker) for every citation marker of a block: the scope is the id of the
    smallest piece of text holding the marker that has an id of its own."""
    if isinstance(block, Callout):
        for inner in block.blocks:
            yield from _markers(inner, book)
    elif isinstance(block, ClinicBlock) and block.key == CONTACTS and book.clinic:
        # The box cites the sources of its public numbers, as analyse/numbering.py counts them.
        for phone in book.clinic.phones:
            if phone.source is not None:
                yield block.anchor, phone_citation_anchor(block, phone.id)
    else:
        for scope, text in _scoped_texts(block):
            yield from ((scope, ref.anchor) for ref in citations(text))


def _scoped_texts(block: Block) -> Iterator[tuple[str, Inlines]]:
    """Yield each piece of inline text of a block with the id of the element that holds it."""
    if isinstance(block, Paragraph):
        yield block.anchor, block.text
    elif isinstance(block, Figure):
        yield block.anchor, block.caption
    elif isinstance(block, (ListBlock, Questions, Definitions)):
        for item in block.items:
            yield item.anchor, item.text
    elif isinstance(block, Table):
        for row in block.rows:
            for cell in row.cells:
                yield row.anchor, cell
