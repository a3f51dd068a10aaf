"""Document control (issue 30): who approved which words, held by the build.

A small book is approved, built, changed by one word (refused, the last approved outputs
untouched), built as a draft elsewhere, approved again and built. The web edition needs no
layout, so the cycle runs in the quick tier; the slow test runs it with the PDF and e-book.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from handbook.approve import word_diff
from handbook.cli import main

EPOCH = "1795305600"  # 2026-11-22: the approvals' date and the build's
POLICY = """\
policy:
  approvals:
    roles:
      editorial-team:
        name: {{en: Editorial team{es_team}}}
      physician:
        name: {{en: Physician{es_physician}}}
        clinical: true
    required: [editorial-team]
"""
CHANGED = ("{tree}/chapters/en/sample.yaml:1: changed since Editorial team (editorial-team) approved it on "
           "2026-11-22; approve it again with handbook approve --chapter sample --language en --by 'Editorial team' "
           "--role editorial-team or build a draft")


@pytest.fixture
def approved(tree, monkeypatch):
    """Return the small book with an approvals policy, every part approved by the editorial team."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with_policy(tree.root)
    assert main(["--root", str(tree.root), "approve", "--all", "--by", "Editorial team",
                 "--role", "editorial-team", "--on", "2026-11-22"]) == 0
    return tree


def with_policy(root: Path, spanish: bool = False) -> None:
    book = root / "chapters" / "book.yaml"
    policy = POLICY.format(es_team=", es: Equipo editorial" if spanish else "",
                           es_physician=", es: Médico o médica" if spanish else "")
    book.write_text(book.read_text() + policy, encoding="utf-8")


def without_labels(html: str) -> str:
    """Return a web page without the column names its tables give each cell for a narrow screen."""
    return re.sub(r' data-label="[^"]*"', "", html)


