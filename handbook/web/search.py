"""The web edition's offline search: a Lunr index built now, read by lunr.js in the browser.

lunr.py builds the same index lunr.js would (MkDocs' search plugin does the same with
`prebuild_index: python`). The index and the short texts shown with each result are
written as a script that assigns them (`js/search-index.js`), not as JSON to fetch, so
search works from file:// as well as from a web server.

English uses Lunr's own stemmer and stop words. For another language, the theme's copy of
lunr-languages (`web/search/lunr.<language>.min.js`) stems the words typed in the browser;
the index is built with the same word characters and stop words, read from that file, and
the Snowball stemmer of the same language (snowballstemmer, the Snowball project's own
Python port, as Sphinx's search uses). A language without such a file is indexed without
stemming: words are found as written, or by their first letters.

Three scripts are split into words here, by `search_words`, and in the browser by the same
rules (search.js, `searchWords`; tests/test_web.py runs both on every word of the chapters):

- Chinese has no spaces and lunr no Chinese tokenizer: each run of Chinese characters is
  indexed as its single characters and its pairs of characters (bigrams), and a query as
  its pairs, all of which a section must hold (a single character typed is looked up alone).
- Vietnamese is typed with or without its tone marks: each word is indexed as written and
  without its marks (NFD, combining marks dropped, đ as d), and a query looks up both.
- Arabic is written with or without its short vowels, with several forms of alef, and with
  the prefixes و ف ب ك ل and the article ال attached: each word is indexed normalised
  (vowel marks and tatweel dropped, alef forms as ا, ى as ي, ة as ه), and without those
  prefixes, and a query looks up both.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from typing import Any

from ..analyse.traverse import plain_text, texts
from ..model import CONTACTS, Block, Callout, ClinicBlock, Definitions, Figure, Table
from ..render import anchors
from ..render.context import Context
from ..render.documents import Split

EXCERPT_CHARACTERS = 200


def search_documents(context: Context, parts: Split) -> list[dict[str, str]]:
    """Return what the search finds: every section of every chapter, and every source.

    Each is the index's document by a short number (`ref`), with its address (`href`): the
    index names a document once for each word in it, so a short name keeps the index a
    third of the size an address would make it."""
    documents = []
    for chapter in context.book.chapters:
        for number, section in enumerate(chapter.sections):
            words = [chapter.summary or ""] if number == 0 else []
            for block in section.blocks:
                words += _block_words(context, block)
            documents.append({"href": parts.href(section.id), "title": section.title, "page": chapter.title,
                              "body": _joined(words)})
    for entry in context.index.entries:
        source = entry.source
        words = [source.title or "", source.author or "", source.kind, source.note]
        documents.append({"href": parts.href(anchors.source(source.id)), "title": source.short_name,
                          "page": context.gettext("Sources"), "body": _joined(words)})
    return [{"ref": format(number, "x"), **document} for number, document in enumerate(documents)]


def _joined(words: list[str]) -> str:
    """Return words as one text: single spaces, none left where a citation marker was taken out."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(" ".join(words).split()))


def _block_words(context: Context, block: Block) -> list[str]:
    """Return the words of a block as a reader sees them, nested blocks included."""
    words = [plain_text(text) for text in texts(block)]
    if isinstance(block, Definitions):
        words += [entry.term for entry in block.items]
    elif isinstance(block, Table):
        words = [block.caption, *block.header, *words]
    elif isinstance(block, Figure):
        words.insert(0, block.alt)
    elif isinstance(block, Callout):
        words = [block.title or context.gettext(context.callout_title(block))]
        for inner in block.blocks:
            words += _block_words(context, inner)
    elif isinstance(block, ClinicBlock) and context.clinic is not None:
        if block.key == CONTACTS:
            words += [f"{phone.label} {phone.number}" for phone in context.clinic.phones]
        else:
            words.append(context.clinic.instruction(block.key))
    return words


CJK = "\u2E80-\u9FFF\uF900-\uFAFF"
"""Chinese characters (and Japanese kana): written without spaces between words."""
SPLITTING = {"zh": "cjk", "ja": "cjk", "vi": "tones", "ar": "arabic", "fa": "arabic", "ur": "arabic"}
"""The languages whose words search_words splits or folds, by the first part of their tag."""
WORD = "(?:[^\\W_]|[\u0300-\u036F\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED])+"
"""A word: letters and digits, and the marks written on them (Arabic vowels, which split no word)."""
ARABIC_MARKS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
ARABIC_PREFIX = re.compile("^(?:[وف]?(?:[بك]?ال|لل|[بكل])|[وف])(?=..)")


def splitting(language: str) -> str | None:
    """Return how a language's words are split and folded for search, if search_words does it."""
    return SPLITTING.get(language.split("-")[0])


