"""The one place that knows the order of the stages: load, check, render, lay out, write.

Everything is read, checked and rendered in memory first; only when every requested output
exists as bytes are they written, each atomically, into the output folder.
"""
from __future__ import annotations

import datetime
import io
import os
from dataclasses import dataclass
from pathlib import Path

from .check import check_book
from .editions import BOOK_NAME, EDITIONS, Edition
from .errors import HandbookError, Location, Problem
from .load import load_book
from .model import Book
from .numbering import SourceIndex, number_sources
from .output import write_atomically
from .render import environment, render_print

STANDARD = "a4"
"""The edition whose page numbers the e-book's page list follows."""


@dataclass(frozen=True)
class Project:
    """Where the build reads from and writes to."""

    chapters: Path
    sources: Path
    """The sources file. It quotes the articles' titles exactly, so it lives outside
    chapters/, the folder whose prose must be the handbook's own words."""
    layouts: Path
    out: Path
    clinic: Path | None = None

    @classmethod
    def at(cls, root: Path, out: Path | None = None, clinic: Path | None = None) -> Project:
        """Return the project laid out as in the repository: chapters/, sources/, layouts/, build/."""
        return cls(root / "chapters", root / "sources" / "sources.yaml", root / "layouts", out or root / "build", clinic)

    @property
    def readable_roots(self) -> tuple[Path, ...]:
        """Return the folders whose files the layout may read (fonts, stylesheets)."""
        return (self.layouts, self.chapters)


def build_date(book: Book) -> datetime.datetime:
    """Return the build's date: SOURCE_DATE_EPOCH if set, else the publication date (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
        except ValueError:
            raise HandbookError([Problem(Location(Path("SOURCE_DATE_EPOCH"), 0),
                                         f"must be a whole number of seconds, not {epoch!r}")]) from None
    published = book.published
    return datetime.datetime(published.year, published.month, published.day, tzinfo=datetime.timezone.utc)


def load(project: Project) -> tuple[Book, SourceIndex]:
    """Return the checked book and its numbered sources."""
    book = load_book(project.chapters, project.sources, project.clinic)
    check_book(book)
    return book, number_sources(book)


class Builder:
    """Produce the outputs of one build in memory."""

    def __init__(self, project: Project):
        self.project = project
        self.book, self.index = load(project)
        self.env = environment(project.layouts)
        self.date = build_date(self.book)
        self._layouts: dict[str, object] = {}

    def print_html(self, edition: Edition, cite_pages=None, links_from: Path | None = None) -> str:
        """Return the HTML of a print edition; `links_from` links its stylesheets for a browser."""
        links = ()
        if links_from is not None:
            sheets = [self.project.layouts / "print" / name for name in edition.stylesheets]
            links = tuple(os.path.relpath(sheet, links_from) for sheet in sheets)
        return render_print(self.env, self.book, self.index, edition, self.date.isoformat(), cite_pages, links)

    def layout(self, edition: Edition):
        """Return the final layout of an edition, laid out twice.

        The first pass finds the page of every citation marker; the second lists one
        marker per page in the sources appendix. Only the appendix changes between the
        passes, and it comes last, so no earlier page moves.
        """
        from .pdf import lay_out

        if edition.name not in self._layouts:
            roots = self.project.readable_roots
            first = lay_out(self.print_html(edition), edition, self.project.layouts, roots)
            pages = first.anchor_pages()
            self._layouts[edition.name] = lay_out(
                self.print_html(edition, pages), edition, self.project.layouts, roots
            )
        return self._layouts[edition.name]

    def pdf(self, edition: Edition) -> bytes:
        """Return the PDF of an edition."""
        target = io.BytesIO()
        self.layout(edition).write(target)
        return target.getvalue()

    def epub(self) -> bytes:
        """Return the e-book, paginated like the standard print edition."""
        from .epub import make_epub

        standard = self.layout(EDITIONS[STANDARD])
        return make_epub(self.book, self.index, self.env, self.project.layouts,
                         standard.anchor_pages(), standard.page_count, self.date)


def build(project: Project, formats: list[str], editions: list[str]) -> list[Path]:
    """Build the requested formats and print editions; return the files written."""
    builder = Builder(project)
    outputs: dict[Path, bytes] = {}
    for name in editions if "pdf" in formats else ():
        outputs[project.out / EDITIONS[name].file_name] = builder.pdf(EDITIONS[name])
    if "html" in formats:
        html = builder.print_html(EDITIONS[STANDARD], links_from=project.out)
        outputs[project.out / f"{BOOK_NAME}.html"] = html.encode()
    if "epub" in formats:
        outputs[project.out / f"{BOOK_NAME}.epub"] = builder.epub()
    for path, data in outputs.items():
        write_atomically(path, data)
    return list(outputs)
