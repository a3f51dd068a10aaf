"""Keep every file a build reads inside the folder its kind belongs in, symbolic links followed.

A book is often a repository that others send changes to: a link such as
`layouts/epub/epub.css -> ../../.git/config` must not carry the git credentials a CI
checkout keeps there into an e-book, nor `layouts/fonts/x.woff2 -> ~/.ssh/id_rsa` a key.
So each file is resolved first, and must land in the place its kind belongs in:

| kind      | where it may resolve                                               |
| --------- | ------------------------------------------------------------------ |
| book      | the book's chapters/                                               |
| chapters  | the book's chapters/ (chapters and each language's clinic defaults) |
| sources   | the book's sources/                                                |
| theme     | the book's layouts/, or the default theme inside the package       |
| clinics   | the book folder (the clinic files its editions list)               |
| approvals | the book's approvals/ (who approved which words)                    |

and never inside a folder whose name starts with a dot (`.git`, `.venv`, `.tools`) or in
the output folder (build/). Pictures are kept inside their chapter's language folder by
load/images.py. Clinic files named on the command line are the user's own choice and are
not confined.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Location, Problems

if TYPE_CHECKING:
    from .project import Project

KINDS = {
    "book": "the book's chapters/ folder",
    "chapters": "the book's chapters/ folder",
    "sources": "the book's sources/ folder",
    "theme": "the book's layouts/ or the default theme",
    "clinics": "the book folder",
    "approvals": "the book's approvals/ folder",
}


def places(kind: str, project: Project) -> tuple[Path, ...]:
    """Return the real folders a file of a kind may resolve into.

    Each is the book folder's own subfolder by name, not where a link in its place leads: a
    `layouts` that is a link to `.git` is no place for a stylesheet."""
    root = _real(project.root)
    if kind in ("book", "chapters"):
        return (root / project.chapters.name,)
    if kind == "sources":
        return (root / project.sources_file.parent.name,)
    if kind == "approvals":
        from .load.approvals import FOLDER

        return (root / FOLDER,)
    if kind == "theme":
        from .theme import default_theme_dir

        return tuple(dict.fromkeys((root / project.layouts.name, _real(default_theme_dir()))))
    return (root,)


def is_inside(path: Path, allowed: tuple[Path, ...], out: Path | None = None,
              real: Callable[[Path], str] | None = None) -> bool:
    """Tell whether a path, symbolic links followed, is inside one of the allowed folders, in no
    dot-folder there, and not in the output folder (`real` resolves paths: a Resolver to share)."""
    real = real or Resolver()
    where = real(path)
    if out is not None and _within(where, real(out)):
        return False
    for root in allowed:
        folder = str(root)
        if _within(where, folder):
            return not any(part.startswith(".") for part in where[len(folder):].split("/")[1:-1])
    return False


def check_kind(kind: str, paths: Iterable[Path], project: Project, problems: Problems) -> bool:
    """Record a problem for each path that leads out of its kind's place; tell whether all are in it.

    A folder that is a link out is reported once, not once per file in it."""
    allowed = places(kind, project)
    real = Resolver()
    reported: set[Path] = set()
    inside = True
    for path in paths:
        if is_inside(path, allowed, project.out, real):
            continue
        inside = False
        link = _first_link(path)
        if link in reported:
            continue
        reported.add(link)
        problems.add(Location(path, 0), _message(path, link, KINDS[kind]))
    return inside


class Resolver:
    """Where paths really lead, as Path.resolve() says, for many paths in the same folders.

    A theme or a book is a hundred files in a few folders: each folder is resolved once, and a
    file in it only looked at (one lstat) to see whether it is itself a link, which is then
    followed in full. A quarter of a warm build's check of the theme was resolving every file
    from the root. Kept for one check only: the folders may change between builds."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        known = self._known.get(path)
        if known is None:
            known = self._known[path] = self._resolve(path)
        return known

    def _resolve(self, path: Path) -> str:
        parent = path.parent
        if parent == path or path.name in ("", ".", ".."):
            return str(_real(path))
        try:
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                return self(parent).rstrip("/") + "/" + path.name
        except (FileNotFoundError, NotADirectoryError):
            return self(parent).rstrip("/") + "/" + path.name  # not there: as resolve() names it
        except OSError:
            pass
        return str(_real(path))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _real(path: Path) -> Path:
    """Return where a path really leads; a link loop leads nowhere a build may read."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path("/\0loop")  # inside no folder


def _first_link(path: Path) -> Path:
    """Return the first symbolic link on a path (a folder on the way, or the file itself)."""
    for step in (*reversed(path.parents), path):
        if step.is_symlink():
            return step
    return path


def _message(path: Path, link: Path, place: str) -> str:
    target = _real(link)
    if not link.is_symlink():
        where = f"is in {target.parent}"
    elif str(target).startswith("/\0"):
        where = "is a link that leads round in a loop"
    elif link == path:
        where = f"is a link to the folder {target}" if target.is_dir() else f"is a link to a file in {target.parent}"
    else:
        where = f"is in {link}, a link to {target}"
    return (f"{where}, outside {place} (or in a hidden folder or the output folder); a build reads only "
            "the book's own files (copy the file into its place instead of linking to it)")
