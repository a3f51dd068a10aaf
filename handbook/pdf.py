"""Lay out the print book with WeasyPrint and write it as a tagged PDF (PDF/UA-1)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .editions import Edition
from .errors import HandbookError, Location, Problem
from .pdf_artifacts import mark_margin_boxes_as_artifacts

PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with a structure tree, /Lang and the title shown in the window bar."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class ProjectFetcher(URLFetcher):
        """Fetch files inside the project only: a build never reaches the network."""

        def __init__(self, roots: tuple[Path, ...]):
            super().__init__(allowed_protocols=("file",))
            self.roots = tuple(root.resolve() for root in roots)

        def fetch(self, url, headers=None):
            from urllib.parse import unquote, urlsplit

            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refused to fetch {url}: only files inside the project are used")
            return super().fetch(url, headers)

    return ProjectFetcher


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

    def __init__(self, document, print_dir: Path):
        self.document = document
        self.print_dir = print_dir

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

    def write(self, target) -> None:
        """Write the PDF to a file object."""
        with weasyprint_warnings() as warnings:
            self.document.write_pdf(target, pdf_variant=PDF_VARIANT, finisher=mark_margin_boxes_as_artifacts)
        _fail_on(warnings, self.print_dir)


def lay_out(html: str, edition: Edition, layouts: Path, roots: tuple[Path, ...]) -> Layout:
    """Return the laid-out edition; WeasyPrint warnings fail the build."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()(roots)
    fonts = FontConfiguration()
    print_dir = layouts / "print"
    with weasyprint_warnings() as warnings:
        stylesheets = [CSS(filename=str(print_dir / name), url_fetcher=fetcher, font_config=fonts)
                       for name in edition.stylesheets]
        stylesheets.append(CSS(string=edition.page_css(), font_config=fonts))
        document = HTML(string=html, base_url=str(print_dir) + "/", url_fetcher=fetcher).render(
            font_config=fonts, stylesheets=stylesheets, pdf_variant=PDF_VARIANT
        )
    _fail_on(warnings, print_dir)
    return Layout(document, print_dir)


def _fail_on(warnings: list[str], print_dir: Path) -> None:
    """Fail the build on WeasyPrint warnings: each means something is missing from the book."""
    if warnings:
        location = Location(print_dir, 0)
        raise HandbookError([Problem(location, f"WeasyPrint: {message}") for message in warnings])
