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
ENV = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
A4_ENGLISH = ("--layout", "a4", "--language", "en", "--clinic", "-")


def run(*args: str, cwd: Path = ROOT) -> tuple[float, str]:
    """Run a command; return its wall-clock seconds and its output."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True, env=ENV)
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
    from handbook.checked import build_date
    from handbook.prepare import prepare
    from handbook.project import Project

    handbook = prepare(Project.at(root, out), ("en",))
    workshop = Workshop(handbook, build_date(handbook.settings))
    edition = Edition("", "en", handbook.settings.standard_layout, "pdf")
    return workshop, workshop.context(edition), workshop.env("en")


def write_html(root: Path, folder: Path, out: Path) -> None:
    """Write the A4 edition's final HTML, stylesheets linked by real file addresses, for WeasyPrint alone."""
    from handbook.render.context import BOOK_URL, THEME_URL
    from handbook.render.print import render_print

    workshop, context, env = _edition(root, out)  # the page map the timed build kept: no layout
    _, pages = workshop.paginate(context, env, need_layout=False)
    theme = workshop.handbook.theme
    html = render_print(env, context, pages.anchor_pages)
    html = html.replace(BOOK_URL, root.resolve().as_uri() + "/").replace(THEME_URL, theme.dirs[0].resolve().as_uri() + "/")
    (folder / "book.html").write_text(html, encoding="utf-8")
    sheets = [theme.find(sheet).resolve().as_uri() for sheet in theme.layouts[context.edition.layout].stylesheets]
    (folder / "sheets.json").write_text(json.dumps(sheets))


def weasyprint_alone(folder: Path) -> dict:
    """Lay out and write the saved HTML with WeasyPrint and nothing else (tagged, PDF/UA-1)."""
    from weasyprint import CSS, HTML

    start = time.perf_counter()
    sheets = [CSS(url=url) for url in json.loads((folder / "sheets.json").read_text())]
    HTML(filename=str(folder / "book.html")).write_pdf(folder / "alone.pdf", stylesheets=sheets,
                                                        pdf_variant="pdf/ua-1")
    return {"seconds": time.perf_counter() - start}


