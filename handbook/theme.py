"""The theme: templates, stylesheets, fonts and labels, the book's own layouts/ over the default.

Like MkDocs' `custom_dir`, a book's layouts/ is searched first and the default theme
(shipped in the package as `handbook.default_theme`) second, so a book overrides single files.
theme.yaml names the theme's print layouts and callout kinds.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from .confine import Resolver, check_kind, is_inside, places
from .errors import Location, Problems
from .load.schema import read
from .load.yamlsource import At
from .project import Project

THEME_FILE = "theme.yaml"


def default_theme_dir() -> Path:
    """Return the folder of the default theme inside the package."""
    return Path(str(files("handbook.default_theme")))


@dataclass(frozen=True)
class PrintLayout:
    """One way of laying out the printed book."""

    name: str
    """The name on the command line and in output file names: a4, letter, ..."""
    label: str
    """How the title page names it, as a label the catalogues translate."""
    stylesheets: tuple[str, ...]
    """Stylesheets relative to the theme folder, in cascade order."""
    label_on_cover: bool
    marks: tuple[str, ...] = ()
    """Printer's marks drawn in a slug outside the bleed: `crop`, `cross` (pdf/marks.py)."""
    notes: str = "endnotes"
    """How print shows citations: `endnotes` (numbers leading to the sources appendix) or
    `footnotes` (a short note at the foot of each page, as well)."""
    sheets: str | None = None
    """For a booklet: the paper its pages are imposed on, two to a side in saddle-stitch
    order (`a4` or `letter`, landscape; pdf/booklet.py), written beside its PDF."""
    page_multiple: int = 1
    """The page count is made a multiple of this with blank pages at the end: 4 for a book
    printed on sheets folded in two (pdf/booklet.py)."""
    right_to_left: tuple[str, ...] = ()
    """Stylesheets laid over this layout, after the theme's right_to_left ones, for a language
    written right to left (facing pages swap their running heads: such a book opens from the right)."""


@dataclass(frozen=True)
class Cover:
    """How the e-book's cover image is drawn."""

    background: tuple[int, int, int]
    ink: tuple[int, int, int]
    regular_font: Path
    bold_font: Path


@dataclass(frozen=True)
class LanguageFonts:
    """The typeface a language is set in, beyond the theme's fonts/fonts.css."""

    stylesheet: str | None
    """Its @font-face rules and the rules that choose it (by `:lang()`), relative to the theme
    folder; None for a language set in fonts.css's fonts alone."""
    regular_font: Path
    """The font file the e-book cover and the diagrams draw plain text with."""
    bold_font: Path


DEFAULT_FONTS = "fonts/fonts.css"
"""The @font-face file every edition loads (the print stylesheets import it)."""


