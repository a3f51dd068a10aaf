"""Say what a jsonschema error means for the person who wrote the file, and where.

jsonschema words its errors for programmers ("'title' is a required property"). Each
validator keyword the schemas use has a function here that says the same in the book's
words, at the line of the value (or key) to change: the table `SAY` maps the keyword to
its function, and a test checks that every keyword the schemas use has one. The values
are taken from the error's fields (`validator_value`, `instance`), never parsed out of
jsonschema's English.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from yaml.nodes import ScalarNode

from ..errors import Location
from .moved import moved_key, moved_value
from .yamlsource import At

if TYPE_CHECKING:
    from .schema import Document, Schema

TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "empty",
}
WORDED_BY_THE_SCHEMA = ("pattern", "format", "enum", "const", "minimum", "maximum", "type")
"""The keywords whose failure a schema's own `errorMessage` words (the shape of one value);
not those about its size or its keys, which the functions below word the same everywhere."""

Said = list[tuple[Location, str]]
ValidationError = Any
"""jsonschema's error. Its stubs type each field as perhaps unset (an error made by hand);
every error here comes from a validator, which sets them all: they are read as they are."""
Keyword = Callable[["Explainer", ValidationError, "Place"], Said]
"""What to say about an error of one validator keyword."""


@dataclass(frozen=True)
class Place:
    """Where an error is: its data path, the line of its value, and how the schema names it."""

    at: At
    here: Location
    what: str


class Explainer:
    """Explain jsonschema's errors for one document (schema.py's Document)."""

    def __init__(self, document: Document, root_schema: Schema, kind: str):
        from .schema import name

        self.document = document
        self.root = root_schema
        self.kind = kind
        self.name: Callable[[At], str] = lambda at: name(root_schema, at)

    def explain(self, error: ValidationError) -> Said:
        """Return each place and message an error calls for (none if another message says it already)."""
        at = tuple(error.absolute_path)
        place = Place(at, self.document.location(at), self.name(at))
        if "propertyNames" in error.schema_path:
            return _key_name(self, error, place)
        earlier = moved_value(self.kind, at, error.instance)
        if earlier:
            return [(place.here, f"{place.what} {earlier}")]
        custom = error.schema.get("errorMessage")
        if custom and error.validator in WORDED_BY_THE_SCHEMA and (error.validator != "type"
                                                                   or isinstance(error.instance, str)):
            return [(place.here, f"{place.what} {custom}, not {_shown(error.instance)}")]
        return SAY.get(error.validator, _as_jsonschema_says)(self, error, place)

    def purpose(self, node: Schema, key: str) -> str:
        """Return what a key is for, from its schema's description, to say what to write."""
        text = node.get("properties", {}).get(key, {}).get("description", "")
        if not text or len(text) > 120:
            return ""
        return f": {text[0].lower()}{text[1:].rstrip('.')}"

    def alternatives(self, error: ValidationError) -> list[str]:
        """Return what each alternative of an anyOf or oneOf accepts, in the schema's order."""
        from .schema import _resolve

        words = []
        for branch in error.validator_value:
            title, branch = _resolve(self.root, branch)
            kind = branch.get("type")
            word = title or (TYPE_WORDS.get(kind, str(kind)) if isinstance(kind, str) else "text")
            if word not in words:
                words.append(word)
        return words


# --- One function per keyword ------------------------------------------------------------


