"""The editions matrix: every clinic × language × layout × format a book is built in.

An edition is one output file (or folder, for the web). Its path never collides with
another's: the book's own edition in its first language stays at the top of build/, other
languages go into build/<language>/, and a clinic's editions into build/<clinic>/<language>/.
A draft (not for patients) goes into build/drafts/ the same way, so that it never replaces
a patient edition.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from .model import Settings
from .project import Project

EXTENSIONS = {"pdf": ".pdf", "epub": ".epub", "web": "", "sheets": ".pdf"}
FORMATS = tuple(EXTENSIONS)
"""The formats an edition can be in; `sheets` is a booklet's pages imposed on sheets (pdf/booklet.py)."""
DRAFTS = "drafts"
"""The folder of the output folder that drafts go into."""
MAX_CI_JOBS = 256
"""The most jobs GitHub Actions makes from one matrix."""


@dataclass(frozen=True, order=True)
class Edition:
    """One output of the book: for a clinic, in a language, a layout and a format."""

    clinic: str
    """The clinic's slug; empty for the book's own edition."""
    language: str
    layout: str
    """The print layout; for the e-book, the layout its page numbers follow; empty for the web."""
    format: str
    """pdf, epub or web."""

    @property
    def name(self) -> str:
        """Return the edition's name in messages and manifests: clinic/language/layout.format."""
        parts = [self.clinic or "-", self.language, self.layout or "site"]
        return "/".join(parts) + "." + self.format

    def as_json(self) -> dict[str, str]:
        """Return the edition as a CI matrix entry."""
        return {"clinic": self.clinic, "language": self.language, "layout": self.layout, "format": self.format}


def matrix(settings: Settings, clinics: tuple[str, ...], *, languages: tuple[str, ...] | None = None,
           layouts: tuple[str, ...] | None = None, formats: tuple[str, ...] | None = None,
           only_clinics: tuple[str, ...] | None = None, booklets: tuple[str, ...] = ()) -> list[Edition]:
    """Return the editions to build: the declared matrix, narrowed by any filter given.

    `clinics` are the slugs of the declared clinic files; the book's own edition ("") comes first.
    `booklets` are the layouts imposed on sheets: each PDF of one brings its `sheets` edition.
    """
    every_clinic = ("",) + clinics
    chosen_clinics = every_clinic if only_clinics is None else tuple(c for c in every_clinic if c in only_clinics)
    chosen_clinics += tuple(c for c in (only_clinics or ()) if c not in chosen_clinics)
    editions = []
    for clinic in chosen_clinics:
        for language in languages or settings.edition_languages:
            for format in formats or settings.formats:
                if format == "web":
                    editions.append(Edition(clinic, language, "", format))
                elif format == "epub":
                    editions.append(Edition(clinic, language, settings.standard_layout, format))
                else:  # pdf, or a booklet's sheets alone
                    for layout in layouts or settings.layouts:
                        if format == "pdf":
                            editions.append(Edition(clinic, language, layout, format))
                        if layout in booklets:  # the booklet's pages imposed on sheets, with its PDF
                            editions.append(Edition(clinic, language, layout, "sheets"))
    if layouts is not None:  # `--layout letter` narrows the print editions, and the e-book with them
        editions = [e for e in editions if e.format == "web" or e.layout in layouts]
    return list(dict.fromkeys(editions))  # `--format pdf --format sheets` names the sheets twice


def output_path(project: Project, settings: Settings, edition: Edition) -> Path:
    """Return where an edition is written: a draft under drafts/, never where a patient edition goes."""
    folder = project.out / DRAFTS if settings.is_draft(edition.language) else project.out
    if edition.clinic:
        folder = folder / edition.clinic / edition.language
    elif edition.language != settings.languages[0].code:
        folder = folder / edition.language
    if edition.format == "web":
        return folder / "web"
    suffix = "" if edition.format != "pdf" or edition.layout == settings.standard_layout else f"-{edition.layout}"
    if edition.format == "sheets":
        suffix = f"-{edition.layout}-sheets"
    return folder / f"{settings.slug}{suffix}{EXTENSIONS[edition.format]}"


def identifier(settings: Settings, clinic: str, language: str) -> str:
    """Return the stable identifier of a clinic's edition in a language.

    The book's own edition in its first language keeps the book file's identifier; every
    other clinic × language gets a name-based UUID (RFC 4122, version 5) derived from it,
    so each e-book is its own book to a reading system, and stays the same across builds.
    """
    if not clinic and language == settings.languages[0].code:
        return settings.identifier
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, settings.identifier)
    return f"urn:uuid:{uuid.uuid5(namespace, f'{clinic}/{language}')}"


def ci_matrix(project: Project, settings: Settings, editions: list[Edition],
              max_jobs: int = MAX_CI_JOBS) -> list[dict[str, str | bool]]:
    """Return the editions as the rows of a CI matrix (GitHub Actions' `include`).

    One row per edition while they fit in `max_jobs` (0: no limit); past that, one row per
    group of whole clinics, as few clinics to a group as the limit allows. Every row has
    the same keys: a group's row names its clinics and leaves language, layout and format
    empty (it stands for every edition of its clinics) and its output is the whole folder.
    """
    rows: list[dict[str, str | bool]] = []
    for edition in editions:
        output = output_path(project, settings, edition).relative_to(project.out).as_posix()
        rows.append({**edition.as_json(), "clinics": edition.clinic or "-", "output": output,
                     "artifact": output.replace("/", "--"), "draft": settings.is_draft(edition.language)})
    if not max_jobs or len(rows) <= max_jobs:
        return rows
    clinics = list(dict.fromkeys(edition.clinic or "-" for edition in editions))
    size = -(-len(clinics) // max_jobs)
    groups = [clinics[start:start + size] for start in range(0, len(clinics), size)]
    return [{"clinic": "", "clinics": " ".join(group), "language": "", "layout": "", "format": "",
             "output": DRAFTS if settings.draft else "", "artifact": f"clinics-{number:03d}", "draft": settings.draft}
            for number, group in enumerate(groups, start=1)]
