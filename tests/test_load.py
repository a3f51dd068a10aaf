"""The loader and the cross-file checks, on small books: good input, and each bad input
in tests/bad_input/ with the exact `path:line: message` it must produce.

A case in tests/bad_input/ replaces tests' sample chapter, or the file its first line
names (`# file: chapters/book.yaml`); each `# expect: ` line is one message, with its
path relative to that file's folder ({dir}: the chapters folder, {root}: the book).
"""
from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.errors import HandbookError
from handbook.model import Callout, ClinicBlock, Emphasis, ListBlock, Paragraph
from handbook.prepare import prepare

CASES = sorted((Path(__file__).parent / "bad_input").glob("*.yaml"))


def target(case: Path) -> str:
    """Return the file of the book a case replaces."""
    first = case.read_bytes().split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return first.removeprefix("# file: ").strip() if first.startswith("# file: ") else "chapters/en/sample.yaml"


def expected_messages(case: Path, tree, folder: Path | None = None) -> list[str]:
    """Return the `# expect:` lines of a case, with file names made into full paths."""
    folder = folder or (tree.root / target(case)).parent
    lines = case.read_bytes().decode("utf-8", errors="replace").splitlines()
    return [
        str(folder) + "/" + line.removeprefix("# expect: ").replace("{dir}", str(tree.chapters))
        .replace("{root}", str(tree.root))
        for line in lines
        if line.startswith("# expect: ")
    ]


def put_case(tree, case: Path) -> None:
    """Write a case into the book, declaring it as a clinic file if it is one."""
    name = target(case)
    tree.write(name, case.read_bytes())
    if name.startswith("clinics/"):
        book = tree.root / "chapters" / "book.yaml"
        book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")


def problems(tree, **options) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        prepare(tree.project, **options)
    return [str(problem) for problem in raised.value.problems]


def test_good_tree_loads_into_a_frozen_model(tree):
    book, index = tree.load()
    assert book.title == "Sample Handbook"
    assert book.published == datetime.date(2026, 1, 1)
    [chapter] = book.chapters
    assert chapter.id == "sample"
    assert chapter.summary == "What this chapter is about."
    paragraph, bullets, callout, clinic = chapter.sections[0].blocks
    assert isinstance(paragraph, Paragraph) and isinstance(paragraph.text[1], Emphasis)
    assert isinstance(bullets, ListBlock) and not bullets.ordered and len(bullets.items) == 2
    assert isinstance(callout, Callout) and callout.kind == "key-points" and callout.title is None
    assert isinstance(clinic, ClinicBlock) and clinic.key == "fasting"
    assert paragraph.location.line == 6
    with pytest.raises(AttributeError):
        chapter.title = "changed"  # frozen
    assert [entry.source.id for entry in index.entries] == ["alpha", "beta"]
    assert [len(entry.places) for entry in index.entries] == [2, 2]


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_bad_input_is_reported_with_file_and_line(tree, case, capsys):
    put_case(tree, case)
    expected = expected_messages(case, tree)
    assert main(["--root", str(tree.root), "build", "--jobs", "1"]) == 1
    shown = capsys.readouterr().err.splitlines()
    assert shown[:-1] == expected
    assert shown[-1].startswith(f"handbook: {len(expected)} problem")
    assert not (tree.root / "build").exists()  # nothing written, not even the folder


def test_every_problem_is_reported_at_once(tree):
    tree.write("chapters/en/sample.yaml", "title: Sample\nsections:\n  - titel: x\n    blocks: []\n")
    tree.write("chapters/en/extra.yaml", "title: Extra\n")
    found = problems(tree)
    assert len(found) == 3
    assert any("extra.yaml: this chapter is not listed in book.yaml" in line for line in found)
    assert any("sample.yaml:3: a section has an unknown key 'titel'" in line for line in found)


def test_missing_chapter_file_names_the_book_line(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("  - sample\n", "  - sample\n  - missing\n"))
    assert problems(tree) == [f"{book}:14: the chapter 'missing' has no file: "
                              f"{tree.chapters}/missing.yaml does not exist"]


def test_a_chapter_that_is_a_folder_names_the_book_line(tree):
    book = tree.root / "chapters" / "book.yaml"
    (tree.chapters / "sample.yaml").unlink()
    (tree.chapters / "sample.yaml").mkdir()
    assert problems(tree) == [f"{book}:13: the chapter 'sample' has no file: "
                              f"{tree.chapters}/sample.yaml is a folder, not a file"]


