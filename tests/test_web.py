"""The web edition as files: its pages, links, downloads and search index, and how a build
writes, records and skips it. The browser's view of the same site is in test_browser.py."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html

from conftest import EPOCH, ROOT
from handbook.build import Request, build, plan
from handbook.editions import Edition
from handbook.incremental.manifest import digest, read_manifest
from sitecheck import broken_links, links, pages, spanish_site

SEARCH = ROOT / "layouts" / "web" / "search"


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built.path(Edition("", "en", "", "web"))


def outputs(out: Path) -> set[Path]:
    """Return every output a build's manifest lists."""
    return {out / name for name in read_manifest(out / "manifest.json")}


def declared(built) -> set[Path]:
    """Return every output the real book declares, in every language."""
    return {built.path(edition) for edition in plan(built.handbook, Request())}


def test_a_page_for_each_chapter_the_sources_and_search(built, site):
    book = built.handbook.books["en"]
    expected = {"index.html", "sources.html", "search.html"} | {f"{c.id}.html" for c in book.chapters}
    assert {page.name for page in pages(site)} == expected
    for chapter in book.chapters:
        root = html.parse(str(site / f"{chapter.id}.html")).getroot()
        assert root.xpath("string(//h1)") == chapter.title
        assert root.get("lang") == "en" and root.xpath("//meta[@name='viewport']")


def test_every_link_resolves_and_every_address_is_relative(built, site):
    assert broken_links(site, declared(built)) == []


def test_no_page_number_is_left_empty(site):
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "page-ref" not in text and "target-counter" not in text, page.name
        words = " ".join(html.fromstring(text).text_content().split())
        empty = re.search(r".{0,30}(\bpages?\s*[:,)]|,\s*,).{0,10}", words)  # "Turn to page :", "pages , ,"
        assert empty is None, (page.name, empty and empty.group())


def test_nothing_is_loaded_from_the_network(site):
    for page in pages(site):
        for attribute, address in links(page):
            if attribute == "src":
                assert not re.match(r"\w+:|//", address), (page.name, address)
        root = html.parse(str(page)).getroot()
        for address in root.xpath("//link[not(@rel='alternate')]/@href"):  # alternates name, never load
            assert not re.match(r"\w+:|//", address), (page.name, address)
    for sheet in [*site.glob("css/*.css"), *site.glob("fonts/*.css")]:
        text = sheet.read_text()
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:|//)", text), sheet.name
        for name in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert (sheet.parent / name).is_file(), name
    assert (site / "fonts" / "OFL.txt").is_file() and (site / "js" / "LICENSE-lunr.txt").is_file()


def test_every_page_has_the_way_to_help_contents_and_previous_next(built, site):
    book = built.handbook.books["en"]
    order = ["index.html"] + [f"{c.id}.html" for c in book.chapters] + ["sources.html"]
    for number, name in enumerate(order):
        root = html.parse(str(site / name)).getroot()
        help_now = root.xpath("//header//a[@href='crisis.html#crisis']")
        assert help_now and help_now[0].text_content() == "Need help now?", name
        assert root.xpath("//a[@href='index.html#contents']"), name
        previous = root.xpath("//nav[contains(@class, 'pager')]//a[@rel='prev']/@href")
        following = root.xpath("//nav[contains(@class, 'pager')]//a[@rel='next']/@href")
        assert previous == ([order[number - 1]] if number else []), name
        assert following == ([order[number + 1]] if number + 1 < len(order) else []), name


def test_citations_lead_to_their_source_and_the_source_back_to_each(built, site):
    index = built.handbook.indexes["en"]
    sources = html.parse(str(site / "sources.html")).getroot()
    markers = 0
    for chapter in built.handbook.books["en"].chapters:
        root = html.parse(str(site / f"{chapter.id}.html")).getroot()
        for marker in root.xpath("//a[@class='cite']"):
            number = int(marker.text)
            source_id = index.entries[number - 1].source.id
            assert marker.get("href") == f"sources.html#source-{source_id}"
            assert marker.get("aria-label").startswith(f"Source {number}: ")
            back = sources.xpath(f"//li[@id='source-{source_id}']//a[@href='{chapter.id}.html#{marker.get('id')}']")
            assert back, (chapter.id, marker.get("id"))
            markers += 1
    assert markers == sum(len(entry.places) for entry in index.entries)


