"""Keep every read inside the book folder and the default theme, symbolic links followed.

A book is often a repository that others send changes to: a link such as
`layouts/fonts/x.woff2 -> ~/.ssh/id_rsa` must not carry a file from the builder's disk
into an e-book. So each file the build reads is resolved first, and one that lands
outside is a `path: message` problem naming the link and where it leads.
Clinic files named on the command line are the user's own choice and are not confined.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import Location, Problems


def roots(project_root: Path, theme_dir: Path) -> tuple[Path, ...]:
    """Return the folders a build may read from: the book folder and the default theme."""
    return tuple(dict.fromkeys((project_root.resolve(), theme_dir.resolve())))


def is_inside(path: Path, allowed: tuple[Path, ...]) -> bool:
    """Tell whether a path, symbolic links followed, is inside one of the allowed folders."""
    real = path.resolve()
    return any(real.is_relative_to(root) for root in allowed)


def check_inside(paths: Iterable[Path], allowed: tuple[Path, ...], problems: Problems) -> bool:
    """Record a problem for each path that resolves outside the allowed folders; tell whether all are inside.

    A folder that is a link out of the book is reported once, not once per file in it.
    """
    reported: set[Path] = set()
    inside = True
    for path in paths:
        if is_inside(path, allowed):
            continue
        inside = False
        link = _first_link(path)
        if link in reported:
            continue
        reported.add(link)
        problems.add(Location(path, 0), _message(path, link))
    return inside


def _first_link(path: Path) -> Path:
    """Return the first symbolic link on a path (a folder on the way, or the file itself)."""
    for step in (*reversed(path.parents), path):
        if step.is_symlink():
            return step
    return path


def _message(path: Path, link: Path) -> str:
    target = link.resolve()
    if not link.is_symlink():
        where = f"is in {target.parent}"
    elif link == path:
        where = f"is a link to the folder {target}" if target.is_dir() else f"is a link to a file in {target.parent}"
    else:
        where = f"is in {link}, a link to {target}"
    return (f"{where}, outside the book folder and the theme; a build reads only their files "
            "(copy the file into the book instead of linking to it)")
