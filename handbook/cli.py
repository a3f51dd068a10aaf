"""The command line: `handbook build`, `handbook check`, `handbook readability`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .editions import EDITIONS
from .errors import HandbookError

FORMATS = ("pdf", "epub", "html")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except HandbookError as error:
        print(error, file=sys.stderr)
        count = len(error.problems)
        print(f"handbook: {count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Build the patient handbook.")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the project folder holding chapters/ and layouts/ (default: .)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the PDF editions, the EPUB and the HTML")
    build.add_argument("formats", nargs="*", choices=FORMATS + ((),), metavar="FORMAT",
                       help="pdf, epub or html (default: pdf and epub)")
    build.add_argument("--edition", action="append", choices=sorted(EDITIONS) + ["all"],
                       help="a print edition (repeatable; default: all)")
    build.add_argument("--clinic", type=Path, help="a clinic file laid over chapters/clinic.yaml")
    build.add_argument("--out", type=Path, help="the output folder (default: build/)")
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="load and check the sources without building")
    check.add_argument("--clinic", type=Path, help="a clinic file laid over chapters/clinic.yaml")
    check.set_defaults(run=_check)

    readability = commands.add_parser("readability", help="print each chapter's reading grade (SMOG)")
    readability.add_argument("--max", type=float, default=None,
                             help="exit 1 if any chapter's grade is above this")
    readability.set_defaults(run=_readability)
    return parser


def _project(args):
    from .build import Project

    return Project.at(args.root, getattr(args, "out", None), getattr(args, "clinic", None))


def _build(args) -> int:
    from .build import build

    formats = list(args.formats) or ["pdf", "epub"]
    editions = sorted(EDITIONS) if not args.edition or "all" in args.edition else args.edition
    for path in build(_project(args), formats, editions):
        print(f"wrote {path}")
    return 0


def _check(args) -> int:
    from .build import load

    book, _ = load(_project(args))
    print(f"{len(book.chapters)} chapters and {len(book.sources)} sources: no problems found")
    return 0


def _readability(args) -> int:
    from .build import load
    from .readability import chapter_grades

    book, _ = load(_project(args))
    worst = 0.0
    for chapter, grade in chapter_grades(book):
        worst = max(worst, grade.smog)
        print(f"{chapter.id:<20} SMOG {grade.smog:4.1f}   Flesch-Kincaid {grade.flesch_kincaid:4.1f}   "
              f"{grade.words:5d} words")
    if args.max is not None and worst > args.max:
        print(f"handbook: a chapter reads above grade {args.max:g}", file=sys.stderr)
        return 1
    return 0
