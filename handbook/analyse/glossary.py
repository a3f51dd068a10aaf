"""The glossary, linked: each term's first use in every chapter leads to its definition.

A term is found in running text by these rules (docs/format.md says the same to authors):

- by each of its names: the term as written, or for "CRPS (complex regional pain
  syndrome)" each of "CRPS" and "complex regional pain syndrome", and by every form its
  entry lists under `also:` (irregular plurals, other words the text uses for it);
- with or without a regular plural ending (-s or -es);
- as whole words: a letter or digit next to it stops the match; a line break counts as a space;
- in any case, except a name written all in capitals (an abbreviation such as ED or OCD),
  which matches only in capitals;
- the longest name wins where two start at the same word;
- only in running text: paragraphs, list entries, table cells, captions, the text of
  callouts; never in titles, table headers, links or citations, nor in the glossary itself.

The linking makes a new Book whose inline text holds Term nodes; every output renders
them through its Linker. The checks report a term the text never uses, and a term used
before the chapter that its entry says explains it (`explained_in:`), unless that use
links to the chapter.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from ..errors import Problems
from ..model import (
    Block,
    Book,
    Callout,
    Chapter,
    Definition,
    Definitions,
    Emphasis,
    Figure,
    Inline,
    Inlines,
    Link,
    ListBlock,
    Paragraph,
    Questions,
    Strong,
    Table,
    Term,
    Text,
    term_names,
)
from .traverse import blocks, links, plain_text, texts


def glossary_entries(book: Book) -> list[Definition]:
    """Return the entries of the book's glossary chapter, in order (none if it has no glossary)."""
    chapter = glossary_chapter(book)
    if chapter is None:
        return []
    return [entry for block, _ in blocks(chapter) if isinstance(block, Definitions) for entry in block.items]


def glossary_chapter(book: Book) -> Chapter | None:
    """Return the chapter the book file names as its glossary."""
    return next((chapter for chapter in book.chapters if chapter.id == book.settings.glossary), None)


def forms(entry: Definition) -> tuple[str, ...]:
    """Return every form of a term the text may use: its names, then its `also:` forms."""
    return tuple(dict.fromkeys(term_names(entry.term) + entry.also))


WIDE = "\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF"
"""Chinese, Japanese and Korean characters: written without spaces, so a term is found
inside a run of them (a substring), and only a Latin letter or digit next to a Latin end
of the term stops the match (NMDA受体 is found in 阻断NMDA受体的)."""
NARROW_WORD = f"[^\\W{WIDE}]"
"""A letter or digit of a script written with spaces between words."""
ARABIC_LETTERS = "\u0620-\u064A\u066E-\u06D3\u06FA-\u06FC"
ARABIC_PREFIX = "(?:[وف]?(?:[بك]?ال|لل|[بكل])?)"
"""What Arabic attaches before a word: and (و), so (ف), then with/by (ب), like (ك) or for
(ل), and the article ال (li + al is written لل): والاكتئاب, بالدواء, للمرضى."""


def pattern(entry: Definition, wide: bool = True) -> re.Pattern[str]:
    """Return the expression that finds a term in text, by the rules above.

    `wide=False` for text with no character written without spaces (`_has_wide`): there a
    letter of a script written with spaces is any letter (\\w), an expression Python's re
    compiles in a hundredth of the time. The character class of the wide scripts costs
    2 ms to compile each time it appears, and a book has some fifty terms: a quarter
    of a second in every build of an English or Spanish book otherwise."""
    narrow = NARROW_WORD if wide else r"\w"
    choices = []
    for form in sorted(forms(entry), key=len, reverse=True):
        words = r"\s+".join(re.escape(word) for word in form.split())
        if _arabic(form[0]):  # the article of the form is one of the prefixes the text may attach
            words = ARABIC_PREFIX + r"\s+".join(re.escape(word) for word in form.removeprefix("ال").split())
        words = words if form.upper() == form and any(c.isalpha() for c in form) else f"(?i:{words})"
        before = "" if _wide(form[0]) else f"(?<!{narrow})"
        after = "" if _wide(form[-1]) or _arabic(form[-1]) else "(?:e?s)?"
        choices.append(f"{before}{words}{after}" + ("" if _wide(form[-1]) else f"(?!{narrow})"))
    return re.compile("(?:" + "|".join(choices) + ")")


_WIDE_CHARACTER = re.compile(f"[{WIDE}]")


def _has_wide(book: Book) -> bool:
    """Tell whether any text of a book has a character of a script written without spaces."""
    return any(_WIDE_CHARACTER.search(plain_text(text)) for chapter in book.chapters
               for block, _ in blocks(chapter) for text in texts(block))


def _wide(character: str) -> bool:
    """Tell whether a character belongs to a script written without spaces (Chinese, Japanese, Korean)."""
    return _WIDE_CHARACTER.match(character) is not None


def _arabic(character: str) -> bool:
    """Tell whether a character is an Arabic letter."""
    return re.match(f"[{ARABIC_LETTERS}]", character) is not None


class _Finder:
    """Find the earliest use of any of a set of terms in a piece of text."""

    def __init__(self, entries: list[Definition], wide: bool):
        self.patterns = [(entry.id, pattern(entry, wide)) for entry in entries]

    def first(self, text: str, skip: set[str]) -> tuple[str, re.Match[str]] | None:
        """Return the term found first in text (the longest, where two start together), if any."""
        found = [(match, term_id) for term_id, expression in self.patterns if term_id not in skip
                 for match in [expression.search(text)] if match]
        if not found:
            return None
        match, term_id = min(found, key=lambda pair: (pair[0].start(), -pair[0].end()))
        return term_id, match


