"""Pause Python's cyclic garbage collector for a block (layout, and reading the book).

Two stages want it paused: WeasyPrint's layout, whose hundreds of thousands of live boxes
the collector scanned again and again (pdf/layout.py), and the recording of what a book is
read from (incremental/book.py), where a finalizer the collector would run belongs to an
object of an earlier build in the same process, and what it opens is not the book's.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (left as it is if already paused).

    WeasyPrint's boxes, hundreds of thousands of objects, live until the PDF is written,
    and the collector scanned them again and again as they were made: about a tenth of a
    warm A4 build here, and more the longer the book (docs/speed.md). Layout makes little
    cyclic garbage meanwhile: the peak memory was no higher for a 62- or a 300-page book.
    What there is is freed once the collector runs again. Output bytes do not depend on it
    (tests/test_reproducible.py)."""
    if not gc.isenabled():  # paused by a caller already: leave it to them
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
