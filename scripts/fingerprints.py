#!/usr/bin/env python3
"""Write tests/own-words.fingerprints: a hash of every run of ten words in the source articles.

usage: python3 scripts/fingerprints.py ../shared/seeds

The articles the handbook is written from are not part of the repository (they are not
ours to copy), but the test that the handbook's prose is its own words must run on every
clone and in CI. So the repository keeps only hashes of each article's ten-word runs, as
the overlap check reads them (the same words, the same folding): enough to find a copied
run, not enough to give the articles back. Run it again if the articles change.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

RUN = 10
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
OUT = Path(__file__).resolve().parents[1] / "tests" / "own-words.fingerprints"


def words(text: str) -> list[str]:
    """Return a text's words as the overlap check finds them."""
    return WORD.findall(text.lower().replace("’", "'"))


def fingerprint(run: tuple[str, ...]) -> str:
    """Return the hash of one run of words."""
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def runs(found: list[str]) -> set[tuple[str, ...]]:
    return {tuple(found[i:i + RUN]) for i in range(len(found) - RUN + 1)}


def main() -> int:
    folder = Path(sys.argv[1])
    prints = set()
    for path in sorted(folder.rglob("*.txt")):
        prints |= {fingerprint(run) for run in runs(words(path.read_text(errors="replace")))}
    OUT.write_text("".join(f"{value}\n" for value in sorted(prints)))
    print(f"wrote {OUT}: {len(prints)} runs of {RUN} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