def test_bad_date_in_book_file(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("published: 2026-01-01", "published: soon"))
    assert problems(tree) == [f"{book}:4: 'published' must be a date written as YYYY-MM-DD, not 'soon'"]


def test_missing_key_in_book_file_is_a_message_not_a_crash(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("publisher: Test Publisher\n", ""))
    assert problems(tree) == [f"{book}:1: the book file is missing the key 'publisher': who publishes the book"]


def test_unknown_key_in_book_file_suggests_the_right_one(tree):
    book = tree.root / "chapters" / "book.yaml"
    tree.write("chapters/book.yaml", book.read_text().replace("publisher:", "publsher:"))
    assert f"{book}:6: the book file has an unknown key 'publsher'; did you mean 'publisher'?" in problems(tree)


def test_uncited_source_is_reported(tree):
    tree.write("sources/sources.yaml", tree.root.joinpath("sources/sources.yaml").read_text() + """\
  - id: gamma
    title: Unused
    author: null
    date: null
    kind: web article
    note: Never cited.
""")
    assert problems(tree) == [
        f"{tree.root}/sources/sources.yaml:14: the source 'gamma' is never cited in the 'en' chapters "
        f"({tree.chapters}); cite it there or remove it"
    ]


def test_a_source_cited_in_one_language_only_is_reported_in_the_other(tree):
    from conftest import CLINIC_DEFAULTS, SAMPLE_CHAPTER

    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("chapters:", "  es:\n    title: Manual\n    subtitle: Un libro\n"
                                              "    edition: Prueba\nchapters:"))
    tree.write("chapters/es/sample.yaml",
               SAMPLE_CHAPTER.replace("[@beta]", "[@alpha]").replace("@alpha; @beta", "@alpha"))
    tree.write("chapters/es/clinic.yaml", CLINIC_DEFAULTS)
    sources = tree.root / "sources" / "sources.yaml"
    sources.write_text(sources.read_text().replace("kind: web article", "kind: {en: web article, es: artículo web}")
                       .replace("note: A test source.", "note: {en: A test source., es: Una fuente.}")
                       .replace("note: Another test source.", "note: {en: Another test source., es: Otra fuente.}"))
    found = problems(tree)
    never = [line for line in found if "never cited" in line]
    assert never == [f"{tree.root}/sources/sources.yaml:8: the source 'beta' is never cited in the 'es' chapters "
                     f"({tree.root}/chapters/es); cite it there or remove it"], found


def test_clinic_file_is_laid_over_the_defaults(tree):
    clinic = tree.write("clinics/riverside.yaml", """\
name: Riverside Clinic
phones:
  clinic: "555 0100"
  parking:
    label: Parking office
    number: "555 0101"
instructions:
  fasting: Do not eat for six hours before a session.
""")
    handbook = prepare(tree.project, clinic_files=(clinic,))
    details = handbook.clinic("riverside", "en")
    assert details.name == "Riverside Clinic" and details.slug == "riverside"
    assert [(phone.label, phone.number) for phone in details.phones] == [
        ("Your clinic", "555 0100"), ("Parking office", "555 0101")]
    assert details.instruction("fasting") == "Do not eat for six hours before a session."
    assert handbook.books["en"].clinic.instruction("fasting").startswith("Your clinic will tell you")


def test_a_clinic_edition_must_fill_every_phone_line(tree):
    clinic = tree.write("clinics/riverside.yaml", "name: Riverside Clinic\n")
    assert problems(tree, clinic_files=(clinic,)) == [
        f"{clinic}:1: the phone line 'clinic' (Your clinic) has no number; a clinic edition must give one: "
        "add `clinic: \"...\"` under phones"]


def test_clinic_file_mistakes_are_reported_with_lines(tree):
    clinic = tree.write("clinics/riverside.yaml", """\
name: Riverside Clinic
phones:
  clinc: "555 0100"
instructions:
  parking: Park at the back.
""")
    found = problems(tree, clinic_files=(clinic,))
    assert f"{clinic}:3: the book has no phone line 'clinc'; did you mean 'clinic'? Or give a new line as " \
           "{label: ..., number: ...}" in found
    assert f"{clinic}:5: the book has no place for an instruction 'parking'; expected one of: fasting" in found


def test_clinic_file_without_a_name_is_a_message_not_a_crash(tree):
    clinic = tree.write("clinics/riverside.yaml", "phones:\n  clinic: \"555\"\n")
    assert problems(tree, clinic_files=(clinic,)) == [
        f"{clinic}:1: the clinic file is missing the key 'name': the clinic's name, printed on the cover and title "
        "page: text, or text per language ({en: ..., es: ...})"]


