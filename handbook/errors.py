"""The one error type for problems a user can fix, and where they happened.

Anything else that goes wrong is a bug and keeps its traceback.
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

Loaded = TypeVar("Loaded")


@dataclass(frozen=True)
class Location:
    """A place in a source file, for messages editors and CI can parse."""

    path: Path
    """The file, as given to the loader."""
    line: int
    """The 1-based line; 0 when the problem is about the file as a whole."""

    def __str__(self) -> str:
        shown = printable(_display_path(self.path))
        return f"{shown}:{self.line}" if self.line else shown


def printable(text: str) -> str:
    """Return text with what would break or disguise a `path:line: message` line escaped.

    A file name may hold a newline (the message would split over two lines), an escape
    sequence for the terminal, a character that reorders the line (U+202E), or a byte
    that is not UTF-8 (a lone surrogate, which cannot even be printed): each is shown as
    its Python escape, such as `\\n` or `\\u202e`.
    """
    return "".join(character.encode("unicode_escape").decode("ascii") if _unprintable(character) else character
                   for character in text)


def _unprintable(character: str) -> bool:
    category = unicodedata.category(character)
    return category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and unicodedata.bidirectional(character) in
                                                      ("LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"))


def _display_path(path: Path) -> str:
    """Return the path relative to the working directory where that is shorter."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the user's input."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {printable(self.message)}"


class HandbookError(Exception):
    """Problems in the user's input; the message lists each as `path:line: message`."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.location.path), p.location.line))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[HandbookError], tuple[list[Problem]]]:
        # A job fails in a worker process; the error travels back pickled, problems and all.
        return (HandbookError, (self.problems,))


class Problems:
    """Collect every problem of a stage, then fail once with all of them."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        """Record a problem at a location."""
        self._found.append(Problem(location, message))

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def sorted(self) -> list[Problem]:
        """Return the problems found, by file and line."""
        return HandbookError(self._found).problems if self._found else []

    def raise_if_any(self) -> None:
        """Raise HandbookError if anything was recorded."""
        if self._found:
            raise HandbookError(self._found)

    def checked(self, loaded: Loaded | None) -> Loaded:
        """Raise HandbookError if anything was recorded; else return what a loader returned.

        A loader returns None only after recording why, so None here is a bug."""
        self.raise_if_any()
        if loaded is None:
            raise ValueError("a loader returned nothing and recorded no problem")
        return loaded
