"""Local fixes for two quadratic costs in WeasyPrint; the output stays byte-identical.

1. Writing a tagged PDF.

WeasyPrint's tagging code (weasyprint/pdf/tags.py, and pdf/anchors.py for each link)
reads `pdf.page_references[page_number]` once per structure element. In pydyf 0.13 that
attribute is a property that builds a new tuple of every page's reference on each call,
so a book of P pages with T tags costs T × P: a 1000-page book spends most of its time
there (scripts/benchmark.py measures it). The fix remembers the tuple until a page is added:
pages are only ever appended to /Kids, and a page's reference never changes once made, so
the remembered tuple is always the one a fresh call would build.

The report that would make it needless: pins.REPORTS["page_references"].

2. Laying out page references. Each time a page puts an anchor on a new page,
`TargetCollector.cache_target_page_counters` (weasyprint/css/targets.py) walks every box
whose content holds a counter (every `target-counter()`: the contents, each "turn to page",
each "cited on" page) to find the few that name this anchor: O(anchors × references), a
third of the layout time of a 300-page book. The fix indexes those boxes by the anchors
they name, once, when pagination starts: boxes and their anchors are only collected before
it (`collect_missing_counters` returns early once `collecting` is off), so the index holds
exactly the boxes the walk would find, in the same order, and the same updates follow.
The replacement is WeasyPrint 70's method with the walk replaced by the index. The report
that would make it needless: pins.REPORTS["target_counters"].

Each fix is installed only where the code it replaces or relies on is the very code it was
written against (pins.py), so another release runs unchanged, only slower, and the build
says so once. Remove each fix when a release makes it needless.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from .. import Pdf
from .pins import usable

_REPLACED: dict[str, tuple[object, str, object]] = {}
"""What each installed fix replaced: its owner, the attribute's name and the original."""


@functools.cache
def install() -> None:
    """Install both fixes, once per process: each stands aside where the library is not the one it fixes."""
    if usable("target_counters"):
        _index_target_counters()
    if usable("page_references"):
        _remember_page_references()


@contextlib.contextmanager
def as_released() -> Iterator[None]:
    """Run the block with WeasyPrint and pydyf as released, the fixes taken out (for the tests' comparisons)."""
    current = {name: getattr(owner, attribute) if not isinstance(owner, type) else owner.__dict__[attribute]
               for name, (owner, attribute, _) in _REPLACED.items()}
    for owner, attribute, original in _REPLACED.values():
        setattr(owner, attribute, original)
    try:
        yield
    finally:
        for name, (owner, attribute, _) in _REPLACED.items():
            setattr(owner, attribute, current[name])


def _remember_page_references() -> None:
    import pydyf

    built = pydyf.PDF.page_references.fget

    def page_references(pdf: Pdf) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        remembered = pdf.__dict__.get("_handbook_page_references")
        if remembered is None or remembered[0] is not kids or remembered[1] != len(kids):
            remembered = (kids, len(kids), built(pdf))
            pdf.__dict__["_handbook_page_references"] = remembered
        references: tuple[bytes, ...] = remembered[2]
        return references

    page_references.__doc__ = built.__doc__
    _REPLACED["page_references"] = (pydyf.PDF, "page_references", pydyf.PDF.__dict__["page_references"])
    pydyf.PDF.page_references = property(page_references)


def _index_target_counters() -> None:
    import copy

    from weasyprint.css.targets import TargetCollector

    original = TargetCollector.cache_target_page_counters

    def cache_target_page_counters(self: Any, anchor_name: str, page_counter_values: dict[str, list[int]],
                                   page_maker_index: int, page_maker: list[Any]) -> None:
        if self.collecting:
            return
        item = self.target_lookup_items.get(anchor_name)
        if item and item.state == "up-to-date":
            item.page_maker_index = page_maker_index
            if item.cached_page_counter_values != page_counter_values:
                item.cached_page_counter_values = copy.deepcopy(page_counter_values)
                for item in _content_items_naming(self, anchor_name):
                    missing_counters = item.missing_target_counters[anchor_name]
                    if item.page_maker_index is None or item.page_maker_index >= len(page_maker):
                        item.pending = True
                        continue
                    for counter_name in missing_counters:
                        counter_value = page_counter_values.get(counter_name)
                        if counter_value is not None:
                            remake_state = page_maker[item.page_maker_index][-1]
                            remake_state["content_changed"] = True
                            item.parse_again(item.cached_page_counter_values)
                            break

    cache_target_page_counters.__doc__ = original.__doc__
    _REPLACED["target_counters"] = (TargetCollector, "cache_target_page_counters", original)
    TargetCollector.cache_target_page_counters = cache_target_page_counters


def _content_items_naming(collector: Any, anchor_name: str) -> list[Any]:  # WeasyPrint's TargetCollector
    """Return the counter lookups of `content` that name an anchor, in the order they were collected."""
    index = collector.__dict__.get("_handbook_by_anchor")
    if index is None:
        index = {}
        for (_, css_token), item in collector.counter_lookup_items.items():
            if css_token == "content":
                for name in item.missing_target_counters:
                    index.setdefault(name, []).append(item)
        collector.__dict__["_handbook_by_anchor"] = index
    items: list[Any] = index.get(anchor_name, [])
    return items
