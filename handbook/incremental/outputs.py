"""PDFs and e-books kept by the hash of everything they are made from, as ccache keeps objects.

A print edition takes seconds to lay out, and the same inputs always give the same bytes
(tests/test_reproducible.py). So every PDF and e-book a build writes is also kept in the
`outputs` store (store.py), under a key made of the edition and of its inputs as the
manifest lists them (each file's SHA-256, the build date, the code, draft or not; the
libraries are in every key). A later build that needs an edition whose key is kept copies
it instead of making it: after a chapter is put back as it was, when an output was
deleted, or in another output folder that shares the cache (the tests' build of the real
handbook, after a `make`). `--force` makes every edition afresh.

A kept output proves what it is before it is copied: its record is signed and names this
very key (so another edition's file, or another key's, is never taken), its bytes are the
ones the record describes, it is no link, and it is the kind of file its edition is (a PDF,
a zip). A kept file is a hard link to the output where the file system allows, so it costs
no room while the output is there; an output edited in place then no longer matches, and
is dropped, never copied. Each edition keeps its last KEEP outputs, the ones used most
recently.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..editions import Edition
from .keys import key
from .store import Store

VERSION = 2
"""Bump when what a record holds, or what the key covers, changes; older ones are never matched."""

KEEP = 3
"""How many outputs each edition keeps: enough to go back and forth between two states of a chapter."""

SIGNATURES = {"pdf": b"%PDF-", "epub": b"PK\x03\x04", "sheets": b"%PDF-"}
"""The outputs kept, by the bytes each kind of file starts with: files that take a layout to
make (a booklet's sheets come from its layout's PDF). A web edition is a folder, made in a moment."""


@dataclass(frozen=True)
class Kept:
    """An output an earlier build made from the same inputs."""

    data: bytes
    pages: int | None


def _starts_with(start: bytes) -> Callable[[bytes], bool]:
    """Return a check that a kept file starts with these bytes."""
    return lambda data: data.startswith(start)


class OutputStore:
    """The outputs kept in one cache folder."""

    def __init__(self, cache: Path | None, fresh: bool = False):
        self.stores = {kind: Store(cache, f"outputs-{kind}", VERSION, limit=4096, per_group=KEEP, suffix=f".{kind}",
                                   accept=_starts_with(start), fresh=fresh)
                       for kind, start in SIGNATURES.items()}

    def get(self, edition: Edition, inputs: dict[str, str]) -> Kept | None:
        """Return the output an earlier build made from these inputs, if it is kept and proves it."""
        store = self.stores.get(edition.format)
        if store is None:
            return None
        kept = store.get(_key(edition, inputs), _group(edition))
        if kept is None:
            return None
        pages = kept.meta.get("pages")
        return Kept(kept.data, pages if isinstance(pages, int) else None)

    def has(self, edition: Edition, inputs: dict[str, str]) -> bool:
        """Tell whether an output made from these inputs is kept (without reading or checking it)."""
        store = self.stores.get(edition.format)
        return store is not None and store.has(_key(edition, inputs), _group(edition))

    def put(self, edition: Edition, inputs: dict[str, str], path: Path, pages: int | None) -> None:
        """Keep an output just written; a cache that cannot be written is only a missed saving."""
        store = self.stores.get(edition.format)
        if store is not None:
            store.put(_key(edition, inputs), path, {"pages": pages}, _group(edition))


def _key(edition: Edition, inputs: dict[str, str]) -> str:
    return key("output", VERSION, edition.as_json(), sorted(inputs.items()))


def _group(edition: Edition) -> str:
    """Return an edition's group of kept files: its name, made a file name (`_`: the book's own)."""
    return ".".join((edition.clinic or "_", edition.language, edition.layout or "site", edition.format))
