"""Find every label the theme and the pipeline use, and keep the catalogues in step with them.

Babel extracts the labels from the templates (Jinja2's extractor), from the code (calls of
gettext, ngettext and _) and from theme.yaml (layout labels, callout titles) into
locales/messages.pot, then merges that list into each language's catalogue: a new label
arrives with an empty translation, which the build then refuses until someone fills it in
(English, the language labels are written in, is filled in with the label itself).
"""
from __future__ import annotations

import copy
import datetime
import io
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .runtime import CATALOGUE, KEYWORDS, TEMPLATE, babel_locale

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

SOURCE_LANGUAGE = "en"
"""The language the labels are written in."""
_FIXED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
"""The date written into catalogue headers, so that they do not change on every run."""


def extract(theme_dir: Path, package_dir: Path) -> Catalog:
    """Return a catalogue template of every label, with where each is used."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="handbook", fuzzy=False)
    sources = [
        (theme_dir, [("**.j2", "jinja2")], {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}, "layouts"),
        (package_dir, [("**.py", "python")], {}, "handbook"),
    ]
    for folder, methods, options, prefix in sources:
        for filename, line, message, comments, context in extract_from_dir(
                str(folder), methods, options, keywords=KEYWORDS, strip_comment_tags=True):
            catalog.add(message, None, [(f"{prefix}/{filename}", line)], auto_comments=comments, context=context)
    for label, line in _theme_labels(theme_dir / "theme.yaml"):
        catalog.add(label, None, [("layouts/theme.yaml", line)])
    return catalog


def _theme_labels(path: Path) -> list[tuple[str, int]]:
    """Return theme.yaml's layout labels and callout titles, with their lines."""
    root = yaml.compose(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for key_node, value_node in root.value if root is not None else ():
        if key_node.value == "layouts":
            for _, layout in value_node.value:
                for field, value in layout.value:
                    if field.value == "label":
                        found.append((value.value, value.start_mark.line + 1))
        elif key_node.value == "callouts":
            for _, title in value_node.value:
                found.append((title.value, title.start_mark.line + 1))
    return found


def write_template(catalog: Catalog, theme_dir: Path) -> Path:
    """Write the template of labels into the theme."""
    from babel.messages.pofile import write_po

    path = theme_dir / TEMPLATE
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    # No header: its creation date would change the file on every run.
    write_po(out, catalog, width=100, omit_header=True, sort_output=True)
    path.write_bytes(out.getvalue())
    return path


def update_catalogue(template: Catalog, theme_dir: Path, language: str) -> tuple[Path, list[str]]:
    """Merge the template into a language's catalogue; return it and the labels it still lacks."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    path = theme_dir / CATALOGUE.format(language=language)
    if path.is_file():
        with path.open("rb") as file:
            catalogue = read_po(file, locale=babel_locale(language))
    else:
        catalogue = Catalog(locale=babel_locale(language), project="handbook")
    # update() keeps the template's message objects: give each catalogue its own copy.
    catalogue.update(copy.deepcopy(template), no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    missing: list[str] = []
    for message in catalogue:
        if not message.id:
            continue
        if language == SOURCE_LANGUAGE and not _translated(message):
            message.string = message.id  # English labels are written in English
        if not _translated(message):
            missing.append(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    catalogue.creation_date = catalogue.revision_date = _FIXED
    write_po(out, catalogue, width=100, sort_output=True, omit_header=False)
    path.write_bytes(_without_volatile_header_lines(out.getvalue()))
    return path, missing


def _translated(message: Message) -> bool:
    return all(message.string) if isinstance(message.string, tuple) else bool(message.string)


def _without_volatile_header_lines(data: bytes) -> bytes:
    """Drop header lines that change with each run or each tool version."""
    volatile = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:', b"# Translations template",
                b"# Copyright (C)", b"# This file is distributed", b"# FIRST AUTHOR")
    return b"\n".join(line for line in data.split(b"\n") if not line.startswith(volatile))

