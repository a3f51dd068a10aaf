"""Book files, clinic files and build/.cache/ are data from people we do not know (docs/security.md):
they never run code, never carry a file from the builder's disk into an output, and never make
a build write outside its output folder. Each case here is one the attack review broke."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.editions import Edition
from handbook.incremental.outputs import OutputStore
from handbook.render import sandbox
from handbook.render.env import COMPILED
from handbook.theme import default_theme_dir

THEME = default_theme_dir()
CHAPTER_TEMPLATE = THEME / "web" / "chapter.html.j2"


def build(root: Path, *args: str) -> int:
    return main(["--root", str(root), "build", "--jobs", "1", *args])


def override(tree, expression: str) -> Path:
    """Put an expression into the book's own copy of the web edition's chapter template."""
    text = CHAPTER_TEMPLATE.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}" + expression, 1)
    return tree.write("layouts/web/chapter.html.j2", text)


@pytest.mark.parametrize("expression", [
    "{{ cycler.__init__.__globals__.os.popen('touch MARK').read() }}",
    "{{ joiner.__init__.__globals__.__builtins__.open('SECRET').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].system('touch MARK') }}",
    "{% set x = namespace.__init__.__globals__ %}{{ x }}",
])
def test_a_template_of_the_book_runs_no_code_and_reads_no_file(tree, capsys, tmp_path, expression):
    mark, secret = tmp_path / "mark", tmp_path / "secret"
    secret.write_text("CANARY token\n")
    template = override(tree, expression.replace("MARK", str(mark)).replace("SECRET", str(secret)))
    assert build(tree.root, "web") == 1
    error = capsys.readouterr().err
    assert f"{template}:" in error and "Traceback" not in error, error
    assert not mark.exists()
    assert not list((tree.root / "build").rglob("*.html"))


@pytest.mark.parametrize("expression, message", [
    ("{% for i in range(1000000) %}{% for j in range(1000000) %}{% endfor %}{% endfor %}", "loops count past"),
    ("{{ 'x' * 1000000000 }}", "a repetition that large"),
    ("{{ 10 ** 100000 }}", "a power that large"),
    ("{{ 'x' | center(1000000000) }}", "is given a number above"),
    ("{{ '%1000000000d' % 1 }}", "a format width that large"),
    ("{{ '{:>1000000000}'.format(1) }}", "a format width that large"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "calls itself without end"),
])
def test_a_template_that_would_run_for_ever_or_write_gigabytes_is_stopped(tree, capsys, expression, message):
    template = override(tree, expression)
    assert build(tree.root, "web") == 1
    error = capsys.readouterr().err
    assert f"{template}:" in error and message in error and "Traceback" not in error, error


def test_a_template_that_only_loops_is_stopped_by_the_clock(tree, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "SECONDS", 0.25)
    template = override(tree, "{% set s = 'x' * 999999 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}")
    assert build(tree.root, "web") == 1
    error = capsys.readouterr().err
    assert f"{template}:" in error and "ran for more than 0.25 seconds" in error, error


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00binary\x00", "is not a text file in UTF-8"),
    ('{% include "web/chapter.html.j2" %}', "includes, extends or calls itself without end"),
])
def test_a_binary_or_self_including_template_is_a_message(tree, capsys, content, message):
    template = tree.write("layouts/web/chapter.html.j2", content)
    assert build(tree.root, "web") == 1
    error = capsys.readouterr().err
    assert f"{template}" in error and message in error and "Traceback" not in error, error


def test_a_build_folder_that_is_a_link_is_refused_and_nothing_outside_is_touched(tree, capsys, tmp_path):
    victim = tmp_path / "victim"
    (victim / "web").mkdir(parents=True)
    precious = {victim / "web" / "precious.txt": b"mine", victim / ".important.handbook-tmp": b"mine too",
                victim / "manifest.json": b"{}"}
    for path, data in precious.items():
        path.write_bytes(data)
    (tree.root / "build").symlink_to(victim)
    assert build(tree.root, "web") == 1
    error = capsys.readouterr().err
    assert f"{tree.root / 'build'}: is a link; the book's output folder must be a real folder" in error, error
    assert {path: path.read_bytes() for path in precious} == precious
    assert sorted(path.name for path in victim.rglob("*")) == [
        ".important.handbook-tmp", "manifest.json", "precious.txt", "web"]


def test_the_same_folder_given_with_out_is_the_users_choice(tree, capsys, tmp_path):
    chosen = tmp_path / "chosen"
    assert main(["--root", str(tree.root), "build", "web", "--out", str(chosen)]) == 0, capsys.readouterr().err
    assert (chosen / "web" / "index.html").is_file()


def test_a_web_folder_the_tool_did_not_write_is_not_replaced(tree, capsys, tmp_path):
    chosen = tmp_path / "intranet"
    (chosen / "web").mkdir(parents=True)
    (chosen / "web" / "ours.html").write_text("the clinic's own page")
    assert main(["--root", str(tree.root), "build", "web", "--out", str(chosen)]) == 1
    error = capsys.readouterr().err
    assert f"{chosen / 'web'}: is not a web edition this tool wrote" in error, error
    assert (chosen / "web" / "ours.html").read_text() == "the clinic's own page"


def test_a_cache_folder_that_is_a_link_is_refused(tree, capsys, tmp_path):
    (tree.root / "build").mkdir()
    (tree.root / "build" / ".cache").symlink_to(tmp_path)
    assert build(tree.root, "web") == 1
    assert f"{tree.root / 'build' / '.cache'}: is a link" in capsys.readouterr().err


def test_a_planted_jinja_bytecode_cache_is_never_loaded(tree, capsys, tmp_path):
    """Jinja's own bytecode cache starts with pickle.load: build/.cache/templates/ is never read."""
    mark = tmp_path / "mark"

    class Planted:
        def __reduce__(self):
            return (os.system, (f"touch {mark}",))

    for name in ("__jinja2_0.cache", "__jinja2_" + "a" * 40 + ".cache"):
        tree.write(f"build/.cache/templates/{name}", b"j2" + bytes([2 << 2]) + pickle.dumps(Planted()))
    assert build(tree.root, "web") == 0, capsys.readouterr().err
    assert not mark.exists()


