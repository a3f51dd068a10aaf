"""How the printed pages fall, as a reader turns them: every print edition, in both languages.

Each page is read with PDFium: every object it draws (text, lines, boxes, pictures), where it
lies against the page's trim box, whether it is an artifact (running heads, page numbers,
the backgrounds and borders of boxes) and, for tagged content, which elements of the
structure tree it belongs to. The text block of an edition is where its tagged content
reaches on any page: from the highest top to the lowest bottom.

A page is as full as its lowest object inside the text block; it ends with what its lowest
tagged object belongs to. A page may be short where a chapter (or the cover, the title
page, the reviews, the contents) starts on the next page: that is where a chapter ends.
"""
from __future__ import annotations

import ctypes
import re
from itertools import pairwise
from typing import NamedTuple

import pikepdf
import pytest

from conftest import read_pages

PRINT_LAYOUTS = ("a4", "letter", "large-print", "print-shop", "booklet", "booklet-letter")


def edition(language: str, layout: str):
    """Return a (language, layout) case; the Spanish editions are slow, laid out unless make built them."""
    return pytest.param(language, layout, marks=[pytest.mark.slow] if language == "es" else [])


def in_language(request, built, language: str):
    """Return the session's build with the editions of a language in it (the Spanish ones beside the English)."""
    return request.getfixturevalue("spanish_print") if language == "es" else built


EDITIONS = [edition(language, layout) for language in ("en", "es") for layout in PRINT_LAYOUTS]
DOUBLE_SIDED = ("print-shop", "booklet", "booklet-letter")
HEADINGS = {"H", "H1", "H2", "H3", "H4", "H5", "H6"}
LEAST_FILL = 0.4
SECTIONS = ("cover", "title-page", "colophon", "contents", "sources")
"""The anchors of the parts that start on a page of their own, besides the chapters."""


class Drawn(NamedTuple):
    """One object a page draws, placed in points below the top of its trim box."""

    top: float
    bottom: float
    artifact: bool
    mcid: int
    """Its marked-content id, which the page's entry in the structure tree's ParentTree maps
    to its structure element; -1 for none."""


def _mark_names(drawn) -> list[str]:
    """Return the names of the marked-content sequences an object is drawn in (Artifact, Span, P...)."""
    import pypdfium2.raw as pdfium

    names = []
    for index in range(pdfium.FPDFPageObj_CountMarks(drawn)):
        mark = pdfium.FPDFPageObj_GetMark(drawn, index)
        buffer, length = (ctypes.c_ushort * 128)(), ctypes.c_ulong()
        pdfium.FPDFPageObjMark_GetName(mark, buffer, ctypes.sizeof(buffer), ctypes.byref(length))
        names.append(bytes(buffer)[:length.value].decode("utf-16-le").rstrip("\x00"))
    return names


def drawn_objects(page) -> list[Drawn]:
    """Return every object a PDFium page draws."""
    import pypdfium2.raw as pdfium

    _, _, _, top_edge = page.get_trimbox()
    found = []
    for drawn in page.get_objects(max_depth=3):
        _, bottom, _, top = drawn.get_bounds()
        found.append(Drawn(top_edge - top, top_edge - bottom, "Artifact" in _mark_names(drawn.raw),
                           pdfium.FPDFPageObj_GetMarkedContentID(drawn.raw)))
    return found


def structure_by_page(path) -> list[dict[int, tuple[str, ...]]]:
    """Return, for each page, the structure elements each marked-content id belongs to, from
    the document down (the structure tree's ParentTree, as a screen reader finds them)."""
    pdf = pikepdf.open(path)
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    found = []
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        mapping = {}
        for mcid, element in enumerate(parents[int(key)] if key is not None and int(key) in parents else []):
            kinds = []
            while isinstance(element, pikepdf.Dictionary) and "/S" in element:
                kinds.append(str(element.S)[1:])
                element = element.get("/P")
            mapping[mcid] = tuple(reversed(kinds))
        found.append(mapping)
    return found


