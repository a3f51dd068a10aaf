"""Shared fixtures: a small book in tmp_path, and the real handbook built once per session.

`make test` runs the quick tier in a process per core (pytest-xdist). Each worker is a
session of its own, with its own `built` folder; one at a time builds it (a file lock),
so that where the real book must be laid out, one worker lays it out and the others copy
its outputs from the shared cache, as a second build would.
"""
from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from filelock import FileLock

from handbook.build import Request, build, prepare_request
from handbook.editions import Edition, output_path
from handbook.incremental.book import prepare_kept
from handbook.prepare import Handbook, prepare
from handbook.project import Project

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1795305600"  # 2026-11-22T00:00:00Z

BOOK_YAML = """\
slug: sample-handbook
identifier: urn:uuid:00000000-0000-4000-8000-000000000000
version: "0.1"
published: 2026-01-01
review_by: 2027-01-01
publisher: Test Publisher
languages:
  en:
    title: Sample Handbook
    subtitle: A test book
    edition: Test edition
chapters:
  - sample
editions:
  layouts: [a4]
"""

SOURCES_YAML = """\
sources:
  - id: alpha
    title: The first article
    author: Someone
    date: "2025"
    kind: web article
    note: A test source.
  - id: beta
    title: null
    author: null
    date: null
    kind: web article
    note: Another test source.
"""

SAMPLE_CHAPTER = """\
title: Sample chapter
summary: What this chapter is about.
sections:
  - title: First part
    blocks:
      - paragraph: A fact with *emphasis* [@alpha].
      - bullets:
          - Another fact [@beta].
          - A third [@alpha; @beta].
      - callout:
          kind: key-points
          blocks:
            - paragraph: Ask your care team.
              guidance: true
      - clinic: fasting
"""

CLINIC_DEFAULTS = """\
phones:
  - id: clinic
    label: Your clinic
    number: ""
instructions:
  fasting: Your clinic will tell you whether you need to stop eating before a session.
"""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


REAL_BOOK_LAYOUTS: list[int] = []
"""The print layouts each build of the real handbook in this session made (docs/speed.md)."""
REAL_BOOK_COPIED: list[int] = []
"""The outputs each build of the real handbook copied from make's cache, made before from the same inputs."""


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand its builds' counts to the summary
        workeroutput["real_book"] = (REAL_BOOK_LAYOUTS, REAL_BOOK_COPIED)


class _WorkerCounts:
    """Gathers the workers' counts of real-book layouts, for the one summary line."""

    @pytest.hookimpl
    def pytest_testnodedown(self, node, error):
        layouts, copied = getattr(node, "workeroutput", {}).get("real_book", ((), ()))
        REAL_BOOK_LAYOUTS.extend(layouts)
        REAL_BOOK_COPIED.extend(copied)


def pytest_terminal_summary(terminalreporter):
    if REAL_BOOK_LAYOUTS:
        copied = f"{sum(REAL_BOOK_COPIED)} outputs made before by make, copied" if sum(REAL_BOOK_COPIED) else ""
        builds = f"{len(REAL_BOOK_LAYOUTS)} builds of it, one per worker" if len(REAL_BOOK_LAYOUTS) > 1 else ""
        told = "; ".join(part for part in (builds, copied) if part)
        terminalreporter.write_line(f"the real handbook was laid out {sum(REAL_BOOK_LAYOUTS)} times in this run"
                                    + (f" ({told})" if told else ""))


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_WorkerCounts())
    config.addinivalue_line("markers", "slow: runs for seconds by its nature (a real make, builds in fresh or killed "
                            "processes, a browser, EPUBCheck, generated books); `make test` leaves these out, "
                            "`make test-slow` runs only these, CI runs both (docs/testing.md)")


@pytest.fixture
def golden(request):
    """Compare text with a file in tests/golden/, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = Path(__file__).parent / "golden" / name
        if update:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path.name}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), f"{name} changed; if on purpose, run pytest --update-golden"

    return check


@dataclass
class Tree:
    """A small book written into tmp_path: chapters/book.yaml, chapters/en/, sources/."""

    root: Path

    @property
    def chapters(self) -> Path:
        """Return the English chapters' folder."""
        return self.root / "chapters" / "en"

    @property
    def project(self) -> Project:
        return Project.at(self.root)

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def load(self):
        """Return the English book and its numbered sources."""
        handbook = prepare(self.project)
        return handbook.books["en"], handbook.indexes["en"]


