"""The one place that knows the order of a build: prepare, plan, make, record.

1. prepare.py loads and checks the book in every language and every clinic file (or
   bookcache.py gives back the checked book an earlier build kept, if nothing it read changed);
2. editions.py expands the matrix into jobs, and editions whose inputs have not changed
   since the manifest was written are skipped; a PDF or e-book an earlier build made from
   the very same inputs is copied from the cache (outputstore.py);
3. jobs.py makes each job's editions, in a pool of worker processes over every core;
4. the manifest, and a dependency list for Make, are written last.

Each output is written atomically when its job is done, so a failure leaves every file
either as it was or complete. The first failing job's message is shown once.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .editions import Edition, Job, jobs, matrix, output_path
from .errors import HandbookError, Problem
from .jobs import JobResult, Made, Workshop
from .incremental.manifest import MANIFEST, Entry, read_manifest, write_manifest
from .model import Figure
from .analyse.traverse import blocks
from .incremental.depfile import write_depfile
from .output import check_writable, output_folder, write_atomically, write_error, write_together
from .incremental.outputs import OutputStore
from .output import digest as output_digest
from .incremental.book import prepare_kept
from .checked import Handbook, build_date
from .project import Project
from .theme import default_theme_dir
from .incremental.keys import code_files, code_hash


@dataclass(frozen=True)
class Request:
    """What to build: the declared matrix, narrowed by the command line's options."""

    clinics: tuple[str, ...] | None = None
    """Clinic slugs or clinic files; None builds the book's own edition and every declared clinic."""
    languages: tuple[str, ...] | None = None
    layouts: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    force: bool = False
    """Build even the editions whose inputs have not changed."""
    workers: int | None = None
    draft: bool = False
    """Build drafts, whatever the book file says: overdue reviews allowed, marked as drafts."""
    make_stamp: Path | None = None
    """For Make: touch this file after the build, and list every input of the editions in
    `<stamp>.d` as its prerequisites, so that Make knows when to build again (depfile.py)."""


def prepare_request(project: Project, request: Request) -> Handbook:
    """Return the checked book in the languages a request needs, with any clinic files it names."""
    clinic_files = tuple(Path(name) for name in request.clinics or () if name.endswith((".yaml", ".yml")))
    return prepare_kept(project, request.languages, clinic_files, draft=request.draft)


@dataclass
class Report:
    """What a build did."""

    made: list[JobResult] = field(default_factory=list)
    copied: list[Made] = field(default_factory=list)
    """Outputs an earlier build made from the same inputs, copied from the cache (outputstore.py)."""
    skipped: list[Edition] = field(default_factory=list)


def build(project: Project, request: Request, progress: Callable[[str], None] = print) -> Report:
    """Build the requested editions; raise HandbookError (nothing half-written) on a user's mistake."""
    handbook = prepare_request(project, request)
    date = build_date(handbook.settings)
    editions = plan(handbook, request)
    check_writable(project.out)
    report = Report()
    with output_folder(project.out):
        manifest_path = project.out / MANIFEST
        manifest = read_manifest(manifest_path)
        inputs = Inputs(handbook, date)
        wanted = {edition: inputs.of(edition) for edition in editions}
        todo = [e for e in editions if request.force or not _up_to_date(project, handbook, e, wanted[e], manifest)]
        report.skipped = [e for e in editions if e not in todo]
        store = OutputStore(project.cache)
        finished = False
        try:
            for edition in report.skipped:  # up to date here: kept too, for a build in another folder
                _keep_skipped(project, handbook, store, edition, wanted[edition], manifest)
            def record(made: Made) -> None:
                name = made.path.relative_to(project.out).as_posix()
                manifest[name] = Entry(name, made.edition.as_json(), made.sha256, made.size, made.pages,
                                       wanted[made.edition])

            if not request.force:
                report.copied = _copy_kept(project, handbook, store, todo, wanted)
                copied = {made.edition for made in report.copied}
                todo = [edition for edition in todo if edition not in copied]
            for made in report.copied:
                record(made)
                progress(_progress_line(project, made, copied=True))
            for result in _run(handbook, date, jobs(todo), request.workers):
                report.made.append(result)
                for made in result.made:
                    record(made)
                    store.put(made.edition, wanted[made.edition], made.path, made.sha256, made.size, made.pages)
                    progress(_progress_line(project, made))
            finished = True
        finally:
            _forget_missing(project, manifest)
            try:
                write_manifest(manifest_path, handbook.settings.slug, manifest)
            except OSError as error:
                if finished:
                    raise write_error(project.out, error) from None
                # Else a job's own error (often the same full disk) is the one to show.
        if request.make_stamp is not None:
            try:
                files = [path for edition in editions for path in inputs.files(edition)]
                write_depfile(request.make_stamp, handbook, files, code_files())
                write_atomically(request.make_stamp, b"")
            except OSError as error:
                raise write_error(request.make_stamp.parent, error) from None
    return report


