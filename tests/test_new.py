"""`handbook new`: a starter book that checks and builds at once, with a CI workflow any book
repository can use, and a clean install from a clone (issue 29)."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from handbook.cli import main


def new(folder: Path, *languages: str) -> int:
    return main(["new", str(folder), *(f"--language={language}" for language in languages)])


def test_a_new_book_is_complete_and_checks_clean(tmp_path, capsys):
    book = tmp_path / "asthma-handbook"
    assert new(book, "en", "es") == 0, capsys.readouterr().err
    for name in ("chapters/book.yaml", "chapters/en/welcome.yaml", "chapters/es/welcome.yaml",
                 "chapters/en/glossary.yaml", "chapters/en/clinic.yaml", "chapters/es/clinic.yaml",
                 "sources/sources.yaml", "clinics/example-clinic.yaml", ".gitignore", "README.md",
                 ".github/workflows/handbook.yml", ".vscode/settings.json", ".vscode/schemas/chapter.schema.json"):
        assert (book / name).is_file(), name
    settings = yaml.safe_load((book / "chapters/book.yaml").read_text())
    assert settings["slug"] == "asthma-handbook" and settings["identifier"].startswith("urn:uuid:")
    assert list(settings["languages"]) == ["en", "es"] and settings["editions"]["clinics"] == ["clinics/*.yaml"]
    assert (book / ".gitignore").read_text() == "build/\n"
    assert main(["--root", str(book), "check"]) == 0, capsys.readouterr().err
    assert "2 chapters in en, es, 1 sources, 1 clinic file: no problems found" in capsys.readouterr().out
    other = tmp_path / "other"
    assert new(other) == 0
    assert yaml.safe_load((other / "chapters/book.yaml").read_text())["identifier"] != settings["identifier"]


def test_new_refuses_a_folder_that_is_not_empty_and_a_language_it_cannot_start(tmp_path, capsys):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "notes.txt").write_text("mine")
    assert new(tmp_path / "book") == 1
    assert f"{tmp_path / 'book'}: is not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "book" / "notes.txt").read_text() == "mine"
    assert new(tmp_path / "fr-book", "fr") == 1
    assert "handbook: --language 'fr': the starter book is written in en, es" in capsys.readouterr().err
    assert not (tmp_path / "fr-book").exists()


def test_the_workflow_uses_only_the_installed_tool_and_is_a_valid_github_workflow(tmp_path):
    book = tmp_path / "book"
    assert main(["new", str(book), "--install", "handbook @ git+https://example.org/handbook@v0.2.0"]) == 0
    workflow = book / ".github/workflows/handbook.yml"
    text = workflow.read_text()
    assert "make" not in text.split() and "Makefile" not in text
    jobs = yaml.safe_load(text)["jobs"]
    assert list(jobs) == ["plan", "build", "changes", "approved"]
    steps = [step.get("run", "") for step in jobs["plan"]["steps"]]
    assert "handbook check --draft" in steps and any("handbook approvals --check" in run for run in steps)
    assert any("handbook editions --json $DRAFT" in run for run in steps)
    assert "handbook build $DRAFT --clinic" in jobs["build"]["steps"][-2]["run"]
    assert jobs["approved"]["if"] == "needs.plan.outputs.draft != ''"
    assert 'HANDBOOK: "handbook @ git+https://example.org/handbook@v0.2.0"' in text
    assert "handbook editions --json" in text and "handbook diff published new" in text
    checker = Path(sys.executable).with_name("check-jsonschema")
    for path in (workflow, ROOT / ".github/workflows/editions.yml", ROOT / ".github/workflows/tests.yml"):
        result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_matrix_row_of_the_web_edition_builds_with_its_empty_layout(tmp_path, capsys):
    """The workflow passes every row's layout, and a web edition's is empty."""
    book = tmp_path / "book"
    new(book)
    assert main(["--root", str(book), "build", "--clinic", "-", "--language", "en", "--layout", "",
                 "--format", "web"]) == 0, capsys.readouterr().err
    assert (book / "build" / "web" / "index.html").is_file()


@pytest.mark.slow  # a virtual environment set up from nothing, the tool installed with pip, a book laid out
def test_from_an_empty_folder_to_a_built_bilingual_book_with_a_pip_installed_tool(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin/pip"), "install", "-q", str(clone)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr
    assert not (clone / "build").exists()  # setuptools' build folder is elsewhere, not the book's outputs
    tool = str(venv / "bin/handbook")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795305600")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("handbook ")
    book = tmp_path / "our-book"
    for args in (["new", str(book), "--language", "en", "--language", "es"], ["--root", str(book), "check"],
                 ["--root", str(book), "build"]):
        result = subprocess.run([tool, *args], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    for language, folder in (("en", book / "build"), ("es", book / "build" / "es")):
        assert (folder / "our-book.pdf").is_file() and (folder / "web" / "index.html").is_file()
        with zipfile.ZipFile(folder / "our-book.epub") as epub:
            assert f'xml:lang="{language}"' in epub.read("EPUB/content.opf").decode()
    workflow = (book / ".github/workflows/handbook.yml").read_text()
    assert "make" not in workflow.split()
