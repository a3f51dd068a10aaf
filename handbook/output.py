"""Write outputs so that a failed or killed build never leaves a half-written file behind.

Each file is written to a temporary name beside its place and renamed over it, so a
reader (or a build killed at any moment) sees the old file or the new one, never a mix.
One build at a time writes into an output folder; the next one clears what a killed
build left.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import HandbookError, Location, Problem

LOCK_FILE = ".handbook.lock"
TEMPORARY_SUFFIX = ".tmp"


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then rename it into place."""
    temporary = _stage(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_all_atomically(files: list[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary name first, then rename them all into place.

    A disk that fills up, or a folder that cannot be written, fails before any file is
    replaced, so the outputs of one edition are all new or all as they were; the error
    is one sentence naming the folder (HandbookError).
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            try:
                staged.append((_stage(path, data), path))
            except OSError as error:
                raise write_error(path.parent, error) from None
        for temporary, path in staged:
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise write_error(path.parent, error) from None
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)  # renamed ones are gone already


def _stage(path: Path, data: bytes) -> str:
    """Write data to a new temporary file beside path and return its name; nothing is left if this fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # the rename must never land before the bytes do
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


@contextlib.contextmanager
def output_folder(out: Path) -> Iterator[None]:
    """Hold the output folder for one build: wait for any other build, then clear what a killed one left."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise HandbookError([Problem(Location(out, 0), _why(error))]) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"handbook: another build is writing to {out}; waiting for it to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        remove_temporaries(out)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def remove_temporaries(out: Path) -> None:
    """Delete the temporary files a killed build left in the output folder."""
    for path in out.rglob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(OSError):
            path.unlink()


def check_writable(folder: Path) -> None:
    """Fail with one sentence if nothing can be written into a folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".probe.", suffix=TEMPORARY_SUFFIX)
        os.close(handle)
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


def write_error(path: Path, error: OSError) -> HandbookError:
    """Return the user's error for an output that could not be written."""
    return HandbookError([Problem(Location(path, 0), _why(error))])
