"""Render sample pages of the built editions into docs/images/, for docs/editions.md.

    python scripts/docs_images.py        (run by `make docs-images`, after `make`)

Each page is drawn with pdftoppm at 40 dpi into a temporary folder, and the pictures are
renamed into docs/images/ only when every one of them is drawn, so a failed or
interrupted run leaves the old pictures as they were.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

from handbook.editions import Edition, output_path
from handbook.errors import HandbookError, Problems
from handbook.load.settings import load_settings
from handbook.project import Project
from handbook.theme import load_theme

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "a4": {"standard-01": ("cover", 0), "standard-02": ("title-page", 0), "standard-03": ("contents", 0),
           "standard-04": (0, 0), "standard-05": (0, 1), "standard-06": (1, 0), "standard-08": (2, 0),
           "standard-09": (2, 1)},
    "large-print": {"large-print-05": (0, 0), "large-print-06": (0, 1), "large-print-07": (0, 2),
                    "large-print-08": (0, 3)},
}
"""For each layout, the pictures docs/editions.md shows: where each page is, as an anchor (or
the number of a chapter in the book file's order) and the pages after it. Pages are found by
their anchors, so the pictures stay right when chapters grow or shrink."""


def main() -> int:
    project = Project.at(ROOT)
    problems = Problems()
    theme = load_theme(project, problems)
    settings = load_settings(project, tuple(theme.layouts), problems) if theme else None
    try:
        problems.raise_if_any()
    except HandbookError as error:
        print(error, file=sys.stderr)
        return 1
    target = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory(dir=target, prefix=".drawing-") as scratch:
        drawn = []
        for layout, pictures in PAGES.items():
            pdf = output_path(project, settings, Edition("", settings.languages[0].code, layout, "pdf"))
            if not pdf.is_file():
                print(f"docs_images: {pdf} is missing; run `make` first", file=sys.stderr)
                return 1
            reader = PdfReader(pdf)
            starts = {name: reader.get_destination_page_number(place) + 1
                      for name, place in reader.named_destinations.items()}
            for name, (anchor, after) in pictures.items():
                page = starts[settings.chapters[anchor] if isinstance(anchor, int) else anchor] + after
                stem = Path(scratch) / name
                subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(stem)], check=True)
                drawn.append(stem.with_suffix(".png"))
        for picture in drawn:
            os.replace(picture, target / picture.name)
    print(f"docs_images: {len(drawn)} pages drawn into {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
