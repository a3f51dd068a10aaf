"""Make one job's editions: render, lay out and package one clinic × language × layout.

A job is the editions one worker makes together: a print layout and the e-book whose page
numbers follow it, or a web edition. A worker process keeps one Workshop: the Jinja2
environment of each language and the stylesheets and fonts of each layout are set up once
and reused for every job it runs. A job writes each output to a temporary name beside its
place (output.py) and hands them back; build.py renames them into place once every job
has succeeded.
"""
from __future__ import annotations

import gettext
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from .editions import Edition, identifier, output_path
from .incremental.manifest import folder_digest
from .output import Staged, discard, stage_file, stage_folder, write_error
from .pdf.booklet import PRINTED, print_files
from .prepare import Handbook
from .render.context import Context

if TYPE_CHECKING:
    from .incremental.pages import PageMap
    from .pdf.layout import Typesetter


@dataclass(frozen=True)
class Job:
    """The editions one worker makes together: one layout of one clinic and language, and
    the e-book whose page numbers follow that layout."""

    clinic: str
    language: str
    layout: str
    formats: tuple[str, ...]

    @property
    def editions(self) -> tuple[Edition, ...]:
        """Return the editions the job makes."""
        return tuple(Edition(self.clinic, self.language, "" if f == "web" else self.layout, f) for f in self.formats)

    @property
    def name(self) -> str:
        """Return how progress lines name the job."""
        return "/".join((self.clinic or "-", self.language, self.layout or "site"))


def jobs(editions: list[Edition]) -> list[Job]:
    """Group editions into jobs: the e-book goes with the layout its page numbers follow."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for edition in editions:
        grouped.setdefault((edition.clinic, edition.language, edition.layout), []).append(edition.format)
    return [Job(clinic, language, layout, tuple(formats)) for (clinic, language, layout), formats in grouped.items()]


@dataclass(frozen=True)
class Made:
    """One output made, staged beside its place until the build commits it."""

    edition: Edition
    path: Path
    staged: Staged | None
    """The temporary file or folder holding it (None once committed, or for an output copied)."""
    sha256: str
    size: int
    pages: int | None
    """The number of printed pages (for the e-book: of the layout its page numbers follow)."""
    seconds: float
    """How long making it took (for the first output of a job, with the layout they share)."""


Output = tuple[Edition, bytes | dict[str, bytes], int | None, float]
"""An output made and not yet staged: its edition, its bytes (or a web edition's files by
path), its number of pages and when it was done."""


@dataclass(frozen=True)
class JobResult:
    """What a job made, and how long it took."""

    job: Job
    made: tuple[Made, ...]
    seconds: float
    layouts: int = 0
    """How many times the job laid out a print edition (once, or twice where the pages moved)."""
    appendices: int = 0
    """How many times it made only the sources appendix's pages again (see pdf/weasyprint70/relayout.py)."""


