#!/usr/bin/env python3
"""Time builds of the real handbook and of a generated long book (timings live here, never in tests).

usage: .venv/bin/python scripts/benchmark.py [--quick] [--no-tests] [--pages 100,300,1000]

Prints the rows of the speed table in docs/speed.md, each a ratio of times measured in this
one run on this machine: a print edition against WeasyPrint alone on the same HTML, the
e-book against Pandoc (where installed), cold and warm builds, how many layouts each
build made, `make test`'s quick tier, and the long book at several lengths, tagged and
untagged, with peak memory.
Every timed step runs in its own fresh process, so start-up and imports count on both sides.
--quick leaves out the long book.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1795305600"
# Compiled modules are kept on both sides, as for any installed package (pip compiled
# WeasyPrint's; Python keeps the handbook's as it first imports them), even where the
# environment says not to keep them (PYTHONDONTWRITEBYTECODE, which the Makefile unsets too).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"} \
    | {"SOURCE_DATE_EPOCH": EPOCH}
A4_ENGLISH = ("--layout", "a4", "--language", "en", "--clinic", "-")


def run(*args: str, cwd: Path = ROOT, executable: bool = False) -> tuple[float, str]:
    """Run a command (one of .venv's own with `executable`); return its wall-clock seconds and its output."""
    if executable:
        args = (str(Path(sys.executable).with_name(args[0])), *args[1:])
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV)
    if done.returncode:
        sys.exit(f"benchmark: {' '.join(args)} failed ({done.returncode}):\n{done.stderr or done.stdout}")
    return time.perf_counter() - start, done.stdout


def build(root: Path, out: Path, *args: str) -> tuple[float, str]:
    """Time `handbook build` in a fresh process; return its seconds and the print layouts it made
    ("8 layouts", "1 layout + 1 appendix again": the sources appendix's pages alone made again)."""
    seconds, output = run(sys.executable, "-m", "handbook", "--root", str(root), "build", *args, "--out", str(out))
    found = re.search(r"\((\d+) print layouts? made(?:, (\d+) sources appendix(?:es)? laid out again)?\)", output)
    layouts, appendices = (int(found.group(1)), int(found.group(2) or 0)) if found else (0, 0)
    made = f"{layouts} layout{'s' if layouts != 1 else ''}"
    return seconds, made + (f" + {appendices} appendix{'es' if appendices != 1 else ''} again" if appendices else "")


def child(*args: str) -> dict:
    """Run this script's child mode in a fresh process; return what it measured."""
    seconds, output = run(sys.executable, __file__, "--child", *args)
    return json.loads(output.strip().splitlines()[-1]) | {"wall": seconds}


# --- what a child process measures -------------------------------------------------------------

def _edition(root: Path, out: Path):
    sys.path.insert(0, str(ROOT))
    from handbook.editions import Edition
    from handbook.jobs import Workshop
    from handbook.prepare import prepare
    from handbook.project import Project

    handbook = prepare(Project.at(root, out), ("en",))
    workshop = Workshop(handbook)
    edition = Edition("", "en", handbook.settings.standard_layout, "pdf")
    return workshop, workshop.context(edition), workshop.env("en")


