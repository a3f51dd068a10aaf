"""A build that is killed, run twice at once, or short of disk space leaves only whole outputs.

Every case starts from a small book built once (the old outputs), changes its text, and
builds again in a process of its own, which is killed, or made to meet a full or
read-only disk. Each output afterwards must be byte for byte the old one or the new one
(the new ones are built from the changed text in another folder), and the next build
must leave no temporary file behind.

The harness below stands in for the moments a real machine picks: it lets a build run
until it reaches a stage (layout finished, an output's temporary file written and not yet
renamed) and holds it there to be killed, or makes a write fail with ENOSPC or EROFS.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from handbook.output import TEMPORARY_SUFFIX

pytestmark = pytest.mark.slow  # Builds killed by signals, raced, or starved of disk, each in a process of its own.

EPOCH = "1767225600"
OUTPUTS = ("sample-handbook.pdf", "sample-handbook.epub")

HARNESS = r"""
import errno, os, sys, time
from pathlib import Path
mode, marker = sys.argv[1], Path(sys.argv[2])

def hold(reason):
    marker.write_text(reason)
    time.sleep(60)  # the test kills the build here

if mode == "after-layout":
    from handbook.pdf import layout
    original = layout.Typesetter.lay_out
    def lay_out(self, html, *args, **kwargs):
        result = original(self, html, *args, **kwargs)
        hold("laid out")
        return result
    layout.Typesetter.lay_out = lay_out
elif mode.startswith("before-rename-"):
    wanted = int(mode.rsplit("-", 1)[1])
    real_replace, seen = os.replace, []
    def replace(source, target, *args, **kwargs):
        if str(target).endswith((".pdf", ".epub")):
            seen.append(target)
            if len(seen) == wanted:
                hold(f"about to rename {target}")
        return real_replace(source, target, *args, **kwargs)
    os.replace = replace
elif mode == "hold-lock":
    from handbook import output
    real_remove = output.remove_temporaries
    def remove_temporaries(out):
        real_remove(out)
        marker.write_text("holding the lock")
        time.sleep(2)  # long enough for the second build to find the folder taken
    output.remove_temporaries = remove_temporaries
elif mode == "disk-full":  # where no tmpfs can be mounted: the disk fills up as an output is written
    real_fsync = os.fsync
    def fsync(handle):
        if os.fstat(handle).st_size > 1000:  # an output, not the probe or the lock
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(handle)
    os.fsync = fsync
elif mode == "read-only":  # where nothing can be mounted read-only: no file can be made in build/
    import tempfile
    def mkstemp(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))
    tempfile.mkstemp = mkstemp

from handbook.cli import main
sys.exit(main(sys.argv[3:]))
"""

NEW_TEXT = ("A fact with *emphasis* [@alpha].", "A changed fact, with more words in it [@alpha].")


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Return a built book (the old outputs) and the bytes of the old and the new outputs."""
    from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML

    def book(folder: Path, chapter: str) -> Path:
        for name, text in (("chapters/book.yaml", BOOK_YAML), ("chapters/en/sample.yaml", chapter),
                           ("chapters/en/clinic.yaml", CLINIC_DEFAULTS), ("sources/sources.yaml", SOURCES_YAML)):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        assert cli(folder, "build").returncode == 0
        return folder

    old = book(tmp_path_factory.mktemp("old"), SAMPLE_CHAPTER)
    new = book(tmp_path_factory.mktemp("new"), SAMPLE_CHAPTER.replace(*NEW_TEXT))
    assert read_outputs(old) != read_outputs(new) and None not in read_outputs(new).values()
    return old, read_outputs(old), read_outputs(new)


def cli(root: Path, *args: str, mode: str | None = None, marker: Path | None = None, background: bool = False):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    command = [sys.executable, "-m", "handbook", "--root", str(root), *args, "--jobs", "1"]
    if mode:
        command = [sys.executable, "-c", HARNESS, mode, str(marker), "--root", str(root), *args, "--jobs", "1"]
    if background:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                cwd=ROOT, start_new_session=True)
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)


def read_outputs(root: Path) -> dict[str, bytes | None]:
    out = root / "build"
    return {name: (out / name).read_bytes() if (out / name).exists() else None for name in OUTPUTS}


def temporaries(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "build").rglob(f"*{TEMPORARY_SUFFIX}"))


