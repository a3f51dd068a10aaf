"""The one place that knows the order of a build: prepare, plan, make, commit, record.

1. prepare.py loads and checks the book in every language and every clinic file (or
   incremental/book.py gives back the checked book an earlier build kept, if nothing it
   read changed); every rule runs here, before anything is made;
2. editions.py expands the matrix; editions whose inputs have not changed since the
   manifest was written are skipped, and a PDF or e-book an earlier build made from the
   very same inputs is copied from the cache (incremental/outputs.py);
3. jobs.py makes each job's editions, in a pool of worker processes over every core, each
   output staged beside its place;
4. once every job has succeeded, the outputs are renamed into place together (output.py),
   and then the manifest, and a dependency list for Make, are written.

So a failing build leaves every output as it was; the first failing job's message is shown once.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .editions import Edition, matrix, output_path
from .errors import HandbookError, Location, Problem, Problems
from .incremental.inputs import Inputs, input_files
from .incremental.keys import code_files
from .incremental.manifest import MANIFEST, Entry, forget_missing, read_manifest, up_to_date, write_manifest
from .incremental.outputs import OutputStore
from .jobs import JobResult, Made, jobs, run_jobs
from .output import Staged, check_writable, commit, discard, output_folder, stage_file, write_atomically, write_error
from .prepare import Handbook
from .project import Project


@dataclass(frozen=True)
class Request:
    """What to build: the declared matrix, narrowed by the command line's options."""

    clinics: tuple[str, ...] | None = None
    """Clinic slugs or clinic files; None builds the book's own edition and every declared clinic."""
    languages: tuple[str, ...] | None = None
    layouts: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    force: bool = False
    """Build even the editions whose inputs have not changed, taking nothing kept in build/.cache/."""
    workers: int | None = None
    draft: bool = False
    """Build drafts, whatever the book file says: overdue reviews and unapproved words allowed,
    marked as drafts, written under drafts/."""
    check_approvals: bool = True
    """Refuse parts whose required approvals are missing or stale (the preview lets them through)."""
    make_stamp: Path | None = None
    """For Make: touch this file after the build, and list every input of the editions in
    `<stamp>.d` as its prerequisites, so that Make knows when to build again (depfile.py)."""
    keep_html: Path | None = None
    """Also write each print edition's final HTML here, laid out as WeasyPrint alone would
    lay it out (pdf/keephtml.py)."""

    @property
    def clinic_files(self) -> tuple[Path, ...]:
        """Return the clinic files the request names (a name ending in .yaml or .yml is a file)."""
        return tuple(Path(name) for name in self.clinics or () if _is_file(name))


def _is_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


def prepare_request(project: Project, request: Request) -> Handbook:
    """Return the checked book in the languages a request needs, with any clinic files it names."""
    from .incremental.book import prepare_kept

    return prepare_kept(project, request.languages, request.clinic_files, draft=request.draft, fresh=request.force,
                        check_approvals=request.check_approvals)


@dataclass
class Report:
    """What a build did."""

    made: list[JobResult] = field(default_factory=list)
    copied: list[Made] = field(default_factory=list)
    """Outputs an earlier build made from the same inputs, copied from the cache (incremental/outputs.py)."""
    skipped: list[Edition] = field(default_factory=list)


def build(project: Project, request: Request, progress: Callable[[str], None] = print) -> Report:
    """Build the requested editions; raise HandbookError (nothing written) on a user's mistake."""
    project.check_out()
    handbook = prepare_request(project, request)
    editions = plan(handbook, request)
    inputs = Inputs(handbook)
    from .web.site import download_inputs  # here: a build without a web edition need not import it

    planned = frozenset(editions)
    wanted = {edition: inputs.of(edition) | download_inputs(handbook, edition, planned) for edition in editions}
    check_inputs(handbook, editions)
    check_writable(project.out)
    report = Report()
    with output_folder(project.out):
        manifest_path = project.out / MANIFEST
        manifest = read_manifest(manifest_path, signed=True)
        todo = [e for e in editions if request.force
                or not up_to_date(output_path(project, handbook.settings, e), project.out, wanted[e], manifest)]
        report.skipped = [e for e in editions if e not in todo]
        store = OutputStore(project.cache, fresh=request.force)
        for edition in report.skipped:  # up to date here: kept too, for a build in another folder
            _keep_skipped(project, handbook, store, edition, wanted[edition], manifest)
        report.copied = _copy_kept(project, handbook, store, todo, wanted)
        copied = {made.edition for made in report.copied}
        todo = [edition for edition in todo if edition not in copied]
        for item in report.copied:
            progress(_progress_line(project, item, copied=True))
        made = list(report.copied)
        try:
            for result in run_jobs(handbook, jobs(todo), request.workers, request.force, request.keep_html, planned):
                report.made.append(result)
                made += result.made
                for item in result.made:
                    progress(_progress_line(project, item))
        except BaseException:
            discard([item.staged for item in made if item.staged is not None])
            raise
        # A web folder an earlier build recorded is the tool's to replace, signed or not (an older
        # handbook wrote no signature, and no mark in the folder).
        recorded = read_manifest(manifest_path)
        sites = {project.out / name for name, entry in recorded.items() if entry.edition.get("format") == "web"}
        commit([item.staged for item in made if item.staged is not None], replaceable=sites)
        for item in made:
            name = item.path.relative_to(project.out).as_posix()
            manifest[name] = Entry(name, item.edition.as_json(), item.sha256, item.size, item.pages,
                                   wanted[item.edition], handbook.settings.is_draft(item.edition.language))
            if item in report.copied:
                continue
            store.put(item.edition, wanted[item.edition], item.path, item.pages)
        forget_missing(project.out, manifest)
        try:
            write_manifest(manifest_path, handbook.settings.slug, manifest)
        except OSError as error:
            raise write_error(manifest_path, error) from None
        if request.make_stamp is not None:
            _write_stamp(request.make_stamp, handbook, inputs, editions)
    return report


