"""A translation's list of terms (chapters/<language>/terms.yaml), held by the translation check:
on a small English and Spanish book in tmp_path, and on the real book's Spanish."""
from __future__ import annotations

import pytest

from conftest import BOOK_YAML, CLINIC_DEFAULTS, ROOT, SOURCES_YAML
from handbook.analyse.translation import stamp
from handbook.cli import main
from handbook.errors import HandbookError, Problems
from handbook.prepare import prepare
from handbook.project import Project

ENGLISH = """\
title: Driving
sections:
  - title: After a session
    id: after
    blocks:
      - paragraph: Do not drive yourself home. A nasal spray is one way to have it [@alpha].
      - paragraph: Ask your care team about your sex drive.
        guidance: true
"""
SPANISH = """\
title: Manejar
sections:
  - title: Después de una sesión
    id: after
    blocks:
      - paragraph: No maneje de vuelta a casa. Un aerosol nasal es una forma de recibirla [@alpha].
      - paragraph: Pregunte a su equipo de atención por su deseo sexual.
        guidance: true
"""
SPANISH_CLINIC = """\
phones:
  - id: clinic
    label: Su clínica
    number: ""
instructions:
  fasting: Su clínica le dirá si debe dejar de comer antes de una sesión.
"""
TERMS = """\
terms:
  - en: [drive yourself, driving]
    es: [manejar, manej*]
    not: [conduc*, conduzc*]
  - en: nasal spray
    es: aerosol nasal
    not: [espray nasal]
  - es: [lo]
    not: [le lleve]
"""


@pytest.fixture
def bilingual(tmp_path):
    """Return a one-chapter book in English and Spanish, stamped in step, with a list of terms."""
    root = tmp_path / "book"
    for folder in ("chapters/en", "chapters/es", "sources"):
        (root / folder).mkdir(parents=True)
    spanish = "  es:\n    title: Manual\n    subtitle: Un libro de prueba\n    edition: Prueba\n"
    book = BOOK_YAML.replace("    edition: Test edition\n", "    edition: Test edition\n" + spanish)
    (root / "chapters" / "book.yaml").write_text(book.replace("  - sample\n", "  - driving\n"))
    (root / "chapters" / "en" / "driving.yaml").write_text(ENGLISH)
    (root / "chapters" / "en" / "clinic.yaml").write_text(CLINIC_DEFAULTS)
    (root / "chapters" / "es" / "driving.yaml").write_text(SPANISH, encoding="utf-8")
    (root / "chapters" / "es" / "clinic.yaml").write_text(SPANISH_CLINIC, encoding="utf-8")
    (root / "chapters" / "es" / "terms.yaml").write_text(TERMS, encoding="utf-8")
    sources = SOURCES_YAML.replace("kind: web article", "kind: {en: web article, es: artículo web}")
    sources = sources.replace("note: A test source.", "note: {en: A test source., es: Una fuente.}")
    sources = sources.replace("note: Another test source.", "note: {en: Another., es: Otra.}")
    sources = sources.replace("  - id: beta", "  - id: beta\n    added_by_publisher: true", 1)
    (root / "sources" / "sources.yaml").write_text(sources, encoding="utf-8")
    (root / "chapters" / "en" / "driving.yaml").write_text(ENGLISH.replace("[@alpha]", "[@alpha; @beta]"))
    (root / "chapters" / "es" / "driving.yaml").write_text(SPANISH.replace("[@alpha]", "[@alpha; @beta]"),
                                                           encoding="utf-8")
    stamp(root / "chapters" / "en" / "driving.yaml", root / "chapters" / "es" / "driving.yaml")
    return root


def problems_of(root) -> list[str]:
    """Return what `handbook check` would print for a book: its problems, or none."""
    try:
        prepare(Project.at(root))
    except HandbookError as error:
        return [str(problem) for problem in error.problems]
    return []


