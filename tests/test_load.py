"""The loader and the cross-file checks, on small trees: good input, and each bad input
in tests/bad_input/ with the exact `path:line: message` it must produce."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from handbook.build import load
from handbook.errors import HandbookError
from handbook.model import Callout, ClinicBlock, Emphasis, ListBlock, Paragraph

CASES = sorted((Path(__file__).parent / "bad_input").glob("*.yaml"))


def expected_messages(case: Path, chapters: Path) -> list[str]:
    """Return the `# expect:` lines of a case, with file names made into full paths."""
    lines = case.read_bytes().decode("utf-8", errors="replace").splitlines()
    return [
        str(chapters) + "/" + line.removeprefix("# expect: ").replace("{dir}", str(chapters))
        for line in lines
        if line.startswith("# expect: ")
    ]


def problems(tree) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        load(tree.project)
    return [str(problem) for problem in raised.value.problems]


def test_good_tree_loads_into_a_frozen_model(tree):
    book, index = load(tree.project)
    assert book.title == "Sample Handbook"
    assert book.published == datetime.date(2026, 1, 1)
    [chapter] = book.chapters
    assert chapter.id == "sample"
    assert chapter.summary == "What this chapter is about."
    paragraph, bullets, callout, clinic = chapter.sections[0].blocks
    assert isinstance(paragraph, Paragraph) and isinstance(paragraph.text[1], Emphasis)
    assert isinstance(bullets, ListBlock) and not bullets.ordered and len(bullets.items) == 2
    assert isinstance(callout, Callout) and callout.title == "Key points"
    assert isinstance(clinic, ClinicBlock) and clinic.key == "fasting"
    assert paragraph.location.line == 6
    with pytest.raises(AttributeError):
        chapter.title = "changed"  # frozen
    assert [entry.source.id for entry in index.entries] == ["alpha", "beta"]
    assert [len(entry.places) for entry in index.entries] == [2, 2]


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_bad_input_is_reported_with_file_and_line(tree, case):
    tree.write("chapters/sample.yaml", case.read_bytes())
    assert problems(tree) == expected_messages(case, tree.chapters)


def test_every_problem_is_reported_at_once(tree):
    tree.write("chapters/sample.yaml", "title: Sample\nsections:\n  - titel: x\n    blocks: []\n")
    tree.write("chapters/extra.yaml", "title: Extra\n")
    found = problems(tree)
    assert len(found) >= 4
    assert any("extra.yaml: this chapter is not listed in book.yaml" in line for line in found)
    assert any("sample.yaml:3: a section has an unknown key 'titel'" in line for line in found)


def test_missing_chapter_file_names_the_book_line(tree):
    tree.write("chapters/book.yaml", tree.chapters.joinpath("book.yaml").read_text() + "  - missing\n")
    assert f"{tree.chapters}/book.yaml:12: no chapter file missing.yaml for the chapter 'missing'" in problems(tree)


def test_bad_date_in_book_file(tree):
    text = tree.chapters.joinpath("book.yaml").read_text().replace("published: 2026-01-01", "published: soon")
    tree.write("chapters/book.yaml", text)
    assert problems(tree) == [
        f"{tree.chapters}/book.yaml:6: published must be a date written as YYYY-MM-DD, not 'soon'"
    ]


def test_uncited_source_is_reported(tree):
    tree.write("sources/sources.yaml", tree.root.joinpath("sources/sources.yaml").read_text() + """\
  - id: gamma
    title: Unused
    author: null
    date: null
    kind: web article
    note: Never cited.
""")
    assert problems(tree) == [
        f"{tree.root}/sources/sources.yaml:14: the source 'gamma' is never cited; cite it or remove it"
    ]


def test_clinic_file_overrides_defaults(tree):
    clinic = tree.write("our-clinic.yaml", """\
name: Riverside Clinic
phones:
  - label: Front desk
    number: "555 0100"
instructions:
  fasting: Do not eat for four hours before.
""")
    project = tree.project.__class__(tree.chapters, tree.project.sources, tree.project.layouts, tree.project.out, clinic)
    book, _ = load(project)
    assert book.clinic.name == "Riverside Clinic"
    assert [(p.label, p.number) for p in book.clinic.phones] == [("Front desk", "555 0100")]
    assert book.clinic.instruction("fasting") == "Do not eat for four hours before."
    assert book.clinic.instruction("driving").startswith("Your clinic will tell you")


def test_clinic_file_with_unknown_instruction(tree):
    clinic = tree.write("our-clinic.yaml", "instructions:\n  parking: Park at the back.\n")
    project = tree.project.__class__(tree.chapters, tree.project.sources, tree.project.layouts, tree.project.out, clinic)
    with pytest.raises(HandbookError) as raised:
        load(project)
    assert str(raised.value).startswith(f"{clinic}:2: the handbook has no place for an instruction 'parking'")


def test_clinic_file_with_wrong_types(tree):
    clinic = tree.write("our-clinic.yaml", "name: [a, list]\ninstructions: just text\nphones:\n  - label: Desk\n")
    project = tree.project.__class__(tree.chapters, tree.project.sources, tree.project.layouts, tree.project.out, clinic)
    with pytest.raises(HandbookError) as raised:
        load(project)
    assert [str(p) for p in raised.value.problems] == [
        f"{clinic}:1: the clinic name must be text, not a list or mapping",
        f"{clinic}:2: instructions must be a mapping of keys to values",
        f"{clinic}:4: a phone entry is missing the key 'number'",
    ]


def test_help_now_must_name_a_listed_chapter(tree):
    tree.write("chapters/book.yaml", tree.chapters.joinpath("book.yaml").read_text().replace(
        "publisher: Test Publisher\n", "publisher: Test Publisher\nhelp_now: crisis\n"))
    assert problems(tree) == [
        f"{tree.chapters}/book.yaml:10: help_now names 'crisis', which is not one of the chapters listed here"
    ]
