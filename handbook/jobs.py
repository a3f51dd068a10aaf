"""Make one job's editions: render, lay out and package one clinic × language × layout.

A worker process keeps one Workshop: the Jinja2 environment of each language and the
stylesheets and fonts of each layout are set up once and reused for every job it runs.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

from .analyse.numbering import SourceIndex
from .editions import Edition, Job, identifier, output_path
from .i18n.runtime import translations
from .model import Figure
from .analyse.traverse import blocks
from .output import folder_digest, write_error, write_folder_atomically, write_together
from .incremental.pages import PageCache, PageMap, layout_key, layout_libraries
from .checked import Handbook
from .render.context import Context
from .render.env import environment
from .render.print import cited_on, render_print
from .incremental.keys import code_hash


@dataclass(frozen=True)
class Made:
    """One output written."""

    edition: Edition
    path: Path
    sha256: str
    size: int
    pages: int | None
    """The number of printed pages (for the e-book: of the layout its page numbers follow)."""
    seconds: float
    """How long making it took (for the first output of a job, with the layout they share)."""


@dataclass(frozen=True)
class JobResult:
    """What a job wrote, and how long it took."""

    job: Job
    made: tuple[Made, ...]
    seconds: float
    layouts: int = 0
    """How many times the job laid out a print edition (once, or twice where the pages moved)."""
    appendices: int = 0
    """How many times it made only the sources appendix's pages again (see pdf/relayout.py)."""


