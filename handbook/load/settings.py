"""Read the book file (chapters/book.yaml) into Settings: who the book is and what to build."""
from __future__ import annotations

import datetime
import difflib
import glob
from pathlib import Path
from typing import Any

from ..errors import Problems
from ..model import Brand, Language, Role, Settings
from ..project import Project
from .schema import Document, read

FORMATS = ("pdf", "epub", "web")
"""The formats a book can be built in."""


def load_settings(project: Project, layouts: tuple[str, ...], problems: Problems) -> Settings | None:
    """Return the book's settings, or None after recording what is wrong.

    `layouts` are the print layouts the theme offers, in the theme's order.
    """
    document = read(project.book_file, "book", problems)
    if document is None:
        return None
    data = document.data
    before = len(problems)
    languages = tuple(
        Language(code, entry["title"].strip(), entry["subtitle"].strip(), entry["edition"].strip(),
                 tuple(word.strip() for word in entry.get("keywords", ())), entry.get("unapproved", "refuse"))
        for code, entry in data["languages"].items()
    )
    published = datetime.date.fromisoformat(data["published"])
    review_by = datetime.date.fromisoformat(data["review_by"])
    if review_by <= published:
        problems.add(document.location(("review_by",)), "review_by must come after published")
    theme = data.get("theme", {})
    help_now = _listed_chapter(document, "help_now", problems)
    glossary = _listed_chapter(document, "glossary", problems)
    editions = data.get("editions", {})
    codes = tuple(language.code for language in languages)
    chosen_languages = _choose(document, editions, "languages", codes, problems)
    chosen_layouts = _choose(document, editions, "layouts", layouts, problems)
    formats = tuple(editions.get("formats", ("pdf", "epub")))
    clinics = _clinic_files(project, document, editions.get("clinics", ()), problems)
    roles, required = _approval_policy(document, codes, problems)
    brand = _brand(document, theme, problems)
    if len(problems) > before:
        return None
    return Settings(
        location=document.location(),
        slug=data["slug"],
        identifier=data["identifier"].strip(),
        version=str(data["version"]).strip(),
        published=published,
        review_by=review_by,
        publisher=data["publisher"].strip(),
        country=data.get("country"),
        languages=languages,
        chapters=tuple(data["chapters"]),
        chapter_locations=tuple(document.location(("chapters", i)) for i in range(len(data["chapters"]))),
        help_now=help_now,
        glossary=glossary,
        disclaimer=theme.get("disclaimer", False),
        brand=brand,
        layouts=chosen_layouts,
        formats=formats,
        clinics=clinics,
        edition_languages=chosen_languages,
        reviews_required=data.get("policy", {}).get("chapter_reviews") == "required",
        draft=editions.get("draft", False),
        roles=roles,
        required_roles=required,
        web_address=_folder(data["web_address"]) if "web_address" in data else None,
    )