# --- Pictures, links and files from outside the book ---------------------------------------

FIGURE = """\
title: Sample
sections:
  - title: First
    blocks:
      - figure:
          src: images/picture.png
          alt: A picture.
          caption: A fact [@alpha] [@beta].
"""


def png_header(width: int, height: int) -> bytes:
    """Return the start of a PNG that claims a size: enough for Pillow to read the size, and no more."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    # One bit per pixel, and a first row of compressed data: Pillow reads the size, never the rest.
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * (width // 8 + 1))) + chunk(b"IEND", b""))


def png(width: int = 40, height: int = 30) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, format="PNG")
    return out.getvalue()


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
       b'<script>alert(1)</script><image xlink:href="file:///etc/passwd"/>'
       b'<image href="https://example.org/a.png"/></svg>\n')

IMAGES = {
    "empty": (b"", "is an empty file"),
    "text": (b"just some words\n", "is not a PNG or JPEG file"),
    "svg": (SVG, "is an SVG drawing, which is refused (it can load other files and run scripts); export it as a PNG"),
    "truncated": (png()[:60], "is damaged or not really a PNG or JPEG file (image file is truncated)"),
    "png-start-then-svg": (b"\x89PNG\r\n\x1a\n" + SVG, "is damaged or not really a PNG or JPEG file"),
    "huge": (png_header(8000, 6000), "is 8000 × 6000 pixels; at most 40,000,000 pixels (such as 8000 × 5000) are "
             "used: make it smaller"),
    "decompression-bomb": (png_header(100_000, 100_000), "is far too many pixels to open (a decompression bomb?); "
                           "make it smaller"),
}


@pytest.mark.parametrize("kind", IMAGES)
def test_a_picture_that_is_not_a_good_png_or_jpeg_is_refused_with_its_line(tree, kind):
    data, message = IMAGES[kind]
    tree.write("chapters/en/images/picture.png", data)
    chapter = tree.write("chapters/en/sample.yaml", FIGURE)
    [found] = problems(tree)
    assert found.startswith(f"{chapter}:6: the image 'images/picture.png' {message}")


def test_a_good_picture_is_decoded_and_kept(tree):
    tree.write("chapters/en/images/picture.png", png())
    tree.write("chapters/en/sample.yaml", FIGURE.replace("A fact", "A fact [@alpha] [@beta]. More"))
    book, _ = tree.load()
    [figure] = book.chapters[0].sections[0].blocks
    assert figure.media_type == "image/png" and figure.path == (tree.chapters / "images/picture.png").resolve()


def test_a_good_picture_damaged_between_two_checks_is_refused_at_the_second(tree):
    """A picture decoded once is not decoded again while its bytes are the same (the preview
    checks the book at every save), and is as soon as they change."""
    tree.write("chapters/en/images/picture.png", png())
    chapter = tree.write("chapters/en/sample.yaml", FIGURE.replace("A fact", "A fact [@alpha] [@beta]. More"))
    assert tree.load()[0].chapters[0].sections[0].blocks[0].media_type == "image/png"
    tree.write("chapters/en/images/picture.png", png()[:60])
    assert problems(tree) == [f"{chapter}:6: the image 'images/picture.png' is damaged or not really a PNG or "
                              "JPEG file (image file is truncated)"]


def test_a_picture_linked_from_outside_the_book_is_refused(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.png").write_bytes(png())
    (tree.chapters / "images").mkdir()
    (tree.chapters / "images" / "picture.png").symlink_to(outside / "secret.png")
    chapter = tree.write("chapters/en/sample.yaml", FIGURE)
    assert problems(tree) == [f"{chapter}:6: the image 'images/picture.png' is a link to a file outside the "
                              "chapters folder; copy the picture into the folder instead"]
    (tree.chapters / "images" / "picture.png").unlink()
    (tree.chapters / "images").rmdir()
    (tree.chapters / "images").symlink_to(outside)  # a linked folder, too
    (outside / "picture.png").write_bytes(png())
    assert problems(tree) == [f"{chapter}:6: the image 'images/picture.png' is a link to a file outside the "
                              "chapters folder; copy the picture into the folder instead"]


def test_a_picture_that_links_to_itself_is_a_message(tree):
    (tree.chapters / "images").mkdir()
    (tree.chapters / "images" / "picture.png").symlink_to("picture.png")
    chapter = tree.write("chapters/en/sample.yaml", FIGURE)
    assert problems(tree) == [
        f"{chapter}:6: the image 'images/picture.png' is a symbolic link that leads back to itself"]


@pytest.mark.parametrize("name", ["chapters/en/sample.yaml", "chapters/en/clinic.yaml", "chapters/book.yaml",
                                  "sources/sources.yaml", "clinics/riverside.yaml"])
def test_a_book_file_linked_from_outside_the_book_is_not_read(tree, tmp_path_factory, name):
    if name.startswith("clinics/"):
        tree.write(name, 'name: Riverside\nphones:\n  clinic: "555 0100"\n')
        book = tree.root / "chapters" / "book.yaml"
        book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")
    outside = tmp_path_factory.mktemp("outside") / "copy.yaml"
    path = tree.root / name
    outside.write_bytes(path.read_bytes())  # valid, so only the link is wrong
    path.unlink()
    path.symlink_to(outside)
    place = {"chapters": "the book's chapters/ folder", "sources": "the book's sources/ folder",
             "clinics": "the book folder"}[name.split("/")[0]]
    assert problems(tree) == [f"{path}: is a link to a file in {outside.parent}, outside {place} (or in a hidden "
                              "folder or the output folder); a build reads only the book's own files (copy the "
                              "file into its place instead of linking to it)"]


def test_a_clinic_file_named_on_the_command_line_may_be_anywhere(tree, tmp_path_factory):
    clinic = tmp_path_factory.mktemp("elsewhere") / "riverside.yaml"
    clinic.write_text('name: Riverside\nphones:\n  clinic: "555 0100"\n')
    assert prepare(tree.project, clinic_files=(clinic,)).clinic("riverside", "en").name == "Riverside"


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tree):
    import os

    clinic = tree.root / "clinic-pipe.yaml"
    os.mkfifo(clinic)
    assert problems(tree, clinic_files=(clinic,)) == [f"{clinic}: is not a file (a device or a pipe)"]


# --- Byte-order marks and Windows line ends simply work -----------------------------------


@pytest.mark.parametrize("name", ["chapters/en/sample.yaml", "chapters/en/clinic.yaml", "chapters/book.yaml",
                                  "sources/sources.yaml", "clinics/riverside.yaml"])
def test_a_byte_order_mark_and_crlf_line_ends_change_nothing(tree, name):
    tree.write("clinics/riverside.yaml", 'name: Riverside\nphones:\n  clinic: "555 0100"\n')
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")
    before = prepare(tree.project)
    path = tree.root / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    after = prepare(tree.project)
    assert repr(after.books) == repr(before.books) and after.settings == before.settings
    assert after.clinic("riverside", "en") == before.clinic("riverside", "en")
    assert after.books["en"].chapters[0].sections[0].blocks[0].location.line == 6  # lines still count right


def test_check_reads_every_language_and_every_clinic_file_the_book_declares(tree, capsys):
    """`handbook check` checks what any build could use, not only what the editions list builds."""
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("chapters:\n", "  es:\n    title: Manual\n    subtitle: Un libro\n"
                                             "    edition: Primera edición\nchapters:\n")
                    + "  languages: [en]\n  clinics: [clinics/*.yaml]\n")
    tree.write("chapters/es/sample.yaml", (tree.chapters / "sample.yaml").read_text().replace("summary:", "sumary:"))
    tree.write("chapters/es/clinic.yaml", (tree.chapters / "clinic.yaml").read_text())
    sources = tree.root / "sources" / "sources.yaml"
    sources.write_text(sources.read_text().replace("kind: web article", "kind: {en: web article, es: artículo}")
                       .replace("note: ", "note: \n      en: "))
    tree.write("clinics/northside.yaml", 'name: Northside\nphones:\n  clinic: "555 0100"\n')
    riverside = tree.write("clinics/riverside.yaml", 'name: Riverside\nphones:\n  clinic: "555 0100"\n  fax: 5\n')
    assert main(["--root", str(tree.root), "check"]) == 1
    assert capsys.readouterr().err.splitlines()[:-1] == [
        f"{tree.root}/chapters/es/sample.yaml:2: a chapter has an unknown key 'sumary'; did you mean 'summary'?",
        f"{riverside}:4: 'fax' must be text or an extra phone line, not the number 5",
        f"{sources}:8: this text has no 'es' version; add `es: ...`",
        f"{sources}:15: this text has no 'es' version; add `es: ...`",
    ]


@pytest.fixture(scope="module")
def built_tree(tmp_path_factory):
    """Return a small book with its outputs built: the last good outputs a bad input must keep."""
    from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML, Tree

    tree = Tree(tmp_path_factory.mktemp("built"))
    for name, text in (("chapters/book.yaml", BOOK_YAML), ("chapters/en/sample.yaml", SAMPLE_CHAPTER),
                       ("chapters/en/clinic.yaml", CLINIC_DEFAULTS), ("sources/sources.yaml", SOURCES_YAML)):
        tree.write(name, text)
    assert main(["--root", str(tree.root), "build", "--jobs", "1"]) == 0
    return tree.root


@pytest.mark.parametrize("name", ["book-duplicate-key", "unknown-key", "sources-http-url", "defaults-typo",
                                  "clinic-no-name", "image-file-url", "emoji"])
def test_bad_input_of_each_kind_keeps_the_last_good_outputs(built_tree, tmp_path, name, capsys):
    from conftest import Tree

    root = tmp_path / "book"
    shutil.copytree(built_tree, root)
    out = root / "build"
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    put_case(Tree(root), Path(__file__).parent / "bad_input" / f"{name}.yaml")
    assert main(["--root", str(root), "build", "--jobs", "1", "--force"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


@pytest.mark.parametrize("name", ["title", "nav", "cover", "sources"])
def test_a_chapter_may_not_take_the_name_of_a_file_the_e_book_makes(tree, name):
    chapter = (tree.chapters / "sample.yaml").rename(tree.chapters / f"{name}.yaml")
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("  - sample\n", f"  - {name}\n"))
    assert problems(tree) == [f"{chapter}:1: the chapter id {name!r} is one the editions make for themselves (their "
                              "cover, contents, sources, pages and headings); rename the chapter's file"]


@pytest.mark.parametrize("name", ["index", "search"])
def test_a_chapter_may_not_take_the_name_of_a_page_of_the_site_and_check_says_so(tree, name, capsys):
    """Said by `check`, before any job: the web job said it only after the PDF and e-book were written."""
    chapter = (tree.chapters / "sample.yaml").rename(tree.chapters / f"{name}.yaml")
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("  - sample\n", f"  - {name}\n"))
    message = (f"{chapter}:1: the chapter id {name!r} would be the web edition's {name}.html page, which the site "
               "uses itself; rename the chapter's file")
    assert main(["--root", str(tree.root), "check"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == message
    assert main(["--root", str(tree.root), "build", "pdf", "epub", "--jobs", "1"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == message
    assert not (tree.root / "build").exists()


def test_every_name_an_edition_gives_its_own_files_is_reserved():
    from handbook.analyse.check import MADE_IDS, WEB_PAGES
    from handbook.epub.xhtml import NAMES as EPUB_NAMES
    from handbook.web.site import NAMES as WEB_NAMES, RESERVED

    made = MADE_IDS | WEB_PAGES
    assert {name.removesuffix(".html") for name in RESERVED} <= made
    assert {name.removesuffix(".xhtml") for name in EPUB_NAMES.values()} | set(EPUB_NAMES) | set(WEB_NAMES) <= made


def test_a_picture_may_have_a_version_for_a_print_layout(tree):
    import io

    from PIL import Image

    from handbook.model import Figure

    def picture(kind: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, format=kind)
        return out.getvalue()

    tree.write("chapters/en/images/steps.png", picture("PNG"))
    tree.write("chapters/en/images/steps.large-print.png", picture("PNG"))
    tree.write("chapters/en/images/steps.Not An Id.png", picture("PNG"))  # not a layout's name: left alone
    tree.write("chapters/en/sample.yaml", (tree.chapters / "sample.yaml").read_text() + """\
      - figure:
          src: images/steps.png
          alt: Steps in a row.
          caption: The steps [@alpha].
""")
    book, _ = tree.load()
    figure = book.chapters[0].sections[0].blocks[-1]
    assert isinstance(figure, Figure)
    assert [layout for layout, _ in figure.variants] == ["large-print"]
    assert figure.path_for("large-print").name == "steps.large-print.png"
    assert figure.path_for("a4") == figure.path
    # A version must be the same kind of picture as the one it stands for.
    tree.write("chapters/en/images/steps.large-print.png", picture("JPEG"))
    assert problems(tree) == [f"{tree.chapters}/sample.yaml:17: steps.large-print.png must be the same kind of "
                              "image as steps.png"]
