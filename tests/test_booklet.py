"""Booklets for office printers: small pages imposed two to a side in saddle-stitch order,
and pages padded to a multiple of 4 for a printer who folds sheets."""
from __future__ import annotations

import io
import re

import pikepdf
import pypdfium2
import pytest

from handbook.pdf.booklet import SHEETS, blank_pages, impose, pad, saddle_stitch, sheet_sides

A5 = (419.53, 595.28)


def numbered_pages(count: int, size: tuple[float, float] = A5, boxes: dict | None = None) -> bytes:
    """Return a PDF of `count` pages, each showing its number large in its middle."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for number in range(1, count + 1):
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 60 Tf {size[0] / 2 - 40:.1f} {size[1] / 2:.1f} Td "
                                            f"(P{number}) Tj ET".encode())
        for key, value in (boxes or {}).items():
            page.obj[key] = pikepdf.Array(value)
    pdf.Root.Lang = pikepdf.String("en")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def halves(pdf: bytes) -> list[tuple[str, str]]:
    """Return the text of the left and right half of each page, as PDFium reads it."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        found.append((text.get_text_bounded(0, 0, width / 2, height).strip(),
                      text.get_text_bounded(width / 2, 0, width, height).strip()))
    document.close()
    return found


def test_saddle_stitch_puts_the_outer_pages_on_the_first_sheet():
    assert saddle_stitch(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_stitch(4) == [(4, 1), (2, 3)]
    assert saddle_stitch(5)[0] == (8, 1)  # three blank pages at the end, the back cover among them
    assert [blank_pages(n) for n in (4, 5, 6, 7, 8)] == [0, 3, 2, 1, 0]
    assert sheet_sides(87) == 44


@pytest.mark.parametrize("count", [1, 4, 10, 13])
def test_a_small_book_is_imposed_sheet_by_sheet_in_booklet_order(count):
    """Each page draws its number; read back, each half-sheet shows the page it must."""
    sheets = impose(numbered_pages(count), "a4")
    sides = halves(sheets)
    total = count + blank_pages(count)
    assert len(sides) == total // 2
    expected = [tuple(f"P{number}" if number <= count else "" for number in side) for side in saddle_stitch(count)]
    assert sides == expected
    if count == 10:  # spelled out once: 12 pages, 3 sheets; the last two pages are blank
        assert sides == [("", "P1"), ("P2", ""), ("P10", "P3"), ("P4", "P9"), ("P8", "P5"), ("P6", "P7")]


@pytest.mark.parametrize("sheet", ["a4", "letter"])
def test_imposed_sheets_are_landscape_and_ask_for_short_edge_duplex_at_actual_size(sheet):
    pdf = pikepdf.open(io.BytesIO(impose(numbered_pages(6), sheet)))
    for page in pdf.pages:
        assert [round(float(value), 2) for value in page.MediaBox] == [0, 0, *SHEETS[sheet]]
    assert pdf.Root.ViewerPreferences.Duplex == pikepdf.Name.DuplexFlipShortEdge
    assert pdf.Root.ViewerPreferences.PrintScaling == pikepdf.Name("/None")
    assert pdf.Root.Lang == "en"
    assert "/StructTreeRoot" not in pdf.Root  # see docs/editions.md: the tagged pages are a file of their own


def test_a_page_is_centred_in_its_half_at_its_own_size():
    """Half-Letter pages on Letter sheets: each page fills its half exactly, not scaled."""
    pdf = impose(numbered_pages(4, (396, 612)), "letter")
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage()
    assert text.get_text_range() == "P4 P1"
    for index, half in ((0, 0), (3, 396)):  # each "P" drawn at (158, 306) on its page
        left, bottom, _, _ = text.get_charbox(index)
        assert half + 158 <= left < half + 158 + 8 and 306 - 1 < bottom < 306 + 1
    document.close()


def test_imposing_is_reproducible():
    pages = numbered_pages(9)
    assert impose(pages, "a4") == impose(pages, "a4")


def test_padding_adds_blank_pages_with_the_boxes_and_marks_at_the_end():
    trim = [34.0, 34.0, 629.3, 875.9]
    bleed = [25.5, 25.5, 637.8, 884.4]
    pages = numbered_pages(5, (663.3, 909.9), {"/TrimBox": trim, "/BleedBox": bleed})
    source = pikepdf.open(io.BytesIO(pages))
    source.pages[-1].obj.Resources.ColorSpace = pikepdf.Dictionary(Registration=pikepdf.Array(
        [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, pikepdf.Dictionary()]))
    out = io.BytesIO()
    source.save(out)
    padded = pad(out.getvalue(), 4, ("crop",))
    assert padded == pad(out.getvalue(), 4, ("crop",))
    pdf = pikepdf.open(io.BytesIO(padded))
    assert len(pdf.pages) == 8
    assert [text for text, _ in halves(padded)][:5] != [""] * 5
    for page in pdf.pages[5:]:
        assert [float(v) for v in page.TrimBox] == trim and [float(v) for v in page.BleedBox] == bleed
        assert b"/Registration CS" in page.Contents.read_bytes() and page.Tabs == pikepdf.Name.S
    assert [left + right for left, right in halves(padded)[5:]] == ["", "", ""]
    assert len(pikepdf.open(io.BytesIO(pad(padded, 4))).pages) == 8  # a multiple already: nothing added


def letters(text: str) -> str:
    """Return a page's text without its spaces, line ends and PDFium's marks of a line-end hyphen."""
    return re.sub(r"[\s\x02]", "", text)


def test_the_real_booklet_sheets_hold_the_booklet_pages_in_order(built):
    """The first sheet's front holds the last page (blank here: the back cover) and the cover;
    every half-sheet shows the words of the page saddle-stitch order puts there."""
    for layout in ("booklet", "booklet-letter"):
        pages = built.page_texts(layout)
        sides = halves(built.pdf(layout, format="sheets").read_bytes())
        assert len(sides) == sheet_sides(len(pages))
        first_left, first_right = sides[0]
        book = built.handbook.books["en"]
        assert book.title in first_right
        assert letters(first_left) == (letters(pages[-1]) if len(pages) % 4 == 0 else "")
        for side, numbers in zip(sides, saddle_stitch(len(pages)), strict=True):
            for words, number in zip(side, numbers, strict=True):
                expected = pages[number - 1] if number <= len(pages) else ""
                # The same characters in the same order; PDFium spaces the lines of a page drawn
                # in a form a little differently, and marks a line-end hyphen (\x02) apart.
                assert letters(words) == letters(expected), f"{layout}: page {number}"


def test_the_booklet_pages_stay_tagged_beside_the_sheets(built):
    pages = pikepdf.open(built.pdf("booklet"))
    assert "/StructTreeRoot" in pages.Root and pages.Root.Lang == "en"
    width, height = (float(value) for value in pages.pages[1].MediaBox[2:])
    assert (round(width), round(height)) == (420, 595)  # A5
    letter = pikepdf.open(built.pdf("booklet-letter"))
    assert [round(float(value)) for value in letter.pages[1].MediaBox[2:]] == [396, 612]  # 5.5 × 8.5 in


@pytest.mark.slow  # lays out a small book of its own in the booklet layout
def test_building_the_booklet_layout_writes_the_tagged_pages_and_the_sheets(tree):
    from handbook.build import Request, build
    from handbook.incremental.manifest import read_manifest

    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("  layouts: [a4]\n", "  layouts: [a4, booklet]\n"))
    build(tree.project, Request(layouts=("booklet",), formats=("pdf",)), progress=lambda line: None)
    out = tree.root / "build"
    pages, sheets = (pikepdf.open(out / name) for name in ("sample-handbook-booklet.pdf",
                                                              "sample-handbook-booklet-sheets.pdf"))
    assert "/StructTreeRoot" in pages.Root and "/StructTreeRoot" not in sheets.Root
    assert len(sheets.pages) == sheet_sides(len(pages.pages))
    assert [round(float(value)) for value in sheets.pages[0].MediaBox[2:]] == [842, 595]
    manifest = read_manifest(out / "manifest.json")
    assert manifest["sample-handbook-booklet-sheets.pdf"].edition["format"] == "sheets"
    assert manifest["sample-handbook-booklet-sheets.pdf"].pages == len(sheets.pages)