def _approval_policy(document: Document, codes: tuple[str, ...],
                     problems: Problems) -> tuple[tuple[Role, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Return the roles the approvals policy knows, and the roles each language needs."""
    policy = document.data.get("policy", {}).get("approvals")
    if policy is None:
        return (), ()
    at = ("policy", "approvals")
    roles = []
    for role_id, entry in policy["roles"].items():
        name = entry["name"]
        if isinstance(name, str):
            names = tuple((code, name.strip()) for code in codes)
        else:
            for code in name:
                if code not in codes:
                    problems.add(document.location(at + ("roles", role_id, "name", code)),
                                 f"the book has no language {code!r}; it has: {', '.join(codes)}")
            for code in codes:
                if code not in name:
                    problems.add(document.location(at + ("roles", role_id, "name")),
                                 f"the role {role_id!r} has no name in {code!r}; add `{code}: ...`")
            names = tuple((code, name[code].strip()) for code in codes if code in name)
        roles.append(Role(role_id, names, entry.get("clinical", False)))
    known = [role.id for role in roles]
    every = tuple(policy.get("required", ()))
    for index, role_id in enumerate(every):
        if role_id not in known:
            problems.add(document.location(at + ("required", index)),
                         f"the role {role_id!r} is not one of the roles listed here: {', '.join(known)}")
    extra = policy.get("by_language", {})
    for code, listed in extra.items():
        if code not in codes:
            problems.add(document.key_location(at + ("by_language", code)),
                         f"the book has no language {code!r}; it has: {', '.join(codes)}")
        for index, role_id in enumerate(listed):
            if role_id not in known:
                problems.add(document.location(at + ("by_language", code, index)),
                             f"the role {role_id!r} is not one of the roles listed here: {', '.join(known)}")
    required = tuple((code, tuple(dict.fromkeys(every + tuple(extra.get(code, ()))))) for code in codes)
    return tuple(roles), required


def _folder(address: str) -> str:
    """Return a web address as a folder's, ending in `/`: the pages' addresses are joined to it."""
    address = address.strip()
    return address if address.endswith("/") else address + "/"


def _listed_chapter(document: Document, key: str, problems: Problems) -> str | None:
    """Return the chapter a theme setting names, recording a problem if the book does not list it."""
    chapter: str | None = document.data.get("theme", {}).get(key)
    chapters = document.data["chapters"]
    if chapter is not None and chapter not in chapters:
        close = difflib.get_close_matches(chapter, chapters, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the chapters are: {', '.join(chapters)}"
        problems.add(document.location(("theme", key)),
                     f"{key} names {chapter!r}, which is not one of the chapters listed here; {hint}")
    return chapter


def _choose(document: Document, editions: dict[str, Any], key: str, known: tuple[str, ...],
            problems: Problems) -> tuple[str, ...]:
    """Return the entries of editions.<key>, each checked against what exists (default: all)."""
    chosen = editions.get(key)
    if chosen is None:
        return known
    for index, name in enumerate(chosen):
        if name not in known:
            problems.add(document.location(("editions", key, index)),
                         f"there is no {key[:-1]} {name!r}; expected one of: {', '.join(known)}")
    return tuple(chosen)


def _clinic_files(project: Project, document: Document, patterns: list[str],
                  problems: Problems) -> tuple[Path, ...]:
    """Return the clinic files the editions list names, expanding * and ?, in a stable order."""
    found: list[Path] = []
    for index, pattern in enumerate(patterns):
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            problems.add(document.location(("editions", "clinics", index)),
                         f"the clinic files {pattern!r} must be inside the book folder, such as clinics/*.yaml; "
                         "build a clinic elsewhere with --clinic FILE")
            continue
        # root_dir: a book folder whose name holds * or [ is not read as a pattern.
        matches = sorted(project.root / name for name in glob.glob(pattern, root_dir=project.root))
        if not matches:
            problems.add(document.location(("editions", "clinics", index)),
                         f"no clinic file matches {pattern!r} in {project.root}")
        found.extend(path for path in matches if path not in found)
    return tuple(found)


def _brand(document: Document, theme: dict[str, Any], problems: Problems) -> Brand:
    """Return the book's own look from the book file's theme section; its files are checked with the theme's."""
    accent = theme.get("accent")
    if accent is not None and contrast(accent, "#ffffff") < 7:
        problems.add(document.location(("theme", "accent")),
                     f"the accent {accent} has a contrast of {contrast(accent, '#ffffff'):.1f}:1 with white; text "
                     "in it needs 7:1 or more (a darker colour)")
    locations = [(key, document.location(("theme", key))) for key in ("accent", "logo", "stylesheets") if key in theme]
    sheets = tuple((format, tuple(paths)) for format, paths in theme.get("stylesheets", {}).items())
    return Brand(accent.lower() if accent else None, theme.get("logo"), sheets, tuple(locations))


def contrast(one: str, other: str) -> float:
    """Return the contrast ratio of two #rrggbb colours (WCAG 2)."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
