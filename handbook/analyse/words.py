"""The words of each part of the book, as an approval holds them: one line per block, and their digest.

An approval is of the words a patient reads, not of the YAML they were written in: the
words are taken from the loaded model, so re-folding a paragraph, reordering keys, a
comment, `translated_from` stamps or `review:` never change them. What counts, in reading
order (docs/approvals.md):

- a chapter: its title and summary; each section's title; each block with its kind
  (a paragraph, the entries of a list of bullets, steps or a checklist, questions, each
  glossary term with its text, a table's caption, header and rows, a figure's alternative
  text, caption and picture files (their SHA-256: pictures hold words too), a callout's
  kind and title and the blocks in it, the clinic instruction a block shows);
- inline text with its emphasis, links (with their targets) and citations, as `[@id]`;
- every run of spaces and line breaks counts as one space.

What does not: `guidance:`, `tick_boxes:`, ruled `notes:` lines, section ids, the
glossary's `also:` and `explained_in:`, and every YAML detail. The front matter (`_book`),
the sources appendix (`_sources`) and the clinic defaults (`_clinic`) are parts too.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from ..model import (
    Block,
    Book,
    Callout,
    Chapter,
    Citation,
    ClinicBlock,
    Definitions,
    Emphasis,
    Figure,
    Inlines,
    Link,
    ListBlock,
    Notes,
    Paragraph,
    Questions,
    Strong,
    Table,
    Term,
    Text,
)

BOOK, SOURCES, CLINIC = "_book", "_sources", "_clinic"
"""The parts that are not chapters: the book file's front matter, the sources appendix, the clinic defaults."""
PART_NAMES = {BOOK: "the front matter", SOURCES: "the sources appendix", CLINIC: "the clinic defaults"}


def parts(book: Book) -> dict[str, list[str]]:
    """Return the words of every part of a language's book, by part, in the book's order."""
    found = {BOOK: front_matter(book)}
    for chapter in book.chapters:
        found[chapter.id] = chapter_words(chapter, book)
    found[SOURCES] = sources_words(book)
    if book.clinic is not None:
        found[CLINIC] = clinic_words(book)
    return found


def part_ids(book: Book) -> list[str]:
    """Return the parts of a language's book an approval is of, in the book's order."""
    return [BOOK, *(chapter.id for chapter in book.chapters), SOURCES, *([CLINIC] if book.clinic is not None else [])]


def digest(lines: list[str]) -> str:
    """Return the SHA-256 of a part's words, as an approval records it."""
    return hashlib.sha256(text(lines).encode("utf-8")).hexdigest()


def text(lines: list[str]) -> str:
    """Return a part's words as one text, a line per block: how a record keeps them."""
    return "\n".join(lines)


def front_matter(book: Book) -> list[str]:
    """Return the words the cover and title page print from the book file."""
    settings = book.settings
    lines = [f"title: {_plain(book.title)}", f"subtitle: {_plain(book.subtitle)}",
             f"edition: {_plain(book.edition)}", f"version: {_plain(book.version)}",
             f"publisher: {_plain(book.publisher)}", f"published: {book.published.isoformat()}",
             f"review by: {book.review_by.isoformat()}",
             f"disclaimer: {'printed' if settings.disclaimer else 'not printed'}"]
    if book.help_now:
        lines.append(f"help now: {book.help_now}")
    return lines


def chapter_words(chapter: Chapter, book: Book) -> list[str]:
    """Return the words of a chapter."""
    lines = [f"title: {_plain(chapter.title)}"]
    if chapter.summary:
        lines.append(f"summary: {_plain(chapter.summary)}")
    for section in chapter.sections:
        lines.append(f"section: {_plain(section.title)}")
        for block in section.blocks:
            lines += _block(block, book)
    return lines


def sources_words(book: Book) -> list[str]:
    """Return the words the sources appendix prints about each source."""
    lines = []
    for source in book.sources:
        lines.append(f"source: {source.id}{' (added by the publisher)' if source.added_by_publisher else ''}")
        for name in ("title", "short", "author", "date", "kind", "note", "url"):
            value = getattr(source, name)
            if value:
                lines.append(f"  {name}: {_plain(value)}")
    return lines