def test_the_first_use_of_a_glossary_term_in_each_chapter_links_to_its_definition(built, site):
    glossary = html.parse(str(site / "glossary.html")).getroot()
    linked = 0
    for chapter in built.handbook.books["en"].chapters:
        root = html.parse(str(site / f"{chapter.id}.html")).getroot()
        targets = [a.get("href") for a in root.xpath("//a[@class='glossref']")]
        assert len(targets) == len(set(targets)), chapter.id  # the first use only
        for target in targets:
            page, term = target.split("#")
            assert page == "glossary.html" and glossary.xpath(f"//dt[@id='{term}']/dfn"), (chapter.id, target)
        linked += len(targets)
    assert linked >= 20


def test_the_downloads_are_the_same_editions_files(built, site):
    root = html.parse(str(site / "index.html")).getroot()
    hrefs = root.xpath("//section[contains(@class, 'downloads-box')]//a/@href")
    # The English PDFs and e-book; a booklet's sheets, a file to print, are not offered to readers.
    manifest = read_manifest(built.out / "manifest.json")
    expected = sorted(os.path.relpath(built.out / name, site) for name, entry in manifest.items()
                      if entry.edition["language"] == "en" and entry.edition["format"] in ("pdf", "epub"))
    assert sorted(hrefs) == expected and len(expected) == 7
    labels = root.xpath("//section[contains(@class, 'downloads-box')]//a/text()")
    assert "PDF, large print, A4" in labels and "E-book (EPUB)" in labels


def test_a_web_edition_built_alone_links_to_no_file_it_lacks(tree, monkeypatch):
    """Downloads are linked only where their files are: made by the same build (the real book's
    test above) or already beside the site; a site built alone into a new folder has none."""
    from handbook.project import Project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tree.root / "elsewhere"
    project = Project.at(tree.root, out)
    build(project, Request(formats=("web",)), progress=lambda line: None)
    site = out / "web"
    assert broken_links(site) == []  # nothing leads out of the site
    index = html.parse(str(site / "index.html")).getroot()
    assert not index.xpath("//a[@download]") and not index.xpath("//*[@id='downloads-title' or @id='footer-downloads']")

    (out / "sample-handbook.epub").write_bytes(b"an e-book made by an earlier build")
    report = build(project, Request(formats=("web",)), progress=lambda line: None)
    assert [made.edition.format for result in report.made for made in result.made] == ["web"]  # not skipped
    for page in pages(site):
        root = html.parse(str(page)).getroot()
        assert set(root.xpath("//a[@download]/@href")) == {"../sample-handbook.epub"}, page.name
    assert broken_links(site, {out / "sample-handbook.epub"}) == []


def test_the_search_index_is_a_script_with_every_section(built, site):
    text = (site / "js" / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.HANDBOOK_SEARCH = ")
    data = json.loads(text[len("window.HANDBOOK_SEARCH = "):].rstrip().rstrip(";"))
    sections = [(c.id, s.id) for c in built.handbook.books["en"].chapters for s in c.sections]
    assert {f"{c}.html#{s}" for c, s in sections} <= {shown["href"] for shown in data["documents"].values()}
    assert all(len(ref) <= 2 for ref in data["documents"])  # short names: the index repeats them for every word
    assert data["index"]["version"] == "2.3.9" and data["index"]["pipeline"] == ["stemmer"]
    page = (site / "search.html").read_text()
    assert "lunr.min.js" in page and "lunr.es" not in page


def test_a_web_build_is_recorded_swapped_in_whole_and_skipped_when_nothing_changed(tree, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tree.root / "build"
    build(tree.project, Request(formats=("web",)), progress=lambda line: None)
    site = out / "web"
    (site / "stale.html").write_text("left over")
    entry = read_manifest(out / "manifest.json")["web"]
    assert entry.edition == {"clinic": "", "language": "en", "layout": "", "format": "web"} and entry.pages is None
    report = build(tree.project, Request(formats=("web",)), progress=lambda line: None)
    assert report.made  # the folder no longer matches its hash: built again
    assert not (site / "stale.html").exists()
    assert digest(site) == (read_manifest(out / "manifest.json")["web"].sha256,
                            read_manifest(out / "manifest.json")["web"].size)
    report = build(tree.project, Request(formats=("web",)), progress=lambda line: None)
    assert not report.made and report.skipped == [Edition("", "en", "", "web")]
    chapter = tree.chapters / "sample.yaml"
    chapter.write_text(chapter.read_text().replace("title: Sample chapter", "title: A changed chapter"))
    build(tree.project, Request(formats=("web",)), progress=lambda line: None)
    assert "A changed chapter" in (site / "sample.html").read_text()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_chapter_cannot_take_a_page_name_of_the_site(tree):
    text = tree.root.joinpath("chapters/book.yaml").read_text().replace("  - sample\n", "  - search\n")
    tree.write("chapters/book.yaml", text)
    shutil.move(tree.chapters / "sample.yaml", tree.chapters / "search.yaml")
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree.root), "build", "web"],
                            capture_output=True, text=True, cwd=tree.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "chapters/en/search.yaml:1: the chapter id 'search' would be the web edition's search.html page" \
        in result.stderr
    assert not (tree.root / "build" / "web").exists()


