"""Nothing from outside the book and its theme gets into an output, and the same sources give
the same bytes wherever they are built and whoever builds them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import EPOCH, ROOT
from handbook.cli import main
from handbook.theme import default_theme_dir

THEME = default_theme_dir()
FONT = "fonts/atkinson-hyperlegible-latin-400-normal.woff2"


def build(root: Path, *args: str) -> int:
    return main(["--root", str(root), "build", "--jobs", "1", *args])


def outputs(root: Path) -> list[Path]:
    """Return the PDFs and e-books a build wrote, not those it keeps in its cache (.cache/outputs)."""
    return sorted(path for path in (root / "build").rglob("*")
                  if path.suffix in (".pdf", ".epub") and ".cache" not in path.relative_to(root / "build").parts)


def link_out(tree, name: str, original: Path) -> Path:
    """Replace a book file with a link to an exact copy of it outside the book; return the copy's folder."""
    outside = tree.root.parent / "outside"
    outside.mkdir(exist_ok=True)
    copy = outside / Path(name).name
    shutil.copyfile(original, copy)
    link = tree.root / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(copy)
    return outside


LINKS = {
    "chapter": ("chapters/en/sample.yaml", None),
    "sources": ("sources/sources.yaml", None),
    "clinic defaults": ("chapters/en/clinic.yaml", None),
    "font": (f"layouts/{FONT}", THEME / FONT),
    "extra font": ("layouts/fonts/extra.woff2", THEME / FONT),
    "e-book stylesheet": ("layouts/epub/epub.css", THEME / "epub/epub.css"),
    "print stylesheet": ("layouts/print/print.css", THEME / "print/print.css"),
    "template": ("layouts/print/book.html.j2", THEME / "print/book.html.j2"),
    "theme file": ("layouts/theme.yaml", THEME / "theme.yaml"),
    "catalogue": ("layouts/locales/en/LC_MESSAGES/messages.po", THEME / "locales/en/LC_MESSAGES/messages.po"),
}


@pytest.mark.parametrize("kind", LINKS)
def test_a_link_out_of_the_book_is_refused_and_nothing_is_written(tree, kind, capsys):
    name, original = LINKS[kind]
    outside = link_out(tree, name, original or tree.root / name)
    assert build(tree.root) == 1
    error = capsys.readouterr().err
    assert f"{tree.root / name}: is a link to a file in {outside}, outside the book's " in error, error
    assert "Traceback" not in error
    assert not (tree.root / "build").exists()


def test_a_declared_clinic_file_that_links_out_is_refused(tree, capsys):
    tree.write("chapters/book.yaml", (tree.root / "chapters/book.yaml").read_text() + "  clinics: [clinics/*.yaml]\n")
    outside = tree.root.parent / "elsewhere"
    outside.mkdir()
    (outside / "riverside.yaml").write_text('name: Riverside\nphones:\n  clinic: "555 0100"\n')
    (tree.root / "clinics").mkdir()
    (tree.root / "clinics/riverside.yaml").symlink_to(outside / "riverside.yaml")
    assert build(tree.root) == 1
    error = capsys.readouterr().err
    assert f"clinics/riverside.yaml: is a link to a file in {outside}, outside the book folder" in error, error
    assert not (tree.root / "build").exists()


def test_a_folder_that_links_out_is_named_once(tree, capsys):
    outside = tree.root.parent / "theirs"
    shutil.copytree(THEME / "print", outside)
    (tree.root / "layouts").mkdir()
    (tree.root / "layouts/print").symlink_to(outside)
    assert build(tree.root) == 1
    error = capsys.readouterr().err
    link = tree.root / "layouts/print"
    assert f"{link}: is a link to the folder {outside}, outside the book's layouts/" in error, error
    assert error.count(str(outside)) == 1  # the link, not each file in it
    assert not (tree.root / "build").exists()


def test_links_inside_their_place_are_followed(tree, capsys):
    shared = tree.write("chapters/shared/sample.yaml", (tree.chapters / "sample.yaml").read_text())
    (tree.chapters / "sample.yaml").unlink()
    (tree.chapters / "sample.yaml").symlink_to(shared)
    assert main(["--root", str(tree.root), "check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("name, target", [
    ("layouts/epub/epub.css", ".git/config"),  # the credentials a CI checkout keeps there
    ("chapters/en/sample.yaml", "notes/sample.yaml"),  # in the book, but not among the chapters
    ("sources/sources.yaml", "chapters/en/sample.yaml"),
    ("layouts/print/print.css", "build/stolen.css"),
    ("chapters/en/clinic.yaml", ".venv/clinic.yaml"),
])
def test_a_link_to_a_file_of_another_kind_inside_the_book_is_refused(tree, capsys, name, target):
    secret = tree.write(target, "[http]\n  extraheader = AUTHORIZATION: basic SECRET\n")
    link = tree.root / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    assert build(tree.root) == 1
    error = capsys.readouterr().err
    assert f"{link}: is a link to a file in {secret.parent}, outside " in error, error
    assert not outputs(tree.root)


