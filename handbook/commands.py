"""What each command of the command line does, given its parsed arguments (cli.py parses them).

Each imports what it needs when it runs, so that `handbook build epub` with everything kept
loads neither the loaders nor WeasyPrint.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .editions import FORMATS

if TYPE_CHECKING:
    from .build import Request
    from .prepare import Handbook
    from .project import Project


def _request(args: argparse.Namespace, **more: Any) -> Request:
    from .build import Request, argument_error

    formats = tuple(dict.fromkeys(name for name in list(getattr(args, "formats", [])) + (args.format or [])
                                  if name)) or None
    for name in formats or ():
        if name not in FORMATS:
            raise argument_error(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")
    # A CI matrix row leaves the layout of a web edition empty: no filter.
    def given(values: list[str] | None) -> tuple[str, ...] | None:
        chosen = tuple(value for value in values or () if value)
        return chosen or None

    return Request(
        clinics=given(args.clinic),
        languages=given(args.language),
        layouts=given(args.layout),
        formats=formats,
        **more,
    )


def _project(args: argparse.Namespace) -> Project:
    from .project import Project

    return Project.at(args.root, getattr(args, "out", None))


def new(args: argparse.Namespace) -> int:
    """Start a new book in an empty folder."""
    from . import __version__
    from .starter import new_book

    languages = tuple(dict.fromkeys(args.language or ["en"]))
    written = new_book(args.folder, languages, args.install or f"handbook=={__version__}")
    print(f"handbook: wrote a starter book in {', '.join(languages)} into {args.folder} ({len(written)} files)")
    print(f"  next: handbook --root {args.folder} build    (then open {args.folder}/build/)")
    return 0


def build(args: argparse.Namespace) -> int:
    """Build the editions asked for."""
    from .build import build

    project = _project(args)
    report = build(project, _request(args, force=args.force, workers=args.jobs, make_stamp=args.make_stamp,
                                     draft=args.draft, keep_html=args.keep_html),
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


def check(args: argparse.Namespace) -> int:
    """Load and check the book, its languages and clinic files; write nothing."""
    from .build import clinic_slugs
    from .prepare import prepare

    project = _project(args)
    files = tuple(Path(name) for name in args.clinic if name.endswith((".yaml", ".yml")))
    handbook = prepare(project, clinic_files=files, all_languages=True, draft=args.draft)
    clinic_slugs(handbook, tuple(name for name in args.clinic if not name.endswith((".yaml", ".yml"))) or None)
    chapters = len(handbook.settings.chapters)
    languages = ", ".join(handbook.books)
    clinics = len(handbook.clinics)
    print(f"{chapters} chapters in {languages}, {len(next(iter(handbook.books.values())).sources)} sources, "
          f"{clinics} clinic file{'s' if clinics != 1 else ''}: no problems found")
    for path in _unlisted_clinic_files(handbook):
        print(f"{path}: this clinic file is not listed under `editions: clinics:` in {project.book_file}, so no "
              "edition is built from it; list it there (or build it with --clinic)", file=sys.stderr)
    return 0


def _unlisted_clinic_files(handbook: Handbook) -> list[Path]:
    """Return the clinic-looking files in the book's clinics/ folder that the book file does not list."""
    folder = handbook.project.root / "clinics"
    if not folder.is_dir():
        return []
    listed = {path.resolve() for path in handbook.clinic_files.values()}
    return [path for path in sorted(folder.glob("*.y*ml")) if path.resolve() not in listed]


