"""Load and check everything a build needs, before anything is written.

The theme, the book file, the sources, every language of the book and every clinic file
are read and checked here, and every problem is reported at once (MkDocs' build gathers
all pages first for the same reason). Each language is loaded once; a clinic is only an
overlay, applied per edition later.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .analyse.check import check_book
from .analyse.glyphs import check_glyphs, font_files
from .analyse.glossary import check_glossary, link_terms
from .analyse.numbering import number_sources
from .analyse.reviews import check_reviews
from .analyse.translation import check_clinic_translation, check_translation
from .checked import Handbook, check_date
from .confine import check_inside
from .errors import HandbookError, Problem, Problems
from .i18n.runtime import check_catalogue
from .load.book import load_language
from .load.clinic import apply_clinic, clinic_slug, read_clinic_file
from .load.schema import Document
from .load.settings import load_settings
from .load.sources import read_sources, sources_in
from .model import Book, Settings
from .project import Project
from .theme import load_theme

def prepare(project: Project, languages: tuple[str, ...] | None = None, clinic_files: tuple[Path, ...] = (),
            all_languages: bool = False, draft: bool = False) -> Handbook:
    """Return the loaded, checked book, or raise HandbookError listing every problem.

    `clinic_files` are clinic files given on the command line, beside those the book file
    declares. `languages` narrows the languages loaded; `all_languages` loads every
    language of the book, not just those its editions list. `draft` makes the editions
    drafts whatever the book file says.
    """
    problems = Problems()
    theme = load_theme(project, problems)
    problems.raise_if_any()
    check_inside((project.book_file, project.sources_file), theme.allowed, problems)
    problems.raise_if_any()
    settings = load_settings(project, tuple(theme.layouts), problems)
    sources_file = read_sources(project, problems)
    if settings is not None:
        check_inside(book_files(project, settings), theme.allowed, problems)
    problems.raise_if_any()
    if draft:
        settings = dataclasses.replace(settings, draft=True)
    today = check_date()
    codes = tuple(language.code for language in settings.languages)
    wanted = languages or (codes if all_languages else settings.edition_languages)
    for code in wanted:
        if code not in codes:
            raise HandbookError([Problem(settings.location, f"the book has no language {code!r}; "
                                         f"it has: {', '.join(codes)}")])
    for code in wanted:
        check_catalogue(theme, code, problems)
    books = {}
    for code in wanted:
        sources = sources_in(sources_file, code, codes[0], problems)
        book = load_language(project, settings, code, sources, tuple(theme.callouts), problems)
        if book is not None:
            books[code] = book
    # The clinic files are read with the rest, so their mistakes are shown with the chapters'.
    clinics = _clinic_files(settings.clinics + tuple(clinic_files), books, settings, problems)
    problems.raise_if_any()
    for book in books.values():
        check_book(book, problems)
        check_glossary(book, problems)
        check_reviews(book, today, problems)
        if book.language != codes[0] and not settings.draft:
            check_translations(project, settings, book.language, codes[0], problems)
    problems.raise_if_any()
    check_glyphs(_text_files(project, settings, books, clinics), font_files(theme.files()), problems)
    problems.raise_if_any()
    books = {code: link_terms(book) for code, book in books.items()}
    indexes = {code: number_sources(book) for code, book in books.items()}
    declared = tuple(slug for slug, document in clinics.items() if document.path in settings.clinics)
    return Handbook(project, theme, settings, books, indexes, clinics, declared)


def _text_files(project: Project, settings: Settings, books: dict[str, Book], clinics: dict[str, Document]):
    """Yield every file whose text goes into an edition."""
    yield project.book_file
    yield project.sources_file
    for book in books.values():
        yield from (book.folder / f"{chapter_id}.yaml" for chapter_id in settings.chapters)
        if project.clinic_defaults(book.language).is_file():
            yield project.clinic_defaults(book.language)
    yield from (document.path for document in clinics.values())


def book_files(project: Project, settings: Settings) -> list[Path]:
    """Return the book's own files a build reads besides book.yaml: chapters, clinic defaults, declared clinics."""
    files = []
    for language in settings.languages:
        folder = project.language_dir(language.code)
        files += [folder / f"{chapter_id}.yaml" for chapter_id in settings.chapters]
        files.append(project.clinic_defaults(language.code))
    return [path for path in files if path.exists() or path.is_symlink()] + list(settings.clinics)


def check_translations(project: Project, settings: Settings, language: str, source: str, problems: Problems) -> None:
    """Record where a language's chapters and clinic defaults have fallen out of step with the source's."""
    for chapter_id in settings.chapters:
        check_translation(project.language_dir(source) / f"{chapter_id}.yaml",
                          project.language_dir(language) / f"{chapter_id}.yaml", language, problems)
    check_clinic_translation(project.clinic_defaults(source), project.clinic_defaults(language), problems)


def _clinic_files(paths: tuple[Path, ...], books: dict[str, Book], settings: Settings,
                  problems: Problems) -> dict[str, Document]:
    """Read every clinic file and lay it over each language, so that its mistakes show now."""
    clinics: dict[str, Document] = {}
    seen: dict[str, Path] = {}
    for path in dict.fromkeys(paths):
        document = read_clinic_file(path, problems)
        if document is None:
            continue
        slug = clinic_slug(path, document)
        if slug in seen:
            problems.add(document.location(), f"the clinic {slug!r} is already built from {seen[slug]}; "
                         "give this file its own `slug`")
            continue
        if slug in {language.code for language in settings.languages}:
            problems.add(document.location(), f"the clinic's folder {slug!r} would be a language's folder; "
                         "give the file another name or a `slug`")
            continue
        seen[slug] = path
        for language, book in books.items():
            if book.clinic is None:
                problems.add(document.location(), f"the book has no clinic details in {language!r} "
                             f"({book.folder / 'clinic.yaml'}), so it has no place for a clinic's")
                continue
            apply_clinic(book.clinic, document, language, settings.languages[0].code, problems)
        clinics[slug] = document
    return clinics