def long_book(root: Path, variant: str, fixed: bool) -> dict:
    """Lay out and write a generated book, tagged (pdf/ua-1) or not; with or without the local fix."""
    from handbook.pdf.layout import Typesetter
    from handbook.render.print import render_print

    workshop, context, env = _edition(root, root / "build")
    html = render_print(env, context)
    typesetter = Typesetter(workshop.handbook.project, workshop.handbook.theme, context.layout)
    if fixed:
        from handbook.pdf.weasyprint70.speedups import install
        install()
    from weasyprint import HTML
    from handbook.render.context import BOOK_URL

    tagged = variant == "tagged"
    start = time.perf_counter()
    document = HTML(string=html, base_url=BOOK_URL, url_fetcher=typesetter.fetcher).render(
        font_config=typesetter.fonts, stylesheets=typesetter.stylesheets, pdf_variant="pdf/ua-1" if tagged else None)
    laid_out = time.perf_counter()
    data = document.write_pdf(pdf_variant="pdf/ua-1" if tagged else None)
    written = time.perf_counter()
    return {"pages": len(document.pages), "layout": laid_out - start, "write": written - laid_out,
            "seconds": written - start, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_main(args: list[str]) -> None:
    mode, *rest = args
    if mode == "write-html":
        write_html(Path(rest[0]), Path(rest[1]), Path(rest[2]))
        result = {}
    elif mode == "weasyprint-alone":
        result = weasyprint_alone(Path(rest[0]))
    else:
        result = long_book(Path(rest[0]), rest[1], rest[2] == "fixed")
    print(json.dumps(result))


# --- the rows -----------------------------------------------------------------------------------

def real_book(folder: Path) -> list[tuple[str, str]]:
    rows = []
    out = folder / "out"
    cold, cold_layouts = build(ROOT, out, "pdf", *A4_ENGLISH, "--force")
    html = folder / "html"
    html.mkdir()
    child("write-html", str(ROOT), str(html), str(out))
    # Each the best of four, taken in turns: this machine's speed drifts by a tenth over a
    # minute, which would otherwise count for one side or the other.
    warm, alone = float("inf"), float("inf")
    for _ in range(4):
        warm = min(warm, build(ROOT, out, "pdf", *A4_ENGLISH, "--force")[0])
        alone = min(alone, child("weasyprint-alone", str(html))["wall"])
    rows.append(("A4 PDF, page map known ÷ WeasyPrint alone on the same HTML",
                 f"{warm / alone:.2f}  ({warm:.2f} s ÷ {alone:.2f} s; cold, no page map: {cold:.2f} s, {cold_layouts})"))

    epub_warm = min(build(ROOT, out, "epub", *A4_ENGLISH, "--force")[0] for _ in range(3))
    shutil.rmtree(out / ".cache")
    epub_cold, epub_cold_layouts = build(ROOT, out, "epub", *A4_ENGLISH, "--force")
    pandoc = pandoc_epub(folder)
    against = f"; Pandoc on the same chapters: {pandoc:.2f} s, ratio {epub_warm / pandoc:.2f}" if pandoc else \
        "; Pandoc not installed"
    rows.append(("EPUB, A4 layout known", f"{epub_warm:.2f} s  (cold: {epub_cold:.2f} s, {epub_cold_layouts}{against})"))

    every = folder / "every"
    cold_all, cold_layouts = build(ROOT, every, "--force")
    warm_all, warm_layouts = build(ROOT, every, "--force")
    nothing = build(ROOT, every)[0]
    rows.append(("every edition (2 languages × 4 layouts, PDF + EPUB + web)",
                 f"cold {cold_all:.1f} s, {cold_layouts}; warm {warm_all:.1f} s, {warm_layouts}; "
                 f"nothing changed {nothing:.2f} s"))
    files = [path for path in every.rglob("*") if path.suffix in (".pdf", ".epub") and ".cache" not in path.parts]
    for path in files:
        path.unlink()
    copied, copied_layouts = build(ROOT, every)
    rows.append(("every edition, its PDFs and e-books deleted (made before: copied from build/.cache)",
                 f"{copied:.2f} s, {copied_layouts}, {len(files)} files"))
    rows.append(("preview: rebuild after one chapter changed", f"{preview_rebuild(folder / 'preview'):.2f} s"))
    make = no_op_make()
    if make is not None:
        rows.append(("`make`, nothing changed since the last one", f"{make:.2f} s"))
    return rows


def quick_tests() -> tuple[str, str]:
    """Time `make test` itself (its workers are the Makefile's), as it runs after a `make`, and count its real-book layouts."""
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
    for name in ("chapters", "sources"):
        shutil.copytree(ROOT / name, book / name)
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


def pandoc_epub(folder: Path) -> float | None:
    """Time Pandoc making an EPUB of the same chapters' text, where Pandoc is installed.

    Pandoc is given every chapter's headings and every block's text as Markdown, with the
    same pictures: the same content, without the handbook's citations, notes or page list."""
    if shutil.which("pandoc") is None:
        return None
    sys.path.insert(0, str(ROOT))
    from handbook.analyse.traverse import blocks, plain_text, texts
    from handbook.model import Figure
    from handbook.prepare import prepare
    from handbook.project import Project

    book = prepare(Project.at(ROOT, folder / "p"), ("en",)).books["en"]
    lines = [f"% {book.title}\n"]
    for chapter in book.chapters:
        lines.append(f"# {chapter.title}\n")
        for block, _ in blocks(chapter):
            if isinstance(block, Figure):
                lines.append(f"![{block.alt}]({block.path})\n")
            lines += [plain_text(text) + "\n" for text in texts(block)]
    markdown = folder / "book.md"
    markdown.write_text("\n".join(lines), encoding="utf-8")
    return min(run("pandoc", str(markdown), "-o", str(folder / "pandoc.epub"))[0] for _ in range(2))


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
