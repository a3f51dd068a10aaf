"""Rendering: strict templates, escaped content, citation markers and their links."""
from __future__ import annotations

import datetime
import gettext
import re

import pytest

from handbook.editions import Edition
from handbook.errors import HandbookError
from handbook.prepare import prepare
from handbook.render.context import Context
from handbook.render.env import environment
from handbook.render.print import render_print
from handbook.theme import default_theme_dir

DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def context(tree, clinic: str = "") -> tuple:
    handbook = prepare(tree.project)
    edition = Edition(clinic, "en", "a4", "pdf")
    return handbook, Context(tree.project, handbook.theme, handbook.books["en"], handbook.clinic(clinic, "en"),
                             handbook.indexes["en"], edition, "urn:x", DATE, gettext.NullTranslations().gettext)


def render(tree) -> str:
    handbook, ctx = context(tree)
    return render_print(environment(handbook.theme), ctx)


def test_hostile_text_is_escaped(tree):
    tree.write("chapters/en/sample.yaml", """\
title: "<script>alert('title')</script>"
sections:
  - title: First
    blocks:
      - paragraph: "<img src=x onerror=alert(1)> and <b>bold</b>
          [x](https://example.org/\\"onmouseover=\\"alert(1)) [@alpha] [@beta]."
""")
    html = render(tree)
    assert "<script>" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '"onmouseover=' not in html  # a quote in an address stays inside it (javascript: is refused: bad_input)


def test_citation_markers_link_to_the_numbered_source(tree):
    html = render(tree)
    # A marker is named by its block (section id and a hash of the block's text) and its source.
    assert '<a class="cite" id="first-part_b3afa9_cite_alpha" href="#source-alpha">1</a>' in html
    assert ('<a class="cite" id="first-part_163050_cite_alpha" href="#source-alpha">1</a>, '
            '<a class="cite" id="first-part_163050_cite_beta_2" href="#source-beta">2</a>') in html
    assert 'emphasis</em><sup class="cite">' in html  # the marker sits against the word
    assert '<li id="source-alpha">' in html and '<a class="page-ref" href="#first-part_b3afa9_cite_alpha"></a>' in html


def test_clinic_instruction_and_default_name(tree):
    html = render(tree)
    assert "Our advice, until your clinic gives you its own" in html  # the book's own edition: no clinic wrote it
    assert "whether you need to stop eating" in html


def test_a_books_own_layouts_override_the_default_theme_file_by_file(tree):
    partial = (default_theme_dir() / "partials" / "blocks.html.j2").read_text()
    tree.write("layouts/partials/blocks.html.j2", partial.replace("clinic-note-title", "clinic-note-title our-own"))
    html = render(tree)
    assert 'class="clinic-note-title our-own"' in html  # the book's partial
    assert '<section class="cover" id="cover"' in html  # the default theme's book template


def test_a_template_typo_fails_instead_of_printing_nothing(tree):
    tree.write("layouts/print/book.html.j2", "<p>{{ book.titel }}</p>")
    handbook, ctx = context(tree)
    with pytest.raises(HandbookError) as caught:
        render_print(environment(handbook.theme), ctx)
    [problem] = caught.value.problems
    assert (problem.location.path.name, problem.location.line) == ("book.html.j2", 1)
    assert "titel" in problem.message


def test_checklists_and_tables_get_boxes_to_tick_in_print(tree):
    tree.write("chapters/en/sample.yaml", """\
title: Sample
sections:
  - title: Before your first session
    blocks:
      - checklist:
          - Ask who will drive you home [@alpha].
          - Write down your medicines [@beta].
      - table:
          caption: The day of your session
          tick_boxes: true
          header: [What to do, When]
          rows:
            - [Eat a light meal, The night before]
        guidance: true
""")
    html = render(tree)
    assert html.count('<span class="tick-box" aria-hidden="true"></span>') == 3
    assert re.search(r'<ul id="before-your-first-session_[0-9a-f]{6}" class="checklist">', html)
    assert '<td class="tick-cell"></td><th scope="col">What to do</th>' in html
