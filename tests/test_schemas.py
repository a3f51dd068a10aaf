"""Every key the schemas know, missing and of the wrong type, in every kind of file.

The cases are made from the schemas themselves: tests/schema_examples/ holds one file of
each kind that uses every key its schema has (a test checks that it does, so a new key
must be added there); from each, one case drops each required key and one puts a value
of the wrong type in each place. Each must fail with exactly one `path:line: message`, at
the line of the mapping that lacks the key or of the wrong value.
"""
from __future__ import annotations

import copy
import functools
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from handbook.errors import HandbookError, Problems
from handbook.load.chapter import load_chapter
from handbook.load.schema import KINDS, _Reader, _resolve, read, schema, schema_at
from handbook.prepare import prepare

EXAMPLES = Path(__file__).parent / "schema_examples"
ROOT = Path(__file__).resolve().parents[1]
PLACES = {
    "book": "chapters/book.yaml",
    "chapter": "chapters/en/sample.yaml",
    "sources": "sources/sources.yaml",
    "clinic-defaults": "chapters/en/clinic.yaml",
    "clinic": "clinics/riverside.yaml",
    "theme": "layouts/theme.yaml",
    "approvals": "approvals/en/sample.yaml",
}
WRONG = ({"wrong": "type"}, ["wrong type"], "wrong type", 12345, True)
"""Values of each JSON type, to put where the schema wants another."""
JSON_TYPE = {dict: "object", list: "array", str: "string", int: "integer", bool: "boolean"}


def example(kind: str):
    """Return the data of a kind's full example, with keys and text as typed: a copy to change."""
    return copy.deepcopy(_example(kind))


@functools.cache
def _example(kind: str):
    path = EXAMPLES / f"{kind}.yaml"
    return _Reader(path, schema(kind)).document(yaml.compose(path.read_text(encoding="utf-8"))).data


def accepted_types(kind: str, at: tuple) -> set[str]:
    """Return the JSON types the schema accepts at a data path."""
    root = schema(kind)
    _, node = _resolve(root, schema_at(root, at))
    found: set[str] = set()
    for branch in [node, *node.get("anyOf", ()), *node.get("oneOf", ())]:
        _, branch = _resolve(root, branch)
        kind_ = branch.get("type", ())
        found |= {kind_} if isinstance(kind_, str) else set(kind_)
        if "enum" in branch:
            found |= {JSON_TYPE[type(value)] for value in branch["enum"]}
    if "number" in found:
        found.add("integer")
    return found


