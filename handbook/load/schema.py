"""Check a YAML file against a JSON Schema shipped with the package, naming the line of each problem.

The schemas in handbook/schemas/ say what each kind of file may hold; jsonschema checks
the data against them. The composed YAML nodes remember where each value was written, so
every message points at the line a maintainer has to change, in words rather than in
jsonschema's vocabulary. Editors can load the same schemas to complete and check a file as
it is typed (see docs/editors.md).
"""
from __future__ import annotations

import datetime
import difflib
import functools
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problems
from .yamlsource import compose

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
    """Return the JSON Schema of a kind of file (`book`, `clinic`, ...)."""
    return json.loads((files("handbook") / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


@functools.cache
def _validator(kind: str):
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema(kind), format_checker=FormatChecker())


@dataclass(frozen=True)
class Document:
    """A YAML file as plain data, with the node each value and key came from."""

    path: Path
    data: object
    values: dict[tuple, Node]
    keys: dict[tuple, Node]

    def location(self, at: tuple = ()) -> Location:
        """Return where the value at a data path was written (its nearest parent if absent)."""
        while at not in self.values and at:
            at = at[:-1]
        return Location(self.path, self.values[at].start_mark.line + 1)

    def key_location(self, at: tuple) -> Location:
        """Return where the key of a mapping entry was written."""
        node = self.keys.get(at)
        return Location(self.path, node.start_mark.line + 1) if node else self.location(at)


def read(path: Path, kind: str, problems: Problems) -> Document | None:
    """Return a file's data if it is valid against its schema, else None after recording why."""
    root = compose(path, problems)
    if root is None:
        return None
    document = _document(path, root, problems)
    if document is None:
        return None
    found = sorted(_validator(kind).iter_errors(document.data), key=lambda e: (len(e.absolute_path), str(e)))
    reported: set[tuple] = set()
    for error in found:
        location, message = _explain(error, document, schema(kind))
        if (location, message) not in reported:
            reported.add((location, message))
            problems.add(location, message)
    return None if found else document


# --- From nodes to data ------------------------------------------------------------------

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _document(path: Path, root: Node, problems: Problems) -> Document | None:
    values: dict[tuple, Node] = {}
    keys: dict[tuple, Node] = {}
    failed: list[bool] = []

    def problem(node: Node, message: str) -> None:
        failed.append(True)
        problems.add(Location(path, node.start_mark.line + 1), message)

    def convert(node: Node, at: tuple):
        values[at] = node
        if isinstance(node, MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    problem(key_node, "a key must be text, not a list or mapping")
                    continue
                key = str(_scalar(key_node))
                if key in result:
                    problem(key_node, f"the key '{key}' is written twice")
                    continue
                keys[at + (key,)] = key_node
                result[key] = convert(value_node, at + (key,))
            return result
        if isinstance(node, SequenceNode):
            return [convert(item, at + (index,)) for index, item in enumerate(node.value)]
        value = _scalar(node)
        if isinstance(value, str):
            bad = _bad_character(value)
            if bad:
                problem(node, bad)
        return value

    data = convert(root, ())
    return None if failed else Document(path, data, values, keys)


def _scalar(node: ScalarNode):
    """Return a scalar as YAML reads it, with dates as ISO text (JSON Schema has no dates)."""
    value = _CONSTRUCTOR.construct_object(node)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):  # !!binary
        return node.value
    return value


def _bad_character(text: str) -> str | None:
    """Return why a text cannot go into a handbook, if it cannot."""
    for character in text:
        code = ord(character)
        if code < 32 and character not in "\t\n\r" or 0x7F <= code < 0xA0:
            # Escapes such as "\x0b" make characters that XML, and so the e-book, cannot hold.
            return f"the text contains the control character U+{code:04X}"
        if 0xD800 <= code <= 0xDFFF:
            # "\ud83d" alone is half of an emoji: no file can store it.
            return f"the text contains U+{code:04X}, half of a character; write the character itself"
        if code in (0xFFFE, 0xFFFF):
            return f"the text contains U+{code:04X}, which is not a character"
    return None


# --- From jsonschema's errors to messages ------------------------------------------------


def _explain(error, document: Document, root_schema: dict) -> tuple[Location, str]:
    at = tuple(error.absolute_path)
    name = _name(at, document)
    title = error.schema.get("title") or _title(at, document)
    validator = error.validator
    if "propertyNames" in error.schema_path:
        key = error.instance
        custom = error.schema.get("errorMessage", "is not allowed here")
        return document.key_location(at + (key,)), f"the key '{key}' of {_title(at, document)} {custom.format(value=key)}"
    if validator == "required":
        key = error.message.split("'")[1]
        return document.location(at), f"{title} is missing the key '{key}'"
    if validator == "additionalProperties":
        allowed = tuple(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        key = extra[0]
        return document.key_location(at + (key,)), _unknown_key(key, title, allowed)
    if validator == "propertyNames":
        return document.location(at), f"{title} has a key that is not allowed: {error.instance!r}"
    custom = error.schema.get("errorMessage")
    if custom and validator not in ("type",):
        return document.location(at), f"{name} {custom.format(value=error.instance)}"
    if validator == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        words = " or ".join(TYPE_WORDS[kind] for kind in expected)
        hint = ""
        if "string" in expected and isinstance(error.instance, (int, float)) and not isinstance(error.instance, bool):
            hint = f"; put it in quotes: \"{document.values[at].value}\""
        return document.location(at), f"{name} must be {words}, not {_what(error.instance)}{hint}"
    if validator in ("enum", "const"):
        options = error.validator_value if validator == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(error.instance), [str(o) for o in options], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return document.location(at), (f"{name} must be one of: {', '.join(map(str, options))}; "
                                        f"not {error.instance!r}{hint}")
    if validator == "minItems":
        return document.location(at), f"{name} must not be an empty list"
    if validator == "maxItems":
        return document.location(at), f"{name} may hold at most {error.validator_value} entries"
    if validator == "uniqueItems":
        seen: set = set()
        for index, item in enumerate(error.instance):
            marker = json.dumps(item, sort_keys=True)
            if marker in seen:
                return document.location(at + (index,)), f"{name} lists {item!r} twice"
            seen.add(marker)
    if validator == "minLength" or (validator == "pattern" and error.validator_value == "\\S"):
        return document.location(at), f"{name} must not be empty"
    if validator == "maxLength":
        return document.location(at), f"{name} is longer than {error.validator_value} characters"
    if validator == "pattern":
        return document.location(at), f"{name} must match {error.validator_value}, not {error.instance!r}"
    if validator == "format":
        if error.validator_value == "date":
            return document.location(at), f"{name} must be a date written as YYYY-MM-DD, not {error.instance!r}"
        return document.location(at), f"{name} must be a {error.validator_value}, not {error.instance!r}"
    if validator in ("minimum", "maximum"):
        return document.location(at), f"{name} must be {'at least' if validator == 'minimum' else 'at most'} {error.validator_value}"
    if validator in ("oneOf", "anyOf") and error.context:
        # Explain the alternative whose type fits what was written.
        fitting = [sub for sub in error.context if sub.validator != "type"]
        if fitting:
            return _explain(min(fitting, key=lambda e: -len(e.absolute_path)), document, root_schema)
        kinds = sorted({TYPE_WORDS.get(str(sub.validator_value), str(sub.validator_value))
                        for sub in error.context if sub.validator == "type"})
        return document.location(at), f"{name} must be {' or '.join(kinds)}, not {_what(error.instance)}"
    return document.location(at), f"{name}: {error.message}"


def _name(at: tuple, document: Document) -> str:
    """Return how a message names the value at a data path."""
    if not at:
        return "the file"
    if isinstance(at[-1], int):
        parent = next((part for part in reversed(at[:-1]) if isinstance(part, str)), "the list")
        return f"entry {at[-1] + 1} of '{parent}'"
    return f"'{at[-1]}'"


def _title(at: tuple, document: Document) -> str:
    if not at:
        return "the file"
    return _name(at, document)


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
    return f"the text {value!r}"


def _unknown_key(key: str, what: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
    return f"{what} has an unknown key '{key}'{hint}"
