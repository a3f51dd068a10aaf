"""Keep translations in step with the language they are translated from.

A translated chapter has the same sections (with the same ids) and the same blocks, in the
same order, as the chapter in the book's first language. The chapter, each section and
each block of a translation record, as `translated_from: 1a2b3c4d`, a short hash of the
source text they were translated from. When the source changes, its hash changes, and the
check names each translated block that is now stale, each block or section missing on one
side, and each block whose citations differ, with its line. `handbook translations stamp`
writes the current hashes once a translator has caught up. A language that keeps a list of
the words it uses for the book's terms is held to it as well (terms.py).

The comparison works on the files' YAML, not on the loaded model: the hash is of what the
author wrote (folded lines and spacing do not count), and the stamp rewrites the file.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problem, Problems
from ..load.yamlsource import compose
from ..model import Settings
from ..project import Project
from .terms import TERMS_FILE, check_block_terms, check_language_terms, check_ruled_out, read_terms

KEY = "translated_from"
MATCHING_KEYS = ("also", "explained_in")
"""Glossary keys that say how each language's text uses a term, not what it says: left out
of the hash, so that adding a form in one language does not make the other stale."""
CITATION = re.compile(r"\[@([^\]]+)\]")


@dataclass
class Part:
    """A chapter, section or block of a chapter file, with what the check compares."""

    what: str
    """How messages name it: "the chapter", "section 'crisis-signs'", "block 3 of section 'x'"."""
    node: MappingNode
    data: dict[str, Any]
    children: list[Part] = field(default_factory=list)
    section_id: str | None = None

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    @property
    def recorded(self) -> str | None:
        """Return the hash the translation recorded, if any, as written (01234567 is not a number here)."""
        value = _value(self.node, KEY)
        return value.value.strip() if isinstance(value, ScalarNode) and value.value.strip() else None

    def digest(self) -> str:
        """Return the short hash of this part's source text (without children or the record)."""
        # A chapter is its title and summary; a section its title and id; a block all of it.
        left_out = (KEY, "sections", "review") + (("blocks",) if self.section_id is not None else ())
        return _digest(self.data, left_out)

    def citations(self) -> list[str]:
        """Return the source ids this part cites, in order, counting repeats."""
        text = json.dumps({k: v for k, v in self.data.items() if k != KEY}, ensure_ascii=False)
        return sorted(ref.strip().lstrip("@") for group in CITATION.findall(text) for ref in group.split(";"))


def block_hash(data: dict[str, Any]) -> str:
    """Return the short hash of a block's text as a translation of it records it (`translated_from`)."""
    return _digest(data, (KEY, "sections", "review"))