def places(data, at: tuple = ()):
    """Yield the data path of every value, parents first."""
    yield at
    if isinstance(data, dict):
        for key, value in data.items():
            yield from places(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from places(value, at + (index,))


def get(data, at: tuple):
    for part in at:
        data = data[part]
    return data


def cases():
    for kind in PLACES:
        data = example(kind)
        for at in places(data):
            value = get(data, at)
            node = schema_at(schema(kind), at)
            _, resolved = _resolve(schema(kind), node)
            if isinstance(value, dict):
                for key in resolved.get("required", ()):
                    yield pytest.param(kind, "missing", at, key, id=f"{kind}-without-{'/'.join(map(str, at + (key,)))}")
            if at:
                yield pytest.param(kind, "wrong", at, None, id=f"{kind}-wrong-type-{'/'.join(map(str, at))}")


@pytest.fixture
def full_tree(tree):
    """Return the small book with every file replaced by its full example."""
    from test_load import png

    for kind, place in PLACES.items():
        tree.write(place, (EXAMPLES / f"{kind}.yaml").read_bytes())
    tree.write("chapters/en/images/picture.png", png())
    tree.write("chapters/en/words.yaml", GLOSSARY)
    tree.write("layouts/logo.png", png())  # the book's own look (theme: logo, stylesheets)
    for format in ("print", "epub", "web"):
        tree.write(f"layouts/{format}/ours.css", "h1 { letter-spacing: 0.01em; }\n")
    return tree


GLOSSARY = """\
title: Words
sections:
  - title: Words used in this book
    blocks:
      - definitions:
          - term: Drip
            text: A tube that gives medicine slowly [@beta].
"""
"""The book's glossary, a chapter of its own: its terms must be used in the other chapters."""


def test_the_full_examples_are_valid_and_build_a_book(full_tree):
    handbook = prepare(full_tree.project)
    assert handbook.clinic("riverside", "en").name == "Riverside Clinic"
    assert len(handbook.books["en"].chapters[0].sections[0].blocks) == 11


@pytest.mark.parametrize("kind", PLACES)
def test_the_full_example_uses_every_key_of_its_schema(kind):
    root = schema(kind)
    wanted = {(id(node), key) for node in _objects(root) for key in node.get("properties", {})}
    seen = set()
    data = example(kind)
    for at in places(data):
        if at:
            _, parent = _resolve(root, schema_at(root, at[:-1]))
            for node in [parent, *parent.get("anyOf", ()), *parent.get("oneOf", ())]:
                seen.add((id(_resolve(root, node)[1]), at[-1]))
    missing = sorted(key for node_id, key in wanted - seen)
    assert not missing, f"tests/schema_examples/{kind}.yaml does not use these keys of its schema: {missing}"


def _objects(node):
    """Yield every subschema that lists properties."""
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_every_kind_of_file_a_user_writes_has_a_schema():
    assert set(PLACES) == set(KINDS)
    for kind in KINDS:
        assert schema(kind)["$schema"] == "http://json-schema.org/draft-07/schema#"  # what editors check with


@pytest.fixture(scope="module")
def picture() -> bytes:
    from test_load import png

    return png()


@pytest.mark.parametrize("kind, change, at, key", list(cases()))
def test_each_missing_key_and_wrong_type_is_one_message_at_its_line(tmp_path, picture, kind, change, at, key):
    data = example(kind)
    parent = get(data, at[:-1]) if at else None
    if change == "missing":
        del get(data, at)[key]
        where = at
    else:
        accepted = accepted_types(kind, at)
        parent[at[-1]] = next(value for value in WRONG if JSON_TYPE[type(value)] not in accepted)
        where = at
    path = tmp_path / PLACES[kind]
    path.parent.mkdir(parents=True)
    path.write_text(_dump(data), encoding="utf-8")
    if kind == "chapter":
        (path.parent / "images").mkdir()
        (path.parent / "images" / "picture.png").write_bytes(picture)
    line = _line(path, where)
    problems = Problems()
    if kind == "chapter":  # the loader goes on with the parts that passed: it must not trip on the rest
        assert load_chapter(path, ("key-points",), problems) is None
    else:
        assert read(path, kind, problems) is None
    [problem] = problems.sorted()
    assert (problem.location.path, problem.location.line) == (path, line), str(problem)
    if change == "missing":
        assert re.search(f" is missing the key '{key}'(: .+)?$", problem.message), problem.message
    else:
        assert " must " in problem.message or " takes " in problem.message, problem.message


def _dump(data) -> str:
    out = io.StringIO()
    yaml.safe_dump(data, out, sort_keys=False, allow_unicode=True, width=1000)
    return out.getvalue()


def _line(path: Path, at: tuple) -> int:
    """Return the line a data path's value starts on, read with PyYAML alone (libyaml's composer)."""
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for part in at:
        if isinstance(part, int):
            node = node.value[part]
        else:
            node = next(value for key, value in node.value if key.value == part)
    return node.start_mark.line + 1


def test_the_schemas_are_valid_json_schemas():
    from jsonschema import Draft7Validator

    for kind in KINDS:
        Draft7Validator.check_schema(schema(kind))


def test_every_example_file_names_its_schema_for_editors():
    """Editors (the YAML language server) complete and check a file that names its schema."""
    named = {
        "docs/example-clinic.yaml": "clinic",
        "chapters/book.yaml": "book",
        "chapters/en/clinic.yaml": "clinic-defaults",
        "sources/sources.yaml": "sources",
        "tests/books/cast-care/chapters/book.yaml": "book",
        "tests/books/cast-care/chapters/en/caring.yaml": "chapter",
        "tests/books/cast-care/chapters/en/clinic.yaml": "clinic-defaults",
        "tests/books/cast-care/sources/sources.yaml": "sources",
        "tests/books/cast-care/clinics/harbour.yaml": "clinic",
        **{f"tests/schema_examples/{kind}.yaml": kind for kind in PLACES},
    }
    for name, kind in named.items():
        path = ROOT / name
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), name
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (ROOT / "handbook" / "schemas" / f"{kind}.schema.json").resolve(), name
        assert json.loads(target.read_text())["title"]


def test_vscode_finds_the_schema_of_every_book_file():
    """Chapters carry no schema line of their own: the workspace settings map them (docs/editors.md)."""
    import fnmatch

    schemas = json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    for target in schemas:
        assert (ROOT / target).is_file(), target
    files = [path.relative_to(ROOT).as_posix()
             for path in [*ROOT.glob("chapters/**/*.yaml"), ROOT / "sources/sources.yaml"]]
    for name in files:
        assert any(fnmatch.fnmatch(name, pattern) for patterns in schemas.values() for pattern in patterns), name


