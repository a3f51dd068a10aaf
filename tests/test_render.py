"""Rendering: strict templates, escaped content, citation markers and their links."""
from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from conftest import ROOT
from handbook.build import load
from handbook.editions import EDITIONS
from handbook.render import environment, render_print


def render(tree) -> str:
    book, index = load(tree.project)
    return render_print(environment(ROOT / "layouts"), book, index, EDITIONS["a4"], "2026-01-01T00:00:00+00:00")


def test_hostile_text_is_escaped(tree):
    tree.write("chapters/sample.yaml", """\
title: "<script>alert('title')</script>"
sections:
  - title: First
    blocks:
      - paragraph: "<img src=x onerror=alert(1)> and <b>bold</b> [x](javascript:alert(1)) [@alpha] [@beta]."
""")
    html = render(tree)
    assert "<script>" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html


def test_citation_markers_link_to_the_numbered_source(tree):
    html = render(tree)
    assert '<a class="cite" id="cite_sample_1" href="#source-1">1</a>' in html
    assert '<a class="cite" id="cite_sample_3" href="#source-1">1</a>, <a class="cite" id="cite_sample_4" href="#source-2">2</a>' in html
    assert 'emphasis</em><sup class="cite">' in html  # the marker sits against the word
    assert '<li id="source-1">' in html and '<a class="page-ref" href="#cite_sample_1"></a>' in html


def test_clinic_instruction_and_default_name(tree):
    html = render(tree)
    assert "Your clinic’s instructions" in html
    assert "whether you need to stop eating or drinking" in html


def test_a_template_typo_fails_instead_of_printing_nothing(tree, tmp_path):
    layouts = tmp_path / "typo-layouts"
    (layouts / "print").mkdir(parents=True)
    (layouts / "print" / "book.html.j2").write_text("<p>{{ book.titel }}</p>")
    book, index = load(tree.project)
    with pytest.raises(UndefinedError):
        render_print(environment(layouts), book, index, EDITIONS["a4"], "2026-01-01")
