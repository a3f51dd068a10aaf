"""The handbook as frozen data: what the loader produces and every later stage reads.

Nothing is filled in after loading; a stage that needs more (citation numbers, page
numbers) computes it from this model and passes it along beside it.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .errors import Location


def is_id(text: str) -> bool:
    """Tell whether text is a lowercase id such as `risks-benefits`."""
    return bool(text) and text[0].isalnum() and all(c.isalnum() or c == "-" for c in text) and text == text.lower()


def slug(title: str) -> str:
    """Return an id made from a title: "Who should not have it?" -> "who-should-not-have-it"."""
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(words)

def term_names(term: str) -> tuple[str, ...]:
    """Return the names a glossary term is written under: "CRPS (complex regional pain syndrome)"
    -> ("CRPS", "complex regional pain syndrome"); a term without brackets is its own name."""
    head, bracket, rest = term.partition(" (")
    if bracket and rest.endswith(")") and head.strip() and rest[:-1].strip():
        return head.strip(), rest[:-1].strip()
    return (term.strip(),)


def term_id(term: str) -> str:
    """Return the id of a glossary term, made from its first name in plain letters:
    "CRPS (...)" -> "term-crps", "Alucinación" -> "term-alucinacion"."""
    import unicodedata

    letters = unicodedata.normalize("NFKD", term_names(term)[0])
    return "term-" + slug("".join(c for c in letters if not unicodedata.combining(c)))

# --- Inline text -------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plain words."""

    text: str


@dataclass(frozen=True)
class Emphasis:
    """Emphasised words (`*words*`)."""

    children: Inlines


@dataclass(frozen=True)
class Strong:
    """Strongly emphasised words (`**words**`)."""

    children: Inlines


@dataclass(frozen=True)
class Link:
    """A link: to the web (`https:`, `mailto:`, `tel:`) or to a chapter or section (`#id`)."""

    href: str
    children: Inlines

    @property
    def internal(self) -> bool:
        """Tell whether the link points into the handbook."""
        return self.href.startswith("#")


@dataclass(frozen=True)
class CiteRef:
    """One source named by a citation."""

    source_id: str
    anchor: str
    """The id of this citation's marker, unique in the book, for links back to it."""


@dataclass(frozen=True)
class Citation:
    """A citation of one or more sources (`[@one; @two]`)."""

    refs: tuple[CiteRef, ...]


@dataclass(frozen=True)
class Term:
    """The first use of a glossary term in a chapter, linked to its definition (see analyse/glossary.py)."""

    term_id: str
    """The id of the glossary entry, such as `term-glutamate`."""
    children: Inlines


Inline = Union[Text, Emphasis, Strong, Link, Citation, Term]
Inlines = tuple[Inline, ...]


# --- Blocks ------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One entry of a list, with its own anchor so a printed page can start at it."""

    anchor: str
    text: Inlines


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text."""

    anchor: str
    location: Location
    guidance: bool
    """True when the block is the handbook's own advice and needs no citation."""
    text: Inlines


@dataclass(frozen=True)
class ListBlock:
    """A bulleted (`bullets`) or numbered (`steps`) list, or a checklist with tick boxes."""

    anchor: str
    location: Location
    guidance: bool
    ordered: bool
    items: tuple[Item, ...]
    checklist: bool = False
    """Each entry gets a box to tick in print (`checklist`)."""


@dataclass(frozen=True)
class Questions:
    """Questions a reader may ask the care team, with room to write answers in print."""

    anchor: str
    location: Location
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Definition:
    """A glossary entry."""

    anchor: str
    term: str
    text: Inlines
    id: str = ""
    """The term's own id (`term-` and its words), which links to it lead to."""
    also: tuple[str, ...] = ()
    """Other forms of the term the text uses (irregular plurals, other words for it)."""
    explained_in: str | None = None
    """The chapter whose text explains the term; earlier chapters must not use it unexplained."""
    location: Location | None = None


@dataclass(frozen=True)
class Definitions:
    """A list of terms and what they mean."""

    anchor: str
    location: Location
    guidance: bool
    items: tuple[Definition, ...]


@dataclass(frozen=True)
class Row:
    """A table row."""

    anchor: str
    cells: tuple[Inlines, ...]


@dataclass(frozen=True)
class Table:
    """A table with a caption and a header row."""

    anchor: str
    location: Location
    guidance: bool
    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    tick_boxes: bool = False
    """Print a box to tick before each row."""


@dataclass(frozen=True)
class Figure:
    """A picture with its alternative text and a caption."""

    anchor: str
    location: Location
    guidance: bool
    path: Path
    """The image file, checked to exist inside the chapters folder and to be PNG or JPEG."""
    media_type: str
    alt: str
    """What the picture shows, for readers who cannot see it."""
    caption: Inlines
    variants: tuple[tuple[str, Path], ...] = ()
    """Versions of the picture for print layouts, as (layout, file): `steps.large-print.png`
    beside `steps.png` is what the large-print layout prints."""

    def path_for(self, layout: str) -> Path:
        """Return the picture a print layout prints."""
        return dict(self.variants).get(layout, self.path)


@dataclass(frozen=True)
class Notes:
    """Ruled lines to write on in print; the e-book leaves them out."""

    anchor: str
    location: Location
    lines: int


@dataclass(frozen=True)
class ClinicBlock:
    """A place for the clinic's own instruction or phone numbers (`clinic: id`)."""

    anchor: str
    location: Location
    key: str
    """An instruction id from the clinic file, or `contacts` for the phone list."""


@dataclass(frozen=True)
class Callout:
    """A box that stands out from the text: key points, a warning, when to call."""

    anchor: str
    location: Location
    guidance: bool
    kind: str
    """One of the theme's callout kinds."""
    title: str | None
    """The title the file gives; None takes the theme's title for the kind, in the book's language."""
    blocks: tuple[Block, ...]


Block = Union[Paragraph, ListBlock, Questions, Definitions, Table, Figure, Notes, ClinicBlock, Callout]

CONTACTS = "contacts"
"""The clinic block key that shows the clinic's phone numbers."""


# --- The book ----------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A titled part of a chapter."""

    id: str
    location: Location
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Review:
    """Who last reviewed a chapter's content, when, and when the next review is due."""

    by: str
    on: datetime.date
    next: datetime.date
    location: Location


@dataclass(frozen=True)
class Chapter:
    """One chapter file."""

    id: str
    """The file name without `.yaml`."""
    location: Location
    title: str
    summary: str | None
    sections: tuple[Section, ...]
    review: Review | None = None
    """The chapter's last content review, if the file records one."""


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
