"""What a production review checks in the printed editions: links a reader can click and
a screen reader can name, large print that stays large, printer's quotes, table headers
that say what they head."""
from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

import pikepdf
import pytest

LAYOUTS = ("a4", "large-print", "letter", "print-shop", "booklet", "booklet-letter")


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
                assert str(annotation.A.URI).startswith(("https:", "mailto:", "tel:", "sms:"))
            key = (round(x1), round(y1), str(annotation.get("/Dest", "")))
            assert key not in seen, f"page {number}: the same link twice"
            seen.add(key)
            words = str(annotation.get("/Contents", ""))
            assert not re.fullmatch(r"[\w-]+_(cite|phone)_[\w-]+|source-[\w-]+", words), \
                f"page {number}: a link described by an id"
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
    lines = []
    small: list = []
    for number, page in enumerate(built.printed_pages("large-print"), start=1):
        small += [(number, size, char) for size, char in page.sized() if size < 18]
        lines += page.lines
    assert small == []
    for line, following in pairwise(lines):
        if re.search(r"[a-záéíóúñ]-$", line) and following.split():
            word = line.split()[-1] + following.split()[0].strip(".,;:()“”")
            assert word in compounds, f"a word broken across lines: {word!r}"


def test_quotes_are_printers_quotes(built):
    import zipfile

    from lxml import etree

    text = "\n".join(built.page_texts("a4"))
    assert '"' not in text
    assert "“" in text and "”" in text
    book = zipfile.ZipFile(built.epub)
    for name in book.namelist():
        if name.endswith(".xhtml"):
            words = "".join(etree.fromstring(book.read(name)).itertext())
            assert '"' not in words and "'" not in words, name  # typographer's “ ” ‘ ’ only


def test_print_shop_marks_sit_outside_the_bleed_and_the_bleed_holds_only_the_page(built):
    """Render the cover at 1 pixel a point: the cover colour fills the bleed and stops at its
    edge; the crop marks are in the slug beyond it, in every ink (/Separation /All)."""
    import pypdfium2

    from handbook.pdf.marks import SLUG

    path = built.pdf("print-shop")
    pdf = pikepdf.open(path)
    for page in pdf.pages:
        media, bleed, trim = ([float(v) for v in page.obj[key]] for key in ("/MediaBox", "/BleedBox", "/TrimBox"))
        assert [round(b - m, 2) for m, b in zip(media[:2], bleed[:2], strict=True)] == [round(SLUG, 2)] * 2
        assert [round(m - b, 2) for m, b in zip(media[2:], bleed[2:], strict=True)] == [round(SLUG, 2)] * 2
        assert round(trim[0] - bleed[0], 2) == round(3 * 72 / 25.4, 2)
    assert "/Separation" in repr(pdf.pages[0].Resources.ColorSpace.Registration)
    image = pypdfium2.PdfDocument(path)[0].render(scale=1).to_pil().convert("RGB")  # 72 dpi: one pixel a point
    width, height = image.size
    slug, bleed_edge = round(SLUG), round(SLUG + 3 * 72 / 25.4)
    cover = (11, 79, 108)

    def near(pixel, colour, slack=40):
        return all(abs(a - b) <= slack for a, b in zip(pixel, colour, strict=True))

    bleed_band = [image.getpixel((x, y)) for x in range(slug + 1, bleed_edge - 1) for y in range(0, height, 3)
                  if slug + 1 < y < height - slug - 1]
    assert bleed_band and all(near(pixel, cover) for pixel in bleed_band), "marks or white in the bleed"
    slug_band = [image.getpixel((x, y)) for x in range(0, slug - 1) for y in range(height)]
    assert not any(near(pixel, cover, 20) for pixel in slug_band), "the cover colour runs into the slug"
    assert sum(1 for pixel in slug_band if max(pixel) < 128) > 20, "no crop marks in the slug"


def test_print_shop_master_stays_tagged_pdf_ua(built):
    """PDF/X is not claimed (see README, Known limits): the master keeps PDF/UA-1's tags."""
    pdf = pikepdf.open(built.pdf("print-shop"))
    assert "/StructTreeRoot" in pdf.Root and "/OutputIntents" not in pdf.Root
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"


def _reachable(element, kind: str, found: list) -> list:
    """Return the structure elements of a kind reachable from an element, in reading order."""
    if isinstance(element, pikepdf.Dictionary):
        if element.get("/S") == kind:
            found.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else ():
            _reachable(kid, kind, found)
    return found


