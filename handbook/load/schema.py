"""Check a YAML file against a JSON Schema shipped with the package, naming the line of each problem.

The schemas in handbook/schemas/ say what each kind of file may hold; jsonschema checks
the data against them. The composed YAML nodes remember where each value was written, so
every message points at the line a maintainer has to change, in words rather than in
jsonschema's vocabulary: each value is named by the `title` its schema gives it ("the
chapter title", "a figure"), or by its key. Editors load the same schemas to complete and
check a file as it is typed (see docs/editors.md).
"""
from __future__ import annotations

import datetime
import functools
import json
import re
import weakref
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problems
from .messages import Explainer
from .yamlsource import At, compose

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

Schema = dict[str, Any]
"""A JSON Schema, or a part of one."""

KINDS = ("book", "chapter", "sources", "clinic-defaults", "clinic", "theme", "approvals")
"""Every kind of file a user writes, each with its schema in handbook/schemas/<kind>.schema.json."""


@functools.cache
def schema(kind: str) -> Schema:
    """Return the JSON Schema of a kind of file (`book`, `chapter`, ...)."""
    loaded: Schema = json.loads((files("handbook") / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator(kind: str) -> Validator:
    # Draft 7, the newest draft the YAML language server (VS Code's YAML extension) checks
    # files with: the editor and the build then read the schemas the same way.
    from jsonschema import Draft7Validator, FormatChecker

    return Draft7Validator(schema(kind), format_checker=FormatChecker())


@dataclass(frozen=True)
class Document:
    """A YAML file as plain data, with the node each value and key came from."""

    path: Path
    data: Any
    """What the file holds, as YAML reads it: checked against its schema, not by type."""
    values: dict[At, Node]
    keys: dict[At, Node]
    failed: frozenset[At] = field(default=frozenset())
    """The data paths at which the schema found a problem (empty for a valid file)."""

    def location(self, at: At = ()) -> Location:
        """Return where the value at a data path was written (its nearest parent if absent)."""
        while at not in self.values and at:
            at = at[:-1]
        return Location(self.path, self.values[at].start_mark.line + 1)

    def key_location(self, at: At) -> Location:
        """Return where the key of a mapping entry was written."""
        node = self.keys.get(at)
        return Location(self.path, node.start_mark.line + 1) if node else self.location(at)

    def text(self, at: At) -> str:
        """Return a scalar as it was typed: `yes` and `12` in a text field stay text, not true and 12."""
        value = self.get(at)
        if value is None:
            return ""
        return value if isinstance(value, str) else self.values[at].value

    def get(self, at: At) -> Any:
        """Return the data at a path."""
        value = self.data
        for part in at:
            value = value[part]
        return value

    def valid(self, at: At) -> bool:
        """Tell whether the value at a data path, and everything inside it, passed the schema."""
        return not any(failed[: len(at)] == at for failed in self.failed)


def read(path: Path, kind: str, problems: Problems, *, partial: bool = False) -> Document | None:
    """Return a file's data if it is valid against its schema, else None after recording why.

    With `partial`, a file that could be read but breaks its schema is still returned,
    with `failed` naming where, so that a loader can check the valid parts too and report
    every problem at once.
    """
    root = compose(path, problems)
    if root is None:
        return None
    reader = _Reader(path, schema(kind))
    document = reader.document(root)
    for location, message in reader.problems:
        problems.add(location, message)
    if reader.problems:
        return None
    if kind in _VALID.get(root, ()):
        return document
    found = list(_validator(kind).iter_errors(document.data))
    found.sort(key=lambda e: (len(e.absolute_path), str(list(e.absolute_path)), e.validator, str(e.message)))
    reported: set[tuple[Location, str]] = set()
    for error in found:
        for location, message in Explainer(document, schema(kind), kind).explain(error):
            if (location, message) not in reported:
                reported.add((location, message))
                problems.add(location, message)
    if not found:
        _VALID.setdefault(root, set()).add(kind)
        return document
    if not partial:
        return None
    failed = frozenset(tuple(error.absolute_path) for error in found)
    return Document(document.path, document.data, document.values, document.keys, failed)


_VALID: weakref.WeakKeyDictionary[Node, set[str]] = weakref.WeakKeyDictionary()
"""The kinds each composed tree was found valid as. A text composed again unchanged is the
same tree (yamlsource.py), and its data, made from the tree alone, need not be checked
against a schema again: jsonschema took most of the time of reading a valid file."""


# --- What the schema calls a value --------------------------------------------------------


def _resolve(root: Schema, node: Schema) -> tuple[str | None, Schema]:
    """Return a subschema's title (its own, or that of what it refers to) and the schema it refers to."""
    title = node.get("title")
    while "$ref" in node:
        node = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
        title = title or node.get("title")
    return title, node


def _step(root: Schema, node: Schema, part: str | int) -> Schema | None:
    """Return the subschema for one step (a key or an index) into the data, or None."""
    for candidate in [node, *node.get("anyOf", ()), *node.get("oneOf", ())]:
        _, candidate = _resolve(root, candidate)
        found: Schema | None = None
        if isinstance(part, int) and isinstance(candidate.get("items"), dict):
            found = candidate["items"]
        elif isinstance(part, str) and part in candidate.get("properties", {}):
            found = candidate["properties"][part]
        elif isinstance(part, str) and isinstance(candidate.get("additionalProperties"), dict):
            found = candidate["additionalProperties"]
        if found is not None:
            return found
    return None


def schema_at(root: Schema, at: At) -> Schema | None:
    """Return the subschema that describes the value at a data path."""
    node: Schema | None = root
    for part in at:
        node = _step(root, _resolve(root, node)[1], part) if node is not None else None
    return node


def name(root: Schema, at: At) -> str:
    """Return how a message names the value at a data path: its schema's title, else its key."""
    node = schema_at(root, at)
    title = _resolve(root, node)[0] if node is not None else None
    if title:
        return title
    if not at:
        return "the file"
    if isinstance(at[-1], int):
        return f"entry {at[-1] + 1} of {name(root, at[:-1])}"
    return f"'{at[-1]}'"


# --- From nodes to data ------------------------------------------------------------------

_PLAIN_TAGS = {f"tag:yaml.org,2002:{tag}" for tag in
               ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary")}
"""The tags YAML gives plain values itself; any other (`!include`, `!!python/...`) is refused."""


class _Reader:
    """Turn a composed node tree into plain data, recording what no schema can say."""

    def __init__(self, path: Path, root_schema: Schema):
        self.path = path
        self.schema = root_schema
        self.values: dict[At, Node] = {}
        self.keys: dict[At, Node] = {}
        self.problems: list[tuple[Location, str]] = []
        # One per file: a constructor remembers every node it has made a value of, so one
        # kept for the process kept every file ever read (the preview's memory grew a
        # little with each rebuild).
        self.constructor = yaml.constructor.SafeConstructor()

    def document(self, root: Node) -> Document:
        return Document(self.path, self.convert(root, ()), self.values, self.keys)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append((Location(self.path, node.start_mark.line + 1), message))

    def convert(self, node: Node, at: At) -> Any:
        self.values[at] = node
        if node.tag not in _PLAIN_TAGS:
            # `!include x.yaml` or `!!python/object`: nothing in a handbook file needs a tag.
            self.problem(node, f"{name(self.schema, at)} has the tag {node.tag!r}; handbook files are plain YAML "
                         "without tags (there is no include mechanism)")
            return None
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    self.problem(key_node, f"{name(self.schema, at)} has a key that is a list or mapping; "
                                 "a key must be a word such as 'title'")
                    continue
                key = key_node.value  # as typed: `on:` is the key "on", not true
                if key in result:
                    self.problem(key_node, f"{name(self.schema, at)} has the key '{key}' twice")
                    continue
                self.keys[at + (key,)] = key_node
                result[key] = self.convert(value_node, at + (key,))
            return result
        if isinstance(node, SequenceNode):
            return [self.convert(item, at + (index,)) for index, item in enumerate(node.value)]
        value = _scalar(node, self.constructor)
        if isinstance(value, str):
            bad = _bad_character(value)
            if bad:
                self.problem(node, f"{name(self.schema, at)} contains {bad}")
        return value


def _scalar(node: Node, constructor: yaml.constructor.SafeConstructor) -> Any:
    """Return a scalar as YAML reads it, with dates as ISO text (JSON Schema has no dates)."""
    try:
        value = constructor.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):  # `2026-02-30`, or a timestamp out of range
        return node.value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):  # !!binary
        return node.value
    return value


_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]")
"""Every character _bad_character describes: one search in C finds whether a text has any."""


def _bad_character(text: str) -> str | None:
    """Return the character that cannot go into a handbook, described, if there is one."""
    if _SUSPECT.search(text) is None:
        return None
    for character in text:
        code = ord(character)
        if code < 32 and character not in "\t\n\r" or 0x7F <= code < 0xA0:
            # Escapes such as "\x0b" make characters that XML, and so the e-book, cannot hold.
            return f"the control character U+{code:04X}"
        if 0xD800 <= code <= 0xDFFF:
            # "\ud83d" alone is half of an emoji: no file can store it.
            return f"U+{code:04X}, half of a character; write the character itself, not its escape"
        if code in (0xFFFE, 0xFFFF):
            return f"U+{code:04X}, which is not a character"
        if code in (0x2028, 0x2029):
            # Like U+000B and U+0085 above, a break that is not a new line of the file: the
            # print edition has no glyph for it, and e-book readers and browsers each break there, or not.
            what = "line" if code == 0x2028 else "paragraph"
            return (f"U+{code:04X}, a {what} separator (often pasted from a PDF or a word processor); "
                    "write a space, or start a new paragraph")
    return None
