"""Render the model into HTML for print and XHTML for the e-book, through Jinja2.

Templates live in layouts/; the environment is strict (an unknown name fails the build)
and escapes everything a chapter says.
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from .editions import Edition
from .inline_html import Linker, inline_html
from .model import (
    Block,
    Book,
    Callout,
    ClinicBlock,
    Definitions,
    Figure,
    Inlines,
    ListBlock,
    Notes,
    Paragraph,
    Questions,
    Table,
)
from .numbering import CitedSource, SourceIndex

_KINDS = {
    Paragraph: "paragraph",
    ListBlock: "list",
    Questions: "questions",
    Definitions: "definitions",
    Table: "table",
    Figure: "figure",
    Notes: "notes",
    ClinicBlock: "clinic",
    Callout: "callout",
}


def environment(layouts: Path) -> Environment:
    """Return the strict, autoescaping Jinja2 environment for the templates in layouts/."""
    env = Environment(
        loader=FileSystemLoader(str(layouts)),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = _inline
    env.filters["longdate"] = long_date
    env.globals["kind"] = block_kind
    return env


def block_kind(block: Block) -> str:
    """Return the template's name for a kind of block."""
    return _KINDS[type(block)]


def long_date(date: datetime.date) -> str:
    """Return a date as patients read it: 22 November 2026."""
    return f"{date.day} {date:%B %Y}"


@pass_context
def _inline(context, nodes: Inlines) -> Markup:
    return inline_html(nodes, context["linker"])


def possessive(name: str) -> str:
    """Return "Your clinic's" or "Riverside Clinic's" for a clinic's instructions box."""
    return f"{name}’s" if name else "Your clinic’s"


def render_print(
    env: Environment,
    book: Book,
    index: SourceIndex,
    edition: Edition,
    build_date: str,
    cite_pages: Mapping[str, int] | None = None,
    stylesheet_links: tuple[str, ...] = (),
) -> str:
    """Return the print book as one HTML document.

    `cite_pages` is the page of each citation marker from an earlier layout; with it, the
    appendix lists one marker per page ("cited on pages 4, 9"), and the layout itself
    prints the numbers. Without it, every marker is listed. `stylesheet_links` are
    linked from the head, for looking at the HTML in a browser; WeasyPrint is given the
    stylesheets directly instead.
    """

    def cited_on(entry: CitedSource):
        if cite_pages is None:
            return entry.places
        seen: set[int] = set()
        first_on_page = []
        for place in entry.places:
            page = cite_pages[place.anchor]
            if page not in seen:
                seen.add(page)
                first_on_page.append(place)
        return first_on_page

    return env.get_template("print/book.html.j2").render(
        book=book,
        clinic=book.clinic,
        clinic_name_possessive=possessive(book.clinic.name),
        sources=index,
        edition=edition,
        build_date=build_date,
        linker=Linker(index),
        output="print",
        page_breaks={},
        cited_on=cited_on,
        image_src=lambda figure: figure.path.as_uri(),
        stylesheet_links=stylesheet_links,
    )
