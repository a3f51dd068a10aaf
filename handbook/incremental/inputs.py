"""Every file an edition is made from: one list, used by the manifest, the output store, Make's
dependency list and the last confinement check before anything is made.

An edition is made from the book file, the sources, its language's chapters and clinic
defaults and pictures, every file of the theme, and its clinic's file; in a book that records
approvals, also its language's approvals records and, for a translation, the chapters and
clinic defaults it is translated from (a change there makes its approvals stale). The manifest names
each input the same wherever the book is checked out, with its SHA-256, and adds the build
date, the handbook's code and whether the edition is a draft.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..analyse.traverse import blocks
from ..load.safeopen import read_regular
from ..model import Figure
from ..theme import default_theme_dir
from .keys import code_hash

if TYPE_CHECKING:
    from ..editions import Edition
    from ..prepare import Handbook


def input_files(handbook: Handbook, edition: Edition) -> list[tuple[str, Path]]:
    """Return the files an edition is made from, each with its kind (confine.py): book,
    sources, theme, chapters (the pictures among them), clinics, or `chosen` for a clinic
    file named on the command line."""
    project = handbook.project
    book = handbook.books[edition.language]
    files = [("book", project.book_file), ("sources", project.sources_file)]
    files += [("theme", path) for path in handbook.theme.files()]
    files += [("chapters", project.chapter_file(edition.language, chapter_id))
              for chapter_id in handbook.settings.chapters]
    if book.clinic is not None:
        files.append(("chapters", project.clinic_defaults(edition.language)))
    files += [("chapters", path) for chapter in book.chapters for block, _ in blocks(chapter)
              if isinstance(block, Figure) for path in (block.path, *(variant for _, variant in block.variants))]
    if handbook.settings.roles:
        files += _approval_inputs(handbook, edition.language)
    if edition.clinic:
        path = handbook.clinic_files[edition.clinic]
        files.append(("clinics" if path in handbook.settings.clinics else "chosen", path))
    return files


def _approval_inputs(handbook: Handbook, language: str) -> list[tuple[str, Path]]:
    """Return the files an edition's approvals are read from, and weighed against."""
    from ..load.approvals import record_files

    project = handbook.project
    files = [("approvals", path) for path in record_files(project, language)]
    first = handbook.settings.languages[0].code
    if language != first:
        files += [("chapters", project.chapter_file(first, chapter_id)) for chapter_id in handbook.settings.chapters]
        if project.clinic_defaults(first).is_file():
            files.append(("chapters", project.clinic_defaults(first)))
    return files


class Inputs:
    """Every file an edition is made from, with its SHA-256, as the manifest names them."""

    def __init__(self, handbook: Handbook):
        self.handbook = handbook
        self._hashes: dict[Path, str] = {}
        self._names: dict[Path, str] = {}
        self._common: dict[str, str] | None = None
        root = handbook.project.root
        self._bases = ((root.absolute(), ""), (root.resolve(), ""), (default_theme_dir().resolve(), "(default theme)/"))

    def hash(self, path: Path) -> str:
        """Return the SHA-256 of a file (remembered for the rest of the build)."""
        if path not in self._hashes:
            self._hashes[path] = hashlib.sha256(read_regular(path)).hexdigest()
        return self._hashes[path]

    def files(self, edition: Edition) -> list[Path]:
        """Return the files an edition is made from."""
        return [path for _, path in input_files(self.handbook, edition)]

    def of(self, edition: Edition) -> dict[str, str]:
        """Return the inputs of an edition by name, with the build date and the code that made it."""
        if self._common is None:
            self._common = {"(build date)": self.handbook.date.isoformat(), "(handbook)": code_hash()}
        found = {self.name(path): self.hash(path) for path in self.files(edition)}
        return found | self._common | {"(draft)": str(self.handbook.settings.is_draft(edition.language)).lower()}

    def name(self, path: Path) -> str:
        """Return how the manifest names an input: the same wherever the book is checked out.

        The book's files are named from the book folder, the default theme's as (default theme)/...,
        and a clinic file from elsewhere by its file name. Each is worked out once a build:
        most files are inputs of every edition, and resolving a path costs a system call a part."""
        if path not in self._names:
            self._names[path] = self._name(path)
        return self._names[path]

    def _name(self, path: Path) -> str:
        candidates = (path.absolute(), path.resolve())
        for base, prefix in self._bases:
            for candidate in candidates:
                if candidate.is_relative_to(base):
                    return prefix + candidate.relative_to(base).as_posix()
        return f"(clinic)/{path.name}"
