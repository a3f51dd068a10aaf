"""Find where an edition's pages fall, laying it out as few times as the kept page maps allow.

The sources appendix lists the pages each source is cited on, and the e-book's page list
follows the standard edition's pages: both need a layout's page map before the HTML they
are part of can be written. So the HTML is rendered with a guess of the map, and laid out;
if the citations fell elsewhere than the guess said, it is rendered and laid out again
(`settle`). The guess is the edition's map kept from its last layout (incremental/pages.py),
else a relative's (another clinic's, another layout's); with none, the first layout lists
every citation in the appendix, and only the appendix's own pages are made again with one
citation per page, where that is the same as a second layout (weasyprint70/relayout.py).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING

from jinja2 import Environment

from ..analyse.numbering import SourceIndex
from ..analyse.traverse import blocks
from ..incremental.keys import code_hash, libraries
from ..incremental.pages import PageCache, PageMap, layout_key
from ..model import Figure
from ..render import anchors
from ..render.context import Context
from ..render.print import cited_on, render_print

if TYPE_CHECKING:
    from ..jobs import Workshop
    from .layout import Layout, Typesetter
    from .weasyprint70.relayout import Cut


class Paginator:
    """Page maps for the editions a worker makes."""

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.handbook = workshop.handbook
        self.cache = PageCache(self.handbook.project.cache, fresh=workshop.fresh)
        self._digests: dict[str, str] = {}
        self.layouts = 0
        """How many layouts have been made."""
        self.appendices = 0
        """How many times only an appendix's pages have been made again."""
        self.last_html = ""
        """The HTML the last layout was made from."""

    def paginate(self, context: Context, env: Environment, need_layout: bool) -> tuple[Layout | None, PageMap]:
        """Return an edition's layout (None where it is not needed and the map is known) and page map.

        The e-book alone needs only the page numbers: where the kept map's render key says
        its HTML had the same inputs, not even the HTML is rendered; where its layout key
        says the HTML is the same, WeasyPrint is not loaded."""
        name = f"{context.edition.clinic or '-'}/{context.edition.language}/{context.edition.layout}"
        cached, guess = self._guess(name, context)
        known = None if need_layout else cached
        if (known is not None and known.inputs is not None
                and known.inputs == self.render_key(context, known.anchor_pages)):
            return None, known
        html = render_print(env, context, guess)  # with no guess, the appendix lists every citation
        if known is not None and known.key == layout_key(html, self.digest(context.book.language)):
            return None, self._remember_inputs(name, context, known)
        layout, guess, html = self._lay_out_first(context, env, html, guess)
        layout, guess, html = self._settle(context, env, layout, guess, html)
        self.last_html = html
        # The inputs of the HTML laid out are those of `guess`, what it was rendered from: where
        # the rounds ran out before the pages settled, they differ from those of the layout's, and
        # a later e-book renders the HTML again instead of taking these pages as its own.
        pages = PageMap(layout_key(html, self.digest(context.book.language)), layout.anchor_pages(),
                        layout.page_count, self.render_key(context, guess))
        self.cache.write(name, pages)
        return layout, pages

    def _guess(self, name: str, context: Context) -> tuple[PageMap | None, dict[str, int] | None]:
        """Return the edition's kept map (if it knows every citation), and the best guess of its pages."""
        cached = self.cache.read(name)
        if cached and _covers(cached.anchor_pages, context.index):
            return cached, cached.anchor_pages
        # A first build of this edition: a relative's pages are a better guess than none. Another
        # clinic's in this layout are nearly always right. Another layout's often are not, and
        # where the appendix can be made again alone, listing every citation costs less than the
        # second layout a wrong guess takes.
        likeness = [] if self._shortens(context) else self._likeness(context.edition.layout)
        guess = next((pages.anchor_pages for pages in self.cache.relatives(name, likeness)
                      if _covers(pages.anchor_pages, context.index)), None)
        return None, guess

    def _remember_inputs(self, name: str, context: Context, cached: PageMap) -> PageMap:
        """Return a kept map with this edition's render key: where the map was kept by a build
        that read other files (`make` reads every language), the next such e-book then need
        not render the HTML."""
        inputs = self.render_key(context, cached.anchor_pages)
        if inputs is not None and inputs != cached.inputs:
            cached = dataclasses.replace(cached, inputs=inputs)
            self.cache.write(name, cached)
        return cached

    def _lay_out_first(self, context: Context, env: Environment, html: str,
                       guess: dict[str, int] | None) -> tuple[Layout, dict[str, int], str]:
        """Return the first layout, the guess the HTML laid out was rendered from, and that HTML.

        With no guess the appendix listed every citation: its lists are then cut to one
        citation a page and its pages alone made again, where that is shown to be the same as
        a layout of the final HTML; elsewhere the final HTML is laid out again."""
        typesetter = self.workshop.typesetter(context.edition.layout, context.edition.language)
        if guess is not None:
            return self._lay_out(typesetter, html), guess, html
        first = self._lay_out(typesetter, html, keep=self._shortens(context))
        guess = first.anchor_pages()
        final = render_print(env, context, guess)
        layout = typesetter.shorten_appendix(first, html, final, self._cut(context, guess))
        if layout is None:  # a theme or a WeasyPrint it cannot be shown safe for: all again
            layout = self._lay_out(typesetter, final)
        elif layout is not first:
            self.appendices += 1
        return layout, guess, final

    def _settle(self, context: Context, env: Environment, layout: Layout, guess: dict[str, int],
                html: str) -> tuple[Layout, dict[str, int], str]:
        """Lay out again while the citations fall elsewhere than the appendix said."""
        typesetter = self.workshop.typesetter(context.edition.layout, context.edition.language)
        actual = layout.anchor_pages()
        # Footnotes take room on their page, so the markers move more: allow more rounds.
        for _ in range(3 if context.print_layout.notes == "footnotes" else 1):
            if _appendix(context.index, guess) == _appendix(context.index, actual):
                break
            guess = actual
            html = render_print(env, context, actual)
            layout = self._lay_out(typesetter, html)  # the citations moved: once more
            actual = layout.anchor_pages()
        return layout, guess, html

    def _likeness(self, layout: str) -> list[str]:
        """Return the theme's other print layouts, those whose stylesheets are most like this one's first."""
        layouts = self.handbook.theme.layouts
        mine = set(layouts[layout].stylesheets)

        def unlikeness(other: str) -> tuple[int, int, str]:
            theirs = set(layouts[other].stylesheets)
            return -len(mine & theirs), len(theirs - mine), other

        return sorted((other for other in layouts if other != layout), key=unlikeness)

    def render_key(self, context: Context, anchor_pages: dict[str, int]) -> str | None:
        """Return a hash of everything an edition's print HTML is rendered from, with a page map
        as its guess; None if the book's own files are not known (it was not kept: incremental/book.py).

        The HTML depends on the guess only through the citations the appendix lists (and the
        footnotes, which are the same ones), so two maps that list the same have one key.
        """
        if self.handbook.read_from is None:
            return None
        edition = context.edition
        return layout_key(json.dumps(_appendix(context.index, anchor_pages)), self.handbook.read_from,
                          self.digest(context.book.language), context.build_date.isoformat(),
                          json.dumps([edition.clinic, edition.language, edition.layout]))

    def _shortens(self, context: Context) -> bool:
        """Tell whether an edition's appendix can be made again alone (see weasyprint70/relayout.py):
        not where footnotes, whose markers are in the body, follow the appendix's lists."""
        return context.print_layout.notes != "footnotes" and \
            self.workshop.typesetter(context.edition.layout, context.edition.language).can_shorten_appendix()

    def _lay_out(self, typesetter: Typesetter, html: str, keep: bool = False) -> Layout:
        self.layouts += 1
        return typesetter.lay_out(html, keep)

    def _cut(self, context: Context, anchor_pages: dict[str, int]) -> Cut:
        """Return what the appendix drops when its lists, which named every citation, keep one per page."""
        from .weasyprint70.relayout import Cut

        ngettext = self.workshop.labels(context.edition.language).ngettext
        removed: set[str] = set()
        relabelled: dict[str, tuple[str, str]] = {}
        changed = []
        for entry in context.index.entries:
            kept = cited_on(entry, anchor_pages)
            if len(kept) == len(entry.places):
                continue
            name = anchors.source(entry.source.id)
            changed.append(name)
            removed |= {place.anchor for place in entry.places} - {place.anchor for place in kept}
            before, after = (ngettext("Cited on page", "Cited on pages", len(places))
                             for places in (entry.places, kept))
            if before != after:
                relabelled[name] = (before, after)
        return Cut(frozenset(removed), relabelled, tuple(changed))

    def digest(self, language: str) -> str:
        """Return a hash of everything besides the HTML that shapes a layout: the theme, the
        pictures, the handbook's code and the libraries that lay out and draw text."""
        if language not in self._digests:
            digest = hashlib.sha256()
            digest.update(libraries().encode() + code_hash().encode())
            for path in self.handbook.theme.files():
                digest.update(path.name.encode() + path.read_bytes())
            for chapter in self.handbook.books[language].chapters:
                for block, _ in blocks(chapter):
                    if isinstance(block, Figure):
                        for path in (block.path, *(path for _, path in block.variants)):
                            digest.update(path.read_bytes())
            self._digests[language] = digest.hexdigest()
        return self._digests[language]


def _covers(anchor_pages: dict[str, int], index: SourceIndex) -> bool:
    """Tell whether a page map knows the page of every citation marker."""
    return all(place.anchor in anchor_pages for entry in index.entries for place in entry.places)


def _appendix(index: SourceIndex, anchor_pages: dict[str, int]) -> list[list[str]]:
    """Return the markers the sources appendix lists with a page map: what the HTML depends on."""
    return [[place.anchor for place in cited_on(entry, anchor_pages)] for entry in index.entries]
