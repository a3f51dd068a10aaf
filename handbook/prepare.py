"""Load and check everything a build needs, before anything is written: the checked book.

The theme, the book file, the sources, every language of the book and every clinic file
are read and checked here, and every problem is reported at once (MkDocs' build gathers
all pages first for the same reason). Each language is loaded once, and each clinic file
is laid over each language's clinic defaults once.

What it returns, `Handbook`, is everything a build then works from. A build whose inputs
have not changed gets it back from build/.cache/ instead (incremental/book.py), and must
not pay for importing the loaders and checkers then: so they are imported inside
`prepare()`, not at the top of this module.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .analyse.numbering import SourceIndex
from .errors import HandbookError, Problem, Problems
from .model import Book, Clinic, Settings
from .project import Project
from .theme import Theme

if TYPE_CHECKING:
    from .load.schema import Document


@dataclass(frozen=True)
class Handbook:
    """The checked book in every language it is built in, with its theme and clinic files."""

    project: Project
    theme: Theme
    settings: Settings
    books: dict[str, Book]
    """The book in each language, by language code."""
    indexes: dict[str, SourceIndex]
    """The numbered sources of each language."""
    clinics: dict[str, dict[str, Clinic]]
    """Every clinic of the editions, by the clinic's slug: its details in each language,
    the clinic file laid over the language's defaults."""
    clinic_files: dict[str, Path]
    """The file each clinic was read from, by slug."""
    declared_clinics: tuple[str, ...]
    """The slugs of the clinics the book file's editions list."""
    date: datetime.datetime
    """The build's date, which every output carries (dates.py)."""
    long_dates: dict[str, str]
    """Each date the editions print, in full in each language, by `language date`."""
    read_from: str | None = None
    """A hash of every file and folder listing the checked book was made from, and of the
    request (incremental/book.py); None where it is not known."""

    def clinic(self, slug: str, language: str) -> Clinic | None:
        """Return an edition's clinic details: the language's defaults, or a clinic's over them."""
        if not slug:
            return self.books[language].clinic
        return self.clinics[slug][language]

    def long_date(self, date: datetime.date, language: str) -> str:
        """Return a date as a language writes it in full."""
        found = self.long_dates.get(f"{language} {date.isoformat()}")
        if found is not None:
            return found
        from .i18n.runtime import long_date

        return long_date(date, language)


def prepare(project: Project, languages: tuple[str, ...] | None = None, clinic_files: tuple[Path, ...] = (),
            all_languages: bool = False, draft: bool = False, check_approvals: bool = True,
            cache: Path | None = None) -> Handbook:
    """Return the loaded, checked book, or raise HandbookError listing every problem.

    `clinic_files` are clinic files given on the command line, beside those the book file
    declares. `languages` narrows the languages loaded; `all_languages` loads every
    language of the book, not just those its editions list. `draft` makes the editions
    drafts whatever the book file says. `check_approvals` False lets parts whose required
    approvals are missing or stale through (the preview, and the commands that approve).
    `cache`: where a build keeps the fonts' characters (analyse/glyphs.py); prepare() reads
    them from it, and the build writes them once the book has checked (keep_coverage).
    """
    from .analyse.brand import check_brand
    from .analyse.check import check_book
    from .analyse.glossary import check_glossary, link_terms
    from .analyse.glyphs import check_language_glyphs
    from .analyse.numbering import number_sources
    from .analyse.reviews import check_reviews
    from .confine import check_kind
    from .dates import build_date, check_date
    from .i18n.runtime import check_catalogue
    from .load.book import load_language
    from .load.settings import load_settings
    from .load.sources import read_sources, sources_in
    from .theme import load_theme

    problems = Problems()
    theme = problems.checked(load_theme(project, problems))
    check_kind("book", (project.book_file,), project, problems)
    check_kind("sources", (project.sources_file,), project, problems)
    problems.raise_if_any()
    settings = load_settings(project, tuple(theme.layouts), problems)
    sources_file = read_sources(project, problems)
    if settings is not None:
        check_book_files(project, theme, settings, problems)
        check_brand(settings, theme, problems)
    settings = problems.checked(settings)
    sources_file = problems.checked(sources_file)
    if draft:
        settings = dataclasses.replace(settings, draft=True)
    date = build_date(settings)
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
    clinics, clinic_paths = _clinics(project, theme, settings.clinics + tuple(clinic_files), books, settings,
                                     problems)
    problems.raise_if_any()
    for book in books.values():
        check_book(book, problems)
        check_glossary(book, problems)
        check_reviews(book, today, problems)
        if book.language != codes[0] and not settings.draft:
            check_translations(project, settings, book.language, codes[0], problems)
    if settings.roles:  # with the rest: a translation out of step is shown with the approval it lost
        books = with_approvals(project, settings, books, sources_file, theme, problems,
                               enforce=check_approvals and not settings.draft)
        settings = next(iter(books.values())).settings if books else settings
    problems.raise_if_any()
    check_language_glyphs(theme, {code: list(language_files(project, settings, code)) for code in books}, codes,
                          [project.book_file, project.sources_file, *clinic_paths.values()], problems, cache)
    problems.raise_if_any()
    books = {code: link_terms(book) for code, book in books.items()}
    indexes = {code: number_sources(book) for code, book in books.items()}
    declared = tuple(slug for slug, path in clinic_paths.items() if path in settings.clinics)
    return Handbook(project, theme, settings, books, indexes, clinics, clinic_paths, declared, date,
                    _long_dates(settings, books, date))


