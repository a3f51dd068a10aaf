"""Rendered output of the small tree, compared with tests/golden/ (update: pytest --update-golden)."""
from __future__ import annotations

import zipfile

from conftest import ROOT
from handbook.build import build, load
from handbook.editions import EDITIONS
from handbook.render import environment, render_print


def test_print_html_matches_golden(tree, golden):
    book, index = load(tree.project)
    html = render_print(environment(ROOT / "layouts"), book, index, EDITIONS["a4"], "2026-01-01T00:00:00+00:00")
    golden("sample-print.html", html)


def test_epub_documents_match_golden(tree, golden, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    [epub] = build(tree.project, ["epub"], [])
    archive = zipfile.ZipFile(epub)
    for name in ("sample.xhtml", "nav.xhtml", "sources.xhtml", "content.opf"):
        golden(f"sample-{name}", archive.read(f"EPUB/{name}").decode())
