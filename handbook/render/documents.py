"""The book as a series of documents: front matter, one per chapter, and the sources.

The e-book and the web edition both split the book this way; this module says which
document every anchor lives in, and the order a reader meets the anchors in.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..analyse.numbering import SourceIndex
from ..analyse.traverse import blocks, page_anchors
from ..model import Book, Chapter, Definitions, Figure
from . import anchors

FRONT = ("cover", "title-page", "colophon", "contents")
"""The anchors of the front matter, in reading order."""


@dataclass(frozen=True)
class Split:
    """Where each part of the book goes, for one output's file names."""

    files: dict[str, str]
    """The file each anchor lives in."""
    order: tuple[str, ...]
    """Every anchor at which a printed page may start, in reading order."""
    images: dict[Path, tuple[str, str]]
    """The name and media type each picture gets beside the documents."""

    def href(self, anchor: str) -> str:
        """Return a link to an anchor from any document."""
        return f"{self.files[anchor]}#{anchor}"


def split(book: Book, index: SourceIndex, names: dict[str, str], extension: str) -> Split:
    """Return the book split into documents.

    `names` gives the file of each front-matter part and of the sources; a chapter goes
    into `<chapter id><extension>`.
    """
    files = dict(names)
    for chapter in book.chapters:
        name = f"{chapter.id}{extension}"
        for anchor in chapter_anchors(chapter):
            files[anchor] = name
        for section in chapter.sections:
            files[anchors.heading(section.id)] = name
        for block, _ in blocks(chapter):
            if isinstance(block, Definitions):
                files.update((entry.id, name) for entry in block.items)  # the glossary's terms
    for entry in index.entries:
        files[anchors.source(entry.source.id)] = names["sources"]
        for place in entry.places:
            files[place.anchor] = f"{place.chapter_id}{extension}"
    order = list(FRONT)
    for chapter in book.chapters:
        order.extend(chapter_anchors(chapter))
    order.append("sources")
    order.extend(anchors.source(entry.source.id) for entry in index.entries)
    return Split(files, tuple(order), image_names(book))


def chapter_anchors(chapter: Chapter) -> list[str]:
    """Return a chapter's anchors at which a printed page may start, in reading order."""
    anchors = [chapter.id]
    for section in chapter.sections:
        anchors.append(section.id)
        for block in section.blocks:
            anchors.extend(page_anchors(block))
    return anchors


def image_names(book: Book) -> dict[Path, tuple[str, str]]:
    """Return the name and media type of each picture, numbered so that names never clash."""
    names: dict[Path, tuple[str, str]] = {}
    for chapter in book.chapters:
        for block, _ in blocks(chapter):
            if isinstance(block, Figure) and block.path not in names:
                names[block.path] = (f"images/{len(names) + 1}{block.path.suffix.lower()}", block.media_type)
    return names


def is_glossary(book: Book, chapter: Chapter) -> bool:
    """Tell whether a chapter is the book's glossary, as the book file names it."""
    return chapter.id == book.settings.glossary