def long_book(root: Path, variant: str, fixed: bool) -> dict:
    """Lay out and write a generated book, tagged (pdf/ua-1) or not; with or without the local fix."""
    from handbook.pdf.layout import Typesetter
    from handbook.render.print import render_print

    workshop, context, env = _edition(root, root / "build")
    html = render_print(env, context)
    typesetter = Typesetter(workshop.handbook.project, workshop.handbook.theme, context.layout)
    from handbook.pdf.weasyprint70.speedups import as_released, install
    if fixed:
        install()
    from weasyprint import HTML

    from handbook.render.context import BOOK_URL

    tagged = variant == "tagged"
    with (contextlib.nullcontext() if fixed else as_released()):
        start = time.perf_counter()
        document = HTML(string=html, base_url=BOOK_URL, url_fetcher=typesetter.fetcher).render(
            font_config=typesetter.fonts, stylesheets=typesetter.stylesheets,
            pdf_variant="pdf/ua-1" if tagged else None)
        laid_out = time.perf_counter()
        data = document.write_pdf(pdf_variant="pdf/ua-1" if tagged else None)
        written = time.perf_counter()
    return {"pages": len(document.pages), "layout": laid_out - start, "write": written - laid_out,
            "seconds": written - start, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_main(args: list[str]) -> None:
    mode, *rest = args
    print(json.dumps(long_book(Path(rest[0]), rest[1], rest[2] == "fixed")))


# --- the rows -----------------------------------------------------------------------------------

def edit(chapter: Path, turn: int) -> None:
    """Change one word of a chapter's title, as a writer's edit does, without moving a page."""
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(re.sub(r"^(title: .*?)( \(edit \d+\))?$", rf"\1 (edit {turn})", text, count=1,
                              flags=re.MULTILINE), encoding="utf-8")


def stamp(book: Path) -> None:
    """Say each translation is in step with the English again (untimed), as a translator does
    after an edit that changes nothing to translate: else every edition refuses the change."""
    for language in sorted(path.name for path in (book / "chapters").iterdir() if path.is_dir()):
        if language != "en":
            run(sys.executable, "-m", "handbook", "--root", str(book), "translations", "stamp", "--language", language)


def copy_real_book(book: Path) -> None:
    """Copy the real book's chapters and sources, without its approvals policy: the writer's
    edits timed here are not approved, and a patient build would refuse them (docs/approvals.md)."""
    for name in ("chapters", "sources"):
        shutil.copytree(ROOT / name, book / name)
    settings = book / "chapters" / "book.yaml"
    lines = settings.read_text(encoding="utf-8").split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith("  approvals:"))
    end = next(index for index in range(start + 1, len(lines)) if not lines[index].startswith("    "))
    settings.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")


def real_book(folder: Path) -> list[tuple[str, str]]:
    rows = []
    book, out, html = folder / "book", folder / "out", folder / "html"
    copy_real_book(book)
    cold, cold_layouts = build(book, out, "pdf", *A4_ENGLISH)
    build(book, out, "epub", *A4_ENGLISH)
    chapter = book / "chapters" / "en" / "side-effects.yaml"
    name = "ketamine-therapy-handbook"
    # Each the best of four, taken in turns: this machine's speed drifts by a tenth over a
    # minute, which would otherwise count for one side or the other. Each turn is what a
    # writer's `make` does after an edit: the A4 PDF (its page map known: one layout), then
    # the e-book (the A4 pages known: no layout); WeasyPrint's and Pandoc's command lines
    # are given the very HTML the PDF was laid out from (--keep-html).
    warm, alone, epub_warm, pandoc = (float("inf"),) * 4
    for turn in range(4):
        edit(chapter, turn)
        warm = min(warm, build(book, out, "pdf", *A4_ENGLISH, "--keep-html", str(html))[0])
        epub_warm = min(epub_warm, build(book, out, "epub", *A4_ENGLISH)[0])
        alone = min(alone, run("weasyprint", "--pdf-variant", "pdf/ua-1", str(html / f"{name}.html"),
                                str(folder / "alone.pdf"), executable=True)[0])
        if shutil.which("pandoc"):
            pandoc = min(pandoc, run("pandoc", str(html / f"{name}.html"), "-o", str(folder / "pandoc.epub"),
                                     "--resource-path", str(html), cwd=html)[0])
    rows.append(("A4 PDF after an edit, page map known ÷ WeasyPrint's command line on the same HTML",
                 f"{warm / alone:.2f}  ({warm:.2f} s ÷ {alone:.2f} s; "
                 f"cold, no page map: {cold:.2f} s, {cold_layouts})"))
    against = f"; Pandoc on the same HTML: {pandoc:.2f} s, ratio {epub_warm / pandoc:.2f}" \
        if pandoc < float("inf") else "; Pandoc not installed"
    shutil.rmtree(out / ".cache")
    (out / f"{name}.epub").unlink()
    epub_cold, epub_cold_layouts = build(book, out, "epub", *A4_ENGLISH)
    rows.append(("EPUB after an edit, A4 layout known",
                 f"{epub_warm:.2f} s  (cold: {epub_cold:.2f} s, {epub_cold_layouts}{against})"))

    every = folder / "every"
    stamp(book)  # the edits above are in English only: the translations say they are in step
    cold_all, cold_layouts = build(book, every, "--force")
    edit(chapter, 9)
    stamp(book)
    warm_all, warm_layouts = build(book, every)
    nothing = build(book, every)[0]
    rows.append(("every edition the book declares (PDF + EPUB + web)",
                 f"cold {cold_all:.1f} s, {cold_layouts}; after an edit {warm_all:.1f} s, {warm_layouts}; "
                 f"nothing changed {nothing:.2f} s"))
    files = [path for path in every.rglob("*") if path.suffix in (".pdf", ".epub") and ".cache" not in path.parts]
    for path in files:
        path.unlink()
    copied, copied_layouts = build(book, every)
    rows.append(("every edition, its PDFs and e-books deleted (made before: copied from build/.cache)",
                 f"{copied:.2f} s, {copied_layouts}, {len(files)} files"))
    rows.append(("preview: rebuild after one chapter changed", f"{preview_rebuild(folder / 'preview'):.2f} s"))
    make = no_op_make()
    if make is not None:
        rows.append(("`make`, nothing changed since the last one", f"{make:.2f} s"))
    return rows