NOT_VALIDATORS = {"$schema", "$defs", "title", "description", "errorMessage"}
"""Keywords that describe a value, not check it."""
APPLICATORS = {"properties", "items", "$ref", "propertyNames"}
"""Keywords that only lead into subschemas: the error is always about a keyword inside them."""


def _keywords(node) -> set[str]:
    """Return every keyword a schema uses (not the names of the properties it describes)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            children = value.values() if key in ("properties", "$defs") and isinstance(value, dict) else [value]
            for child in children:
                found |= _keywords(child)
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


def test_every_keyword_the_schemas_use_has_its_message():
    from handbook.load.messages import SAY

    used = set().union(*(_keywords(schema(kind)) for kind in KINDS))
    assert "maxLength" in used and "required" in used  # the walk finds keywords, not property names
    assert not used & {"sources", "phones", "slug"}
    assert sorted(used - NOT_VALIDATORS - APPLICATORS - set(SAY)) == []


# --- Every free text has a length limit ------------------------------------------------------

LIMITED = ("book", "sources", "clinic-defaults", "clinic")
"""The files whose every text has a limit (a chapter's text has its own, 100,000 characters)."""


def text_schemas(kind: str, at: tuple) -> list[dict]:
    """Return the schemas that accept a text at a data path (each branch of an anyOf that does)."""
    root = schema(kind)
    _, node = _resolve(root, schema_at(root, at))
    found = []
    for branch in [node, *node.get("anyOf", ()), *node.get("oneOf", ())]:
        _, branch = _resolve(root, branch)
        kinds = branch.get("type", ())
        if "string" in ([kinds] if isinstance(kinds, str) else kinds) or "enum" in branch:
            found.append(branch)
    return found


def text_places(kind: str):
    data = example(kind)
    return [at for at in places(data) if isinstance(get(data, at), str)]


def _bounded(node: dict) -> bool:
    """Tell whether a text schema limits the length: maxLength, a list of values, a date, or a fixed pattern."""
    pattern = node.get("pattern", "")
    return ("maxLength" in node or "enum" in node or node.get("format") == "date"
            or (pattern.startswith("^") and pattern.endswith("$") and not set("*+") & set(pattern)))


@pytest.mark.parametrize("kind", LIMITED)
def test_every_text_of_the_book_sources_and_clinic_files_has_a_length_limit(kind):
    unbounded = [at for at in text_places(kind) for node in text_schemas(kind, at) if not _bounded(node)]
    assert not unbounded, f"{kind}: no maxLength at {unbounded}"
    assert text_places(kind)


def too_long_cases():
    for kind in LIMITED:
        for at in text_places(kind):
            limited = [node for node in text_schemas(kind, at) if "maxLength" in node]
            if limited:
                node = max(limited, key=lambda node: node["maxLength"])
                yield pytest.param(kind, at, node["maxLength"], node.get("pattern", ""),
                                   id=f"{kind}-{'/'.join(map(str, at))}")


def one_too_long(value: str, limit: int, pattern: str) -> str:
    """Return a text one character longer than the limit that still matches the pattern (an id, a
    language tag, an address)."""
    for candidate in ("a" * (limit + 1), "en" + "-abcdefgh" * limit, "x" * (limit + 1)):
        if value.startswith("https://"):
            candidate = "https://" + candidate
        if re.search(pattern, candidate[: limit + 1]):
            return candidate[: limit + 1]
    raise AssertionError(f"no text one past {limit} matches {pattern}")


@pytest.mark.parametrize("kind, at, limit, pattern", list(too_long_cases()))
def test_each_text_too_long_is_one_message_at_its_line(tmp_path, kind, at, limit, pattern):
    data = example(kind)
    get(data, at[:-1])[at[-1]] = one_too_long(get(data, at), limit, pattern)
    path = tmp_path / PLACES[kind]
    path.parent.mkdir(parents=True)
    path.write_text(_dump(data), encoding="utf-8")
    problems = Problems()
    assert read(path, kind, problems) is None
    [problem] = problems.sorted()
    assert (problem.location.path, problem.location.line) == (path, _line(path, at)), str(problem)
    assert problem.message.endswith(f" is longer than {limit} characters"), problem.message


def test_a_one_megabyte_book_title_is_refused_at_once(tree):
    """It ran for minutes before (reviews/attack.md A5); now the schema refuses it."""
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("title: Sample Handbook", "title: " + "Long " * 200_000))
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project)
    assert [str(problem) for problem in raised.value.problems] == [f"{book}:9: 'title' is longer than 300 characters"]