def line_of(path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_a_translation_that_keeps_to_its_terms_passes(bilingual):
    # "sex drive" is no use of "drive yourself": the list's words are precise enough not to find it
    assert problems_of(bilingual) == []


def test_a_word_the_list_rules_out_is_named_with_its_line(bilingual):
    chapter = bilingual / "chapters" / "es" / "driving.yaml"
    chapter.write_text(chapter.read_text().replace("No maneje de vuelta", "No conduzca de vuelta"), encoding="utf-8")
    terms = bilingual / "chapters" / "es" / "terms.yaml"
    found = problems_of(bilingual)
    assert f"{chapter}:{line_of(chapter, 'No conduzca')}: 'conduzca' is not this book's word for 'drive yourself': " \
           f"use 'manejar' (see {terms}:2)" in found
    # ... and the block no longer says it the book's way
    english = bilingual / "chapters" / "en" / "driving.yaml"
    assert f"{chapter}:{line_of(chapter, '- paragraph: No conduzca')}: block 1 of section 'after' does not use " \
           f"'manejar', this book's word for 'drive yourself' in {english}:{line_of(english, 'Do not drive')} " \
           f"(see {terms}:2)" in found


def test_a_block_that_leaves_out_the_chosen_word_is_named(bilingual):
    chapter = bilingual / "chapters" / "es" / "driving.yaml"
    chapter.write_text(chapter.read_text().replace("Un aerosol nasal", "Un rociador"), encoding="utf-8")
    english = bilingual / "chapters" / "en" / "driving.yaml"
    terms = bilingual / "chapters" / "es" / "terms.yaml"
    assert problems_of(bilingual) == [
        f"{chapter}:{line_of(chapter, 'Un rociador')}: block 1 of section 'after' does not use 'aerosol nasal', this "
        f"book's word for 'nasal spray' in {english}:{line_of(english, 'Do not drive')} (see {terms}:5)"]


def test_a_usage_is_ruled_out_in_the_clinic_defaults_too(bilingual):
    clinic = bilingual / "chapters" / "es" / "clinic.yaml"
    clinic.write_text(SPANISH_CLINIC + "  stay: Pida a alguien que le lleve a casa.\n", encoding="utf-8")
    english = bilingual / "chapters" / "en" / "clinic.yaml"
    english.write_text(CLINIC_DEFAULTS + "  stay: Ask someone to take you home.\n")
    terms = bilingual / "chapters" / "es" / "terms.yaml"
    assert problems_of(bilingual) == [
        f"{clinic}:{line_of(clinic, 'le lleve')}: 'le lleve' is not this book's usage: use 'lo' (see {terms}:8)"]


def test_a_badly_made_list_is_named_once_with_its_line(bilingual):
    terms = bilingual / "chapters" / "es" / "terms.yaml"
    terms.write_text(TERMS + "  - en: [nurse]\n  - es: {a: b}\n    not: [x]\n", encoding="utf-8")
    message = ("each term gives `es:` (the words this language uses) with `en:` (the words they stand for), `not:` "
               "(words this language does not use) or both; each a word or a list of words")
    assert problems_of(bilingual) == [f"{terms}:10: {message}", f"{terms}:11: {message}"]
    terms.write_text("terms: [unclosed\n", encoding="utf-8")
    [problem] = problems_of(bilingual)
    assert problem.startswith(f"{terms}:2: this list of terms cannot be read")


def test_translations_status_names_the_same_problems(bilingual, capsys):
    chapter = bilingual / "chapters" / "es" / "driving.yaml"
    chapter.write_text(chapter.read_text().replace("Un aerosol nasal", "Un espray nasal"), encoding="utf-8")
    assert main(["--root", str(bilingual), "translations", "status"]) == 0
    out = capsys.readouterr().out
    assert f"{chapter}:{line_of(chapter, 'espray nasal')}: 'espray nasal' is not this book's word for 'nasal spray'" \
           in out
    assert "es: 2 to translate again" in out


def test_a_draft_skips_the_list_as_it_skips_the_other_translation_checks(bilingual):
    chapter = bilingual / "chapters" / "es" / "driving.yaml"
    chapter.write_text(chapter.read_text().replace("No maneje", "No conduzca"), encoding="utf-8")
    assert problems_of(bilingual)
    prepare(Project.at(bilingual), draft=True)  # no HandbookError


def test_a_link_in_place_of_the_list_is_refused(bilingual, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(TERMS)
    terms = bilingual / "chapters" / "es" / "terms.yaml"
    terms.unlink()
    terms.symlink_to(outside)
    assert problems_of(bilingual) == [f"{terms}: the list of terms must be a file in the book, not a link"]


def test_the_real_books_spanish_keeps_to_its_list_and_the_list_is_not_empty():
    from handbook.analyse.terms import read_terms

    problems = Problems()
    terms = read_terms(ROOT / "chapters" / "es", "en", "es", problems)
    assert not problems and len(terms) >= 20
    words = {word for term in terms for word in term.ruled_out}
    assert {"conduc*", "casi siempre", "fuera de indicación", "personal formado", "le lleve"} <= words
