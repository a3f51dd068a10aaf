"""Open the built PDFs and check what a reader, a screen reader and a print shop get."""
from __future__ import annotations

import re
from collections import Counter

import pikepdf
import pytest
from pypdf import PdfReader

LAYOUTS = ("a4", "large-print", "letter", "print-shop", "booklet", "booklet-letter")

MM = 72 / 25.4


@pytest.fixture(scope="module")
def book(built):
    return built.handbook.books["en"]


def font_sizes(pages) -> Counter:
    """Count the characters drawn at each effective font size, in points."""
    return Counter(size for page in pages for size, _ in page.sized())


def fonts(document: pikepdf.Pdf) -> dict[str, bool]:
    """Return each font's name and whether its file is embedded."""
    found = {}
    for page in document.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0] if descendants else font).FontDescriptor
            found[str(font.BaseFont)] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


@pytest.mark.parametrize("edition", LAYOUTS)
def test_every_edition_has_the_chapters_and_the_sources(built, book, edition):
    text = "\n".join(built.page_texts(edition))
    for chapter in book.chapters:
        assert chapter.title in text
    assert "Sources" in text and "Cited on page" in text
    assert 30 <= len(built.document(edition).pages) <= 160


@pytest.mark.parametrize("edition", LAYOUTS)
def test_tagged_pdf_ua_essentials(built, book, edition):
    document = built.document(edition)
    root = document.Root
    assert "/StructTreeRoot" in root
    assert str(root.Lang) == book.language
    assert bool(root.MarkInfo.Marked)
    assert bool(root.ViewerPreferences.DisplayDocTitle)
    assert str(document.docinfo.Title) == f"{book.title}: {book.subtitle}"
    assert b"pdfuaid:part" in root.Metadata.read_bytes()


@pytest.mark.parametrize("edition", LAYOUTS)
def test_only_the_shipped_font_is_used_and_it_is_embedded(built, edition):
    found = fonts(built.document(edition))
    assert found and all(embedded for embedded in found.values())
    assert all("Atkinson-Hyperlegible" in name for name in found), found


@pytest.mark.parametrize("edition", LAYOUTS)
def test_bookmarks_are_the_chapters_in_order(built, book, edition):
    outline = built.outline(edition)
    assert [item.title for item in outline] == [chapter.title for chapter in book.chapters] + ["Sources"]
    # each chapter has its sections beneath it; the sources have none
    assert [bool(item.children) for item in outline] == [True] * len(book.chapters) + [False]


@pytest.mark.parametrize("edition", LAYOUTS)
def test_contents_page_numbers_are_where_chapters_start(built, edition):
    starts = {item.title: item.page + 1 for item in built.outline(edition)}
    contents = next(text for text in built.page_texts(edition) if text.startswith("Contents"))
    listed = {}
    for line in contents.splitlines()[1:]:
        match = re.fullmatch(r"(.+?)[ .]*\s(\d+)", line.strip())
        if match:
            listed[match.group(1).strip()] = int(match.group(2))
    assert listed == starts


def test_chapters_start_on_right_hand_pages_when_printed_double_sided(built):
    for item in built.outline("print-shop"):
        assert (item.page + 1) % 2 == 1, item.title


def test_standard_body_text_is_12_point(built):
    size, _ = font_sizes(built.printed_pages("a4")[3:12]).most_common(1)[0]
    assert 11 <= size <= 12


def test_large_print_body_is_at_least_18_point_without_italics(built):
    sizes = font_sizes(built.printed_pages("large-print")[3:])
    size, _ = sizes.most_common(1)[0]
    assert size >= 18
    body = sum(count for s, count in sizes.items() if s >= 18)
    assert body / sum(sizes.values()) > 0.9
    assert not any("Italic" in name for name in fonts(built.document("large-print")))


