"""Languages in other scripts (docs/scripts.md): each language's fonts, right to left, the
glossary in text without spaces or with attached prefixes, search words, and the readability
check of a language with no formula. The books in tests/books/cast-care-{zh,vi,ar} are built
end to end by tests/test_scripts_books.py."""
from __future__ import annotations

import json
import shutil
import subprocess
from types import SimpleNamespace

import pytest

from conftest import ROOT
from handbook.analyse.glossary import pattern
from handbook.epub.cover import CLOSING, OPENING, line_pieces
from handbook.errors import HandbookError
from handbook.prepare import prepare
from handbook.project import Project
from handbook.render.bidi import direction, isolated_text
from handbook.web.search import search_words, splitting

BOOKS = {code: ROOT / "tests" / "books" / f"cast-care-{name}" for code, name in
         (("zh-Hans", "zh"), ("vi", "vi"), ("ar", "ar"))}


def test_each_language_has_its_own_fonts_and_english_none_of_theirs():
    theme = prepare(Project.at(BOOKS["zh-Hans"])).theme
    names = {language: {path.name for path in theme.font_files_for(language)} for language in ("en", "es", *BOOKS)}
    latin = {name for name in names["en"] if name.startswith("atkinson-hyperlegible-latin-")}
    assert names["en"] == names["es"] == latin and len(latin) == 4
    assert names["zh-Hans"] == latin | {"noto-sans-sc-400-normal.woff2", "noto-sans-sc-700-normal.woff2"}
    assert names["ar"] == latin | {"noto-naskh-arabic-400-normal.woff2", "noto-naskh-arabic-700-normal.woff2"}
    assert {name for name in names["vi"] - latin} == {f"noto-sans-vietnamese-{face}.woff2" for face in
                                                      ("400-normal", "700-normal", "400-italic", "700-italic")}
    assert theme.stylesheets_for("en") == ("fonts/fonts.css",)
    assert theme.stylesheets_for("zh-Hans") == ("fonts/fonts.css", "fonts/chinese.css")
    # Print: an English layout reads no other script's stylesheet; Arabic adds right-to-left rules.
    assert theme.print_stylesheets_for("en", theme.layouts["a4"]) == ()
    assert theme.print_stylesheets_for("ar", theme.layouts["print-shop"]) == (
        "fonts/arabic.css", "print/rtl.css", "print/facing-pages-rtl.css")
    assert theme.cover_fonts("ar")[0].name == "noto-naskh-arabic-drawing-400.woff2"


def test_the_languages_written_right_to_left():
    assert [direction(code) for code in ("ar", "he", "fa", "ur")] == ["rtl"] * 4
    assert [direction(code) for code in ("en", "es", "vi", "zh-Hans", "xx-Nope")] == ["ltr"] * 5


def test_left_to_right_runs_are_isolated_in_right_to_left_text():
    text = "اتصل بخط Poison Help على الرقم 1-800-555-0199، أو زر 988lifeline.org."
    assert str(isolated_text(text, "web")) == (
        "اتصل بخط <bdi>Poison Help</bdi> على الرقم <bdi>1-800-555-0199</bdi>، أو زر <bdi>988lifeline.org</bdi>.")
    assert str(isolated_text(text, "print")).count("\u2068") == 3 == str(isolated_text(text, "print")).count("\u2069")
    assert str(isolated_text("<b> & ق", "epub")) == "&lt;<bdi>b</bdi>&gt; &amp; ق"
    # A name of several words with a lone & in it is one run, not two that swap places.
    assert str(isolated_text("وهو خط 988 Suicide & Crisis Lifeline (خط)", "web")) == (
        "وهو خط <bdi>988 Suicide &amp; Crisis Lifeline</bdi> (خط)")


def test_a_glyph_a_language_fonts_lack_is_reported_for_that_language_only(tree):
    """Chinese is printable in a Chinese chapter, not in an English one (no English font has it)."""
    sample = tree.root / "chapters" / "en" / "sample.yaml"
    sample.write_text(sample.read_text().replace("A fact with", "A fact (氯) with"))
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project)
    assert "sample.yaml:6: the theme's fonts have no '氯' (U+6C2F" in str(raised.value)
    prepare(Project.at(BOOKS["zh-Hans"]))  # the same characters in a Chinese book: no problem


def term(name: str, *also: str):
    return pattern(SimpleNamespace(term=name, also=also))


