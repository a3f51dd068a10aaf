"""The real Makefile, driven in a copy of the project: `make` never loses a good output.

Each test copies the project's files into tmp_path with a one-chapter book (one picture,
an A4 PDF and an e-book) in place of the handbook's, and links in the .venv the tests run
from, so nothing is installed again; the one test that sets a .venv up from nothing is
marked slow. Outputs are compared byte for byte: every output after a failed, interrupted
or killed `make` must be the one from before it or the one a complete build makes.
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

from conftest import BOOK_YAML, CLINIC_DEFAULTS, EPOCH, ROOT, SAMPLE_CHAPTER, SOURCES_YAML

MAKE = shutil.which("make")
VENV = Path(sys.prefix)
OUTPUTS = ("sample-handbook.pdf", "sample-handbook.epub")
STAMP = "build/.handbook-stamp"
CHAPTER = "chapters/en/sample.yaml"
FIGURE = """\
      - figure:
          src: images/steps.png
          alt: Three steps, from left to right.
          caption: The steps [@alpha].
"""
BAD_LINE = "      - paragrph: A typo in a key.\n"
TYPO = f"{CHAPTER}:{len((SAMPLE_CHAPTER + FIGURE).splitlines()) + 1}: a block has an unknown key 'paragrph'"


def _venv_is_set_up() -> bool:
    installed = VENV / ".installed"
    return installed.is_file() and all(installed.stat().st_mtime >= (ROOT / name).stat().st_mtime
                                       for name in ("pyproject.toml", "requirements.lock"))


pytestmark = [
    pytest.mark.slow,  # each test runs the real make in a copy of the project
    pytest.mark.skipif(MAKE is None or shutil.which("git") is None or not _venv_is_set_up(),
                       reason="needs GNU make, git, and tests run from the .venv `make` sets up"),
]


def project(target: Path, venv: bool = True) -> Path:
    """Copy the project's files into target, with the small book in place of the handbook's."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in listed:
        source = ROOT / name
        if name and source.is_file() and not name.startswith(("chapters/", "sources/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    write(target, "chapters/book.yaml", BOOK_YAML)
    write(target, CHAPTER, SAMPLE_CHAPTER + FIGURE)
    write(target, "chapters/en/clinic.yaml", CLINIC_DEFAULTS)
    write(target, "sources/sources.yaml", SOURCES_YAML)
    (target / "chapters/en/images").mkdir()
    shutil.copy2(ROOT / "chapters/en/images/treatment-steps.png", target / "chapters/en/images/steps.png")
    if venv:
        (target / ".venv").symlink_to(VENV)
    return target


def write(root: Path, name: str, text: str) -> Path:
    """Write a file, later than the last build's stamp (a file system's clock ticks coarsely)."""
    stamp = root / STAMP
    while stamp.exists() and time.time() < stamp.stat().st_mtime + 0.05:
        time.sleep(0.01)
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def environment(**more: str) -> dict[str, str]:
    """Return the environment a user's shell would have: none of an outer make's variables."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MAKE", "MFLAGS", "GNUMAKE"))
           and key not in ("BOOK", "CLINIC", "LANGUAGE", "LAYOUT", "FORMAT")}
    return env | {"SOURCE_DATE_EPOCH": EPOCH} | more


def make(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([MAKE, *args], cwd=root, env=environment(**env), capture_output=True, text=True,
                          timeout=600)


def outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / "build" / name).read_bytes() for name in OUTPUTS if (root / "build" / name).exists()}


def everything(root: Path) -> dict[str, bytes]:
    """Return every file in build/, by name."""
    out = root / "build"
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def without_cache(files: dict[str, bytes]) -> dict[str, bytes]:
    """Return the files of build/ but those of its cache, which only ever saves time."""
    return {name: data for name, data in files.items() if not name.startswith(".cache/")}


def temporaries(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "build").rglob(".*.handbook-tmp"))


def built(root: Path) -> dict[str, bytes]:
    result = make(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return outputs(root)


@pytest.fixture
def good(tmp_path) -> Path:
    """Return a project copy with a good build in build/."""
    root = project(tmp_path / "project")
    assert set(built(root)) == set(OUTPUTS)
    return root


def test_a_failed_make_keeps_every_good_output(good):
    before = everything(good)
    write(good, CHAPTER, (good / CHAPTER).read_text() + BAD_LINE)
    write(good, "our clinic.yaml", 'name: Our Clinic\nphones:\n  clinic: "555 0100"\n')
    for args in ([], ["a4"], ["pdf"], ["epub"], ["CLINIC=our clinic.yaml"],
                 ["edition", "LANGUAGE=en", "LAYOUT=a4", "FORMAT=epub"]):
        result = make(good, *args)
        said = result.stdout + result.stderr
        assert result.returncode == 2, (args, said)
        assert TYPO in result.stderr, (args, said)
        assert "Deleting" not in said and "Traceback" not in said, (args, said)
        assert everything(good) == before, args


def test_a_chapter_deleted_or_replaced_by_a_folder_fails_with_the_loaders_message(good):
    before = outputs(good)
    kept = good.parent / "sample.yaml"
    shutil.move(good / CHAPTER, kept)  # keeps its old time, as `git mv` or `mv` do
    result = make(good)
    assert result.returncode == 2
    assert "chapters/book.yaml:13: the chapter 'sample' has no file: chapters/en/sample.yaml does not exist" \
        in result.stderr, result.stderr
    assert outputs(good) == before

    folder = good.parent / "old folder"
    folder.mkdir()
    os.utime(folder, (0, 0))  # a folder older than every build, put where the chapter was
    shutil.move(folder, good / CHAPTER)
    result = make(good)
    assert result.returncode == 2
    assert "chapters/en/sample.yaml is a folder, not a file" in result.stderr, result.stderr
    assert outputs(good) == before

    (good / CHAPTER).rmdir()
    shutil.move(kept, good / CHAPTER)
    assert built(good) == before
    assert make(good, "-q").returncode == 0  # up to date: a plain `make` now runs nothing


def test_make_builds_again_when_a_file_appears_where_the_build_looks(good):
    write(good, "chapters/en/extra.yaml", SAMPLE_CHAPTER)
    result = make(good)
    assert result.returncode == 2
    assert "chapters/en/extra.yaml: this chapter is not listed in book.yaml" in result.stderr, result.stderr
    (good / "chapters/en/extra.yaml").unlink()

    book = good / "chapters/book.yaml"
    write(good, "clinics/riverside.yaml", 'name: Riverside\nphones:\n  clinic: "555 0100"\n')
    write(good, "chapters/book.yaml", book.read_text() + "  clinics: [clinics/*.yaml]\n")
    built(good)
    write(good, "clinics/harbour.yaml", 'name: Harbour\nphones:\n  clinic: "555 0200"\n')
    result = make(good)
    assert result.returncode == 0, result.stderr
    assert "built harbour/en/a4" in result.stdout and "built riverside" not in result.stdout, result.stdout
    assert (good / "build/harbour/en/sample-handbook.epub").is_file()


def test_a_no_op_make_runs_nothing(good):
    before = {path: path.stat().st_mtime_ns for path in (good / "build").rglob("*")}
    result = make(good)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout and "handbook" not in result.stdout, result.stdout
    assert {path: path.stat().st_mtime_ns for path in (good / "build").rglob("*")} == before


def test_make_makes_a_deleted_output_again(good):
    before = everything(good)
    (good / "build" / "sample-handbook.pdf").unlink()
    shutil.rmtree(good / "build" / "web", ignore_errors=True)
    result = make(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert without_cache(everything(good)) == without_cache(before)


def test_a_dependency_list_make_cannot_read_is_written_again(good):
    """A `;` in a name ends Make's prerequisites and starts a recipe: such a name is never written,
    and a list an older handbook wrote with one is left out until the build writes a good one."""
    (good / "layouts" / "a;b").mkdir(parents=True)
    assert make(good).returncode == 0
    assert make(good).returncode == 0
    depfile = good / (STAMP + ".d")
    depfile.write_text(depfile.read_text().replace("  ", "  layouts/a;b ", 1))
    (good / "layouts" / "a;b").rmdir()
    result = make(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ";" not in depfile.read_text()
    assert make(good, "-q").returncode == 0


def test_make_builds_another_book_folder_into_its_own_build(good, tmp_path):
    other = tmp_path / "other-book"
    for name in ("chapters", "sources"):
        shutil.copytree(good / name, other / name)
    book = other / "chapters/book.yaml"
    book.write_text(book.read_text().replace("slug: sample-handbook", "slug: other-handbook"))
    before = everything(good)
    result = make(good, f"BOOK={other}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (other / "build/other-handbook.pdf").is_file() and (other / "build/other-handbook.epub").is_file()
    assert everything(good) == before  # the repository's own outputs are not touched
    again = make(good, f"BOOK={other}")
    assert "Nothing to be done" in again.stdout, again.stdout
    assert make(good, "clean", f"BOOK={other}").returncode == 0
    assert not (other / "build").exists() and everything(good) == before


def test_odd_file_names_and_quotes_do_not_trip_make(tmp_path):
    root = project(tmp_path / "o'brien's \"quoted\" folder" / "project")
    images = root / "chapters/en/images"
    for name in ("treatment steps.png", "a:b.png", "50%.png", "#notes.png", "x$y.png", "it's [1]?.png"):
        shutil.copy2(images / "steps.png", images / name)  # unused by any chapter
    (images / "steps.png").rename(images / "step: one's 50% done.png")  # used: its name goes into the depfile
    write(root, CHAPTER, (root / CHAPTER).read_text().replace("images/steps.png", '"images/step: one\'s 50% done.png"'))
    assert set(built(root)) == set(OUTPUTS)
    assert make(root, "-q").returncode == 0, (root / "build/.handbook-stamp.d").read_text()

    os.utime(images / "step: one's 50% done.png")  # a changed picture builds again
    assert make(root, "-q").returncode == 1

    for clinic, slug in (("our clinic.yaml", "ours"), ("o'brien \"north\".yaml", "obrien")):
        write(root, f"clinics/{clinic}", f'name: A Clinic\nslug: {slug}\nphones:\n  clinic: "555 0100"\n')
        result = make(root, f"CLINIC=clinics/{clinic}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert (root / "build" / slug / "en/sample-handbook.pdf").is_file()


HOOK = """\
#!{python}
# `handbook` as `.venv/bin/handbook` runs it, but holding still at one moment of the build,
# so that the test can send its signal exactly then.
import os, sys, time
from pathlib import Path

MOMENT, MARK = os.environ["HOLD_AT"], Path(os.environ["HOLD_MARK"])


def hold():
    MARK.write_text(str(os.getpid()))
    time.sleep(600)


if MOMENT == "layout":  # before the first page is laid out: nothing is written yet
    from handbook.pdf.layout import Typesetter
    lay_out = Typesetter.lay_out
    Typesetter.lay_out = lambda self, html, *args: (hold(), lay_out(self, html, *args))[1]
else:  # "write": the new PDF is in place, the e-book waits in its temporary file for its rename
    replace = os.replace
    def held(source, target, *args, **kwargs):
        if os.fspath(target).endswith(".epub"):
            hold()
        return replace(source, target, *args, **kwargs)
    os.replace = held

from handbook.cli import main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """Return a project with a good build and a changed chapter, and the outputs a complete build of it makes."""
    base = tmp_path_factory.mktemp("signals")
    old = project(base / "old")
    before = built(old)
    text = (old / CHAPTER).read_text().replace("A third", "A changed third")
    write(old, CHAPTER, text)
    new = project(base / "new")
    write(new, CHAPTER, text)
    after = built(new)
    assert before != after and set(after) == set(OUTPUTS)
    hook = base / "held-handbook"
    hook.write_text(HOOK.format(python=VENV / "bin" / "python"))
    hook.chmod(0o755)
    return old, before, after, hook


SIGNALS = [
    ("SIGINT", "layout", "make's group"), ("SIGTERM", "layout", "make's group"), ("SIGKILL", "layout", "make's group"),
    ("SIGINT", "write", "make's group"), ("SIGTERM", "write", "make's group"), ("SIGKILL", "write", "make's group"),
    ("SIGKILL", "write", "the handbook alone"),  # as the out-of-memory killer does; make lives on
]


@pytest.mark.parametrize("name, moment, whom", SIGNALS)
def test_a_signal_at_any_moment_leaves_each_output_old_or_new(changed, tmp_path, name, moment, whom):
    old, before, after, hook = changed
    root = tmp_path / "project"
    shutil.copytree(old, root, symlinks=True)
    untouched = everything(root)
    mark = tmp_path / "holding"
    process = subprocess.Popen([MAKE, f"HANDBOOK={hook}"], cwd=root, start_new_session=True, text=True,
                               env=environment(HOLD_AT=moment, HOLD_MARK=str(mark)),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 300
        while not mark.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mark.exists(), process.communicate(timeout=60)[0]
        number = getattr(signal, name)
        if whom == "make's group":
            os.killpg(process.pid, number)
        else:
            os.kill(int(mark.read_text()), number)
        said = process.communicate(timeout=120)[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0, said
    assert "Deleting" not in said and "Traceback" not in said, said

    now = outputs(root)
    assert set(now) == set(OUTPUTS)
    for output in OUTPUTS:
        assert now[output] in (before[output], after[output]), f"{output} is neither the old nor the new one"
    if moment == "layout":
        # Nothing was written: not even the manifest or the stamp changed. (build/.cache/ may
        # have gained compiled templates, which name the folder they were read from: not outputs.)
        assert without_cache(everything(root)) == without_cache(untouched)

    assert built(root) == after  # the next make finishes the job
    assert temporaries(root) == []  # and clears what the killed one left


def _lock_build_folder(root: Path) -> str | None:
    """Make build/ unwritable even for root (chattr +i), or say why it cannot be done here."""
    build = root / "build"
    if os.geteuid() != 0:
        build.chmod(0o555)
        return None
    if shutil.which("chattr") is None:
        return "root ignores file modes, and chattr is not installed"
    result = subprocess.run(["chattr", "+i", str(build)], capture_output=True, text=True)
    return None if result.returncode == 0 else f"chattr +i is not supported here: {result.stderr.strip()}"


def _unlock_build_folder(root: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(root / "build")], capture_output=True)
    else:
        (root / "build").chmod(0o755)


def test_a_build_folder_that_cannot_be_written_is_one_sentence(good):
    before = everything(good)
    write(good, CHAPTER, (good / CHAPTER).read_text().replace("A third", "A changed third"))
    why = _lock_build_folder(good)
    if why:
        pytest.skip(why)
    try:
        result = make(good)
    finally:
        _unlock_build_folder(good)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Deleting" not in result.stdout + result.stderr
    problems = [line for line in result.stderr.splitlines() if not line.startswith(("handbook:", "make:"))]
    assert problems == ["build: cannot write into this folder (it is read-only or not yours); "
                        "the last good outputs are kept"], result.stderr
    assert everything(good) == before
    assert set(built(good)) == set(OUTPUTS)  # and once it can be written again, the build goes on


def _wheelhouse() -> Path:
    """Return a folder of wheels of everything the .venv holds, made once, so a new .venv installs offline."""
    wheels = VENV / "wheelhouse"
    done = wheels / ".complete"
    if done.exists() and done.stat().st_mtime >= (VENV / ".installed").stat().st_mtime:
        return wheels
    frozen = subprocess.run([VENV / "bin/pip", "freeze", "--exclude-editable"], capture_output=True, text=True,
                            check=True).stdout
    requirements = wheels / "requirements.txt"
    wheels.mkdir(exist_ok=True)
    requirements.write_text(frozen)
    result = subprocess.run([VENV / "bin/pip", "wheel", "--quiet", "--wheel-dir", wheels, "-r", requirements,
                             "pip", "setuptools"], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot gather the wheels of .venv for an offline set-up: {result.stderr[-500:]}")
    done.touch()
    return wheels


def _start(root: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([MAKE], cwd=root, env=environment(**env), text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_two_makes_in_a_fresh_clone_set_up_one_venv_and_both_succeed(good, tmp_path):
    """From nothing: a .venv set up from wheels (no index), interrupted twice, then raced."""
    pip = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(_wheelhouse()), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    root = project(tmp_path / "fresh", venv=False)
    (root / "build").mkdir()
    for name in (*OUTPUTS, "manifest.json"):  # the last good outputs, from an earlier build of the same book
        shutil.copy2(good / "build" / name, root / "build" / name)
    before = outputs(root)

    for number in (signal.SIGINT, signal.SIGKILL):  # Ctrl-C during the set-up, then a harder stop
        process = _start(root, **pip)
        try:
            deadline = time.monotonic() + 300
            while not (root / ".venv/bin/pip").exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)  # pip is installing
            assert process.poll() is None, process.communicate()[0]
            os.killpg(process.pid, number)
            said = process.communicate(timeout=120)[0]
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        assert process.returncode != 0 and "Deleting" not in said, said
        assert not (root / ".venv/.installed").exists()
        assert outputs(root) == before

    # The worst moment to be stopped is pip replacing itself, which leaves it half old, half new.
    # Whenever the kills above fell, leave the half-made .venv's pip so: the next make must begin again.
    [site] = (root / ".venv").glob("lib/python*/site-packages")  # pip may be there, or set aside as ~ip
    half = site / "pip" / "_internal" / "cli" / "spinners.py"
    half.parent.mkdir(parents=True, exist_ok=True)
    half.write_text("raise ImportError('pip was stopped while it replaced itself')\n")

    first, second = _start(root, **pip), _start(root, **pip)
    said = [process.communicate(timeout=1200)[0] for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], said
    lines = [line for text in said for line in text.splitlines()]
    assert sum(line.startswith("make: setting up .venv") for line in lines) == 1, said
    assert sum(line.startswith("make: waiting for another make") for line in lines) == 1, said
    assert outputs(root) == before  # the same book: the same bytes
    assert subprocess.run([root / ".venv/bin/pip", "check"], capture_output=True).returncode == 0