@pytest.mark.parametrize("layout", ["a4", "large-print"])
def test_pdfium_reads_the_sizes_and_broken_words_that_pypdf_reads(built, layout):
    """The tests of sizes and lines read PDFium's text, ten times faster than pypdf's; on
    some pages, pypdf, which reads the drawing operators itself, must find the same."""
    for number in range(4, 9):
        printed = built.printed_pages(layout)[number]
        drawn = built.page_runs(layout, number, number + 1)[0]
        pdfium_sizes = font_sizes([printed])
        pypdf_sizes: Counter = Counter()
        for size, _, text in drawn.runs:
            pypdf_sizes[size] += len(text.replace(" ", ""))
        assert set(pdfium_sizes) == set(pypdf_sizes), f"page {number + 1}"
        for size, count in pypdf_sizes.items():
            assert abs(pdfium_sizes[size] - count) <= max(3, count // 50), f"page {number + 1}, {size} pt"
        broken = [line.split()[-1] for line in printed.lines if line.endswith("-")]
        assert broken == [line.split()[-1] for line in drawn.text.splitlines() if line.endswith("-")]


def test_page_sizes(built):
    a4 = pikepdf.Rectangle(built.document("a4").pages[0].mediabox)
    letter = pikepdf.Rectangle(built.document("letter").pages[0].mediabox)
    assert (round(a4.width), round(a4.height)) == (595, 842)
    assert (round(letter.width), round(letter.height)) == (612, 792)


def test_print_shop_has_3mm_bleed_around_the_trim_box(built):
    for page in built.document("print-shop").pages:
        trim, bleed = pikepdf.Rectangle(page.trimbox), pikepdf.Rectangle(page.bleedbox)
        assert (round(trim.width), round(trim.height)) == (595, 842)
        for inner, outer in ((trim.llx, bleed.llx), (trim.lly, bleed.lly)):
            assert float(inner - outer) == pytest.approx(3 * MM, abs=0.01)
        for inner, outer in ((trim.urx, bleed.urx), (trim.ury, bleed.ury)):
            assert float(outer - inner) == pytest.approx(3 * MM, abs=0.01)


def appendix_start(built) -> int:
    """Return the index of the A4 edition's first page of sources, as its outline gives it."""
    return next(item.page for item in built.outline("a4") if item.title == "Sources")


def test_sources_appendix_lists_the_pages_that_really_cite_each_source(built):
    """Each source's "Cited on pages" are the pages whose citation links point to it, read from the
    PDF itself (not from the page map the same build wrote)."""
    citing: dict[str, set[int]] = {}
    with pikepdf.open(built.pdf("a4")) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for annotation in page.obj.get("/Annots", []):
                destination = str(annotation.get("/Dest", ""))
                if destination.startswith("source-"):
                    citing.setdefault(destination, set()).add(number)
    appendix = "".join(built.page_texts("a4")[appendix_start(built):])
    printed = [
        [int(n) for n in re.findall(r"\d+", match)]
        for match in re.findall(r"Cited on pages? ([\d,\s]+)\.", appendix)
    ]
    entries = built.handbook.indexes["en"].entries
    assert printed == [sorted(citing[f"source-{entry.source.id}"]) for entry in entries]
    assert len(printed) == len(entries) and max(map(max, printed)) > 40


def struct_elements(reader: PdfReader):
    """Yield every element of the PDF's structure tree."""
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/Type") == "/StructElem":
                yield node
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object() if hasattr(kids, "get_object") else kids
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)


def test_structure_tree_has_headings_lists_and_figures_with_alt_text(built, book):
    reader = built.reader("a4")
    tags = Counter()
    figures = []
    for element in struct_elements(reader):
        tags[element["/S"]] += 1
        if element["/S"] == "/Figure":
            figures.append(element.get("/Alt"))
    assert tags["/H1"] >= len(book.chapters) and tags["/H2"] > 30
    assert tags["/L"] > 20 and tags["/Table"] >= 2 and tags["/P"] > 100
    assert figures and all(alt and alt.strip() for alt in figures)


