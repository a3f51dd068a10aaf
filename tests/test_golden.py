"""Rendered output of the small book, compared with tests/golden/ (update: pytest --update-golden)."""
from __future__ import annotations

import zipfile

from handbook.build import Request, build
from handbook.render.env import environment
from handbook.render.print import render_print
from test_render import context


def test_print_html_matches_golden(tree, golden):
    handbook, ctx = context(tree)
    golden("sample-print.html", render_print(environment(handbook.theme), ctx))


def test_epub_documents_match_golden(tree, golden, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    build(tree.project, Request(formats=("epub",), workers=1), progress=lambda line: None)
    archive = zipfile.ZipFile(tree.root / "build" / "sample-handbook.epub")
    for name in ("sample.xhtml", "nav.xhtml", "sources.xhtml", "notes.xhtml", "toc.ncx", "content.opf"):
        golden(f"sample-{name}", archive.read(f"EPUB/{name}").decode())
