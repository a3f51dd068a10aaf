"""Write outputs so that a failed or killed build never leaves a half-written file behind.

Every output is first written to a temporary name beside its place (staged); only when
every job of a build has succeeded are they all renamed into place, one after another
(`commit`), so a failing job leaves every output as it was. A reader, or a build killed at
any moment, sees each file old or new, never a mix; a build killed in the instant between
two renames can leave some outputs new and others old, which the next build repairs.
One build at a time writes into an output folder; the next one clears what a killed
build left.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import HandbookError, Location, Problem

LOCK_FILE = ".handbook.lock"
TEMPORARY_SUFFIX = ".handbook-tmp"
"""Ends the name of every temporary file or folder the tool makes, and nothing else: the
only names it ever removes from an output folder."""
SITE_MARKER = ".handbook-site"
"""An empty file in every web edition's folder: a folder without it is not the tool's to replace."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then rename it into place."""
    temporary = stage_file(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def stage_file(path: Path, data: bytes) -> Path:
    """Write data to a new temporary file beside path, on disk before it returns; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # the rename must never land before the bytes do
        os.chmod(temporary, 0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def stage_folder(path: Path, files: dict[str, bytes]) -> Path:
    """Write a folder of files (a web site) beside path, marked as the tool's; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX))
    try:
        for name, data in sorted({**files, SITE_MARKER: b""}.items()):
            target = temporary / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(target, 0o644)
        for folder in [temporary, *(p for p in temporary.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return temporary


@dataclass(frozen=True)
class Staged:
    """An output written to a temporary name, waiting to be renamed into place."""

    temporary: Path
    path: Path


def commit(staged: list[Staged], replaceable: Collection[Path] = frozenset()) -> None:
    """Rename staged outputs into place, one after another; raise HandbookError for one that cannot be.

    A web edition replaces a folder only if the tool wrote it (it holds SITE_MARKER, or
    `replaceable` names it: a site an earlier build recorded in its manifest)."""
    for item in staged:
        if item.temporary.is_dir() and item.path.exists() and not _replaceable(item.path, replaceable):
            discard(staged)
            raise HandbookError([Problem(Location(item.path, 0), "is not a web edition this tool wrote, so it is "
                                         "not replaced; move it away, or choose another output folder")])
    current = None
    try:
        for item in staged:
            current = item.path
            if item.temporary.is_dir():
                _swap_folder(item.temporary, item.path)
            else:
                os.replace(item.temporary, item.path)
    except OSError as error:
        raise write_error(current, error) from None
    finally:
        discard(staged)  # only those not renamed are still there


def discard(staged: list[Staged]) -> None:
    """Remove the temporaries of outputs that will not be renamed into place."""
    for item in staged:
        with contextlib.suppress(OSError):
            if item.temporary.is_dir() and not item.temporary.is_symlink():
                shutil.rmtree(item.temporary)
            else:
                item.temporary.unlink(missing_ok=True)


def _replaceable(path: Path, replaceable: Collection[Path]) -> bool:
    if path.is_symlink() or not path.is_dir():
        return False
    return (path / SITE_MARKER).is_file() or path in replaceable or not any(path.iterdir())


def _swap_folder(temporary: Path, path: Path) -> None:
    """Put a staged folder in place of path. Where the system can exchange two names in one
    step (Linux renameat2) a reader sees the old site or the new one, never a mix; elsewhere
    the old one is moved aside first."""
    if path.is_dir() and not path.is_symlink() and _exchange(temporary, path):
        shutil.rmtree(temporary)  # now the old site
        return
    if path.is_dir() and not path.is_symlink():
        old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old.", suffix=TEMPORARY_SUFFIX))
        os.replace(path, old / path.name)
        os.replace(temporary, path)
        shutil.rmtree(old)
    else:
        os.replace(temporary, path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step where the system can; tell whether it did."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


@contextlib.contextmanager
def output_folder(out: Path) -> Iterator[None]:
    """Hold the output folder for one build: wait for any other build, then clear what a killed one left."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise HandbookError([Problem(Location(out, 0), _why(error))]) from None
    try:
        if not _lock(handle, wait=False):
            print(f"handbook: another build is writing to {out}; waiting for it to finish", file=sys.stderr)
            _lock(handle, wait=True)
        remove_temporaries(out)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _lock(handle: int, wait: bool) -> bool:
    """Take the output folder's lock; tell whether it was taken (without waiting, it may not be)."""
    if sys.platform == "win32":  # not POSIX: lock the lock file's first byte instead
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def remove_temporaries(out: Path) -> None:
    """Delete the temporary files and folders a killed build left in the output folder (its own names only)."""
    for path in out.rglob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                _restore_moved_aside(path)
                shutil.rmtree(path)
            else:
                path.unlink()


def _restore_moved_aside(temporary: Path) -> None:
    """Put back a site a killed build had moved aside and not yet replaced."""
    if ".old." in temporary.name:
        for moved in temporary.iterdir():
            if not (temporary.parent / moved.name).exists():
                os.replace(moved, temporary.parent / moved.name)


def check_writable(folder: Path) -> None:
    """Fail with one sentence if nothing can be written into a folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".probe.", suffix=TEMPORARY_SUFFIX)
        os.close(handle)
        with contextlib.suppress(FileNotFoundError):  # another build clearing temporaries may have done it
            os.unlink(probe)
    except OSError as error:
        raise HandbookError([Problem(Location(folder, 0), _why(error))]) from None


def _why(error: OSError) -> str:
    """Return why an output folder cannot be written, in one sentence."""
    if error.errno == errno.ENOSPC:
        return "the disk is full; free some space and build again (the last good outputs are kept)"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "cannot write into this folder (it is read-only or not yours); the last good outputs are kept"
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        return "is a file, not a folder; choose another output folder"
    return f"cannot write into this folder: {error.strerror}"


def write_error(path: Path | None, error: OSError) -> HandbookError:
    """Return the user's error for an output file that could not be written."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "cannot write this file (it, or its folder, is read-only or not yours); the last good one is kept"
    else:
        why = _why(error)
    return HandbookError([Problem(Location(path or Path("."), 0), why)])
