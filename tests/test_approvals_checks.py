"""Approvals of a translation, bound to the words it translates; drafts apart in the manifest,
`diff` and the CI matrix; and every mistake in a record or a command as one `path:line` message."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML
from handbook.cli import main
from test_approvals import EPOCH, approved, handbook, with_policy, without_labels  # noqa: F401 - approved is a fixture
from test_i18n import SPANISH_BOOK, SPANISH_CHAPTER, SPANISH_CLINIC


@pytest.fixture
def bilingual(tmp_path, monkeypatch, capsys) -> Path:
    """Return a small English and Spanish book, translations stamped, every part approved in both."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "book"

    def write(name: str, text: str) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")

    write("chapters/book.yaml", BOOK_YAML.replace("    edition: Test edition\n", "    edition: Test edition\n"
                                                  + SPANISH_BOOK))
    english = SAMPLE_CHAPTER.replace("  - title: First part\n", "  - title: First part\n    id: first-part\n")
    write("chapters/en/sample.yaml", english + "      - questions:\n          - How many sessions will I need?\n")
    write("chapters/en/clinic.yaml", CLINIC_DEFAULTS)
    write("chapters/es/sample.yaml", SPANISH_CHAPTER)
    write("chapters/es/clinic.yaml", SPANISH_CLINIC)
    write("sources/sources.yaml", SOURCES_YAML.replace("kind: web article", "kind: {en: web article, es: artículo web}")
          .replace("note: A test source.", "note: {en: A test source., es: Una fuente de prueba.}")
          .replace("note: Another test source.", "note: {en: Another test source., es: Otra fuente de prueba.}"))
    with_policy(root, spanish=True)
    assert main(["--root", str(root), "translations", "stamp"]) == 0
    for language, name in (("en", "Editorial team"), ("es", "Equipo editorial")):
        assert main(["--root", str(root), "approve", "--all", "--language", language, "--by", name,
                     "--role", "editorial-team", "--on", "2026-11-22"]) == 0
    capsys.readouterr()
    return root


def test_a_change_in_the_english_makes_the_spanish_approval_stale_and_says_which(bilingual, capsys):
    root = bilingual
    assert handbook(root, "build", "web", "--language", "es", capsys=capsys)[0] == 0
    index = without_labels((root / "build" / "es" / "web" / "index.html").read_text())
    assert "<td>Equipo editorial</td><td>Equipo editorial</td><td>22 de noviembre de 2026</td>" in index
    assert "Todo el manual" in index and "Ningún profesional clínico" in index
    sources = root / "sources" / "sources.yaml"
    sources.write_text(sources.read_text().replace("en: A test source.", "en: A first test source."))
    code, _, err = handbook(root, "build", "web", "--language", "es", capsys=capsys)
    assert code == 1
    assert (f"{sources}:1: the en words it translates changed ({sources}) since Equipo editorial (editorial-team) "
            "approved it on 2026-11-22; approve it again with handbook approve --chapter _sources --language es "
            "--by 'Equipo editorial' --role editorial-team or build a draft") in err.splitlines()
    chapter = root / "chapters" / "en" / "sample.yaml"
    chapter.write_text(chapter.read_text().replace("A third", "A fourth"))
    code, out, _ = handbook(root, "approvals", "--language", "es", capsys=capsys)
    lines = out.splitlines()
    assert code == 0 and "es  changed     sample               needs editorial-team" in lines
    assert ("    the en words it translates changed since Equipo editorial (editorial-team) approved it on "
            "2026-11-22:") in lines
    assert "      - A [-third-]{+fourth+} [@alpha; @beta]." in lines  # the English words that changed
    assert not any(line.startswith("en ") for line in lines)
    # Translated again (the Spanish stays as it was) and stamped: the translator approves again.
    assert main(["--root", str(root), "translations", "stamp"]) == 0
    code, _, err = handbook(root, "check", capsys=capsys)
    spanish = root / "chapters" / "es" / "sample.yaml"
    assert code == 1 and f"{spanish}:1: the en words it translates changed ({chapter}) since Equipo" in err
    assert f"{root}/chapters/en/sample.yaml:1: changed since Editorial team (editorial-team)" in err
    for language, name in (("en", "Editorial team"), ("es", "Equipo editorial")):
        assert handbook(root, "approve", "--chapter", "sample", "--chapter", "_sources", "--language", language,
                        "--by", name, "--role", "editorial-team", capsys=capsys)[0] == 0
    assert handbook(root, "approvals", "--check", capsys=capsys)[0] == 0


