"""The loader and the cross-file checks, on small books: good input, and each bad input
in tests/bad_input/ with the exact `path:line: message` it must produce."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from handbook.errors import HandbookError
from handbook.model import Callout, ClinicBlock, Emphasis, ListBlock, Paragraph
from handbook.prepare import prepare

CASES = sorted((Path(__file__).parent / "bad_input").glob("*.yaml"))


def expected_messages(case: Path, chapters: Path) -> list[str]:
    """Return the `# expect:` lines of a case, with file names made into full paths."""
    lines = case.read_bytes().decode("utf-8", errors="replace").splitlines()
    return [
        str(chapters) + "/" + line.removeprefix("# expect: ").replace("{dir}", str(chapters))
        for line in lines
        if line.startswith("# expect: ")
    ]


def problems(tree, **options) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project, **options)
    return [str(problem) for problem in raised.value.problems]


def test_good_tree_loads_into_a_frozen_model(tree):
    book, index = tree.load()
    assert book.title == "Sample Handbook"
    assert book.published == datetime.date(2026, 1, 1)
    [chapter] = book.chapters
    assert chapter.id == "sample"
    assert chapter.summary == "What this chapter is about."
    paragraph, bullets, callout, clinic = chapter.sections[0].blocks
    assert isinstance(paragraph, Paragraph) and isinstance(paragraph.text[1], Emphasis)
    assert isinstance(bullets, ListBlock) and not bullets.ordered and len(bullets.items) == 2
    assert isinstance(callout, Callout) and callout.kind == "key-points" and callout.title is None
    assert isinstance(clinic, ClinicBlock) and clinic.key == "fasting"
    assert paragraph.location.line == 6
    with pytest.raises(AttributeError):
        chapter.title = "changed"  # frozen
    assert [entry.source.id for entry in index.entries] == ["alpha", "beta"]
    assert [len(entry.places) for entry in index.entries] == [2, 2]


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_bad_input_is_reported_with_file_and_line(tree, case):
    tree.write("chapters/en/sample.yaml", case.read_bytes())
    assert problems(tree) == expected_messages(case, tree.chapters)


def test_every_problem_is_reported_at_once(tree):
    tree.write("chapters/en/sample.yaml", "title: Sample\nsections:\n  - titel: x\n    blocks: []\n")
    tree.write("chapters/en/extra.yaml", "title: Extra\n")
    found = problems(tree)
    assert len(found) == 3
    assert any("extra.yaml: this chapter is not listed in book.yaml" in line for line in found)
    assert any("sample.yaml:3: a section has an unknown key 'titel'" in line for line in found)


def test_missing_chapter_file_names_the_book_line(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("  - sample\n", "  - sample\n  - missing\n"))
    assert problems(tree) == [f"{book}:14: the chapter 'missing' has no file: "
                              f"{tree.chapters}/missing.yaml does not exist"]


def test_a_chapter_that_is_a_folder_names_the_book_line(tree):
    book = tree.root / "chapters" / "book.yaml"
    (tree.chapters / "sample.yaml").unlink()
    (tree.chapters / "sample.yaml").mkdir()
    assert problems(tree) == [f"{book}:13: the chapter 'sample' has no file: "
                              f"{tree.chapters}/sample.yaml is a folder, not a file"]


def test_bad_date_in_book_file(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("published: 2026-01-01", "published: soon"))
    assert problems(tree) == [f"{book}:4: 'published' must be a date written as YYYY-MM-DD, not 'soon'"]


def test_missing_key_in_book_file_is_a_message_not_a_crash(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("publisher: Test Publisher\n", ""))
    assert problems(tree) == [f"{book}:1: the book file is missing the key 'publisher'"]


def test_unknown_key_in_book_file_suggests_the_right_one(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("publisher:", "publsher:"))
    assert f"{book}:6: the book file has an unknown key 'publsher'; did you mean 'publisher'?" in problems(tree)


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


def test_clinic_file_is_laid_over_the_defaults(tree):
    clinic = tree.write("clinics/riverside.yaml", """\
name: Riverside Clinic
phones:
  clinic: "555 0100"
  parking:
    label: Parking office
    number: "555 0101"
instructions:
  fasting: Do not eat for six hours before a session.
""")
    handbook = prepare(tree.project, clinic_files=(clinic,))
    details = handbook.clinic("riverside", "en")
    assert details.name == "Riverside Clinic" and details.slug == "riverside"
    assert [(phone.label, phone.number) for phone in details.phones] == [
        ("Your clinic", "555 0100"), ("Parking office", "555 0101")]
    assert details.instruction("fasting") == "Do not eat for six hours before a session."
    assert handbook.books["en"].clinic.instruction("fasting").startswith("Your clinic will tell you")


def test_a_clinic_edition_must_fill_every_phone_line(tree):
    clinic = tree.write("clinics/riverside.yaml", "name: Riverside Clinic\n")
    assert problems(tree, clinic_files=(clinic,)) == [
        f"{clinic}:1: the phone line 'clinic' (Your clinic) has no number; a clinic edition must give one: "
        "add `clinic: \"...\"` under phones"]


def test_clinic_file_mistakes_are_reported_with_lines(tree):
    clinic = tree.write("clinics/riverside.yaml", """\
name: Riverside Clinic
phones:
  clinc: "555 0100"
instructions:
  parking: Park at the back.
""")
    found = problems(tree, clinic_files=(clinic,))
    assert f"{clinic}:3: the book has no phone line 'clinc'; expected one of: clinic, or give a new line as " \
           "{label: ..., number: ...}" in found
    assert f"{clinic}:5: the book has no place for an instruction 'parking'; expected one of: fasting" in found


def test_clinic_file_without_a_name_is_a_message_not_a_crash(tree):
    clinic = tree.write("clinics/riverside.yaml", "phones:\n  clinic: \"555\"\n")
    assert problems(tree, clinic_files=(clinic,)) == [f"{clinic}:1: the clinic file is missing the key 'name'"]
