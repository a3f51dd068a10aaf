"""Ids say what a target is, not where it stands (handbook/render/anchors.py): a web address
survives an edit above it, a translation shares its source's ids, and every id is an XML name."""
from __future__ import annotations

import re

from lxml import etree, html

from conftest import EPOCH
from handbook.analyse.traverse import chapter_citations, page_anchors
from handbook.build import Request, build
from handbook.render import anchors

XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")


def web_page(tree, name: str):
    build(tree.project, Request(formats=("web",)), progress=lambda line: None)
    return html.parse(str(tree.root / "build" / "web" / name)).getroot()


def test_a_web_address_survives_a_paragraph_inserted_above_it(tree, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    before = web_page(tree, "sample.html")
    [paragraph] = before.xpath("//p[starts-with(normalize-space(.), 'A fact with')]")
    [marker] = paragraph.xpath(".//a[@class='cite']")
    [item] = before.xpath("//li[starts-with(normalize-space(.), 'A third')]")
    addresses = {paragraph.get("id"), marker.get("id"), item.get("id")}

    chapter = tree.chapters / "sample.yaml"
    chapter.write_text(chapter.read_text().replace(
        "    blocks:\n",
        "    blocks:\n      - paragraph: A new first paragraph, citing the same source [@alpha].\n", 1))
    after = web_page(tree, "sample.html")
    assert after.xpath("string(//main//section//p[1])").startswith("A new first paragraph")
    for address in addresses:  # the same words at the same address
        [again] = after.xpath("//*[@id=$id]", id=address)
        assert again.text_content() == before.xpath("//*[@id=$id]", id=address)[0].text_content()
    sources = html.parse(str(tree.root / "build" / "web" / "sources.html")).getroot()
    assert sources.xpath("//a[@href=$href]", href=f"sample.html#{marker.get('id')}")  # still led back to


def test_a_translated_block_shares_the_id_of_the_block_it_translates(built):
    """While a translation is up to date (the build refuses it otherwise), `#id` names the
    same paragraph, item, row and citation marker in every language."""
    english, spanish = built.handbook.books["en"], built.handbook.books["es"]
    compared = 0
    for ours, theirs in zip(english.chapters, spanish.chapters, strict=True):
        assert ours.id == theirs.id
        mine = [anchor for section in ours.sections for block in section.blocks for anchor in page_anchors(block)]
        translated = [anchor for section in theirs.sections for block in section.blocks
                      for anchor in page_anchors(block)]
        assert translated == mine, ours.id
        markers = sorted(ref.anchor for _, ref in chapter_citations(ours))
        assert sorted(ref.anchor for _, ref in chapter_citations(theirs)) == markers, ours.id
        compared += len(mine) + len(markers)
    assert compared > 800


def test_every_id_is_an_xml_name_and_every_made_one_is_unique(built):
    book = built.handbook.books["en"]
    made = [anchor for chapter in book.chapters for section in chapter.sections for block in section.blocks
            for anchor in page_anchors(block)]
    made += [ref.anchor for chapter in book.chapters for _, ref in chapter_citations(chapter)]
    assert len(made) == len(set(made)) and all("_" in anchor for anchor in made)
    epub = built.epub
    import zipfile

    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                ids = etree.fromstring(archive.read(name)).xpath("//@id")
                assert [i for i in ids if not XML_NAME.fullmatch(i)] == [], name
                assert len(ids) == len(set(ids)), name


def test_the_same_text_twice_in_a_section_and_a_section_id_that_starts_with_a_digit():
    taken: set[str] = set()
    assert anchors.block("side-effects", "3fa9c2d1", taken) == "side-effects_3fa9c2"
    assert anchors.block("side-effects", "3fa9c2d1", taken) == "side-effects_3fa9c2-2"
    assert anchors.block("2026-changes", "00aa11bb", set()) == "_2026-changes_00aa11"
    assert anchors.citation("side-effects_3fa9c2", "alpha", 1) == "side-effects_3fa9c2_cite_alpha"
    assert anchors.citation("side-effects_3fa9c2", "alpha", 2) == "side-effects_3fa9c2_cite_alpha_2"
    assert anchors.source("risks-benefits") == "source-risks-benefits"
