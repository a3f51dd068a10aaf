"""The checked book a build keeps is reused only while everything it was made from is unchanged,
and what build/.cache/ holds is read as data: nothing planted there runs or is believed."""
from __future__ import annotations

import json
import os
import pickle

import pytest

import handbook.pdf.paginate
import handbook.prepare
import handbook.theme
from conftest import EPOCH, SAMPLE_CHAPTER
from handbook.build import Request, build
from handbook.errors import HandbookError
from handbook.incremental.book import prepare_kept


@pytest.fixture
def prepares(monkeypatch):
    """Count the times the book is really read and checked."""
    calls = []
    real = handbook.prepare.prepare

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(handbook.prepare, "prepare", counting)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return calls


@pytest.mark.slow  # builds a book of its own twice
def test_a_second_build_reuses_the_checked_book_and_writes_the_same_bytes(tree, prepares):
    request = Request(formats=("epub",))
    ebook = tree.root / "build" / "sample-handbook.epub"
    build(tree.project, request, progress=lambda line: None)
    first = ebook.read_bytes()
    ebook.unlink()
    for kept in (tree.root / "build" / ".cache" / "outputs-epub").iterdir():
        kept.unlink()  # made again, not copied
    build(tree.project, request, progress=lambda line: None)
    assert len(prepares) == 1
    assert ebook.read_bytes() == first
    assert len(list((tree.root / "build" / ".cache" / "book").glob("*.json"))) == 1
    build(tree.project, Request(formats=("epub",), force=True), progress=lambda line: None)
    assert len(prepares) == 2  # --force takes nothing kept


@pytest.mark.parametrize("change", ["chapter", "sources", "new clinic defaults", "theme override",
                                    "chapter made a link"])
def test_any_change_to_what_was_read_checks_the_book_again(tree, prepares, change):
    prepare_kept(tree.project)
    prepare_kept(tree.project)
    assert len(prepares) == 1
    if change == "chapter":
        tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER.replace("A third", "A fourth"))
    elif change == "sources":
        text = (tree.root / "sources/sources.yaml").read_text()
        tree.write("sources/sources.yaml", text.replace("A test source.", "A changed note."))
    elif change == "new clinic defaults":  # a file appears that the build only looked for
        clinic = (tree.chapters / "clinic.yaml").read_text()
        tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER.replace("      - clinic: fasting\n", ""))
        (tree.chapters / "clinic.yaml").unlink()
        prepare_kept(tree.project)
        prepare_kept(tree.project)
        assert len(prepares) == 2
        tree.write("chapters/en/clinic.yaml", clinic)
    elif change == "theme override":  # a file of the book's own appears where the theme is looked for
        tree.write("layouts/theme.yaml", (handbook.theme.default_theme_dir() / "theme.yaml").read_text())
    elif change == "chapter made a link":
        (tree.root / "chapters" / "elsewhere.yaml").write_text(SAMPLE_CHAPTER)
        (tree.chapters / "sample.yaml").unlink()
        (tree.chapters / "sample.yaml").symlink_to(tree.root / "chapters" / "elsewhere.yaml")
    before = len(prepares)
    prepare_kept(tree.project)
    assert len(prepares) == before + 1


def test_a_mistake_is_reported_even_where_the_last_good_book_was_kept(tree, prepares):
    prepare_kept(tree.project)
    tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER.replace("[@alpha].", "[@gamma]."))
    with pytest.raises(HandbookError) as error:
        prepare_kept(tree.project)
    assert "sample.yaml:6:" in str(error.value) and "gamma" in str(error.value)
    with pytest.raises(HandbookError):  # and a failed check keeps nothing: it fails again
        prepare_kept(tree.project)


def test_a_picture_changed_in_place_is_decoded_again(tree, prepares):
    picture = tree.write("chapters/en/images/steps.png", _png(1))
    chapter = SAMPLE_CHAPTER + "      - figure:\n          src: images/steps.png\n          alt: Three steps.\n" \
        "          caption: The steps [@alpha].\n"
    tree.write("chapters/en/sample.yaml", chapter)
    prepare_kept(tree.project)
    prepare_kept(tree.project)
    assert len(prepares) == 1
    picture.write_bytes(b"not a picture at all")
    with pytest.raises(HandbookError) as error:
        prepare_kept(tree.project)
    assert "steps.png" in str(error.value)


