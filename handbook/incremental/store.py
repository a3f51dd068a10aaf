"""One store class for everything a build keeps under build/.cache/<kind>/ (safe to delete).

Each entry is two files: `<name>.json`, a signed record (its kind, format version, key,
the data's size and SHA-256, and a little metadata), and `<name><suffix>`, the data. An entry
is used only if its record is signed with this user's secret (keys.py), names the very key
asked for, and describes exactly the bytes beside it; neither file may be a link, a device
or a pipe, and a kind may also check what the bytes are (a PDF starts with %PDF-). Anything
else is deleted and made afresh, so build/.cache/ is data, never trusted for being there:
nothing in it is code, and nothing in it is used that this user's own builds did not write.

Writes are atomic (a temporary file renamed into place); a store that cannot be written is
only a missed saving. Each kind keeps at most `limit` entries (and `per_group` of each
group, such as one edition's outputs), the least recently used going first.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load.safeopen import read_within
from ..output import TEMPORARY_SUFFIX, write_atomically
from .keys import sign, verify

FORMAT = 1
"""The records' own layout; bump it and every kept entry is made afresh."""

RECORD_LIMIT = 1 << 20
"""The most a record may hold (its metadata is small): a bigger one is not read."""
MADE_LIMIT = 1 << 32
"""The most an output kept by a hard link may hold."""

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")


@dataclass(frozen=True)
class Kept:
    """An entry found in a store."""

    data: bytes
    meta: dict[str, Any] = field(default_factory=dict)


class Store:
    """The entries of one kind of kept thing."""

    def __init__(self, cache: Path | None, kind: str, version: int, *, limit: int = 64, per_group: int = 0,
                 suffix: str = ".bin", accept: Callable[[bytes], bool] | None = None, fresh: bool = False):
        self.folder = cache / kind if cache is not None else None
        self.fresh = fresh
        """Find nothing kept (--force), but keep what is made for the next build."""
        self.kind = kind
        self.version = version
        self.limit = limit
        self.per_group = per_group
        self.suffix = suffix
        self.accept = accept

    def get(self, key: str, group: str = "") -> Kept | None:
        """Return the entry kept under a key, if there is one and it proves what it is."""
        if self.folder is None or self.fresh:
            return None
        record_path, data_path = self._paths(key, group)
        try:
            text = read_within(record_path, RECORD_LIMIT, follow=False)
        except FileNotFoundError:
            return None
        except OSError:
            self._drop(record_path, data_path)
            return None
        try:
            record = json.loads(text)
            signature = record.pop("signature")
            if not verify(_canonical(record), signature) or record != {**record, **self._identity(key, group)}:
                raise ValueError("not this store's entry")
            data = read_within(data_path, record["size"], follow=False)
            if len(data) != record["size"] or hashlib.sha256(data).hexdigest() != record["sha256"]:
                raise ValueError("the data is not what was kept")
            if self.accept is not None and not self.accept(data):
                raise ValueError("the data is not what this store keeps")
            meta = record["meta"]
            if not isinstance(meta, dict):
                raise ValueError("damaged")
        except FileNotFoundError:
            self._drop(record_path, data_path)
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            self._drop(record_path, data_path)  # damaged, planted, or an output edited in place through its link
            return None
        with contextlib.suppress(OSError):
            os.utime(record_path)  # used now: the last to be dropped
        return Kept(data, meta)

    def has(self, key: str, group: str = "") -> bool:
        """Tell whether an entry is kept under a key (without reading or checking it)."""
        return self.folder is not None and not self.fresh and self._paths(key, group)[0].is_file()

    def put(self, key: str, data: bytes | Path, meta: dict[str, Any] | None = None, group: str = "") -> None:
        """Keep an entry; data given as a path (an output just written) is hard-linked where the
        file system allows, so that it costs no room while the output is there."""
        if self.folder is None:
            return
        record_path, data_path = self._paths(key, group)
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                content = read_within(data, MADE_LIMIT, follow=False)
                _link_or_copy(data, data_path, content)
            else:
                content = data
                write_atomically(data_path, content)
            record = {**self._identity(key, group), "size": len(content),
                      "sha256": hashlib.sha256(content).hexdigest(), "meta": meta or {}}
            record["signature"] = sign(_canonical(record))
            write_atomically(record_path, json.dumps(record, sort_keys=True).encode())
            self._prune(self.folder, group)

    def made(self, key: str, make: Callable[[], bytes], group: str = "") -> bytes:
        """Return the data kept under a key, or make it and keep it for the next build."""
        kept = self.get(key, group)
        if kept is not None:
            return kept.data
        data = make()
        self.put(key, data, group=group)
        return data

    def names(self, group_pattern: str = "*") -> list[tuple[str, str]]:
        """Return the (group, key) of each entry whose group matches a glob, newest first."""
        if self.folder is None or self.fresh:
            return []
        found = []
        with contextlib.suppress(OSError):
            for path in self.folder.glob(f"{group_pattern}--*.json" if group_pattern != "*" else "*.json"):
                group, _, key = path.stem.rpartition("--")
                found.append((-_mtime(path), group, key))
        return [(group, key) for _, group, key in sorted(found)]

    def _identity(self, key: str, group: str) -> dict[str, Any]:
        return {"format": FORMAT, "kind": self.kind, "version": self.version, "key": key, "group": group}

    def _paths(self, key: str, group: str) -> tuple[Path, Path]:
        stem = f"{group}--{key}" if group else key
        if not _NAME.fullmatch(stem):
            raise ValueError(f"not a name a store can keep: {stem!r}")
        if self.folder is None:  # a bug: a store without a folder keeps nothing, and is never asked where
            raise ValueError("this store keeps nothing")
        return self.folder / f"{stem}.json", self.folder / f"{stem}{self.suffix}"

    def _prune(self, folder: Path, group: str) -> None:
        records = sorted(folder.glob("*.json"), key=_mtime, reverse=True)
        if group and self.per_group:
            mine = [path for path in records if path.stem.rpartition("--")[0] == group]
            for path in mine[self.per_group:]:
                self._drop(path, path.with_suffix(self.suffix))
                records.remove(path)
        for path in records[self.limit:]:
            self._drop(path, path.with_suffix(self.suffix))

    @staticmethod
    def _drop(*paths: Path) -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _link_or_copy(source: Path, target: Path, content: bytes) -> None:
    """Put a file at target, as a hard link to source where the file system allows, else a copy."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMPORARY_SUFFIX}")  # what a killed build leaves
    try:
        temporary.unlink(missing_ok=True)
        os.link(source, temporary)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        write_atomically(target, content)  # another file system, or no hard links


def clean(cache: Path) -> int:
    """Remove every store's entries from a cache folder; return how many files went."""
    removed = 0
    if not cache.is_dir() or cache.is_symlink():
        return removed
    for entry in sorted(cache.iterdir()):
        inside = sorted(entry.iterdir()) if entry.is_dir() and not entry.is_symlink() else []
        for path in [*inside, entry]:
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.rmdir()  # a store's folder, once empty
                else:
                    path.unlink()
                    removed += 1
    return removed


def info(cache: Path) -> list[tuple[str, int, int]]:
    """Return each store's name, number of entries and size in bytes."""
    found = []
    if cache.is_dir() and not cache.is_symlink():
        for folder in sorted(cache.iterdir()):
            if folder.is_dir() and not folder.is_symlink():
                files = [path for path in folder.iterdir() if path.is_file() and not path.is_symlink()]
                entries = sum(1 for path in files if path.suffix == ".json")
                found.append((folder.name, entries, sum(path.stat().st_size for path in files)))
    return found
