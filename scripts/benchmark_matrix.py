#!/usr/bin/env python3
"""Time a clinic network's matrix: N clinic files × the book's layouts, built as one matrix
against the same editions built one by one, each in its own process (timings live here,
never in tests).

usage: .venv/bin/python scripts/benchmark_matrix.py [--clinics N] [--jobs J]

Prints wall-clock seconds for both ways, the ratio measured in this one run, seconds per
edition, the processor seconds each way took (user and system time of this process and its
children: what an edition costs whatever else the machine is doing), and how many times
each language was loaded and checked in the matrix run.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLINIC = """\
name: Benchmark Clinic {n}
phones:
  clinic: "555 01{n:02d}"
  after-hours: "555 02{n:02d}"
"""


def book_with_clinics(folder: Path, count: int) -> Path:
    """Copy the book into a folder and give it `count` clinic files."""
    root = folder / "book"
    for name in ("chapters", "sources", "approvals"):  # approvals: the book file requires them
        shutil.copytree(ROOT / name, root / name)
    (root / "clinics").mkdir()
    for n in range(1, count + 1):
        (root / "clinics" / f"clinic-{n:02d}.yaml").write_text(CLINIC.format(n=n))
    book = root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("editions:\n", "editions:\n  clinics: [clinics/*.yaml]\n", 1))
    return root


def cpu_seconds() -> float:
    """Return the processor time this process and its finished children have used."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def matrix_in_process(root: Path, out: Path, jobs: int | None) -> tuple[float, int, dict[str, int]]:
    """Build the whole matrix in this process's pool; return seconds, outputs and loads per language."""
    import handbook.prepare as prepare_module
    from handbook.build import Request, build
    from handbook.project import Project

    loads: dict[str, int] = {}
    original = prepare_module.load_language

    def counting(project, settings, language, *args):
        loads[language] = loads.get(language, 0) + 1
        return original(project, settings, language, *args)

    prepare_module.load_language = counting
    start = time.perf_counter()
    report = build(Project.at(root, out), Request(workers=jobs), progress=lambda line: None)
    seconds = time.perf_counter() - start
    prepare_module.load_language = original
    return seconds, sum(len(result.made) for result in report.made), loads


def one_by_one(root: Path, out: Path) -> tuple[float, int]:
    """Build every edition of the matrix with its own `handbook build` process, one after another."""
    listing = subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "editions", "--json"],
                             check=True, capture_output=True, text=True).stdout
    import json

    rows = json.loads(listing)["include"]
    start = time.perf_counter()
    for row in rows:
        subprocess.run([sys.executable, "-m", "handbook", "--root", str(root), "build", "--out", str(out),
                        "--clinic", row["clinic"] or "-", "--language", row["language"],
                        "--layout", row["layout"], "--format", row["format"], "--jobs", "1"],
                       check=True, capture_output=True)
    return time.perf_counter() - start, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for the matrix (default: cores)")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795305600")
    with tempfile.TemporaryDirectory() as folder:
        root = book_with_clinics(Path(folder), args.clinics)
        before = cpu_seconds()
        matrix_seconds, outputs, loads = matrix_in_process(root, Path(folder) / "matrix", args.jobs)
        matrix_cpu = cpu_seconds() - before
        before = cpu_seconds()
        single_seconds, editions = one_by_one(root, Path(folder) / "single")
        single_cpu = cpu_seconds() - before
    cores = os.cpu_count()
    import weasyprint

    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} at the end, Python "
          f"{sys.version.split()[0]}, WeasyPrint {weasyprint.__version__}")
    print(f"editions: {editions} ({args.clinics} clinics and the book's own × layouts and the e-book)")
    print(f"matrix, one command:      {matrix_seconds:7.1f} s  ({matrix_seconds / outputs:.2f} s per edition)")
    print(f"one process per edition:  {single_seconds:7.1f} s  ({single_seconds / editions:.2f} s per edition)")
    print(f"ratio (matrix / one by one): {matrix_seconds / single_seconds:.2f}")
    print(f"processor seconds per edition: matrix {matrix_cpu / outputs:.2f}, "
          f"one process per edition {single_cpu / editions:.2f}")
    print("loads per language in the matrix run: " + ", ".join(f"{k}: {v}" for k, v in loads.items()))


if __name__ == "__main__":
    main()
