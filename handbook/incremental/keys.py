"""What the handbook's own code and the installed libraries are, as hashes for cache keys.

A kept result (a checked book, a page map, a manifest entry) is only reused while the code
that made it is the same: the handbook package's files, and every library's name and version.
"""
from __future__ import annotations

import functools
import hashlib
import os
import sysconfig
from pathlib import Path

from .. import __version__

PACKAGE = Path(__file__).parents[1]


def code_files() -> list[Path]:
    """Return the handbook package's code and schemas."""
    return [path for path in sorted(PACKAGE.rglob("*"))
            if path.suffix in (".py", ".json") and "__pycache__" not in path.parts]


@functools.cache
def code_hash() -> str:
    """Return the version of the handbook package and a hash of its code and schemas."""
    digest = hashlib.sha256(__version__.encode())
    for path in code_files():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


@functools.cache
def libraries() -> str:
    """Return every installed library's name and version, as their metadata folders spell them.

    One folder listing, where importlib.metadata would cost more than the rest of a warm
    e-book build's imports."""
    folders = dict.fromkeys(sysconfig.get_paths()[kind] for kind in ("purelib", "platlib"))
    names = []
    for folder in folders:
        try:
            names += [name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return " ".join(sorted(names))