def test_the_date_the_reviews_are_checked_against_is_part_of_the_key(tree, prepares, monkeypatch):
    chapter = tree.chapters / "sample.yaml"
    chapter.write_text("review:\n  by: Dr Test Reviewer\n  on: 2025-06-01\n  next: 2026-12-01\n" + chapter.read_text())
    prepare_kept(tree.project)  # built on 2026-11-22: the review is not yet due
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 30 * 86400))
    with pytest.raises(HandbookError) as error:
        prepare_kept(tree.project)
    assert "sample.yaml:2: review overdue since 2026-12-01" in str(error.value)


class Planted:
    """What a stranger's pickle would do when loaded: leave a mark."""

    def __reduce__(self):
        return (os.system, (f"touch {os.environ['HANDBOOK_TEST_MARK']}",))


def test_a_damaged_forged_or_planted_kept_book_is_ignored_and_runs_nothing(tree, prepares, tmp_path, monkeypatch):
    mark = tmp_path / "ran"
    monkeypatch.setenv("HANDBOOK_TEST_MARK", str(mark))
    prepare_kept(tree.project)
    [record] = (tree.root / "build" / ".cache" / "book").glob("*.json")
    data = record.with_suffix(".json.data")
    good_record, good_data = record.read_bytes(), data.read_bytes()
    forged = json.loads(good_record) | {"meta": {"files": {}, "folders": {}}}  # no longer signed
    damages = [(record, b""), (record, b"\x80\x05garbage"), (record, json.dumps(forged).encode()),
               (data, b""), (data, pickle.dumps(Planted())), (data, good_data.replace(b"Sample chapter", b"Forged"))]
    for path, damage in damages:
        record.write_bytes(good_record)
        data.write_bytes(good_data)
        path.write_bytes(damage)
        book = prepare_kept(tree.project)
        assert book.books["en"].chapters[0].title == "Sample chapter", damage
    assert len(prepares) == 1 + len(damages)
    assert not mark.exists()
    pickled = tree.root / "build" / ".cache" / "book" / "old.pickle"  # what an older handbook kept
    pickled.write_bytes(pickle.dumps(Planted()))
    prepare_kept(tree.project)
    assert not mark.exists()


def _png(shade: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (shade, shade, shade)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow  # lays out a book of its own
@pytest.mark.parametrize("change", ["chapter", "build date", "template"])
def test_an_e_book_renders_the_print_html_again_whenever_its_inputs_change(tree, prepares, monkeypatch, change):
    """With the book unchanged the e-book trusts the kept page map without rendering the print
    HTML to compare; any change to what that HTML is made of renders it again."""
    build(tree.project, Request(formats=("pdf", "epub")), progress=lambda line: None)
    ebook = tree.root / "build" / "sample-handbook.epub"
    first = ebook.read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("the print HTML was rendered")

    monkeypatch.setattr(handbook.pdf.paginate, "render_print", refuse)
    ebook.unlink()
    for kept in (tree.root / "build" / ".cache" / "outputs-epub").iterdir():
        kept.unlink()  # made again, not copied
    report = build(tree.project, Request(formats=("epub",)), progress=lambda line: None)
    assert ebook.read_bytes() == first and sum(result.layouts for result in report.made) == 0
    if change == "chapter":
        tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER.replace("A third", "A fourth"))
    elif change == "build date":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    else:
        template = handbook.theme.default_theme_dir() / "print" / "book.html.j2"
        tree.write("layouts/print/book.html.j2", template.read_text().replace("</body>", "<!-- ours --></body>"))
    with pytest.raises(AssertionError, match="the print HTML was rendered"):
        build(tree.project, Request(formats=("epub",)), progress=lambda line: None)


def test_a_book_saved_while_it_was_being_read_is_not_kept(tree, prepares, monkeypatch):
    real = handbook.prepare.prepare

    def saved_meanwhile(*args, **kwargs):
        book = real(*args, **kwargs)
        tree.write("chapters/en/sample.yaml", SAMPLE_CHAPTER.replace("A third", "A fourth"))  # the editor saves
        return book

    monkeypatch.setattr(handbook.prepare, "prepare", saved_meanwhile)
    prepare_kept(tree.project)
    assert not list((tree.root / "build" / ".cache" / "book").glob("*.json"))
