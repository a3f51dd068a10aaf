"""Write a print edition's final HTML where a person (or WeasyPrint alone) can lay it out again.

The HTML a build lays out names every file by a virtual address (file:///book/...,
file:///theme/...) and is given its stylesheets beside it. `--keep-html DIR` writes it as
DIR/<name>.html with the stylesheets linked from its head, and copies the theme's files
into DIR/theme/ and the pictures it shows into DIR/book/, so that `weasyprint DIR/<name>.html
out.pdf` lays out the same pages, and a browser shows the same HTML, as a theme author
debugging a layout wants. It is also how scripts/benchmark.py times WeasyPrint alone.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ..errors import HandbookError, Location, Problem
from ..output import write_atomically
from ..render.context import BOOK_URL, THEME_URL, Context

_BOOK_FILE = re.compile(re.escape(BOOK_URL) + r'([^"\')\s]+)')


def keep_html(folder: Path, name: str, html: str, context: Context) -> Path:
    """Write an edition's final HTML and the files it needs into a folder; return the HTML's path."""
    theme = context.theme
    files = {f"theme/{relative}": path for relative, path in theme.named_files().items()}
    root = context.project.root
    for address in sorted(set(_BOOK_FILE.findall(html))):
        picture = (root / unquote(address)).resolve()
        if picture.is_relative_to(context.project.chapters.resolve()) and picture.is_file():
            files[f"book/{unquote(address)}"] = picture
    links = "".join(f'<link rel="stylesheet" href="theme/{sheet}">\n' for sheet in context.print_layout.stylesheets)
    page = html.replace(BOOK_URL, "book/").replace(THEME_URL, "theme/").replace("</head>", links + "</head>", 1)
    target = folder / f"{name}.html"
    try:
        for relative, path in files.items():
            write_atomically(folder / relative, path.read_bytes())
        write_atomically(target, page.encode("utf-8"))
    except OSError as error:
        raise HandbookError([Problem(Location(folder, 0), f"cannot write the HTML here: {error.strerror}")]) from None
    return target
