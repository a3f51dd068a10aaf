"""What `make` installs is pinned, and what pip installs is whole (issue 29: a clean, pinned install)."""
from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _locked() -> dict[str, str]:
    """Return requirements.lock's exact versions, by package name."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version
            for name, version in re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", text, flags=re.MULTILINE)}


def test_the_lock_pins_every_dependency_at_a_version_pyproject_allows():
    locked = _locked()
    extras = PYPROJECT["project"]["optional-dependencies"]
    declared = PYPROJECT["project"]["dependencies"] + extras["test"] + extras["lint"]
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run scripts/lock.sh"
        assert requirement.specifier.contains(locked[name], prereleases=True), \
            f"requirements.lock has {name}=={locked[name]}, which pyproject.toml's {requirement.specifier} refuses"


def test_every_locked_version_carries_its_hashes():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9._-]+==)", text.strip()):
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_every_subpackage_is_in_the_wheel():
    """A sub-package missing from pyproject's list works in an editable install and is silently left out of a wheel."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "handbook").rglob("__init__.py")}
    assert found - listed == set()
