"""What every template of an edition is rendered with, built in one place for every output."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..analyse.numbering import SourceIndex
from ..analyse.traverse import blocks
from ..editions import Edition
from ..model import Book, Callout, Clinic, Definitions
from ..project import Project
from ..theme import PrintLayout, Theme
from . import anchors
from .inline import Linker

BOOK_URL = "file:///book/"
"""Where the book folder appears to the layout engine. Every file is named by this virtual
address, never by where the checkout happens to be, so the PDF does not depend on it."""
THEME_URL = "file:///theme/"
"""Where the theme appears to the layout engine: the book's layouts/ over the default theme."""


@dataclass(frozen=True)
class Context:
    """One edition's book, clinic and numbered sources, for its templates."""

    project: Project
    theme: Theme
    book: Book
    clinic: Clinic | None
    """The edition's clinic details: the book's defaults, or a clinic file over them."""
    index: SourceIndex
    edition: Edition
    identifier: str
    build_date: datetime.datetime
    gettext: Callable[[str], str]
    """The language's labels, for the words Python adds (templates use `_()`)."""
    fresh: bool = False
    """Make every picture and font afresh, taking nothing kept in build/.cache/ (--force)."""

    @property
    def layout(self) -> PrintLayout | None:
        """Return the print layout the edition is laid out (or paginated) by."""
        return self.theme.layouts.get(self.edition.layout)

    @property
    def print_layout(self) -> PrintLayout:
        """Return the print layout of a print edition, or of the e-book that follows its pages."""
        if self.layout is None:  # a bug: a web edition's pages are never laid out
            raise ValueError(f"{self.edition.name} has no print layout")
        return self.layout

    def callout_title(self, callout: Callout) -> str:
        """Return a callout's title: its own, or the theme's for its kind (a label to translate)."""
        return callout.title or self.theme.callouts[callout.kind]

    def image_url(self, path: Path) -> str:
        """Return the address the layout engine reads a picture from."""
        # Quoted: a # or ? in a file name would start a fragment or a query (the fetcher unquotes).
        return BOOK_URL + quote(path.resolve().relative_to(self.project.root.resolve()).as_posix())

    def link_words(self) -> dict[str, str]:
        """Return, for each target a link can lead to, words that say where it goes."""
        gettext = self.gettext
        words = {"sources": gettext("Sources"), "contents": gettext("Contents")}
        for chapter in self.book.chapters:
            words[chapter.id] = chapter.title
            for section in chapter.sections:
                words[section.id] = section.title
        for chapter in self.book.chapters:
            for block, _ in blocks(chapter):
                if isinstance(block, Definitions):
                    for term in block.items:
                        words[term.id] = gettext("In the glossary: %(term)s") % {"term": term.term}
        for entry in self.index.entries:
            name = entry.source.short_name
            words[anchors.source(entry.source.id)] = (gettext("Source %(num)s: %(name)s")
                                                      % {"num": entry.number, "name": name})
            for place in entry.places:
                words[place.anchor] = gettext("Where source %(num)s is cited") % {"num": entry.number}
        return words

    def common(self, linker: Linker | None = None) -> dict[str, Any]:
        """Return the names every template may use."""
        return dict(
            book=self.book,
            clinic=self.clinic,
            sources=self.index,
            edition=self.edition,
            layout=self.layout,
            identifier=self.identifier,
            build_date=self.build_date.isoformat(),
            linker=linker or Linker(self.index),
            callout_title=self.callout_title,
            anchors=anchors,
            font_stylesheets=self.theme.stylesheets_for(self.book.language),
        )
