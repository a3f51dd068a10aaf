#!/usr/bin/env python3
"""Time each stage of a build of the real handbook (timings live here, never in tests).

usage: .venv/bin/python scripts/benchmark.py [--repeat N]
"""
import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook.build import Builder, Project, load  # noqa: E402
from handbook.editions import EDITIONS  # noqa: E402
from handbook.pdf import lay_out  # noqa: E402


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    project = Project.at(ROOT)
    rows: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        _, seconds = timed(lambda: load(project))
        rows.setdefault("load and check", []).append(seconds)
        builder = Builder(project)
        for name, edition in EDITIONS.items():
            html, seconds = timed(lambda: builder.print_html(edition))
            rows.setdefault(f"render HTML ({name})", []).append(seconds)
            layout, seconds = timed(lambda: lay_out(html, edition, project.layouts, project.readable_roots))
            rows.setdefault(f"one layout pass ({name}, {layout.page_count} pages)", []).append(seconds)
            _, seconds = timed(lambda: builder.pdf(edition))
            rows.setdefault(f"PDF, two passes and writing ({name})", []).append(seconds)
        _, seconds = timed(builder.epub)
        rows.setdefault("EPUB (A4 layout reused)", []).append(seconds)
    width = max(map(len, rows))
    print(f"{'stage':<{width}}  median s  (of {args.repeat})")
    for stage, samples in rows.items():
        print(f"{stage:<{width}}  {statistics.median(samples):8.2f}")


if __name__ == "__main__":
    main()
