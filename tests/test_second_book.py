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

import pytest
from pypdf import PdfReader

from conftest import EPOCH, ROOT

BOOK = ROOT / "tests" / "books" / "cast-care"
OUTPUTS = {
    "cast-care-guide.pdf", "cast-care-guide-a4.pdf", "cast-care-guide.epub",
    "northside/en/cast-care-guide.pdf", "northside/en/cast-care-guide-a4.pdf", "northside/en/cast-care-guide.epub",
    "harbour/en/cast-care-guide.pdf", "harbour/en/cast-care-guide-a4.pdf", "harbour/en/cast-care-guide.epub",
}
TOPIC_WORDS = re.compile(r"ketamin|esketamin|spravato|infusion|dissociat|antidepress", re.IGNORECASE)
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


def test_every_edition_of_the_matrix_has_its_own_file(second):
    assert files(second) == OUTPUTS | {"manifest.json"}


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


def test_each_clinic_and_language_has_its_own_stable_e_book_identifier(second):
    identifiers = {}
    for name in sorted(n for n in OUTPUTS if n.endswith(".epub")):
        opf = zipfile.ZipFile(second / "build" / name).read("EPUB/content.opf").decode()
        identifiers[name] = re.search(r"<dc:identifier[^>]*>([^<]+)<", opf).group(1)
    assert identifiers["cast-care-guide.epub"] == "urn:uuid:8d3f5a52-3c1e-4f0e-9a77-2f4b1c0d9e11"
    assert len(set(identifiers.values())) == 3


def test_the_first_layout_listed_is_the_standard_edition(second):
    letter = PdfReader(second / "build" / "cast-care-guide.pdf").pages[0].mediabox
    a4 = PdfReader(second / "build" / "cast-care-guide-a4.pdf").pages[0].mediabox
    assert (round(letter.width), round(letter.height)) == (612, 792)
    assert (round(a4.width), round(a4.height)) == (595, 842)


def test_the_manifest_records_every_output_and_a_rebuild_skips_what_did_not_change(second):
    manifest = json.loads((second / "build" / "manifest.json").read_text())
    assert {entry["path"] for entry in manifest["outputs"]} == OUTPUTS
    for entry in manifest["outputs"]:
        inputs = manifest["inputs"][entry["inputs"]]
        assert "chapters/book.yaml" in inputs and "sources/sources.yaml" in inputs
        assert ("clinics/northside.yaml" in inputs) == entry["path"].startswith("northside/")
    again = handbook(second, "build")
    assert again.returncode == 0 and "0 outputs written" in again.stdout and "9 up to date" in again.stdout


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


def test_no_topic_word_in_the_pipeline_the_default_theme_or_the_makefile():
    places = [ROOT / "handbook", ROOT / "layouts", ROOT / "Makefile", ROOT / "pyproject.toml"]
    found = []
    for place in places:
        for path in [place] if place.is_file() else sorted(place.rglob("*")):
            if path.is_file() and path.suffix not in (".woff2", ".ttf", ".png", ".pyc", ".mo"):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                    if TOPIC_WORDS.search(line):
                        found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
