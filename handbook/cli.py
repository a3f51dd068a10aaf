"""The command line: each command's arguments (the work is elsewhere)."""
from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from .errors import HandbookError

FORMATS = ("pdf", "epub", "web")


class Terminated(KeyboardInterrupt):
    """SIGTERM (what a CI timeout or `kill` sends), handled as Ctrl-C is: temporaries removed, then stop."""


def _terminate(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)  # worker processes are forked, and inherit it
    try:
        return args.run(args)
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
        signal.signal(signal.SIGTERM, previous)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Build patient handbooks: print-ready PDFs and "
                                     "EPUB e-books, for every clinic, language and layout.")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the book folder, holding chapters/ and sources/ (default: the current folder)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the editions the book file declares, or some of them")
    build.add_argument("formats", nargs="*", metavar="FORMAT", help="pdf, epub or web (default: the book's formats)")
    _filters(build)
    build.add_argument("--out", type=Path, help="the output folder (default: build/ in the book folder)")
    build.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    build.add_argument("--force", action="store_true", help="build even the editions whose inputs have not changed")
    build.add_argument("--draft", action="store_true", help="build drafts, not for patients: overdue chapter reviews "
                       "are allowed, and every edition says it is a draft")
    build.add_argument("--make-stamp", type=Path, help=argparse.SUPPRESS)  # for the Makefile
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="load and check the book, every language and every clinic file; "
                                "write nothing")
    check.add_argument("--clinic", action="append", default=[], metavar="FILE", help="check this clinic file too")
    check.set_defaults(run=_check)

    editions = commands.add_parser("editions", help="list the editions a build makes")
    _filters(editions)
    editions.add_argument("--json", action="store_true", help="print them as a CI matrix (GitHub Actions' include)")
    editions.add_argument("--max-jobs", type=int, default=None, metavar="N",
                          help="with --json: at most N rows; past that, one row per group of whole clinics "
                          "(default: 256, GitHub's limit for one matrix; 0: no limit)")
    editions.set_defaults(run=_editions)

    serve = commands.add_parser("serve", help="preview the web edition while writing: build it, serve it on "
                                "localhost and build again, reloading the page, whenever a file changes")
    serve.add_argument("--clinic", metavar="NAME|FILE", help="preview this clinic's edition (default: the book's own)")
    serve.add_argument("--language", metavar="CODE", help="preview this language (default: the book's first)")
    serve.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000; 0: any free port)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to serve on (default: 127.0.0.1, this "
                       "computer only)")
    serve.add_argument("--draft", action="store_true", help="preview as a draft: overdue chapter reviews are allowed")
    serve.set_defaults(run=_serve)

    diff = commands.add_parser("diff", help="say which editions changed between two manifests")
    diff.add_argument("old", type=Path, help="an older build/manifest.json, or a folder of them (a CI run's "
                      "artifacts)")
    diff.add_argument("new", type=Path, nargs="?", help="a newer one (default: build/manifest.json)")
    diff.set_defaults(run=_diff)

    translations = commands.add_parser("translations", help="show what to translate again, or record that a "
                                       "translation has caught up")
    translations.add_argument("action", choices=("status", "stamp"),
                              help="status: list each stale, missing or differently cited block; stamp: record the "
                              "current source in each translated chapter")
    translations.add_argument("--language", action="append", metavar="CODE",
                              help="a translated language (default: every language but the first)")
    translations.add_argument("--chapter", action="append", metavar="ID", help="only this chapter (stamp)")
    translations.set_defaults(run=_translations)

    labels = commands.add_parser("labels", help="refresh the theme's list of labels and each language's catalogue "
                                 "from the templates and the code")
    labels.add_argument("--language", action="append", metavar="CODE",
                        help="a catalogue to refresh or start (default: every catalogue the theme has)")
    labels.set_defaults(run=_labels)

    readability = commands.add_parser("readability", help="print how easy each chapter is to read, with a "
                                      "formula made for its language")
    readability.add_argument("--language", action="append", metavar="CODE", help="only this language")
    readability.add_argument("--check", action="store_true",
                             help="exit 1 if a chapter, or the middle chapter, misses its language's goal")
    readability.set_defaults(run=_readability)
    return parser


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clinic", action="append", metavar="NAME|FILE",
                        help="only this clinic: a declared clinic's name, a clinic file, or - for the book's own "
                        "edition (repeatable)")
    parser.add_argument("--language", action="append", metavar="CODE", help="only this language (repeatable)")
    parser.add_argument("--layout", "--edition", action="append", metavar="NAME",
                        help="only this print layout: a4, letter, large-print, print-shop (repeatable)")
    parser.add_argument("--format", action="append", choices=FORMATS, help="only this format (repeatable)")


def _request(args, **more):
    from .build import Request

    formats = tuple(dict.fromkeys(list(getattr(args, "formats", [])) + (args.format or []))) or None
    for name in formats or ():
        if name not in FORMATS:
            raise SystemExit(f"handbook: unknown format {name!r}; expected one of: {', '.join(FORMATS)}")
    return Request(
        clinics=tuple(args.clinic) if args.clinic else None,
        languages=tuple(args.language) if args.language else None,
        layouts=tuple(args.layout) if args.layout else None,
        formats=formats,
        **more,
    )


def _project(args):
    from .project import Project

    return Project.at(args.root, getattr(args, "out", None))


