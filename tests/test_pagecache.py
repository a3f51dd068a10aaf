"""Each edition laid out once where the page map is known, and never a wrong page number.

The books here are made by scripts/long_book.py: a score of pages whose citations fall on
many pages, so that a page map can really be stale. Each build runs in its own process,
as `make` runs it, and says how many layouts it made.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile

import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import EPOCH, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from long_book import write_book  # noqa: E402

pytestmark = pytest.mark.slow  # Each scenario builds a generated book several times in fresh processes.

X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NAME = "long-test-book"


def build(root, out, *args):
    """Build in a fresh process; return how many print layouts it made, and how many times it made
    only the sources appendix again (pdf/weasyprint70/relayout.py)."""
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "build", *args, "--out", str(out)],
                            capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    found = re.search(r"\((\d+) print layouts? made(?:, (\d+) sources appendix(?:es)? laid out again)?\)",
                      result.stdout)
    return (int(found.group(1)), int(found.group(2) or 0)) if found else (0, 0)


def again(root, out, *args):
    """Build once more as after an edit: the outputs and the kept outputs gone, every page map kept."""
    import shutil

    kinds = [kind for kind in ("pdf", "epub") if kind in args] or ["pdf", "epub"]  # what this build makes again
    for path in list(out.rglob("*")):
        if path.suffix[1:] in kinds and ".cache" not in path.relative_to(out).parts:
            path.unlink()
    for kind in kinds:
        shutil.rmtree(out / ".cache" / f"outputs-{kind}", ignore_errors=True)
    return build(root, out, *args)


def outputs(out):
    return {name: (out / name).read_bytes() for name in (f"{NAME}.pdf", f"{NAME}.epub")}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return write_book(tmp_path_factory.mktemp("long"), 15)


def test_a_known_page_map_lays_out_once_and_the_ebook_not_at_all_with_the_bytes_of_a_cold_build(book, tmp_path):
    warm = tmp_path / "warm"
    # Nothing known: one layout listing every citation, then only the appendix's pages made
    # again with one citation per page.
    assert build(book, warm) == (1, 1)
    assert again(book, warm) == (1, 0)  # the final HTML laid out from scratch
    warmed = outputs(warm)
    assert again(book, warm, "epub") == (0, 0)
    assert outputs(warm) == warmed
    cold = tmp_path / "cold"
    assert build(book, cold) == (1, 1)
    assert outputs(cold) == warmed
    assert_cited_on_pages_are_where_the_citations_are(cold / f"{NAME}.pdf")
    assert_page_list_follows_the_pdf(cold / f"{NAME}.pdf", cold / f"{NAME}.epub")


def test_a_stale_page_map_never_prints_a_wrong_page_number(book, tmp_path):
    out = tmp_path / "out"
    build(book, out)
    # Pages of new text at the start of the first chapter: every citation after it moves on.
    chapter = book / "chapters" / "en" / "part-001.yaml"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("    blocks:\n", "    blocks:\n" + "".join(
        f"      - paragraph: An added paragraph, number {n}, long enough to fill two lines or three of a "
        f"page of the book, with no citation, so that the page map knows every marker but not its page.\n"
        f"        guidance: true\n" for n in range(30)), 1), encoding="utf-8")
    try:
        assert build(book, out) == (2, 0)  # the old pages, found wrong after one layout, then the right ones
        pdf, epub = out / f"{NAME}.pdf", out / f"{NAME}.epub"
        assert_cited_on_pages_are_where_the_citations_are(pdf)
        assert_page_list_follows_the_pdf(pdf, epub)
        cold = tmp_path / "cold"
        build(book, cold)
        assert outputs(cold) == outputs(out)
    finally:
        chapter.write_text(text, encoding="utf-8")


def assert_cited_on_pages_are_where_the_citations_are(pdf_path):
    """Each source's "Cited on pages" are the pages whose citation links point to it, read from the PDF."""
    pdf = pikepdf.open(pdf_path)
    citing: dict[str, set[int]] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            destination = str(annotation.get("/Dest", ""))
            if destination.startswith("source-"):
                citing.setdefault(destination, set()).add(number)
    # The appendix's last three pages, and the print-shop master's blank pages after them (up to three).
    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages[-6:])
    printed = [sorted(int(n) for n in re.findall(r"\d+", match))
               for match in re.findall(r"Cited on pages? ([\d,\s]+)\.", text)]
    destinations = pikepdf.NameTree(pdf.Root.Names.Dests)

    def listed_at(name: str) -> tuple[int, float]:  # the appendix's order: by page, then down the page
        destination = destinations[name]
        return pdf.pages.index(pdf.pages.from_objgen(*destination[0].objgen)), -float(destination[3])

    assert printed == [sorted(citing[name]) for name in sorted(citing, key=listed_at)]
    assert len(printed) == 4 and max(map(max, printed)) > 10


