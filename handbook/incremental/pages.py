"""Remember where each edition's layout put every anchor, so that an edition is laid out once.

The sources appendix lists one citation per page ("cited on pages 4, 9"), which needs
the pages of a layout; the e-book's page list needs them too. Rather than laying out every
edition twice, a build remembers the last layout's pages in the `pages` store (store.py),
one entry per edition layout. For a PDF the pages are only a guess: after laying out, the
build checks that the appendix it printed matches where the citations really fell, and
lays out again if they moved, so a stale map can cost time but never a wrong page number.
An e-book takes a map as it is only where its key says it is the layout of the very HTML
the e-book would follow (jobs.py).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .store import Store

VERSION = 4
"""Bump when what an entry holds changes; older entries are ignored."""


@dataclass(frozen=True)
class PageMap:
    """Where a layout put each anchor."""

    key: str
    """A hash of everything that shaped the layout: the HTML laid out, the theme's files, the
    pictures, the code and the libraries."""
    anchor_pages: dict[str, int]
    page_count: int
    inputs: str | None = None
    """A hash of everything the HTML was rendered from (jobs.py: `Workshop.render_key`), where
    known: an e-book whose HTML would have the same inputs need not even render it."""


def layout_key(html: str, *parts: bytes | str) -> str:
    """Return the hash of a layout's inputs (the HTML with the other parts' hashes)."""
    digest = hashlib.sha256()
    for part in (html, *parts):
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class PageCache:
    """Page maps kept one per edition layout (clinic/language/layout)."""

    def __init__(self, cache: Path | None, fresh: bool = False):
        self.store = Store(cache, "pages", VERSION, limit=4096, fresh=fresh)

    def read(self, name: str) -> PageMap | None:
        """Return the last page map of a layout, if there is one that verifies."""
        kept = self.store.get(_key(name), _group(name))
        if kept is None:
            return None
        try:
            data = json.loads(kept.data)
            return PageMap(str(data["key"]), {str(k): int(v) for k, v in data["anchor_pages"].items()},
                           int(data["page_count"]), data["inputs"] if isinstance(data["inputs"], str) else None)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # damaged: lay out from scratch

    def relatives(self, name: str, likeness: list[str]) -> list[PageMap]:
        """Return the kept page maps of an edition's relatives, the likeliest to share its pages first.

        `name` is clinic/language/layout. First the same language and layout for another
        clinic, newest first (a clinic's name and numbers seldom move a page); then the
        same clinic and language in the other layouts, in the order of `likeness` (the
        print-shop master has the A4 edition's lines, with blank pages between chapters).
        Only a guess: the build checks it against its layout like any other.
        """
        clinic, language, layout = name.split("/")
        others = [_name(group) for group, _ in self.store.names(f"*.{language}.{layout}")
                  if _name(group) != name]
        names = others + [f"{clinic}/{language}/{other}" for other in likeness]
        return [pages for pages in map(self.read, names) if pages is not None]

    def write(self, name: str, pages: PageMap) -> None:
        """Remember a layout's page map; a cache that cannot be written is only a missed saving."""
        data = {"key": pages.key, "page_count": pages.page_count, "anchor_pages": pages.anchor_pages,
                "inputs": pages.inputs}
        self.store.put(_key(name), json.dumps(data, sort_keys=True).encode(), group=_group(name))


def _group(name: str) -> str:
    """Return the store group of an edition layout, clinic.language.layout (`_`: the book's own)."""
    return ".".join("_" if part == "-" else part for part in name.split("/"))


def _name(group: str) -> str:
    return "/".join("-" if part == "_" else part for part in group.split("."))


def _key(name: str) -> str:
    """Return the key of an edition layout's one entry: its group says which it is."""
    return "map"