class Pages:
    """An edition's pages as drawn, with its text block."""

    def __init__(self, drawn: list[list[Drawn]], structure: list[dict[int, tuple[str, ...]]]):
        self.drawn = drawn
        self.structure = structure
        tagged = [item for page in drawn[1:] for item in page if not item.artifact]  # the cover has no margins
        self.top = min(item.top for item in tagged)
        self.bottom = max(item.bottom for item in tagged)

    def inside(self, number: int) -> list[Drawn]:
        """Return what page `number` (from 1) draws inside the text block: no running head or page number."""
        return [item for item in self.drawn[number - 1] if item.top >= self.top - 1 and item.bottom <= self.bottom + 1]

    def fill(self, number: int) -> float:
        """Return how far down the text block a page's content reaches, from 0 to 1."""
        lowest = max((item.bottom for item in self.inside(number)), default=self.top)
        return (lowest - self.top) / (self.bottom - self.top)

    def ends_with(self, number: int) -> tuple[str, ...]:
        """Return the structure elements the lowest tagged object of a page belongs to."""
        tags = self.structure[number - 1]
        tagged = [item for item in self.inside(number) if not item.artifact and item.mcid in tags]
        return tags[max(tagged, key=lambda item: item.bottom).mcid] if tagged else ()

    def blank(self, number: int) -> bool:
        return not self.inside(number)


_READ: dict = {}


def edition_pages(built, language: str, layout: str) -> Pages:
    """Return an edition's pages as drawn, read once a session."""
    if (language, layout) not in _READ:
        path = built.pdf(layout, language)
        _READ[language, layout] = Pages(read_pages(path, drawn_objects), structure_by_page(path))
    return _READ[language, layout]


def section_starts(built, path) -> set[int]:
    """Return the pages on which a chapter or a part that takes a page of its own begins."""
    pdf = pikepdf.open(path)
    numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    wanted = set(SECTIONS) | set(built.handbook.settings.chapters)
    starts = set()
    for name, target in pikepdf.NameTree(pdf.Root.Names.Dests).items():
        if name in wanted:
            array = target if isinstance(target, pikepdf.Array) else target.D
            starts.add(numbers[array[0].objgen])
    return starts


def ends_a_part(pages: Pages, starts: set[int], number: int) -> bool:
    """Tell whether the next page with content starts a chapter or a part (or there is none):
    pages left blank so that a chapter starts on the right count as part of the gap."""
    following = number + 1
    while following <= len(pages.drawn) and pages.blank(following):
        following += 1
    return following > len(pages.drawn) or following in starts


@pytest.mark.parametrize("language, layout", EDITIONS)
def test_no_page_ends_with_a_heading(request, built, language, layout):
    pages = edition_pages(in_language(request, built, language), language, layout)
    stranded = [number for number in range(1, len(pages.drawn) + 1) if HEADINGS & set(pages.ends_with(number))]
    assert {"Document", "P"} <= {kind for number in range(1, len(pages.drawn) + 1) for kind in pages.ends_with(number)}
    assert stranded == [], f"pages ending with a heading, its text on the next page: {stranded}"


@pytest.mark.parametrize("language, layout", EDITIONS)
def test_every_page_is_at_least_40_percent_full_unless_a_chapter_ends_there(request, built, language, layout):
    built = in_language(request, built, language)
    path = built.pdf(layout, language)
    pages, starts = edition_pages(built, language, layout), section_starts(built, path)
    assert len(starts) == len(built.handbook.settings.chapters) + len(SECTIONS)
    fills = {number: pages.fill(number) for number in range(1, len(pages.drawn) + 1)}
    assert max(fills.values()) > 0.97  # the text block is where the fullest page ends
    short = {number: f"{fill:.0%}" for number, fill in fills.items()
             if fill < LEAST_FILL and not ends_a_part(pages, starts, number)}
    assert short == {}, f"pages less than {LEAST_FILL:.0%} full in mid-chapter: {short}"


def test_the_fill_measure_sees_a_short_page(built):
    """The last page of each chapter is usually short: the measure finds such pages, and they
    are the ones the rule lets be short."""
    pages = edition_pages(built, "en", "a4")
    starts = section_starts(built, built.pdf("a4"))
    short = [number for number in range(2, len(pages.drawn) + 1) if pages.fill(number) < LEAST_FILL]
    assert short and all(ends_a_part(pages, starts, number) for number in short)
    assert not ends_a_part(pages, starts, 6)  # in the middle of the first chapter