def assert_page_list_follows_the_pdf(pdf_path, epub_path):
    """The e-book's page list counts the PDF's pages, and each chapter starts after the marker of
    the page its bookmark in the PDF points to."""
    reader = PdfReader(pdf_path)
    starts = {item.title: reader.get_destination_page_number(item) + 1
              for item in reader.outline if not isinstance(item, list)}
    with zipfile.ZipFile(epub_path) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
        numbers = [a.text for nav_element in nav.iter(f"{X}nav") if nav_element.get("role") == "doc-pagelist"
                   for a in nav_element.iter(f"{X}a")]
        assert numbers == [str(n) for n in range(1, len(reader.pages) + 1)]
        checked = 0
        for name in archive.namelist():
            if not re.fullmatch(r"EPUB/part-\d+\.xhtml", name):
                continue
            document = etree.fromstring(archive.read(name))
            section = next(document.iter(f"{X}section"))
            title = "".join(next(section.iter(f"{X}h1")).itertext()).strip()
            assert section[0].get(EPUB_TYPE) == "pagebreak"
            assert section[0].get("id") == f"page-{starts[title]}", title
            checked += 1
        assert checked == 2


def test_an_edition_built_for_the_first_time_is_laid_out_once_from_a_relatives_pages(tmp_path):
    book = write_book(tmp_path / "book", 15)
    settings = book / "chapters" / "book.yaml"
    settings.write_text(settings.read_text().replace(
        "  layouts: [a4]\n  formats: [pdf, epub]\n",
        "  layouts: [a4, print-shop]\n  formats: [pdf]\n  clinics: [clinics/*.yaml]\n"))
    for name in ("north", "south"):
        (book / "clinics").mkdir(exist_ok=True)
        (book / "clinics" / f"{name}.yaml").write_text(f"name: {name.title()} Clinic\n")
    out = tmp_path / "out"
    assert build(book, out, "--clinic", "-", "--layout", "a4") == (1, 1)  # nothing known
    assert build(book, out, "--layout", "a4", "--jobs", "1") == (2, 0)  # each clinic once, from the book's own pages
    north = (out / f"north/en/{NAME}.pdf").read_bytes()  # again() below removes every PDF in out
    # Another layout's pages are seldom right: every citation listed, then the appendix again.
    assert build(book, out, "--clinic", "-", "--layout", "print-shop") == (1, 1)
    assert again(book, out, "--clinic", "-", "--layout", "print-shop") == (1, 0)  # from scratch
    cold = tmp_path / "cold"  # each alone, with nothing known: the same bytes
    assert build(book, cold, "--clinic", "north", "--layout", "a4") == (1, 1)
    assert build(book, cold, "--clinic", "-", "--layout", "print-shop") == (1, 1)
    assert (cold / f"north/en/{NAME}.pdf").read_bytes() == north
    assert (cold / f"{NAME}-print-shop.pdf").read_bytes() == (out / f"{NAME}-print-shop.pdf").read_bytes()
    assert_cited_on_pages_are_where_the_citations_are(out / f"{NAME}-print-shop.pdf")


def test_a_source_left_with_one_page_is_cited_on_page_not_pages(tmp_path):
    """The appendix made again says "page" where every citation of a source fell on one page,
    as the HTML laid out from scratch says it."""
    book = write_book(tmp_path / "book", 15)
    with (book / "sources" / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write("  - id: fifth\n    title: The fifth generated article\n    author: Nobody\n"
                      '    date: "2026"\n    kind: web article\n    note: Made up for this test.\n')
    chapter = book / "chapters" / "en" / "part-002.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("    blocks:\n", (
        "    blocks:\n      - paragraph: This one short paragraph cites the fifth article [@fifth], and then"
        " the fifth article again [@fifth].\n"), 1), encoding="utf-8")
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    assert build(book, cold) == (1, 1)
    text = "".join(page.extract_text() for page in PdfReader(cold / f"{NAME}.pdf").pages[-3:])
    assert len(re.findall(r"Cited on page \d+\.", text)) == 1
    assert build(book, warm) == (1, 1)
    assert again(book, warm) == (1, 0)
    assert outputs(cold) == outputs(warm)


def test_a_theme_that_styles_page_references_by_their_place_is_laid_out_twice(tmp_path):
    """Cutting a list changes which reference is last: a theme that styles the last one differently
    gets the second layout, and what it asked for."""
    book = write_book(tmp_path / "book", 15)
    own = book / "layouts" / "print" / "a4.css"
    own.parent.mkdir(parents=True)
    own.write_text((ROOT / "layouts" / "print" / "a4.css").read_text(encoding="utf-8")
                   + ".cited-on a.page-ref:last-child { font-weight: bold; }\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(book, out) == (2, 0)
    assert_cited_on_pages_are_where_the_citations_are(out / f"{NAME}.pdf")
    assert_page_list_follows_the_pdf(out / f"{NAME}.pdf", out / f"{NAME}.epub")