def _digest(data: dict[str, Any], left_out: tuple[str, ...]) -> str:
    text = _without_matching_keys({key: value for key, value in data.items() if key not in left_out})
    # default=str: a date typed into a text field hashes as written, not as a crash
    return hashlib.sha256(json.dumps(text, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:8]


def _without_matching_keys(data: Any) -> Any:
    """Return YAML data without the glossary's matching keys, at any depth."""
    if isinstance(data, dict):
        return {key: _without_matching_keys(value) for key, value in data.items() if key not in MATCHING_KEYS}
    if isinstance(data, list):
        return [_without_matching_keys(value) for value in data]
    return data


def read_parts(path: Path, problems: Problems) -> Part | None:
    """Return a chapter file as parts, or None after recording why it cannot be read."""
    root = compose(path, problems)  # libyaml where PyYAML has it: the Python composer took a second
    if not isinstance(root, MappingNode):
        return None  # not a mapping: the chapter's loader says so (`status` compares what it can)
    chapter = Part("the chapter", root, _data(root))
    sections = _value(root, "sections")
    for section in sections.value if isinstance(sections, SequenceNode) else ():
        if not isinstance(section, MappingNode):
            continue
        data = _data(section)
        section_id = data.get("id") or _slug(str(data.get("title", "")))
        part = Part(f"section '{section_id}'", section, data, section_id=section_id)
        blocks = _value(section, "blocks")
        for index, block in enumerate(blocks.value if isinstance(blocks, SequenceNode) else (), start=1):
            if isinstance(block, MappingNode):
                part.children.append(Part(f"block {index} of section '{section_id}'", block, _data(block)))
        chapter.children.append(part)
    return chapter


def translation_status(project: Project, settings: Settings, language: str) -> list[Problem]:
    """Return where a language's chapters and clinic defaults are out of step with the first language's.

    Raise HandbookError, naming each with its line, if a file cannot be read: a broken
    file is not "in step".
    """
    unreadable, found = Problems(), Problems()
    first = settings.languages[0].code
    chapters = read_translations(project, first, language, settings.chapters, unreadable)
    clinics = [(project.clinic_defaults(code), _read_clinic(project.clinic_defaults(code), unreadable))
               for code in (first, language)]
    unreadable.raise_if_any()
    for source, translation, original, translated in chapters:
        if original is not None and translated is not None:
            compare_chapters(original, translated, source, translation, language, found)
    (source, theirs), (translation, mine) = clinics
    check_language_terms(source.parent, translation.parent, found)
    if theirs is not None and mine is not None:
        compare_clinics(theirs, mine, source, translation, found)
    return found.sorted()


def read_translations(project: Project, first: str, language: str, chapter_ids: Iterable[str],
                      problems: Problems) -> list[tuple[Path, Path, Part | None, Part | None]]:
    """Return (source, translation, its parts, the translation's parts) for each chapter the language has a
    file for, recording each file that cannot be read (a pipe or a folder counts as a file: reading it says
    what it is)."""
    found = []
    for chapter_id in chapter_ids:
        source, translation = project.chapter_file(first, chapter_id), project.chapter_file(language, chapter_id)
        if translation.exists() or translation.is_symlink():
            found.append((source, translation, read_parts(source, problems), read_parts(translation, problems)))
    return found


def stamp(source: Path, translation: Path) -> int:
    """Write the current hashes of one source chapter into its translation; return how many changed."""
    from .stamp import stamp_file  # stamp.py reads through this module

    return stamp_file(source, translation)


def check_translation(source: Path, translation: Path, language: str, problems: Problems) -> None:
    """Record where a translated chapter has fallen out of step with its source."""
    original, translated = read_parts(source, problems), read_parts(translation, problems)
    if original is not None and translated is not None:
        compare_chapters(original, translated, source, translation, language, problems)


def compare_chapters(original: Part, translated: Part, source: Path, translation: Path, language: str,
                     problems: Problems) -> None:
    """Record where a translated chapter's parts differ from its source's."""
    command = f"then run `handbook translations stamp --language {language}`"
    terms = read_terms(translation.parent, source.parent.name, language, Problems())  # its own mistakes: once, below
    if terms:
        check_ruled_out(translation, terms, translation.parent / TERMS_FILE, problems)
    _compare(original, translated, source, translation, command, problems)
    if len(original.children) != len(translated.children):
        problems.add(Location(translation, translated.line),
                     f"the chapter has {len(translated.children)} sections; {source.name} in the source language has "
                     f"{len(original.children)}: translate the missing ones or remove the extra ones")
    for mine, theirs in zip(translated.children, original.children, strict=False):
        if mine.section_id != theirs.section_id:
            problems.add(Location(translation, mine.line),
                         f"this section's id is {mine.section_id!r}, but the section in its place in "
                         f"{source}:{theirs.line} is {theirs.section_id!r}; give it `id: {theirs.section_id}`")
            continue
        _compare(theirs, mine, source, translation, command, problems)
        if len(mine.children) != len(theirs.children):
            problems.add(Location(translation, mine.line),
                         f"section {mine.section_id!r} has {len(mine.children)} blocks; in {source}:{theirs.line} it "
                         f"has {len(theirs.children)}: translate the missing ones or remove the extra ones")
        for block, original_block in zip(mine.children, theirs.children, strict=False):
            kinds = (_kind(block), _kind(original_block))
            if kinds[0] != kinds[1]:
                problems.add(Location(translation, block.line), f"this block is a {kinds[0]}, but the block in its "
                             f"place in {source}:{original_block.line} is a {kinds[1]}")
                continue
            _compare(original_block, block, source, translation, command, problems)
            if terms:
                check_block_terms(source, original_block.line, translation, block.node, original_block.data,
                                  block.what, terms, translation.parent / TERMS_FILE, problems)
            if block.citations() != original_block.citations():
                problems.add(Location(translation, block.line),
                             f"this block cites {_list(block.citations())}, but {source}:{original_block.line} cites "
                             f"{_list(original_block.citations())}; a translation keeps the same citations")


def check_clinic_translation(source: Path, translation: Path, problems: Problems) -> None:
    """Record phone lines and instructions that a language's clinic defaults lack, or has extra; and
    what is wrong with the language's list of terms, and the words it rules out in its clinic defaults."""
    check_language_terms(source.parent, translation.parent, problems)
    theirs, mine = _read_clinic(source, problems), _read_clinic(translation, problems)
    if theirs is not None and mine is not None:
        compare_clinics(theirs, mine, source, translation, problems)


def _read_clinic(path: Path, problems: Problems) -> MappingNode | None:
    """Return a language's clinic defaults, None if it has none or they cannot be read (recorded)."""
    if not (path.exists() or path.is_symlink()):
        return None  # clinic defaults are optional
    root = compose(path, problems)
    return root if isinstance(root, MappingNode) else None


def compare_clinics(source_node: MappingNode, mine: MappingNode, source: Path, translation: Path,
                    problems: Problems) -> None:
    """Record phone lines and instructions that differ between two languages' clinic defaults."""
    theirs = _data(source_node)
    data = _data(mine)
    for key, name in (("phones", "phone lines"), ("instructions", "instructions")):
        want, have = _ids(theirs, key), _ids(data, key)
        if want != have:
            node = _value(mine, key) or mine
            problems.add(Location(translation, node.start_mark.line + 1),
                         f"the {name} here are {', '.join(map(str, have)) or 'none'}; {source} has "
                         f"{', '.join(map(str, want)) or 'none'}: a translation has the same ones, in the same order")


def _compare(original: Part, translated: Part, source: Path, translation: Path, command: str,
             problems: Problems) -> None:
    recorded = translated.recorded
    if recorded is None:
        problems.add(Location(translation, translated.line),
                     f"{translated.what} does not say which version of {source}:{original.line} it translates; "
                     f"{command}")
    elif recorded != original.digest():
        problems.add(Location(translation, translated.line),
                     f"{translated.what} was translated from an older version of {source}:{original.line}; "
                     f"translate the change, {command}")


def _data(node: Node) -> Any:
    """Return a node's plain data, as YAML reads it."""
    if isinstance(node, MappingNode):
        return {str(key.value): _data(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [_data(item) for item in node.value]
    if isinstance(node, ScalarNode):
        return SafeConstructor().construct_object(node) if node.tag != "tag:yaml.org,2002:str" else node.value
    return None


def _ids(data: dict[str, Any], key: str) -> list[Any]:
    """Return the ids of the phone lines, or the keys of the instructions, as a file gives them."""
    entries = data.get(key) or ([] if key == "phones" else {})
    if key == "phones":
        if not isinstance(entries, list):
            return []
        return [entry.get("id") if isinstance(entry, dict) else None for entry in entries]
    return list(entries) if isinstance(entries, dict) else []


def _value(node: MappingNode, key: str) -> Node | None:
    return next((value for name, value in node.value if getattr(name, "value", None) == key), None)


def _kind(part: Part) -> str:
    return next((key for key in part.data if key not in (KEY, "guidance")), "block")


def _slug(title: str) -> str:
    from ..model import slug

    return slug(title)


def _list(ids: list[str]) -> str:
    return ", ".join(f"[@{source}]" for source in ids) or "nothing"
