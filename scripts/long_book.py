#!/usr/bin/env python3
"""Write a generated book of about N A4 pages, for measuring how build time grows with length.

usage: .venv/bin/python scripts/long_book.py FOLDER --pages N

The book uses only the default theme: chapters of sections with paragraphs, lists, a table
and a callout, every paragraph citing one of four sources, so that the sources appendix,
the tags and the links grow with the book as they do in a real one. The text is filler;
the page count is reached to within a few per cent (one chapter is about seven pages).
"""
from __future__ import annotations

import argparse
from pathlib import Path

PAGES_PER_CHAPTER = 7.3
SOURCES = ("first", "second", "third", "fourth")

BOOK = """\
slug: long-test-book
identifier: urn:uuid:5b0c7a9e-2f0e-4a51-9d8c-1f3e0c6a7b20
version: "1.0"
published: 2026-01-01
review_by: 2027-01-01
publisher: Benchmark Publisher
languages:
  en:
    title: A Long Test Book
    subtitle: Generated to measure build times
    edition: Benchmark edition
chapters:
{chapters}
editions:
  layouts: [a4]
  formats: [pdf, epub]
"""

CLINIC = """\
phones:
  - id: clinic
    label: Your clinic
    number: "555 0100"
instructions: {}
"""

PARAGRAPH = ("Paragraph {n} of part {part} says the same calm thing again in other words, so that the "
             "page fills with ordinary text of ordinary length, with a line or two more to wrap "
             "across the measure and end somewhere new [@{source}].")


def chapter(number: int) -> str:
    """Return the YAML of one chapter of about seven pages."""
    lines = [f"title: Chapter {number}", f"summary: What part {number} of the generated book holds.", "sections:"]
    for section in range(1, 7):
        lines += [f"  - title: Section {number}.{section}", "    blocks:"]
        for n in range(1, 8):
            source = SOURCES[(number + section + n) % len(SOURCES)]
            lines.append(f"      - paragraph: {PARAGRAPH.format(n=n, part=number, source=source)}")
        lines += ["      - bullets:"]
        lines += [f"          - Point {k} of this section [@{SOURCES[k % 4]}]." for k in range(1, 5)]
        if section % 3 == 0:
            lines += ["      - table:", f"          caption: Table of section {number}.{section}",
                      "          header: [Thing, What to do]", "          rows:"]
            lines += [f"            - - Row {k}\n              - Do the usual thing [@{SOURCES[k % 4]}]."
                      for k in range(1, 5)]
        if section % 2 == 0:
            lines += ["      - callout:", "          kind: tip", "          blocks:",
                      "            - paragraph: Ask your care team.", "              guidance: true"]
    return "\n".join(lines) + "\n"


def sources() -> str:
    """Return the sources file: four made-up articles, named as such."""
    lines = ["sources:"]
    for name in SOURCES:
        lines += [f"  - id: {name}", f"    title: The {name} generated article", "    author: Nobody",
                  '    date: "2026"', "    kind: web article", "    note: Made up for the benchmark."]
    return "\n".join(lines) + "\n"


def write_book(folder: Path, pages: int) -> Path:
    """Write a book of about `pages` pages into `folder`; return the folder."""
    count = max(1, round(pages / PAGES_PER_CHAPTER))
    names = [f"part-{n:03d}" for n in range(1, count + 1)]
    (folder / "chapters" / "en").mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "chapters" / "book.yaml").write_text(BOOK.format(chapters="\n".join(f"  - {n}" for n in names)))
    (folder / "chapters" / "en" / "clinic.yaml").write_text(CLINIC)
    for number, name in enumerate(names, start=1):
        (folder / "chapters" / "en" / f"{name}.yaml").write_text(chapter(number))
    (folder / "sources" / "sources.yaml").write_text(sources())
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=100)
    arguments = parser.parse_args()
    write_book(arguments.folder, arguments.pages)


if __name__ == "__main__":
    main()