def quick_tests() -> tuple[str, str]:
    """Time `make test` (its workers are the Makefile's) as it runs after a `make`; count its real-book layouts."""
    seconds, output = run("make", "--no-print-directory", "test")
    found = re.search(r"laid out (\d+) times? in this run(.*)", output)
    layouts = f"; the real book laid out {found.group(1)} times{found.group(2)}" if found else ""
    passed = re.search(r"(\d+) passed", output)
    return ("`make test` (the quick tier; run after `make`, as .ci/run does)",
            f"{seconds:.1f} s, {passed.group(1) if passed else '?'} tests{layouts}")


def preview_rebuild(folder: Path) -> float:
    """Time what `handbook serve` does after a chapter is saved, on a copy of the book."""
    sys.path.insert(0, str(ROOT))
    from handbook.build import Request
    from handbook.project import Project
    from handbook.serve import Preview

    book = folder / "book"
    copy_real_book(book)
    preview = Preview(Project.at(book, folder / "build"), Request(clinics=("-",), languages=("en",),
                                                                  formats=("web",)), folder, log=lambda line: None)
    preview.rebuild()
    chapter = book / "chapters" / "en" / "side-effects.yaml"
    chapter.write_text(re.sub(r"^(title: .*)$", r"\1, edited", chapter.read_text(encoding="utf-8"), count=1,
                              flags=re.MULTILINE), encoding="utf-8")
    start = time.perf_counter()
    preview.rebuild()
    return time.perf_counter() - start


def no_op_make() -> float | None:
    """Return the fastest of five runs of `make` in the repository when it is up to date (None if it is not)."""
    if shutil.which("make") is None or subprocess.run(["make", "-q"], cwd=ROOT, capture_output=True).returncode != 0:
        print("(run `make` first to time a `make` with nothing to do)")
        return None
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(["make"], cwd=ROOT, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return min(runs)


def long_books(folder: Path, sizes: list[int]) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from long_book import write_book

    rows = []
    for pages in sizes:
        root = write_book(folder / f"long-{pages}", pages)
        plain = child("long", str(root), "untagged", "fixed")
        tagged = child("long", str(root), "tagged", "fixed")
        unfixed = child("long", str(root), "tagged", "unfixed") if pages <= 300 else None
        before = (f"; without the local fixes (speedups.py): {unfixed['seconds']:.1f} s, same bytes: "
                  f"{'yes' if unfixed['sha256'] == tagged['sha256'] else 'NO'}") if unfixed else ""
        rows.append((f"long book, {tagged['pages']} pages",
                     f"untagged {plain['seconds']:.1f} s ({plain['peak_mb']:.0f} MB); tagged "
                     f"{tagged['seconds']:.1f} s ({tagged['peak_mb']:.0f} MB), ratio "
                     f"{tagged['seconds'] / plain['seconds']:.2f}; s per page {tagged['seconds'] / tagged['pages']:.3f}"
                     f"{before}"))
    return rows


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="leave out the long book")
    parser.add_argument("--pages", default="100,300,1000", help="the long book's lengths")
    parser.add_argument("--no-tests", action="store_true", help="leave out the timing of `make test`")
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        rows = real_book(folder)
        if not arguments.no_tests:
            rows.append(quick_tests())
        if not arguments.quick:
            rows += long_books(folder, [int(size) for size in arguments.pages.split(",")])
    width = max(len(row) for row, _ in rows)
    for row, value in rows:
        print(f"{row:<{width}}  {value}", flush=True)


if __name__ == "__main__":
    main()