def test_the_spanish_site_has_no_english_label(tmp_path, monkeypatch):
    from test_i18n import english_labels

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site = spanish_site(tmp_path)
    for page in pages(site):
        root = html.parse(str(page)).getroot()
        shown = " ".join(root.xpath("//body//text() | //@aria-label | //@title | //@*[starts-with(name(), 'data-')]"))
        shown = " ".join(shown.split())
        assert root.get("lang") == "es"
        assert [label for label in english_labels() if label in shown] == [], page.name
    index = " ".join(html.parse(str(site / "index.html")).getroot().text_content().split())
    for words in ("¿Necesita ayuda ahora?", "Buscar en este manual", "Índice", "Descargar este manual",
                  "edición web", "Publicado el 1 de enero de 2026", "Siguiente"):
        assert words in index, words
    assert "lunr.es.min.js" in (site / "search.html").read_text()
    assert (site / "js" / "LICENSE-lunr-languages.txt").is_file()


def test_an_english_source_title_says_it_is_english_on_the_spanish_site(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    sources = (spanish_site(tmp_path) / "sources.html").read_text(encoding="utf-8")
    assert sources.count('<span lang="en">The first article</span>') == 1  # WCAG 3.1.2, language of parts


def test_other_languages_have_full_addresses_only_where_the_book_says_where_it_is_published(tmp_path, monkeypatch):
    """hreflang alternates must be full addresses (search engines ignore relative ones): the
    book file's web_address gives them; a book without one names no alternates at all."""
    from handbook.project import Project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site = spanish_site(tmp_path)
    assert not html.parse(str(site / "sample.html")).getroot().xpath("//link[@rel='alternate']")
    book = tmp_path / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("publisher:", "web_address: https://example.org/sample\npublisher:")
                    .replace("editions:\n", "editions:\n  formats: [web]\n"))
    build(Project.at(tmp_path), Request(formats=("web",)), progress=lambda line: None)
    for folder in (tmp_path / "build" / "web", tmp_path / "build" / "es" / "web"):
        for page in pages(folder):
            root = html.parse(str(page)).getroot()
            alternates = {link.get("hreflang"): link.get("href") for link in root.xpath("//link[@rel='alternate']")}
            assert alternates == {"en": f"https://example.org/sample/{page.name}",
                                  "es": f"https://example.org/es/web/{page.name}"}, page


def test_spanish_search_stems_as_the_browser_does():
    """The index's Spanish stems (snowballstemmer) are the ones lunr-languages makes of typed words."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js here to run lunr-languages' Spanish stemmer")
    import snowballstemmer

    words = sorted({w.lower() for path in (ROOT / "chapters" / "es").glob("*.yaml")
                    for w in re.findall(r"[^\W\d_]{3,}", path.read_text(encoding="utf-8"))})
    script = (
        "const lunr = require(process.argv[1]); require(process.argv[2])(lunr); require(process.argv[3])(lunr);"
        "const words = require('fs').readFileSync(0, 'utf8').split('\\n');"
        "console.log(JSON.stringify(words.map(w => lunr.es.stemmer(new lunr.Token(w)).toString())));"
    )
    scripts = [str(SEARCH / name) for name in ("lunr.min.js", "lunr.stemmer.support.min.js", "lunr.es.min.js")]
    result = subprocess.run([node, "-e", script, *scripts], input="\n".join(words), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    browser = json.loads(result.stdout)
    python = snowballstemmer.stemmer("spanish").stemWords(words)
    differ = [(w, b, p) for w, b, p in zip(words, browser, python, strict=True) if b != p]
    assert len(words) > 1000 and differ == []
