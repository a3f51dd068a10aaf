"""A build reads nothing outside the book, its theme and the installed software, and never
reaches the network: a real build of a small book, every file it opens recorded.

The build runs in its own process with an audit hook (PEP 578) that records each `open`
(Python's, the loader's, WeasyPrint's fetcher, ebooklib, fontTools, Pillow) and each
socket or program started; the test then checks every path against the places a build
may read. Libraries written in C (Pango, fontconfig) open system fonts without telling
Python; their folders are allowed below anyway.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT
from test_load import png

pytestmark = pytest.mark.slow  # A build in a fresh process, every file it opens recorded.

RECORDER = """
import json, os, sys
log, recording = [], [True]
def hook(event, args):
    if not recording[0]:
        return
    if event == "open" and not isinstance(args[0], int):
        log.append(["open", os.fsdecode(args[0])])
    elif event.startswith("socket.") and event not in ("socket.__new__", "socket.gethostname"):
        log.append([event, repr(args)])
    elif event in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec"):
        log.append([event, os.fsdecode(args[0])])
sys.addaudithook(hook)
from handbook.cli import main
try:
    status = main(sys.argv[2:])
finally:
    recording[0] = False
    with open(sys.argv[1], "w") as file:
        json.dump(log, file)
sys.exit(status)
"""

CHAPTER = """\
title: Sample chapter
sections:
  - title: First part
    blocks:
      - paragraph: A fact, with [a web page](https://example.org/page) that must not be fetched [@alpha].
      - figure:
          src: images/picture.png
          alt: A teal rectangle.
          caption: A picture [@beta].
      - clinic: fasting
"""

SYSTEM_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts", "/var/cache/fontconfig",
                  "/usr/share/zoneinfo", "/usr/lib", "/usr/lib64", "/lib", "/etc/ld.so.cache", "/etc/mime.types",
                  "/usr/share/mime", "/dev/null", "/dev/urandom", str(Path.home() / ".cache" / "fontconfig"))
"""Fonts, time zones, shared libraries and media types: what any program on the machine reads."""
LIBRARY_SEARCH = {"ldconfig", "gcc", "cc", "ld", "objdump"}
"""ctypes.util.find_library runs these to find Pango and HarfBuzz; no other program may run."""


def allowed_places(book: Path, temporary: Path) -> list[Path]:
    from handbook.theme import default_theme_dir

    software = {sys.prefix, sys.base_prefix, sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"],
                str(ROOT / "handbook")}  # the package's own code and schemas, in a checkout or installed
    return [Path(place).resolve() for place in (book, temporary, default_theme_dir(), *software, *SYSTEM_FOLDERS)]


def test_a_build_opens_nothing_outside_the_book_and_its_software_and_no_socket(tree, tmp_path):
    tree.write("chapters/en/sample.yaml", CHAPTER)
    tree.write("chapters/en/images/picture.png", png())
    tree.write("clinics/riverside.yaml", 'name: Riverside Clinic\nphones:\n  clinic: "555 0100"\n')
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    log = tmp_path / "opened.json"
    user_cache = tmp_path / "user-cache"  # where the tool keeps the key that signs its cache (docs/security.md)
    env = dict(os.environ, TMPDIR=str(temporary), SOURCE_DATE_EPOCH="1767225600", XDG_CACHE_HOME=str(user_cache))
    env.pop("HANDBOOK_CACHE_KEY", None)
    command = [sys.executable, "-c", RECORDER, str(log), "--root", str(tree.root), "build", "--jobs", "1"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=temporary)
    assert result.returncode == 0, result.stderr
    assert (tree.root / "build" / "riverside" / "en" / "sample-handbook.epub").is_file()
    events = json.loads(log.read_text())
    places = allowed_places(tree.root, temporary)
    opened = [temporary / path for event, path in events if event == "open"]  # relative: to the build's folder
    assert any(path.name == "picture.png" for path in opened)  # the recorder saw the loader's reads
    assert any(path.suffix == ".woff2" for path in opened)  # and the theme's, through WeasyPrint
    key = (user_cache / "handbook" / "cache-key").resolve()  # the tool's own state, never a book's input
    outside = sorted({str(path) for path in opened
                      if not any(_resolved(path).is_relative_to(place) for place in places) and _resolved(path) != key})
    assert outside == [], f"the build opened files outside the book and its software: {outside}"
    network = [event for event in events if event[0].startswith("socket.")]
    assert network == [], f"the build used the network: {network}"
    programs = {Path(path).name for event, path in events if event != "open" and not event.startswith("socket.")}
    assert programs <= LIBRARY_SEARCH, programs


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path
