"""What a production review checks in the printed editions: links a reader can click and
a screen reader can name, large print that stays large, printer's quotes, table headers
that say what they head."""
from __future__ import annotations

import math
import re
from collections import Counter

import pikepdf
import pytest
from pypdf import PdfReader

LAYOUTS = ("a4", "large-print", "letter", "print-shop")


@pytest.fixture(scope="module")
def book(built):
    return built.handbook.books["en"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_link_can_be_clicked_and_leads_somewhere(built, layout):
    pdf = pikepdf.open(built.pdf(layout))
    destinations = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
    links = 0
    for number, page in enumerate(pdf.pages, start=1):
        seen = set()
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            links += 1
            x1, y1, x2, y2 = (float(value) for value in annotation.Rect)
            assert abs(x2 - x1) > 2 and abs(y2 - y1) > 4, f"page {number}: a link with no area"
            if "/Dest" in annotation:
                assert str(annotation.Dest) in destinations, f"page {number}: a link to nowhere"
            else:
                assert str(annotation.A.URI).startswith(("https:", "mailto:", "tel:"))
            key = (round(x1), round(y1), str(annotation.get("/Dest", "")))
            assert key not in seen, f"page {number}: the same link twice"
            seen.add(key)
            words = str(annotation.get("/Contents", ""))
            assert not re.fullmatch(r"cite_[\w-]+|source-\d+", words), f"page {number}: a link described by an id"
    assert links > 300  # the citation markers among them


def test_table_header_cells_say_what_they_head(built):
    pdf = pikepdf.open(built.pdf("a4"))
    scopes = Counter(str(element.A.get("/Scope")) for element in pdf.objects
                     if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/TH")
    assert scopes["/Column"] > 10 and scopes["/Row"] > 10 and set(scopes) == {"/Column", "/Row"}


def test_large_print_is_18_point_everywhere_and_never_hyphenated(built, book):
    from handbook.analyse.readability import chapter_prose

    compounds = {word.strip(".,;:()“”") for chapter in book.chapters
                 for word in chapter_prose(chapter).split() if "-" in word}
    reader = PdfReader(built.pdf("large-print"))
    lines = []
    small: list = []
    for number, page in enumerate(reader.pages, start=1):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2]))
                if round(size * scale, 1) < 18:
                    small.append((number, round(size * scale, 1), text.strip()[:30]))
        lines += page.extract_text(visitor_text=visit).splitlines()
    assert small == []
    for line, following in zip(lines, lines[1:]):
        if re.search(r"[a-záéíóúñ]-$", line) and following.split():
            word = line.split()[-1] + following.split()[0].strip(".,;:()“”")
            assert word in compounds, f"a word broken across lines: {word!r}"


def test_quotes_are_printers_quotes(built):
    text = "\n".join(page.extract_text() for page in PdfReader(built.pdf("a4")).pages)
    assert '"' not in text
    assert "“" in text and "”" in text
