"""Lay out the print book with WeasyPrint and write it as a tagged PDF (PDF/UA-1).

WeasyPrint reads every file through `BookFetcher`, by virtual addresses (file:///book/...,
file:///theme/...) that do not depend on where the book is checked out, and only from the
book folder and the theme: a build never reaches the network or the rest of the disk.
"""
from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from ..collector import collector_paused
from ..errors import HandbookError, Location, Problem
from ..project import Project
from ..render.context import BOOK_URL, THEME_URL
from ..theme import PrintLayout, Theme
from . import LaidOut, Pdf
from .artifacts import mark_margin_boxes_as_artifacts
from .links import tidy_links
from .marks import add_printer_marks
from .semantics import follow_the_html
from .tables import add_id_tree, merge_split_tables, scope_table_headers
from .weasyprint70.relayout import Cut, can_relay, kept_pagination, plan, relay
from .weasyprint70.speedups import install as install_speedups

PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with a structure tree, /Lang and the title shown in the window bar."""


def _fetcher_class() -> Any:  # a subclass of WeasyPrint's URLFetcher
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BookFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
        """Serve file:///book/... from the book folder and file:///theme/... from the theme."""

        def __init__(self, project: Project, theme: Theme):
            super().__init__(allowed_protocols=("file",))
            self.project = project
            self.theme = theme
            self.roots = (project.root.resolve(),) + tuple(folder.resolve() for folder in theme.dirs)

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            path = self.resolve(url)
            if path is None:
                raise ValueError(f"refused to fetch {url}: only files of the book and its theme are used")
            kind, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind or "application/octet-stream"})

        def resolve(self, url: str) -> Path | None:
            """Return the file a virtual address means, if it is inside the book or the theme."""
            path: Path | None
            if url.startswith(BOOK_URL):
                path = self.project.root / unquote(urlsplit(url).path).removeprefix("/book/")
            elif url.startswith(THEME_URL):
                path = self.theme.find(unquote(urlsplit(url).path).removeprefix("/theme/"))
            else:
                return None
            if path is None or not path.is_file():
                return None
            real = path.resolve()
            return real if any(real.is_relative_to(root) for root in self.roots) else None

    return BookFetcher


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at warning level or above while the block runs."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


class Layout:
    """A laid-out print edition: its pages, and where each anchor falls."""

    def __init__(self, document: LaidOut, where: Location, marks: tuple[str, ...] = (),
                 pagination: dict[str, Any] | None = None):
        self.document = document
        self.where = where
        self.marks = marks
        """The printer's marks to draw outside the bleed."""
        self.pagination = pagination
        """What WeasyPrint needs to make some pages again (see weasyprint70/relayout.py), if it was kept."""

    @property
    def page_count(self) -> int:
        """Return the number of pages."""
        return len(self.document.pages)

    def anchor_pages(self) -> dict[str, int]:
        """Return the first page (counting from 1) on which each anchor appears."""
        pages: dict[str, int] = {}
        for number, page in enumerate(self.document.pages, start=1):
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        return pages

    def write(self, target: IO[bytes], link_words: Mapping[str, str] | None = None) -> None:
        """Write the PDF to a file object; `link_words` describe each link target in words."""

        def finish(document: LaidOut, pdf: Pdf) -> None:
            follow_the_html(document, pdf)  # first: it reads the tree as WeasyPrint made it
            mark_margin_boxes_as_artifacts(document, pdf)
            tidy_links(pdf, link_words or {})
            merge_split_tables(document, pdf)
            scope_table_headers(pdf)
            add_id_tree(pdf)
            if self.marks:
                add_printer_marks(pdf, self.marks)

        with weasyprint_warnings() as warnings, collector_paused():
            self.document.write_pdf(target, pdf_variant=PDF_VARIANT, finisher=finish)
        _fail_on(warnings, self.where)