def _build(args) -> int:
    from .build import build

    project = _project(args)
    report = build(project, _request(args, force=args.force, workers=args.jobs, make_stamp=args.make_stamp,
                                     draft=args.draft),
                   progress=lambda line: print(line, flush=True))
    made = sum(len(result.made) for result in report.made) + len(report.copied)
    skipped = f", {len(report.skipped)} up to date" if report.skipped else ""
    layouts = sum(result.layouts for result in report.made)
    appendices = sum(result.appendices for result in report.made)
    again = f", {appendices} sources appendix{'es' if appendices != 1 else ''} laid out again" if appendices else ""
    laid_out = f" ({layouts} print layout{'s' if layouts != 1 else ''} made{again})" if report.made else ""
    if report.copied:
        laid_out += f" ({len(report.copied)} made before from the same inputs, copied from the cache)"
    print(f"handbook: {made} output{'s' if made != 1 else ''} written to {project.out}{laid_out}{skipped}")
    return 0


def _check(args) -> int:
    from .prepare import prepare

    handbook = prepare(_project(args), clinic_files=tuple(Path(name) for name in args.clinic), all_languages=True)
    chapters = len(handbook.settings.chapters)
    languages = ", ".join(handbook.books)
    clinics = len(handbook.clinics)
    print(f"{chapters} chapters in {languages}, {len(next(iter(handbook.books.values())).sources)} sources, "
          f"{clinics} clinic file{'s' if clinics != 1 else ''}: no problems found")
    return 0


def _editions(args) -> int:
    from .build import plan, prepare_request
    from .editions import MAX_CI_JOBS, ci_matrix, output_path

    project = _project(args)
    request = _request(args)
    handbook = prepare_request(project, request)
    editions = plan(handbook, request)
    if args.json:
        limit = MAX_CI_JOBS if args.max_jobs is None else args.max_jobs
        print(json.dumps({"include": ci_matrix(project, handbook.settings, editions, limit)}))
    else:
        for edition in editions:
            print(f"{edition.name:<40} {output_path(project, handbook.settings, edition)}")
    return 0


def _serve(args) -> int:
    from .build import Request
    from .serve import first_language, serve

    project = _project(args)
    language = args.language or first_language(project)
    request = Request(clinics=(args.clinic or "-",), languages=(language,) if language else None,
                      formats=("web",), draft=args.draft)
    return serve(project, request, host=args.host, port=args.port)


def _diff(args) -> int:
    from .incremental.manifest import diff, read_manifests

    new = args.new or _project(args).out / "manifest.json"
    lines = diff(read_manifests(args.old), read_manifests(new))
    for line in lines:
        print(line)
    if not lines:
        print("handbook: no edition changed")
    return 0


def _translations(args) -> int:
    from .analyse.translation import check_clinic_translation, check_translation, stamp
    from .confine import check_inside
    from .errors import Problems
    from .prepare import book_files
    from .load.settings import load_settings
    from .theme import load_theme

    project = _project(args)
    problems = Problems()
    theme = load_theme(project, problems)
    problems.raise_if_any()
    check_inside((project.book_file,), theme.allowed, problems)
    problems.raise_if_any()
    settings = load_settings(project, tuple(theme.layouts), problems)
    if settings is not None:  # `stamp` writes into the chapters: never through a link out of the book
        check_inside(book_files(project, settings), theme.allowed, problems)
    problems.raise_if_any()
    codes = [language.code for language in settings.languages]
    for language in args.language or codes[1:]:
        source, target = project.language_dir(codes[0]), project.language_dir(language)
        if args.action == "stamp":
            changed = 0
            for chapter_id in args.chapter or settings.chapters:
                if (target / f"{chapter_id}.yaml").is_file():
                    changed += stamp(source / f"{chapter_id}.yaml", target / f"{chapter_id}.yaml")
            print(f"{language}: recorded the current source in {changed} place{'s' if changed != 1 else ''}")
            continue
        found = Problems()
        for chapter_id in settings.chapters:
            check_translation(source / f"{chapter_id}.yaml", target / f"{chapter_id}.yaml", language, found)
        check_clinic_translation(project.clinic_defaults(codes[0]), project.clinic_defaults(language), found)
        for problem in found.sorted():
            print(problem)
        print(f"{language}: {len(found)} to translate again" if found else f"{language}: in step with {codes[0]}")
    return 0


def _labels(args) -> int:
    from .i18n.catalogues import extract, update_catalogue, write_template
    from .theme import default_theme_dir

    theme = default_theme_dir()
    template = extract(theme, Path(__file__).parent)
    print(f"wrote {write_template(template, theme)}: {len(template)} labels")
    languages = args.language or sorted(path.parent.parent.name for path in theme.glob("locales/*/LC_MESSAGES/messages.po"))
    for language in languages:
        path, missing = update_catalogue(template, theme, language)
        state = f"{len(missing)} to translate: " + "; ".join(missing[:5]) + (" ..." if len(missing) > 5 else "") \
            if missing else "complete"
        print(f"wrote {path}: {state}")
    return 0


def _readability(args) -> int:
    from .analyse.readability import chapter_scores, failures, formula_for
    from .prepare import prepare

    handbook = prepare(_project(args), tuple(args.language) if args.language else None, all_languages=True)
    failed = []
    for language, book in handbook.books.items():
        formula = formula_for(language)
        if formula is None:
            print(f"{language}: no readability formula for this language; not scored")
            continue
        print(f"{language}: {formula.describe()}")
        for chapter, result in chapter_scores(book):
            print(f"{language} {chapter.id:<20} {formula.name} {result.score:5.1f}   {result.words:5d} words")
        failed += [f"{language} {failure}" for failure in failures(book)]
    if args.check and failed:
        for failure in failed:
            print(f"handbook: too hard to read: {failure}", file=sys.stderr)
        return 1
    return 0
