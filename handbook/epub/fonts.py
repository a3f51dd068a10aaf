"""The e-book's fonts as TrueType: the form every reading system takes, cut to the book's characters.

The theme ships its fonts as WOFF2, which browsers and WeasyPrint read; but converting
an EPUB for Kindle drops a WOFF2 font, and some older reading systems ignore it. So the
e-book carries the same fonts decompressed to TrueType (or OpenType, for a font drawn in
CFF outlines, as the Chinese one is) by fontTools, and a copy of the theme's fonts.css
that names them.

A language's own typeface is subset to the characters its editions use: the Chinese font
holds 7,600 characters in 2.5 MB, and a handbook uses about a thousand of them. The subset
is kept in the `fonts` store under the font's bytes and the characters, so it is made once
(a few seconds for the Chinese font) and the web edition takes the same way (web/site.py).
An English edition carries only the Latin faces, whole, as before.
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
    except Exception as error:  # noqa: BLE001 - fontTools raises many kinds for a damaged file (struct, brotli, TTLib)
        raise HandbookError([Problem(Location(path, 0), f"cannot read this font: {error}")]) from None
    return out.getvalue()


def font_files(paths: list[Path], cache: Path | None = None, fresh: bool = False,
               subset: dict[Path, str] | None = None) -> list[tuple[str, bytes]]:
    """Return fonts as (file name, TrueType or OpenType bytes), those in `subset` cut to its characters.

    The theme's files were checked when it was loaded (theme.py): each resolves inside the
    book or the default theme, and each font file starts as its kind of font does. A font
    subset to none of the book's characters is left out."""
    fonts = []
    for path in sorted(paths):
        if path.suffix not in (".woff2", ".woff", ".ttf", ".otf"):
            continue
        if subset and path in subset:
            data = subset_font(path, subset[path], cache, fresh)
            if data is None:
                continue
        else:
            data = truetype(path, cache, fresh)
        fonts.append((sfnt_name(path, data), data))
    return fonts


def sfnt_name(path: Path, data: bytes) -> str:
    """Return the file name of a font unpacked from the theme's file: .otf for CFF outlines, else .ttf."""
    return path.with_suffix(".otf" if data.startswith(b"OTTO") else ".ttf").name


def subset_font(path: Path, characters: str, cache: Path | None = None, fresh: bool = False,
                flavor: str | None = None) -> bytes | None:
    """Return a font cut to the characters (every layout feature kept), as TrueType or OpenType,
    or as WOFF2 with `flavor="woff2"`; None if it has none of them."""
    data = path.read_bytes()
    wanted = "".join(sorted(set(characters)))
    store = Store(cache, "fonts", 1, limit=64, suffix=".font", fresh=fresh)
    made = store.made(key("font-subset", hashlib.sha256(data).hexdigest(), hashlib.sha256(wanted.encode()).hexdigest(),
                          flavor or "sfnt"), lambda: _subset(path, data, wanted, flavor))
    return made or None


def _subset(path: Path, data: bytes, characters: str, flavor: str | None) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        # The bounding boxes are not measured again: the whole font's still hold every glyph
        # kept, and measuring a Chinese font's outlines took most of the time.
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        if not set(font.getBestCmap() or {}) & {ord(c) for c in characters}:
            return b""
        options = subset.Options()
        options.layout_features = ["*"]  # Arabic joining, Vietnamese marks, Chinese punctuation widths
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.flavor = flavor
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in characters])
        subsetter.subset(font)
        font.flavor = flavor
        out = io.BytesIO()
        font.save(out, reorderTables=True)
    except Exception as error:  # noqa: BLE001 - fontTools raises many kinds for a damaged file (struct, brotli, TTLib)
        raise HandbookError([Problem(Location(path, 0), f"cannot read this font: {error}")]) from None
    return out.getvalue()


def fonts_css(css: str, names: dict[str, str] | None = None) -> str:
    """Return a fonts.css naming the e-book's unpacked files instead of the web fonts; with
    `names` (each web font's name to its e-book file's), the @font-face rules of fonts left
    out are dropped."""
    def rename(match: re.Match[str]) -> str:
        web = match.group(1) + match.group(2)
        name = (names or {}).get(web.rsplit("/", 1)[-1], Path(match.group(1)).name + ".ttf")
        kind = "opentype" if name.endswith(".otf") else "truetype"
        return f'url({name}) format("{kind}")'

    rule = re.compile(r"url\(([^)]+?)(\.woff2?)\)\s*format\([\"']woff2?[\"']\)")
    if names is not None:
        kept = set(names)
        css = re.sub(r"@font-face\s*\{[^}]*\}\s*", lambda m: m.group() if any(
            found.group(1).rsplit("/", 1)[-1] + found.group(2) in kept for found in rule.finditer(m.group())) else "",
            css)
    return rule.sub(rename, css)
