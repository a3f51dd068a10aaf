"""A second, small handbook on another topic, built end to end: two clinics, two layouts,
PDF and e-book. Nothing of the ketamine handbook may show in its outputs, and nothing of
any one book may be built into the pipeline or the default theme."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import EPOCH, ROOT
from handbook.incremental.manifest import read_manifest, write_manifest

BOOK = ROOT / "tests" / "books" / "cast-care"
OUTPUTS = {
    "cast-care-guide.pdf", "cast-care-guide-a4.pdf", "cast-care-guide.epub",
    "northside/en/cast-care-guide.pdf", "northside/en/cast-care-guide-a4.pdf", "northside/en/cast-care-guide.epub",
    "harbour/en/cast-care-guide.pdf", "harbour/en/cast-care-guide-a4.pdf", "harbour/en/cast-care-guide.epub",
}
MORE_TOPIC_WORDS = ("esketamin", "spravato", "infusion", "dissociat", "antidepress")
"""Words of the first book's topic that its keywords do not name."""


def topic_words(book: Path, *more: str) -> re.Pattern:
    """Return a pattern of a book's topic words: its keywords in every language, and `more`."""
    data = yaml.safe_load((book / "chapters" / "book.yaml").read_text(encoding="utf-8"))
    words = [keyword for language in data["languages"].values() for keyword in language.get("keywords", [])]
    assert words, f"{book} names no keywords"
    return re.compile("|".join(re.escape(word) for word in sorted(set(words) | set(more))), re.IGNORECASE)


TOPIC_WORDS = topic_words(ROOT, *MORE_TOPIC_WORDS)
"""Words of the first book's topic: none may appear in the pipeline, the theme or another book."""