def clinic_words(book: Book) -> list[str]:
    """Return the phone lines and instructions a language's editions print by default."""
    clinic = book.clinic
    assert clinic is not None
    lines = [f"phone {phone.id}: {_plain(phone.label)} | {_plain(phone.number) or '(a line to write on)'}"
             + (f" [@{phone.source}]" if phone.source else "") for phone in clinic.phones]
    lines += [f"instruction {key}: {_plain(words)}" for key, words in clinic.instructions]
    return lines


def _block(block: Block, book: Book, indent: str = "") -> Iterator[str]:
    """Yield the lines of a block's words."""
    if isinstance(block, Paragraph):
        yield f"{indent}paragraph: {inline(block.text)}"
    elif isinstance(block, ListBlock):
        yield f"{indent}{'steps' if block.ordered else 'checklist' if block.checklist else 'bullets'}:"
        yield from (f"{indent}- {inline(item.text)}" for item in block.items)
    elif isinstance(block, Questions):
        yield f"{indent}questions:"
        yield from (f"{indent}- {inline(item.text)}" for item in block.items)
    elif isinstance(block, Definitions):
        yield f"{indent}definitions:"
        yield from (f"{indent}- {_plain(item.term)}: {inline(item.text)}" for item in block.items)
    elif isinstance(block, Table):
        yield f"{indent}table: {_plain(block.caption)}"
        yield f"{indent}header: {' | '.join(_cell(cell) for cell in block.header)}"
        yield from (f"{indent}row: {' | '.join(_cell(inline(cell)) for cell in row.cells)}" for row in block.rows)
    elif isinstance(block, Figure):
        yield f"{indent}figure: {_plain(block.alt)}"
        yield f"{indent}caption: {inline(block.caption)}"
        for layout, path in (("", block.path), *block.variants):
            yield f"{indent}picture{' ' + layout if layout else ''}: {_picture(path, book)}"
    elif isinstance(block, ClinicBlock):
        yield f"{indent}clinic: {block.key}"
    elif isinstance(block, Callout):
        yield f"{indent}callout {block.kind}:{' ' + _plain(block.title) if block.title else ''}"
        for inner in block.blocks:
            yield from _block(inner, book, indent + "  ")
    elif isinstance(block, Notes):
        return  # ruled lines to write on: no words
    else:  # pragma: no cover - a new kind of block must say what its words are
        raise TypeError(f"no words for a {type(block).__name__}")


def inline(nodes: Inlines) -> str:
    """Return inline text as words with its markup: *emphasis*, **strong**, [words](link), [@citation]."""
    return " ".join(_inline(nodes).split())


def _inline(nodes: Inlines) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Text):
            # Escaped, so that typed asterisks are never read as emphasis (and a change from one to the other counts).
            parts.append(node.text.replace("\\", "\\\\").replace("*", "\\*").replace("[", "\\[").replace("]", "\\]"))
        elif isinstance(node, Emphasis):
            parts.append(f"*{_inline(node.children)}*")
        elif isinstance(node, Strong):
            parts.append(f"**{_inline(node.children)}**")
        elif isinstance(node, Link):
            parts.append(f"[{_inline(node.children)}]({node.href})")
        elif isinstance(node, Citation):
            parts.append("[" + "; ".join(f"@{ref.source_id}" for ref in node.refs) + "]")
        elif isinstance(node, Term):  # a glossary link the build adds: the words are the same
            parts.append(_inline(node.children))
    return "".join(parts)


def _plain(words: str) -> str:
    return " ".join(words.split())


def _cell(words: str) -> str:
    return words.replace("|", "\\|")


def _picture(path: Path, book: Book) -> str:
    """Return a picture's name in its language's folder and the SHA-256 of its bytes."""
    folder = book.folder.resolve()
    name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
    return f"{name} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"
