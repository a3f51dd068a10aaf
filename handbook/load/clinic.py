"""Read a language's clinic defaults, and lay a clinic's own file over them for its edition.

The clinic is an edition axis, not part of the book: the book is loaded once per language,
and each clinic's details are applied afterwards as a small overlay.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ..errors import Location, Problems
from ..model import Clinic, Phone, is_id
from ..project import Project
from .inline import typeset
from .schema import Document, read
from .yamlsource import At


def load_clinic_defaults(project: Project, language: str, problems: Problems) -> Clinic | None:
    """Return the phone lines and instructions a language's editions print by default."""
    path = project.clinic_defaults(language)
    if not (path.exists() or path.is_symlink()):
        return None  # a book without clinic details; a folder or a pipe there is read, and refused
    document = read(path, "clinic-defaults", problems)
    if document is None:
        return None
    phones = []
    seen: set[str] = set()
    for index, entry in enumerate(document.data["phones"]):
        if entry["id"] in seen:
            problems.add(document.location(("phones", index, "id")), f"the phone line {entry['id']!r} is listed twice")
        seen.add(entry["id"])
        phones.append(Phone(entry["id"], typeset(entry["label"].strip()), entry["number"].strip(), entry.get("source"),
                            document.location(("phones", index))))
    instructions = tuple((key, typeset(" ".join(text.split()))) for key, text in document.data["instructions"].items())
    return Clinic("", "", tuple(phones), instructions)


def read_clinic_file(path: Path, problems: Problems) -> Document | None:
    """Return a clinic file's checked data."""
    if not (path.exists() or path.is_symlink()):
        problems.add(Location(path, 0), "no such clinic file")
        return None
    return read(path, "clinic", problems)


def clinic_slug(path: Path, document: Document | None) -> str:
    """Return the clinic's folder name under build/: its `slug`, else the file name."""
    if document is not None and "slug" in document.data:
        return str(document.data["slug"])
    return path.stem


def apply_clinic(defaults: Clinic, document: Document, language: str, source_language: str,
                 problems: Problems) -> Clinic | None:
    """Return a language's clinic details with a clinic file laid over the defaults.

    Text in a clinic file is either one text, meant for the book's source language, or a
    mapping of language to text. A clinic edition must fill every phone line the defaults
    leave empty: a patient must never get a crisis page with a blank where a number belongs.
    """
    data = document.data
    before = len(problems)
    slug = clinic_slug(document.path, document)
    if not is_id(slug):
        problems.add(document.location(), f"the clinic file name {document.path.stem!r} must be a lowercase id "
                     "such as 'riverside', or the file must give a `slug`")
    name = _text(document, ("name",), data["name"], language, source_language, problems)

    numbers = data.get("phones", {})
    known = {phone.id for phone in defaults.phones}
    phones = []
    for phone in defaults.phones:
        value = numbers.get(phone.id)
        if isinstance(value, dict):
            problems.add(document.location(("phones", phone.id)),
                         f"the phone line {phone.id!r} is one of the book's; give just its number, in quotes")
            continue
        if value and phone.source:
            problems.add(document.location(("phones", phone.id)),
                         f"the phone line {phone.id!r} is a public number the book cites; a clinic cannot change "
                         "it, but can add its own line as {label: ..., number: ...}")
            continue
        number = value.strip() if value else phone.number
        if not number:
            problems.add(document.location(("phones",) if "phones" in data else ()),
                         f"the phone line {phone.id!r} ({phone.label}) has no number; a clinic edition must give "
                         f"one: add `{phone.id}: \"...\"` under phones")
        phones.append(Phone(phone.id, phone.label, number, phone.source, phone.location))
    for key, value in numbers.items():
        if key in known:
            continue
        if not isinstance(value, dict):
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = (f"did you mean {close[0]!r}? Or" if close
                    else "expected one of: " + ", ".join(sorted(known)) + ", or")
            problems.add(document.key_location(("phones", key)),
                         f"the book has no phone line {key!r}; {hint} give a new line as {{label: ..., number: ...}}")
            continue
        label = _text(document, ("phones", key, "label"), value["label"], language, source_language, problems)
        phones.append(Phone(key, label or "", value["number"].strip()))

    instructions = dict(defaults.instructions)
    for key, value in data.get("instructions", {}).items():
        if key not in instructions:
            problems.add(document.key_location(("instructions", key)),
                         f"the book has no place for an instruction {key!r}; expected one of: "
                         + ", ".join(instructions))
            continue
        text = _text(document, ("instructions", key), value, language, source_language, problems)
        if text:
            instructions[key] = text
    if len(problems) > before:
        return None
    return Clinic(slug, name or "", tuple(phones), tuple(instructions.items()))


def _text(document: Document, at: At, value: Any, language: str, source_language: str,
          problems: Problems) -> str | None:
    """Return a clinic text in a language: one text is the source language's; a mapping gives each."""
    if isinstance(value, str):
        if language != source_language and at != ("name",):
            problems.add(document.location(at), f"this text is in {source_language!r} only; the {language!r} "
                         f"edition needs it too: write it as {{{source_language}: ..., {language}: ...}}")
            return None
        return typeset(" ".join(value.split()))
    if language not in value:
        problems.add(document.location(at), f"this text has no {language!r} version; add `{language}: ...`")
        return None
    return typeset(" ".join(value[language].split()))