class Workshop:
    """What a worker keeps between jobs."""

    def __init__(self, handbook: Handbook, date: datetime.datetime):
        self.handbook = handbook
        self.date = date
        self.cache = PageCache(handbook.project.cache)
        self._envs: dict = {}
        self._typesetters: dict = {}
        self._digests: dict[str, str] = {}
        self.layouts = 0
        """How many layouts this workshop has made."""
        self.appendices = 0
        """How many times it has made only an appendix's pages again."""

    def env(self, language: str):
        """Return the template environment of a language."""
        return self._language(language)[0]

    def _language(self, language: str):
        """Return a language's template environment and translations, made once."""
        if language not in self._envs:
            labels = translations(self.handbook.theme, language, self.handbook.project.cache)
            self._envs[language] = (environment(self.handbook.theme, language, labels, self.handbook.project.cache),
                                    labels)
        return self._envs[language]

    def typesetter(self, layout: str):
        """Return the typesetter of a print layout."""
        from .pdf.layout import Typesetter

        if layout not in self._typesetters:
            handbook = self.handbook
            self._typesetters[layout] = Typesetter(handbook.project, handbook.theme, handbook.theme.layouts[layout])
        return self._typesetters[layout]

    def context(self, edition: Edition) -> Context:
        """Return what an edition's templates are rendered with."""
        handbook = self.handbook
        return Context(
            handbook.project, handbook.theme, handbook.books[edition.language],
            handbook.clinic(edition.clinic, edition.language), handbook.indexes[edition.language], edition,
            identifier(handbook.settings, edition.clinic, edition.language), self.date,
            self._language(edition.language)[1].gettext,
        )

    def run(self, job: Job) -> JobResult:
        """Make and write every edition of a job."""
        start = time.perf_counter()
        layouts_before, appendices_before = self.layouts, self.appendices
        outputs: list[tuple[Edition, bytes, int | None, float]] = []
        print_edition = Edition(job.clinic, job.language, job.layout, "pdf")
        if "pdf" in job.formats or "epub" in job.formats:
            context = self.context(print_edition)
            env = self.env(job.language)
            layout, pages = self.paginate(context, env, need_layout="pdf" in job.formats)
            if "pdf" in job.formats:
                target = io.BytesIO()
                layout.write(target, context.link_words())
                outputs.append((print_edition, target.getvalue(), pages.page_count, time.perf_counter()))
            if "epub" in job.formats:
                from .epub.package import make_epub

                edition = Edition(job.clinic, job.language, job.layout, "epub")
                data = make_epub(env, self.context(edition), pages.anchor_pages, pages.page_count)
                outputs.append((edition, data, pages.page_count, time.perf_counter()))
        if "web" in job.formats:
            edition = Edition(job.clinic, job.language, "", "web")
            outputs.append((edition, self.site(edition), None, time.perf_counter()))
        made, files, sites, since = [], [], [], start
        for edition, data, page_count, done in outputs:  # every output exists as bytes before one is written
            path = output_path(self.handbook.project, self.handbook.settings, edition)
            if isinstance(data, dict):  # a web site: a folder of files
                sha256, size = folder_digest(data)
                sites.append((path, data))
            else:
                sha256, size = hashlib.sha256(data).hexdigest(), len(data)
                files.append((path, data))
            made.append(Made(edition, path, sha256, size, page_count, done - since))
            since = done
        write_together(files)
        for path, site in sites:
            try:
                write_folder_atomically(path, site)
            except OSError as error:
                raise write_error(path, error) from None
        return JobResult(job, tuple(made), time.perf_counter() - start, self.layouts - layouts_before,
                         self.appendices - appendices_before)

    def site(self, edition: Edition) -> dict[str, bytes]:
        """Return the files of a web edition, by their paths in its folder."""
        from .web.site import edition_links, render_site

        context = self.context(edition)
        downloads, languages = edition_links(self.handbook, edition, context.gettext)
        return render_site(self.env(edition.language), context, downloads, languages)

    def paginate(self, context: Context, env, need_layout: bool):
        """Return an edition's layout (if needed) and page map, laying it out once where the cache allows.

        A page map is kept with the hash of the HTML it is the layout of (and of the theme,
        pictures and libraries). The HTML is rendered with the kept pages as its guess: if
        it hashes the same, the kept pages are this very HTML's, and the e-book needs no
        layout at all; else one layout of the guess shows whether the pages moved. An
        edition never built before guesses from a relative's pages (another clinic's, or
        another layout's): where they are right it is laid out once, where wrong, twice.
        With no guess, the first layout lists every citation; then only the appendix's pages
        are made again with one citation per page, where that is the same as a second
        layout (pdf/relayout.py), and another layout's pages are not taken as a guess.
        """
        digest = self.digest(context.book.language)
        name = f"{context.edition.clinic or '-'}/{context.edition.language}/{context.edition.layout}"
        cached = self.cache.read(name)
        if cached and _covers(cached.anchor_pages, context.index):
            guess = cached.anchor_pages
        else:  # a first build of this edition: a relative's pages are a better guess than none
            cached = None
            # Another clinic's pages in this layout are nearly always right. Another layout's
            # often are not, and where the appendix can be made again alone, listing every
            # citation costs less than the second layout a wrong guess takes.
            likeness = [] if self._shortens(context) else self._likeness(context.edition.layout)
            guess = next((pages.anchor_pages for pages in self.cache.relatives(name, likeness)
                          if _covers(pages.anchor_pages, context.index)), None)
        if cached is not None and not need_layout and cached.inputs is not None \
                and cached.inputs == self.render_key(context, cached.anchor_pages):
            return None, cached  # the HTML would be the one laid out: the e-book needs neither it nor WeasyPrint
        html = render_print(env, context, guess)  # with no guess, the appendix lists every citation
        if cached is not None and cached.key == layout_key(html, digest) and not need_layout:
            # The e-book alone needs only the page numbers: WeasyPrint is not even loaded. Where
            # the map was kept by a build that read other files (`make` reads every language),
            # keep these inputs with it, so that the next such e-book need not render the HTML.
            inputs = self.render_key(context, cached.anchor_pages)
            if inputs is not None and inputs != cached.inputs:
                cached = dataclasses.replace(cached, inputs=inputs)
                self.cache.write(name, cached)
            return None, cached
        typesetter = self.typesetter(context.edition.layout)
        if guess is None:  # lay out the appendix listing every citation, then cut each list to one per page
            first = self._lay_out(typesetter, html, keep=self._shortens(context))
            guess = first.anchor_pages()
            first_html, html = html, render_print(env, context, guess)
            layout = typesetter.shorten_appendix(first, first_html, html, self._cut(context, guess))
            if layout is None:  # a theme or a WeasyPrint it cannot be shown safe for: all again
                layout = self._lay_out(typesetter, html)
            elif layout is not first:
                self.appendices += 1
        else:
            layout = self._lay_out(typesetter, html)
        actual = layout.anchor_pages()
        # Footnotes take room on their page, so the markers move more: allow more rounds.
        for _ in range(3 if context.layout.notes == "footnotes" else 1):
            if _appendix(context.index, guess) == _appendix(context.index, actual):
                break
            guess = actual
            html = render_print(env, context, actual)
            layout = self._lay_out(typesetter, html)  # the citations moved: once more
            actual = layout.anchor_pages()
        # The inputs of the HTML laid out are those of `guess`, what it was rendered from: where
        # the rounds ran out before the pages settled, they differ from those of `actual`, and a
        # later e-book renders the HTML again instead of taking these pages as its own.
        pages = PageMap(layout_key(html, digest), actual, layout.page_count, self.render_key(context, guess))
        self.cache.write(name, pages)
        return layout, pages

    def _likeness(self, layout: str) -> list[str]:
        """Return the theme's other print layouts, those whose stylesheets are most like this one's first."""
        layouts = self.handbook.theme.layouts
        mine = set(layouts[layout].stylesheets)

        def unlikeness(other: str):
            theirs = set(layouts[other].stylesheets)
            return -len(mine & theirs), len(theirs - mine), other

        return sorted((other for other in layouts if other != layout), key=unlikeness)

    def render_key(self, context: Context, anchor_pages: dict[str, int]) -> str | None:
        """Return a hash of everything an edition's print HTML is rendered from, with a page map
        as its guess; None if the book's own files are not known (it was not prepared by bookcache.py).

        The HTML depends on the guess only through the citations the appendix lists (and the
        footnotes, which are the same ones), so two maps that list the same have one key.
        """
        if self.handbook.read_from is None:
            return None
        edition = context.edition
        return layout_key(json.dumps(_appendix(context.index, anchor_pages)), self.handbook.read_from,
                          self.digest(context.book.language), code_hash(), context.build_date.isoformat(),
                          json.dumps([edition.clinic, edition.language, edition.layout]))

    def _shortens(self, context: Context) -> bool:
        """Tell whether an edition's appendix can be made again alone (see pdf/relayout.py): not
        where footnotes, whose markers are in the body, follow the appendix's lists."""
        return context.layout.notes != "footnotes" and self.typesetter(context.edition.layout).can_shorten_appendix()

    def _lay_out(self, typesetter, html: str, keep: bool = False):
        self.layouts += 1
        return typesetter.lay_out(html, keep)

    def _cut(self, context: Context, anchor_pages: dict[str, int]):
        """Return what the appendix drops when its lists, which named every citation, keep one per page."""
        from .pdf.weasyprint70.relayout import Cut

        ngettext = self._language(context.edition.language)[1].ngettext
        removed: set[str] = set()
        relabelled: dict[str, tuple[str, str]] = {}
        changed = []
        for entry in context.index.entries:
            kept = cited_on(entry, anchor_pages)
            if len(kept) == len(entry.places):
                continue
            name = f"source-{entry.number}"
            changed.append(name)
            removed |= {place.anchor for place in entry.places} - {place.anchor for place in kept}
            before, after = (ngettext("Cited on page", "Cited on pages", len(places)) for places in (entry.places, kept))
            if before != after:
                relabelled[name] = (before, after)
        return Cut(frozenset(removed), relabelled, tuple(changed))

    def digest(self, language: str) -> str:
        """Return a hash of everything besides the HTML that shapes a layout: the theme, the
        pictures, and the versions of the libraries that lay out and draw text."""
        if language not in self._digests:
            digest = hashlib.sha256()
            digest.update(layout_libraries().encode())
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
