"""The local fixes for WeasyPrint's quadratic costs (handbook/pdf/speedups.py) change no page and no byte."""
from __future__ import annotations

import subprocess
import sys

import pikepdf
import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow  # Lays a generated book out twice in fresh processes.

WRITE_BOTH_WAYS = """
import sys
sys.path[:0] = [{root!r}, {scripts!r}]
from pathlib import Path
from long_book import write_book
import handbook.pdf.layout
from handbook.editions import Edition
from handbook.jobs import Workshop
from handbook.pdf.weasyprint70.speedups import install
from handbook.checked import build_date
from handbook.prepare import prepare
from handbook.project import Project
from handbook.render.print import render_print

book = prepare(Project.at(write_book(Path({folder!r}), 15)))
workshop = Workshop(book, build_date(book.settings))
context = workshop.context(Edition("", "en", "a4", "pdf"))
html = render_print(workshop.env("en"), context)
typesetter = workshop.typesetter("a4")
handbook.pdf.layout.install_speedups = lambda: None  # "before": WeasyPrint and pydyf as released
pages = []
for name in ("before", "after"):
    if name == "after":
        install()
    layout = typesetter.lay_out(html)
    assert layout.page_count > 10, layout.page_count
    pages.append(layout.anchor_pages())
    with open(Path({folder!r}) / (name + ".pdf"), "wb") as target:
        layout.write(target, context.link_words())
assert pages[0] == pages[1]
"""


def test_the_layout_and_the_tagged_pdf_are_byte_identical_with_and_without_the_fixes(tmp_path):
    script = WRITE_BOTH_WAYS.format(root=str(ROOT), scripts=str(ROOT / "scripts"), folder=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={"SOURCE_DATE_EPOCH": "1795305600", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    before, after = (tmp_path / "before.pdf").read_bytes(), (tmp_path / "after.pdf").read_bytes()
    assert "/StructTreeRoot" in pikepdf.open(tmp_path / "after.pdf").Root and before == after


def test_the_layout_fix_is_installed_on_the_weasyprint_the_project_pins():
    """If WeasyPrint's method changes, the fix stands aside; this says so when the pin moves."""
    from weasyprint.css.targets import TargetCollector

    from handbook.pdf.weasyprint70.speedups import install

    install()
    assert TargetCollector.cache_target_page_counters.__module__ == "handbook.pdf.weasyprint70.speedups"


def test_page_references_are_those_a_fresh_call_builds_as_pages_are_added():
    import pydyf

    from handbook.pdf.weasyprint70.speedups import install

    install()
    pdf = pydyf.PDF()
    built = []
    for number in range(5):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
        built.append(f"{page.number} 0 R".encode())
        assert pdf.page_references == tuple(built)
        assert pdf.page_references is pdf.page_references  # remembered until the next page
