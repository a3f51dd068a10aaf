"""Open the files a book is made of as data: regular files only, never waiting on a pipe.

A named pipe (FIFO) where `book.yaml` belongs makes a plain `open()` wait for a writer
for ever, and a device such as /dev/zero never ends. Every input is therefore opened
with O_NONBLOCK, which a regular file ignores, and refused unless it is a regular file
(S_ISREG). The loaders, the checks, the theme's templates and every store of the cache read through here.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegularFileError(OSError):
    """A folder, a device or a pipe where a file belongs."""

    def __init__(self, path: Path | str, mode: int):
        self.is_folder = stat.S_ISDIR(mode)
        what = "is a folder, not a file" if self.is_folder else "is not a file (a device or a pipe)"
        super().__init__(errno.EISDIR if self.is_folder else errno.EINVAL, what, str(path))


def open_regular(path: Path | str, follow: bool = True) -> BinaryIO:
    """Return a regular file opened for reading; raise OSError (NotRegularFileError for anything else).
    Without `follow`, a link is refused too (what build/.cache/ holds is never a link)."""
    handle = os.open(path, _FLAGS if follow else _FLAGS | os.O_NOFOLLOW)
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(path, mode)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_regular(path: Path | str, limit: int | None = None, follow: bool = True) -> bytes:
    """Return a regular file's bytes, at most `limit` + 1 of them; raise OSError as open_regular does."""
    with open_regular(path, follow) as file:
        return file.read() if limit is None else file.read(limit + 1)


def read_within(path: Path | str, limit: int, follow: bool = True) -> bytes:
    """Return a regular file's bytes; raise OSError if there are more than `limit`."""
    data = read_regular(path, limit, follow)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"is larger than {limit} bytes", str(path))
    return data


def unreadable(error: OSError) -> str:
    """Return why a file could not be read, in the words of a `path: message` line."""
    if isinstance(error, NotRegularFileError):
        return error.strerror or ""
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if error.errno == errno.ELOOP:
        return "is a link that leads back to itself (a loop of links)"
    if isinstance(error, FileNotFoundError):
        return "does not exist"
    return f"cannot read the file: {error.strerror or error}"
