"""`handbook translations stamp`: record in each translated chapter which version of the
source it translates (translation.py says why and what the hash covers).

The hashes are written into the translation's own lines, so its comments, folded texts
and spacing stay as the translator wrote them.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from yaml.nodes import MappingNode, Node, SequenceNode

from ..errors import Problems
from ..load.safeopen import read_regular
from ..model import Settings
from ..project import Project
from .translation import KEY, Part, _kind, read_parts, read_translations


def stamp_language(project: Project, settings: Settings, language: str, chapter_ids: Iterable[str]) -> int:
    """Write the current source hashes into a language's translated chapters; return how many changed.

    Every file is read before any is written: one that cannot be read (a pipe, broken
    YAML) is a HandbookError naming it with its line, and nothing is stamped.
    """
    unreadable = Problems()
    chapters = read_translations(project, settings.languages[0].code, language, chapter_ids, unreadable)
    unreadable.raise_if_any()
    return sum(_stamp_parts(original, translated, translation) for _, translation, original, translated in chapters
               if original is not None and translated is not None)


def stamp_file(source: Path, translation: Path) -> int:
    """Write the current hashes of one source chapter into its translation; return how many changed."""
    unreadable = Problems()
    original, translated = read_parts(source, unreadable), read_parts(translation, unreadable)
    unreadable.raise_if_any()
    return _stamp_parts(original, translated, translation) if original is not None and translated is not None else 0


def _stamp_parts(original: Part, translated: Part, translation: Path) -> int:
    """Write the hashes of a source's parts into its translation's lines; return how many changed."""
    pairs = [(translated, original)]
    for mine, theirs in zip(translated.children, original.children, strict=False):
        if mine.section_id == theirs.section_id:
            pairs.append((mine, theirs))
            pairs += [(block, source_block) for block, source_block in zip(mine.children, theirs.children, strict=False)
                      if _kind(block) == _kind(source_block)]
    lines = read_regular(translation).decode("utf-8").split("\n")
    edits = []
    for mine, theirs in pairs:
        if mine.recorded != theirs.digest():
            edits.append((mine, theirs.digest()))
    # Edit from the bottom up, so that earlier line numbers stay right.
    for part, digest in sorted(edits, key=lambda edit: -edit[0].node.start_mark.line):
        _write_record(lines, part, digest)
    translation.write_text("\n".join(lines), encoding="utf-8")
    return len(edits)


def _write_record(lines: list[str], part: Part, digest: str) -> None:
    """Set `translated_from: digest` in a mapping: replace the value, or add the key after its last entry."""
    for key, value in part.node.value:
        if key.value == KEY:
            line = lines[value.start_mark.line]
            lines[value.start_mark.line] = line[:value.start_mark.column] + f'"{digest}"' + line[value.end_mark.column:]
            return
    first_key = part.node.value[0][0]
    indent = " " * first_key.start_mark.column
    if part.what == "the chapter":
        at = first_key.start_mark.line  # at the top of the file, before the title
    elif part.section_id is not None:
        at = _last_line(part.node.value[0][1], lines) + 1  # a section: after its first entry (its title)
    else:
        at = _last_line(part.node, lines) + 1  # a block: after its last line
    lines.insert(at, f'{indent}{KEY}: "{digest}"')  # quoted: a hash of digits is not a number


def _last_line(node: Node, lines: list[str]) -> int:
    """Return the index of the last line that holds a node's text."""
    if isinstance(node, MappingNode) and node.value:
        return _last_line(node.value[-1][1], lines)
    if isinstance(node, SequenceNode) and node.value:
        return _last_line(node.value[-1], lines)
    line = node.end_mark.line if node.end_mark.column else node.end_mark.line - 1
    while line > node.start_mark.line and not lines[line].strip():
        line -= 1  # a folded or literal text ends before the blank lines after it
    return line
