"""Rules across files: every citation names a source, ids are unique, links lead somewhere.

Runs only on a book that loaded cleanly, so that each message here is about how the
files fit together, not about one file's typing.
"""
from __future__ import annotations

import re

from ..errors import Location, Problems
from ..model import CONTACTS, Book, Callout, ClinicBlock, Definitions, Notes, Questions
from .traverse import blocks, citations, links, texts

MADE_IDS = {"cover", "title", "title-page", "nav", "contents", "toc", "sources", "colophon", "landmarks", "page-list"}
"""Ids the editions make themselves: the theme's cover, title page, contents, sources and
colophon, and the e-book's files (a chapter `title` would be a second title.xhtml)."""
MADE_PATTERN = re.compile(r"source-.*|page-\d+|note-.*|term-.*")
"""The sources (named by their ids), the numbered pages, the e-book's notes, the glossary's terms."""
WEB_PAGES = frozenset({"index", "search"})
"""The web edition's own pages besides the sources (web/site.py): a chapter `index` would be
index.html, the home page. Checked here, before any job, not only by the web job, which
runs after the PDF and the e-book were already written."""


def check_book(book: Book, problems: Problems) -> None:
    """Record every cross-file problem in a loaded book."""
    _check_ids(book, problems)
    _check_references(book, problems)
    _check_sourcing(book, problems)


def _check_ids(book: Book, problems: Problems) -> None:
    seen: dict[str, Location] = {}
    for chapter in book.chapters:
        seen[chapter.id] = chapter.location
        if chapter.id in WEB_PAGES:
            problems.add(chapter.location, f"the chapter id {chapter.id!r} would be the web edition's "
                         f"{chapter.id}.html page, which the site uses itself; rename the chapter's file")
        elif _made(chapter.id, seen):
            problems.add(chapter.location, f"the chapter id {chapter.id!r} is one the editions make for themselves "
                         "(their cover, contents, sources, pages and headings); rename the chapter's file")
    for chapter in book.chapters:
        for section in chapter.sections:
            if _made(section.id, seen):
                problems.add(section.location, f"the id {section.id!r} is one the editions make for themselves "
                             "(their cover, contents, sources, pages and headings); give this section its own 'id'")
            elif section.id in seen:
                problems.add(section.location, f"the id {section.id!r} is already used at {seen[section.id]}; "
                             "give this section its own 'id'")
            else:
                seen[section.id] = section.location
    sources: dict[str, Location] = {}
    for source in book.sources:
        if source.id in sources:
            problems.add(source.location, f"the source id {source.id!r} is already used at {sources[source.id]}")
        sources[source.id] = source.location


def _made(given: str, ids: dict[str, Location]) -> bool:
    """Tell whether an id is one an edition makes: fixed, numbered, or another's heading (`<id>-title`)."""
    if given in MADE_IDS or MADE_PATTERN.fullmatch(given):
        return True
    heading_of = given.removesuffix("-title")
    return given.endswith("-title") and (heading_of in ids or heading_of in MADE_IDS)


def _check_references(book: Book, problems: Problems) -> None:
    source_ids = {source.id for source in book.sources}
    targets = {chapter.id for chapter in book.chapters}
    targets |= {section.id for chapter in book.chapters for section in chapter.sections}
    clinic_keys = {key for key, _ in book.clinic.instructions} | {CONTACTS} if book.clinic else set()
    cited: set[str] = set()
    for phone in book.clinic.phones if book.clinic else ():
        if phone.source is not None:
            cited.add(phone.source)
            if phone.source not in source_ids:
                assert phone.location is not None  # a line with a source is one the book file gives, with its line
                problems.add(phone.location, f"the phone line {phone.id!r} cites {phone.source!r}, "
                             f"which names no source in sources.yaml")
    for chapter in book.chapters:
        for block, _ in blocks(chapter):
            for text in texts(block):
                for ref in citations(text):
                    cited.add(ref.source_id)
                    if ref.source_id not in source_ids:
                        problems.add(block.location, f"the citation [@{ref.source_id}] names no source in "
                                     f"sources.yaml; known sources: {', '.join(sorted(source_ids))}")
                for link in links(text):
                    if link.internal and link.href[1:] not in targets:
                        problems.add(block.location, f"the link {link.href!r} leads to no chapter or section")
            if isinstance(block, ClinicBlock) and not clinic_keys:
                problems.add(block.location, f"the book has no clinic details for {book.language!r}: add "
                             f"{book.folder / 'clinic.yaml'} with phones and instructions, or remove this block")
            elif isinstance(block, ClinicBlock) and block.key not in clinic_keys:
                problems.add(block.location, f"the clinic details have no instruction {block.key!r}; expected one of: "
                             + ", ".join(sorted(clinic_keys)))
    for source in book.sources:
        if source.id not in cited:
            # Named with the language: a book in several languages checks each one, and a
            # source the English chapters cite may be missing from the Spanish ones only.
            problems.add(source.location, f"the source {source.id!r} is never cited in the {book.language!r} "
                         f"chapters ({book.folder}); cite it there or remove it")


def _check_sourcing(book: Book, problems: Problems) -> None:
    """Every block that states something cites a source or says it is the handbook's own advice."""
    for chapter in book.chapters:
        for block, callout in blocks(chapter):
            if isinstance(block, (Questions, Notes, ClinicBlock, Callout)):
                continue
            if block.guidance or (callout is not None and callout.guidance):
                continue
            if isinstance(block, Definitions):
                for definition in block.items:
                    if not citations(definition.text):
                        problems.add(block.location, f"the definition of {definition.term!r} cites no source; "
                                     "add [@source-id], or mark the block 'guidance: true'")
                continue
            if not any(citations(text) for text in texts(block)):
                problems.add(block.location, "this block cites no source; add [@source-id], or mark it "
                             "'guidance: true' if it is the handbook's own advice")