def link_terms(book: Book) -> Book:
    """Return the book with the first use of each glossary term in each chapter marked as a Term."""
    entries = glossary_entries(book)
    if not entries:
        return book
    finder = _Finder(entries, _has_wide(book))
    chapters = tuple(chapter if chapter.id == book.settings.glossary else _ChapterLinker(finder).chapter(chapter)
                     for chapter in book.chapters)
    return dataclasses.replace(book, chapters=chapters)


class _ChapterLinker:
    """Rewrite one chapter's text in reading order, marking each term once."""

    def __init__(self, finder: _Finder):
        self.finder = finder
        self.done: set[str] = set()

    def chapter(self, chapter: Chapter) -> Chapter:
        sections = tuple(dataclasses.replace(section, blocks=tuple(self.block(block) for block in section.blocks))
                         for section in chapter.sections)
        return dataclasses.replace(chapter, sections=sections)

    def block(self, block: Block) -> Block:
        replace = dataclasses.replace
        if isinstance(block, Paragraph):
            return replace(block, text=self.inlines(block.text))
        if isinstance(block, (ListBlock, Questions)):
            return replace(block, items=tuple(replace(item, text=self.inlines(item.text)) for item in block.items))
        if isinstance(block, Definitions):
            return replace(block, items=tuple(replace(item, text=self.inlines(item.text)) for item in block.items))
        if isinstance(block, Table):
            return replace(block, rows=tuple(replace(row, cells=tuple(self.inlines(cell) for cell in row.cells))
                                             for row in block.rows))
        if isinstance(block, Figure):
            return replace(block, caption=self.inlines(block.caption))
        if isinstance(block, Callout):
            return replace(block, blocks=tuple(self.block(inner) for inner in block.blocks))
        return block

    def inlines(self, nodes: Inlines) -> Inlines:
        result: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                result.extend(self.text(node.text))
            elif isinstance(node, (Emphasis, Strong)):
                result.append(dataclasses.replace(node, children=self.inlines(node.children)))
            else:  # links, citations: a term inside them is not linked again
                result.append(node)
        return tuple(result)

    def text(self, text: str) -> list[Inline]:
        nodes: list[Inline] = []
        while text:
            found = self.finder.first(text, self.done)
            if found is None:
                break
            term_id, match = found
            self.done.add(term_id)
            if match.start():
                nodes.append(Text(text[:match.start()]))
            nodes.append(Term(term_id, (Text(match.group()),)))
            text = text[match.end():]
        if text:
            nodes.append(Text(text))
        return nodes


def _uses(book: Book, entry: Definition, wide: bool) -> Iterator[tuple[int, Chapter, Block, Inlines]]:
    """Yield every piece of running text outside the glossary that uses a term, in reading order."""
    expression = pattern(entry, wide)
    for number, chapter in enumerate(book.chapters):
        if chapter.id == book.settings.glossary:
            continue
        for block, _ in blocks(chapter):
            for text in texts(block):
                if expression.search(_linkless_text(text)):
                    yield number, chapter, block, text


def _linkless_text(nodes: Inlines) -> str:
    """Return the words of text, leaving out the words of its links (a term there is not a use)."""
    return plain_text(tuple(node for node in nodes if not isinstance(node, Link)))


def check_glossary(book: Book, problems: Problems) -> None:
    """Record glossary terms the text never uses, and terms used before the chapter that explains them."""
    entries = glossary_entries(book)
    ids: dict[str, Definition] = {}
    owner: dict[str, Definition] = {}
    chapters = {chapter.id: number for number, chapter in enumerate(book.chapters)}
    for entry in entries:
        assert entry.location is not None  # the loader gives every entry its line
        if entry.id in ids:
            problems.add(entry.location, f"the term {entry.term!r} has the same id ({entry.id}) as "
                         f"{ids[entry.id].term!r}; reword one of them")
        ids.setdefault(entry.id, entry)
        for form in forms(entry):
            key = form.casefold()
            if key in owner and owner[key] is not entry:
                problems.add(entry.location, f"{form!r} is a form of both {owner[key].term!r} and "
                             f"{entry.term!r}; a word can lead to one entry only")
            owner.setdefault(key, entry)
    wide = _has_wide(book)
    for entry in entries:
        assert entry.location is not None
        uses = list(_uses(book, entry, wide))
        if not uses:
            problems.add(entry.location, f"the glossary term {entry.term!r} is never used in the text; "
                         "remove it, or list the forms the text uses under 'also:'")
        if entry.explained_in is None:
            continue
        if entry.explained_in not in chapters:
            problems.add(entry.location, f"explained_in: {entry.explained_in!r} is not a chapter of the book")
            continue
        explained_at = chapters[entry.explained_in]
        if not any(number == explained_at for number, *_ in uses):
            problems.add(entry.location, f"the term {entry.term!r} is never used in {entry.explained_in!r}, "
                         "which is meant to explain it (explained_in)")
        targets = {entry.explained_in} | {section.id for section in book.chapters[explained_at].sections}
        reported: set[str] = set()
        for number, _chapter, block, text in uses:
            if number < explained_at and block.anchor not in reported and not any(
                    link.href[1:] in targets for link in links(text)):
                reported.add(block.anchor)
                problems.add(block.location, f"{entry.term!r} is used here, before the chapter "
                             f"{entry.explained_in!r} explains it; explain it here, or link to "
                             f"[that chapter](#{entry.explained_in})")
