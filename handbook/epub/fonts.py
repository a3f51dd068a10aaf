"""The e-book's fonts as TrueType: the form every reading system takes.

The theme ships its fonts as WOFF2, which browsers and WeasyPrint read; but converting
an EPUB for Kindle drops a WOFF2 font, and some older reading systems ignore it. So the
e-book carries the same fonts decompressed to TrueType by fontTools, and a copy of the
theme's fonts.css that names them.
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
from pathlib import Path

from ..errors import HandbookError, Location, Problem
from ..incremental.keys import key
from ..incremental.store import Store

TRUETYPE = "font/ttf"


def truetype(path: Path, cache: Path | None = None, fresh: bool = False) -> bytes:
    """Return a WOFF or WOFF2 font file as TrueType.

    Unpacking WOFF2 takes fontTools a tenth of a second a font, so the result is kept in
    memory for the process's other e-books and in the `fonts` store for later builds, under
    a key made of the font's bytes (and, as every key, the code and the libraries, fontTools
    among them): the same input always gives the same bytes, so a kept copy is the fresh result.
    """
    stat = path.stat()  # a font changed while `handbook serve` runs is read again
    return _truetype(path, stat.st_size, stat.st_mtime_ns, cache, fresh)


@functools.cache
def _truetype(path: Path, size: int, mtime: int, cache: Path | None, fresh: bool) -> bytes:
    data = path.read_bytes()
    if path.suffix in (".ttf", ".otf"):
        return data
    store = Store(cache, "fonts", 1, limit=64, suffix=".ttf", fresh=fresh)
    return store.made(key("font", hashlib.sha256(data).hexdigest()), lambda: _unpack(path, data))


def _unpack(path: Path, data: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes on every build
        font.flavor = None
        out = io.BytesIO()
        font.save(out, reorderTables=True)
    except Exception as error:  # fontTools raises many kinds for a damaged file (struct, brotli, TTLib)
        raise HandbookError([Problem(Location(path, 0), f"cannot read this font: {error}")]) from None
    return out.getvalue()


def font_files(theme_files: list[Path], cache: Path | None = None, fresh: bool = False) -> list[tuple[str, bytes]]:
    """Return the theme's fonts as (file name, TrueType bytes).

    The theme's files were checked when it was loaded (theme.py): each resolves inside the
    book or the default theme, and each font file starts as its kind of font does."""
    fonts = []
    for path in sorted(theme_files):
        if path.parent.name == "fonts" and path.suffix in (".woff2", ".woff", ".ttf", ".otf"):
            fonts.append((path.with_suffix(".ttf" if path.suffix != ".otf" else ".otf").name, truetype(path, cache, fresh)))
    return fonts


def fonts_css(css: str) -> str:
    """Return fonts.css naming the TrueType files instead of the web fonts."""
    css = re.sub(r"url\(([^)]+?)\.woff2?\)\s*format\([\"']woff2?[\"']\)", r'url(\1.ttf) format("truetype")', css)
    return css
