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


Inline = Union[Text, Emphasis, Strong, Link, Citation]
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
    """A bulleted (`bullets`) or numbered (`steps`) list."""

    anchor: str
    location: Location
    guidance: bool
    ordered: bool
    items: tuple[Item, ...]


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
    title: str
    blocks: tuple[Block, ...]


Block = Union[Paragraph, ListBlock, Questions, Definitions, Table, Figure, Notes, ClinicBlock, Callout]

CALLOUT_TITLES = {
    "key-points": "Key points",
    "warning": "Warning",
    "call-care-team": "When to call your care team",
    "tip": "Tip",
    "disagree": "Where the articles do not agree",
}
"""The kinds of callout, each with the title it gets when the file gives none."""

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
class Chapter:
    """One chapter file."""

    id: str
    """The file name without `.yaml`."""
    location: Location
    title: str
    summary: str | None
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Source:
    """One article the handbook is based on, described as the article itself shows it."""

    id: str
    location: Location
    title: str | None
    author: str | None
    date: str | None
    kind: str
    note: str


@dataclass(frozen=True)
class Phone:
    """A labelled phone number; an empty number is printed as a line to write on."""

    label: str
    number: str


@dataclass(frozen=True)
class Clinic:
    """The clinic's own details, printed on the cover and where chapters ask for them."""

    name: str
    phones: tuple[Phone, ...]
    instructions: tuple[tuple[str, str], ...]
    """Pairs of instruction id and text, in file order."""

    def instruction(self, key: str) -> str:
        """Return the text of an instruction."""
        return dict(self.instructions)[key]


@dataclass(frozen=True)
class Book:
    """The whole handbook."""

    title: str
    subtitle: str
    language: str
    edition: str
    version: str
    published: datetime.date
    review_by: datetime.date
    identifier: str
    publisher: str
    help_now: str | None
    """The id of the chapter to turn to in a crisis; the cover and title page point to it."""
    chapters: tuple[Chapter, ...]
    sources: tuple[Source, ...]
    clinic: Clinic

    @property
    def help_now_chapter(self) -> Chapter | None:
        """Return the chapter to turn to in a crisis, if the book names one."""
        return next((c for c in self.chapters if c.id == self.help_now), None)
