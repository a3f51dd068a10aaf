"""Keep the checked book between builds, as Sphinx keeps its pickled environment.

prepare() reads and checks every file: YAML, schemas, citations, the glossary, every
character against the fonts, every picture. That is about a second for this handbook,
most of an e-book build. So a build keeps what prepare() returned under build/.cache/book/
(safe to delete), with a list of everything it read: each file opened, with the hash of
its bytes and where it really is, and each folder whose listing could change the result,
with that listing. The next build with the same request reuses the kept book only if every
one of those files and listings is as it was; else it prepares the book afresh. So a kept
book is always the one prepare() would return now, mistakes included: a book with a
mistake is never kept, and its build runs the checks that name it. Nor is a book whose
files were saved while it was being read, since what was read may not be what was hashed.

The pickle holds only the book's own data. Like every cache, it is trusted as the user's
own: build/ is theirs, and a pickle there runs no code of anyone else's.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path

from ..checked import Handbook, check_date
from ..errors import HandbookError
from ..output import check_writable, write_atomically
from ..project import Project
from .keys import code_hash, libraries

FORMAT = 1
"""Bump when what an entry holds changes; older entries are ignored."""

KEEP = 8
"""How many kept books a build folder holds (one per request: languages, clinic files, draft)."""


def prepare_kept(project: Project, languages: tuple[str, ...] | None = None, clinic_files: tuple[Path, ...] = (),
                 draft: bool = False) -> Handbook:
    """Return prepare()'s checked book, reused from an earlier build whose inputs were the same."""
    request = _request_key(project, languages, clinic_files, draft)
    path = project.cache / "book" / f"{request}.pickle"
    out = os.path.realpath(project.out)
    kept = _read(path, out)
    if kept is not None:
        return kept
    from .depfile import listed_folders
    from ..prepare import prepare

    started = time.time_ns()
    with _recording() as opened:
        handbook = prepare(project, languages, clinic_files, draft=draft)
    folders = {*listed_folders(handbook), *(Path(name).parent for name in opened["files"]), *map(Path, opened["folders"])}
    entry = {"format": FORMAT, "files": {name: _file_state(name) for name in sorted(opened["files"])},
             "folders": {str(folder): _listing(folder, out) for folder in sorted(folders)}}
    handbook = dataclasses.replace(handbook, read_from=hashlib.sha256(repr([request, entry]).encode()).hexdigest())
    entry["handbook"] = handbook
    if _changed_since(started, [*entry["files"], *entry["folders"]]):
        return handbook  # saved while it was being read: what was read may not be what was hashed
    try:
        check_writable(project.out)  # a build folder that cannot be written gets nothing, not even this
    except HandbookError:
        return handbook  # the build says why, in its one sentence
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        _write(path, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    return handbook


def _read(path: Path, out: str) -> Handbook | None:
    """Return a kept book if every file and folder it was made from is as it was."""
    try:
        entry = pickle.loads(path.read_bytes())
        if entry["format"] != FORMAT:
            return None
        if any(_file_state(name) != state for name, state in entry["files"].items()):
            return None
        if any(_listing(Path(folder), out) != listing for folder, listing in entry["folders"].items()):
            return None
        handbook = entry["handbook"]
    except Exception:  # missing, damaged or from other code: prepare afresh, which names any real mistake
        return None
    return handbook if isinstance(handbook, Handbook) else None


def _write(path: Path, data: bytes) -> None:
    write_atomically(path, data)
    kept = sorted(path.parent.glob("*.pickle"), key=lambda other: other.stat().st_mtime_ns, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)


def _changed_since(started: int, names: list[str]) -> bool:
    """Tell whether any of these files or folders was changed (or is gone) since a moment."""
    for name in names:
        try:
            if os.stat(name).st_mtime_ns >= started:
                return True
        except OSError:
            continue  # a file looked for and not there: its folder's listing says if it appears
    return False


def _request_key(project: Project, languages, clinic_files, draft: bool) -> str:
    """Return a hash of what prepare() depends on besides the files: the request, the date the
    content is checked against, the working folder relative names resolve in, and the code."""
    parts = [FORMAT, sys.version, os.getcwd(), str(project.root), str(project.out),
             languages, tuple(map(str, clinic_files)), draft, check_date().isoformat(), code_hash(), libraries()]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _file_state(name: str) -> tuple[str, str] | None:
    """Return where a file really is and the hash of its bytes (None if it is not a readable file)."""
    try:
        with open(name, "rb") as file:
            return os.path.realpath(name), hashlib.sha256(file.read()).hexdigest()
    except OSError:
        return None


def _listing(folder: Path, out: str) -> list[tuple[str, str]] | None:
    """Return a folder's entries, each with what it is (a new chapter or a file turned into a
    link counts as a change), or None if it is not a folder. The output folder is left out:
    the build itself makes it, in the book folder by default."""
    try:
        with os.scandir(folder) as entries:
            return sorted((entry.name, "link" if entry.is_symlink() else "folder" if entry.is_dir() else "file")
                          for entry in entries if os.path.realpath(entry.path) != out)
    except OSError:
        return None


_opened: dict[str, set[str]] | None = None
"""While prepare() runs for a kept book: the files it opens and the folders it lists."""


def _audit(event: str, args: tuple) -> None:
    if _opened is None:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path, mode, flags = args
        writes = any(letter in mode for letter in "wax+") if isinstance(mode, str) else \
            bool((flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if not writes:
            _opened["files"].add(os.fsdecode(path))
    elif event in ("os.listdir", "os.scandir") and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened["folders"].add(os.fsdecode(args[0]))


@contextlib.contextmanager
def _recording():
    """Record every file opened and folder listed in the block (PEP 578 audit events)."""
    global _opened
    if not getattr(_audit, "installed", False):
        sys.addaudithook(_audit)  # a hook stays for the process: it does nothing outside this block
        _audit.installed = True
    _opened = {"files": set(), "folders": set()}
    try:
        yield _opened
    finally:
        recorded, _opened = _opened, None
        # Python's own files and the libraries' are what imports read: the code hash covers them.
        python = tuple(os.path.join(os.path.realpath(prefix), "") for prefix in {sys.prefix, sys.base_prefix})
        for kind in ("files", "folders"):
            recorded[kind] = {name for name in recorded[kind] if "__pycache__" not in name
                              and not os.path.realpath(name).startswith(python)}
