"""Shared fixtures: a small book in tmp_path, and the real handbook built once per session."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from handbook.build import Request, build
from handbook.editions import Edition, output_path
from handbook.checked import Handbook
from handbook.prepare import prepare
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


def pytest_terminal_summary(terminalreporter):
    if REAL_BOOK_LAYOUTS:
        terminalreporter.write_line(f"the real handbook was laid out {sum(REAL_BOOK_LAYOUTS)} times in this run")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: sets a .venv up from nothing (a minute or more); `make test` runs "
                            "it, -m 'not slow' leaves it out")


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


@dataclass
class Built:
    """The real handbook, built once for the whole test session."""

    out: Path
    handbook: Handbook
    _texts: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def path(self, edition: Edition) -> Path:
        return output_path(Project.at(ROOT, self.out), self.handbook.settings, edition)

    def pdf(self, layout: str = "a4") -> Path:
        return self.path(Edition("", "en", layout, "pdf"))

    def page_texts(self, layout: str = "a4") -> list[str]:
        """Return the text of each page of an edition's PDF as pypdf reads it, read once a session."""
        if layout not in self._texts:
            from pypdf import PdfReader

            self._texts[layout] = [page.extract_text() for page in PdfReader(self.pdf(layout)).pages]
        return self._texts[layout]

    @property
    def epub(self) -> Path:
        return self.path(Edition("", "en", self.handbook.settings.standard_layout, "epub"))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Build every declared English edition of the real handbook into a temporary folder.

    The build keeps its page maps where `make` keeps them (build/.cache): each is checked
    against the layout it guides, so after a `make` each edition is laid out once here,
    and a test session still builds from the sources it has, never from make's outputs.
    """
    out = tmp_path_factory.mktemp("build")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        project = Project(ROOT, out, kept=ROOT / "build" / ".cache")
        report = build(project, Request(languages=("en",)), progress=lambda line: None)
        REAL_BOOK_LAYOUTS.append(sum(result.layouts for result in report.made))
        handbook = prepare(project)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return Built(out, handbook)


def copy_book(source: Path, target: Path) -> Path:
    """Copy a book folder (chapters, sources, layouts) for a test to change."""
    for name in ("chapters", "sources"):
        shutil.copytree(source / name, target / name)
    return target
