"""The book as frozen data: its sources, clinic details, settings and each language's whole book."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location
from .text import Chapter

__all__ = ["Approval", "Book", "Brand", "Clinic", "Language", "Phone", "Role", "Settings", "Source"]


@dataclass(frozen=True)
class Source:
    """One source the handbook is based on, described as the source itself shows it."""

    id: str
    location: Location
    title: str | None
    author: str | None
    date: str | None
    kind: str
    note: str
    added_by_publisher: bool = False
    """True for a source the publisher added beside the book's own sources, such as a crisis line."""
    url: str | None = None
    short: str | None = None
    """A short name for notes; None: the title, else the kind."""
    language: str = "en"
    """The language tag of the source's title, author and date: the source's own language."""
    checked: datetime.date | None = None
    """When the publisher last checked what the book takes from it (a crisis line's number)."""

    @property
    def short_name(self) -> str:
        """Return how a note names the source."""
        return self.short or self.title or self.kind


@dataclass(frozen=True)
class Phone:
    """A labelled phone number; an empty number is printed as a line to write on."""

    id: str
    """The slot a clinic file fills: `clinic`, `after-hours`, ..."""
    label: str
    number: str
    source: str | None = None
    """The source that vouches for a public number (988, 911), cited beside it."""
    location: Location | None = None
    """Where the line was written, for messages about it."""


@dataclass(frozen=True)
class Clinic:
    """The details an edition prints for its clinic: the book's defaults with a clinic file over them."""

    slug: str
    """The clinic's folder under build/; empty for the book's own edition."""
    name: str
    """Empty for the book's own edition: the theme then says "your clinic"."""
    phones: tuple[Phone, ...]
    instructions: tuple[tuple[str, str], ...]
    """Pairs of instruction id and text, in file order."""

    def instruction(self, key: str) -> str:
        """Return the text of an instruction."""
        return dict(self.instructions)[key]


@dataclass(frozen=True)
class Language:
    """What book.yaml says about the book in one language."""

    code: str
    """A language tag such as `en` or `es`."""
    title: str
    subtitle: str
    edition: str
    """How this language names the edition, such as "First edition"."""
    keywords: tuple[str, ...]
    """Keywords for the PDF and e-book metadata."""
    unapproved: str = "refuse"
    """While the text lacks a required approval: `refuse` to build, or build `draft` editions."""


@dataclass(frozen=True)
class Role:
    """A role whose approval the book's policy knows, such as `physician` (policy: approvals: roles:)."""

    id: str
    """What an approval record and `handbook approve --role` call it."""
    names: tuple[tuple[str, str], ...]
    """How each language's editions print it, as (language, name) pairs."""
    clinical: bool = False
    """A clinician's role (a physician, a pharmacist, a nurse): the colophon says plainly when
    no clinician has approved the text."""

    def name(self, language: str) -> str:
        """Return the role as a language's editions print it."""
        return dict(self.names).get(language) or self.names[0][1]


@dataclass(frozen=True)
class Approval:
    """Someone's approval, in a role, of the words of one part of the book in one language."""

    part: str
    """A chapter id, or `_book` (the book file's front matter), `_sources` (the sources
    appendix) or `_clinic` (the language's clinic defaults)."""
    role: str
    by: str
    """Who approved, by name, as the record gives it."""
    on: datetime.date
    location: Location
    """Where the record gives it."""


@dataclass(frozen=True)
class Brand:
    """A book's own look, from the book file's `theme:` (docs/format.md, "A book's own look")."""

    accent: str | None = None
    """The one colour, #rrggbb, in place of the theme's."""
    logo: str | None = None
    """A picture's path in the book's layouts/, shown on the covers, title pages and web header."""
    stylesheets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Stylesheets of the book's own, by format (print, epub, web), after the theme's."""
    locations: tuple[tuple[str, Location], ...] = ()
    """Where the book file sets each (accent, logo, stylesheets), for messages."""

    def extra(self, format: str) -> tuple[str, ...]:
        """Return the book's own stylesheets for a format."""
        return dict(self.stylesheets).get(format, ())

    def location(self, key: str) -> Location | None:
        """Return where the book file sets a key."""
        return dict(self.locations).get(key)


