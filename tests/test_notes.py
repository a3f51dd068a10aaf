"""One notes model, two print renderings: a layout with `notes: footnotes` prints, at the
foot of each page, one short note for each source cited on it; the others keep endnotes."""
from __future__ import annotations

import re

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import page_runs
from handbook.build import Request, build
from handbook.theme import default_theme_dir

CHAPTER = "title: Sample chapter\nsections:\n  - title: First part\n    blocks:\n" + "".join(
    f"      - paragraph: Fact number {n} is stated here in a line or two of plain words so that the text "
    f"runs over several pages of the book [@{'alpha' if n % 3 else 'beta'}].\n" for n in range(1, 90))


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory):
    """Build a small book whose A4 layout prints footnotes; return its PDF."""
    from conftest import BOOK_YAML, CLINIC_DEFAULTS, SOURCES_YAML

    root = tmp_path_factory.mktemp("footnotes")
    (root / "chapters/en").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "layouts").mkdir()
    (root / "chapters/book.yaml").write_text(BOOK_YAML)
    (root / "chapters/en/sample.yaml").write_text(CHAPTER)
    (root / "chapters/en/clinic.yaml").write_text(CLINIC_DEFAULTS)
    (root / "sources/sources.yaml").write_text(SOURCES_YAML.replace(
        "    title: The first article\n", "    title: The first article\n    short: the first test article\n"))
    theme = (default_theme_dir() / "theme.yaml").read_text()
    (root / "layouts/theme.yaml").write_text(theme.replace(
        "    stylesheets: [print/print.css, print/a4.css]\n",
        "    stylesheets: [print/print.css, print/a4.css]\n    notes: footnotes\n"))
    from handbook.project import Project

    build(Project.at(root), Request(formats=("pdf",), workers=1), progress=lambda line: None)
    return root / "build" / "sample-handbook.pdf"


@pytest.mark.slow  # lays out a book of its own
def test_each_page_has_one_footnote_for_each_source_it_cites(footnoted):
    reader = PdfReader(footnoted)
    pdf = pikepdf.open(footnoted)
    names = pikepdf.NameTree(pdf.Root.Names.Dests)
    entry_page = {n: pdf.pages.index(pdf.pages.from_objgen(*names[f"source-{source_id}"][0].objgen)) + 1
                  for n, source_id in ((1, "alpha"), (2, "beta"))}  # numbered in order of first citation
    cited_pages = 0
    for number, page in enumerate(reader.pages, start=1):
        text, found = page_runs(page)
        body = [(size, y) for size, y, text in found if size == 12.0]
        markers = {int(d) for size, _, text in found if 7 < size < 8.5 for d in re.findall(r"\d+", text)}
        notes = [(int(text), y) for i, (size, y, text) in enumerate(found) if 9 < size < 10
                 and re.fullmatch(r"\d+", text) and not found[i - 1][2].endswith("page")]
        assert sorted(n for n, _ in notes) == sorted(markers), f"page {number}"
        if not markers:
            continue
        cited_pages += 1
        assert all(y < min(y for _, y in body) for _, y in notes), f"page {number}: a note above the text"
        if 1 in markers:  # the note names the source briefly and says where its full entry is
            assert f"The first test article (web article). Sources, page {entry_page[1]}." in text
        if 2 in markers:  # a source without a short name or title is named by its kind
            assert f"Web article (web article). Sources, page {entry_page[2]}." in text
    assert cited_pages >= 3


def test_endnote_layouts_print_no_footnotes(built):
    text = "\n".join(built.page_texts("a4"))
    assert "). Sources, page" not in text
