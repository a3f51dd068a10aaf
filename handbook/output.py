"""Write outputs so that a failed or killed build never leaves a half-written file behind.

Each file is written to a temporary name beside its place and renamed over it, so a
reader (or a build killed at any moment) sees the old file or the new one, never a mix.
One build at a time writes into an output folder; the next one clears what a killed
build left.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import HandbookError, Location, Problem

LOCK_FILE = ".handbook.lock"
TEMPORARY_SUFFIX = ".tmp"


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then rename it into place."""
    temporary = _write_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def kept(path: Path | None, make: Callable[[], bytes]) -> bytes:
    """Return what a cache file holds, or make it and keep it there for the next build.

    For files named by a hash of everything that makes them (under build/.cache/, safe to
    delete): a kept file is then the fresh result. With no path, or a cache that cannot be
    written, the bytes are made and simply not kept: a missed saving, never an error.
    """
    if path is not None and path.is_file():
        return path.read_bytes()
    data = make()
    if path is not None:
        with contextlib.suppress(OSError):
            write_atomically(path, data)
    return data


def write_together(files: list[tuple[Path, bytes]]) -> None:
    """Write a job's outputs: every one to a temporary file first, then all renamed into place.

    The renames follow one another at once, so a build killed while writing leaves the
    outputs of a job all old or all new, but for that instant. A file that cannot be
    written raises HandbookError naming it, and keeps its last good bytes.
    """
    temporaries: list[tuple[Path, Path]] = []
    current = None
    try:
        for current, data in files:
            temporaries.append((_write_temporary(current, data), current))
        for temporary, current in temporaries:
            os.replace(temporary, current)
    except OSError as error:
        raise write_error(current, error) from None
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)  # only those not renamed are still there


def _write_temporary(path: Path, data: bytes) -> Path:
    """Write data to a new temporary file beside path, on disk before it returns."""
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


def write_folder_atomically(path: Path, files: dict[str, bytes]) -> None:
    """Write a folder of files (a web site) beside path, then swap it into place whole.

    Where the system can exchange two names in one step (Linux renameat2), a reader sees
    the old site or the new one, never a mix; elsewhere the old one is moved aside first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX))
    try:
        for name, data in sorted(files.items()):
            target = temporary / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(target, 0o644)
        for folder in [temporary, *(p for p in temporary.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)
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
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step where the system can; tell whether it did."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def digest(path: Path) -> tuple[str, int]:
    """Return the SHA-256 and size of an output: a file's bytes, or a folder's files and names."""
    if not path.is_dir():
        data = path.read_bytes()
        return hashlib.sha256(data).hexdigest(), len(data)
    return folder_digest({p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()})


def folder_digest(files: dict[str, bytes]) -> tuple[str, int]:
    """Return the SHA-256 of a folder's files (each name with its bytes' hash) and their total size."""
    listing = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))
    return hashlib.sha256(listing.encode()).hexdigest(), sum(len(data) for data in files.values())


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
            if path.is_dir() and not path.is_symlink():
                _restore_moved_aside(path)
                shutil.rmtree(path)
            else:
                path.unlink()
    for path in (out / ".cache" / "templates").glob("*.tmp"):  # Jinja's own, named its own way
        with contextlib.suppress(OSError):
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


def write_error(path: Path, error: OSError) -> HandbookError:
    """Return the user's error for an output file that could not be written."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "cannot write this file (it, or its folder, is read-only or not yours); the last good one is kept"
    else:
        why = _why(error)
    return HandbookError([Problem(Location(path, 0), why)])
