"""The glossary, linked: how terms are found, which use is linked, what the check reports,
and the links and definitions in the built PDF and e-book."""
from __future__ import annotations

import re

import pikepdf
import pytest

from handbook.errors import HandbookError
from handbook.model import Link, Strong, Term, Text
from handbook.prepare import prepare
from test_epub import EPUB_TYPE, NS, Epub

GLOSSARY = """\
title: Words used in this handbook
sections:
  - title: Words
    blocks:
      - definitions:
          - term: NMDA receptor
            explained_in: sample
            text: A place in the brain that picks up signals [@alpha].
          - term: Erectile dysfunction (ED)
            text: Trouble getting an erection [@alpha].
          - term: Hallucination
            also: [seeing things]
            text: Seeing or hearing what is not there [@beta].
"""

SAMPLE = """\
title: Sample chapter
sections:
  - title: First part
    blocks:
      - paragraph: >-
          The NMDA
          receptors pick up signals; an NMDA receptor is small [@alpha].
      - bullets:
          - Some have ED, which one can edit out of a talk; ed is not it [@alpha].
          - Hallucinations and HALLUCINATION both count [@beta].
      - paragraph: Read [about seeing things](#sample) first [@beta].
"""


def glossary_tree(tree, sample: str = SAMPLE, glossary: str = GLOSSARY):
    text = (tree.root / "chapters/book.yaml").read_text()
    tree.write("chapters/book.yaml", text.replace("  - sample\n", "  - sample\n  - glossary\n")
               + "theme:\n  glossary: glossary\n")
    tree.write("chapters/en/sample.yaml", sample)
    tree.write("chapters/en/glossary.yaml", glossary)
    return tree


def terms(nodes) -> list[tuple[str, str]]:
    """Return the (term id, words) of every Term in inline nodes, at any depth."""
    found = []
    for node in nodes:
        if isinstance(node, Term):
            found.append((node.term_id, "".join(child.text for child in node.children)))
        elif isinstance(node, (Strong, Link)) or hasattr(node, "children"):
            found.extend(terms(node.children))
    return found


def test_the_first_use_in_a_chapter_is_linked_by_whole_words_plurals_and_case(tree):
    book, _ = glossary_tree(tree).load()
    paragraph, bullets, last = book.chapters[0].sections[0].blocks
    # A line break is a space, a plural counts, and only the first use is linked.
    assert terms(paragraph.text) == [("term-nmda-receptor", "NMDA receptors")]
    # An abbreviation matches in capitals only, as a whole word ("edit" and "ed" are not it);
    # a name in brackets counts on its own; other names match in any case.
    first, second = bullets.items
    assert terms(first.text) == [("term-erectile-dysfunction", "ED")]
    assert terms(second.text) == [("term-hallucination", "Hallucinations")]
    # Words inside a link are never linked again.
    assert terms(last.text) == [] and isinstance(last.text[1], Link)
    # The glossary itself links nothing.
    assert all(terms(entry.text) == [] for entry in book.chapters[1].sections[0].blocks[0].items)


def test_the_model_keeps_the_words_around_a_term(tree):
    book, _ = glossary_tree(tree).load()
    text = book.chapters[0].sections[0].blocks[0].text
    assert isinstance(text[0], Text) and text[0].text == "The "
    assert isinstance(text[1], Term) and text[2].text == " pick up signals; an NMDA receptor is small "


def problems(tree) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project)
    return [str(problem) for problem in raised.value.problems]


def test_check_reports_a_term_the_text_never_uses(tree):
    glossary_tree(tree, glossary=GLOSSARY + "          - term: Tolerance\n            text: Less effect [@beta].\n")
    assert problems(tree) == [f"{tree.chapters}/glossary.yaml:14: the glossary term 'Tolerance' is never used "
                              "in the text; remove it, or list the forms the text uses under 'also:'"]


def test_check_reports_a_term_used_before_the_chapter_that_explains_it(tree):
    glossary_tree(tree)
    text = (tree.root / "chapters/book.yaml").read_text()
    tree.write("chapters/book.yaml", text.replace("  - sample\n", "  - early\n  - sample\n"))
    tree.write("chapters/en/early.yaml", """\
title: Early chapter
sections:
  - title: Before
    blocks:
      - paragraph: An NMDA receptor comes first here [@alpha].
      - paragraph: The NMDA receptor, as [the next chapter](#sample) says [@alpha].
""")
    # The second use links to the chapter that explains the term, so it is fine.
    assert problems(tree) == [f"{tree.chapters}/early.yaml:5: 'NMDA receptor' is used here, before the chapter "
                              "'sample' explains it; explain it here, or link to [that chapter](#sample)"]


def test_check_reports_a_form_shared_by_two_terms(tree):
    glossary_tree(tree, glossary=GLOSSARY.replace("also: [seeing things]", "also: [seeing things, ED]"))
    assert problems(tree) == [f"{tree.chapters}/glossary.yaml:11: 'ED' is a form of both 'Erectile dysfunction "
                              "(ED)' and 'Hallucination'; a word can lead to one entry only"]


def test_spanish_terms_are_found_too(built):
    book = built.handbook.books["es"]
    found = {term_id for chapter in book.chapters for section in chapter.sections for block in section.blocks
             for text in _texts(block) for term_id, _ in terms(text)}
    assert {"term-alucinacion", "term-receptor-nmda", "term-dolor-neuropatico"} <= found


def _texts(block):
    from handbook.analyse.traverse import texts

    yield from texts(block)
    for inner in getattr(block, "blocks", ()):
        yield from texts(inner)


def test_the_e_book_marks_terms_as_definitions_and_links_each_once_a_chapter(built):
    epub = Epub(built.epub)
    glossary = epub.doc("glossary.xhtml")
    entries = glossary.findall(".//x:dl/x:div/x:dt", NS)
    assert len(entries) > 20
    for entry in entries:
        assert entry.get("id").startswith("term-") and entry.get(EPUB_TYPE) == "glossterm"
        assert entry.find("x:dfn", NS) is not None
        assert entry.getnext().get(EPUB_TYPE) == "glossdef"
    linked = 0
    for name in epub.documents():
        document = epub.doc(name)
        refs = document.xpath("//x:a[@epub:type='glossref']", namespaces=NS)
        assert name != "glossary.xhtml" or refs == []
        targets = [ref.get("href") for ref in refs]
        assert len(targets) == len(set(targets)), f"{name}: a term linked twice"
        for ref in refs:
            assert ref.get("role") == "doc-glossref" and ref.get("class") == "glossref"
            assert epub.resolve(ref.get("href")).get(EPUB_TYPE) == "glossterm"
        linked += len(refs)
    assert linked >= 30


def test_the_pdf_links_terms_to_their_definitions_in_words(built):
    pdf = pikepdf.open(built.pdf("a4"))
    destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
    glossary_page = None
    links = []
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if str(annotation.get("/Dest", "")).startswith("term-"):
                links.append(annotation)
                target = destinations[str(annotation.Dest)][0]
                glossary_page = glossary_page or pdf.pages.index(pdf.pages.from_objgen(*target.objgen))
    assert len(links) >= 30 and glossary_page > 40
    assert all(re.fullmatch(r"In the glossary: .+", str(link.Contents)) for link in links)