def test_an_edition_of_a_translation_is_made_from_the_words_it_translates(bilingual, capsys):
    assert handbook(bilingual, "build", "web", "--language", "es", capsys=capsys)[0] == 0
    inputs = next(iter(json.loads((bilingual / "build" / "manifest.json").read_text())["inputs"].values()))
    assert {"approvals/es/sample.yaml", "approvals/es/_book.yaml", "chapters/en/sample.yaml"} <= set(inputs)


def test_drafts_are_apart_in_the_ci_matrix_and_never_ready_for_print_in_diff(bilingual, tmp_path, capsys):
    code, out, _ = handbook(bilingual, "editions", "--json", "--draft", "--format", "web", capsys=capsys)
    rows = json.loads(out)["include"]
    assert code == 0 and [(row["output"], row["draft"]) for row in rows] == [("drafts/web", True),
                                                                               ("drafts/es/web", True)]
    assert handbook(bilingual, "build", "web", capsys=capsys)[0] == 0
    printed = tmp_path / "printed.json"
    printed.write_bytes((bilingual / "build" / "manifest.json").read_bytes())
    chapter = bilingual / "chapters" / "en" / "sample.yaml"
    chapter.write_text(chapter.read_text().replace("A third", "A fourth"))
    assert handbook(bilingual, "build", "web", "--draft", capsys=capsys)[0] == 0
    code, out, _ = handbook(bilingual, "diff", str(printed), "--exit-code", capsys=capsys)
    assert code == 0, out
    assert out.splitlines() == ["draft    drafts/es/web (not for patients: never for print)",
                                "draft    drafts/web (not for patients: never for print)",
                                "handbook: no edition changed (only drafts, which are never for print)"]
    old = json.loads(printed.read_text())  # a manifest written before drafts were marked reads as no draft
    for entry in old["outputs"]:
        del entry["draft"]
    printed.write_text(json.dumps(old))
    assert handbook(bilingual, "diff", str(printed), capsys=capsys)[1].startswith("draft    drafts/es/web")


def write_record(root: Path, text: str, name: str = "sample") -> Path:
    path = root / "approvals" / "en" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _second(text: str) -> str:
    """Give the record a second approval in the same role, of the same words."""
    digest = text.split("  words: ")[1].split("\n")[0]
    return text.replace("words:\n", f"- role: editorial-team\n  by: Someone\n  date: 2026-11-01\n  words: {digest}\n"
                        "words:\n", 1)


@pytest.mark.parametrize("change, line, message", [
    (lambda text: text.replace("title: Sample chapter\n", "title: Sample chapters\n"), 11,
     "these words are not the words of this SHA-256: the record was changed by hand; record approvals with "
     "`handbook approve`"),
    (lambda text: text.replace("role: editorial-team", "role: editor"), 6,
     "the role 'editor' is not one the book file's policy lists (policy: approvals: roles:): editorial-team, "
     "physician"),
    (lambda text: text.replace("approvals:\n", "approvals:\n- role: physician\n  by: Someone\n"
                               "  date: 2026-11-01\n  words: " + "a" * 64 + "\n"), 9,
     "the words this approval approved are not kept under `words:`; record approvals with `handbook approve`"),
    (_second, 10, "the role 'editorial-team' has a second approval here; a record keeps the latest approval of each "
     "role"),
    (lambda text: text.replace("by: Editorial team", "by: !!python/name:os.system Editorial team"), 7,
     "'by' has the tag 'tag:yaml.org,2002:python/name:os.system'; handbook files are plain YAML without tags "
     "(there is no include mechanism)"),
])
def test_a_mistake_in_a_record_is_one_message_at_its_line(approved, capsys, change, line, message):
    path = approved.root / "approvals" / "en" / "sample.yaml"
    path.write_text(change(path.read_text()), encoding="utf-8")
    code, _, err = handbook(approved.root, "build", "web", "--draft", capsys=capsys)
    assert code == 1 and "Traceback" not in err
    assert f"{path}:{line}: {message}" in err.splitlines(), err
    assert not (approved.root / "build" / "drafts").exists()


