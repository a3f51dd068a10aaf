"""Every file of a book is data from someone we do not know: a pipe, a folder, a loop of
links or an odd file name where a file belongs is a `path: message` line, never a wait
for ever or a traceback (reviews/attack.md A1, A2, A6)."""
from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.errors import HandbookError, Location, Problem
from handbook.load.safeopen import NotRegularFileError, read_regular
from handbook.prepare import prepare

INPUTS = ["chapters/book.yaml", "sources/sources.yaml", "chapters/en/clinic.yaml", "chapters/en/sample.yaml"]


def problems(tree) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project)
    return [str(problem) for problem in raised.value.problems]


def within_seconds(function, seconds: float = 20):
    """Return what a function returns, failing the test (not hanging it) if it waits too long."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"still waiting after {seconds} s"
    return result[0]


@pytest.mark.parametrize("name", INPUTS)
def test_a_named_pipe_is_refused_at_once(tree, name):
    path = tree.root / name
    path.unlink()
    os.mkfifo(path)
    assert within_seconds(lambda: problems(tree)) == [f"{path}: is not a file (a device or a pipe)"]


@pytest.mark.parametrize("name", INPUTS)
def test_a_folder_is_refused(tree, name):
    path = tree.root / name
    path.unlink()
    path.mkdir()
    found = problems(tree)
    if name.endswith("sample.yaml"):  # the book file names the chapter: its line says so
        assert found == [f"{tree.root}/chapters/book.yaml:13: the chapter 'sample' has no file: {path} is a folder, "
                         "not a file"]
    else:
        assert found == [f"{path}: is a folder, not a file"]


@pytest.mark.parametrize("name", ["sources/sources.yaml", "chapters/en/sample.yaml"])
def test_a_loop_of_links_is_refused(tree, name):
    path = tree.root / name
    path.unlink()
    path.symlink_to(path.name)
    [message] = problems(tree)
    assert message.startswith(f"{path}: is a link that leads round in a loop")  # confine.py says it first


def test_a_clinic_file_that_is_a_loop_of_links_is_refused(tree):
    """A clinic file named on the command line is not confined: its reader names the loop."""
    loop = tree.root / "loop.yaml"
    loop.symlink_to(loop.name)
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project, clinic_files=(loop,))
    assert [str(problem) for problem in raised.value.problems] == [
        f"{loop}: is a link that leads back to itself (a loop of links)"]


def test_a_pipe_put_in_after_a_build_stops_the_next_build_with_its_name(tree, capsys):
    """The kept book's list of what it read is checked without opening the pipe (bookcache.py)."""
    assert main(["--root", str(tree.root), "build", "web", "--jobs", "1"]) == 0
    sources = tree.root / "sources" / "sources.yaml"
    sources.unlink()
    os.mkfifo(sources)
    capsys.readouterr()
    with alarm(20):
        assert main(["--root", str(tree.root), "build", "web", "--jobs", "1"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == f"{sources}: is not a file (a device or a pipe)"


def test_a_file_name_with_a_newline_stays_on_one_line(tree):
    odd = tree.write("chapters/en/evil\nname.yaml", "title: x\n")
    [message] = problems(tree)
    assert "\n" not in message
    assert message.startswith(f"{tree.chapters}/evil\\nname.yaml: this chapter is not listed")
    assert odd.exists()


def test_printed_paths_escape_what_would_disguise_them():
    location = Location(Path("/b/a\x1b[31m\u202eb\udcffc.yaml"), 3)
    assert str(location) == "/b/a\\x1b[31m\\u202eb\\udcffc.yaml:3"
    assert str(Problem(location, "a\u2028b")).endswith(":3: a\\u2028b")
    str(Problem(location, "x")).encode("utf-8")  # a byte that is not UTF-8 can be printed now


def test_the_helper_reads_regular_files_only(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"12345")
    assert read_regular(path) == b"12345"
    assert read_regular(path, limit=2) == b"123"  # one more than the limit: the caller sees it was too long
    os.mkfifo(tmp_path / "pipe")
    assert isinstance(within_seconds(lambda: _raises(read_regular, tmp_path / "pipe")), NotRegularFileError)
    with pytest.raises(NotRegularFileError) as raised:
        read_regular(tmp_path)
    assert raised.value.is_folder
    with pytest.raises(NotRegularFileError):
        read_regular("/dev/zero")


class TooLong(BaseException):
    """Raised by the alarm: a BaseException, which no `except Exception` on the way can swallow."""


@contextlib.contextmanager
def alarm(seconds: int):
    """Fail (not hang) a block that waits too long; for code that must run in the main thread,
    as main() does (it sets signal handlers)."""
    def too_long(*_):
        raise TooLong(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _raises(function, *args):
    try:
        function(*args)
    except OSError as error:
        return error
    return None


def test_what_reading_keeps_is_bounded_and_a_file_read_again_adds_nothing(tree, monkeypatch):
    """A constructor kept for the process once remembered every node of every file read, so
    the preview's memory grew with each rebuild (reviews/attack.md V10). The trees of the texts
    read last are kept now, for a rebuild that reads them again, but within a bound."""
    import gc
    import weakref

    from handbook.errors import Problems
    from handbook.load import yamlsource
    from handbook.load.schema import read

    text = (tree.chapters / "sample.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr(yamlsource, "_COMPOSED", yamlsource._Composed())
    monkeypatch.setattr(yamlsource._Composed, "LIMIT", 4 * len(text) + 100)
    first = read(tree.chapters / "sample.yaml", "chapter", Problems())
    again = read(tree.chapters / "sample.yaml", "chapter", Problems())
    assert first.values[()] is again.values[()]  # the same text, the same tree: a rebuild adds nothing
    assert first.data == again.data and first.data is not again.data  # each reader its own data
    nodes = [weakref.ref(node) for node in first.values.values()]
    del first, again
    for number in range(5):  # other texts, as many as the bound holds and one more
        other = tree.write(f"chapters/en/other{number}.yaml", text.replace("A fact", f"Fact {number}"))
        assert read(other, "chapter", Problems()) is not None
    gc.collect()
    assert not [node for node in nodes if node() is not None]


def test_a_text_found_valid_once_is_checked_again_as_another_kind(tree):
    """The tree of a text read again is shared, and so is what its schema found: per kind of file."""
    from handbook.errors import Problems
    from handbook.load.schema import read

    assert read(tree.chapters / "sample.yaml", "chapter", Problems()) is not None
    problems = Problems()
    assert read(tree.chapters / "sample.yaml", "sources", problems) is None
    assert any("unknown key 'title'" in problem.message for problem in problems.sorted())


# --- handbook translations: a file it cannot read is named, never "in step" ------------------


@pytest.fixture
def bilingual(tree):
    """Return the small book with a Spanish translation, stamped."""
    from test_i18n import SPANISH_BOOK, SPANISH_CHAPTER, SPANISH_CLINIC

    book = tree.root / "chapters" / "book.yaml"
    edition = "    edition: Test edition\n"
    book.write_text(book.read_text().replace(edition, edition + SPANISH_BOOK))
    english = tree.chapters / "sample.yaml"
    first_part = "  - title: First part\n"
    english.write_text(english.read_text().replace(first_part, first_part + "    id: first-part\n")
                       + "      - questions:\n          - How many sessions will I need?\n")  # as test_i18n's
    tree.write("chapters/es/sample.yaml", SPANISH_CHAPTER)
    tree.write("chapters/es/clinic.yaml", SPANISH_CLINIC)
    assert main(["--root", str(tree.root), "translations", "stamp"]) == 0
    return tree


def translations(tree, capsys, *args) -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    status = main(["--root", str(tree.root), "translations", *args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_translations_status_in_step(bilingual, capsys):
    assert translations(bilingual, capsys, "status") == (0, ["es: in step with en"], [])


@pytest.mark.parametrize("action", ["status", "stamp"])
def test_translations_name_a_broken_translation_and_fail(bilingual, capsys, action):
    spanish = bilingual.root / "chapters" / "es" / "sample.yaml"
    spanish.write_text(spanish.read_text() + "sections: [oops\n")
    before = spanish.read_bytes()
    status, out, err = translations(bilingual, capsys, action)
    lines = len(before.decode().splitlines())
    assert (status, out) == (1, [])
    assert err == [f"{spanish}:{lines}: invalid YAML: expected ',' or ']', but got '<stream end>'",
                   "handbook: 1 problem; nothing more was written"]
    assert spanish.read_bytes() == before


@pytest.mark.parametrize("action, name", [("status", "chapters/es/sample.yaml"), ("status", "chapters/en/sample.yaml"),
                                          ("status", "chapters/es/clinic.yaml"), ("stamp", "chapters/es/sample.yaml"),
                                          ("stamp", "chapters/en/sample.yaml")])
def test_translations_refuse_a_pipe_at_once(bilingual, capsys, action, name):
    path = bilingual.root / name
    path.unlink()
    os.mkfifo(path)
    with alarm(20):
        status, out, err = translations(bilingual, capsys, action)
    assert (status, out, err[0]) == (1, [], f"{path}: is not a file (a device or a pipe)")
