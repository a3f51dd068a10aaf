"""Remember where each edition's layout put every anchor, so that an edition is laid out once.

The sources appendix lists one citation per page ("cited on pages 4, 9"), which needs
the pages of a layout; the e-book's page list needs them too. Rather than laying out every
edition twice, a build remembers the last layout's pages under build/.cache/ (safe to
delete). The pages are only a guess: after laying out, the build checks that the appendix
it printed matches where the citations really fell, and lays out again if they moved, so a
stale cache can cost time but never a wrong page number.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..output import write_atomically
from .keys import libraries

FORMAT = 3
"""Bump when the file layout changes; older files are ignored."""


@dataclass(frozen=True)
class PageMap:
    """Where a layout put each anchor."""

    key: str
    """A hash of everything that shaped the layout: the HTML laid out, the theme's files, the
    pictures, the libraries."""
    anchor_pages: dict[str, int]
    page_count: int
    inputs: str | None = None
    """A hash of everything the HTML was rendered from (jobs.py: `Workshop.render_key`), where
    known: an e-book whose HTML would have the same inputs need not even render it."""


def layout_key(html: str, *parts: bytes | str) -> str:
    """Return the hash of a layout's inputs."""
    digest = hashlib.sha256()
    for part in (html, *parts):
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def layout_libraries() -> str:
    """Return the versions of the libraries that lay out and draw text: every Python library's and Pango's.

    Read without importing WeasyPrint (half a second), so that an e-book whose page map is
    known is made without it: Pango's version is asked of the library itself, which
    WeasyPrint would load by the same names.
    """
    found = "pango ?"
    for name in ("libpango-1.0.so.0", "libpango-1.0.0.dylib", "libpango-1.0-0.dll", "pango-1.0"):
        try:
            found = f"pango {ctypes.CDLL(name).pango_version()}"
            break
        except (OSError, AttributeError):
            continue
    else:
        from weasyprint.text.ffi import pango  # where the names above do not find it

        found = f"pango {pango.pango_version()}"
    return f"{libraries()} {found}"


class PageCache:
    """Page maps kept as small JSON files, one per edition layout."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / "pages" / f"{name.replace('/', '--')}.json"

    def read(self, name: str) -> PageMap | None:
        """Return the last page map of a layout, if there is a readable one."""
        try:
            data = json.loads(self._path(name).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            return PageMap(data["key"], {k: int(v) for k, v in data["anchor_pages"].items()}, int(data["page_count"]),
                           data["inputs"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or damaged: lay out from scratch

    def relatives(self, name: str, likeness: list[str]) -> list[PageMap]:
        """Return the kept page maps of an edition's relatives, the likeliest to share its pages first.

        `name` is clinic/language/layout. First the same language and layout for another
        clinic, newest first (a clinic's name and numbers seldom move a page); then the
        same clinic and language in the other layouts, in the order of `likeness` (the
        print-shop master has the A4 edition's lines, with blank pages between chapters).
        Only a guess: the build checks it against its layout like any other.
        """
        clinic, language, layout = name.split("/")
        others: list[tuple[int, str]] = []
        try:
            for path in (self.folder / "pages").glob(f"*--{language}--{layout}.json"):
                parts = path.stem.rsplit("--", 2)
                if parts[0] != clinic and parts[1:] == [language, layout]:
                    others.append((-path.stat().st_mtime_ns, "/".join(parts)))
        except OSError:
            pass
        names = [other for _, other in sorted(others)] + [f"{clinic}/{language}/{other}" for other in likeness]
        return [pages for pages in map(self.read, names) if pages is not None]

    def write(self, name: str, pages: PageMap) -> None:
        """Remember a layout's page map; a cache that cannot be written is only a missed saving."""
        data = {"format": FORMAT, "key": pages.key, "page_count": pages.page_count,
                "anchor_pages": pages.anchor_pages, "inputs": pages.inputs}
        try:
            write_atomically(self._path(name), json.dumps(data, sort_keys=True).encode())
        except OSError:
            pass
