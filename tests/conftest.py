"""Shared fixtures: a small project tree in tmp_path, and the real handbook built once."""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from handbook.build import Project, build
from handbook.editions import BOOK_NAME, EDITIONS

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1795305600"  # 2026-11-22T00:00:00Z

BOOK_YAML = """\
title: Sample Handbook
subtitle: A test book
language: en
edition: Test edition
version: "0.1"
published: 2026-01-01
review_by: 2027-01-01
identifier: urn:uuid:00000000-0000-4000-8000-000000000000
publisher: Test Publisher
chapters:
  - sample
"""

SOURCES_YAML = """\
sources:
  - id: alpha
    title: The first article
    author: Someone
    date: 2025
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


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


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
    """A small project written into tmp_path."""

    root: Path

    @property
    def chapters(self) -> Path:
        return self.root / "chapters"

    @property
    def project(self) -> Project:
        return Project(self.chapters, self.root / "sources" / "sources.yaml", ROOT / "layouts", self.root / "build")

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def tree(tmp_path) -> Tree:
    """Return a valid one-chapter project in tmp_path."""
    tree = Tree(tmp_path)
    tree.write("chapters/book.yaml", BOOK_YAML)
    tree.write("chapters/sample.yaml", SAMPLE_CHAPTER)
    tree.write("sources/sources.yaml", SOURCES_YAML)
    shutil.copy(ROOT / "chapters" / "clinic.yaml", tree.chapters / "clinic.yaml")
    (tmp_path / "layouts").symlink_to(ROOT / "layouts")
    return tree


class WarningCollector(logging.Handler):
    """Remember every warning WeasyPrint logs."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@dataclass
class Built:
    """The real handbook, built once for the whole test session."""

    out: Path
    warnings: list[str]

    def pdf(self, edition: str = "a4") -> Path:
        return self.out / EDITIONS[edition].file_name

    @property
    def epub(self) -> Path:
        return self.out / f"{BOOK_NAME}.epub"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Build every edition and the e-book of the real handbook into a temporary folder."""
    out = tmp_path_factory.mktemp("build")
    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        build(Project.at(ROOT, out=out), ["pdf", "epub", "html"], sorted(EDITIONS))
    finally:
        logger.removeHandler(collector)
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return Built(out, collector.messages)