def with_approvals(project: Project, settings: Settings, books: dict[str, Book], sources_file: Document,
                   theme: Theme, problems: Problems, enforce: bool = True) -> dict[str, Book]:
    """Return the books with the current approvals of their parts; with `enforce`, record every
    part whose required approvals are missing or stale (analyse/approvals.py)."""
    from .analyse.approvals import check_approvals, current_approvals, statuses
    from .load.book import load_language
    from .load.sources import sources_in

    first = settings.languages[0].code
    source = books.get(first)
    if source is None:  # only translations are asked for: each is bound to the source words too
        source = load_language(project, settings, first, sources_in(sources_file, first, first, problems),
                               tuple(theme.callouts), problems)
        if source is None:
            return books
    found = {code: statuses(project, book, source if code != first else None, problems)
             for code, book in books.items()}
    # A language whose text may wait for its approvals (`unapproved: draft`) is built as drafts
    # meanwhile; any other is refused.
    drafts = tuple(code for code, status in found.items() if settings.language(code).unapproved == "draft"
                   and not all(part.approved for part in status))
    if enforce:
        for code, status in found.items():
            if code not in drafts:
                check_approvals(status, first, problems)
    settings = dataclasses.replace(settings, draft_languages=drafts)
    return {code: dataclasses.replace(book, settings=settings, approvals=current_approvals(found[code]))
            for code, book in books.items()}


def language_files(project: Project, settings: Settings, language: str) -> Iterator[Path]:
    """Yield the files of one language: its chapters and its clinic defaults."""
    yield from (project.chapter_file(language, chapter_id) for chapter_id in settings.chapters)
    if project.clinic_defaults(language).is_file():
        yield project.clinic_defaults(language)


def check_book_files(project: Project, theme: Theme, settings: Settings, problems: Problems) -> None:
    """Record each chapter, clinic-defaults or declared clinic file that leads out of its place."""
    from .confine import check_kind

    chapters, defaults = [], []
    for language in settings.languages:
        chapters += [project.chapter_file(language.code, chapter_id) for chapter_id in settings.chapters]
        defaults.append(project.clinic_defaults(language.code))
    present = [path for path in chapters + defaults if path.exists() or path.is_symlink()]
    check_kind("chapters", present, project, problems)
    check_kind("clinics", settings.clinics, project, problems)


def check_translations(project: Project, settings: Settings, language: str, source: str, problems: Problems) -> None:
    """Record where a language's chapters and clinic defaults have fallen out of step with the source's."""
    from .analyse.translation import check_clinic_translation, check_translation

    for chapter_id in settings.chapters:
        check_translation(project.chapter_file(source, chapter_id), project.chapter_file(language, chapter_id),
                          language, problems)
    check_clinic_translation(project.clinic_defaults(source), project.clinic_defaults(language), problems)


def _clinics(project: Project, theme: Theme, paths: tuple[Path, ...], books: dict[str, Book], settings: Settings,
             problems: Problems) -> tuple[dict[str, dict[str, Clinic]], dict[str, Path]]:
    """Read every clinic file and lay it over each language's defaults; return them by slug,
    with the file each came from."""
    from .load.clinic import apply_clinic, clinic_slug, read_clinic_file

    clinics: dict[str, dict[str, Clinic]] = {}
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
        applied: dict[str, Clinic] = {}
        for language, book in books.items():
            if book.clinic is None:
                problems.add(document.location(), f"the book has no clinic details in {language!r} "
                             f"({project.clinic_defaults(language)}), so it has no place for a clinic's")
                continue
            clinic = apply_clinic(book.clinic, document, language, settings.languages[0].code, problems)
            if clinic is not None:
                applied[language] = clinic
        clinics[slug] = applied
    return clinics, seen


def _long_dates(settings: Settings, books: dict[str, Book], date: datetime.datetime) -> dict[str, str]:
    """Return every date an edition prints, written in full in each language (Babel's words,
    worked out here so that a build with a kept book need not load Babel)."""
    from .i18n.runtime import long_date

    dates = {settings.published, settings.review_by, date.date()}
    for book in books.values():
        dates |= {approval.on for approval in book.approvals}
        for chapter in book.chapters:
            if chapter.review is not None:
                dates |= {chapter.review.on, chapter.review.next}
    return {f"{language} {day.isoformat()}": long_date(day, language) for language in books for day in sorted(dates)}