@pytest.mark.parametrize("layout", ["a4", "large-print"])
def test_a_table_over_a_page_break_is_one_table_with_one_head(built, book, layout):
    from handbook.analyse.traverse import blocks
    from handbook.model import Table

    pdf = pikepdf.open(built.pdf(layout))
    root = pdf.Root.StructTreeRoot
    tables = _reachable(root, "/Table", [])
    in_book = sum(isinstance(block, Table) for chapter in book.chapters for block, _ in blocks(chapter))
    assert len(tables) == in_book + 2  # and the colophon's tables of reviews and of approvals
    names = root.IDTree.Names
    ids = {str(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
    split = 0
    for table in tables:
        kinds = [str(kid.S) for kid in table.K]
        assert kinds.count("/THead") == 1 and kinds.count("/TBody") == 1, kinds
        body = next(kid for kid in table.K if kid.S == "/TBody")
        split += len({row.Pg.objgen for row in body.K}) > 1
        for row in body.K:
            for cell in row.K:
                for header in cell.get("/A", {}).get("/Headers", []):
                    assert ids[str(header)] in {th.objgen for th in _reachable(table, "/TH", [])}
    assert split >= 1  # at least one table runs over a page break in this edition


def _drawn_images(pdf) -> list[tuple[int, pikepdf.Object, float]]:
    """Return (page, image, width in points as drawn) for every picture the pages draw."""
    drawn = []
    for number, page in enumerate(pdf.pages, start=1):
        matrix, stack = pikepdf.Matrix(), []
        xobjects = page.Resources.get("/XObject", {})
        contents = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
        if b"Do" not in b"".join(stream.read_bytes() for stream in contents):
            continue  # parsing the drawing of every page, most with no picture, took most of a second
        for operands, operator in pikepdf.parse_content_stream(page):
            if operator == pikepdf.Operator("q"):
                stack.append(matrix)
            elif operator == pikepdf.Operator("Q"):
                matrix = stack.pop()
            elif operator == pikepdf.Operator("cm"):
                matrix = pikepdf.Matrix(*[float(value) for value in operands]) @ matrix
            elif operator == pikepdf.Operator("Do") and xobjects.get(operands[0], {}).get("/Subtype") == "/Image":
                drawn.append((number, xobjects[operands[0]], math.hypot(matrix.a, matrix.b)))
    return drawn


def _darker_than(picture, level: int):
    """Return a mask of the pixels whose every channel is below level: the darkest ink."""
    from PIL import ImageChops

    red, green, blue = picture.split()
    brightest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return brightest.point(lambda value: 255 if value < level else 0)


def test_large_print_pictures_have_words_of_18_point_type(built):
    """Each picture the large print draws is its stacked large-print version, and every line
    of words in it, measured as rows of ink in the picture as drawn, is as tall as 18 pt
    type's capitals (0.7 of 18 pt) or taller."""
    from PIL import Image

    pdf = pikepdf.open(built.pdf("large-print"))
    drawn = _drawn_images(pdf)
    assert len(drawn) == 3
    for page, image, width in drawn:
        picture = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
        assert picture.width == 1500, "the large print draws the row version of a picture"
        points_per_pixel = width / picture.width
        ink = _darker_than(picture, 70)  # the text ink, #1a1a1a
        rows = [y for y in range(picture.height) if ink.crop((0, y, picture.width, y + 1)).getbbox()]
        bands, start = [], rows[0]
        for previous, row in zip(rows, rows[1:] + [None], strict=True):
            if row != previous + 1:
                bands.append(previous - start + 1)
                start = row
        assert len(bands) >= 4
        assert min(bands) * points_per_pixel >= 0.7 * 18, f"page {page}: words smaller than 18 pt"
        assert isinstance(picture, Image.Image)


def _runs(flags: list[bool], join: float = 0) -> list[tuple[int, int]]:
    """Return the (start, end) of each run of True in a list, runs less than `join` apart made one."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, flag in enumerate(flags + [False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            if runs and start - runs[-1][1] < join:
                runs[-1] = (runs[-1][0], index)
            else:
                runs.append((start, index))
            start = None
    return runs


X_HEIGHT, CAP_HEIGHT = 0.496, 0.668
"""Atkinson Hyperlegible's lowercase and capital heights, in ems (its OS/2 table)."""


@pytest.mark.parametrize("language", [pytest.param("en"), pytest.param("es", marks=pytest.mark.slow)])
@pytest.mark.parametrize("layout, body", [("a4", 12), ("letter", 12), ("print-shop", 12), ("booklet", 12),
                                          ("booklet-letter", 12)])
def test_pictures_words_are_as_large_as_the_body_as_printed(request, built, language, layout, body):
    """Every picture's words, measured as rows of text ink in the picture as drawn, box by box
    (columns of ink apart), are no smaller than the body's type: no line lower than its
    lowercase, and in each box a line as tall as its capitals."""
    if language == "es":  # the Spanish editions, laid out unless make built them from the same inputs
        request.getfixturevalue("spanish_print")
    pdf = pikepdf.open(built.pdf(layout, language))
    drawn = _drawn_images(pdf)
    assert len(drawn) == 3
    for page, image, width in drawn:
        picture = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
        points_per_pixel = width / picture.width
        ink = _darker_than(picture, 70).load()  # the text ink, #1a1a1a; not the boxes' blue
        columns = [any(ink[x, y] for y in range(0, picture.height, 2)) for x in range(picture.width)]
        for left, right in _runs(columns, join=6 / points_per_pixel):  # boxes' words are more than 6 pt apart
            rows = [any(ink[x, y] for x in range(left, right)) for y in range(picture.height)]
            # An i's dot or an accent is less than 1.5 pt above its letter; lines are further apart.
            lines = [(end - start) * points_per_pixel for start, end in _runs(rows, join=1.5 / points_per_pixel)]
            assert min(lines) >= X_HEIGHT * body, f"page {page}: a line of words smaller than {body} pt"
            assert max(lines) >= CAP_HEIGHT * body, f"page {page}: words smaller than {body} pt"