PDF = Edition("", "en", "a4", "pdf")
LETTER = Edition("", "en", "letter", "pdf")
INPUTS = {"chapters/en/sample.yaml": "aa" * 32, "(build date)": "2026-11-22T00:00:00+00:00"}


def _kept(store_folder: Path, edition: Edition) -> tuple[Path, Path]:
    [record] = [path for path in store_folder.glob("*.json") if path.name.startswith(f"_.en.{edition.layout}.")]
    return record, record.with_suffix(".pdf")


def test_another_editions_output_put_under_this_key_is_never_copied(tmp_path):
    """The review's X2: the Letter PDF's record and file copied over the A4 entry."""
    store = OutputStore(tmp_path / "cache")
    for edition, data in ((PDF, b"%PDF-1.7 a4"), (LETTER, b"%PDF-1.7 letter")):
        output = tmp_path / f"{edition.layout}.pdf"
        output.write_bytes(data)
        store.put(edition, INPUTS, output, 3)
    folder = tmp_path / "cache" / "outputs-pdf"
    (a4_record, a4_data), (letter_record, letter_data) = _kept(folder, PDF), _kept(folder, LETTER)
    a4_record.write_bytes(letter_record.read_bytes())
    a4_data.unlink()
    a4_data.write_bytes(letter_data.read_bytes())
    assert store.get(PDF, INPUTS) is None
    assert store.get(LETTER, INPUTS).data == b"%PDF-1.7 letter"


def test_a_kept_output_that_is_a_link_or_another_kind_of_file_is_never_copied(tmp_path):
    """The review's X3b: the entry's file made a link to a file outside, its record rewritten to match."""
    store = OutputStore(tmp_path / "cache")
    output = tmp_path / "a4.pdf"
    output.write_bytes(b"%PDF-1.7 a4")
    store.put(PDF, INPUTS, output, 3)
    record, data = _kept(tmp_path / "cache" / "outputs-pdf", PDF)
    canary = tmp_path / "canary.txt"
    canary.write_bytes(b"CANARY secret token\n")
    data.unlink()
    data.symlink_to(canary)
    fields = json.loads(record.read_text())
    fields.update(size=canary.stat().st_size, sha256=hashlib.sha256(canary.read_bytes()).hexdigest())
    record.write_text(json.dumps(fields))  # its signature no longer verifies
    assert store.get(PDF, INPUTS) is None
    assert canary.read_bytes() == b"CANARY secret token\n"  # dropped the link, not the file it led to


def test_a_forged_manifest_is_not_believed(tree, capsys):
    """An output replaced with its manifest entry forged to match is built again, not kept as up to date."""
    assert build(tree.root, "web") == 0, capsys.readouterr().err
    index = tree.root / "build" / "web" / "index.html"
    good = index.read_bytes()
    index.write_bytes(b"<p>forged</p>")
    manifest = tree.root / "build" / "manifest.json"
    data = json.loads(manifest.read_text())
    from handbook.incremental.manifest import digest

    sha256, size = digest(index.parent)
    data["outputs"][0].update(sha256=sha256, size=size)
    manifest.write_text(json.dumps(data))
    assert build(tree.root, "web") == 0
    assert index.read_bytes() == good


def test_a_planted_template_code_entry_is_never_run(tree, capsys, tmp_path):
    """The code Jinja generates is kept in the signed store: an entry replaced by a stranger's
    code (with its record's hash made to match) fails its signature and is never compiled."""
    mark = tmp_path / "mark"
    COMPILED.clear()  # compiled by an earlier test in this process, a template is not looked for in the store
    assert build(tree.root, "web") == 0, capsys.readouterr().err
    folder = tree.root / "build" / ".cache" / "templates"
    records = sorted(folder.glob("*.json"))
    assert records
    evil = f"import os\nos.system('touch {mark}')\n".encode()
    for record in records:
        record.with_suffix(".py").write_bytes(evil)
        fields = json.loads(record.read_text())
        fields.update(size=len(evil), sha256=hashlib.sha256(evil).hexdigest())
        record.write_text(json.dumps(fields))
    (tree.root / "chapters" / "en" / "sample.yaml").write_text(
        (tree.root / "chapters" / "en" / "sample.yaml").read_text().replace("A third", "A fourth"))
    COMPILED.clear()  # as a new process starts: what this one compiled is not in the store's place
    assert build(tree.root, "web") == 0, capsys.readouterr().err
    assert not mark.exists()
    kept = [record.with_suffix(".py") for record in records if record.with_suffix(".py").exists()]
    assert all(code.read_bytes() != evil for code in kept)  # each was read, refused, and made again
