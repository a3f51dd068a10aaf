"""Read and write the approvals records: approvals/<language>/<part>.yaml in the book folder.

Each record holds the latest approval of each role (who, in which role, when, and the
SHA-256 of the words approved; for a translation, also of the source words it translates)
and the approved words themselves (and those source words), one line per block, keyed by
their SHA-256, so that a
pull request shows what was approved as a text diff and `handbook approvals` can show what
changed since. `handbook approve` writes them; a person reviews them like any other file.
"""
from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, Problems
from ..model import Settings
from ..project import Project
from .schema import read

FOLDER = "approvals"
"""The book folder's folder of approvals records."""

HEADER = """\
# Approvals of {what}, in {language}.
# Who approved its words, in which role and when, and the words they approved, one line per
# block. Written by `handbook approve`; review a change here as you would a change to the
# text (docs/approvals.md).
"""


@dataclass(frozen=True)
class Recorded:
    """One approval as its record gives it."""

    role: str
    by: str
    on: datetime.date
    words: str
    """The SHA-256 of the words approved."""
    source_words: str | None
    """For a translation, the SHA-256 of the source words it translates, as they were then."""
    location: Location


@dataclass
class Record:
    """The approvals of one part of the book in one language, and the words they approved."""

    path: Path
    part: str
    approvals: list[Recorded] = field(default_factory=list)
    words: dict[str, str] = field(default_factory=dict)
    """The approved words by their SHA-256, a line per block; for a translation, also the
    source words each approval was given against."""

    def approval(self, role: str) -> Recorded | None:
        """Return the approval of a role, if the record holds one."""
        return next((approval for approval in self.approvals if approval.role == role), None)


def folder(project: Project, language: str) -> Path:
    """Return the folder of a language's approvals records."""
    return project.root / FOLDER / language


def record_path(project: Project, language: str, part: str) -> Path:
    """Return the file of a part's approvals in a language."""
    return folder(project, language) / f"{part}.yaml"


def record_files(project: Project, language: str) -> list[Path]:
    """Return the approvals records of a language, in a stable order."""
    place = listed_folder(project, language)
    with os.scandir(place) as entries:  # listed even where it is not the language's: see listed_folder
        names = sorted(entry.name for entry in entries)
    if place != folder(project, language):
        return []
    return [place / name for name in names if name.endswith(".yaml") and not name.startswith(".")]


def listed_folder(project: Project, language: str) -> Path:
    """Return the folder whose listing says which records a language has: its own folder, or
    where that would appear (so that a kept book, or Make, sees a new one)."""
    for place in (folder(project, language), project.root / FOLDER):
        if place.is_dir():
            return place
    return project.root


def read_records(project: Project, settings: Settings, language: str, parts: tuple[str, ...],
                 problems: Problems) -> dict[str, Record]:
    """Return a language's approvals records by part, recording what is wrong in them."""
    from ..confine import check_kind

    files = record_files(project, language)
    if not check_kind("approvals", files, project, problems):
        return {}
    records = {}
    for path in files:
        if path.stem not in parts:
            problems.add(Location(path, 0), f"there is no part {path.stem!r} in {language!r} to approve: a record "
                         f"is named after a chapter of the book file or _book, _sources or _clinic; remove the file "
                         "if the chapter was removed")
            continue
        record = _read_record(path, settings, problems)
        if record is not None:
            records[path.stem] = record
    return records


def _read_record(path: Path, settings: Settings, problems: Problems) -> Record | None:
    document = read(path, "approvals", problems)
    if document is None:
        return None
    before = len(problems)
    record = Record(path, path.stem)
    for digest in document.data["words"]:
        words = document.text(("words", digest))
        record.words[digest] = words
        if hashlib.sha256(words.encode("utf-8")).hexdigest() != digest:
            problems.add(document.key_location(("words", digest)), "these words are not the words of this SHA-256: "
                         "the record was changed by hand; record approvals with `handbook approve`")
    known = [role.id for role in settings.roles]
    for index, entry in enumerate(document.data["approvals"]):
        at = ("approvals", index)
        role = entry["role"]
        if role not in known:
            problems.add(document.location(at + ("role",)), f"the role {role!r} is not one the book file's policy "
                         f"lists (policy: approvals: roles:): {', '.join(known) or 'it lists none'}")
        if record.approval(role) is not None:
            problems.add(document.location(at), f"the role {role!r} has a second approval here; a record keeps "
                         "the latest approval of each role")
        on = datetime.date.fromisoformat(entry["date"])
        words = document.text(at + ("words",))
        if words not in record.words:
            problems.add(document.location(at + ("words",)), "the words this approval approved are not kept under "
                         "`words:`; record approvals with `handbook approve`")
        source = document.text(at + ("source_words",)) if "source_words" in entry else None
        if source is not None and source not in record.words:
            problems.add(document.location(at + ("source_words",)), "the source words this approval was given "
                         "against are not kept under `words:`; record approvals with `handbook approve`")
        record.approvals.append(Recorded(role, document.text(at + ("by",)).strip(), on, words, source,
                                         document.location(at)))
    return record if len(problems) == before else None


def write_record(record: Record, what: str, language: str) -> None:
    """Write a record (only the words its approvals approved), atomically."""
    from ..output import write_atomically

    kept = {digest for approval in record.approvals for digest in (approval.words, approval.source_words)}
    data = {"approvals": [_entry(approval) for approval in record.approvals],
            "words": {digest: words for digest, words in record.words.items() if digest in kept}}
    text = HEADER.format(what=what, language=language) + yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 20)
    write_atomically(record.path, text.encode("utf-8"))


def _entry(approval: Recorded) -> dict[str, Any]:
    entry: dict[str, Any] = {"role": approval.role, "by": approval.by, "date": approval.on, "words": approval.words}
    if approval.source_words is not None:
        entry["source_words"] = approval.source_words
    return entry


class _Dumper(yaml.SafeDumper):
    """Words as literal blocks (a line per block, as a diff shows them); everything else as usual."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
