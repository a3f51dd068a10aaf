"""Measure how easy each chapter is to read (SMOG grade, the measure health writers use).

Only prose is scored: paragraphs, list entries, table cells, definitions and questions,
each as its own sentence. Headings and the glossary's terms are left out, and citation
markers are removed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Book, Chapter
from .traverse import blocks, plain_text, texts


@dataclass(frozen=True)
class Grade:
    """Reading grades of one chapter."""

    smog: float
    flesch_kincaid: float
    words: int


def chapter_prose(chapter: Chapter) -> str:
    """Return a chapter's prose as sentences, ready to be scored."""
    sentences = []
    for block, _ in blocks(chapter):
        for text in texts(block):
            sentence = " ".join(plain_text(text).split())
            if sentence and sentence[-1] not in ".?!:":
                sentence += "."
            if sentence:
                sentences.append(sentence)
    return " ".join(sentences)


def grade(text: str) -> Grade:
    """Return the reading grades of a text."""
    import textstat

    return Grade(textstat.smog_index(text), textstat.flesch_kincaid_grade(text), textstat.lexicon_count(text))


def chapter_grades(book: Book) -> Iterator[tuple[Chapter, Grade]]:
    """Yield each chapter with its reading grades."""
    for chapter in book.chapters:
        yield chapter, grade(chapter_prose(chapter))
