"""Measure how easy each chapter is to read, with a formula made for its language.

Only prose is scored: paragraphs, list entries, table cells, definitions and questions,
each as its own sentence. Headings and the glossary's terms are left out, and citation
markers are removed.

English uses SMOG, the grade health writers use (lower is easier). Spanish uses the
Fernández-Huerta reading ease (1959), the Spanish adaptation of Flesch's formula (higher
is easier), whose own table ties scores to school years: 90-100 very easy (4th grade),
80-90 easy (5th), 70-80 fairly easy (6th), 60-70 standard (7th-8th), 50-60 fairly hard
(secondary school), below 50 hard. So the goal of grade 6 to 8 is a score of 60 or more
for every chapter (grade 8 at most) and 65 or more for the middle chapter (about grade 7),
as SMOG 8 and 7 are for English. textstat computes both offline (syllables from Pyphen).
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..model import Book, Chapter
from .traverse import blocks, plain_text, texts


@dataclass(frozen=True)
class Formula:
    """A readability formula and the scores a chapter must reach with it."""

    name: str
    textstat_language: str
    measure: Callable[[str], float]
    higher_is_easier: bool
    worst: float
    """The score every chapter must reach (grade 8)."""
    median: float
    """The score the middle chapter must reach (grade 7)."""

    def passes(self, score: float, limit: float) -> bool:
        """Tell whether a score is as easy as a limit, or easier."""
        return score >= limit if self.higher_is_easier else score <= limit

    def describe(self) -> str:
        """Return the formula's goal in words."""
        word = "at least" if self.higher_is_easier else "at most"
        return (f"{self.name}, {'higher' if self.higher_is_easier else 'lower'} is easier: {word} {self.worst:g} "
                f"for every chapter and {self.median:g} for the middle one")


def _textstat(name: str) -> Callable[[str], float]:
    def measure(text: str) -> float:
        import textstat

        return float(getattr(textstat, name)(text))

    return measure


FORMULAS = {
    "en": Formula("SMOG", "en_US", _textstat("smog_index"), False, 8.0, 7.0),
    "es": Formula("Fernández-Huerta", "es", _textstat("fernandez_huerta"), True, 60.0, 65.0),
}
"""The formula each language is scored with; a language not listed here is not scored."""


@dataclass(frozen=True)
class Score:
    """How easy one chapter is to read."""

    formula: Formula
    score: float
    words: int


def formula_for(language: str) -> Formula | None:
    """Return the formula for a language tag (es-MX is scored as es), if there is one."""
    return FORMULAS.get(language) or FORMULAS.get(language.split("-")[0])


def chapter_prose(chapter: Chapter) -> str:
    """Return a chapter's prose as sentences, ready to be scored."""
    sentences = []
    for block, _ in blocks(chapter):
        for text in texts(block):
            # A citation taken out leaves a space before the stop after it: "a link [@x]." is "a link."
            sentence = re.sub(r"\s+([.,;:?!])", r"\1", " ".join(plain_text(text).split()))
            if sentence and sentence[-1] not in ".?!:":
                sentence += "."
            if sentence:
                sentences.append(sentence)
    return " ".join(sentences)


def score(text: str, formula: Formula) -> Score:
    """Return the score of a text."""
    import textstat

    textstat.set_lang(formula.textstat_language)  # syllables and word lists follow the language
    return Score(formula, formula.measure(text), textstat.lexicon_count(text))


def chapter_scores(book: Book) -> Iterator[tuple[Chapter, Score]]:
    """Yield each chapter with its score, in the formula of the book's language."""
    formula = formula_for(book.language)
    if formula is None:
        return
    for chapter in book.chapters:
        yield chapter, score(chapter_prose(chapter), formula)


def failures(book: Book) -> list[str]:
    """Return why the book misses its language's reading goal, if it does."""
    scores = list(chapter_scores(book))
    if not scores:
        return []
    formula = scores[0][1].formula
    found = [f"{chapter.id}: {formula.name} {result.score:.1f}" for chapter, result in scores
             if not formula.passes(result.score, formula.worst)]
    middle = statistics.median(result.score for _, result in scores)
    if not formula.passes(middle, formula.median):
        found.append(f"the middle chapter: {formula.name} {middle:.1f}")
    return found
