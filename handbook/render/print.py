"""Render the print book as one HTML document, for WeasyPrint to lay out.

Page numbers come from CSS (`target-counter()`), so the HTML holds none, except in the
sources appendix: there each source lists one citation per page ("cited on pages 4, 9"),
which needs the pages of an earlier layout (see pdf/layout.py).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from jinja2 import Environment

from ..analyse.numbering import CitedAt, CitedSource
from .context import THEME_URL, Context
from .inline import PrintLinker


def render_print(env: Environment, context: Context, cite_pages: Mapping[str, int] | None = None,
                 stylesheet_links: tuple[str, ...] = ()) -> str:
    """Return the print book as one HTML document.

    `cite_pages` is the page of each citation marker from an earlier layout; with it, the
    appendix lists one marker per page, and the layout itself prints the numbers; in a
    layout with `notes: footnotes` the same markers (the first of each source on each
    page) also carry a short note to the foot of their page. Without it, every marker is
    listed, and there are no footnotes yet. `stylesheet_links` are linked from the head, for looking
    at the HTML in a browser; WeasyPrint is given the stylesheets directly instead.
    """
    footnotes: frozenset[str] = frozenset()
    if context.print_layout.notes == "footnotes" and cite_pages is not None:
        footnotes = frozenset(place.anchor for entry in context.index.entries for place in cited_on(entry, cite_pages))
    linker = PrintLinker(context.index, context.gettext("page"), footnotes,
                         context.gettext("%(name)s (%(kind)s). Sources, page %(page)s."))
    return env.get_template("print/book.html.j2").render(
        **context.common(linker),
        output="print",
        page_breaks={},
        cited_on=lambda entry: cited_on(entry, cite_pages),
        image_src=lambda figure: context.image_url(figure.path_for(context.edition.layout)),
        logo_src=THEME_URL + context.book.settings.brand.logo if context.book.settings.brand.logo else None,
        stylesheet_links=stylesheet_links,
    )


def cited_on(entry: CitedSource, cite_pages: Mapping[str, int] | None) -> Sequence[CitedAt]:
    """Return the citation markers the appendix lists for a source: the first on each page."""
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