def editions(args: argparse.Namespace) -> int:
    """List the editions a build makes, or print them as a CI matrix."""
    from .build import plan, prepare_request
    from .editions import MAX_CI_JOBS, ci_matrix, output_path

    project = _project(args)
    request = _request(args, draft=args.draft)
    handbook = prepare_request(project, request)
    chosen = plan(handbook, request)
    if args.json:
        limit = MAX_CI_JOBS if args.max_jobs is None else args.max_jobs
        print(json.dumps({"include": ci_matrix(project, handbook.settings, chosen, limit)}))
    else:
        for edition in chosen:
            status = "  (draft: not approved for patients yet)" if handbook.settings.is_draft(edition.language) else ""
            print(f"{edition.name:<40} {output_path(project, handbook.settings, edition)}{status}")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Preview the web edition while writing."""
    from .build import Request
    from .serve import first_language, serve

    project = _project(args)
    language = args.language or first_language(project)
    # The preview is never given to a patient: words changed since their approval are shown, not refused.
    request = Request(clinics=(args.clinic or "-",), languages=(language,) if language else None,
                      formats=("web",), draft=args.draft, check_approvals=False)
    return serve(project, request, host=args.host, port=args.port, open_browser=args.open)


def diff(args: argparse.Namespace) -> int:
    """Say which editions changed between two manifests."""
    from .incremental.manifest import DRAFT_LINE, diff, read_manifests

    new = args.new or _project(args).out / "manifest.json"
    lines = diff(read_manifests(args.old), read_manifests(new))
    for line in lines:
        print(line)
    ready = [line for line in lines if not line.startswith(DRAFT_LINE)]
    if not ready:
        print("handbook: no edition changed" + (" (only drafts, which are never for print)" if lines else ""))
    return 1 if ready and args.exit_code else 0


def translations(args: argparse.Namespace) -> int:
    """Show what to translate again, or record that a translation has caught up (i18n/commands.py)."""
    from .i18n.commands import translations

    return translations(args, _project(args))


def approve(args: argparse.Namespace) -> int:
    """Record an approval of the current words of chapters (or every part) in a language."""
    from .approve import Approving, approve
    from .build import argument_error

    if bool(args.chapter) == bool(args.all):
        raise argument_error("say what to approve: --chapter ID (repeatable), or --all for every part of the language")
    for line in approve(_project(args), Approving(args.language, tuple(args.chapter) if args.chapter else None,
                                                  args.by, args.role, args.on)):
        print(line)
    return 0


def approvals(args: argparse.Namespace) -> int:
    """List every part as approved, changed since its approval (with the words that changed), or never approved."""
    from .approve import report

    lines, waiting = report(_project(args), tuple(args.language) if args.language else None)
    for line in lines:
        print(line)
    return 1 if waiting and args.check else 0


def labels(args: argparse.Namespace) -> int:
    """Refresh the labels' template and catalogues (i18n/commands.py)."""
    from .i18n.commands import labels

    return labels(args, _project(args))


def readability(args: argparse.Namespace) -> int:
    """Print how easy each chapter is to read."""
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


def theme(args: argparse.Namespace) -> int:
    """Copy files of the default theme into the book's layouts/, or list them."""
    from .build import argument_error
    from .theme import default_theme_dir

    project = _project(args)
    default = default_theme_dir()
    names = sorted(path.relative_to(default).as_posix() for path in default.rglob("*")
                   if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".py")
    if args.action == "list":
        for name in names:
            own = " (the book's own copy)" if (project.layouts / name).is_file() else ""
            print(f"{name}{own}")
        return 0
    if not args.files:
        raise argument_error("theme copy: name the files to copy, such as print/print.css (`handbook theme list`)")
    for name in args.files:
        if name not in names:
            raise argument_error(f"theme copy: the default theme has no file {name!r} (`handbook theme list`)")
        target = project.layouts / name
        if target.exists():
            raise argument_error(f"theme copy: {target} exists already; it is the book's own copy")
    for name in args.files:
        target = project.layouts / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((default / name).read_bytes())
        print(f"handbook: copied {name} to {target}: the book's own now, used instead of the default theme's")
    return 0


def cache(args: argparse.Namespace) -> int:
    """Show or empty the stores under build/.cache/."""
    from .incremental.store import clean, info

    project = _project(args)
    if args.action == "clean":
        removed = clean(project.cache)
        print(f"handbook: removed {removed} file{'s' if removed != 1 else ''} from {project.cache}")
        return 0
    rows = info(project.cache)
    for name, entries, size in rows:
        print(f"{name:<14} {entries:6d} entries {size / 1e6:10.1f} MB")
    total = sum(size for _, _, size in rows)
    print(f"handbook: {project.cache} holds {total / 1e6:.1f} MB (safe to delete: `handbook cache clean`)")
    return 0