def _key_name(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    key = error.instance
    custom = error.schema.get("errorMessage", "is not allowed here")
    return [(explainer.document.key_location(place.at + (key,)),
             f"the key {_shown(key)} of {place.what} {custom}, not {_shown(key)}")]


def _required(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    # Each missing key is its own error, and the one this error is about is not in the
    # instance: the schema's list, less what the mapping has.
    said = []
    for key in error.validator_value:
        if key in error.instance:
            continue
        if _close_unknown_key(error.instance, error.schema, [key]):
            continue  # "unknown key 'titel'; did you mean 'title'?" says it already
        said.append((place.here, f"{place.what} is missing the key '{key}'{explainer.purpose(error.schema, key)}"))
    return said


def _additional_properties(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    allowed = tuple(error.schema.get("properties", {}))
    return [(explainer.document.key_location(place.at + (key,)),
             moved_key(explainer.kind, place.at, key, place.what) or _unknown_key(key, place.what, allowed))
            for key in error.instance if key not in allowed]


def _type(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    expected = error.validator_value
    expected = [expected] if isinstance(expected, str) else list(expected)
    if error.instance is None and "string" in expected:
        return [(place.here, f"{place.what} must not be empty")]
    if "string" in expected and "number" in expected:  # text as typed: any scalar
        expected = ["string"]
    words = " or ".join(TYPE_WORDS[kind] for kind in expected)
    if error.schema.get("format") == "date":
        words = "a date written as YYYY-MM-DD"
    hint = ""
    node = explainer.document.values.get(place.at)
    if "string" in expected and isinstance(error.instance, (int, float, bool)) and isinstance(node, ScalarNode):
        hint = f"; put it in quotes: \"{node.value}\""
    return [(place.here, f"{place.what} must be {words}, not {_what(error.instance)}{hint}")]


def _one_of(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    if _exactly_one_key(error.schema):
        return _exactly_one(explainer, error, place)
    return _any_of(explainer, error, place)


def _exactly_one(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    if not isinstance(error.instance, dict):
        return []  # not a mapping at all: its type error says so
    kinds = [branch["required"][0] for branch in error.schema["oneOf"]]
    present = [kind for kind in kinds if kind in error.instance]
    if len(present) > 1:
        return [(place.here, f"{place.what} has more than one of: {', '.join(present)}; give each its own block "
                 f"(a block is one of: {', '.join(kinds)})")]
    if _unknown_keys(error.instance, error.schema):
        return []  # the unknown key's message says what a block may hold
    return [(place.here, f"{place.what} needs exactly one of: {', '.join(kinds)}")]


def _any_of(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    # Explain the alternative whose type fits what was written: its error is not about
    # the type of this value, or it is about a value inside it.
    fitting = [sub for sub in error.context
               if sub.validator != "type" or len(sub.absolute_path) > len(error.absolute_path)]
    if fitting:
        return explainer.explain(max(fitting, key=lambda e: len(e.absolute_path)))
    return [(place.here, f"{place.what} must be {' or '.join(explainer.alternatives(error))}, "
             f"not {_what(error.instance)}")]


def _enum(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    options = error.validator_value if error.validator == "enum" else [error.validator_value]
    close = difflib.get_close_matches(str(error.instance), [str(o) for o in options], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return [(place.here, f"{place.what} must be one of: {', '.join(map(str, options))}; "
             f"not {_shown(error.instance)}{hint}")]


def _unique_items(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    seen: set[str] = set()
    for index, item in enumerate(error.instance):
        marker = json.dumps(item, sort_keys=True)
        if marker in seen:
            return [(explainer.document.location(place.at + (index,)), f"{place.what} lists {_shown(item)} twice")]
        seen.add(marker)
    return []


def _pattern(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    if error.validator_value == "\\S":
        return [(place.here, f"{place.what} must not be empty")]
    return [(place.here, f"{place.what} must match {error.validator_value}, not {_shown(error.instance)}")]


def _format(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    if error.validator_value == "date":
        return [(place.here, f"{place.what} must be a date written as YYYY-MM-DD, not {_shown(error.instance)}")]
    return [(place.here, f"{place.what} must be a {error.validator_value}, not {_shown(error.instance)}")]


def _bound(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    bound = "at least" if error.validator == "minimum" else "at most"
    return [(place.here, f"{place.what} must be {bound} {error.validator_value}, not {_shown(error.instance)}")]


def _saying(words: Callable[[Any], str]) -> Keyword:
    """Return a keyword's function that says one thing about the value, at its line."""
    return lambda explainer, error, place: [(place.here, f"{place.what} {words(error.validator_value)}")]


def _as_jsonschema_says(explainer: Explainer, error: ValidationError, place: Place) -> Said:
    return [(place.here, f"{place.what}: {error.message}")]  # a keyword no schema here uses yet


SAY: dict[str, Keyword] = {
    "required": _required,
    "additionalProperties": _additional_properties,
    "type": _type,
    "oneOf": _one_of,
    "anyOf": _any_of,
    "enum": _enum,
    "const": _enum,
    "uniqueItems": _unique_items,
    "pattern": _pattern,
    "format": _format,
    "minimum": _bound,
    "maximum": _bound,
    "minItems": _saying(lambda _: "must not be an empty list"),
    "maxItems": _saying(lambda most: f"may hold at most {most} entries"),
    "minProperties": _saying(lambda _: "must not be empty"),
    "maxProperties": _saying(lambda most: f"may hold at most {most} entries"),
    "minLength": _saying(lambda _: "must not be empty"),
    "maxLength": _saying(lambda most: f"is longer than {most} characters"),
}
"""What to say for each validator keyword the schemas use (tests/test_schemas.py checks every one is here)."""


# --- Helpers -------------------------------------------------------------------------------


def _close_unknown_key(instance: dict[str, Any], node: Schema, wanted: list[str]) -> bool:
    """Tell whether the mapping has an unknown key that looks like a typo of a wanted one (or its old name)."""
    return any(difflib.get_close_matches(key, wanted, n=1) for key in _unknown_keys(instance, node))


def _unknown_keys(instance: dict[str, Any], node: Schema) -> list[str]:
    """Return the keys of a mapping its schema does not allow."""
    if node.get("additionalProperties", True) is not False:
        return []
    return [key for key in instance if key not in node.get("properties", {})]


def _exactly_one_key(node: Schema) -> bool:
    """Tell whether a oneOf means "exactly one of these keys" (each branch requires one key)."""
    branches = node.get("oneOf", ())
    return bool(branches) and all(set(branch) == {"required"} and len(branch["required"]) == 1 for branch in branches)


def _shown(value: object) -> str:
    """Return a value as a message quotes it, cut short: a 1 MB title is not printed whole."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _what(value: Any) -> str:
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
