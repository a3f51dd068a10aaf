"""A book's own look in one place: its colour, its logo and stylesheets of its own, in the book file
(issue 29); and a default theme file copied into the book to change it."""
from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from handbook.cli import main

THEME = """\
theme:
  accent: "#7a1f1f"
  logo: logo.png
  stylesheets:
    web: [web/ours.css]
    epub: [epub/ours.css]
"""


def _png(colour=(0, 90, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 60), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def branded(tree):
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("chapters:\n", THEME + "chapters:\n", 1))
    tree.write("layouts/logo.png", _png())
    tree.write("layouts/web/ours.css", ".site-title { letter-spacing: 0.01em; }\n")
    tree.write("layouts/epub/ours.css", "h1 { letter-spacing: 0.01em; }\n")
    return tree


def test_the_web_edition_takes_the_colour_the_logo_and_the_stylesheet(branded, capsys):
    assert main(["--root", str(branded.root), "build", "web"]) == 0, capsys.readouterr().err
    site = branded.root / "build" / "web"
    index = (site / "index.html").read_text()
    assert "@media not (prefers-color-scheme: dark) { :root { --accent: #7a1f1f; } }" in index
    assert '<img class="site-logo" src="images/logo.png"' in index and (site / "images/logo.png").read_bytes() == _png()
    assert '<link rel="stylesheet" href="css/ours.css">' in index
    assert (site / "css/ours.css").read_text().startswith(".site-title")


@pytest.mark.slow  # lays the e-book's A4 pages out
def test_the_e_book_cover_takes_the_colour_and_the_logo(branded, capsys):
    assert main(["--root", str(branded.root), "build", "epub"]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(branded.root / "build" / "sample-handbook.epub") as epub:
        cover = Image.open(io.BytesIO(epub.read("EPUB/images/cover.png"))).convert("RGB")
        assert cover.getpixel((5, 5)) == (0x7A, 0x1F, 0x1F)
        assert cover.getpixel((130 + 100, 90 + 40)) == (0, 90, 40)  # the logo, on its white plate
        assert epub.read("EPUB/images/logo.png") == _png()
        title = epub.read("EPUB/title.xhtml").decode()
        assert '<img src="images/logo.png"' in title and 'href="css/own-1.css"' in title
        assert epub.read("EPUB/css/own-1.css").startswith(b"h1")


@pytest.mark.slow  # lays a book out
def test_print_takes_the_colour_and_the_logo(branded, capsys, tmp_path):
    assert main(["--root", str(branded.root), "build", "pdf", "--layout", "a4", "--keep-html", str(tmp_path)]) == 0
    html = (tmp_path / "sample-handbook.html").read_text()
    assert "<style>:root { --accent: #7a1f1f; }</style>" in html
    assert '<img class="cover-logo" src="theme/logo.png"' in html
    import pypdfium2

    page = pypdfium2.PdfDocument(branded.root / "build" / "sample-handbook.pdf")[0]
    image = page.render(scale=0.5).to_pil().convert("RGB")
    colours = {image.getpixel((x, y)) for x in range(0, image.width, 20) for y in range(0, image.height, 20)}
    assert (0x7A, 0x1F, 0x1F) in colours and (0, 90, 40) in colours


@pytest.mark.parametrize("change, message", [
    ('accent: "#9cd3ee"', "the accent #9cd3ee has a contrast of 1.6:1 with white; text in it needs 7:1 or more"),
    ('accent: "red"', "'accent' must be a colour written #rrggbb"),
    ("logo: missing.png", "the logo 'missing.png' is not in the book's layouts/ folder"),
    ("logo: web/ours.css", "the logo 'web/ours.css' is not a PNG or JPEG picture"),
    ("stylesheets: {web: [nowhere.css]}", "the web stylesheet 'nowhere.css' is not a .css file in the book's layouts/"),
])
def test_a_mistake_in_the_books_own_look_is_a_message(branded, capsys, change, message):
    book = branded.root / "chapters" / "book.yaml"
    key = change.split(":")[0]
    lines = [line for line in book.read_text().splitlines() if not line.startswith(f"  {key}:")
             and not (key == "stylesheets" and line.startswith(("    web:", "    epub:")))]
    lines.insert(lines.index("theme:") + 1, f"  {change}")
    book.write_text("\n".join(lines) + "\n")
    assert main(["--root", str(branded.root), "check"]) == 1
    error = capsys.readouterr().err
    assert f"{book}:" in error and message in error, error


def test_a_default_theme_file_is_copied_into_the_book_and_used(tree, capsys):
    assert main(["--root", str(tree.root), "theme", "copy", "web/web.css"]) == 0
    own = tree.root / "layouts" / "web" / "web.css"
    assert "copied web/web.css to" in capsys.readouterr().out and own.is_file()
    own.write_text(own.read_text() + "\n.ours { color: #000; }\n")
    assert main(["--root", str(tree.root), "theme", "copy", "web/web.css"]) == 1  # never overwritten
    assert "exists already" in capsys.readouterr().err
    assert main(["--root", str(tree.root), "build", "web"]) == 0
    assert ".ours { color: #000; }" in (tree.root / "build" / "web" / "css" / "web.css").read_text()
    assert main(["--root", str(tree.root), "theme", "copy", "web/none.css"]) == 1
    assert "the default theme has no file 'web/none.css'" in capsys.readouterr().err
