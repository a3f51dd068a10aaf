"""Where a book's files are: its chapters, sources and clinic files, its own layouts, its outputs.

A book folder needs only chapters/ and sources/. Its own layouts/ overrides the package's
default theme file by file (see theme.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BOOK_FILE = "book.yaml"
CLINIC_DEFAULTS_FILE = "clinic.yaml"


@dataclass(frozen=True)
class Project:
    """The folders a build reads from and writes to."""

    root: Path
    """The book folder."""
    out: Path
    """The output folder (default: build/ in the book folder)."""
    kept: Path | None = None
    """Where to keep what a build remembers for the next one, if not in the output folder."""
    @classmethod
    def at(cls, root: Path, out: Path | None = None) -> Project:
        """Return the project of a book folder."""
        return cls(root, out if out is not None else root / "build")

    def check_out(self) -> None:
        """Raise HandbookError unless the output folder is a place a build may write into.

        The book's own build/ must be a real folder inside the book: a `build` committed as
        a link would make a build replace and delete files wherever it leads. A folder given
        with --out is the user's choice. Either way the cache inside it must not be a link."""
        from .errors import HandbookError, Location, Problem

        problems = []
        if self.out == self.root / "build":  # the default, not a folder chosen with --out
            root = self.root.resolve()
            if self.out.is_symlink() or (self.out.exists() and not self.out.resolve().is_relative_to(root)):
                problems.append(Problem(Location(self.out, 0), "is a link; the book's output folder must be a "
                                        "real folder inside the book (remove the link, or choose a folder "
                                        "with --out)"))
        if self.cache.is_symlink():
            problems.append(Problem(Location(self.cache, 0), "is a link; the build's cache must be a real "
                                    "folder (remove the link; the folder is safe to delete)"))
        if problems:
            raise HandbookError(problems)

    @property
    def chapters(self) -> Path:
        """Return the folder of book.yaml and of one folder of chapters per language."""
        return self.root / "chapters"

    @property
    def book_file(self) -> Path:
        """Return the book file."""
        return self.chapters / BOOK_FILE

    @property
    def sources_file(self) -> Path:
        """Return the sources file. It quotes the sources' titles exactly, so it lives outside
        chapters/, the folder whose prose must be the handbook's own words."""
        return self.root / "sources" / "sources.yaml"

    def language_dir(self, language: str) -> Path:
        """Return the folder of a language's chapters."""
        return self.chapters / language

    def chapter_file(self, language: str, chapter_id: str) -> Path:
        """Return a chapter's file in a language."""
        return self.language_dir(language) / f"{chapter_id}.yaml"

    def clinic_defaults(self, language: str) -> Path:
        """Return a language's default clinic details."""
        return self.language_dir(language) / CLINIC_DEFAULTS_FILE

    @property
    def layouts(self) -> Path:
        """Return the book's own layouts folder, which overrides the default theme file by file."""
        return self.root / "layouts"

    @property
    def cache(self) -> Path:
        """Return the folder of what a build remembers for the next one; safe to delete.

        Everything in it is named by a hash of what made it, or checked against what it was
        made from, so builds into other output folders may share it (the tests share make's)."""
        return self.kept if self.kept is not None else self.out / ".cache"