@dataclass(frozen=True)
class Theme:
    """The theme files a book is built with."""

    dirs: tuple[Path, ...]
    """The book's layouts/ (if it has one), then the default theme."""
    layouts: dict[str, PrintLayout]
    callouts: dict[str, str]
    """Callout kinds with the title each gets when a chapter gives none."""
    cover: Cover | None
    """None only in the probe load_theme finds the theme's files with."""
    allowed: tuple[Path, ...] = ()
    """The folders a theme file may resolve into: the book's layouts/ and the default theme (confine.py)."""
    fonts: dict[str, LanguageFonts] = field(default_factory=dict)
    """The typeface of each language that has its own, by language tag or its first part."""
    right_to_left: tuple[str, ...] = ()
    """Stylesheets laid over every print layout of a language written right to left."""

    def fonts_for(self, language: str) -> LanguageFonts | None:
        """Return a language's own typeface (zh-Hans is zh's, unless it has its own), if it has one."""
        return self.fonts.get(language) or self.fonts.get(language.split("-")[0])

    def stylesheets_for(self, language: str) -> tuple[str, ...]:
        """Return the font stylesheets a language's editions load: fonts.css, then its own."""
        own = self.fonts_for(language)
        found = [DEFAULT_FONTS] if self.find(DEFAULT_FONTS) else []
        return tuple(found + ([own.stylesheet] if own and own.stylesheet else []))

    def print_stylesheets_for(self, language: str, layout: PrintLayout | None = None) -> tuple[str, ...]:
        """Return the stylesheets a language lays over a print layout: its own font stylesheet,
        then, for a language written right to left, the theme's right_to_left ones and the layout's."""
        from .render.bidi import direction

        own = self.fonts_for(language)
        sheets: tuple[str, ...] = (own.stylesheet,) if own and own.stylesheet else ()
        if direction(language) == "rtl":
            sheets += self.right_to_left + (layout.right_to_left if layout else ())
        return sheets

    def font_files_for(self, language: str) -> list[Path]:
        """Return the font files a language's editions may use: those its stylesheets name.

        A theme whose fonts/fonts.css names no file of its own (or has none) offers every
        font of its fonts/ folder, as before languages had their own."""
        files: list[Path] = []
        for sheet in self.stylesheets_for(language):
            path = self.file(sheet)
            for name in font_urls(path.read_text(encoding="utf-8", errors="replace")):
                found = self.find(str(Path(sheet).parent / name))
                if found is not None and found not in files:
                    files.append(found)
        if not files:
            files = [path for path in self.files() if path.parent.name == "fonts" and path.suffix in FONT_SUFFIXES]
        return files

    def cover_fonts(self, language: str) -> tuple[Path, Path]:
        """Return the regular and bold font files a language's cover and diagrams are drawn with."""
        own = self.fonts_for(language)
        if own is not None:
            return own.regular_font, own.bold_font
        if self.cover is None:  # a bug: load_theme gives every theme a cover
            raise ValueError("the theme has no cover")
        return self.cover.regular_font, self.cover.bold_font

    def find(self, relative: str, real: Resolver | None = None) -> Path | None:
        """Return the file a relative theme path means: the book's own, else the default's.

        A name that leads out of the book and the default theme (`../..`, or through a
        link) finds nothing. `real`: a Resolver shared by the finds of one check."""
        for folder in self.dirs:
            path = folder / relative
            if path.is_file() and is_inside(path, self.allowed or (folder,), real=real):
                return path
        return None

    def file(self, relative: str) -> Path:
        """Return a file load_theme has checked is there (`find`); raise LookupError if it is not (a bug)."""
        path = self.find(relative)
        if path is None:
            raise LookupError(f"{relative!r} is not in the theme")
        return path

    def files(self) -> list[Path]:
        """Return every file the theme offers, the book's own overriding the default's."""
        return list(self.named_files().values())

    def named_files(self) -> dict[str, Path]:
        """Return every file the theme offers by its name in the theme, in the order of the names."""
        found: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            found.update((name, path) for name, path, is_file in _walk(folder)
                         if is_file and os.path.splitext(name)[1] != ".py")
        return {name: found[name] for name in sorted(found)}