def test_chinese_terms_are_found_inside_text_without_spaces():
    assert term("NMDA受体").search("氯胺酮阻断NMDA受体的作用").group() == "NMDA受体"
    assert term("石膏").search("用塑料袋把石膏套好").group() == "石膏"
    assert term("NMDA受体").search("XNMDA受体") is None  # a Latin letter still stops a Latin end


def test_arabic_terms_are_found_with_the_prefixes_the_language_attaches():
    cast = term("الجبيرة")
    for text, found in (("غطِّ الجبيرة بكيس", "الجبيرة"), ("العناية بالجبيرة", "بالجبيرة"),
                        ("وللجبيرة غطاء", "وللجبيرة"), ("عن جبيرتك", None), ("الجبيرات", None)):
        match = cast.search(text)
        assert (match.group() if match else None) == found, text


def test_chinese_lines_never_start_with_closing_punctuation():
    """The cover and the diagrams break Chinese between characters, punctuation kept with its neighbour."""
    pieces = [piece for piece, _ in line_pieces("请拨打911，或去急诊室。（不管是哪一种）“好”：是的！")]
    assert pieces[:4] == ["请", "拨", "打", "911，"]
    assert not [p for p in pieces if p[0] in CLOSING or p[-1] in OPENING]
    assert "".join(pieces) == "请拨打911，或去急诊室。（不管是哪一种）“好”：是的！"


def test_search_words_split_and_fold_each_script():
    assert splitting("zh-Hans") == "cjk" and splitting("vi") == "tones" and splitting("ar") == "arabic"
    assert splitting("en") is None and splitting("es") is None
    assert search_words("副作用，Poison", "cjk") == ["副", "作", "用", "副作", "作用", "poison"]
    assert search_words("副作用", "cjk", query=True) == ["副作", "作用"]
    assert search_words("Đang gặp", "tones") == ["đang", "dang", "gặp", "gap"]
    assert search_words("بالجبيرةِ وأدوية", "arabic") == ["بالجبيره", "جبيره", "وادويه", "ادويه"]


@pytest.mark.slow  # starts Node.js
def test_the_browser_splits_words_as_the_build_does():
    """search.js's searchWords gives the words search_words gives, for every text of the books in
    these scripts (the test books, and the handbook's own translations where they are)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js here to run search.js")
    texts = []
    for code, how in (("zh-Hans", "cjk"), ("vi", "tones"), ("ar", "arabic")):
        files = [*BOOKS[code].rglob("*.yaml"), *(ROOT / "chapters" / code).glob("*.yaml")]
        texts += [(path.read_text(encoding="utf-8"), how, query) for path in files for query in (False, True)]
    script = ("const s = require(process.argv[1]); const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(texts.map(([t, how, q]) => s.searchWords(t, how, q))));")
    result = subprocess.run([node, "-e", script, str(ROOT / "layouts" / "web" / "search.js")],
                            input=json.dumps(texts), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    browser = json.loads(result.stdout)
    python = [search_words(text, how, query) for text, how, query in texts]
    assert len(texts) >= 12 and sum(map(len, python)) > 1000
    assert [i for i, (b, p) in enumerate(zip(browser, python, strict=True)) if b != p] == []


def test_readability_has_no_formula_for_these_languages_and_does_not_fail(capsys):
    from handbook.cli import main

    for code, book in BOOKS.items():
        assert main(["--root", str(book), "readability", "--check"]) == 0
        assert f"{code}: no readability formula for this language; not scored" in capsys.readouterr().out


def test_the_fonts_shipped_are_the_subsets_scripts_fonts_py_makes():
    """Each font of another script is a WOFF2 subset with every glyph the languages need, and
    small enough to keep in the repository; the Noto licence is beside them."""
    from fontTools.ttLib import TTFont

    fonts = ROOT / "layouts" / "fonts"
    cmap = {path.name: set(TTFont(str(path), lazy=True).getBestCmap()) for path in fonts.glob("noto-*.woff2")}
    assert all(ord(c) in cmap["noto-sans-sc-400-normal.woff2"] for c in "氯胺酮，。、；：？！（）“”䓬癫痫")
    assert all(ord(c) in cmap["noto-sans-vietnamese-400-normal.woff2"] for c in "ấồữặĐđƠơƯư₫")
    assert all(ord(c) in cmap["noto-naskh-arabic-400-normal.woff2"] for c in "الجبيرةًٌٍَُِّْ،؛؟٠١")
    assert all(ord(c) in cmap["noto-naskh-arabic-drawing-400.woff2"] for c in "اPoison Help 1-800")
    assert sum(path.stat().st_size for path in fonts.glob("noto-*.woff2")) < 6_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL-Noto.txt").read_text(encoding="utf-8")