def check_inputs(handbook: Handbook, editions: list[Edition]) -> None:
    """Raise HandbookError for an input of any edition that leads out of its place (confine.py):
    the last check, over the very list of files the editions are made from."""
    from .confine import check_kind

    problems = Problems()
    by_kind: dict[str, dict[Path, None]] = {}
    for edition in editions:
        for kind, path in input_files(handbook, edition):
            by_kind.setdefault(kind, {})[path] = None
    for kind, paths in by_kind.items():
        if kind != "chosen":  # a clinic file named on the command line is the user's own choice
            check_kind(kind, paths, handbook.project, problems)
    problems.raise_if_any()


def _write_stamp(stamp: Path, handbook: Handbook, inputs: Inputs, editions: list[Edition]) -> None:
    """Write Make's dependency list and touch its stamp."""
    from .incremental.depfile import write_depfile

    project = handbook.project
    try:
        files = [path for edition in editions for path in inputs.files(edition)]
        outputs = [output_path(project, handbook.settings, edition) for edition in editions]
        write_depfile(stamp, handbook, files, code_files(), outputs)
        write_atomically(stamp, b"")
    except OSError as error:
        raise write_error(stamp.parent, error) from None


def plan(handbook: Handbook, request: Request) -> list[Edition]:
    """Return the editions a request asks for; raise HandbookError for a filter that names nothing."""
    theme_layouts = handbook.theme.layouts
    for layout in request.layouts or ():
        if layout not in theme_layouts:
            raise argument_error(f"--layout {layout!r}: the theme has no such layout"
                                 f"{_did_you_mean(layout, theme_layouts)}; it has: {', '.join(theme_layouts)}")
    editions = matrix(handbook.settings, handbook.declared_clinics, languages=request.languages,
                      layouts=request.layouts, formats=request.formats,
                      only_clinics=clinic_slugs(handbook, request.clinics),
                      booklets=tuple(name for name, layout in theme_layouts.items() if layout.sheets))
    if not editions:
        asked = " ".join(f"--{name} {' '.join(values)}" for name, values in
                         (("layout", request.layouts), ("format", request.formats)) if values)
        raise argument_error(f"no edition matches {asked or 'the request'}: the e-book follows the pages of "
                             f"the first layout ({handbook.settings.standard_layout}), and the web edition has "
                             "no layout (`handbook editions` lists them all)")
    return editions


def argument_error(message: str) -> HandbookError:
    """Return the error for a mistake in the command line's arguments: `handbook: message`."""
    return HandbookError([Problem(Location(Path("handbook"), 0), message)])


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name.lower(), list(choices), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def clinic_slugs(handbook: Handbook, wanted: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Return the clinic slugs the command line asks for (None: the book's own and every declared clinic).

    A clinic is named by its slug, by its file, or as "-" for the book's own edition.
    """
    if wanted is None:
        return None
    by_path = {path: slug for slug, path in handbook.clinic_files.items()}
    slugs = []
    for name in wanted:
        if _is_file(name):
            slugs.append(by_path[Path(name)])
        elif name == "-":
            slugs.append("")
        elif name in handbook.clinics:
            slugs.append(name)
        else:
            known = ", ".join(sorted(handbook.clinics)) or "none are declared"
            raise argument_error(f"--clinic {name!r}: no such clinic in the editions"
                                 f"{_did_you_mean(name, handbook.clinics)}; known clinics: {known}")
    return tuple(slugs)


def _keep_skipped(project: Project, handbook: Handbook, store: OutputStore, edition: Edition,
                  inputs: dict[str, str], manifest: dict[str, Entry]) -> None:
    """Keep an up-to-date output in the cache if it is not kept yet (built before the cache kept outputs)."""
    if store.has(edition, inputs):
        return
    path = output_path(project, handbook.settings, edition)
    entry = manifest[path.relative_to(project.out).as_posix()]
    store.put(edition, inputs, path, entry.pages)


def _copy_kept(project: Project, handbook: Handbook, store: OutputStore, todo: list[Edition],
               wanted: dict[Edition, dict[str, str]]) -> list[Made]:
    """Stage the editions an earlier build made from the same inputs, from the cache."""
    import hashlib

    found: list[Made] = []
    try:
        for edition in todo:
            start = time.perf_counter()
            kept = store.get(edition, wanted[edition])
            if kept is not None:
                path = output_path(project, handbook.settings, edition)
                try:
                    staged = Staged(stage_file(path, kept.data), path)
                except OSError as error:
                    raise write_error(path, error) from None
                found.append(Made(edition, path, staged, hashlib.sha256(kept.data).hexdigest(), len(kept.data),
                                  kept.pages, time.perf_counter() - start))
    except BaseException:
        discard([made.staged for made in found if made.staged is not None])
        raise
    return found


def _progress_line(project: Project, made: Made, copied: bool = False) -> str:
    """Return the line that says an edition is done: its name, pages, seconds and file."""
    counted = f"{made.pages} pages, " if made.pages else ""
    file = made.path.relative_to(project.out).as_posix()
    if copied:
        return f"kept {made.edition.name}: {counted}made before from the same inputs -> {file}"
    return f"built {made.edition.name}: {counted}{made.seconds:.1f} s -> {file}"