def head_text(built, layout: str, language: str = "en") -> list[tuple[str, str]]:
    """Return the running head of each page: the text above the text block, left half and right half."""
    pages = edition_pages(built, language, layout)

    def read(page):
        left, bottom, right, top = page.get_trimbox()
        text = page.get_textpage()
        floor = top - pages.top + 0.5  # the top of the text block, in the page's coordinates
        middle = (left + right) / 2
        return (" ".join(text.get_text_bounded(left, floor, middle, top).split()),
                " ".join(text.get_text_bounded(middle, floor, right, top).split()))

    return read_pages(built.pdf(layout, language), read)


@pytest.mark.parametrize("layout", DOUBLE_SIDED)
def test_running_heads_sit_at_the_outer_edge_of_facing_pages(built, layout):
    """Printed on both sides and bound: the book's title on the left-hand page, at its left edge,
    the chapter's title on the right-hand page, at its right edge."""
    book = built.handbook.books["en"]
    heads = head_text(built, layout)
    titles = {chapter.title for chapter in book.chapters} | {"Sources"}
    spreads = 0
    for verso in range(2, len(heads), 2):  # page numbers from 1: left-hand pages are even
        (verso_left, verso_right), (recto_left, recto_right) = heads[verso - 1], heads[verso]
        if verso_left:
            assert (verso_left, verso_right) == (book.title, ""), f"page {verso}"
        if recto_right or recto_left:
            assert recto_left == "" and recto_right in titles, f"page {verso + 1}: {recto_left!r} {recto_right!r}"
        spreads += bool(verso_left and recto_right)
    assert spreads >= 10


def test_single_sided_editions_keep_both_heads_on_every_page(built):
    """The standard edition, printed on one side: the chapter on the left, the book on the right."""
    book = built.handbook.books["en"]
    heads = head_text(built, "a4")
    starts = sorted(section_starts(built, built.pdf("a4")))
    inside = [number for number in range(starts[4] + 1, starts[-1]) if number not in starts]  # after the contents
    assert len(inside) > 30
    titles = {chapter.title for chapter in book.chapters}
    for number in inside:
        left, right = heads[number - 1]
        assert left in titles and right == book.title, f"page {number}: {left!r} {right!r}"


@pytest.mark.parametrize("language", [pytest.param("en"), pytest.param("es", marks=pytest.mark.slow)])
def test_print_shop_master_has_a_multiple_of_4_pages_with_the_blanks_at_the_end(request, built, language):
    built = in_language(request, built, language)
    path = built.pdf("print-shop", language)
    pdf = pikepdf.open(path)
    pages = edition_pages(built, language, "print-shop")
    assert len(pdf.pages) % 4 == 0
    last_text = max(number for number in range(1, len(pages.drawn) + 1) if not pages.blank(number))
    assert len(pdf.pages) - last_text < 4  # the pages added are blank, after the sources
    for page in pdf.pages[last_text:]:  # blank pages a printer trims like the others: same boxes, same marks
        assert [float(v) for v in page.TrimBox] == [float(v) for v in pdf.pages[0].TrimBox]
        assert b"/Registration CS" in page.Contents.read_bytes()


BAD_BREAKS = {"art-icles", "ketam-ine", "Ketam-ine", "ket-amine", "Ket-amine", "ke-tamine", "glutam-ate",
              "Glutam-ate", "plasti-city"}
"""Breaks the British patterns made in this American book (pyphen reads a bare `en` as en_GB)."""


@pytest.mark.parametrize("language, layout", [edition(language, layout) for language in ("en", "es")
                                              for layout in PRINT_LAYOUTS if layout != "large-print"])
def test_no_word_is_broken_in_a_bad_place(request, built, language, layout):
    from conftest import printed_page

    broken = []
    for page in read_pages(in_language(request, built, language).pdf(layout, language), printed_page):
        lines = page.lines
        broken += [line.split()[-1] + following.split()[0] for line, following in pairwise(lines)
                   if re.search(r"\w-$", line) and following.split()]
    words = {word.strip(".,;:()“”«»") for word in broken}
    assert len(words) > 10  # the standard print does hyphenate
    assert not words & BAD_BREAKS
