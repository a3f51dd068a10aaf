"""Keep the checked book between builds, as Sphinx keeps its environment, as JSON data.

prepare() reads and checks every file: YAML, schemas, citations, the glossary, every
character against the fonts, every picture. That is about a second for this handbook,
most of an e-book build. So a build keeps what prepare() returned in the `book` store
(store.py), as JSON data (codec.py), with a list of everything it read: each file opened,
with the hash of its bytes and where it really is, and each folder whose listing could
change the result, with that listing. The next build with the same request reuses the kept
book only if every one of those files and listings is as it was; else it prepares the book
afresh. So a kept book is always the one prepare() would return now, mistakes included: a
book with a mistake is never kept, and its build runs the checks that name it. Nor is a book
whose files were saved while it was being read, since what was read may not be what was
hashed. `--force` (`fresh`) reads nothing kept.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..collector import collector_paused
from ..errors import HandbookError
from ..load.safeopen import read_regular
from ..output import check_writable
from ..project import Project
from .keys import PACKAGE, key
from .store import Store

if TYPE_CHECKING:
    from ..prepare import Handbook

VERSION = 2
"""Bump when what an entry holds changes; older entries are never matched."""


def prepare_kept(project: Project, languages: tuple[str, ...] | None = None, clinic_files: tuple[Path, ...] = (),
                 draft: bool = False, fresh: bool = False, check_approvals: bool = True) -> Handbook:
    """Return prepare()'s checked book, reused from an earlier build whose inputs were the same."""
    from ..prepare import Handbook

    store = Store(project.cache, "book", VERSION, limit=8, suffix=".json.data")
    request = _request_key(project, languages, clinic_files, (draft, check_approvals))
    out = os.path.realpath(project.out)
    if not fresh:
        kept = store.get(request)
        if kept is not None and _unchanged(kept.meta, out):
            from .codec import Codec

            try:
                handbook = Codec().loads(kept.data)
            except (ValueError, TypeError, KeyError, RecursionError):
                handbook = None
            if isinstance(handbook, Handbook):
                return handbook
    from ..prepare import prepare
    from .depfile import listed_folders

    started = time.time_ns()
    with _recording(project.cache) as opened:
        handbook = prepare(project, languages, clinic_files, draft=draft, check_approvals=check_approvals,
                           cache=None if fresh else project.cache)
    folders = {*listed_folders(handbook), *(Path(name).parent for name in opened["files"]),
               *map(Path, opened["folders"])}
    meta: dict[str, Any] = {"files": {name: _file_state(name) for name in sorted(opened["files"])},
            "folders": {str(folder): _listing(folder, out) for folder in sorted(folders)}}
    handbook = dataclasses.replace(handbook, read_from=hashlib.sha256(repr([request, meta]).encode()).hexdigest())
    if _changed_since(started, [*meta["files"], *meta["folders"]]):
        return handbook  # saved while it was being read: what was read may not be what was hashed
    try:
        check_writable(project.out)  # a build folder that cannot be written gets nothing, not even this
    except HandbookError:
        return handbook  # the build says why, in its one sentence
    from ..analyse.glyphs import keep_coverage
    from .codec import Codec

    keep_coverage()

    store.put(request, Codec().dumps(handbook), meta)
    return handbook


def _unchanged(meta: dict[str, Any], out: str) -> bool:
    """Tell whether every file and folder a kept book was made from is as it was."""
    try:
        if any(_file_state(name) != (list(state) if state else None) for name, state in meta["files"].items()):
            return False
        return all(_listing(Path(folder), out) == ([list(entry) for entry in listing] if listing is not None else None)
                   for folder, listing in meta["folders"].items())
    except (TypeError, AttributeError, KeyError):
        return False


def _changed_since(started: int, names: list[str]) -> bool:
    """Tell whether any of these files or folders was changed (or is gone) since a moment."""
    for name in names:
        try:
            if os.stat(name).st_mtime_ns >= started:
                return True
        except OSError:
            continue  # a file looked for and not there: its folder's listing says if it appears
    return False


def _request_key(project: Project, languages: tuple[str, ...] | None, clinic_files: tuple[Path, ...],
                 options: tuple[bool, bool]) -> str:
    """Return the key of what prepare() depends on besides the files: the request, the dates the
    content is checked against and the outputs carry, and the working folder relative names
    resolve in (the code and libraries are in every key)."""
    from ..dates import check_date

    return key("book", VERSION, sys.version, os.getcwd(), str(project.root), str(project.out), languages,
               [str(path) for path in clinic_files], options, check_date().isoformat(),
               os.environ.get("SOURCE_DATE_EPOCH"))


def _file_state(name: str) -> list[str] | None:
    """Return where a file really is and the hash of its bytes (None if it is not a readable
    regular file: a pipe is never opened for reading, which would wait for ever)."""
    try:
        return [os.path.realpath(name), hashlib.sha256(read_regular(name)).hexdigest()]
    except OSError:
        return None


def _listing(folder: Path, out: str) -> list[list[str]] | None:
    """Return a folder's entries, each with what it is (a new chapter or a file turned into a
    link counts as a change), or None if it is not a folder. The output folder is left out:
    the build itself makes it, in the book folder by default."""
    try:
        with os.scandir(folder) as entries:
            return sorted([entry.name, "link" if entry.is_symlink() else "folder" if entry.is_dir() else "file"]
                          for entry in entries if os.path.realpath(entry.path) != out)
    except OSError:
        return None


_opened: dict[str, set[str]] | None = None
"""While prepare() runs for a kept book: the files it opens and the folders it lists."""
_hooked = False
"""Whether `_audit` is installed (once a process)."""


def _audit(event: str, args: tuple[Any, ...]) -> None:
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
def _recording(cache: Path) -> Iterator[dict[str, set[str]]]:
    """Record every file opened and folder listed in the block (PEP 578 audit events), but
    those in the cache folder: what is kept there is keyed by what it was made from (the
    fonts' characters by the fonts' bytes, which are recorded as they are read).

    The garbage collector is paused meanwhile: a finalizer it would run belongs to an object
    of an earlier build in the same process (the preview, the tests), and what it opens is
    not the book's. WeasyPrint's font configuration, collected, opens its temporary folder in
    /tmp to remove it, which made /tmp an input of the kept book."""
    global _opened, _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # a hook stays for the process: it does nothing outside this block
        _hooked = True
    _opened = {"files": set(), "folders": set()}
    try:
        with collector_paused():
            yield _opened
    finally:
        recorded, _opened = _opened, None
        # Python's own files, the libraries' and the handbook's are what imports read: the keys cover them.
        python = tuple(os.path.join(os.path.realpath(prefix), "") for prefix in
                       {sys.prefix, sys.base_prefix, str(PACKAGE), str(cache)})
        for kind in ("files", "folders"):
            recorded[kind] = {name for name in recorded[kind] if "__pycache__" not in name
                              and not os.path.realpath(name).startswith(python)}