def load_theme(project: Project, problems: Problems) -> Theme | None:
    """Return the theme a book is built with, or None after recording what is wrong."""
    found = tuple(folder for folder in (project.layouts, default_theme_dir()) if folder.is_dir())
    allowed = places("theme", project)
    if not check_kind("theme", _entries(found), project, problems):
        return None
    # The repository's own layouts/ is the default theme: search it once.
    dirs = tuple(dict.fromkeys(folder.resolve() for folder in found))
    theme_file = next((folder / THEME_FILE for folder in dirs if (folder / THEME_FILE).is_file()), None)
    if theme_file is None:
        problems.add(Location(project.layouts, 0), f"no {THEME_FILE} in the book's layouts or the default theme")
        return None
    document = read(theme_file, "theme", problems)
    if document is None:
        return None
    data = document.data
    layouts = {
        name: PrintLayout(name, entry["label"], tuple(entry["stylesheets"]), entry.get("label_on_cover", False),
                          tuple(entry.get("marks", ())), entry.get("notes", "endnotes"), entry.get("sheets"),
                          entry.get("page_multiple", 1), tuple(entry.get("right_to_left", ())))
        for name, entry in data["layouts"].items()
    }
    probe = Theme(dirs, layouts, dict(data["callouts"]), None, allowed)
    real = Resolver()
    missing: list[tuple[str, At]] = []
    for name, layout in layouts.items():
        for index, sheet in enumerate(layout.stylesheets):
            missing.append((sheet, ("layouts", name, "stylesheets", index)))
        for index, sheet in enumerate(layout.right_to_left):
            missing.append((sheet, ("layouts", name, "right_to_left", index)))
    cover = data["cover"]
    missing += [(cover[key], ("cover", key)) for key in ("regular_font", "bold_font")]
    for language, entry in data.get("fonts", {}).items():
        missing += [(entry[key], ("fonts", language, key)) for key in ("stylesheet", "regular_font", "bold_font")
                    if key in entry]
    missing += [(sheet, ("right_to_left", index)) for index, sheet in enumerate(data.get("right_to_left", ()))]
    before = len(problems)
    for relative, at in missing:
        if probe.find(relative, real) is None:
            problems.add(document.location(at), f"{relative!r} is in neither the book's layouts/ nor the default theme")
    if len(problems) > before:
        return None
    if not _check_fonts(probe, problems):
        return None
    fonts = {language: LanguageFonts(entry.get("stylesheet"), probe.file(entry["regular_font"]),
                                     probe.file(entry["bold_font"]))
             for language, entry in data.get("fonts", {}).items()}
    return Theme(dirs, layouts, dict(data["callouts"]), Cover(
        _rgb(cover["background"]), _rgb(cover["ink"]),
        probe.file(cover["regular_font"]), probe.file(cover["bold_font"])), allowed,
        fonts, tuple(data.get("right_to_left", ())))


def _entries(dirs: tuple[Path, ...]) -> list[Path]:
    """Return the theme's folders and everything in them (links to folders listed, not entered)."""
    return [path for folder in dirs for path in (folder, *(path for _, path, _ in _walk(folder)))]


def _walk(folder: Path) -> Iterator[tuple[str, Path, bool]]:
    """Yield everything in a theme folder but what is in a folder a theme never reads (compiled
    code, a hidden folder): its name in the theme, its path, and whether it is (or leads to) a file.

    A link to a folder is yielded, not entered. One listing of each folder (os.scandir), where
    pathlib's rglob looked at every entry again: a theme is listed in every build."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = folder / entry.name
        try:
            is_file, is_folder = entry.is_file(), entry.is_dir(follow_symlinks=False)
        except OSError:
            is_file = is_folder = False
        yield entry.name, path, is_file
        if is_folder and entry.name != "__pycache__" and not entry.name.startswith("."):
            for name, inner, inner_is_file in _walk(path):
                yield f"{entry.name}/{name}", inner, inner_is_file


FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf")

FONT_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", re.IGNORECASE)


def font_urls(css: str) -> list[str]:
    """Return the font files a stylesheet's @font-face rules name, as written, in order."""
    return [name for name in FONT_URL.findall(css) if name.lower().endswith(FONT_SUFFIXES) and ":" not in name]


FONT_SIGNATURES = {".woff2": (b"wOF2",), ".woff": (b"wOFF",), ".ttf": (b"\x00\x01\x00\x00", b"true"),
                   ".otf": (b"OTTO",)}
"""The first bytes of each kind of font file the theme may hold (the e-book embeds them all)."""


def _check_fonts(theme: Theme, problems: Problems) -> bool:
    """Record each file in a fonts/ folder of the theme that is not the font its name says."""
    before = len(problems)
    for path in theme.files():
        signatures = FONT_SIGNATURES.get(path.suffix.lower())
        if path.parent.name != "fonts" or signatures is None:
            continue
        with path.open("rb") as file:
            head = file.read(4)
        if not head.startswith(signatures):
            problems.add(Location(path, 0), f"is not a {path.suffix[1:].upper()} font file (the e-book "
                         "embeds every font in this folder); replace it or move it out of fonts/")
    return len(problems) == before


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