def plan(handbook: Handbook, request: Request) -> list[Edition]:
    """Return the editions a request asks for."""
    return matrix(handbook.settings, handbook.declared_clinics, languages=request.languages,
                  layouts=request.layouts, formats=request.formats,
                  only_clinics=_clinic_slugs(handbook, request.clinics))


def _clinic_slugs(handbook: Handbook, wanted: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Return the clinic slugs the command line asks for (None: the book's own and every declared clinic).

    A clinic is named by its slug, by its file, or as "-" for the book's own edition.
    """
    if wanted is None:
        return None
    by_path = {document.path: slug for slug, document in handbook.clinics.items()}
    slugs = []
    for name in wanted:
        if name.endswith((".yaml", ".yml")):
            slugs.append(by_path[Path(name)])
        elif name == "-":
            slugs.append("")
        elif name in handbook.clinics:
            slugs.append(name)
        else:
            known = ", ".join(sorted(handbook.clinics)) or "none are declared"
            raise HandbookError([Problem(handbook.settings.location,
                                         f"no clinic {name!r} in the editions; known clinics: {known}")])
    return tuple(slugs)


def _run(handbook: Handbook, date, todo: list[Job], workers: int | None):
    """Yield each job's result as it finishes, in a pool of processes where there are several jobs.

    Workers are forked, so each inherits the loaded, checked book through `_WORKSHOP`:
    nothing is read or checked twice, and nothing large is sent to them.
    """
    if not todo:
        return
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if workers > 1:  # imported only for a pool: a one-edition build (a warm e-book) is not kept waiting
        import concurrent.futures
        import multiprocessing
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        workshop = Workshop(handbook, date)
        for job in todo:
            yield workshop.run(job)
        return
    global _WORKSHOP
    _WORKSHOP = Workshop(handbook, date)
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_run_in_worker, job) for job in _heaviest_first(todo)]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        except BaseException as error:
            for future in futures:
                future.cancel()
            if isinstance(error, KeyboardInterrupt):  # Ctrl-C or SIGTERM: stop the running jobs now, not after them
                for process in multiprocessing.active_children():
                    process.kill()
            raise


_WORKSHOP: Workshop | None = None


def _run_in_worker(job: Job) -> JobResult:
    return _WORKSHOP.run(job)


def _heaviest_first(todo: list[Job]) -> list[Job]:
    """Start the jobs that take longest first (two formats before one), so no core idles at the end."""
    return sorted(todo, key=lambda job: -len(job.formats))


def _keep_skipped(project: Project, handbook: Handbook, store: OutputStore, edition: Edition,
                  inputs: dict[str, str], manifest: dict[str, Entry]) -> None:
    """Keep an up-to-date output in the cache if it is not kept yet (built before the cache kept outputs)."""
    if store.has(edition, inputs):
        return
    path = output_path(project, handbook.settings, edition)
    entry = manifest[path.relative_to(project.out).as_posix()]
    store.put(edition, inputs, path, entry.sha256, entry.size, entry.pages)


def _copy_kept(project: Project, handbook: Handbook, store: OutputStore, todo: list[Edition],
               wanted: dict[Edition, dict[str, str]]) -> list[Made]:
    """Write the editions an earlier build made from the same inputs, from the cache, all at once."""
    found = []
    for edition in todo:
        start = time.perf_counter()
        kept = store.get(edition, wanted[edition])
        if kept is not None:
            path = output_path(project, handbook.settings, edition)
            found.append((Made(edition, path, kept.sha256, len(kept.data), kept.pages, time.perf_counter() - start),
                          kept.data))
    write_together([(made.path, data) for made, data in found])
    return [made for made, _ in found]


def _progress_line(project: Project, made: Made, copied: bool = False) -> str:
    """Return the line that says an edition is done: its name, pages, seconds and file."""
    counted = f"{made.pages} pages, " if made.pages else ""
    file = made.path.relative_to(project.out).as_posix()
    if copied:
        return f"kept {made.edition.name}: {counted}made before from the same inputs -> {file}"
    return f"built {made.edition.name}: {counted}{made.seconds:.1f} s -> {file}"


class Inputs:
    """Every file an edition is made from, with its SHA-256."""

    def __init__(self, handbook: Handbook, date):
        self.handbook = handbook
        self.date = date
        self._hashes: dict[Path, str] = {}
        self._names: dict[Path, str] = {}
        self._common: dict[str, str] | None = None
        root = handbook.project.root
        self._bases = ((root.absolute(), ""), (root.resolve(), ""), (default_theme_dir().resolve(), "(default theme)/"))

    def hash(self, path: Path) -> str:
        """Return the SHA-256 of a file (remembered for the rest of the build)."""
        if path not in self._hashes:
            self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._hashes[path]

    def files(self, edition: Edition) -> list[Path]:
        """Return the files an edition is made from."""
        handbook = self.handbook
        project = handbook.project
        book = handbook.books[edition.language]
        files = [project.book_file, project.sources_file, *handbook.theme.files()]
        files += [book.folder / f"{chapter_id}.yaml" for chapter_id in handbook.settings.chapters]
        if (book.folder / "clinic.yaml").is_file():
            files.append(book.folder / "clinic.yaml")
        files += [path for chapter in book.chapters for block, _ in blocks(chapter) if isinstance(block, Figure)
                  for path in (block.path, *(variant for _, variant in block.variants))]
        if edition.clinic:
            files.append(handbook.clinics[edition.clinic].path)
        return files

    def of(self, edition: Edition) -> dict[str, str]:
        """Return the inputs of an edition by name, with the build date and the code that made it."""
        if self._common is None:
            self._common = {"(build date)": self.date.isoformat(), "(handbook)": code_hash(),
                            "(draft)": str(self.handbook.settings.draft).lower()}
        found = {self.name(path): self.hash(path) for path in self.files(edition)}
        return found | self._common

    def name(self, path: Path) -> str:
        """Return how the manifest names an input: the same wherever the book is checked out.

        The book's files are named from the book folder, the default theme's as (default theme)/...,
        and a clinic file from elsewhere by its file name. Each is worked out once a build:
        most files are inputs of every edition, and resolving a path costs a system call a part."""
        if path not in self._names:
            self._names[path] = self._name(path)
        return self._names[path]

    def _name(self, path: Path) -> str:
        candidates = (path.absolute(), path.resolve())
        for base, prefix in self._bases:
            for candidate in candidates:
                if candidate.is_relative_to(base):
                    return prefix + candidate.relative_to(base).as_posix()
        return f"(clinic)/{path.name}"


def _up_to_date(project: Project, handbook: Handbook, edition: Edition, inputs: dict[str, str],
                manifest: dict[str, Entry]) -> bool:
    """Tell whether an edition's output is in place and was made from the same inputs."""
    path = output_path(project, handbook.settings, edition)
    entry = manifest.get(path.relative_to(project.out).as_posix())
    if entry is None or entry.inputs != inputs or not (path.is_file() or path.is_dir()):
        return False
    return output_digest(path) == (entry.sha256, entry.size)


def _forget_missing(project: Project, manifest: dict[str, Entry]) -> None:
    """Drop manifest entries whose output is gone."""
    for name in [name for name in manifest if not (project.out / name).exists()]:
        del manifest[name]
