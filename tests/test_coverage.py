"""The characters of the theme's fonts, which the glyph check needs, are kept by a build in the
signed `coverage` store and read back without opening the fonts; a check keeps nothing."""
from __future__ import annotations

import json

import pytest

from handbook.analyse import glyphs
from handbook.cli import main
from handbook.errors import HandbookError
from handbook.incremental.book import prepare_kept


@pytest.fixture
def fresh_process(monkeypatch):
    """Forget what this process remembered of the fonts, as a new build's process would."""
    monkeypatch.setattr(glyphs, "_KNOWN", {})
    monkeypatch.setattr(glyphs, "_PENDING", {})


def test_a_build_keeps_the_fonts_characters_and_the_next_reads_them_without_the_fonts(tree, fresh_process,
                                                                                      monkeypatch):
    prepare_kept(tree.project)
    store = tree.root / "build" / ".cache" / "coverage"
    assert store.is_dir() and list(store.iterdir())
    glyphs._KNOWN.clear()

    def unread(fonts):
        raise AssertionError("the fonts were read again")

    monkeypatch.setattr(glyphs, "_read_coverage", unread)
    for entry in (tree.root / "build" / ".cache" / "book").iterdir():
        entry.unlink()  # the checked book is checked again: only the fonts' characters are kept
    prepare_kept(tree.project)


def test_a_missing_glyph_is_still_found_with_the_characters_kept(tree, fresh_process):
    prepare_kept(tree.project)
    glyphs._KNOWN.clear()
    tree.write("chapters/en/sample.yaml", tree.chapters.joinpath("sample.yaml").read_text().replace(
        "A third", "A third \u0fcf"))  # a Tibetan sign no theme font has
    with pytest.raises(HandbookError) as raised:
        prepare_kept(tree.project)
    assert "U+0FCF" in str(raised.value)


def test_a_check_and_a_book_with_a_mistake_keep_nothing(tree, fresh_process, capsys):
    assert main(["--root", str(tree.root), "check"]) == 0
    assert not (tree.root / "build").exists()
    tree.write("chapters/en/sample.yaml", tree.chapters.joinpath("sample.yaml").read_text().replace(
        "A third", "A third \u0fcf"))
    with pytest.raises(HandbookError):
        prepare_kept(tree.project)
    assert not (tree.root / "build" / ".cache" / "coverage").exists()


def test_kept_characters_are_runs_of_code_points():
    points = frozenset({65, 66, 67, 70, 0x4E00})
    runs = glyphs._runs(points)
    assert runs == [[65, 67], [70, 70], [0x4E00, 0x4E00]]
    assert frozenset(p for low, high in json.loads(json.dumps(runs)) for p in range(low, high + 1)) == points
