"""Read YAML into nodes that remember their line, refusing what a handbook never needs.

The loader works on PyYAML's composed node tree rather than plain Python values, so that
every message can name the line of the value that is wrong (schema.py).
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from pathlib import Path

import yaml
from yaml.nodes import Node

from ..errors import Location, Problems
from .safeopen import read_regular, unreadable

At = tuple[str | int, ...]
"""A data path: the keys and list indexes from the top of a file's data to a value."""

# A source file larger than this is not a handbook chapter; refuse it before parsing.
MAX_FILE_BYTES = 2_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses anchors and aliases.

    Aliases let a small file expand into a huge tree ("billion laughs"); a handbook
    has no use for them.
    """

    def compose_node(self, parent: Node | None, index: int) -> Node | None:  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # types-PyYAML leaves it unannotated
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in handbook files", event.start_mark
            )
        return super().compose_node(parent, index)


class _Composed:
    """The node trees of the texts this process composed last, by the hash of the text.

    The preview builds the whole book again when one chapter changes, and the tests build
    the same chapters in many small books: a file read again unchanged is not parsed again.
    A tree is shared by every reader of that text: nothing changes a composed node (the
    loaders construct scalars only, never a mapping, which would flatten `<<` in place).
    Bounded by the texts' size (a tree takes about ten times its text), least recently used first out."""

    LIMIT = 4_000_000
    """Characters of text whose trees are kept: some 40 MB, all of this handbook's five languages twice over."""

    def __init__(self) -> None:
        self._trees: OrderedDict[bytes, tuple[Node | None, int]] = OrderedDict()
        self._size = 0

    def get(self, digest: bytes) -> tuple[Node | None] | None:
        found = self._trees.get(digest)
        if found is None:
            return None
        self._trees.move_to_end(digest)
        return (found[0],)

    def put(self, digest: bytes, node: Node | None, size: int) -> None:
        if size > self.LIMIT // 4:
            return  # one file may not empty the memo
        self._trees[digest] = (node, size)
        self._size += size
        while self._size > self.LIMIT:
            _, (_, dropped) = self._trees.popitem(last=False)
            self._size -= dropped


_COMPOSED = _Composed()


def compose_text(text: str) -> Node | None:
    """Return the node tree of a text, the same tree as the last time this process composed that text."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    kept = _COMPOSED.get(digest)
    if kept is not None:
        return kept[0]
    node = _compose_text(text)  # a text that is not YAML raises, and is not kept
    _COMPOSED.put(digest, node, len(text))
    return node


def _compose_text(text: str) -> Node | None:
    """Return the node tree of a text, with libyaml's parser where PyYAML has it (many times faster).

    libyaml's composer cannot refuse aliases as it meets them, but an alias leaves the node
    it names in the tree twice; so a tree that holds any node twice is composed again by the
    Python loader, which refuses the alias with its line. Aliases are never expanded here,
    so an alias bomb costs no more than its own text.
    """
    if not yaml.__with_libyaml__:
        return yaml.compose(text, Loader=_NoAliasLoader)
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        # libyaml words its errors differently: the Python loader finds the same mistake
        # and words it as every other message of ours is worded.
        return yaml.compose(text, Loader=_NoAliasLoader)
    if node is not None and _holds_a_node_twice(node):
        return yaml.compose(text, Loader=_NoAliasLoader)  # raises the ComposerError for the first alias
    return node


HINTS = (
    ("mapping values are not allowed here",
     "; a text with a colon and a space in it (such as 'Note: ...') must be in quotes: put the sentence in quotes"),
    ("found character '\\t'", "; indent with spaces, not tabs"),
    ("that cannot start any token",
     "; a text that starts with a sign such as @, `, % or [@ must be in quotes: put the text in quotes"),
    ("expected alphabetic or numeric character",
     "; a text that starts with * or & must be in quotes (*emphasis* inside a sentence needs none): "
     "put the text in quotes"),
)
"""PyYAML's words for the mistakes beginners make, and what to do, in plain words."""


def beginners_hint(problem: str, line: str) -> str:
    """Return a plain-words hint to follow PyYAML's message about a line, or "" if none fits."""
    if "\t" in line[: len(line) - len(line.lstrip())]:
        return "; indent with spaces, not tabs"
    for words, hint in HINTS:
        if words in problem:
            return hint
    if problem.startswith("expected <block end>") and re.search(r":\s*(['\"]).*\1.*\1", line):
        return ("; a text in quotes cannot hold the same quote mark: write \"it's\" or 'say \"no\"', "
                "or double the mark inside single quotes ('it''s')")
    if problem.startswith("expected <block end>") and re.search(r":\s*[\[{]", line):
        return "; a text that starts with [ or { must be in quotes: put the text in quotes"
    if problem.startswith("expected <block end>"):
        return "; check the indentation: keys of one mapping start in the same column, indented with spaces"
    return ""


def _holds_a_node_twice(root: Node) -> bool:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def compose(path: Path, problems: Problems) -> Node | None:
    """Return the YAML node tree of a file, or None after recording why it cannot be read.

    (prepare.py has already refused files that are links to outside the book: confine.py.)
    """
    raw = _read(path, problems)
    if raw is None:
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(Location(path, 0), f"the file is larger than {MAX_FILE_BYTES} bytes")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(Location(path, line), "the file is not UTF-8 text")
        return None
    try:
        node = compose_text(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # An error found at the end of the stream is reported on the file's last line.
        line = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark else 0
        what = error.problem or error.context or "invalid YAML"
        shown = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        problems.add(Location(path, line), f"invalid YAML: {what}{beginners_hint(what, shown)}")
        return None
    except yaml.YAMLError as error:  # errors without a position
        problems.add(Location(path, 0), f"invalid YAML: {error}")
        return None
    except RecursionError:  # thousands of nested brackets: hostile, or a runaway generator
        problems.add(Location(path, 0), "invalid YAML: the file nests lists or mappings too deeply")
        return None
    if node is None:
        problems.add(Location(path, 1), "the file is empty")
    return node


def _read(path: Path, problems: Problems) -> bytes | None:
    """Return a regular file's bytes, reading no more than the limit (a FIFO or /dev/zero never ends)."""
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except OSError as error:
        problems.add(Location(path, 0), unreadable(error))
        return None
