"""The content-review rule: chapters record their review, the colophon prints it, and an
overdue review fails the build unless the edition is a draft."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import ROOT

REVIEW = "review:\n  by: Dr Test Reviewer, pharmacist\n  on: 2025-06-01\n  next: {next}\n"
JANUARY_2027 = "1798761600"  # 2027-01-01T00:00:00Z


def handbook(tree, *args, epoch=JANUARY_2027):
    env = dict(os.environ, SOURCE_DATE_EPOCH=epoch)
    return subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree.root), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env)


def reviewed(tree, next_review: str, policy: bool = True) -> None:
    chapter = tree.chapters / "sample.yaml"
    chapter.write_text(REVIEW.format(next=next_review) + chapter.read_text())
    if policy:
        book = tree.root / "chapters" / "book.yaml"
        book.write_text(book.read_text() + "policy:\n  chapter_reviews: required\n")


@pytest.mark.slow  # lays out a book of its own
def test_the_colophon_prints_who_reviewed_each_chapter_and_when(tree):
    reviewed(tree, "2027-06-01")
    result = handbook(tree, "build", "pdf")
    assert result.returncode == 0, result.stderr
    pages = PdfReader(tree.root / "build" / "sample-handbook.pdf").pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Content review" in text and "Dr Test Reviewer, pharmacist" in text
    assert "June 1, 2025" in text and "June 1, 2027" in text
    assert "Draft" not in text


def test_an_overdue_review_fails_the_build_with_its_line(tree):
    reviewed(tree, "2026-12-01")
    result = handbook(tree, "build")
    assert result.returncode == 1
    assert f"{tree.chapters}/sample.yaml:2: review overdue since 2026-12-01" in result.stderr
    assert "Traceback" not in result.stderr and not (tree.root / "build" / "sample-handbook.pdf").exists()


@pytest.mark.slow  # lays out a book of its own
def test_a_draft_may_be_overdue_and_says_it_is_a_draft(tree):
    reviewed(tree, "2026-12-01")
    result = handbook(tree, "build", "pdf", "epub", "--draft")
    assert result.returncode == 0, result.stderr
    cover = PdfReader(tree.root / "build" / "drafts" / "sample-handbook.pdf").pages[0].extract_text()
    assert "Draft: not yet approved for patients" in cover
    assert not (tree.root / "build" / "sample-handbook.pdf").exists()  # a draft never goes where a patient's does


def test_the_policy_requires_a_review_in_every_chapter(tree):
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "policy:\n  chapter_reviews: required\n")
    result = handbook(tree, "check")
    assert result.returncode == 1
    assert f"{tree.chapters}/sample.yaml:1: this chapter records no content review" in result.stderr


def test_the_next_review_must_come_after_the_last(tree):
    reviewed(tree, "2025-01-01", policy=False)
    result = handbook(tree, "check")
    assert result.returncode == 1
    assert f"{tree.chapters}/sample.yaml:4: the next review must come after the last one (on)" in result.stderr