@dataclass(frozen=True)
class Settings:
    """The book file: who the book is, its languages, its chapters, and the editions to build."""

    location: Location
    slug: str
    """The start of every output file name, such as `asthma-handbook`."""
    identifier: str
    """The stable identifier of the book's own edition in its first language."""
    version: str
    published: datetime.date
    review_by: datetime.date
    publisher: str
    country: str | None
    """The ISO 3166 country the book is written for, such as `US`."""
    languages: tuple[Language, ...]
    """Every language of the book; the first is the source language the others are translated from."""
    chapters: tuple[str, ...]
    """Chapter ids in reading order; each language has a file `<id>.yaml` for each."""
    chapter_locations: tuple[Location, ...]
    """Where the book file lists each chapter."""
    help_now: str | None
    """The id of the chapter to turn to in a crisis; the theme points the cover to it."""
    glossary: str | None
    """The id of the chapter that is the book's glossary."""
    disclaimer: bool
    """Whether the theme prints that the book does not replace advice from the care team."""
    edition_languages: tuple[str, ...]
    """The languages to build."""
    layouts: tuple[str, ...]
    """The print layouts to build; the first is the standard edition the e-book's pages follow."""
    formats: tuple[str, ...]
    """The formats to build."""
    clinics: tuple[Path, ...]
    """Clinic files to build editions for, beside the book's own edition."""
    reviews_required: bool = False
    """Every chapter must record its content review, and an overdue review fails the build."""
    draft: bool = False
    """The editions are drafts: overdue reviews are allowed, and the theme marks the book as a draft."""
    brand: Brand = Brand()
    """The book's own colour, logo and stylesheets."""
    draft_languages: tuple[str, ...] = ()
    """The languages built as drafts because their text lacks a required approval (`unapproved:
    draft`), found when the book is checked."""
    roles: tuple[Role, ...] = ()
    """Every role the policy knows (policy: approvals: roles:); none: the book records no approvals."""
    required_roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """The roles whose current approval each language's text needs before a patient edition
    is built, as (language, role ids) pairs."""
    web_address: str | None = None
    """Where the book's own web edition in its first language is published, ending in `/`;
    the other editions' sites lie beside it as they do in build/."""

    def language(self, code: str) -> Language:
        """Return a language of the book."""
        return next(language for language in self.languages if language.code == code)

    def is_draft(self, language: str) -> bool:
        """Tell whether a language's editions are drafts: all of them (--draft), or this one, unapproved."""
        return self.draft or language in self.draft_languages

    def role(self, role_id: str) -> Role | None:
        """Return a role the policy knows, or None."""
        return next((role for role in self.roles if role.id == role_id), None)

    def roles_required(self, language: str) -> tuple[str, ...]:
        """Return the roles whose approval a language's text needs before a patient edition."""
        return dict(self.required_roles).get(language, ())

    @property
    def standard_layout(self) -> str:
        """Return the layout whose page numbers the e-book carries."""
        return self.layouts[0]


@dataclass(frozen=True)
class Book:
    """The whole handbook in one language, as every stage after loading reads it."""

    settings: Settings
    language: str
    title: str
    subtitle: str
    edition: str
    keywords: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    sources: tuple[Source, ...]
    clinic: Clinic | None
    """The language's default clinic details (chapters/<language>/clinic.yaml), if the book has any."""
    folder: Path
    """The folder of this language's chapters."""
    approvals: tuple[Approval, ...] = ()
    """The approvals whose words are this language's words now (and, for a translation, whose
    source words are the source language's now), in the book's order of parts."""

    @property
    def draft(self) -> bool:
        """Tell whether this language's editions are drafts, not for patients."""
        return self.settings.is_draft(self.language)

    @property
    def version(self) -> str:
        """Return the version of the text."""
        return self.settings.version

    @property
    def published(self) -> datetime.date:
        """Return the publication date."""
        return self.settings.published

    @property
    def review_by(self) -> datetime.date:
        """Return the date by which the content must be checked again."""
        return self.settings.review_by

    @property
    def publisher(self) -> str:
        """Return the publisher."""
        return self.settings.publisher

    @property
    def help_now(self) -> str | None:
        """Return the id of the chapter to turn to in a crisis."""
        return self.settings.help_now

    @property
    def help_now_chapter(self) -> Chapter | None:
        """Return the chapter to turn to in a crisis, if the book names one."""
        return next((c for c in self.chapters if c.id == self.help_now), None)
