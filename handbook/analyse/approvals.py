"""Document control: each part of the book, in each language, against the approvals of its words.

An approval is current while the part's words are the words approved (analyse/words.py)
and, for a translation, while the source words it translates are the ones it was approved
against. A patient (non-draft) edition is built only when every role the book's policy
requires for the language has a current approval of every part; otherwise the build names
each part, the approval it lost and how to approve it again, all at once, and writes nothing.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, Problems
from ..load.approvals import Record, Recorded, read_records
from ..model import Approval, Book
from ..project import Project
from .words import BOOK, CLINIC, SOURCES, digest, parts

STALE_WORDS, STALE_SOURCE = "words", "source"
"""Why an approval is no longer current: the part's own words changed, or the source words it translates."""


@dataclass(frozen=True)
class Status:
    """One part of the book in one language, and where each of its approvals stands."""

    language: str
    part: str
    location: Location
    """Where messages about the part point: its file's first line."""
    lines: tuple[str, ...]
    """The part's words now."""
    required: tuple[str, ...]
    current: tuple[Recorded, ...]
    stale: tuple[tuple[Recorded, str], ...]
    """Each approval no longer current, with why: STALE_WORDS or STALE_SOURCE."""
    record: Record | None

    @property
    def missing(self) -> tuple[str, ...]:
        """Return the required roles without a current approval."""
        have = {approval.role for approval in self.current}
        return tuple(role for role in self.required if role not in have)

    @property
    def approved(self) -> bool:
        """Tell whether the part may go to patients: every required role (or, with none, someone) approved it."""
        return not self.missing and bool(self.current or self.required)


def statuses(project: Project, book: Book, source: Book | None, problems: Problems) -> list[Status]:
    """Return where each part of a language's book stands, reading its approvals records.

    `source` is the book in the language it is translated from (None for that language itself)."""
    settings = book.settings
    words = parts(book)
    source_digests = {part: digest(lines) for part, lines in parts(source).items()} if source is not None else {}
    records = read_records(project, settings, book.language, tuple(words), problems)
    order = [role.id for role in settings.roles]
    found = []
    for part, lines in words.items():
        record = records.get(part)
        now = digest(lines)
        current, stale = [], []
        for approval in sorted(record.approvals if record else (), key=lambda a: _rank(order, a.role)):
            if approval.words != now:
                stale.append((approval, STALE_WORDS))
            elif part in source_digests and approval.source_words != source_digests[part]:
                stale.append((approval, STALE_SOURCE))
            else:
                current.append(approval)
        found.append(Status(book.language, part, part_location(project, book, part), tuple(lines),
                            settings.roles_required(book.language), tuple(current), tuple(stale), record))
    return found


def check_approvals(found: list[Status], source_language: str, problems: Problems) -> None:
    """Record every part whose required approvals are missing or stale, with how to approve it again."""
    for status in found:
        for role in status.missing:
            lost = next((item for item in status.stale if item[0].role == role), None)
            command = approve_command(status, role, lost[0].by if lost else None)
            if lost is None:
                problems.add(status.location, f"not approved yet in the role {role}, which the book's policy "
                             f"requires for a patient edition; approve it with {command}, or build a draft")
                continue
            approval, why = lost
            what = "changed" if why == STALE_WORDS else \
                f"the {source_language} words it translates changed ({_source_path(status, source_language)})"
            problems.add(status.location, f"{what} since {approval.by} ({role}) approved it on "
                         f"{approval.on.isoformat()}; approve it again with {command} or build a draft")


def approve_command(status: Status, role: str, by: str | None = None) -> str:
    """Return the command that records an approval of a part."""
    return (f"handbook approve --chapter {status.part} --language {status.language} "
            f"--by {shlex.quote(by) if by else 'NAME'} --role {role}")


def current_approvals(found: list[Status]) -> tuple[Approval, ...]:
    """Return the current approvals of every part, in the book's order, as the colophon prints them."""
    return tuple(Approval(status.part, approval.role, approval.by, approval.on, approval.location)
                 for status in found for approval in status.current)


def part_location(project: Project, book: Book, part: str) -> Location:
    """Return where a message about a part points: its file's first line."""
    if part == BOOK:
        return Location(project.book_file, 1)
    if part == SOURCES:
        return Location(project.sources_file, 1)
    if part == CLINIC:
        return Location(project.clinic_defaults(book.language), 1)
    chapter = next(chapter for chapter in book.chapters if chapter.id == part)
    return Location(chapter.location.path, max(chapter.location.line, 1))


def _source_path(status: Status, source_language: str) -> Path:
    path = status.location.path
    if status.part in (BOOK, SOURCES):
        return path
    return path.parent.parent / source_language / path.name


def _rank(order: list[str], role: str) -> int:
    return order.index(role) if role in order else len(order)
