#!/usr/bin/env python3
"""Time builds of the real handbook (timings live here, never in tests).

usage: .venv/bin/python scripts/benchmark.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(*args: str, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "handbook", "--root", str(ROOT), "build", *args, "--out", str(out)],
                   check=True, capture_output=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1795305600"))
    return time.perf_counter() - start


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
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("title:", "title: Edited:", 1), encoding="utf-8")
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


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        rows = [("every edition, cold (no page cache)", timed(out=out))]
        rows.append(("every edition, warm (page cache)", timed("--force", out=out)))
        rows.append(("nothing changed", timed(out=out)))
        rows.append(("e-book alone, A4 layout known", timed("epub", "--force", out=out)))
        shutil.rmtree(out / ".cache")
        rows.append(("e-book alone, cold", timed("epub", "--force", out=out)))
        rows.append(("web edition, one language", timed("web", "--language", "en", "--force", out=out)))
        rows.append(("preview: rebuild after one chapter changed", preview_rebuild(Path(folder) / "preview")))
    make = no_op_make()
    if make is not None:
        rows.append(("`make`, nothing changed since the last one", make))
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:6.2f} s")


if __name__ == "__main__":
    main()
