"""The command line's exit codes, messages, and what a failed build leaves in the output folder."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from handbook.cli import main


def run(tree, *args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "handbook", "--root", str(tree.root), *args],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )


def test_check_passes_on_a_good_tree(tree):
    result = run(tree, "check")
    assert result.returncode == 0, result.stderr
    assert "1 chapters in en, 2 sources, 0 clinic files: no problems found" in result.stdout


def test_bad_input_exits_1_with_path_and_line_and_no_traceback(tree):
    tree.write("chapters/en/sample.yaml",
               "title: Sample\nsections:\n  - title: x\n    blocks:\n      - paragraph: [@nobody]\n")
    result = run(tree, "build", "pdf")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tree.chapters}/sample.yaml:5: invalid YAML" in result.stderr
    assert not (tree.root / "build").exists()


def test_unknown_command_exits_2(tree):
    assert run(tree, "publish").returncode == 2


@pytest.mark.slow  # lays out a book of its own
def test_failed_build_keeps_the_last_good_outputs(tree):
    good = run(tree, "build")
    assert good.returncode == 0, good.stderr
    out = tree.root / "build"
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert {"sample-handbook.pdf", "sample-handbook.epub"} <= set(before)

    tree.write("chapters/en/sample.yaml",
               "title: Sample\nsections:\n  - title: x\n    blocks:\n      - paragraph: A [@nobody].\n")
    bad = run(tree, "build")
    assert bad.returncode == 1
    assert "sample.yaml:5: the citation [@nobody] names no source" in bad.stderr
    after = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert after == before  # no new file, no temporary file, no change


def test_editions_json_is_a_ci_matrix(tree):
    tree.write("clinics/riverside.yaml", 'name: Riverside\nphones:\n  clinic: "555 0100"\n')
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")
    result = run(tree, "editions", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["include"]
    assert [(row["clinic"], row["format"], row["output"]) for row in rows] == [
        ("", "pdf", "sample-handbook.pdf"),
        ("", "epub", "sample-handbook.epub"),
        ("riverside", "pdf", "riverside/en/sample-handbook.pdf"),
        ("riverside", "epub", "riverside/en/sample-handbook.epub"),
    ]


@pytest.mark.slow  # runs the command in a process of its own
def test_readability_command_prints_each_chapter(tree):
    result = run(tree, "readability")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("en: SMOG, lower is easier")
    assert len(lines) == 2 and re.fullmatch(r"en sample +SMOG +\d+\.\d +\d+ words", lines[1]), lines


def handbook(tree, *args) -> tuple[int, str, str]:
    """Run the command line in this process (quicker than a process of its own); return its code and output."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--root", str(tree.root), *args])
        except SystemExit as stop:  # argparse's --version and --help
            code = stop.code or 0
    return code, out.getvalue(), err.getvalue()


def test_version(tree):
    from handbook import __version__

    assert handbook(tree, "--version") == (0, f"handbook {__version__}\n", "")
    result = subprocess.run([sys.executable, "-m", "handbook", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == f"handbook {__version__}\n", result


@pytest.mark.parametrize("args, message", [
    (("build", "--layout", "A4"), "handbook: --layout 'A4': the theme has no such layout (did you mean 'a4'?)"),
    (("build", "epub", "--layout", "A4"), "handbook: --layout 'A4': the theme has no such layout"),
    (("editions", "--layout", "a5"), "handbook: --layout 'a5': the theme has no such layout (did you mean 'a4'?)"),
    (("build", "--clinic", "riversid"), "handbook: --clinic 'riversid': no such clinic in the editions"),
    (("check", "--clinic", "nowhere"), "handbook: --clinic 'nowhere': no such clinic in the editions"),
])
def test_a_command_line_value_that_names_nothing_is_a_message(tree, args, message):
    code, _, err = handbook(tree, *args)
    assert code == 1 and message in err and "Traceback" not in err, err
    out = tree.root / "build"
    assert not [path for path in out.rglob("*") if ".cache" not in path.relative_to(out).parts], "written"


def test_a_filter_that_matches_no_edition_is_an_error(tree):
    """The e-book follows the first layout's pages: an e-book of Letter pages is no edition of this book."""
    code, _, err = handbook(tree, "build", "epub", "--layout", "letter")
    assert code == 1
    assert "handbook: no edition matches --layout letter --format epub" in err, err


def test_check_names_a_declared_clinic_and_a_clinic_file_it_does_not_list(tree):
    tree.write("clinics/riverside.yaml", 'name: Riverside\nphones:\n  clinic: "555 0100"\n')
    tree.write("clinics/harbour.yaml", 'name: Harbour\nphones:\n  clinic: "555 0199"\n')
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "  clinics: [clinics/riverside.yaml]\n")
    code, _, err = handbook(tree, "check", "--clinic", "riverside")
    assert code == 0, err
    assert f"{tree.root / 'clinics/harbour.yaml'}: this clinic file is not listed under `editions: clinics:`" in err


def test_cache_info_and_clean(tree):
    assert handbook(tree, "build", "web")[0] == 0
    code, out, _ = handbook(tree, "cache", "info")
    assert code == 0 and "book " in out and "entries" in out, out
    code, out, _ = handbook(tree, "cache", "clean")
    assert code == 0 and "removed" in out
    assert not [path for path in (tree.root / "build" / ".cache").rglob("*") if path.is_file()]
    assert handbook(tree, "build", "web", "--force")[0] == 0


def test_diff_and_translations_can_fail_a_ci_step(tree, tmp_path):
    assert handbook(tree, "build", "web")[0] == 0
    old = tmp_path / "old.json"
    old.write_bytes((tree.root / "build" / "manifest.json").read_bytes())
    assert handbook(tree, "diff", str(old), "--exit-code")[0] == 0
    tree.write("chapters/en/sample.yaml", (tree.chapters / "sample.yaml").read_text().replace("A third", "A fourth"))
    assert handbook(tree, "build", "web")[0] == 0
    code, out, _ = handbook(tree, "diff", str(old), "--exit-code")
    assert code == 1 and "changed  web" in out, out
    assert handbook(tree, "diff", str(old))[0] == 0


def test_labels_of_a_book_go_into_the_book_never_the_installed_theme(tree):
    from handbook.theme import default_theme_dir

    theme = default_theme_dir()
    before = {path: path.read_bytes() for path in theme.rglob("locales/**/*") if path.is_file()}
    code, out, err = handbook(tree, "labels", "--language", "fr")
    assert code == 0, err
    catalogue = tree.root / "layouts" / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    assert f"wrote {catalogue}: " in out and "to translate" in out
    assert {path: path.read_bytes() for path in theme.rglob("locales/**/*") if path.is_file()} == before
