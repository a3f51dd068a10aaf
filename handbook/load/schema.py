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
import difflib
import functools
import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problems
from .yamlsource import compose

KINDS = ("book", "chapter", "sources", "clinic-defaults", "clinic", "theme", "approvals")
"""Every kind of file a user writes, each with its schema in handbook/schemas/<kind>.schema.json."""

TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "empty",
}


@functools.cache
def schema(kind: str) -> dict:
    """Return the JSON Schema of a kind of file (`book`, `chapter`, ...)."""
    return json.loads((files("handbook") / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


@functools.cache
def _validator(kind: str):
    # Draft 7, the newest draft the YAML language server (VS Code's YAML extension) checks
    # files with: the editor and the build then read the schemas the same way.
    from jsonschema import Draft7Validator, FormatChecker

    return Draft7Validator(schema(kind), format_checker=FormatChecker())


@dataclass(frozen=True)
class Document:
    """A YAML file as plain data, with the node each value and key came from."""

    path: Path
    data: object
    values: dict[tuple, Node]
    keys: dict[tuple, Node]
    failed: frozenset[tuple] = field(default=frozenset())
    """The data paths at which the schema found a problem (empty for a valid file)."""

    def location(self, at: tuple = ()) -> Location:
        """Return where the value at a data path was written (its nearest parent if absent)."""
        while at not in self.values and at:
            at = at[:-1]
        return Location(self.path, self.values[at].start_mark.line + 1)

    def key_location(self, at: tuple) -> Location:
        """Return where the key of a mapping entry was written."""
        node = self.keys.get(at)
        return Location(self.path, node.start_mark.line + 1) if node else self.location(at)

    def text(self, at: tuple) -> str:
        """Return a scalar as it was typed: `yes` and `12` in a text field stay text, not true and 12."""
        value = self.get(at)
        if value is None:
            return ""
        return value if isinstance(value, str) else self.values[at].value

    def get(self, at: tuple):
        """Return the data at a path."""
        value = self.data
        for part in at:
            value = value[part]
        return value

    def valid(self, at: tuple) -> bool:
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
    found = list(_validator(kind).iter_errors(document.data))
    found.sort(key=lambda e: (len(e.absolute_path), str(list(e.absolute_path)), e.validator, str(e.message)))
    reported: set[tuple] = set()
    for error in found:
        for location, message in _Explainer(document, schema(kind)).explain(error):
            if (location, message) not in reported:
                reported.add((location, message))
                problems.add(location, message)
    if not found:
        return document
    if not partial:
        return None
    failed = frozenset(tuple(error.absolute_path) for error in found)
    return Document(document.path, document.data, document.values, document.keys, failed)


# --- What the schema calls a value --------------------------------------------------------


def _resolve(root: dict, node: dict) -> tuple[str | None, dict]:
    """Return a subschema's title (its own, or that of what it refers to) and the schema it refers to."""
    title = node.get("title")
    while "$ref" in node:
        node = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
        title = title or node.get("title")
    return title, node


def _step(root: dict, node: dict, part) -> dict | None:
    """Return the subschema for one step (a key or an index) into the data, or None."""
    for candidate in [node, *node.get("anyOf", ()), *node.get("oneOf", ())]:
        _, candidate = _resolve(root, candidate)
        if isinstance(part, int) and isinstance(candidate.get("items"), dict):
            return candidate["items"]
        if isinstance(part, str):
            if part in candidate.get("properties", {}):
                return candidate["properties"][part]
            if isinstance(candidate.get("additionalProperties"), dict):
                return candidate["additionalProperties"]
    return None


def schema_at(root: dict, at: tuple) -> dict | None:
    """Return the subschema that describes the value at a data path."""
    node = root
    for part in at:
        node = _step(root, _resolve(root, node)[1], part)
        if node is None:
            return None
    return node


def name(root: dict, at: tuple) -> str:
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

    def __init__(self, path: Path, root_schema: dict):
        self.path = path
        self.schema = root_schema
        self.values: dict[tuple, Node] = {}
        self.keys: dict[tuple, Node] = {}
        self.problems: list[tuple[Location, str]] = []
        # One per file: a constructor remembers every node it has made a value of, so one
        # kept for the process kept every file ever read (the preview's memory grew a
        # little with each rebuild).
        self.constructor = yaml.constructor.SafeConstructor()

    def document(self, root: Node) -> Document:
        return Document(self.path, self.convert(root, ()), self.values, self.keys)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append((Location(self.path, node.start_mark.line + 1), message))

    def convert(self, node: Node, at: tuple):
        self.values[at] = node
        if node.tag not in _PLAIN_TAGS:
            # `!include x.yaml` or `!!python/object`: nothing in a handbook file needs a tag.
            self.problem(node, f"{name(self.schema, at)} has the tag {node.tag!r}; handbook files are plain YAML "
                         "without tags (there is no include mechanism)")
            return None
        if isinstance(node, MappingNode):
            result: dict = {}
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


def _scalar(node: ScalarNode, constructor: yaml.constructor.SafeConstructor):
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


def _bad_character(text: str) -> str | None:
    """Return the character that cannot go into a handbook, described, if there is one."""
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


# --- From jsonschema's errors to messages ------------------------------------------------


class _Explainer:
    """Say what a jsonschema error means for the person who wrote the file, and where."""

    def __init__(self, document: Document, root_schema: dict):
        self.document = document
        self.root = root_schema

    def name(self, at: tuple) -> str:
        return name(self.root, at)

    def explain(self, error) -> list[tuple[Location, str]]:
        at = tuple(error.absolute_path)
        here = self.document.location(at)
        what = self.name(at)
        validator = error.validator
        if "propertyNames" in error.schema_path:
            key = error.instance
            custom = error.schema.get("errorMessage", "is not allowed here")
            return [(self.document.key_location(at + (key,)),
                     f"the key '{key}' of {self.name(at)} {custom}, not {key!r}")]
        if validator == "required":
            key = error.message.split("'")[1]
            if self._close_unknown_key(error.instance, error.schema, [key]):
                return []  # "unknown key 'titel'; did you mean 'title'?" says it already
            return [(here, f"{what} is missing the key '{key}'{self._purpose(error.schema, key)}")]
        if validator == "additionalProperties":
            allowed = tuple(error.schema.get("properties", {}))
            return [(self.document.key_location(at + (key,)), _unknown_key(key, what, allowed))
                    for key in error.instance if key not in allowed]
        if validator == "oneOf" and _exactly_one_key(error.schema):
            return self._exactly_one(error, at, what)
        # errorMessage: the schema's own words, which editors show too.
        custom = error.schema.get("errorMessage")
        if custom and (validator != "type" or isinstance(error.instance, str)):
            return [(here, f"{what} {custom}, not {error.instance!r}")]
        if validator == "type":
            return [(here, self._wrong_type(error, at, what))]
        if validator in ("enum", "const"):
            options = error.validator_value if validator == "enum" else [error.validator_value]
            close = difflib.get_close_matches(str(error.instance), [str(o) for o in options], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return [(here, f"{what} must be one of: {', '.join(map(str, options))}; not {error.instance!r}{hint}")]
        if validator == "minItems":
            return [(here, f"{what} must not be an empty list")]
        if validator == "maxItems":
            return [(here, f"{what} may hold at most {error.validator_value} entries")]
        if validator == "minProperties":
            return [(here, f"{what} must not be empty")]
        if validator == "uniqueItems":
            seen: set = set()
            for index, item in enumerate(error.instance):
                marker = json.dumps(item, sort_keys=True)
                if marker in seen:
                    return [(self.document.location(at + (index,)), f"{what} lists {item!r} twice")]
                seen.add(marker)
        if validator == "minLength" or (validator == "pattern" and error.validator_value == "\\S"):
            return [(here, f"{what} must not be empty")]
        if validator == "maxLength":
            return [(here, f"{what} is longer than {error.validator_value} characters")]
        if validator == "pattern":
            return [(here, f"{what} must match {error.validator_value}, not {error.instance!r}")]
        if validator == "format":
            if error.validator_value == "date":
                return [(here, f"{what} must be a date written as YYYY-MM-DD, not {error.instance!r}")]
            return [(here, f"{what} must be a {error.validator_value}, not {error.instance!r}")]
        if validator in ("minimum", "maximum"):
            bound = "at least" if validator == "minimum" else "at most"
            return [(here, f"{what} must be {bound} {error.validator_value}, not {error.instance!r}")]
        if validator in ("oneOf", "anyOf") and error.context:
            # Explain the alternative whose type fits what was written: its error is not about
            # the type of this value, or it is about a value inside it.
            fitting = [sub for sub in error.context
                       if sub.validator != "type" or len(sub.absolute_path) > len(error.absolute_path)]
            if fitting:
                return self.explain(max(fitting, key=lambda e: len(e.absolute_path)))
            return [(here, f"{what} must be {' or '.join(self._alternatives(error))}, not {_what(error.instance)}")]
        return [(here, f"{what}: {error.message}")]

    def _purpose(self, node: dict, key: str) -> str:
        """Return what a key is for, from its schema's description, to say what to write."""
        text = node.get("properties", {}).get(key, {}).get("description", "")
        if not text or len(text) > 120:
            return ""
        return f": {text[0].lower()}{text[1:].rstrip('.')}"

    def _alternatives(self, error) -> list[str]:
        """Return what each alternative of an anyOf or oneOf accepts, in the schema's order."""
        words = []
        for branch in error.validator_value:
            title, branch = _resolve(self.root, branch)
            kind = branch.get("type")
            word = title or (TYPE_WORDS.get(kind, str(kind)) if isinstance(kind, str) else "text")
            if word not in words:
                words.append(word)
        return words

    def _wrong_type(self, error, at: tuple, what: str) -> str:
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else list(expected)
        if error.instance is None and "string" in expected:
            return f"{what} must not be empty"
        if "string" in expected and "number" in expected:  # text as typed: any scalar
            expected = ["string"]
        words = " or ".join(TYPE_WORDS[kind] for kind in expected)
        if error.schema.get("format") == "date":
            words = "a date written as YYYY-MM-DD"
        hint = ""
        node = self.document.values.get(at)
        if "string" in expected and isinstance(error.instance, (int, float, bool)) and isinstance(node, ScalarNode):
            hint = f"; put it in quotes: \"{node.value}\""
        return f"{what} must be {words}, not {_what(error.instance)}{hint}"

    def _exactly_one(self, error, at: tuple, what: str) -> list[tuple[Location, str]]:
        if not isinstance(error.instance, dict):
            return []  # not a mapping at all: its type error says so
        kinds = [branch["required"][0] for branch in error.schema["oneOf"]]
        present = [kind for kind in kinds if kind in error.instance]
        here = self.document.location(at)
        if len(present) > 1:
            return [(here, f"{what} has more than one of: {', '.join(present)}; give each its own block "
                     f"(a block is one of: {', '.join(kinds)})")]
        if self._unknown_keys(error.instance, error.schema):
            return []  # the unknown key's message says what a block may hold
        return [(here, f"{what} needs exactly one of: {', '.join(kinds)}")]

    def _close_unknown_key(self, instance, node: dict, wanted: list[str]) -> bool:
        """Tell whether the mapping has an unknown key that looks like a typo of a wanted one."""
        return any(difflib.get_close_matches(key, wanted, n=1) for key in self._unknown_keys(instance, node))

    @staticmethod
    def _unknown_keys(instance, node: dict) -> list[str]:
        """Return the keys of a mapping its schema does not allow."""
        if node.get("additionalProperties", True) is not False:
            return []
        return [key for key in instance if key not in node.get("properties", {})]


def _exactly_one_key(node: dict) -> bool:
    """Tell whether a oneOf means "exactly one of these keys" (each branch requires one key)."""
    branches = node.get("oneOf", ())
    return bool(branches) and all(set(branch) == {"required"} and len(branch["required"]) == 1 for branch in branches)


def _what(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"the text {shown!r}"


def _unknown_key(key: str, what: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
    shown = key if len(key) <= 60 else key[:57] + "..."
    return f"{what} has an unknown key '{shown}'{hint}"
