"""When the sources appendix may be made again alone: the checks of handbook/pdf/relayout.py.

The builds that use it, and the bytes they give against a layout from scratch, are in
test_pagecache.py; here are the checks that decide whether it is used, on small inputs.
"""
from __future__ import annotations

import dataclasses

import pytest

from conftest import ROOT
from handbook.pdf.weasyprint70 import relayout
from handbook.pdf.weasyprint70.relayout import Cut, can_relay, plan

FIRST = ('<section id="sources"><ol>\n<li id="source-1">\nAn article\n<span class="cited-on">Cited on pages\n'
         '<a class="page-ref" href="#c1"></a>, <a class="page-ref" href="#c2"></a>, '
         '<a class="page-ref" href="#c3"></a>.</span>\n</li>\n</ol></section>')


def final(*anchors: str) -> str:
    label = "Cited on page" if len(anchors) == 1 else "Cited on pages"
    refs = ", ".join(f'<a class="page-ref" href="#{anchor}"></a>' for anchor in anchors)
    return FIRST.replace("Cited on pages", label).split("\n<a")[0] + f"\n{refs}.</span>\n</li>\n</ol></section>"


def test_the_final_html_must_be_the_first_with_exactly_the_cut_made():
    assert plan(FIRST, final("c1", "c3"), Cut(frozenset({"c2"}), {}, ("source-1",)))
    assert plan(FIRST, final("c1"), Cut(frozenset({"c2", "c3"}), {"source-1": ("Cited on pages", "Cited on page")},
                                        ("source-1",)))
    # A reference cut that the final HTML still has, a label left as it was, another entry.
    assert not plan(FIRST, final("c1", "c3"), Cut(frozenset({"c3"}), {}, ("source-1",)))
    assert not plan(FIRST, final("c1"), Cut(frozenset({"c2", "c3"}), {}, ("source-1",)))
    assert not plan(FIRST, final("c1", "c3"), Cut(frozenset({"c2"}), {}, ("source-2",)))
    # Another theme's markup: no separator before the reference.
    assert not plan(FIRST.replace(", <a", "<a"), final("c1", "c3").replace(", <a", "<a"),
                    Cut(frozenset({"c2"}), {}, ("source-1",)))


@pytest.mark.parametrize("css, by_place", [
    ("td:empty { height: 9mm; } h2 + p { margin-top: 0; } li:first-child { color: red; }", False),
    ("@media print { p ~ table { color: red; } }", False),
    (".cited-on a.page-ref:last-child { font-weight: bold; }", True),
    ("a + a::before { content: ' and '; }", True),
    (".page-ref:nth-child(2n) { color: red; }", True),
    ("@media print { .sources li > :last-child { color: red; } }", True),
    ("span:only-child { color: red; }", True),
])
def test_a_stylesheet_that_picks_an_a_or_span_by_its_place_rules_out_the_cut(css, by_place):
    assert relayout._by_place(css) is by_place


def test_the_default_theme_allows_the_cut_and_another_weasyprint_does_not(monkeypatch, capsys):
    from handbook.pdf.weasyprint70 import pins

    sheets = sorted((ROOT / "layouts").rglob("*.css"))
    assert sheets and can_relay(sheets)
    changed = tuple(dataclasses.replace(pin, sha="0" * 16) if pin.name == "remake_page" else pin for pin in pins.PINS)
    monkeypatch.setattr(pins, "PINS", changed)
    pins.usable.cache_clear()
    try:
        assert not can_relay(sheets)
    finally:
        pins.usable.cache_clear()
    assert ("handbook: weasyprint.layout.page.remake_page is not the code the local fix 'relayout' was written for"
            in capsys.readouterr().err)