def test_a_template_that_reaches_out_is_a_path_line_problem(tree, capsys):
    tree.write("layouts/print/book.html.j2", "<html>\n{% include '../../../../etc/hostname' %}\n</html>\n")
    assert build(tree.root, "pdf") == 1
    error = capsys.readouterr().err
    assert f"{tree.root / 'layouts/print/book.html.j2'}:2: no template '../../../../etc/hostname'" in error, error
    assert not outputs(tree.root)


def test_a_file_in_fonts_that_is_not_a_font_is_refused(tree, capsys):
    tree.write("layouts/fonts/notes.woff2", "not a font\n")
    assert build(tree.root) == 1
    error = capsys.readouterr().err
    assert f"{tree.root / 'layouts/fonts/notes.woff2'}: is not a WOFF2 font file" in error, error
    assert not (tree.root / "build").exists()


@pytest.mark.parametrize("epoch, message", [
    ("", "SOURCE_DATE_EPOCH: is set but empty"),
    ("4354819200", "SOURCE_DATE_EPOCH: must be between 0 (1970) and 4354819199 (the end of 2107"),
    ("99999999999999999999999", "SOURCE_DATE_EPOCH: must be between 0 (1970)"),
])
def test_a_source_date_epoch_no_e_book_can_hold_gets_a_clear_message(tree, epoch, message):
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree.root), "build"],
                            capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH=epoch))
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tree.root / "build").exists()


def test_the_next_build_removes_what_a_killed_one_left(tree, capsys):
    """Any build clears them as it takes the output folder's lock: the web edition, the quickest, will do."""
    out = tree.root / "build"
    leftovers = [out / ".sample-handbook.pdf.k_zatbl9.handbook-tmp",
                 out / "riverside/en/.sample-handbook.epub.x1.handbook-tmp",
                 out / ".cache/pages/.a4.json.q2.handbook-tmp"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    kept = [out / ".keep", out / ".notes.txt.tmp"]  # the user's own, even with a temporary's look
    for path in kept:
        path.write_text("the user's own")
    assert build(tree.root, "web") == 0, capsys.readouterr().err
    assert not [path for path in leftovers if path.exists()]
    assert all(path.exists() for path in kept)


def _reproducible_book(root: Path) -> None:
    """Write the sample book with a picture and a clinic: every kind of input an edition has."""
    from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML

    files = {
        "chapters/book.yaml": BOOK_YAML + "  clinics: [clinics/*.yaml]\n",
        "chapters/en/sample.yaml": SAMPLE_CHAPTER + "      - figure:\n          src: images/steps.png\n"
                                   "          alt: Three steps.\n          caption: The steps [@alpha].\n",
        "chapters/en/clinic.yaml": CLINIC_DEFAULTS,
        "sources/sources.yaml": SOURCES_YAML,
        "clinics/riverside.yaml": 'name: Riverside\nphones:\n  clinic: "555 0100"\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "chapters/en/images").mkdir()
    shutil.copyfile(ROOT / "chapters/en/images/treatment-steps.png", root / "chapters/en/images/steps.png")


@pytest.mark.slow  # builds in fresh processes, in two folders, as two users
def test_the_same_sources_give_the_same_bytes_in_any_folder_for_anyone(tmp_path):
    roots = [tmp_path / "one" / "book", tmp_path / "a longer, other folder" / "o'brien's copy"]
    environments = [
        dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, TZ="UTC", LC_ALL="C", PYTHONHASHSEED="1"),
        dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, TZ="Pacific/Kiritimati", LC_ALL="C.UTF-8", PYTHONHASHSEED="2",
             HOME=str(tmp_path), USER="someone-else", LOGNAME="someone-else"),
    ]
    for root, env in zip(roots, environments, strict=True):
        _reproducible_book(root)
        result = subprocess.run([sys.executable, "-m", "handbook", "build", "--jobs", "1"], cwd=root,
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
    built = [{path.relative_to(root / "build").as_posix(): path.read_bytes() for path in outputs(root)}
             for root in roots]
    assert sorted(built[0]) == ["riverside/en/sample-handbook.epub", "riverside/en/sample-handbook.pdf",
                                "sample-handbook.epub", "sample-handbook.pdf"]
    for name in built[0]:
        assert built[0][name] == built[1][name], f"{name} differs between the two folders"
    manifests = [(root / "build/manifest.json").read_text() for root in roots]
    assert manifests[0] == manifests[1]
    assert str(roots[0]) not in manifests[0]

    # What used to carry the folder: the PDF's /ID and the picture's XObject name.
    names = []
    for root in roots:
        with pikepdf.open(root / "build/sample-handbook.pdf") as pdf:
            images = {str(name) for page in pdf.pages for name in page.resources.get("/XObject", {}).keys()}
            names.append((images, [bytes(part) for part in pdf.trailer.get("/ID", [])]))
    assert names[0][0], "the test book's picture is in the PDF"
    assert names[0] == names[1]
