"""The one key recipe for everything a build keeps, and the secret that signs what it keeps.

Every kept thing (a checked book, a page map, an output, a cover, a font, a compiled
catalogue) is found by `key(kind, *parts)`: a hash of what it is made from, which always
includes the handbook's own code and the installed libraries' versions, so that no code
change or upgrade ever reuses what older code made.

build/.cache/ is data a stranger may have written (a CI cache restored from another branch):
so every record a store writes is signed with an HMAC whose key is kept outside the book and
its outputs (`secret()`), and a record that does not verify is never used (store.py).
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import hmac
import json
import os
import sysconfig
from pathlib import Path

from .. import __version__

PACKAGE = Path(__file__).parents[1]

SECRET_VARIABLE = "HANDBOOK_CACHE_KEY"
"""An environment variable that gives the signing secret (CI jobs that share a cache set it
from a secret of their own); otherwise a random one is kept in the user's cache folder."""


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
    """Return every installed library's name and version, as their metadata folders spell them,
    and Pango's version, which shapes every line WeasyPrint lays out.

    One folder listing, where importlib.metadata would cost more than the rest of a warm
    e-book build's imports; Pango is asked without importing WeasyPrint (half a second)."""
    folders = dict.fromkeys(sysconfig.get_paths()[kind] for kind in ("purelib", "platlib"))
    names = []
    for folder in folders:
        try:
            names += [name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return " ".join(sorted(names)) + f" pango {_pango_version()}"


def _pango_version() -> str:
    for name in ("libpango-1.0.so.0", "libpango-1.0.0.dylib", "libpango-1.0-0.dll", "pango-1.0"):
        try:
            return str(ctypes.CDLL(name).pango_version())
        except (OSError, AttributeError):
            continue
    from weasyprint.text.ffi import pango  # where the names above do not find it

    return str(pango.pango_version())


def key(kind: str, *parts: object) -> str:
    """Return the key of a kept thing: a hash of its kind, its parts, the code and the libraries.

    Parts are bytes, strings or anything JSON writes; each is framed by its length, so
    that no two different lists of parts make the same key."""
    digest = hashlib.sha256()
    for part in (kind, code_hash(), libraries(), *parts):
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = json.dumps(part, sort_keys=True, default=str).encode()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()[:40]


@functools.cache
def secret() -> bytes:
    """Return the key that signs the stores' records: never kept in the book or its outputs.

    HANDBOOK_CACHE_KEY if set; else a random key made once and kept, readable by the user
    alone, in $XDG_CACHE_HOME/handbook/ (~/.cache/handbook/); else, where nothing can be kept
    there, a key for this process alone (a build then finds nothing kept by another one)."""
    given = os.environ.get(SECRET_VARIABLE)
    if given:
        return hashlib.sha256(given.encode()).digest()
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "handbook"
    path = folder / "cache-key"
    try:
        data = _read_key(path)
        if data is None:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            except FileExistsError:  # another build made it first
                data = _read_key(path)
            else:
                data = os.urandom(32)
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
        if data is not None:
            return data
    except (OSError, RuntimeError):
        pass
    return os.urandom(32)


def _read_key(path: Path) -> bytes | None:
    """Return a kept key, if the file is the user's own, private, and whole."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    with os.fdopen(handle, "rb") as file:
        status = os.fstat(file.fileno())
        mine = os.getuid() if hasattr(os, "getuid") else status.st_uid  # POSIX; elsewhere the folder's rights
        if status.st_uid != mine or status.st_mode & 0o077 or status.st_size != 32:
            raise OSError("the cache key is not the user's own, or not private")
        return file.read()


def sign(data: bytes) -> str:
    """Return the signature of a record."""
    return hmac.new(secret(), data, hashlib.sha256).hexdigest()


def verify(data: bytes, signature: object) -> bool:
    """Tell whether a record carries its own signature."""
    return isinstance(signature, str) and hmac.compare_digest(sign(data), signature)
