"""The checked book as JSON, and back: data only, never code (no pickle).

A kept book is written as nested JSON arrays, each tagged with what it stands for: a
tuple, a dict, a path, a date, or one of the handbook's own frozen data classes, named by
its place in `CLASSES`. Reading builds only those classes, from their fields in order,
so whatever a file in build/.cache/ says, reading it can make nothing else and run no
code (unlike pickle, whose data names any function to call).
"""
from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path, PurePosixPath

TUPLE, LIST, DICT, PATH, DATE, DATETIME, FROZENSET = range(7)
FIRST_CLASS = 16
"""Tags below this are the built-in kinds above; from it on, the classes in `CLASSES`."""


def _classes() -> tuple[type, ...]:
    """Return every class a checked book is made of, in a fixed order (their tags)."""
    from ..analyse import numbering
    from ..errors import Location
    from ..model import book, text
    from ..prepare import Handbook
    from ..project import Project
    from ..theme import Cover, LanguageFonts, PrintLayout, Theme

    found = [Handbook, Project, Theme, PrintLayout, Cover, LanguageFonts, Location]
    for module in (text, book, numbering):
        found += sorted((value for value in vars(module).values()
                         if isinstance(value, type) and dataclasses.is_dataclass(value)
                         and value.__module__ == module.__name__), key=lambda cls: cls.__name__)
    return tuple(found)


class Codec:
    """Encode and decode a checked book."""

    def __init__(self) -> None:
        self.classes = _classes()
        self.tags = {cls: FIRST_CLASS + index for index, cls in enumerate(self.classes)}
        self.fields = [tuple(field.name for field in dataclasses.fields(cls)) for cls in self.classes]

    def dumps(self, value: object) -> bytes:
        """Return a value as JSON bytes."""
        return json.dumps(self._encode(value), ensure_ascii=False, separators=(",", ":")).encode()

    def loads(self, data: bytes) -> object:
        """Return the value JSON bytes stand for; raise ValueError for anything else."""
        return self._decode(json.loads(data))

    def _encode(self, value: object) -> object:
        if value is None or isinstance(value, (str, bool, int, float)):
            return value
        tag = self.tags.get(type(value))
        if tag is not None:
            return [tag, *(self._encode(getattr(value, name)) for name in self.fields[tag - FIRST_CLASS])]
        if isinstance(value, tuple):
            return [TUPLE, *(self._encode(item) for item in value)]
        if isinstance(value, list):
            return [LIST, *(self._encode(item) for item in value)]
        if isinstance(value, (frozenset, set)):
            return [FROZENSET, *sorted((self._encode(item) for item in value), key=json.dumps)]
        if isinstance(value, dict):
            return [DICT, *(self._encode(part) for pair in value.items() for part in pair)]
        if isinstance(value, PurePosixPath):
            return [PATH, str(value)]
        if isinstance(value, datetime.datetime):
            return [DATETIME, value.isoformat()]
        if isinstance(value, datetime.date):
            return [DATE, value.isoformat()]
        raise TypeError(f"a checked book holds no {type(value).__name__}")

    def _decode(self, value: object) -> object:
        if type(value) is not list:
            if value is None or type(value) in (str, bool, int, float):
                return value
            raise ValueError("not a kept book")
        tag, *items = value
        if tag == TUPLE:
            return tuple(map(self._decode, items))
        if tag == DICT:
            parts = list(map(self._decode, items))
            return dict(zip(parts[::2], parts[1::2], strict=False))
        if tag == PATH and len(items) == 1 and isinstance(items[0], str):
            return Path(items[0])
        if tag == DATE and len(items) == 1 and isinstance(items[0], str):
            return datetime.date.fromisoformat(items[0])
        if tag == DATETIME and len(items) == 1 and isinstance(items[0], str):
            return datetime.datetime.fromisoformat(items[0])
        if tag == LIST:
            return list(map(self._decode, items))
        if tag == FROZENSET:
            return frozenset(map(self._decode, items))
        if type(tag) is int and FIRST_CLASS <= tag < FIRST_CLASS + len(self.classes):
            index = tag - FIRST_CLASS
            if len(items) != len(self.fields[index]):
                raise ValueError("not a kept book")
            return self.classes[index](*map(self._decode, items))
        raise ValueError("not a kept book")