def handbook(root, *args):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), *args],
                          capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    """Build the second book's whole matrix from a copy of it."""
    root = tmp_path_factory.mktemp("cast-care") / "book"
    shutil.copytree(BOOK, root)
    result = handbook(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def files(root):
    out = root / "build"
    return {path.relative_to(out).as_posix() for path in out.rglob("*")
            if path.is_file() and not path.name.startswith(".") and ".cache" not in path.parts}


@pytest.mark.slow  # the second book's editions, laid out
def test_every_edition_of_the_matrix_has_its_own_file(second):
    assert files(second) == OUTPUTS | {"manifest.json"}


@pytest.mark.slow  # the second book's editions, laid out
def test_outputs_carry_the_books_own_name_and_no_word_of_the_first_book(second):
    for name in OUTPUTS:
        path = second / "build" / name
        if name.endswith(".pdf"):
            reader = PdfReader(path)
            text = "\n".join(page.extract_text() for page in reader.pages)
            metadata = " ".join(str(value) for value in reader.metadata.values())
            assert "Looking After Your Cast" in text and "Looking After Your Cast" in metadata
        else:
            archive = zipfile.ZipFile(path)
            text = "\n".join(archive.read(entry).decode("utf-8", "replace") for entry in archive.namelist()
                             if entry.endswith((".xhtml", ".opf", ".ncx", ".css")))
            assert "Looking After Your Cast" in text
        assert not TOPIC_WORDS.search(text), f"{name} mentions the first book's topic"
        if name.startswith(("northside/", "harbour/")):
            clinic = "Northside Fracture Clinic" if name.startswith("northside/") else "Harbour Street Orthopaedics"
            assert clinic in text, name


FRAMING = ("Need help now?", "Given to you by", "When to call your care team", "does not replace advice",
           "Ask your clinic", "until your clinic gives you its own", "Instructions from")
"""The clinic and crisis framing of the default theme."""


def text_of(path: Path) -> str:
    """Return the text of a PDF, or of every document of an e-book."""
    if path.suffix == ".pdf":
        return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    archive = zipfile.ZipFile(path)
    return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml"))


@pytest.mark.slow  # the second book's editions, laid out
def test_the_clinic_and_crisis_framing_follows_the_books_own_settings(second, tree):
    own = text_of(second / "build" / "cast-care-guide.pdf")
    clinic = text_of(second / "build" / "harbour" / "en" / "cast-care-guide.pdf")
    assert "Need help now? Turn to page 5: When to get help." in own  # theme: help_now: warning-signs
    assert "When to call your care team" in own  # the callout kind a chapter asked for
    assert "Given to you by" not in own and "Given to you by Harbour Street Orthopaedics (TEST)" in clinic
    assert "does not replace advice" not in own + clinic  # no theme: disclaimer
    # A book with no help_now, no clinic details, no clinic block and no such callout shows none of it.
    (tree.root / "chapters" / "en" / "clinic.yaml").unlink()
    sample = tree.chapters / "sample.yaml"
    sample.write_text(sample.read_text().replace("      - clinic: fasting\n", ""))
    result = handbook(tree.root, "build")
    assert result.returncode == 0, result.stderr
    for name in ("sample-handbook.pdf", "sample-handbook.epub"):
        text = text_of(tree.root / "build" / name)
        assert "Sample Handbook" in text
        assert [phrase for phrase in FRAMING if phrase in text] == [], name


@pytest.mark.slow  # the second book's editions, laid out
def test_each_clinic_and_language_has_its_own_stable_e_book_identifier(second):
    identifiers = {}
    for name in sorted(n for n in OUTPUTS if n.endswith(".epub")):
        opf = zipfile.ZipFile(second / "build" / name).read("EPUB/content.opf").decode()
        identifiers[name] = re.search(r"<dc:identifier[^>]*>([^<]+)<", opf).group(1)
    assert identifiers["cast-care-guide.epub"] == "urn:uuid:8d3f5a52-3c1e-4f0e-9a77-2f4b1c0d9e11"
    assert len(set(identifiers.values())) == 3


@pytest.mark.slow  # the second book's editions, laid out
def test_the_first_layout_listed_is_the_standard_edition(second):
    letter = PdfReader(second / "build" / "cast-care-guide.pdf").pages[0].mediabox
    a4 = PdfReader(second / "build" / "cast-care-guide-a4.pdf").pages[0].mediabox
    assert (round(letter.width), round(letter.height)) == (612, 792)
    assert (round(a4.width), round(a4.height)) == (595, 842)


@pytest.mark.slow  # the second book's editions, laid out
def test_the_manifest_records_every_output_and_a_rebuild_skips_what_did_not_change(second):
    manifest = json.loads((second / "build" / "manifest.json").read_text())
    assert {entry["path"] for entry in manifest["outputs"]} == OUTPUTS
    for entry in manifest["outputs"]:
        inputs = manifest["inputs"][entry["inputs"]]
        assert "chapters/book.yaml" in inputs and "sources/sources.yaml" in inputs
        assert ("clinics/northside.yaml" in inputs) == entry["path"].startswith("northside/")
        # The default theme is named the same wherever the package is installed, so two
        # machines' manifests agree.
        assert "(default theme)/print/print.css" in inputs and "(default theme)/theme.yaml" in inputs
        assert not [name for name in inputs if name.startswith("/")]
    again = handbook(second, "build")
    assert again.returncode == 0 and "0 outputs written" in again.stdout and "9 up to date" in again.stdout


@pytest.mark.slow  # the second book's editions, laid out
def test_a_changed_clinic_file_rebuilds_only_that_clinics_editions(second, tmp_path):
    before = tmp_path / "before.json"
    shutil.copy(second / "build" / "manifest.json", before)
    clinic = second / "clinics" / "harbour.yaml"
    clinic.write_text(clinic.read_text().replace("555 0150", "555 0159"))
    rebuilt = handbook(second, "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "3 outputs written" in rebuilt.stdout and "6 up to date" in rebuilt.stdout
    diff = handbook(second, "diff", str(before))
    changed = [line.split()[1] for line in diff.stdout.splitlines() if line.startswith("changed")]
    assert sorted(changed) == sorted(n for n in OUTPUTS if n.startswith("harbour/"))
    assert all("clinics/harbour.yaml" in line for line in diff.stdout.splitlines())
    # A CI run's artifacts, each job's files with its own manifest, read as one manifest.
    entries = read_manifest(before)
    for job, names in (("harbour", [n for n in entries if n.startswith("harbour/")]),
                       ("others", [n for n in entries if not n.startswith("harbour/")])):
        write_manifest(tmp_path / "artifacts" / job / "manifest.json", "cast-care-guide",
                       {name: entries[name] for name in names})
    assert handbook(second, "diff", str(tmp_path / "artifacts")).stdout == diff.stdout


def topic_lines(pattern: re.Pattern, places: list[Path], root: Path) -> list[str]:
    """Return every line of the text files in `places` that uses one of the topic words."""
    found = []
    for place in places:
        for path in [place] if place.is_file() else sorted(place.rglob("*")):
            if path.is_file() and path.suffix not in (".woff2", ".ttf", ".png", ".pyc", ".mo"):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                    if pattern.search(line):
                        found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


CODE = [ROOT / "handbook", ROOT / "layouts", ROOT / "Makefile", ROOT / "pyproject.toml"]


@pytest.mark.parametrize("book", [ROOT, BOOK], ids=["first book", "second book"])
def test_no_topic_word_of_either_book_in_the_pipeline_the_default_theme_or_the_makefile(book):
    more = MORE_TOPIC_WORDS if book == ROOT else ()
    assert topic_lines(topic_words(book, *more), CODE, ROOT) == []


def test_the_topic_word_search_finds_a_word_of_the_books_keywords(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "book.yaml").write_text("languages:\n  en:\n    keywords: [hearing aids]\n"
                                                    "  es:\n    keywords: [audífonos]\n")
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "book.html.j2").write_text("<meta name=keywords content=\"Audífonos\">\n")
    (tmp_path / "Makefile").write_text("all:\n\techo hearing aids\n")
    assert topic_lines(topic_words(tmp_path), [tmp_path / "layouts", tmp_path / "Makefile"], tmp_path) == [
        'layouts/book.html.j2:1: <meta name=keywords content="Audífonos">', "Makefile:2: echo hearing aids"]