class Workshop:
    """What a worker keeps between jobs."""

    def __init__(self, handbook: Handbook, fresh: bool = False, keep_html: Path | None = None,
                 planned: frozenset[Edition] = frozenset()):
        from .pdf.paginate import Paginator

        self.handbook = handbook
        self.fresh = fresh
        """Make everything afresh, taking nothing kept in build/.cache/ (--force)."""
        self.keep_html = keep_html
        """Where to write each print edition's final HTML too (--keep-html), if anywhere."""
        self.planned = planned
        """Every edition of the build, for the web edition's downloads (web/site.py)."""
        self._languages: dict[str, tuple[Environment, gettext.NullTranslations]] = {}
        self._typesetters: dict[tuple[str, tuple[str, ...]], Typesetter] = {}
        self.paginator = Paginator(self)

    def env(self, language: str) -> Environment:
        """Return the template environment of a language."""
        return self._language(language)[0]

    def labels(self, language: str) -> gettext.NullTranslations:
        """Return the gettext translations of a language."""
        return self._language(language)[1]

    def _language(self, language: str) -> tuple[Environment, gettext.NullTranslations]:
        """Return a language's template environment and translations, made once."""
        if language not in self._languages:
            from .i18n.runtime import translations
            from .render.env import environment

            handbook = self.handbook
            labels = translations(handbook.theme, language, handbook.project.cache, fresh=self.fresh)
            env = environment(handbook.theme, language, labels, lambda date: handbook.long_date(date, language),
                              handbook.project.cache, self.fresh)
            self._languages[language] = (env, labels)
        return self._languages[language]

    def typesetter(self, layout: str, language: str) -> Typesetter:
        """Return the typesetter of a print layout for a language (its fonts and direction)."""
        from .pdf.layout import Typesetter

        handbook = self.handbook
        name = (layout, handbook.theme.print_stylesheets_for(language, handbook.theme.layouts[layout]))  # en, es: one
        if name not in self._typesetters:
            self._typesetters[name] = Typesetter(handbook.project, handbook.theme, handbook.theme.layouts[layout],
                                                 handbook.settings.brand.extra("print"), language)
        return self._typesetters[name]

    def context(self, edition: Edition) -> Context:
        """Return what an edition's templates are rendered with."""
        handbook = self.handbook
        return Context(
            handbook.project, handbook.theme, handbook.books[edition.language],
            handbook.clinic(edition.clinic, edition.language), handbook.indexes[edition.language], edition,
            identifier(handbook.settings, edition.clinic, edition.language), handbook.date,
            self.labels(edition.language).gettext, self.fresh,
        )

    def pdf(self, edition: Edition) -> tuple[bytes, int]:
        """Return a print edition's PDF and its number of pages (what the live preview shows)."""
        data, pages = self._print(edition, need_pdf=True)
        assert data is not None  # asked for, so made
        return data, pages.page_count

    def _print(self, edition: Edition, need_pdf: bool) -> tuple[bytes | None, PageMap]:
        """Return a print edition's PDF (if needed) and its page map, laying it out only if needed."""
        import io

        context = self.context(edition)
        layout, pages = self.paginator.paginate(context, self.env(edition.language), need_layout=need_pdf)
        if not need_pdf:
            return None, pages
        if self.keep_html is not None:
            from .pdf.keephtml import keep_html

            name = output_path(self.handbook.project, self.handbook.settings, edition).stem
            keep_html(self.keep_html, name, self.paginator.last_html, context)
        assert layout is not None  # paginate lays the edition out when asked to
        target = io.BytesIO()
        layout.write(target, context.link_words())
        return target.getvalue(), pages

    def run(self, job: Job) -> JobResult:
        """Make every edition of a job, each staged beside its place."""
        start = time.perf_counter()
        layouts_before, appendices_before = self.paginator.layouts, self.paginator.appendices
        outputs: list[Output] = []
        print_edition = Edition(job.clinic, job.language, job.layout, "pdf")
        printed = [format for format in job.formats if format in PRINTED]  # the PDF, a booklet's sheets
        if printed or "epub" in job.formats:
            data, pages = self._print(print_edition, need_pdf=bool(printed))
            if data is not None:
                files = print_files(self.handbook.theme.layouts[job.layout], data, pages.page_count)  # pdf/booklet.py
                outputs += [(replace(print_edition, format=f), *files[f], time.perf_counter()) for f in printed]
            if "epub" in job.formats:
                from .epub.package import make_epub

                edition = Edition(job.clinic, job.language, job.layout, "epub")
                book = make_epub(self.env(job.language), self.context(edition), pages.anchor_pages, pages.page_count)
                outputs.append((edition, book, pages.page_count, time.perf_counter()))
        if "web" in job.formats:
            edition = Edition(job.clinic, job.language, "", "web")
            outputs.append((edition, self.site(edition), None, time.perf_counter()))
        made = self._stage(outputs, start)
        return JobResult(job, made, time.perf_counter() - start, self.paginator.layouts - layouts_before,
                         self.paginator.appendices - appendices_before)

    def _stage(self, outputs: list[Output], since: float) -> tuple[Made, ...]:
        """Write every output of a job to a temporary name beside its place (all made before one is written)."""
        made: list[Made] = []
        try:
            for edition, data, page_count, done in outputs:
                path = output_path(self.handbook.project, self.handbook.settings, edition)
                try:
                    if isinstance(data, dict):  # a web site: a folder of files
                        (sha256, size), temporary = folder_digest(data), stage_folder(path, data)
                    else:
                        sha256, size, temporary = hashlib.sha256(data).hexdigest(), len(data), stage_file(path, data)
                except OSError as error:
                    raise write_error(path, error) from None
                made.append(Made(edition, path, Staged(temporary, path), sha256, size, page_count, done - since))
                since = done
        except BaseException:
            discard([item.staged for item in made if item.staged is not None])
            raise
        return tuple(made)

    def site(self, edition: Edition) -> dict[str, bytes]:
        """Return the files of a web edition, by their paths in its folder."""
        from .web.site import edition_links, render_site

        context = self.context(edition)
        downloads, languages = edition_links(self.handbook, edition, context.gettext, self.planned)
        return render_site(self.env(edition.language), context, downloads, languages)


def run_jobs(handbook: Handbook, todo: list[Job], workers: int | None, fresh: bool,
         keep_html: Path | None = None, planned: frozenset[Edition] = frozenset()) -> Iterator[JobResult]:
    """Yield each job's result as it finishes, in a pool of processes where there are several jobs.

    Workers are forked, so each inherits the loaded, checked book through `_WORKSHOP`:
    nothing is read or checked twice, and nothing large is sent to them.
    """
    if not todo:
        return
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if workers == 1:
        workshop = Workshop(handbook, fresh, keep_html, planned)
        for job in todo:
            yield workshop.run(job)
        return
    # Imported only for a pool: a one-edition build (a warm e-book) is not kept waiting.
    import concurrent.futures
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from run_jobs(handbook, todo, 1, fresh, keep_html, planned)
        return
    global _WORKSHOP
    _WORKSHOP = Workshop(handbook, fresh, keep_html, planned)
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_run_in_worker, job) for job in _heaviest_first(todo)]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        except BaseException as error:
            for future in futures:
                future.cancel()
            if isinstance(error, KeyboardInterrupt):  # Ctrl-C or SIGTERM: stop the running jobs now, not after them
                for process in multiprocessing.active_children():
                    process.kill()
            raise


_WORKSHOP: Workshop | None = None


def _run_in_worker(job: Job) -> JobResult:
    assert _WORKSHOP is not None
    return _WORKSHOP.run(job)


def _heaviest_first(todo: list[Job]) -> list[Job]:
    """Start the jobs that take longest first (two formats before one), so no core idles at the end."""
    return sorted(todo, key=lambda job: -len(job.formats))