@pytest.fixture
def tree(tmp_path) -> Tree:
    """Return a valid one-chapter book in tmp_path, with no layouts of its own."""
    tree = Tree(tmp_path)
    tree.write("chapters/book.yaml", BOOK_YAML)
    tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER)
    tree.write("chapters/en/clinic.yaml", CLINIC_DEFAULTS)
    tree.write("sources/sources.yaml", SOURCES_YAML)
    return tree


class PageRuns(NamedTuple):
    """A PDF page as pypdf draws it: its text line by line, and every run of text in it."""

    text: str
    runs: list[tuple[float, float, str]]
    """(size in points, height on the page, text) of each run, the size scaled as drawn."""


def page_runs(page) -> PageRuns:
    """Return a pypdf page's text and its runs of text with their effective sizes."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2]))
            found.append((round(size * scale, 1), tm[5] * cm[3] + cm[5], text.strip()))

    text = page.extract_text(visitor_text=visit)
    return PageRuns(text, found)


class PrintedPage(NamedTuple):
    """A PDF page as PDFium reads it: each character, and the size it is drawn at."""

    chars: str
    """Every character in reading order; "\x02" stands for a hyphen that ends a line."""
    sizes: list[float]
    """The effective size in points of each character, as drawn on the page."""

    @property
    def lines(self) -> list[str]:
        """The page's lines as printed, a word hyphenated at a line's end broken as it is."""
        return self.chars.replace("\x02", "-\r\n").split("\r\n")

    def sized(self) -> list[tuple[float, str]]:
        """Return each character that leaves ink, with its size."""
        return [(size, char) for char, size in zip(self.chars, self.sizes, strict=True)
                if char > " " and char != "\x02"]


def printed_page(page) -> PrintedPage:
    """Read a pypdfium2 page's characters and the size each is drawn at.

    PDFium's font size is the size set in the text state, before the page's own scale
    (WeasyPrint draws in CSS pixels scaled by 0.75), so it is scaled by the character's
    matrix as drawn; tests/test_pdf.py checks that pypdf reads the same sizes.
    """
    import pypdfium2.raw as pdfium

    text = page.get_textpage()
    matrix = pdfium.FS_MATRIX()
    chars, sizes = [], []
    for index in range(text.count_chars()):
        chars.append(chr(pdfium.FPDFText_GetUnicode(text, index)))
        pdfium.FPDFText_GetMatrix(text, index, matrix)
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        sizes.append(round(pdfium.FPDFText_GetFontSize(text, index) * scale, 1))
    return PrintedPage("".join(chars), sizes)


def read_pages(pdf: Path, read):
    """Open a PDF with PDFium (pypdfium2), return read(page) for each of its pages, and close it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [read(page) for page in document]
    finally:
        document.close()


class Bookmark(NamedTuple):
    """A top-level bookmark of a PDF: its title, the index of its page, how many it holds."""

    title: str
    page: int
    children: int


