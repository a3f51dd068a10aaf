"""The dependency list Make includes: every file and folder the last good build read.

`make` runs `handbook build --make-stamp build/.handbook-stamp`; after a good build the
stamp is touched and `build/.handbook-stamp.d` lists, as the stamp's prerequisites:

- every input of every edition (chapters, sources, clinic files, pictures, theme files)
  and the handbook's own code, so that a change to any of them builds again;
- every folder whose listing the build read (each language's chapters, where the clinic
  files are found, the theme's folders), so that a new chapter or clinic file, or a file
  replaced by a folder, builds again;
- every output the build made, so that an output deleted by hand (or a whole web folder)
  is made again.

Each prerequisite also gets an empty rule (the trick of gcc's -MP), so that a deleted
file counts as changed instead of stopping Make: the build then runs and names what is
missing at its `path:line`. A no-op `make` only reads this file and stats each name.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..output import write_atomically

if TYPE_CHECKING:
    from ..prepare import Handbook

_ESCAPED = " :#?*[]"
"""Characters a Make rule would otherwise read as separators, comments or wildcards."""

_SPELLABLE = re.compile(r"[\w.+@,~%$ :#?*\[\]/'\"-]*")
"""The characters a name may have to be written into the dependency list at all. Quotes mean
nothing to Make outside a recipe. Others (a newline, a backslash, `;` which ends the
prerequisites and starts a recipe, `=` which makes a target's variable, `|` which starts
order-only prerequisites, parentheses which name an archive's member) cannot be spelled
safely in GNU Make."""


def write_depfile(stamp: Path, handbook: Handbook, files: Iterable[Path], code: Iterable[Path],
                  outputs: Iterable[Path] = ()) -> None:
    """Write `<stamp>.d`: the stamp's prerequisites, each with an empty rule."""
    target = _make_name(stamp)
    if target is None:  # a stamp Make could not name in a rule: no list it could use
        return
    paths = list(dict.fromkeys([*files, *listed_folders(handbook), *code, *outputs]))
    names = [_make_name(path) for path in paths]
    prerequisites = [name for name in names if name is not None]
    if len(prerequisites) < len(names):
        # A name Make cannot spell (a newline, a `;`): depend on a file that never
        # exists, so that Make always asks the build, which knows what is up to date.
        prerequisites.append(f"{target}.always")
    lines = [f"{target}: \\"] + [f"  {name} \\" for name in prerequisites] + [""]
    lines += [f"{name.replace('%', chr(92) + '%')}:" for name in prerequisites]  # `%` would make a pattern rule
    write_atomically(stamp.with_name(stamp.name + ".d"), ("\n".join(lines) + "\n").encode())


def listed_folders(handbook: Handbook) -> list[Path]:
    """Return the folders whose listing the build read, so that a file added to one builds again."""
    project = handbook.project
    folders = [project.language_dir(code) for code in handbook.books]
    folders += [path.parent for path in handbook.settings.clinics]
    if handbook.settings.roles:  # where a new approvals record would appear
        from ..load.approvals import listed_folder

        folders += [listed_folder(project, code) for code in handbook.books]
    for folder in handbook.theme.dirs:
        folders += [folder, *(path for path in sorted(folder.rglob("*"))
                              if path.is_dir() and not path.is_symlink() and path.name != "__pycache__")]
    if not project.layouts.is_dir():
        folders.append(project.root)  # where a layouts/ folder of the book's own would appear
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def _make_name(path: Path) -> str | None:
    """Return a path as a Make rule spells it (relative to the working folder), or None if it cannot."""
    text = os.path.relpath(path)
    if not _SPELLABLE.fullmatch(text):
        return None
    for character in _ESCAPED:
        text = text.replace(character, "\\" + character)
    return text.replace("$", "$$")
