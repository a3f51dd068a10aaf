"""PDFs and e-books kept by the hash of everything they are made from, as ccache keeps objects.

A print edition takes seconds to lay out, and the same inputs always give the same bytes
(tests/test_reproducible.py). So every PDF and e-book a build writes is also kept under
build/.cache/outputs/ (safe to delete), named by a hash of the edition, of its inputs as
the manifest lists them (each file's SHA-256, the build date, the code, draft or not) and
of the installed libraries with Pango's version. A later build that needs an edition
whose key is kept copies it instead of making it: after a chapter is put back as it was,
when an output was deleted, or in another output folder that shares the cache (the
tests' build of the real handbook, after a `make`). `--force` makes every edition afresh.

A kept file is a hard link to the output where the file system allows, so it costs no
room while the output is there; an output edited in place then no longer matches the
SHA-256 recorded beside it, and is dropped, never copied. Each edition keeps its last
KEEP outputs, the ones used most recently.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..editions import Edition
from ..output import TEMPORARY_SUFFIX, write_atomically
from .pages import layout_libraries  # Python's libraries and Pango, without loading WeasyPrint

FORMAT = 1
"""Bump when what a record holds, or what the key covers, changes; older ones are never matched."""

KEEP = 3
"""How many outputs each edition keeps: enough to go back and forth between two states of a chapter."""

FORMATS = ("pdf", "epub")
"""The outputs kept: files that take a layout to make. A web edition is a folder, made in a moment."""


@dataclass(frozen=True)
class Kept:
    """An output an earlier build made from the same inputs."""

    data: bytes
    sha256: str
    pages: int | None


class OutputStore:
    """The outputs kept in one cache folder."""

    def __init__(self, cache: Path):
        self.folder = cache / "outputs"

    def get(self, edition: Edition, inputs: dict[str, str]) -> Kept | None:
        """Return the output an earlier build made from these inputs, if it is kept and whole."""
        if edition.format not in FORMATS:
            return None
        record, data = self._paths(edition, inputs)
        try:
            made = json.loads(record.read_text(encoding="utf-8"))
            content = data.read_bytes()
            if made["format"] != FORMAT or len(content) != made["size"] \
                    or hashlib.sha256(content).hexdigest() != made["sha256"]:
                raise ValueError("not what was kept")
            pages = made["pages"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            self._drop(record, data)  # damaged, or an output edited in place through its link
            return None
        with contextlib.suppress(OSError):
            os.utime(record)  # used now: the last of its edition's to be dropped
        return Kept(content, made["sha256"], pages if isinstance(pages, int) else None)

    def has(self, edition: Edition, inputs: dict[str, str]) -> bool:
        """Tell whether an output made from these inputs is kept (without reading it)."""
        return edition.format in FORMATS and self._paths(edition, inputs)[0].is_file()

    def put(self, edition: Edition, inputs: dict[str, str], path: Path, sha256: str, size: int,
            pages: int | None) -> None:
        """Keep an output just written; a cache that cannot be written is only a missed saving."""
        if edition.format not in FORMATS:
            return
        record, data = self._paths(edition, inputs)
        with contextlib.suppress(OSError):
            data.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(path, data)
            write_atomically(record, json.dumps({"format": FORMAT, "sha256": sha256, "size": size,
                                                 "pages": pages}).encode())
            self._prune(edition)

    def _paths(self, edition: Edition, inputs: dict[str, str]) -> tuple[Path, Path]:
        key = hashlib.sha256(json.dumps([FORMAT, edition.as_json(), sorted(inputs.items()), layout_libraries(),
                                         sys.version]).encode()).hexdigest()[:32]
        stem = f"{_prefix(edition)}{key}"
        return self.folder / f"{stem}.json", self.folder / f"{stem}.{edition.format}"

    def _prune(self, edition: Edition) -> None:
        records = sorted(self.folder.glob(f"{_prefix(edition)}*.json"), key=_mtime, reverse=True)
        for record in records[KEEP:]:
            self._drop(record, record.with_suffix(f".{edition.format}"))

    @staticmethod
    def _drop(*paths: Path) -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _prefix(edition: Edition) -> str:
    """Return the start of an edition's kept files' names: its name, made a file name."""
    return edition.name.replace("/", "--").replace(".", "-") + "--"


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _link_or_copy(source: Path, target: Path) -> None:
    """Put a file at target, as a hard link to source where the file system allows, else a copy."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMPORARY_SUFFIX}")  # what a killed build leaves
    try:
        temporary.unlink(missing_ok=True)
        os.link(source, temporary)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        write_atomically(target, source.read_bytes())  # another file system, or no hard links
