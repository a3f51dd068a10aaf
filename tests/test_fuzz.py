"""Generated books: hostile text and broken structure give path:line messages, never a traceback.

Hypothesis writes chapter, book and clinic files that are valid in structure but full of
hostile text (control characters, right-to-left marks, combining marks, emoji, lone
surrogates, very long words, Markdown, HTML and Jinja fragments), and then breaks their
structure at random (a key dropped or misspelt, a value of another type, a value nested
one level deeper). `handbook check` must then succeed, or fail with exit status 1 and
messages that each name a file of the book and a line that exists in it; a real build
of a few of them must do the same, and write only whole outputs.

The example counts are small for `make test`; HANDBOOK_FUZZ_EXAMPLES=500 runs more.
"""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import BOOK_YAML, CLINIC_DEFAULTS, SOURCES_YAML, Tree
from handbook.cli import main
from test_load import png

pytestmark = pytest.mark.slow  # Hypothesis: many generated books checked and built.

CHECKS = int(os.environ.get("HANDBOOK_FUZZ_EXAMPLES", "20"))
BUILDS = max(2, CHECKS // 50)
FUZZ = dict(deadline=None, database=None, print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""No example database in the checkout; print_blob says how to replay a failure."""
PICTURE = png()

# --- Text ---------------------------------------------------------------------------------

PRINTABLE = [
    "\u202e", "\u200f", "\u2066", "\u200d", "\ufeff", "e\u0301", "café", "¿Qué?", "naïve", "*", "**", "_",
    "[@alpha]", "[@beta; @alpha]", "[x](https://example.org/a)", "[x](#sample)", "[x](mailto:a@example.org)",
    "![x](https://example.org/a.png)", "<script>alert(1)</script>", "</p><p>", "&#0;", "&amp;", "]]>", "<!--",
    "{{ 7 * 7 }}", "{% raw %}", "\\", "%s", "'", '"', "#", ": ", "- ", "\t", "\n", "\r\n", " ", "...", "--",
]
"""What an author may type and the book must print as typed: marks of direction and joiners, a
combining accent, Markdown, HTML, XML and Jinja fragments, quotes, YAML's own punctuation."""
REFUSED = [
    "\x00", "\x0b", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\u0600", "\ufffe", "\ud800", "\udfff",
    "\u0332", "\U0001f600",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467", "مرحبا", "שלום", "漢字", "ελληνικά", "[@", "[@nobody]", "[@Bad_Id]",
    "[x](file:///etc/passwd)", "[x](javascript:alert(1))", "[x](../../etc/passwd)", "[x](http://example.org/)",
    "[x](#nowhere)", "*w " * 40 + "x" + " w*" * 40,
]
"""What must be a message: control characters, halves of characters, letters the theme's fonts
lack (emoji, Arabic, Hebrew, CJK, Greek), broken citations, links out of the book, deep nesting."""

words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
long_word = st.integers(100, 1000).map(lambda n: "x" * n)
printable = st.one_of(words, words, words, st.sampled_from(PRINTABLE), st.sampled_from(PRINTABLE), long_word)
hostile = st.one_of(st.sampled_from(REFUSED), st.text(st.characters(codec="utf-8"), min_size=1, max_size=6))
"""The second: anything at all, lone surrogates too, which YAML writes as escapes such as "\\ud800"."""
text = st.lists(printable, min_size=1, max_size=6).map(" ".join)
cited = text.map(lambda words: words + " [@alpha] [@beta].")
ids = st.from_regex(r"\A[a-z][a-z0-9-]{0,12}\Z")


@st.composite
def block(draw, nested: bool = False):
    kinds = ["paragraph", "bullets", "steps", "checklist"]
    if not nested:
        kinds += ["callout", "table", "figure", "questions", "definitions", "notes", "clinic"]
    kind = draw(st.sampled_from(kinds))
    items = st.lists(cited, min_size=1, max_size=3)
    if kind == "paragraph":
        return {"paragraph": draw(cited)}
    if kind in ("bullets", "steps", "checklist", "questions"):
        return {kind: draw(items)}
    if kind == "callout":
        return {"callout": {"kind": draw(st.sampled_from(["key-points", "warning", "tip"])), "title": draw(text),
                            "blocks": draw(st.lists(block(nested=True), min_size=1, max_size=2))}}
    if kind == "table":
        columns = draw(st.integers(1, 3))
        return {"table": {"caption": draw(text), "header": draw(st.lists(text, min_size=columns, max_size=columns)),
                          "rows": draw(st.lists(st.lists(cited, min_size=columns, max_size=columns), min_size=1,
                                                max_size=3))}}
    if kind == "figure":
        return {"figure": {"src": "images/picture.png", "alt": draw(text), "caption": draw(cited)}}
    if kind == "definitions":
        return {"definitions": draw(st.lists(st.fixed_dictionaries({"term": text, "text": cited}), min_size=1,
                                             max_size=2))}
    if kind == "notes":
        return {"notes": draw(st.integers(1, 40))}
    return {"clinic": draw(st.sampled_from(["fasting", "contacts"]))}


def chapters(sections: int, blocks: int):
    return st.fixed_dictionaries(
        {"title": text, "sections": st.lists(
            st.fixed_dictionaries({"title": text, "blocks": st.lists(block(), min_size=1, max_size=blocks)},
                                  optional={"id": ids}), min_size=1, max_size=sections)},
        optional={"summary": text})


chapter = chapters(sections=3, blocks=4)
short_chapter = chapters(sections=2, blocks=3)  # a few pages: each build is a real layout
book = st.fixed_dictionaries({
    "title": text, "subtitle": text, "edition": text, "publisher": text,
    "keywords": st.lists(text, max_size=3, unique=True)})
clinic = st.fixed_dictionaries({"name": text, "number": text, "fasting": text})


# --- Breaking the structure ----------------------------------------------------------------

OTHER_VALUES = [None, 0, 12.5, True, "text", [], ["a list"], {}, {"a": "mapping"}]


@st.composite
def mutated(draw, data):
    """Return the data with one random structural change, somewhere in it."""
    places = list(_places(data))
    at = draw(st.sampled_from(places))
    change = draw(st.sampled_from(["drop", "rename", "retype", "nest"]))
    if not at:
        return draw(st.sampled_from(OTHER_VALUES)) if change == "retype" else data
    parent = data
    for part in at[:-1]:
        parent = parent[part]
    key = at[-1]
    if change == "drop":
        del parent[key]
    elif change == "rename" and isinstance(key, str):
        parent[key + draw(st.sampled_from(["s", "_", "X", " "]))] = parent.pop(key)
    elif change == "nest":
        parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
    else:
        parent[key] = draw(st.sampled_from(OTHER_VALUES))
    return data


@st.composite
def poisoned(draw, data):
    """Return the data with hostile text put into one of its texts."""
    texts = [at for at in _places(data) if at and isinstance(_get(data, at), str)]
    if not texts:
        return data
    at = draw(st.sampled_from(texts))
    parent = _get(data, at[:-1])
    words = parent[at[-1]].split(" ")
    words.insert(draw(st.integers(0, len(words))), draw(hostile))
    parent[at[-1]] = " ".join(words)
    return data


def _get(data, at):
    for part in at:
        data = data[part]
    return data


def _places(data, at=()):
    yield at
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _places(value, at + (index,))


# --- Writing a book and running the command line --------------------------------------------


def write_book(root: Path, chapter_data, book_data, clinic_data) -> Tree:
    tree = Tree(root)
    book_file = yaml.safe_load(BOOK_YAML)
    if isinstance(book_data, dict):
        language = {key: book_data[key] for key in ("title", "subtitle", "edition", "keywords") if key in book_data}
        book_file["languages"]["en"] = language
        if "publisher" in book_data:
            book_file["publisher"] = book_data["publisher"]
        else:
            del book_file["publisher"]
    book_file["editions"]["clinics"] = ["clinics/*.yaml"]
    tree.write("chapters/book.yaml", _dump(book_file))
    tree.write("chapters/en/sample.yaml", _dump(chapter_data))
    tree.write("chapters/en/clinic.yaml", CLINIC_DEFAULTS)
    tree.write("chapters/en/images/picture.png", PICTURE)
    tree.write("sources/sources.yaml", SOURCES_YAML)
    if isinstance(clinic_data, dict) and {"name", "number", "fasting"} <= set(clinic_data):
        clinic_data = {"name": clinic_data["name"], "phones": {"clinic": clinic_data["number"]},
                       "instructions": {"fasting": clinic_data["fasting"]}}
    tree.write("clinics/riverside.yaml", _dump(clinic_data))
    return tree


def _dump(data) -> str:
    # Default escaping: what cannot be typed is written as "\u202e" or "\ud800", as a tool would.
    return yaml.safe_dump(data, sort_keys=False, width=120)


def run(tree: Tree, *args: str) -> tuple[int, list[str]]:
    """Run the command line in this process; return its status and what it printed as errors."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["--root", str(tree.root), *args])
    return status, err.getvalue().splitlines()


def assert_clean(tree: Tree, status: int, lines: list[str]) -> None:
    """Check the outcome: success, or exit 1 with one `path:line: message` per problem."""
    event("accepted" if status == 0 else "refused")  # pytest --hypothesis-show-statistics counts them
    if status == 0:
        return
    assert status == 1, lines
    *problems, summary = lines
    assert summary.startswith("handbook: ") and problems, lines
    for line in problems:
        path, rest = line.split(": ", 1) if ": " in line else (line, "")
        name, _, number = path.rpartition(":") if path.rpartition(":")[2].isdigit() else (path, "", "0")
        file = Path(name)
        assert rest and file.is_relative_to(tree.root), line
        if file.is_file():
            assert 0 <= int(number) <= len(file.read_bytes().splitlines()) + 1, line


@settings(max_examples=CHECKS, **FUZZ)
@given(chapter_data=chapter, book_data=book, clinic_data=clinic, data=st.data(),
       changes=st.lists(st.sampled_from(["chapter", "book", "clinic", "chapter text", "book text", "clinic text"]),
                        max_size=2))
def test_check_of_generated_files_succeeds_or_names_each_problem(chapter_data, book_data, clinic_data, data, changes):
    files = {"chapter": chapter_data, "book": book_data, "clinic": clinic_data}
    for change in changes:
        name, _, what = change.partition(" ")
        files[name] = data.draw(poisoned(files[name]) if what else mutated(files[name]))
    chapter_data, book_data, clinic_data = files["chapter"], files["book"], files["clinic"]
    with tempfile.TemporaryDirectory() as folder:
        tree = write_book(Path(folder), chapter_data, book_data, clinic_data)
        assert_clean(tree, *run(tree, "check"))


@settings(max_examples=BUILDS, **FUZZ)
@given(chapter_data=short_chapter, book_data=book, clinic_data=clinic, data=st.data(), poison=st.booleans())
def test_a_build_of_generated_files_succeeds_or_names_each_problem(chapter_data, book_data, clinic_data, data, poison):
    if poison:
        chapter_data = data.draw(poisoned(chapter_data))
    with tempfile.TemporaryDirectory() as folder:
        tree = write_book(Path(folder), chapter_data, book_data, clinic_data)
        status, lines = run(tree, "build", "--jobs", "1")
        assert_clean(tree, status, lines)
        out = tree.root / "build"
        if status == 0:
            made = sorted(path.relative_to(out).as_posix() for path in out.rglob("*")
                          if path.is_file() and not any(part.startswith(".") for part in path.relative_to(out).parts))
            assert made == ["manifest.json", "riverside/en/sample-handbook.epub", "riverside/en/sample-handbook.pdf",
                            "sample-handbook.epub", "sample-handbook.pdf"], made
        else:
            assert not out.exists()
