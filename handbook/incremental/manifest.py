"""build/manifest.json: every output with its edition, hash, size and pages, and the hash of
every input it was made from; and what changed between two manifests.

A clinic network keeps the manifest of what it printed; `handbook diff` then says which
editions changed, so only those are printed again. The build itself uses it to skip
editions whose inputs have not changed. A draft's entry says `"draft": true`, and `diff`
never lists a draft as changed or ready for print (an older manifest, without the key,
lists no drafts).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import HandbookError, Location, Problem
from ..load.safeopen import read_regular, read_within
from ..output import SITE_MARKER, write_atomically
from .keys import sign, verify

MANIFEST_LIMIT = 64 << 20
"""The most a manifest may hold: a clinic network's thousands of editions take a few megabytes."""

MANIFEST = "manifest.json"
FORMAT = 1
"""Bump when the file layout changes."""


@dataclass(frozen=True)
class Entry:
    """One output as the manifest records it."""

    path: str
    """Relative to the output folder."""
    edition: dict[str, str]
    sha256: str
    size: int
    pages: int | None
    inputs: dict[str, str]
    """Each input (relative to the book folder) and its SHA-256."""
    draft: bool = False
    """A draft, not for patients (written under drafts/)."""

    def as_json(self, inputs_id: str) -> dict[str, Any]:
        """Return the entry as the manifest file holds it, its inputs named by their set's id."""
        return {"path": self.path, "edition": self.edition, "draft": self.draft, "sha256": self.sha256,
                "size": self.size, "pages": self.pages, "inputs": inputs_id}


def _set_id(inputs: dict[str, str]) -> str:
    """Return a short id for a set of inputs: the editions of one clinic and language share one."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def read_manifest(path: Path, *, missing_ok: bool = True, signed: bool = False) -> dict[str, Entry]:
    """Return a manifest's entries by output path.

    With `signed`, only a manifest this user's own build wrote counts (its signature is kept
    in the cache, `.cache/manifest.signature`); any other is read as empty, so that every
    edition is checked again: a build decides what is up to date only from its own record."""
    try:
        text = read_within(path, MANIFEST_LIMIT)
        if signed and not verify(text, _signature(path)):
            return {}
        data = json.loads(text)
        sets = data["inputs"]
        entries = {item["path"]: Entry(item["path"], item["edition"], item["sha256"], item["size"], item["pages"],
                                       sets[item["inputs"]], item.get("draft", False)) for item in data["outputs"]}
        if not all(isinstance(entry.inputs, dict) and isinstance(entry.path, str) and isinstance(entry.draft, bool)
                   for entry in entries.values()):
            raise ValueError("an entry is not an output")
        return entries
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise HandbookError([Problem(Location(path, 0), "no such manifest")]) from None
    except RecursionError:
        if missing_ok:
            return {}
        raise HandbookError([Problem(Location(path, 0), "not a handbook manifest: nested too deep")]) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        if missing_ok:
            return {}  # a damaged manifest only means everything is built again
        raise HandbookError([Problem(Location(path, 0), f"not a handbook manifest: {error}")]) from None


def read_manifests(path: Path) -> dict[str, Entry]:
    """Return the entries of a manifest, or of every manifest in a folder and its subfolders
    (the artifacts of a CI run, each job's build/ with its own manifest), merged."""
    if not path.is_dir():
        return read_manifest(path, missing_ok=False)
    found = sorted(path.rglob(MANIFEST))
    if not found:
        raise HandbookError([Problem(Location(path, 0), f"no {MANIFEST} in this folder or below it")])
    entries: dict[str, Entry] = {}
    for manifest in found:
        entries.update(read_manifest(manifest, missing_ok=False))
    return entries


def write_manifest(path: Path, book: str, entries: dict[str, Entry]) -> None:
    """Write the manifest, outputs in a stable order.

    Editions made from the same files share one set of inputs (a clinic network's hundreds
    of editions would otherwise repeat the same few hundred hashes each).
    """
    sets = {_set_id(entry.inputs): dict(sorted(entry.inputs.items())) for entry in entries.values()}
    data = {"format": FORMAT, "book": book,
            "outputs": [entries[name].as_json(_set_id(entries[name].inputs)) for name in sorted(entries)],
            "inputs": dict(sorted(sets.items()))}
    text = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()
    signature = _signature_file(path)
    signature.unlink(missing_ok=True)  # a manifest is never trusted with another's signature
    write_atomically(path, text)
    with contextlib.suppress(OSError):
        write_atomically(signature, sign(text).encode())


def _signature_file(path: Path) -> Path:
    return path.parent / ".cache" / "manifest.signature"


def _signature(path: Path) -> str | None:
    try:
        return read_regular(_signature_file(path), 1024).decode("ascii", errors="replace")
    except OSError:
        return None


def diff(old: dict[str, Entry], new: dict[str, Entry]) -> list[str]:
    """Return one line per edition that was added, removed or changed, with the inputs that changed.

    A draft is never listed as added or changed, ready for print: its line says `draft`."""
    lines = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if (after or old[name]).draft:  # the name is in one of them
            if before is None or after is None or before.sha256 != after.sha256:
                what = "removed" if after is None else "not for patients: never for print"
                lines.append(f"{DRAFT_LINE}{name} ({what})")
        elif before is None:
            lines.append(f"added    {name}")
        elif after is None:
            lines.append(f"removed  {name}")
        elif before.sha256 != after.sha256:
            changed = sorted(key for key in set(before.inputs) | set(after.inputs)
                             if before.inputs.get(key) != after.inputs.get(key))
            because = f" ({', '.join(changed[:5])}{', ...' if len(changed) > 5 else ''})" if changed else ""
            lines.append(f"changed  {name}{because}")
    return lines


DRAFT_LINE = "draft    "
"""How a line of `diff` about a draft starts."""


def digest(path: Path) -> tuple[str, int]:
    """Return the SHA-256 and size of an output: a file's bytes, or a folder's files and names
    (but for the mark that says the tool wrote it)."""
    if not path.is_dir():
        data = path.read_bytes()
        return hashlib.sha256(data).hexdigest(), len(data)
    files = {p.relative_to(path).as_posix(): p for p in path.rglob("*") if p.is_file()}
    return folder_digest({name: p.read_bytes() for name, p in files.items() if name != SITE_MARKER})


def folder_digest(files: dict[str, bytes]) -> tuple[str, int]:
    """Return the SHA-256 of a folder's files (each name with its bytes' hash) and their total size."""
    listing = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))
    return hashlib.sha256(listing.encode()).hexdigest(), sum(len(data) for data in files.values())


def up_to_date(path: Path, out: Path, inputs: dict[str, str], manifest: dict[str, Entry]) -> bool:
    """Tell whether an output is in place and was made from these very inputs, as the manifest records."""
    entry = manifest.get(path.relative_to(out).as_posix())
    if entry is None or entry.inputs != inputs or path.is_symlink() or not (path.is_file() or path.is_dir()):
        return False
    return digest(path) == (entry.sha256, entry.size)


def forget_missing(out: Path, manifest: dict[str, Entry]) -> None:
    """Drop manifest entries whose output is gone."""
    for name in [name for name in manifest if not (out / name).exists()]:
        del manifest[name]
