"""The command line's exit codes, messages, and what a failed build leaves in the output folder."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT


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
    tree.write("chapters/en/sample.yaml", "title: Sample\nsections:\n  - title: x\n    blocks:\n      - paragraph: [@nobody]\n")
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

    tree.write("chapters/en/sample.yaml", "title: Sample\nsections:\n  - title: x\n    blocks:\n      - paragraph: A [@nobody].\n")
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
    assert result.stdout.startswith("en: SMOG, lower is easier")
    assert "\nen sample" in result.stdout and "SMOG" in result.stdout