def test_a_record_of_no_part_and_a_record_through_a_link_are_refused(approved, capsys):
    stray = write_record(approved.root, "approvals: []\nwords: {}\n", "removed-chapter")
    code, _, err = handbook(approved.root, "check", "--draft", capsys=capsys)
    assert code == 1 and (f"{stray}: there is no part 'removed-chapter' in 'en' to approve: a record is named after a "
                          "chapter of the book file or _book, _sources or _clinic; remove the file if the chapter "
                          "was removed") in err
    stray.unlink()
    outside = approved.root.parent / "outside.yaml"
    outside.write_text("approvals: []\nwords: {}\n")
    record = approved.root / "approvals" / "en" / "sample.yaml"
    record.unlink()
    record.symlink_to(outside)
    code, _, err = handbook(approved.root, "check", "--draft", capsys=capsys)
    assert code == 1
    assert f"{record}: is a link to a file in {outside.parent}, outside the book's approvals/ folder" in err


@pytest.mark.parametrize("args, message", [
    (["--chapter", "sampel"], "handbook: --chapter 'sampel': no such part in 'en' (did you mean 'sample'?); the parts "
     "are the chapters and _book, _sources and _clinic"),
    (["--all", "--role", "doctor"], "handbook: --role 'doctor': the book file's policy lists no such role; it lists: "
     "editorial-team, physician"),
    (["--all", "--on", "2999-01-01"], "handbook: --on 2999-01-01: an approval cannot be dated after today"),
    (["--all", "--chapter", "sample"], "handbook: say what to approve: --chapter ID (repeatable), or --all for every "
     "part of the language"),
    (["--all", "--language", "fr"], "handbook: --language 'fr': the book has no such language; it has: en"),
    (["--all", "--by", " "], "handbook: --by: give the name of who approved, such as --by 'Dr Ana Ruiz'"),
])
def test_an_approve_command_that_names_nothing_is_a_message(approved, capsys, args, message):
    defaults = {"--by": "Someone", "--role": "physician"}
    for key, value in defaults.items():
        if key not in args:
            args = [*args, key, value]
    before = {path: path.read_bytes() for path in (approved.root / "approvals").rglob("*.yaml")}
    code, _, err = handbook(approved.root, "approve", *args, capsys=capsys)
    assert code == 1 and message in err and "Traceback" not in err, err
    assert {path: path.read_bytes() for path in (approved.root / "approvals").rglob("*.yaml")} == before


def test_without_a_policy_nothing_is_approved_and_nothing_is_needed(tree, capsys):
    code, out, _ = handbook(tree.root, "approvals", "--check", capsys=capsys)
    assert code == 0 and "the book file has no approvals policy" in out
    code, _, err = handbook(tree.root, "approve", "--all", "--by", "A", "--role", "b", capsys=capsys)
    assert code == 1 and "chapters/book.yaml:1: the book file has no approvals policy" in err
    assert not (tree.root / "approvals").exists()


def test_a_language_that_may_wait_for_approval_is_built_as_drafts_meanwhile(bilingual, capsys):
    """A machine-made translation (`unapproved: draft`) is built as drafts while its approvals are
    missing, beside the patient editions of the approved languages, and as a patient edition once approved."""
    root = bilingual
    book = root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("    edition: Edición de prueba\n",
                                             "    edition: Edición de prueba\n    unapproved: draft\n"))
    for record in (root / "approvals" / "es").iterdir():
        record.unlink()
    code, out, err = handbook(root, "editions", "--format", "web", capsys=capsys)
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()] == ["-/en/site.web", "-/es/site.web"]
    assert "drafts/es/web  (draft: not approved for patients yet)" in out and "build/web\n" in out + "\n"
    assert handbook(root, "build", "web", capsys=capsys)[0] == 0
    drafted = root / "build" / "drafts" / "es" / "web" / "index.html"
    assert "Borrador" in drafted.read_text() and not (root / "build" / "es" / "web").exists()
    assert "Borrador" not in (root / "build" / "web" / "index.html").read_text()
    manifest = json.loads((root / "build" / "manifest.json").read_text())
    assert {entry["path"]: entry["draft"] for entry in manifest["outputs"]} == {"web": False, "drafts/es/web": True}
    assert handbook(root, "approve", "--all", "--language", "es", "--by", "Equipo editorial", "--role",
                    "editorial-team", capsys=capsys)[0] == 0
    assert handbook(root, "build", "web", capsys=capsys)[0] == 0
    assert "Borrador" not in (root / "build" / "es" / "web" / "index.html").read_text()
