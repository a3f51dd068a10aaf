"""What assistive technology gets from the print editions: the structure tree read here, and
the PDF/UA checkers outloud and pdfua run on every edition (docs/accessibility.md)."""
from __future__ import annotations

import html
import re
import zipfile
from collections import Counter

import pytest

from handbook.editions import Edition

LAYOUTS = ("a4", "large-print", "letter", "print-shop")
LANGUAGES = ("en", "es")

JUDGED_FALSE = {
    "TBL-010": "a header cell per column and per row, which outloud counts as shredded when a table has "
               "fewer data cells than header cells",
    "TBL-014": "a table's grid on the page it runs on to, which its one /Table covers from the page before; "
               "and two boxed notes on one page, which outloud joins into a grid",
    "TBL-012": "the table a reader fills in: its empty cells are the room to write",
    "ORD-001": "list bullets and raised citation numbers, which CSS paints after the line they belong to; "
               "the tree reads them in place",
    "PAG-001": "a callout's title that happens to open three pages",
}
"""The outloud rules whose findings here are judged false, and why (docs/accessibility.md gives the evidence)."""
ARTIFACTS = "TAG-002"
"""Prose marked as an artifact: outloud also reads two artifacts made on purpose as prose, the
running head of a chapter that has it on only two pages, and a table's head repeated on the
page it runs on to. Its findings are checked to be only those."""


def struct_elements(reader):
    """Yield every element of the PDF's structure tree with its parent, in the tree's order."""
    stack = [(reader.trailer["/Root"]["/StructTreeRoot"], None)]
    while stack:
        node, parent = stack.pop()
        node = node.get_object()
        if node.get("/Type") == "/StructElem":
            yield node, parent
            parent = node
        kids = node.get("/K")
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        stack.extend((kid, parent) for kid in reversed(kids) if hasattr(kid, "get_object")
                     and isinstance(kid.get_object(), dict) and "/S" in kid.get_object())


def kinds(element) -> list[str]:
    """Return the structure types of an element's child elements."""
    kids = element.get("/K", [])
    kids = kids if isinstance(kids, list) else [kids]
    return [kid.get_object()["/S"] for kid in kids
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict) and "/S" in kid.get_object()]


class MarkedText:
    """The text each marked-content sequence of a PDF draws, read with PDFium, to give each
    structure element its text."""

    def __init__(self, path, reader):
        import pypdfium2
        import pypdfium2.raw as pdfium

        self.pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
        self.text: dict[tuple[int, int], str] = {}
        document = pypdfium2.PdfDocument(path)
        try:
            for number, page in enumerate(document):
                textpage = page.get_textpage()
                for drawn in page.get_objects(filter=(pdfium.FPDF_PAGEOBJ_TEXT,), textpage=textpage):
                    mcid = pdfium.FPDFPageObj_GetMarkedContentID(drawn)
                    if mcid >= 0:
                        key = (number, mcid)
                        self.text[key] = self.text.get(key, "") + drawn.extract()
        finally:
            document.close()

    def of(self, element, page: int | None = None) -> str:
        """Return the text an element and the elements under it draw, in the tree's order."""
        if "/Pg" in element:
            page = self.pages[element.raw_get("/Pg").idnum]
        kids = element.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        parts = []
        for kid in kids:
            if isinstance(kid, int):
                parts.append(self.text.get((page, kid), ""))
            elif hasattr(kid, "get_object") and "/S" in kid.get_object():
                parts.append(self.of(kid.get_object(), page))
        return "".join(parts)


_MARKED: dict[tuple[str, str], MarkedText] = {}


def marked_text(built, layout: str) -> MarkedText:
    """Return an edition's MarkedText, read once a worker (PDFium reads each drawn text alone)."""
    key = (str(built.out), layout)
    if key not in _MARKED:
        _MARKED[key] = MarkedText(built.pdf(layout), built.reader(layout))
    return _MARKED[key]


def words(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def letters(text: str) -> str:
    """Return only the letters and digits of a text: what is left of it however lines and words break."""
    return re.sub(r"\W", "", text)


def e_book_text(path) -> str:
    """Return the text of an e-book's pages, its tags taken out."""
    with zipfile.ZipFile(path) as archive:
        pages = [archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")]
    return words(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(pages))))


def line_end_hyphens(path) -> tuple[list[str], list[str]]:
    """Return the words broken at a line's end with a hard hyphen and with a soft one, as
    MuPDF reads the PDF's text (with each /ActualText, as screen readers do)."""
    import pymupdf

    hard, soft = [], []
    with pymupdf.open(path) as document:
        for page in document:
            for line in page.get_text().splitlines():
                if re.search(r"[^\W\d]-$", line):
                    hard.append(line.split()[-1])
                elif line.endswith("\u00ad"):
                    soft.append(line.split()[-1])
    return hard, soft


