"""Read the handbook's YAML files into a validated, frozen Book.

Every file is read and every problem collected before anything fails, so a maintainer
sees all the mistakes of a build at once.
"""
from __future__ import annotations

import datetime
from pathlib import Path

from yaml.nodes import Node

from .errors import Location, Problems
from .inline import is_id
from .load_chapter import load_chapter
from .model import Book, Chapter, Clinic, Phone, Source
from .yamlsource import Fields, compose, where

BOOK_FILE = "book.yaml"
CLINIC_FILE = "clinic.yaml"
SPECIAL_FILES = (BOOK_FILE, CLINIC_FILE)


def load_book(chapters_dir: Path, sources_file: Path, clinic_file: Path | None = None) -> Book:
    """Return the whole handbook, or raise HandbookError listing every problem found."""
    problems = Problems()
    book_path = chapters_dir / BOOK_FILE
    root = compose(book_path, problems)
    fields = Fields(book_path, problems)
    meta = _book_fields(root, fields) if root is not None else None
    sources = _load_sources(sources_file, problems)
    clinic = _load_clinic(chapters_dir / CLINIC_FILE, clinic_file, problems)
    chapters: list[Chapter] = []
    if meta is not None:
        chapters = _load_chapters(chapters_dir, meta.pop("chapters"), fields, problems)
    problems.raise_if_any()
    assert meta is not None and clinic is not None
    return Book(**meta, chapters=tuple(chapters), sources=tuple(sources), clinic=clinic)


def _book_fields(root: Node, fields: Fields) -> dict | None:
    keys = ("title", "subtitle", "language", "edition", "version", "published", "review_by",
            "identifier", "publisher", "chapters")
    found = fields.of(root, "the book file", keys, ("help_now",))
    if found is None or len(found) < len(keys):
        return None
    meta: dict = {key: fields.text(found[key], key) for key in keys if key not in ("chapters",)}
    for key in ("published", "review_by"):
        meta[key] = _date(found[key], meta[key], key, fields)
    language = meta["language"]
    if language and not all(part.isalnum() for part in language.split("-")):
        fields.problems.add(where(fields.path, found["language"]),
                            f"the language {language!r} must be a language tag such as 'en' or 'en-GB'")
    if meta["published"] and meta["review_by"] and meta["review_by"] <= meta["published"]:
        fields.problems.add(where(fields.path, found["review_by"]), "review_by must come after published")
    if any(value is None for value in meta.values()):
        return None
    meta["help_now"] = None
    if "help_now" in found:
        meta["help_now"] = fields.text(found["help_now"], "help_now")
        listed = [getattr(item, "value", None) for item in getattr(found["chapters"], "value", [])]
        if meta["help_now"] and meta["help_now"] not in listed:
            fields.problems.add(where(fields.path, found["help_now"]),
                                f"help_now names {meta['help_now']!r}, which is not one of the chapters listed here")
    meta["chapters"] = found["chapters"]
    return meta


def _date(node: Node, text: str | None, what: str, fields: Fields) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        fields.problems.add(where(fields.path, node), f"{what} must be a date written as YYYY-MM-DD, not {text!r}")
        return None


def _load_chapters(chapters_dir: Path, node: Node, fields: Fields, problems: Problems) -> list[Chapter]:
    """Load the chapters in the order the book file lists them."""
    chapters = []
    listed = set()
    for item in fields.sequence(node, "chapters"):
        chapter_id = fields.text(item, "a chapter id")
        if chapter_id is None:
            continue
        if chapter_id in listed:
            problems.add(where(fields.path, item), f"the chapter {chapter_id!r} is listed twice")
            continue
        listed.add(chapter_id)
        path = chapters_dir / f"{chapter_id}.yaml"
        if not is_id(chapter_id) or not path.is_file():
            problems.add(where(fields.path, item), f"no chapter file {path.name} for the chapter {chapter_id!r}")
            continue
        chapter = load_chapter(path, problems)
        if chapter is not None:
            chapters.append(chapter)
    for path in sorted(chapters_dir.glob("*.y*ml")):
        if path.name not in SPECIAL_FILES and path.stem not in listed:
            problems.add(Location(path, 0), f"this chapter is not listed in {BOOK_FILE}; add '{path.stem}' "
                         "to its chapters, or move the file out of the folder")
    return chapters


def _load_sources(path: Path, problems: Problems) -> list[Source]:
    root = compose(path, problems)
    if root is None:
        return []
    fields = Fields(path, problems)
    found = fields.of(root, "the sources file", ("sources",))
    if not found or "sources" not in found:
        return []
    sources = []
    for node in fields.sequence(found["sources"], "sources"):
        entry = fields.of(node, "a source", ("id", "title", "author", "date", "kind", "note"))
        if entry is None or len(entry) < 6:
            continue
        source_id = fields.text(entry["id"], "the source id")
        if source_id and not is_id(source_id):
            problems.add(where(path, entry["id"]), f"the source id {source_id!r} must be lowercase letters, "
                         "digits and dashes")
        optional = {key: fields.text(entry[key], key, optional=True) for key in ("title", "author", "date")}
        kind = fields.text(entry["kind"], "the kind of source")
        note = fields.text(entry["note"], "the note")
        if source_id and kind and note:
            sources.append(Source(source_id, where(path, node), **optional, kind=kind, note=note))
    return sources


def _load_clinic(default_path: Path, override_path: Path | None, problems: Problems) -> Clinic | None:
    """Return the clinic details: the defaults, with a clinic's own file laid over them."""
    default = _clinic_fields(default_path, problems, partial=False)
    if default is None:
        return None
    if override_path is not None:
        override = _clinic_fields(override_path, problems, partial=True)
        if override is None:
            return None
        unknown = set(dict(override.get("instructions", ()))) - set(dict(default["instructions"]))
        for key in sorted(unknown):
            problems.add(Location(override_path, override["lines"][key]),
                         f"the handbook has no place for an instruction {key!r}; expected one of: "
                         + ", ".join(dict(default["instructions"])))
        instructions = dict(default["instructions"]) | dict(override.get("instructions", ()))
        default.update({k: v for k, v in override.items() if k in ("name", "phones")})
        default["instructions"] = tuple(instructions.items())
    return Clinic(default["name"], default["phones"], default["instructions"])


def _clinic_fields(path: Path, problems: Problems, *, partial: bool) -> dict | None:
    root = compose(path, problems)
    if root is None:
        return None
    fields = Fields(path, problems)
    keys = ("name", "phones", "instructions")
    found = fields.of(root, "the clinic file", () if partial else keys, keys if partial else ())
    if found is None:
        return None
    result: dict = {"lines": {}}
    if "name" in found:
        result["name"] = fields.text(found["name"], "the clinic name", optional=True) or ""
    if "phones" in found:
        phones = []
        for node in fields.sequence(found["phones"], "phones"):
            entry = fields.of(node, "a phone entry", ("label", "number"))
            if entry and len(entry) == 2:
                label = fields.text(entry["label"], "the label") or ""
                phones.append(Phone(label, fields.text(entry["number"], "the number", optional=True) or ""))
        result["phones"] = tuple(phones)
    if "instructions" in found:
        pairs = []
        for key, value in (fields.entries(found["instructions"], "instructions") or {}).items():
            if not is_id(key):
                problems.add(where(path, value), f"the instruction id {key!r} must be lowercase letters and dashes")
            text = fields.text(value, f"the instruction {key!r}")
            if text:
                pairs.append((key, text))
                result["lines"][key] = value.start_mark.line + 1
        result["instructions"] = tuple(pairs)
    return result