@pytest.fixture
def changed(versions, tmp_path):
    """Return a copy of the built book with its text changed, and the old and new outputs."""
    built, old, new = versions
    root = tmp_path / "book"
    shutil.copytree(built, root)
    chapter = root / "chapters" / "en" / "sample.yaml"
    chapter.write_text(chapter.read_text().replace(*NEW_TEXT))
    return root, old, new


@pytest.mark.parametrize("moment", ["1 s in", "after-layout", "before-rename-2"])
def test_a_build_killed_at_any_moment_leaves_each_output_old_or_new(changed, tmp_path, moment):
    root, old, new = changed
    marker = tmp_path / "reached"
    build = cli(root, "build", mode=None if moment == "1 s in" else moment, marker=marker, background=True)
    try:
        deadline = time.monotonic() + 60
        if moment == "1 s in":
            time.sleep(1)
        else:
            while not marker.exists() and build.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert marker.exists(), build.communicate()[1]
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.communicate()
    after_kill = read_outputs(root)
    for name in OUTPUTS:
        assert after_kill[name] in (old[name], new[name]), f"{name} is neither the old nor the new file"
    if not moment.startswith("before-rename"):
        return  # nothing was written: the next build is any build
    assert after_kill["sample-handbook.pdf"] == new["sample-handbook.pdf"]  # renamed before the kill
    assert after_kill["sample-handbook.epub"] == old["sample-handbook.epub"]  # its new file not yet
    assert temporaries(root)  # the killed build's whole temporary file ...
    again = cli(root, "build")
    assert again.returncode == 0, again.stderr
    assert read_outputs(root) == new
    assert temporaries(root) == []  # ... is gone after the next build


def test_two_builds_at_once_take_turns_and_say_so(changed, tmp_path):
    root, old, new = changed
    marker = tmp_path / "locked"
    first = cli(root, "build", mode="hold-lock", marker=marker, background=True)
    try:
        while not marker.exists() and first.poll() is None:
            time.sleep(0.02)
        second = cli(root, "build")
    finally:
        first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert f"handbook: another build is writing to {root / 'build'}; waiting for it to finish" in second.stderr
    assert "2 up to date" in second.stdout  # it waited, then found the first build's outputs current
    assert read_outputs(root) == new and temporaries(root) == []


def mounted(*args: str) -> bool:
    """Mount something (as root); tell whether it worked."""
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def test_a_full_disk_is_one_sentence_naming_the_folder_and_keeps_the_outputs(changed):
    """A real full disk where a tmpfs can be mounted (as root), else one made to fill up mid-write."""
    root, old, new = changed
    out = root / "build"
    saved = root.parent / "saved"
    shutil.copytree(out, saved)
    page = os.sysconf("SC_PAGE_SIZE")  # a tmpfs gives each file whole pages
    size = sum(-(-path.stat().st_size // page) * page for path in saved.rglob("*") if path.is_file())
    real = mounted("-t", "tmpfs", "-o", f"size={size + 64 * 1024}", "tmpfs", str(out))  # the old outputs, and a little
    try:
        if real:
            shutil.copytree(saved, out, dirs_exist_ok=True)
            free = os.statvfs(out)
            (out / ".filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 16 * 1024))
        result = cli(root, "build") if real else cli(root, "build", mode="disk-full", marker=root / "unused")
        assert result.returncode == 1, result.stderr
        [sentence, summary] = result.stderr.splitlines()
        where, _, what = sentence.partition(": ")
        assert Path(where) in [out / name for name in OUTPUTS], sentence  # the output that did not fit
        assert what == "the disk is full; free some space and build again (the last good outputs are kept)"
        assert summary == "handbook: 1 problem; nothing more was written"
        assert read_outputs(root) == old and temporaries(root) == []
    finally:
        if real:
            subprocess.run(["umount", str(out)], check=True)


def test_a_read_only_output_folder_is_one_sentence_naming_it_and_keeps_the_outputs(changed):
    """A folder really mounted read-only where that is allowed (as root), else one where no file can be made."""
    root, old, new = changed
    out = root / "build"
    real = mounted("--bind", str(out), str(out))
    try:
        real = real and mounted("-o", "remount,bind,ro", str(out))
        result = cli(root, "build") if real else cli(root, "build", mode="read-only", marker=root / "unused")
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"{out}: cannot write into this folder (it is read-only or not yours); the last good outputs are kept",
            "handbook: 1 problem; nothing more was written"]
        assert read_outputs(root) == old
    finally:
        subprocess.run(["umount", str(out)], capture_output=True)