class Typesetter:
    """Lay out HTML with one print layout of a theme."""

    def __init__(self, project: Project, theme: Theme, layout: PrintLayout, extra: tuple[str, ...] = (),
                 language: str = "en"):
        """Read the layout's stylesheets, then the language's own font stylesheet (theme.yaml
        fonts:) and, for a language written right to left, the theme's right_to_left sheets
        (a Chinese font is read only by Chinese editions), then the book's own (`extra`)."""
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        sheets = (*layout.stylesheets, *theme.print_stylesheets_for(language, layout), *extra)
        self.marks = layout.marks
        self.css_files = [path for path in theme.files() if path.suffix == ".css"]
        self._can_relay: bool | None = None
        self.fetcher = _fetcher_class()(project, theme)
        self.fonts = FontConfiguration()
        self.where = Location(theme.file(layout.stylesheets[0]), 0)
        self.stylesheets = []
        for sheet in sheets:  # one by one, so that a mistake is named with its file and line
            with weasyprint_warnings() as warnings:
                self.stylesheets.append(CSS(url=THEME_URL + sheet, url_fetcher=self.fetcher, font_config=self.fonts))
            if warnings:
                raise HandbookError([Problem(_css_location(message, theme.file(sheet), theme), f"WeasyPrint: {message}")
                                     for message in warnings])

    def lay_out(self, html: str, keep: bool = False) -> Layout:
        """Return the laid-out document; WeasyPrint warnings fail the build. With `keep`, the
        layout keeps what `shorten_appendix` needs to make its last pages again."""
        from weasyprint import HTML

        install_speedups()  # layout and tagged writer without their quadratic costs: same bytes
        pagination: dict[str, Any] = {}
        with weasyprint_warnings() as warnings, collector_paused(), \
                kept_pagination(pagination) if keep else nullcontext():
            document = HTML(string=html, base_url=BOOK_URL, url_fetcher=self.fetcher).render(
                font_config=self.fonts, stylesheets=self.stylesheets, pdf_variant=PDF_VARIANT
            )
        _fail_on(warnings, self.where)
        return Layout(document, self.where, self.marks, pagination or None)

    def can_shorten_appendix(self) -> bool:
        """Tell whether this WeasyPrint and the theme's stylesheets let `shorten_appendix` work at all."""
        if self._can_relay is None:
            self._can_relay = can_relay(self.css_files)
        return self._can_relay

    def shorten_appendix(self, layout: Layout, first_html: str, final_html: str, cut: Cut) -> Layout | None:
        """Return the layout of `final_html`, made from the layout of `first_html` (kept with `keep`)
        by cutting the appendix's lists and making its pages again; None where that could differ
        from laying out `final_html` (see weasyprint70/relayout.py), and the caller lays it out instead."""
        from weasyprint.document import Page

        if not (self.can_shorten_appendix() and layout.pagination and plan(first_html, final_html, cut)):
            return None
        pagination, layout.pagination = layout.pagination, None  # the box tree is changed: once only
        if not cut.changed:
            return layout  # every citation is alone on its page: the first layout is the final one
        with weasyprint_warnings() as warnings, collector_paused():
            boxes = relay(pagination, cut, layout.anchor_pages())
        _fail_on(warnings, self.where)
        if boxes is None:
            return None
        document = layout.document
        document.pages = [Page(box) for box in boxes]
        return Layout(document, self.where, self.marks)


def _css_location(message: str, sheet: Path, theme: Theme) -> Location:
    """Return where a stylesheet warning points: WeasyPrint gives the line and the text ("Ignored
    `colr: red` at 2:5") but not the file, which may be the sheet or one it imports."""
    found = re.search(r"`(.+?)` at (\d+):\d+", message)
    if found is None:
        return Location(sheet, 0)
    text, line = found.group(1), int(found.group(2))
    for path in [sheet] + [path for path in theme.files() if path.suffix == ".css" and path != sheet]:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line <= len(lines) and text.split(":")[0].strip() in lines[line - 1]:
            return Location(path, line)
    return Location(sheet, 0)


def _fail_on(warnings: list[str], where: Location) -> None:
    """Fail the build on WeasyPrint warnings: each means something is missing from the book."""
    if warnings:
        raise HandbookError([Problem(where, f"WeasyPrint: {message}") for message in warnings])
