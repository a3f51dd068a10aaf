"""`handbook new DIR`: a complete, valid starter book a team can build at once and then make its own.

The starter has every part a real book has, so that each feature shows: a book file with
a fresh identifier, an example chapter per language (a citation, a callout, a term the
glossary defines), the glossary, one example source, the clinic defaults, an example clinic
file the editions list, the editor's schemas, `.gitignore`, a short README for the team, and
a CI workflow that installs the tool with pip (workflow.py).
"""
from __future__ import annotations

import datetime
import json
import re
import uuid
from pathlib import Path

from .errors import HandbookError, Location, Problem
from .starter_text import TEXT

SCHEMAS = {"chapter": ["chapters/*/*.yaml"], "book": ["chapters/book.yaml"], "sources": ["sources/sources.yaml"],
           "clinic-defaults": ["chapters/*/clinic.yaml"], "clinic": ["clinics/*.yaml"],
           "theme": ["layouts/theme.yaml"]}


def languages_available() -> tuple[str, ...]:
    """Return the languages a starter book can be written in: those the starter has text for."""
    return tuple(TEXT)


def new_book(folder: Path, languages: tuple[str, ...], install: str) -> list[Path]:
    """Write a starter book into a new or empty folder; return the files written."""
    _check(folder, languages)
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-") or "handbook"
    today = datetime.date.today()
    files = {
        "chapters/book.yaml": _book(slug, languages, today),
        "sources/sources.yaml": _sources(languages),
        "clinics/example-clinic.yaml": _clinic(languages),
        ".gitignore": "build/\n",
        "README.md": TEXT[languages[0]]["readme"].format(slug=slug, install=install),
        ".vscode/settings.json": _editor_settings(),
    }
    for language in languages:
        words = TEXT[language]
        files[f"chapters/{language}/welcome.yaml"] = words["welcome"]
        files[f"chapters/{language}/glossary.yaml"] = words["glossary"]
        files[f"chapters/{language}/clinic.yaml"] = words["clinic_defaults"]
    from .workflow import workflow

    files[".github/workflows/handbook.yml"] = workflow(install)
    from importlib.resources import files as package_files

    schemas = package_files("handbook") / "schemas"
    for name in SCHEMAS:
        files[f".vscode/schemas/{name}.schema.json"] = (schemas / f"{name}.schema.json").read_text(encoding="utf-8")
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    from .analyse.translation import stamp

    for language in languages[1:]:  # each translation says which version of the first language's text it is
        for chapter in ("welcome", "glossary"):
            stamp(folder / f"chapters/{languages[0]}/{chapter}.yaml", folder / f"chapters/{language}/{chapter}.yaml")
    return written


def _check(folder: Path, languages: tuple[str, ...]) -> None:
    where = Location(folder, 0)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise HandbookError([Problem(where, "is not an empty folder; `handbook new` starts a book only in a new or "
                                     "empty folder, so that it never overwrites anything")])
    unknown = [language for language in languages if language not in TEXT]
    if unknown:
        raise HandbookError([Problem(Location(Path("handbook"), 0), f"--language {unknown[0]!r}: the starter book "
                                     f"is written in {', '.join(TEXT)}; start in one of them, then add "
                                     "the language (docs/translation.md)")])


def _book(slug: str, languages: tuple[str, ...], today: datetime.date) -> str:
    """Return the book file."""
    lines = ["# yaml-language-server: $schema=../.vscode/schemas/book.schema.json",
             f"slug: {slug}", f"identifier: urn:uuid:{uuid.uuid4()}  # stable: never change it",
             'version: "0.1"', f"published: {today.isoformat()}",
             f"review_by: {today.replace(year=today.year + 1).isoformat()}",
             f"publisher: {TEXT[languages[0]]['publisher']}", "", "languages:"]
    for language in languages:
        text = TEXT[language]
        lines += [f"  {language}:", f"    title: {text['title']}", f"    subtitle: {text['subtitle']}",
                  f"    edition: {text['edition']}"]
    lines += ["", "chapters:", "  - welcome", "  - glossary", "", "theme:", "  glossary: glossary",
              "  disclaimer: true", "", "editions:", "  layouts: [a4, letter, large-print]",
              "  formats: [pdf, epub, web]", "  clinics: [clinics/*.yaml]", ""]
    return "\n".join(lines)


def _sources(languages: tuple[str, ...]) -> str:
    def each(key: str) -> str:
        if len(languages) == 1:
            return json.dumps(TEXT[languages[0]][key], ensure_ascii=False)
        return "{" + ", ".join(f"{language}: {json.dumps(TEXT[language][key], ensure_ascii=False)}"
                               for language in languages) + "}"

    return ("# yaml-language-server: $schema=../.vscode/schemas/sources.schema.json\n"
            "sources:\n  - id: example-source\n    title: Replace this with the title of a source you cite\n"
            "    author: null\n    date: null\n"
            f"    kind: {each('source_kind')}\n    note: {each('source_note')}\n")


def _clinic(languages: tuple[str, ...]) -> str:
    names = {language: TEXT[language]["clinic_name"] for language in languages}
    name = json.dumps(names[languages[0]], ensure_ascii=False) if len(languages) == 1 else \
        "{" + ", ".join(f"{language}: {json.dumps(text, ensure_ascii=False)}" for language, text in names.items()) + "}"
    return ("# yaml-language-server: $schema=../.vscode/schemas/clinic.schema.json\n"
            "# An example clinic: replace its name and numbers with a real clinic's, or delete the file.\n"
            f"name: {name}\nphones:\n  clinic: \"555 0100\"\n")


def _editor_settings() -> str:
    mapping = {f"./.vscode/schemas/{name}.schema.json": globs for name, globs in SCHEMAS.items()}
    return json.dumps({"yaml.schemas": mapping}, indent=2) + "\n"