def pdf_path(built, layout: str, language: str):
    return built.path(Edition("", language, layout, "pdf"))


def check_hyphens(path, e_book: str, hyphenated: bool) -> None:
    hard, soft = line_end_hyphens(path)
    # A hard hyphen at a line's end is the hyphen of a compound the book writes ("follow-up").
    split = [word for word in hard if not re.search(r"(?<!\w)" + re.escape(word.strip("“”«»(")) + r"\w", e_book)]
    assert split == []
    # A soft one ends the first part of a word the book writes whole ("treat-" of "treatment").
    whole = [word for word in soft if not re.search(re.escape(word.strip("“”«»(\u00ad")) + r"\w", e_book)]
    assert whole == []
    assert bool(soft) == hyphenated  # large print does not hyphenate


def test_only_a_hyphen_that_breaks_a_word_is_taken_for_one():
    from types import SimpleNamespace
    from xml.etree.ElementTree import fromstring

    from handbook.pdf.hyphens import breaks_word

    element = fromstring("<p>Ask for a follow-up. Pregunte desde entonces si su treatment sigue.</p>")

    def line(text):
        return SimpleNamespace(text=text, style={"hyphenate_character": "-"}, element=element)

    assert breaks_word(line("Ask for a fol-"), "low-up.")
    assert not breaks_word(line("Ask for a follow-"), "up.")  # the word's own hyphen
    assert breaks_word(line("gunte desde enton-"), "ces si")  # a line that began mid-word
    assert not breaks_word(line("treat-"), "")  # nothing follows: nothing to tell
    assert not breaks_word(line("su treatment sigue."), "")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_word_is_broken_by_a_hard_hyphen(built, layout):
    check_hyphens(pdf_path(built, layout, "en"), e_book_text(built.epub), layout != "large-print")


@pytest.mark.slow  # the Spanish editions, laid out unless make built them from the same inputs
@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_spanish_word_is_broken_by_a_hard_hyphen(spanish_print, layout):
    e_book = e_book_text(spanish_print.path(Edition("", "es", spanish_print.handbook.settings.standard_layout,
                                                    "epub")))
    check_hyphens(pdf_path(spanish_print, layout, "es"), e_book, layout != "large-print")


def blocks(book):
    """Yield every block of the book's chapters, and the blocks inside each."""
    stack = [block for chapter in book.chapters for section in chapter.sections for block in section.blocks]
    while stack:
        block = stack.pop(0)
        yield block
        stack[:0] = getattr(block, "blocks", ())


def definitions(book) -> list:
    return [entry for block in blocks(book) for entry in getattr(block, "items", ()) if hasattr(entry, "term")]


def made_artifacts(book) -> list[str]:
    """Return the lines the print book makes artifacts of on purpose that outloud may read as prose:
    the running heads (the chapter's title, then the book's) and each table's head."""
    heads = [f"{chapter.title} {book.title}" for chapter in book.chapters]
    return heads + [" ".join(block.header) for block in blocks(book) if hasattr(block, "header")]


@pytest.mark.parametrize("layout", ["a4", "large-print"])
def test_definition_lists_are_items_of_a_term_and_its_definition(built, layout):
    reader = built.reader(layout)
    text = marked_text(built, layout)
    terms = []
    for element, parent in struct_elements(reader):
        kind = element["/S"]
        if kind == "/L":
            assert set(kinds(element)) <= {"/LI", "/L", "/Caption"}
        elif kind == "/LI":
            assert parent["/S"] == "/L"
            assert kinds(element) in (["/Lbl", "/LBody"], ["/LBody"])
            if kinds(element)[0] == "/Lbl":
                terms.append(words(text.of(element["/K"][0].get_object())))
    book = built.handbook.books["en"]
    assert Counter(terms) >= Counter(entry.term for entry in definitions(book))  # the glossary
    assert {"Edition", "Published", "Publisher"} <= set(terms)  # the title page
    for phone in book.clinic.phones:  # the numbers to call; a public line's label carries its citation
        assert any(term == phone.label
                   or (term.startswith(phone.label) and term[len(phone.label):].strip(" []").isdigit())
                   for term in terms), (phone.label, terms)


