"""The same sources give the same bytes: two builds, each in its own process, in two folders.

The builds differ in everything that must not matter: the folder the book is in, the
hash seed, the time zone, the working folder. Building twice in one process would share
caches and the hash seed, and could not catch an output that depends on them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from test_confinement import CHAPTER
from test_load import png

pytestmark = pytest.mark.slow  # Two builds, each in a process of its own.


def test_two_processes_in_two_folders_build_the_same_bytes(tree, tmp_path):
    tree.write("chapters/en/sample.yaml", CHAPTER)  # a picture, a clinic block, a web link
    tree.write("chapters/en/images/picture.png", png())
    elsewhere = tmp_path / "another" / "checkout of the book"
    shutil.copytree(tree.root, elsewhere)
    outputs = []
    for root, seed, zone in ((tree.root, "1", "UTC"), (elsewhere, "2", "Pacific/Kiritimati")):
        env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", PYTHONHASHSEED=seed, TZ=zone)
        result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "build", "--jobs", "1"],
                                capture_output=True, text=True, env=env, cwd=root.parent)
        assert result.returncode == 0, result.stderr
        out = root / "build"
        outputs.append({path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*"))
                        if path.is_file() and path.suffix in (".pdf", ".epub", ".json") and ".cache" not in path.parts})
    first, second = outputs
    assert sorted(first) == ["manifest.json", "sample-handbook.epub", "sample-handbook.pdf"]
    assert [name for name in first if first[name] != second[name]] == []


def test_pausing_the_garbage_collector_changes_no_byte(tree, tmp_path, monkeypatch):
    """WeasyPrint lays out and writes with Python's cyclic collector paused (pdf/layout.py):
    the same PDF as with it running, and the collector is running again afterwards."""
    import contextlib
    import gc

    from handbook.build import Request, build
    from handbook.pdf import layout
    from handbook.project import Project

    tree.write("chapters/en/sample.yaml", CHAPTER)
    tree.write("chapters/en/images/picture.png", png())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    made, seen = {}, []
    real = layout.collector_paused

    @contextlib.contextmanager
    def paused():
        with real():
            seen.append(gc.isenabled())
            yield

    for name, pause in (("paused", paused), ("running", contextlib.nullcontext)):
        monkeypatch.setattr(layout, "collector_paused", pause)
        out = tmp_path / name
        build(Project.at(tree.root, out), Request(formats=("pdf",), force=True, workers=1), progress=lambda line: None)
        assert gc.isenabled()
        made[name] = (out / "sample-handbook.pdf").read_bytes()
    assert seen and not any(seen)  # laid out and written with the collector paused
    assert made["paused"] == made["running"]


def test_after_cache_clean_the_next_build_makes_the_same_bytes(tree):
    """`handbook cache clean` empties every store; the build after it lays everything out
    again, with nothing kept to lean on, and writes the very bytes of the build before."""
    tree.write("chapters/en/sample.yaml", CHAPTER)
    tree.write("chapters/en/images/picture.png", png())
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    out = tree.root / "build"

    def handbook(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree.root), *args],
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def outputs() -> dict[str, bytes]:
        return {name: (out / name).read_bytes() for name in ("sample-handbook.pdf", "sample-handbook.epub")}

    handbook("build", "pdf", "epub")
    before = outputs()
    assert "removed" in handbook("cache", "clean")
    assert not [path for path in (out / ".cache").rglob("*") if path.is_file()]
    said = handbook("build", "pdf", "epub", "--force")
    assert "built -/en/a4.pdf" in said and "built -/en/a4.epub" in said and "1 print layout made" in said, said
    assert outputs() == before
