"""`handbook approve` and `handbook approvals`: record who approved which words, and say where each part stands.

Both load the book as a build does (the approvals check aside), work out each part's words
(analyse/words.py) and read its record (load/approvals.py). `approve` writes the records,
each whole or not at all, after every check has passed; `approvals` changes nothing.
"""
from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass

from .analyse.approvals import STALE_WORDS, Status, statuses
from .analyse.words import BOOK, CLINIC, PART_NAMES, SOURCES, digest, parts, text
from .errors import HandbookError, Location, Problem, Problems
from .load.approvals import Record, Recorded, record_path, write_record
from .prepare import Handbook, prepare
from .project import Project

CONTEXT = 6
"""Unchanged words shown on each side of a change in a word diff."""


@dataclass(frozen=True)
class Approving:
    """What `handbook approve` records: in a language, some parts (None: every one), by whom, in which role, when."""

    language: str | None
    parts: tuple[str, ...] | None
    by: str
    role: str
    on: datetime.date | None = None


def load(project: Project, languages: tuple[str, ...] | None, draft: bool,
         need_policy: bool = True) -> tuple[Handbook | None, dict[str, list[Status]]]:
    """Return the checked book in these languages (every one: None) and the one they are translated
    from, and where each part of each stands."""
    from .load.settings import load_settings
    from .theme import load_theme

    problems = Problems()
    theme = problems.checked(load_theme(project, problems))
    settings = problems.checked(load_settings(project, tuple(theme.layouts), problems))
    if not settings.roles and not need_policy:
        return None, {}
    if not settings.roles:
        raise _error(settings.location, "the book file has no approvals policy; add policy: approvals: roles: "
                     "... (docs/approvals.md)")
    codes = [language.code for language in settings.languages]
    for code in languages or ():
        if code not in codes:
            raise _argument(f"--language {code!r}: the book has no such language; it has: {', '.join(codes)}")
    wanted = tuple(dict.fromkeys((codes[0], *(languages or codes))))
    handbook = prepare(project, wanted, draft=draft, check_approvals=False)
    first = handbook.books[codes[0]]
    found = {code: statuses(project, book, first if code != codes[0] else None, problems)
             for code, book in handbook.books.items()}
    problems.raise_if_any()
    return handbook, found


def approve(project: Project, request: Approving) -> list[str]:
    """Record an approval of the current words of each part asked for; return what was done, a line each."""
    from .confine import check_kind

    language = request.language
    handbook, found = load(project, (language,) if language else None, draft=False)
    assert handbook is not None
    settings = handbook.settings
    language = language or settings.languages[0].code
    by = " ".join(request.by.split())
    if not by or any(ord(character) < 32 for character in request.by.replace("\n", " ")):
        raise _argument("--by: give the name of who approved, such as --by 'Dr Ana Ruiz'")
    if settings.role(request.role) is None:
        known = ", ".join(role.id for role in settings.roles)
        raise _argument(f"--role {request.role!r}: the book file's policy lists no such role"
                        f"{_close(request.role, [role.id for role in settings.roles])}; it lists: {known}")
    today = datetime.date.today()  # the day it is recorded, not SOURCE_DATE_EPOCH's: a record says when
    on = request.on or today
    if on > today:
        raise _argument(f"--on {on.isoformat()}: an approval cannot be dated after today ({today.isoformat()})")
    by_part = {status.part: status for status in found[language]}
    for part in request.parts or ():
        if part not in by_part:
            raise _argument(f"--chapter {part!r}: no such part in {language!r}{_close(part, list(by_part))}; the "
                            f"parts are the chapters and {BOOK}, {SOURCES} and {CLINIC}")
    chosen = [by_part[part] for part in request.parts or by_part]
    problems = Problems()
    check_kind("approvals", [record_path(project, language, status.part) for status in chosen], project, problems)
    problems.raise_if_any()
    first = settings.languages[0].code
    source = parts(handbook.books[first]) if language != first else {}
    order = [role.id for role in settings.roles]
    done = []
    for status in chosen:
        words = digest(list(status.lines))
        source_words = digest(source[status.part]) if status.part in source else None
        record = status.record or Record(record_path(project, language, status.part), status.part)
        kept = record.approval(request.role)
        if kept is not None and (kept.words, kept.source_words, kept.by) == (words, source_words, by):
            done.append(f"{language} {status.part}: already approved by {by} ({request.role}) on "
                        f"{kept.on.isoformat()}; nothing recorded")
            continue
        approval = Recorded(request.role, by, on, words, source_words, Location(record.path, 0))
        record.approvals = sorted([item for item in record.approvals if item.role != request.role] + [approval],
                                  key=lambda item: order.index(item.role) if item.role in order else len(order))
        record.words[words] = text(list(status.lines))
        if source_words is not None:  # kept too, so that `approvals` can show what changed in them
            record.words[source_words] = text(source[status.part])
        write_record(record, _what(project, language, status.part), language)
        done.append(f"{language} {status.part}: recorded the approval by {by} ({request.role}) on {on.isoformat()} "
                    f"-> {record.path.relative_to(project.root).as_posix()}")
    return done