def test_terms_and_definitions_straight_in_a_list_are_items_too(tree):
    """A theme may write <dt> and <dd> without a <div> round each pair, and give a term two names."""
    import io

    from pypdf import PdfReader

    from handbook.pdf.layout import Typesetter
    from handbook.prepare import prepare

    handbook = prepare(tree.project)
    typesetter = Typesetter(tree.project, handbook.theme, handbook.theme.layouts["a4"])
    layout = typesetter.lay_out('<html lang="en"><body><dl><dt>Term</dt><dd>What it means</dd><dt>Other</dt>'
                                '<dt>Also</dt><dd>One</dd><dd>Two</dd></dl><p lang="fr">Bonjour</p></body></html>')
    pdf = io.BytesIO()
    layout.write(pdf)
    reader = PdfReader(pdf)
    elements = list(struct_elements(reader))
    [listed] = [element for element, _ in elements if element["/S"] == "/L"]
    items = [kid.get_object() for kid in listed["/K"]]
    assert [kinds(item) for item in items] == [["/Lbl", "/LBody"], ["/Lbl", "/LBody"]]
    label, body = (kid.get_object() for kid in items[1]["/K"])
    assert "/Span" in kinds(label) and "/Div" in kinds(body)  # "Also" and "Two" inside the first of each
    assert [str(element["/Lang"]) for element, _ in elements if "/Lang" in element] == ["fr"]


def test_the_contents_is_a_table_of_contents(built):
    reader = built.reader("a4")
    text = marked_text(built, "a4")
    [contents] = [element for element, _ in struct_elements(reader) if element["/S"] == "/TOC"]
    items = [kid.get_object() for kid in contents["/K"]]
    assert [item["/S"] for item in items] == ["/TOCI"] * (len(built.handbook.books["en"].chapters) + 1)
    for item, chapter in zip(items, built.handbook.books["en"].chapters, strict=False):
        assert kinds(item) == ["/Reference"]
        assert kinds(item["/K"][0].get_object()) == ["/Link"]
        assert words(text.of(item)).startswith(chapter.title)


def test_links_print_and_nothing_in_the_tree_is_empty(built):
    reader = built.reader("a4")
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            assert annotation.get_object()["/F"] == 4
    empty = [element["/S"] for element, _ in struct_elements(reader)
             if element["/S"] in ("/Span", "/LBody", "/P", "/Lbl") and not element.get("/K") and "/Alt" not in element]
    assert empty == []
    alt = [str(element["/Alt"]) for element, _ in struct_elements(reader) if element["/S"] != "/Figure"
           and "/Alt" in element]
    assert "Ask your clinic for this number." in alt  # the line to write the clinic's number on
    assert "Lines to write on" in alt


def test_no_element_says_another_language_in_an_english_edition(built):
    assert [element["/Lang"] for element, _ in struct_elements(built.reader("a4")) if "/Lang" in element] == []


@pytest.mark.slow  # the Spanish editions, laid out unless make built them from the same inputs
@pytest.mark.parametrize("layout", LAYOUTS)
def test_english_titles_in_the_spanish_editions_say_they_are_english(spanish_print, layout):
    from pypdf import PdfReader

    path = pdf_path(spanish_print, layout, "es")
    reader = PdfReader(path)
    text = MarkedText(path, reader)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    marked = [(str(element["/Lang"]), text.of(element)) for element, _ in struct_elements(reader) if "/Lang" in element]
    assert {language for language, _ in marked} == {"en"}
    english = letters("".join(part for _, part in marked))
    titles = [entry.source.title for entry in spanish_print.handbook.indexes["es"].entries if entry.source.title]
    assert titles and all(letters(title) in english for title in titles)
    assert len(english) == len(letters("".join(titles)))  # the titles and nothing else


def outloud_findings(path, book) -> list[str]:
    import outloud

    result = outloud.check(str(path), skip=set(JUDGED_FALSE))
    assert result.error is None
    made = made_artifacts(book)
    return [f"{finding.severity} {finding.rule} p.{finding.page}: {finding.message} ({finding.evidence})"
            for finding in result.sorted_findings() if finding.severity in ("error", "warning")
            and not (finding.rule == ARTIFACTS and all(any(line.startswith(sample.rstrip("…")) for line in made)
                                                       for sample in finding.evidence.split("; ")))]


def pdfua_findings(path) -> list[str]:
    from pdfua import validate

    report = validate(str(path))
    # pdfua 0.1.3 cannot run UA-14-001 (empty headings) on any structure tree read by pikepdf 10:
    # it asks an array for an attribute; outloud's heading rules run instead.
    assert {outcome.rule_id for outcome in report.skipped} <= {"UA-14-001"}
    return [f"{finding.rule_id}: {finding.message}" for finding in report.findings]


@pytest.mark.slow  # outloud takes 2 to 5 s an edition; the Spanish editions are laid out unless make built them
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_pdf_ua_checkers_find_nothing(spanish_print, layout, language):
    path = pdf_path(spanish_print, layout, language)
    assert outloud_findings(path, spanish_print.handbook.books[language]) == []
    assert pdfua_findings(path) == []