def handbook(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def files(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder, by name."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and ".cache" not in path.parts}


def change_a_word(tree) -> None:
    chapter = tree.chapters / "sample.yaml"
    chapter.write_text(chapter.read_text().replace("A third", "A fourth"))


def test_the_cycle_holds_a_changed_word_until_it_is_approved_again(approved, capsys):
    tree = approved
    capsys.readouterr()
    assert sorted(path.name for path in (tree.root / "approvals" / "en").iterdir()) == [
        "_book.yaml", "_clinic.yaml", "_sources.yaml", "sample.yaml"]
    assert handbook(tree.root, "build", "web", capsys=capsys)[0] == 0
    index = without_labels((tree.root / "build" / "web" / "index.html").read_text())
    assert "<th scope=\"row\">The whole book</th><td>Editorial team</td><td>Editorial team</td>" \
           "<td>November 22, 2026</td>" in index
    assert "No clinician (such as a doctor, nurse or pharmacist) has approved this text yet." in index
    manifest = json.loads((tree.root / "build" / "manifest.json").read_text())
    assert manifest["outputs"][0]["draft"] is False
    assert "approvals/en/sample.yaml" in next(iter(manifest["inputs"].values()))
    approved_outputs = files(tree.root / "build")

    change_a_word(tree)
    code, _, err = handbook(tree.root, "build", "web", capsys=capsys)
    assert code == 1 and CHANGED.format(tree=tree.root) in err.splitlines()
    assert "handbook: 1 problem; nothing more was written" in err and "Traceback" not in err
    assert files(tree.root / "build") == approved_outputs
    code, out, _ = handbook(tree.root, "approvals", capsys=capsys)
    assert code == 0
    assert "en  changed     sample               needs editorial-team" in out.splitlines()
    assert "      - A [-third-]{+fourth+} [@alpha; @beta]." in out.splitlines()
    assert handbook(tree.root, "approvals", "--check", capsys=capsys)[0] == 1
    assert handbook(tree.root, "check", capsys=capsys)[0] == 1
    assert handbook(tree.root, "check", "--draft", capsys=capsys)[0] == 0

    assert handbook(tree.root, "build", "web", "--draft", capsys=capsys)[0] == 0
    draft = (tree.root / "build" / "drafts" / "web" / "index.html").read_text()
    assert "Draft: not yet approved for patients" in draft and "A fourth" in (
        tree.root / "build" / "drafts" / "web" / "sample.html").read_text()
    assert {name: digest for name, digest in files(tree.root / "build").items()
            if name.startswith("web/")} == {name: digest for name, digest in approved_outputs.items()
                                            if name.startswith("web/")}
    entries = {entry["path"]: entry["draft"] for entry in
               json.loads((tree.root / "build" / "manifest.json").read_text())["outputs"]}
    assert entries == {"web": False, "drafts/web": True}

    assert handbook(tree.root, "approve", "--chapter", "sample", "--by", "Editorial team", "--role",
                    "editorial-team", "--on", "2026-11-22", capsys=capsys)[0] == 0
    assert handbook(tree.root, "build", "web", capsys=capsys)[0] == 0
    assert "A fourth" in (tree.root / "build" / "web" / "sample.html").read_text()
    assert handbook(tree.root, "approvals", "--check", capsys=capsys)[0] == 0


@pytest.mark.slow  # lays out a book of its own
def test_the_cycle_with_the_pdf_and_the_e_book(approved, capsys):
    tree = approved
    assert handbook(tree.root, "build", "pdf", "epub", capsys=capsys)[0] == 0
    before = files(tree.root / "build")
    change_a_word(tree)
    code, _, err = handbook(tree.root, "build", "pdf", "epub", capsys=capsys)
    assert code == 1 and CHANGED.format(tree=tree.root) in err.splitlines()
    assert files(tree.root / "build") == before
    assert handbook(tree.root, "build", "pdf", "epub", "--draft", capsys=capsys)[0] == 0
    from pypdf import PdfReader

    draft = PdfReader(tree.root / "build" / "drafts" / "sample-handbook.pdf")
    assert "Draft: not yet approved for patients" in draft.pages[0].extract_text()
    # Every numbered page says so too, beside its number: a loose page is never a patient's.
    last_lines = [page.extract_text().split("\n")[-1].strip() for page in draft.pages]
    marked = [number for number, line in enumerate(last_lines, start=1) if line == f"Draft · {number}"]
    assert len(marked) >= 2 and not any(line.isdigit() for line in last_lines), last_lines
    assert (tree.root / "build" / "drafts" / "sample-handbook.epub").is_file()
    assert {name: digest for name, digest in files(tree.root / "build").items() if "drafts/" not in name
            and name != "manifest.json"} == {name: digest for name, digest in before.items() if name != "manifest.json"}
    assert handbook(tree.root, "approve", "--all", "--by", "Editorial team", "--role", "editorial-team",
                    "--on", "2026-11-22", capsys=capsys)[0] == 0
    assert handbook(tree.root, "build", "pdf", "epub", capsys=capsys)[0] == 0
    text = " ".join(" ".join(page.extract_text() for page in
                             PdfReader(tree.root / "build" / "sample-handbook.pdf").pages).split())
    assert "A fourth" in text and "Draft" not in text
    assert "Approvals" in text and "The whole book Editorial team Editorial team November 22, 2026" in text


def test_a_change_of_formatting_only_keeps_the_approvals(approved, capsys):
    tree = approved
    chapter = tree.chapters / "sample.yaml"
    text = chapter.read_text()
    text = "# A comment the reader never sees\n" + text.replace(
        "      - paragraph: A fact with *emphasis* [@alpha].\n",
        "      - guidance: false\n        paragraph: >-\n          A fact   with\n          *emphasis*\n"
        "          [@alpha].\n")
    text = text.replace("title: Sample chapter\nsummary: What this chapter is about.\n",
                        "summary: 'What this chapter is about.'\ntitle: \"Sample chapter\"\n"
                        "review:\n  by: Someone\n  on: 2026-01-01\n  next: 2027-06-01\n")
    chapter.write_text(text)
    assert handbook(tree.root, "approvals", "--check", capsys=capsys)[0] == 0
    for change in (("[@alpha].\n      - bullets", "[@beta].\n      - bullets"),  # a citation counts
                   ("*emphasis*", "emphasis"),  # and so does emphasis
                   ("kind: key-points", "kind: warning")):  # and the kind of a box
        chapter.write_text(text.replace(*change))
        assert handbook(tree.root, "approvals", "--check", capsys=capsys)[0] == 1, change


def test_the_word_diff_marks_what_was_removed_and_added():
    old = ("title: Side effects\n"
           "paragraph: After a session most people feel a little dizzy for an hour or two, then well.")
    new = ("title: Side effects\n"
           "paragraph: After a session most people feel a little dizzy or sleepy for an hour or two.")
    assert word_diff(old, new) == ["paragraph: … most people feel a little dizzy {+or sleepy+} for an hour or "
                                   "[-two, then well.-]{+two.+}"]
    assert word_diff("a\nb", "a\nc\nb") == ["{+c+}"]
    assert word_diff("a\nb", "a") == ["[-b-]"]


def test_the_colophon_groups_the_parts_and_names_those_no_clinician_approved(approved, capsys):
    tree = approved
    assert handbook(tree.root, "approve", "--chapter", "sample", "--by", "Dr Ana Ruiz", "--role", "physician",
                    "--on", "2026-11-20", capsys=capsys)[0] == 0
    assert handbook(tree.root, "build", "web", capsys=capsys)[0] == 0
    index = without_labels((tree.root / "build" / "web" / "index.html").read_text())
    assert ('<tr><th scope="row">Cover and title page; Sources; Clinic details</th><td>Editorial team</td>'
            '<td>Editorial team</td><td>November 22, 2026</td></tr>') in index
    assert ('<tr><th scope="row" rowspan="2">Sample chapter</th><td>Editorial team</td><td>Editorial team</td>'
            '<td>November 22, 2026</td></tr>\n<tr><td>Physician</td><td>Dr Ana Ruiz</td><td>November 20, 2026</td>'
            '</tr>') in index
    assert ("No clinician (such as a doctor, nurse or pharmacist) has approved these parts yet: Cover and title "
            "page; Sources; Clinic details.") in index


@pytest.mark.slow  # checks three languages of the real book afresh: two seconds (the cycle is tested above)
def test_this_books_patient_languages_are_approved_and_its_machine_translations_wait(capsys):
    assert handbook(ROOT, "approvals", "--check", "--language", "en", "--language", "es", capsys=capsys)[0] == 0
    # The machine-made translations wait for a medical translator: built as drafts meanwhile.
    code, out, _ = handbook(ROOT, "approvals", "--check", "--language", "ar", capsys=capsys)
    assert code == 1 and "ar: 17 unapproved" in out


def test_this_book_is_approved_by_its_editorial_team_and_by_no_clinician(built):
    page = next(" ".join(text.split()) for text in built.page_texts() if "Approvals" in text)
    assert "The whole book Editorial team Editorial team" in page
    assert "No clinician (such as a doctor, nurse or pharmacist) has approved this text yet." in page
    records = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "approvals").rglob("*.yaml"))
    assert len(records) == 2 * (len(built.handbook.settings.chapters) + 3)  # en and es, no other yet
    for path in (ROOT / "approvals").rglob("*.yaml"):
        assert "role: editorial-team" in path.read_text() and "physician" not in path.read_text()


def test_the_preview_shows_words_changed_since_their_approval(approved, tmp_path):
    """The preview is never given to a patient: it shows the new words, where a build refuses them."""
    from handbook.build import Request
    from handbook.serve import Preview

    change_a_word(approved)
    request = Request(clinics=("-",), languages=("en",), formats=("web",), check_approvals=False)
    preview = Preview(approved.project, request, tmp_path / "preview", log=lambda line: None)
    preview.rebuild()
    assert preview.state.error is None
    assert "A fourth" in (tmp_path / "preview" / "site" / "sample.html").read_text()