def report(project: Project, languages: tuple[str, ...] | None) -> tuple[list[str], int]:
    """Return the lines that say where every part stands, and how many parts are not approved."""
    handbook, found = load(project, languages, draft=True, need_policy=False)
    if handbook is None:
        return ["handbook: the book file has no approvals policy (policy: approvals:), so no approval is needed "
                "to build its editions; see docs/approvals.md"], 0
    first = handbook.settings.languages[0].code
    source = {status.part: status for status in found[first]}
    lines, waiting = [], 0
    for language, found_here in found.items():
        if languages is not None and language not in languages:
            continue
        counts: dict[str, int] = {}
        for status in found_here:
            state = _state(status)
            counts[state] = counts.get(state, 0) + 1
            waiting += state != "approved"
            lines.append(f"{language}  {state:<11} {status.part:<20} {_summary(status)}")
            for approval, why in status.stale:
                words = _approved_words(status, approval, why, source.get(status.part))
                lines.append(f"    {_stale(approval, why, first)}")
                lines += [f"      {line}" for line in words]
        lines.append(f"{language}: " + ", ".join(f"{count} {state}" for state, count in counts.items()))
    return lines, waiting


def _state(status: Status) -> str:
    if status.approved:
        return "approved"
    if status.stale:
        return "changed"
    return "waiting" if status.current else "unapproved"


def _summary(status: Status) -> str:
    said = "; ".join(f"{item.role}: {item.by}, {item.on.isoformat()}" for item in status.current)
    if status.missing:
        said += ("; " if said else "") + "needs " + ", ".join(status.missing)
    return said or "never approved (the policy requires no role)"


def _stale(approval: Recorded, why: str, first: str) -> str:
    what = "changed" if why == STALE_WORDS else f"the {first} words it translates changed"
    return f"{what} since {approval.by} ({approval.role}) approved it on {approval.on.isoformat()}:"


def _approved_words(status: Status, approval: Recorded, why: str, source: Status | None) -> list[str]:
    """Return the word diff between what an approval approved and the words now."""
    if why == STALE_WORDS:
        assert status.record is not None
        return word_diff(status.record.words[approval.words], text(list(status.lines)))
    assert status.record is not None and source is not None
    return word_diff(status.record.words[approval.source_words or ""], text(list(source.lines)))


def word_diff(old: str, new: str) -> list[str]:
    """Return the lines that differ, each with [-removed-] and {+added+} words, as `git diff --word-diff` shows them."""
    before, after = old.split("\n"), new.split("\n")
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(before[i1:i2], after[j1:j2], strict=False)) if tag == "replace" else []
        lines += [_word_diff(old_line, new_line) for old_line, new_line in pairs]
        lines += [f"[-{line}-]" for line in before[i1 + len(pairs):i2]]
        lines += [f"{{+{line}+}}" for line in after[j1 + len(pairs):j2]]
    return lines


def _word_diff(old: str, new: str) -> str:
    before, after = old.split(" "), new.split(" ")
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    shown = []
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = before[i1:i2]
            first, last = number == 0, number == len(opcodes) - 1
            if len(words) > 2 * CONTEXT + 1 or (first or last) and len(words) > CONTEXT + 1:
                head = words[:1] if first else words[:CONTEXT]  # a line's first word is its kind: kept
                tail = [] if last else words[-CONTEXT:]
                words = head + ["…"] + tail
            shown.append(" ".join(words))
            continue
        removed = f"[-{' '.join(before[i1:i2])}-]" if i2 > i1 else ""
        added = f"{{+{' '.join(after[j1:j2])}+}}" if j2 > j1 else ""
        shown.append(removed + added)
    return " ".join(shown)


def _what(project: Project, language: str, part: str) -> str:
    files = {BOOK: project.book_file, SOURCES: project.sources_file, CLINIC: project.clinic_defaults(language)}
    path = files.get(part, project.chapter_file(language, part)).relative_to(project.root).as_posix()
    return f"{PART_NAMES[part]} in {path}" if part in PART_NAMES else path


def _close(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _argument(message: str) -> HandbookError:
    from .build import argument_error

    return argument_error(message)


def _error(location: Location, message: str) -> HandbookError:
    return HandbookError([Problem(location, message)])
