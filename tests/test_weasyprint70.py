"""The code bound to WeasyPrint 70's internals (handbook/pdf/weasyprint70/): each fix is installed
on the WeasyPrint the project pins, changes no page and no byte, and says so when a pin moves.

These run in the quick tier on purpose (issue 33): they are the alarm for an upgrade of
WeasyPrint or pydyf, so they lay out a small generated book (a few pages) in this process."""
from __future__ import annotations

import dataclasses
import io
import sys

import pytest

from conftest import ROOT
from handbook.editions import Edition
from handbook.jobs import Workshop
from handbook.pdf.weasyprint70 import pins
from handbook.pdf.weasyprint70.speedups import as_released, install
from handbook.prepare import prepare
from handbook.project import Project
from handbook.render.print import render_print

sys.path.insert(0, str(ROOT / "scripts"))
from long_book import write_book  # noqa: E402


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A generated book of a few A4 pages, with its workshop, context and first HTML."""
    book = prepare(Project.at(write_book(tmp_path_factory.mktemp("small"), 4)))
    workshop = Workshop(book, fresh=True)
    context = workshop.context(Edition("", "en", "a4", "pdf"))
    return workshop, context, render_print(workshop.env("en"), context)


def _pdf(layout, context) -> bytes:
    target = io.BytesIO()
    layout.write(target, context.link_words())
    return target.getvalue()


def test_every_pin_matches_the_installed_weasyprint_and_pydyf():
    """The alarm for an upgrade: a pin that moved means a fix stands aside (docs/speed.md, upgrading WeasyPrint)."""
    install()
    with as_released():
        assert [pin for pin in pins.PINS if not pins.matches(pin)] == []


def test_a_pin_that_does_not_match_is_said_once_and_the_fix_stands_aside(monkeypatch, capsys):
    moved = tuple(dataclasses.replace(pin, sha="0" * 16) if pin.fix == "target_counters" else pin for pin in pins.PINS)
    monkeypatch.setattr(pins, "PINS", moved)
    pins.usable.cache_clear()
    try:
        assert not pins.usable("target_counters") and not pins.usable("target_counters")
    finally:
        pins.usable.cache_clear()
    error = capsys.readouterr().err
    assert error.count("is not the code the local fix 'target_counters' was written for") == 1, error


def test_a_function_without_its_source_stands_aside_instead_of_failing():
    assert pins.source_hash(len) is None  # a built-in has no Python source, as a .pyc-only install


def test_the_speedups_change_no_page_and_no_byte(small):
    workshop, context, html = small
    typesetter = workshop.typesetter("a4", "en")
    install()
    with as_released():
        before = typesetter.lay_out(html)
        released = _pdf(before, context)
    after = typesetter.lay_out(html)
    assert after.page_count >= 4 and before.anchor_pages() == after.anchor_pages()
    assert _pdf(after, context) == released


def test_the_appendix_made_again_alone_is_byte_for_byte_a_layout_of_the_final_html(small):
    workshop, context, html = small
    typesetter = workshop.typesetter("a4", "en")
    paginator = workshop.paginator
    first = typesetter.lay_out(html, keep=True)
    final = render_print(workshop.env("en"), context, first.anchor_pages())
    cut = paginator._cut(context, first.anchor_pages())
    assert cut.changed, "the small book must have sources cited twice on a page"
    shortened = typesetter.shorten_appendix(first, html, final, cut)
    assert shortened is not None and shortened is not first
    assert _pdf(shortened, context) == _pdf(typesetter.lay_out(final), context)
