"""A book's text as frozen data: inline text, blocks, sections and chapters."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location

__all__ = ["Block", "CONTACTS", "Callout", "Chapter", "Citation", "CiteRef", "ClinicBlock", "Definition",
           "Definitions", "Emphasis", "Figure", "Inline", "Inlines", "Item", "Link", "ListBlock", "Notes",
           "Paragraph", "Questions", "Review", "Row", "Section", "Strong", "Table", "Term", "Text", "is_id",
           "slug", "term_id", "term_names"]


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


Inline = Text | Emphasis | Strong | Link | Citation | Term
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


Block = Paragraph | ListBlock | Questions | Definitions | Table | Figure | Notes | ClinicBlock | Callout

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
