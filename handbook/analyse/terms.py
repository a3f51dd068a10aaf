"""Hold a translation to the words it has chosen for the book's medical terms.

A translated language may keep, beside its chapters, a list of the words it uses for the
book's terms (`chapters/<language>/terms.yaml`):

    terms:
      - en: [drive, driving]          # the source language's words (optional)
        es: [manejar, manej*]         # the words this language uses for them
        not: [conducir, conduc*]      # words it does not use for them (optional)

Words match whole words, in any case; a `*` at the end stands for any ending; a link counts
by its words, and citations not at all. The check names, with its line, each translated
block whose source block uses one of the source language's words but which uses none of the
chosen ones, and each use of a word the list rules out, in the chapters and in the
language's clinic defaults. An entry without the source language's words only rules words
out (a usage, such as a pronoun, rather than a term). The first word of each list is how
messages name it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problems
from ..load.yamlsource import compose_text
from ..project import CLINIC_DEFAULTS_FILE

TERMS_FILE = "terms.yaml"
"""The list's name in a language's folder of chapters."""
CITATION = re.compile(r"\[@[^\]]*\]")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
"""A citation, and a link (its words are group 1), in a text."""
NOT_TEXT = ("translated_from", "id", "src", "explained_in", "kind", "clinic", "source")
"""Keys whose values are names and ids, not the book's words."""


@dataclass(frozen=True)
class Term:
    """One term: the source language's words, this language's chosen words, and the words ruled out."""

    line: int
    source_words: tuple[str, ...]
    """Empty for a usage: words ruled out, whatever the source says."""
    chosen: tuple[str, ...]
    ruled_out: tuple[str, ...]


def read_terms(folder: Path, source_language: str, language: str, problems: Problems) -> tuple[Term, ...]:
    """Return a language's list of terms, or none if it keeps no list; record what is wrong with it."""
    path = folder / TERMS_FILE
    if path.is_symlink():
        problems.add(Location(path, 0), "the list of terms must be a file in the book, not a link")
        return ()
    if not path.is_file():
        return ()
    try:
        root = compose_text(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(Location(path, mark.line + 1 if mark else 0), f"this list of terms cannot be read: {error}")
        return ()
    entries = _value(root, "terms") if isinstance(root, MappingNode) else None
    if not isinstance(entries, SequenceNode):
        problems.add(Location(path, 1), "the list of terms must be a mapping with `terms:`, a list of entries")
        return ()
    terms = []
    for entry in entries.value:
        line = entry.start_mark.line + 1
        given = {key for key in (source_language, language, "not")
                 if isinstance(entry, MappingNode) and _value(entry, key) is not None}
        words = {key: _words(_value(entry, key)) if key in given else () for key in (source_language, language, "not")}
        if (not isinstance(entry, MappingNode) or any(words[key] is None for key in given)
                or not words[language] or not (words[source_language] or words["not"])):
            problems.add(Location(path, line), f"each term gives `{language}:` (the words this language uses) with "
                         f"`{source_language}:` (the words they stand for), `not:` (words this language does not use) "
                         "or both; each a word or a list of words")
            continue
        terms.append(Term(line, words[source_language] or (), words[language] or (), words["not"] or ()))
    return tuple(terms)


def check_language_terms(source_folder: Path, folder: Path, problems: Problems) -> None:
    """Record what is wrong with a language's list of terms, and the words it rules out in its clinic defaults.

    Run once per language; the chapters are checked block by block with their translation."""
    terms = read_terms(folder, source_folder.name, folder.name, problems)
    if terms and (folder / CLINIC_DEFAULTS_FILE).is_file():
        check_ruled_out(folder / CLINIC_DEFAULTS_FILE, terms, folder / TERMS_FILE, problems)


def check_ruled_out(path: Path, terms: tuple[Term, ...], terms_file: Path, problems: Problems) -> None:
    """Record each use, in a file of the language, of a word its list of terms rules out."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        root = compose_text(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # the loader reports it
    lines = text.split("\n")
    for node in _text_nodes(root):
        for term in terms:
            found = _find(term.ruled_out, _words_only(node.value))
            if found is not None:
                what = f"word for {_name(term.source_words)!r}" if term.source_words else "usage"
                problems.add(Location(path, _line_of(found, node, lines)),
                             f"{found!r} is not this book's {what}: use {_name(term.chosen)!r} "
                             f"(see {terms_file}:{term.line})")


def check_block_terms(source: Path, source_line: int, translation: Path, block: MappingNode, source_data: Any,
                      what: str, terms: tuple[Term, ...], terms_file: Path, problems: Problems) -> None:
    """Record a translated block that leaves out the chosen word for a term its source block uses."""
    source_text = _words_only(" ".join(_strings(source_data)))
    translated_text = _words_only(" ".join(node.value for node in _text_nodes(block)))
    for term in terms:
        said = _find(term.source_words, source_text) if term.source_words else None
        if said is not None and _find(term.chosen, translated_text) is None:
            problems.add(Location(translation, block.start_mark.line + 1),
                         f"{what} does not use {_name(term.chosen)!r}, this book's word for {said!r} in "
                         f"{source}:{source_line} (see {terms_file}:{term.line})")


def _words(node: Node | None) -> tuple[str, ...] | None:
    """Return a word or a list of words, or None if the node is neither."""
    if isinstance(node, ScalarNode) and node.value.strip():
        return (node.value.strip(),)
    if isinstance(node, SequenceNode) and node.value and all(
            isinstance(item, ScalarNode) and item.value.strip() for item in node.value):
        return tuple(item.value.strip() for item in node.value)
    return None


def _pattern(word: str) -> re.Pattern[str]:
    stem = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
    ending = r"\w*" if word.endswith("*") else ""
    return re.compile(rf"(?<!\w){stem}{ending}(?!\w)", re.IGNORECASE)


def _find(words: tuple[str, ...], text: str) -> str | None:
    """Return the first place in a text where one of the words is used, as written there."""
    for word in words:
        match = _pattern(word).search(text)
        if match:
            return " ".join(match.group(0).split())
    return None


def _words_only(text: str) -> str:
    """Return text without its citations, and its links as their words: `[@risks-benefits]` is no word of the book."""
    return LINK.sub(r"\1", CITATION.sub(" ", text))


def _name(words: tuple[str, ...]) -> str:
    return words[0].rstrip("*")


def _text_nodes(node: Node | None) -> Iterator[ScalarNode]:
    """Yield the scalar nodes that hold the book's words."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) not in NOT_TEXT:
                yield from _text_nodes(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _text_nodes(item)
    elif isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        yield node


def _strings(data: Any) -> Iterator[str]:
    """Yield the book's words in plain YAML data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_TEXT:
                yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)
    elif isinstance(data, str):
        yield data


def _line_of(found: str, node: ScalarNode, lines: list[str]) -> int:
    """Return the line a word is on: a long text spans several lines of the file."""
    first = found.split()[0].lower()
    for number in range(node.start_mark.line, min(node.end_mark.line + 1, len(lines))):
        if first in lines[number].lower():
            return number + 1
    return node.start_mark.line + 1


def _value(node: MappingNode, key: str) -> Node | None:
    return next((value for name, value in node.value if getattr(name, "value", None) == key), None)