def search_words(text: str, how: str, query: bool = False) -> list[str]:
    """Return the words search indexes in a text, or (`query`) looks up for a typed one."""
    found: list[str] = []
    for word in re.findall(WORD, unicodedata.normalize("NFC", text).lower()):
        if how == "cjk":
            for run in re.findall(f"[{CJK}]+|[^{CJK}]+", word):
                if not re.match(f"[{CJK}]", run) or len(run) == 1:
                    found.append(run)
                    continue
                pairs = [run[i:i + 2] for i in range(len(run) - 1)]
                found += pairs if query else list(run) + pairs
        elif how == "tones":
            bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
            found += [word] + ([bare.replace("đ", "d")] if bare.replace("đ", "d") != word else [])
        else:
            folded = ARABIC_MARKS.sub("", word).translate(ARABIC_LETTERS)
            stem = ARABIC_PREFIX.sub("", folded)
            found += [folded] + ([stem] if stem != folded else [])
    return found


ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def search_script(context: Context, parts: Split) -> bytes:
    """Return js/search-index.js: the Lunr index and each result's title, page and excerpt."""
    documents = search_documents(context, parts)
    index = _builder(context)
    how = splitting(context.book.language)
    for document in documents:
        if how:  # the words as search_words splits them, one space apart: lunr splits at spaces
            document = dict(document, **{field: " ".join(search_words(document[field], how))
                                         for field in ("title", "body")})
        index.add(document)
    shown = {d["ref"]: {"href": d["href"], "title": d["title"], "page": d["page"], "excerpt": _excerpt(d["body"])}
             for d in documents}
    data = {"index": index.build().serialize(), "documents": shown}
    if how:
        data["words"] = how  # how search.js splits what is typed
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # "</" never ends a script, and U+2028/9 are line ends to older JavaScript.
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.HANDBOOK_SEARCH = {text};\n".encode()


def _excerpt(body: str) -> str:
    if len(body) <= EXCERPT_CHARACTERS:
        return body
    return body[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0] + "…"


def _builder(context: Context) -> Any:  # lunr's Builder (lunr.py has no types)
    """Return a Lunr index builder for the book's language, with fields and reference set."""
    from lunr import get_default_builder
    from lunr.builder import Builder

    language = context.book.language
    script = context.theme.find(f"web/search/lunr.{language}.min.js")
    if language.split("-")[0] == "en":
        builder = get_default_builder()
    else:
        builder = Builder()
        if script is not None and splitting(language) is None:
            trimmer, stop_words, stemmer = _language_pipeline(language, script.read_text(encoding="utf-8"))
            builder.pipeline.add(trimmer, stop_words, stemmer)
            builder.search_pipeline.add(stemmer)
    builder.ref("ref")
    builder.field("title", boost=10)
    builder.field("body")
    return builder


@functools.cache
def _language_pipeline(language: str, script: str) -> tuple[Any, Any, Any]:  # lunr's pipeline functions
    """Return the trimmer, stop word filter and stemmer lunr-languages registers for a language."""
    import snowballstemmer
    from babel import Locale
    from lunr.pipeline import Pipeline
    from lunr.stop_word_filter import generate_stop_word_filter

    characters = re.search(r"wordCharacters\s*=\s*([\"'])(.*?)\1", script)
    stop_words = re.search(r"generateStopWordFilter\(\s*([\"'])(.*?)\1\.split\(", script)
    if characters is None or stop_words is None:
        raise ValueError(f"lunr.{language}.min.js: no word characters or stop words found")  # a theme bug
    # The JavaScript string as written, with its \xHH and \uHHHH escapes undone.
    word_characters = re.sub(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4}))",
                             lambda m: chr(int(m.group(1) or m.group(2), 16)), characters.group(2))
    pattern = re.compile(f"^[^{word_characters}]+|[^{word_characters}]+$")

    def trimmer(token: Any, i: int | None = None, tokens: list[Any] | None = None) -> Any:
        return token.update(lambda text, metadata=None: pattern.sub("", text))

    stop_word_filter = generate_stop_word_filter(stop_words.group(2).split(" "), language=language)
    snowball = snowballstemmer.stemmer((Locale.parse(language, sep="-").get_language_name("en") or language).lower())

    def stemmer(token: Any, i: int | None = None, tokens: list[Any] | None = None) -> Any:
        return token.update(lambda text, metadata=None: snowball.stemWord(text))

    labelled: tuple[tuple[Any, str], ...] = ((trimmer, f"trimmer-{language}"), (stemmer, f"stemmer-{language}"))
    for function, label in labelled:
        function.label = label  # the names lunr-languages registers in the browser, read by lunr as an attribute
        Pipeline.registered_functions[label] = function
    return trimmer, stop_word_filter, stemmer
