#!/usr/bin/env python3
"""Render sample pages of the standard and large-print editions into docs/images/ (for
docs/editions.md), chosen by what they show rather than by page number, so that they stay
right when the chapters grow.

usage: .venv/bin/python scripts/docs_images.py [--root BOOK] [--out docs/images]   (run by make docs-images)

Needs pdftoppm (Debian: poppler-utils) and the book built into BOOK/build/.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook.editions import Edition, output_path  # noqa: E402
from handbook.prepare import prepare  # noqa: E402
from handbook.project import Project  # noqa: E402

LARGE_PRINT = "large-print"
RESOLUTION = 40


def chapter_pages(pdf: Path) -> dict[str, int]:
    """Return the first page (counting from 1) of each chapter, by the title its bookmark shows."""
    reader = PdfReader(pdf)
    return {item.title: reader.get_destination_page_number(item) + 1
            for item in reader.outline if not isinstance(item, list)}


def anchor_page(pdf: Path, anchor: str) -> int:
    """Return the page (counting from 1) of an element of the print template, by its id."""
    reader = PdfReader(pdf)
    return reader.get_destination_page_number(reader.named_destinations[anchor]) + 1


def render(pdf: Path, page: int, target: Path) -> None:
    """Write one page of a PDF as a PNG."""
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(stem)], check=True)
        shutil.move(stem.with_suffix(".png"), target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    project = Project.at(args.root)
    handbook = prepare(project)
    settings = handbook.settings
    language = settings.languages[0].code
    book = handbook.books[language]
    standard = output_path(project, settings, Edition("", language, settings.standard_layout, "pdf"))
    large = output_path(project, settings, Edition("", language, LARGE_PRINT, "pdf"))
    for pdf in (standard, large):
        if not pdf.is_file():
            raise SystemExit(f"docs_images: {pdf} is missing; build the book first (make)")
    starts = chapter_pages(standard)
    chapters = [chapter for chapter in book.chapters if chapter.title in starts]
    first = chapters[0]
    crisis = book.help_now_chapter or first
    after = chapters[min(chapters.index(crisis) + 1, len(chapters) - 1)]
    # The cover, title page and contents; the first chapter; the crisis chapter with the
    # clinic's numbers to write in; a chapter with callouts, a table and citations.
    pages = {f"standard-{anchor}": anchor_page(standard, anchor) for anchor in ("cover", "title-page", "contents")}
    pages |= {"standard-first-chapter": starts[first.title], "standard-first-chapter-page-2": starts[first.title] + 1,
              "standard-help-now": starts[crisis.title],
              "standard-next-chapter": starts[after.title], "standard-next-chapter-page-2": starts[after.title] + 1}
    large_start = chapter_pages(large)[crisis.title]
    large_pages = {f"large-print-{n}": large_start + n - 1 for n in range(1, 5)}
    args.out.mkdir(parents=True, exist_ok=True)
    # Draw every picture first, beside the old ones, and swap them in only when all are
    # drawn: a failed or interrupted run leaves docs/images/ as it was.
    with tempfile.TemporaryDirectory(dir=args.out, prefix=".drawing-") as folder:
        drawn = Path(folder)
        for pdf, chosen in ((standard, pages), (large, large_pages)):
            for name, page in chosen.items():
                render(pdf, page, drawn / f"{name}.png")
                print(f"{args.out / name}.png: page {page} of {pdf.name}")
        for old in args.out.glob("*.png"):
            if not (drawn / old.name).exists():
                old.unlink()
        for new in sorted(drawn.glob("*.png")):
            new.replace(args.out / new.name)


if __name__ == "__main__":
    main()
