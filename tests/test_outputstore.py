"""A PDF or e-book made before from the very same inputs is copied, never a stale one (outputstore.py)."""
from __future__ import annotations

import json

import pytest

from conftest import EPOCH, SAMPLE_CHAPTER
from handbook.build import Request, build
from handbook.editions import Edition
from handbook.incremental.outputs import KEEP, OutputStore
from handbook.project import Project

PDF = Edition("", "en", "a4", "pdf")
EPUB = Edition("", "en", "a4", "epub")
INPUTS = {"chapters/en/sample.yaml": "aa" * 32, "(build date)": "2026-11-22T00:00:00+00:00"}


def _store_with(tmp_path, data: bytes = b"%PDF-1.7 pages", inputs=INPUTS) -> OutputStore:
    output = tmp_path / "out.pdf"
    output.write_bytes(data)
    store = OutputStore(tmp_path / "cache")
    store.put(PDF, inputs, output, 3)
    return store


def test_an_output_is_found_only_by_the_inputs_and_the_edition_it_was_made_from(tmp_path):
    store = _store_with(tmp_path)
    kept = store.get(PDF, INPUTS)
    assert kept is not None and kept.data == b"%PDF-1.7 pages" and kept.pages == 3
    assert store.get(PDF, INPUTS | {"(build date)": "2026-11-23T00:00:00+00:00"}) is None
    assert store.get(PDF, INPUTS | {"chapters/en/other.yaml": "bb" * 32}) is None
    assert store.get(Edition("", "en", "letter", "pdf"), INPUTS) is None
    assert store.get(Edition("north", "en", "a4", "pdf"), INPUTS) is None


def test_an_output_edited_through_its_link_is_dropped_not_copied(tmp_path):
    store = _store_with(tmp_path)
    with open(tmp_path / "out.pdf", "r+b") as output:  # edited in place: the kept file is a hard link to it
        output.write(b"%PDF-1.4")
    assert store.get(PDF, INPUTS) is None
    assert list((tmp_path / "cache" / "outputs-pdf").iterdir()) == []


def test_a_damaged_record_is_dropped(tmp_path):
    store = _store_with(tmp_path)
    [record] = (tmp_path / "cache" / "outputs-pdf").glob("*.json")
    record.write_text(json.dumps({"format": 1, "sha256": "0" * 64, "size": 14, "pages": 3}))
    assert store.get(PDF, INPUTS) is None
    assert not record.exists()


def test_each_edition_keeps_its_last_few_outputs(tmp_path):
    for n in range(KEEP + 2):
        store = _store_with(tmp_path, f"%PDF-{n}".encode(), INPUTS | {"(n)": str(n)})
    assert store.get(PDF, INPUTS | {"(n)": "0"}) is None
    assert store.get(PDF, INPUTS | {"(n)": str(KEEP + 1)}).data == f"%PDF-{KEEP + 1}".encode()
    assert len(list((tmp_path / "cache" / "outputs-pdf").glob("*.json"))) == KEEP


def test_a_web_edition_is_not_kept(tmp_path):
    store = _store_with(tmp_path)
    assert store.get(Edition("", "en", "", "web"), INPUTS) is None


def _build(project: Project, **request) -> list[str]:
    lines: list[str] = []
    build(project, Request(formats=("pdf", "epub"), **request), progress=lines.append)
    return [line.split(":")[0] for line in lines]


@pytest.mark.slow  # four builds of a small book, each laid out
def test_another_folder_copies_what_was_made_and_a_change_is_built_afresh(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cache = tree.root / "build" / ".cache"
    assert _build(tree.project) == ["built -/en/a4.pdf", "built -/en/a4.epub"]
    made = {name: (tree.root / "build" / name).read_bytes() for name in ("sample-handbook.pdf", "sample-handbook.epub")}

    elsewhere = Project(tree.root, tmp_path / "elsewhere", kept=cache)
    assert sorted(_build(elsewhere)) == ["kept -/en/a4.epub", "kept -/en/a4.pdf"]
    assert {name: (elsewhere.out / name).read_bytes() for name in made} == made

    tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER.replace("A third", "A fourth"))
    assert _build(elsewhere) == ["built -/en/a4.pdf", "built -/en/a4.epub"]
    changed = (elsewhere.out / "sample-handbook.pdf").read_bytes()
    assert changed != made["sample-handbook.pdf"]

    tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER)  # put back as it was: made before
    assert sorted(_build(elsewhere)) == ["kept -/en/a4.epub", "kept -/en/a4.pdf"]
    assert (elsewhere.out / "sample-handbook.pdf").read_bytes() == made["sample-handbook.pdf"]

    assert _build(elsewhere, force=True) == ["built -/en/a4.pdf", "built -/en/a4.epub"]
    assert (elsewhere.out / "sample-handbook.pdf").read_bytes() == made["sample-handbook.pdf"]


@pytest.mark.slow  # a build of a small book, laid out
def test_an_output_built_before_outputs_were_kept_is_kept_when_found_up_to_date(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _build(tree.project)
    cache = tree.root / "build" / ".cache"
    for kind in ("outputs-pdf", "outputs-epub"):
        for path in (cache / kind).iterdir():
            path.unlink()
    assert _build(tree.project) == []  # up to date: nothing written, but kept
    assert [len(list((cache / kind).glob("*.json"))) for kind in ("outputs-pdf", "outputs-epub")] == [1, 1]
    elsewhere = Project(tree.root, tmp_path / "elsewhere", kept=tree.root / "build" / ".cache")
    assert sorted(_build(elsewhere)) == ["kept -/en/a4.epub", "kept -/en/a4.pdf"]
