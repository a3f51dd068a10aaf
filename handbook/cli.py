"""The command line: each command's arguments (what each does is in commands.py)."""
from __future__ import annotations

import argparse
import datetime
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from . import __version__, commands
from .editions import FORMATS
from .errors import HandbookError


class Terminated(KeyboardInterrupt):
    """SIGTERM (what a CI timeout or `kill` sends), handled as Ctrl-C is: temporaries removed, then stop."""


_MAIN = os.getpid()


def _terminate(signum: int, frame: FrameType | None) -> None:
    _stop_once()
    raise Terminated


def _interrupt(signum: int, frame: FrameType | None) -> None:
    _stop_once()
    raise KeyboardInterrupt


def _stop_once() -> None:
    """In the main process, ignore any further stop while this one is handled: GNU Make sends
    its children a SIGTERM of its own after the one sent to the whole group, and a second stop
    arriving while the first is reported would end in a traceback."""
    if os.getpid() == _MAIN:  # workers are forked with these handlers, and are killed, not asked
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    global _MAIN
    parser = _parser()
    args = parser.parse_args(argv)
    _MAIN = os.getpid()
    handlers = {signal.SIGTERM: _terminate}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where it came in ignored (`&`)
        handlers[signal.SIGINT] = _interrupt
    previous = {number: signal.signal(number, handler)  # worker processes are forked, and inherit them
                for number, handler in handlers.items()}
    try:
        status: int = args.run(args)  # the command's function, which set_defaults(run=...) named
        return status
    except BrokenPipeError:  # `handbook ... | head`
        return 0
    except HandbookError as error:
        print(error, file=sys.stderr)
        count = len(error.problems)
        print(f"handbook: {count} problem{'s' if count != 1 else ''}; nothing more was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        print("handbook: interrupted; every output is as it was or complete", file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(stop, Terminated) else signal.SIGINT)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Build patient handbooks: print-ready PDFs and "
                                     "EPUB e-books, for every clinic, language and layout.")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the book folder, holding chapters/ and sources/ (default: the current folder)")
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    subcommands = parser.add_subparsers(required=True, metavar="COMMAND")

    new = subcommands.add_parser("new", help="start a new book in an empty folder: a complete starter that builds "
                                 "at once, with a CI workflow")
    new.add_argument("folder", type=Path, metavar="DIR", help="the new book's folder (new, or empty)")
    new.add_argument("--language", action="append", metavar="CODE",
                     help="a language of the book, the first the one the others are translated from "
                     "(repeatable; default: en)")
    new.add_argument("--install", metavar="SPEC", default=None,
                     help="what the book's CI installs with pip (default: this tool's version, "
                     "handbook==VERSION; a git URL with a tag works too)")
    new.set_defaults(run=commands.new)

    build = subcommands.add_parser("build", help="build the editions the book file declares, or some of them")
    build.add_argument("formats", nargs="*", metavar="FORMAT", help="pdf, epub or web (default: the book's formats)")
    _filters(build)
    build.add_argument("--out", type=Path, help="the output folder (default: build/ in the book folder)")
    build.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    build.add_argument("--force", action="store_true", help="build even the editions whose inputs have not changed")
    build.add_argument("--draft", action="store_true", help="build drafts, not for patients, into drafts/ in the "
                       "output folder: overdue chapter reviews, unfinished translations and words not yet approved "
                       "are allowed, and every edition says it is a draft")
    build.add_argument("--keep-html", type=Path, metavar="DIR", help="also write each print edition's final HTML "
                       "into DIR, with its stylesheets, fonts and pictures beside it, so that `weasyprint "
                       "DIR/NAME.html out.pdf` lays out the same pages (for debugging a theme in a browser)")
    build.add_argument("--make-stamp", type=Path, help=argparse.SUPPRESS)  # for the Makefile
    build.set_defaults(run=commands.build)

    check = subcommands.add_parser("check", help="load and check the book, every language and every clinic file; "
                                "write nothing")
    check.add_argument("--clinic", action="append", default=[], metavar="NAME|FILE",
                       help="check this clinic file too, or only this declared clinic")
    check.add_argument("--draft", action="store_true", help="check as for a draft: overdue reviews, unfinished "
                       "translations and words not yet approved are allowed")
    check.set_defaults(run=commands.check)

    editions = subcommands.add_parser("editions", help="list the editions a build makes")
    _filters(editions)
    editions.add_argument("--json", action="store_true", help="print them as a CI matrix (GitHub Actions' include)")
    editions.add_argument("--draft", action="store_true", help="the editions of a draft build, under drafts/")
    editions.add_argument("--max-jobs", type=int, default=None, metavar="N",
                          help="with --json: at most N rows; past that, one row per group of whole clinics "
                          "(default: 256, GitHub's limit for one matrix; 0: no limit)")
    editions.set_defaults(run=commands.editions)

    serve = subcommands.add_parser("serve", help="preview the web edition while writing: build it, serve it on "
                                "localhost and build again, reloading the page, whenever a file changes")
    serve.add_argument("--clinic", metavar="NAME|FILE", help="preview this clinic's edition (default: the book's own)")
    serve.add_argument("--language", metavar="CODE", help="preview this language (default: the book's first)")
    serve.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000; 0: any free port)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to serve on (default: 127.0.0.1, this "
                       "computer only)")
    serve.add_argument("--draft", action="store_true", help="preview as a draft: overdue chapter reviews are allowed")
    serve.add_argument("--open", action="store_true", help="open the preview in the web browser")
    serve.set_defaults(run=commands.serve)

    diff = subcommands.add_parser("diff", help="say which editions changed between two manifests")
    diff.add_argument("old", type=Path, help="an older build/manifest.json, or a folder of them (a CI run's "
                      "artifacts)")
    diff.add_argument("new", type=Path, nargs="?", help="a newer one (default: build/manifest.json)")
    diff.add_argument("--exit-code", action="store_true", help="exit 1 if any edition changed (as `git diff` does)")
    diff.set_defaults(run=commands.diff)

    translations = subcommands.add_parser("translations", help="show what to translate again, or record that a "
                                       "translation has caught up")
    translations.add_argument("action", choices=("status", "stamp"),
                              help="status: list each stale, missing or differently cited block; stamp: record the "
                              "current source in each translated chapter")
    translations.add_argument("--language", action="append", metavar="CODE",
                              help="a translated language (default: every language but the first)")
    translations.add_argument("--chapter", action="append", metavar="ID", help="only this chapter (stamp)")
    translations.add_argument("--check", action="store_true", help="status: exit 1 if anything is to translate again")
    translations.set_defaults(run=commands.translations)

    approve = subcommands.add_parser("approve", help="record that someone, in a role the book's policy lists, "
                                  "approved the current words of a chapter (or of every part) in a language")
    approve.add_argument("--chapter", action="append", metavar="ID", help="a chapter id, or _book (the book file's "
                         "front matter), _sources (the sources appendix), _clinic (the clinic defaults); repeatable")
    approve.add_argument("--all", action="store_true", help="every part of the language (those already approved by "
                         "the same person in the same role are left as they are)")
    approve.add_argument("--language", metavar="CODE", help="the language (default: the book's first)")
    approve.add_argument("--by", required=True, metavar="NAME", help="who approved, by name")
    approve.add_argument("--role", required=True, metavar="ROLE", help="their role, one the book file's policy lists "
                         "under policy: approvals: roles:")
    approve.add_argument("--on", type=_date, metavar="YYYY-MM-DD", help="the date of the approval (default: today)")
    approve.set_defaults(run=commands.approve)

    approvals = subcommands.add_parser("approvals", help="list every part of the book as approved (by whom, when), "
                                    "changed since its approval (with the words that changed), or never approved")
    approvals.add_argument("--language", action="append", metavar="CODE", help="only this language (repeatable)")
    approvals.add_argument("--check", action="store_true", help="exit 1 if any part lacks a current approval "
                           "the policy requires")
    approvals.set_defaults(run=commands.approvals)

    labels = subcommands.add_parser("labels", help="refresh the theme's list of labels and each language's catalogue "
                                 "from the templates and the code")
    labels.add_argument("--language", action="append", metavar="CODE",
                        help="a catalogue to refresh or start (default: every catalogue the theme has)")
    labels.set_defaults(run=commands.labels)

    readability = subcommands.add_parser("readability", help="print how easy each chapter is to read, with a "
                                      "formula made for its language")
    readability.add_argument("--language", action="append", metavar="CODE", help="only this language")
    readability.add_argument("--check", action="store_true",
                             help="exit 1 if a chapter, or the middle chapter, misses its language's goal")
    readability.set_defaults(run=commands.readability)

    theme = subcommands.add_parser("theme", help="copy a file of the default theme into the book's layouts/, "
                                   "to change it there")
    theme.add_argument("action", choices=("copy", "list"), help="copy: the files named; list: every file of the "
                       "default theme, and which the book overrides")
    theme.add_argument("files", nargs="*", metavar="FILE", help="a theme file, such as print/print.css")
    theme.set_defaults(run=commands.theme)

    cache = subcommands.add_parser("cache", help="show or empty what builds keep in build/.cache/ to skip work")
    cache.add_argument("action", choices=("info", "clean"), help="info: each store's entries and size; "
                       "clean: remove them all (the next build makes the same bytes, more slowly)")
    cache.add_argument("--out", type=Path, help="the output folder whose cache it is (default: build/)")
    cache.set_defaults(run=commands.cache)
    return parser


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written as YYYY-MM-DD") from None


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clinic", action="append", metavar="NAME|FILE",
                        help="only this clinic: a declared clinic's name, a clinic file, or - for the book's own "
                        "edition (repeatable)")
    parser.add_argument("--language", action="append", metavar="CODE", help="only this language (repeatable)")
    parser.add_argument("--layout", "--edition", action="append", metavar="NAME",
                        help="only this print layout of the theme: a4, letter, large-print, ... (repeatable)")
    parser.add_argument("--format", action="append", choices=FORMATS, help="only this format (repeatable)")


