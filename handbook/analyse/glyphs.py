"""Check that the theme's fonts can show every character the book's files hold.

A character the theme's fonts lack is printed in whatever font the machine happens to
have (different bytes on every machine), or as an empty box, and WeasyPrint can only
blame its stylesheet. So each text in the input files is checked against the characters
of the fonts its language is set in (theme.yaml fonts:, docs/scripts.md), and a missing
one is named with its line: a language's chapters and clinic defaults against its own
fonts, the files every language shares (the book file, the sources, clinic files) against
the fonts of all the book's languages.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..errors import Location, Problems

if TYPE_CHECKING:
    from ..incremental.store import Store
    from ..theme import Theme

_SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's scanner where PyYAML has it: seven times faster, and these files have been loaded already."""


def check_language_glyphs(theme: Theme, own_files: dict[str, list[Path]], languages: Iterable[str],
                          shared_files: Iterable[Path], problems: Problems, cache: Path | None = None) -> None:
    """Record each character no font of its language has: each language's own files against
    its fonts, the shared files against the fonts of every language of the book (with a
    cache folder, the fonts' characters are kept there: see _coverage)."""
    every: list[Path] = []
    for language in languages:
        every += [path for path in theme.font_files_for(language) if path not in every]
    for language, files in own_files.items():
        check_glyphs(files, theme.font_files_for(language), problems, cache)
    check_glyphs(shared_files, every, problems, cache)


def check_glyphs(files: Iterable[Path], fonts: list[Path], problems: Problems, cache: Path | None = None) -> None:
    """Record each character of the files' texts that none of the fonts has, once per line."""
    if not fonts:
        return  # a theme without font files of its own: the fonts are the reader's choice
    known = _coverage(tuple((path, _digest(path)) for path in fonts), cache)
    if not known:
        return  # no font fontTools can read: WeasyPrint will say what is wrong with them
    for path in dict.fromkeys(files):
        for line, characters in _missing(path, known).items():
            problems.add(Location(path, line), _message(characters))


def _name(character: str) -> str:
    """Return ", " and the character's Unicode name in lower case, or nothing if it has none."""
    name = unicodedata.name(character, "")
    return f", {name.lower()}" if name else ""


def _message(characters: list[str]) -> str:
    shown = ", ".join(f"'{c}' (U+{ord(c):04X}{_name(c)})" for c in characters[:3])
    more = f" and {len(characters) - 3} more" if len(characters) > 3 else ""
    return (f"the theme's fonts have no {shown}{more}: it would print in another font, or as a box; "
            "write the text without it, or add a font that has it to the book's layouts/fonts/")


def _missing(path: Path, known: frozenset[int]) -> dict[int, list[str]]:
    """Return, by line, the characters no font has in the file's texts (not in its comments)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        tokens = list(yaml.scan(text, Loader=_SCANNER))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # the loader has said what is wrong with the file
    found: dict[int, list[str]] = {}
    fine: set[str] = set()  # each character looked up once a file, not once each time it occurs
    for token in tokens:
        if isinstance(token, yaml.ScalarToken):
            for character in dict.fromkeys(unicodedata.normalize("NFC", token.value)):
                if character in fine:
                    continue
                if _needs_no_glyph(character) or ord(character) in known:
                    fine.add(character)
                    continue
                line = found.setdefault(token.start_mark.line + 1, [])
                if character not in line:
                    line.append(character)
    return found


DEFAULT_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
                     (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
                     (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))
"""Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt; Python's unicodedata
does not have them), which the shaper hides: soft hyphen, joiners, marks of direction, variation
selectors. Without U+1BCA0-1BCA3, which WeasyPrint draws as a box all the same."""


def _needs_no_glyph(character: str) -> bool:
    """Tell whether a character is shaped without a glyph of its own: a space, a line end, a hidden format character.

    Not every format character (Cf) is hidden: U+0600, the Arabic number sign, and its
    kind are drawn, and a font without them prints a box; so only Unicode's default
    ignorables count. HarfBuzz draws any width of space (Zs) from the font's own space.
    Line and paragraph separators are refused by the loader (load/schema.py).
    """
    code = ord(character)
    return (unicodedata.category(character) == "Zs" or character in "\t\n\r"
            or any(low <= code <= high for low, high in DEFAULT_IGNORABLE))


def _digest(path: Path) -> str:
    """Return the SHA-256 of a font file's bytes ("" if it cannot be read: WeasyPrint will say why)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _coverage(fonts: tuple[tuple[Path, str], ...], cache: Path | None) -> frozenset[int]:
    """Return every character the fonts have, by the fonts' bytes: remembered for the process
    (_KNOWN), and kept in the signed `coverage` store as runs of code points (by keep_coverage()).

    Reading the character maps of a language's four WOFF2 files takes fontTools about 0.2 s,
    a quarter of checking an edited book; the kept runs are read in a millisecond. The key
    is the hash of each font's bytes, so a font changed in any way is read again."""
    from ..incremental.keys import key

    digests = tuple(digest for _, digest in fonts)
    store = _store(cache)
    entry = key("coverage", list(digests))
    known = _KNOWN.get(digests)
    if known is None:
        kept = store.get(entry)
        if kept is not None:
            try:
                known = frozenset(point for low, high in json.loads(kept.data)
                                  for point in range(int(low), int(high) + 1))
            except (ValueError, TypeError):
                known = None  # not what this store writes: read the fonts
    if known is None:
        known = _read_coverage([path for path, _ in fonts])
    if all(digests):
        _KNOWN[digests] = known
        if cache is not None and not store.has(entry):
            _PENDING[(cache, entry)] = json.dumps(_runs(known)).encode()
    return known


_KNOWN: dict[tuple[str, ...], frozenset[int]] = {}
"""The characters of the fonts read in this process, by the hashes of their bytes."""

_PENDING: dict[tuple[Path, str], bytes] = {}
"""Characters read from fonts and not yet kept: keep_coverage() writes them, which a build calls
once the book has checked and its output folder is known to be writable (a check writes nothing)."""


def keep_coverage() -> None:
    """Keep the characters of the fonts read since the last call in their caches' stores."""
    for (cache, entry), data in _PENDING.items():
        _store(cache).put(entry, data)
    _PENDING.clear()


def _store(cache: Path | None) -> Store:
    from ..incremental.store import Store

    return Store(cache, "coverage", 1, limit=32, suffix=".json.data")


def _read_coverage(fonts: list[Path]) -> frozenset[int]:
    """Return every character the fonts' character maps list, read with fontTools."""
    from fontTools.ttLib import TTFont

    known: set[int] = set()
    for path in fonts:
        try:
            known |= set(TTFont(str(path), lazy=True).getBestCmap() or {})
        except Exception:  # noqa: BLE001 - not a font fontTools can read: WeasyPrint will say so
            continue  # fontTools raises many kinds of error for a damaged font
    return frozenset(known)


def _runs(points: frozenset[int]) -> list[list[int]]:
    """Return code points as a sorted list of [first, last] runs."""
    runs: list[list[int]] = []
    for point in sorted(points):
        if runs and runs[-1][1] == point - 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return runs
