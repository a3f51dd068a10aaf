"""Read one language of the book: its chapters, in the order the book file lists them.

Every file is read and every problem collected before anything fails, so a maintainer
sees all the mistakes of a build at once.
"""
from __future__ import annotations

from pathlib import Path

from ..analyse.terms import TERMS_FILE
from ..errors import Location, Problems
from ..model import Book, Chapter, Settings, Source
from ..project import BOOK_FILE, CLINIC_DEFAULTS_FILE, Project
from .chapter import load_chapter
from .clinic import load_clinic_defaults


def load_language(project: Project, settings: Settings, language: str, sources: tuple[Source, ...],
                  callout_kinds: tuple[str, ...], problems: Problems) -> Book | None:
    """Return the book in one language, or None after recording what is wrong."""
    folder = project.language_dir(language)
    if not folder.is_dir():
        problems.add(settings.location, f"the book is written in {language!r}, but there is no folder {folder}")
        return None
    before = len(problems)
    chapters = _load_chapters(project, settings, folder, callout_kinds, problems)
    clinic = load_clinic_defaults(project, language, problems)
    if len(problems) > before:
        return None
    meta = settings.language(language)
    return Book(settings, language, meta.title, meta.subtitle, meta.edition, meta.keywords,
                tuple(chapters), sources, clinic, folder)


def _load_chapters(project: Project, settings: Settings, folder: Path, callout_kinds: tuple[str, ...],
                   problems: Problems) -> list[Chapter]:
    """Load the chapters in the order the book file lists them."""
    chapters = []
    for index, chapter_id in enumerate(settings.chapters):
        path = folder / f"{chapter_id}.yaml"
        if path.is_dir() or not (path.exists() or path.is_symlink()):
            # Said at the book file's line, which names the chapter; a pipe or a loop of
            # links is there, and the chapter's reader names it.
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            problems.add(settings.chapter_locations[index], f"the chapter {chapter_id!r} has no file: {path} {what}")
            continue
        chapter = load_chapter(path, callout_kinds, problems)
        if chapter is not None:
            chapters.append(chapter)
    listed = set(settings.chapters)
    for path in sorted(folder.glob("*.y*ml")):
        if path.name not in (CLINIC_DEFAULTS_FILE, TERMS_FILE) and path.stem not in listed:
            problems.add(Location(path, 0), f"this chapter is not listed in {BOOK_FILE}; add '{path.stem}' "
                         "to its chapters, or move the file out of the folder")
    return chapters