@dataclass
class Built:
    """The real handbook, built once for the whole test session."""

    out: Path
    handbook: Handbook
    _texts: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _runs: dict[str, dict[int, PageRuns]] = field(default_factory=dict, repr=False)
    _printed: dict[str, list[PrintedPage]] = field(default_factory=dict, repr=False)
    _readers: dict = field(default_factory=dict, repr=False)
    _documents: dict = field(default_factory=dict, repr=False)

    def path(self, edition: Edition) -> Path:
        return output_path(Project.at(ROOT, self.out), self.handbook.settings, edition)

    def pdf(self, layout: str = "a4", language: str = "en", format: str = "pdf") -> Path:
        """Return an edition's PDF (format `sheets`: a booklet's imposed sheets)."""
        return self.path(Edition("", language, layout, format))

    def page_texts(self, layout: str = "a4") -> list[str]:
        """Return the text of each page of an edition's PDF, read once a session.

        PDFium (Chromium's PDF engine) reads it, twenty times faster than pypdf; it joins a
        word hyphenated at the end of a line, so tests of the lines as printed use printed_pages.
        """
        if layout not in self._texts:
            self._texts[layout] = read_pages(self.pdf(layout),
                                             lambda page: page.get_textpage().get_text_bounded().replace("\r\n", "\n"))
        return self._texts[layout]

    def printed_pages(self, layout: str = "a4") -> list[PrintedPage]:
        """Return each page of an edition's PDF with its lines as printed and the size of
        every character, read by PDFium once a session: a tenth of the time pypdf takes."""
        if layout not in self._printed:
            self._printed[layout] = read_pages(self.pdf(layout), printed_page)
        return self._printed[layout]

    def reader(self, layout: str = "a4"):
        """Return a pypdf reader of an edition's PDF, opened once a session: tests only read it.

        pypdf takes most of a second to open one of these PDFs; some fifty tests open one.
        """
        if layout not in self._readers:
            from pypdf import PdfReader

            self._readers[layout] = PdfReader(self.pdf(layout))
        return self._readers[layout]

    def document(self, layout: str = "a4"):
        """Return an edition's PDF opened with pikepdf (qpdf, which reads only what is asked
        for: a hundredth of the time pypdf takes to open one), once a session; tests only read it."""
        if layout not in self._documents:
            import pikepdf

            self._documents[layout] = pikepdf.open(self.pdf(layout))
        return self._documents[layout]

    def outline(self, layout: str = "a4") -> list[Bookmark]:
        """Return an edition's top-level bookmarks, each with the index of the page it leads to."""
        document = self.document(layout)
        pages = {page.objgen: number for number, page in enumerate(document.pages)}
        with document.open_outline() as outline:
            return [Bookmark(item.title, pages[item.destination[0].objgen], len(item.children))
                    for item in outline.root]

    def page_runs(self, layout: str = "a4", first: int = 0, last: int | None = None) -> list[PageRuns]:
        """Return pages first to last (not included) as pypdf draws them, each read once a session.

        A page's lines as printed and its runs of text with their sizes: half a second for
        ten pages, so only the pages asked for are read.
        """
        pages = self.reader(layout).pages
        runs = self._runs.setdefault(layout, {})
        wanted = range(len(pages))[first:last]
        for number in wanted:
            if number not in runs:
                runs[number] = page_runs(pages[number])
        return [runs[number] for number in wanted]

    @property
    def epub(self) -> Path:
        return self.path(Edition("", "en", self.handbook.settings.standard_layout, "epub"))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Build every declared English edition of the real handbook into a temporary folder.

    The build shares `make`'s cache (build/.cache). An edition make built from these very
    inputs (every file's hash, the build date, the code, the libraries) is copied from it,
    as the build would copy it into any folder (handbook/outputstore.py); any other edition
    is laid out here, once where make's page map still holds. Either way the session
    checks what the sources it has give, never an output of older sources.
    """
    out = tmp_path_factory.mktemp("build")
    project = Project(ROOT, out, kept=ROOT / "build" / ".cache")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        # The two languages the tests read (a third of the time of all five: the drafts' fonts
        # are large), kept in the session's own store entry. Checked first: the English build's
        # own check then finds its files read already (load/yamlsource.py), 0.2 s, not 0.9 s.
        handbook = prepare_kept(project, ("en", "es"))
    finally:
        _restore_epoch(previous)
    layouts, copied = _build_real_book(project, Request(languages=("en",)), tmp_path_factory)
    REAL_BOOK_LAYOUTS.append(layouts)
    REAL_BOOK_COPIED.append(copied)
    return Built(out, handbook)


@pytest.fixture(scope="session")
def spanish_print(built, tmp_path_factory) -> Built:
    """Build the Spanish print editions of the real handbook and its e-book beside the English
    ones, once a session.

    As `built` does, it copies what make built from the same inputs; after a change to the
    code or the book it lays the four editions out, so the tests that use it are slow."""
    layouts, copied = _build_real_book(Project(ROOT, built.out, kept=ROOT / "build" / ".cache"),
                                       Request(languages=("es",), formats=("pdf", "epub")), tmp_path_factory)
    REAL_BOOK_LAYOUTS[-1] += layouts  # the same worker's build of the real book, in another language
    REAL_BOOK_COPIED[-1] += copied
    return built


def _build_real_book(project: Project, request: Request, tmp_path_factory) -> tuple[int, int]:
    """Build editions of the real handbook, one worker at a time, on the tests' build date;
    return how many print layouts it made and how many outputs it copied from make's cache."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    # The folder all of this run's workers share (each has its own under it).
    shared = tmp_path_factory.getbasetemp().parent
    try:
        # Checked by each worker at once, before the lock (the build under it then reuses this
        # checked book): the lock is for laying out, which one worker does for all.
        prepare_request(project, request)
        with FileLock(str(shared / "real-book-build.lock")):
            report = build(project, request, progress=lambda line: None)
    finally:
        _restore_epoch(previous)
    return sum(result.layouts for result in report.made), len(report.copied)


def _restore_epoch(previous: str | None) -> None:
    if previous is None:
        del os.environ["SOURCE_DATE_EPOCH"]
    else:
        os.environ["SOURCE_DATE_EPOCH"] = previous


def copy_book(source: Path, target: Path) -> Path:
    """Copy a book folder (chapters, sources, approvals) for a test to change."""
    for name in ("chapters", "sources", "approvals"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    return target