def test_running_headers_and_page_numbers_are_artifacts(built):
    from pypdf.generic import ContentStream

    reader = built.reader("a4")
    reachable = {id(element) for element in struct_elements(reader)}
    parent_tree = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    page_number = 6  # a chapter's second page: a header on each side and a page number
    slots = parent_tree[2 * page_number + 1]
    stack, artifact_runs, tagged_mcids, loose_runs = [], 0, set(), 0
    for operands, operator in ContentStream(reader.pages[page_number].get_contents(), reader).operations:
        if operator in (b"BDC", b"BMC"):
            stack.append(operands)
            if operator == b"BDC" and "/MCID" in operands[1]:
                tagged_mcids.add(operands[1]["/MCID"])
        elif operator == b"EMC":
            stack.pop()
        elif operator in (b"Tj", b"TJ"):
            if any(entry[0] == "/Artifact" for entry in stack):
                artifact_runs += 1
            elif not stack:
                loose_runs += 1
    assert artifact_runs >= 3
    assert loose_runs == 0
    for mcid in tagged_mcids:  # every tagged run belongs to an element of the tree
        assert id(slots[mcid].get_object()) in reachable


def test_pages_left_blank_for_double_sided_printing_stay_empty(built, book):
    texts = [text.strip() for text in built.page_texts("print-shop")]
    assert "" in texts  # some chapter needed a blank left-hand page before it
    furniture = {book.title} | {chapter.title for chapter in book.chapters}
    for number, text in enumerate(texts, start=1):
        words = [line for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
        assert not words or not set(words) <= furniture, f"page {number} has only a header or page number"


@pytest.mark.parametrize("edition", ["a4", "letter"])
def test_standard_lines_hold_about_60_to_70_characters(built, edition):
    import statistics

    first = min(item.page for item in built.outline(edition))
    lines = [line for page in built.printed_pages(edition)[first:first + 17] for line in page.lines
             if len(line) > 30]
    assert 58 <= statistics.median(len(line) for line in lines) <= 70
    assert max(len(line) for line in lines) <= 78


def test_layout_fetches_nothing_outside_the_book_and_its_theme(tree, tmp_path):
    from handbook.errors import HandbookError
    from handbook.pdf.layout import Typesetter
    from handbook.prepare import prepare

    handbook = prepare(tree.project)
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    html = (f'<html lang="en"><body><p>Hi</p><img src="https://example.org/a.png" alt="a">'
            f'<img src="{outside.as_uri()}" alt="b"><img src="file:///book/../../etc/hostname" alt="c"></body></html>')
    typesetter = Typesetter(tree.project, handbook.theme, handbook.theme.layouts["a4"])
    with pytest.raises(HandbookError) as raised:
        typesetter.lay_out(html)
    message = str(raised.value)
    assert "refused to fetch https://example.org/a.png" in message
    assert f"refused to fetch {outside.as_uri()}" in message
    assert "refused to fetch file:///book/../../etc/hostname" in message


def test_a_weasyprint_warning_fails_the_build_naming_the_stylesheet(tree):
    """Why the session's build of the real book, which succeeded, logged no WeasyPrint warning."""
    from handbook.errors import HandbookError
    from handbook.pdf.layout import Typesetter
    from handbook.prepare import prepare

    handbook = prepare(tree.project)
    typesetter = Typesetter(tree.project, handbook.theme, handbook.theme.layouts["a4"])
    assert typesetter.lay_out('<html lang="en"><body><p>Fine</p></body></html>').page_count == 1
    with pytest.raises(HandbookError) as raised:
        typesetter.lay_out('<html lang="en"><body><p style="colour: red">Not fine</p></body></html>')
    [problem] = raised.value.problems
    assert problem.location.path == handbook.theme.find("print/print.css")
    assert problem.message.startswith("WeasyPrint: Ignored `colour: red`")


def test_the_crisis_chapter_prints_numbers_anyone_can_call(built, book):
    first = next(item.page for item in built.outline("a4") if item.title == book.help_now_chapter.title)
    text = " ".join(" ".join(built.page_texts("a4")[first:first + 2]).split())
    for number in ("911", "988", "1-800-222-1222"):
        assert number in text, number
    assert "Suicide & Crisis Lifeline" in text and "Poison Help" in text
    appendix = " ".join(" ".join(built.page_texts("a4")[appendix_start(built):]).split())
    # 911, 988, Poison Help, the drug label and esketamine's safety program, apart from the articles
    assert appendix.count("Added by the publisher") == 5
