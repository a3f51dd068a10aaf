"""Local fixes for two quadratic costs in WeasyPrint; the output stays byte-identical.

1. Writing a tagged PDF.

WeasyPrint's tagging code (weasyprint/pdf/tags.py, and pdf/anchors.py for each link)
reads `pdf.page_references[page_number]` once per structure element. In pydyf 0.13 that
attribute is a property that builds a new tuple of every page's reference on each call,
so a book of P pages with T tags costs T × P: a 1000-page book spends most of its time
there (scripts/benchmark.py measures it). The fix remembers the tuple until a page is added:
pages are only ever appended to /Kids, and a page's reference never changes once made, so
the remembered tuple is always the one a fresh call would build.

Offered upstream as: "pydyf: PDF.page_references rebuilds the tuple of all pages on every
call, so tagging is O(tags × pages)".

2. Laying out page references. Each time a page puts an anchor on a new page,
`TargetCollector.cache_target_page_counters` (weasyprint/css/targets.py) walks every box
whose content holds a counter (every `target-counter()`: the contents, each "turn to page",
each "cited on" page) to find the few that name this anchor: O(anchors × references), a
third of the layout time of a 300-page book. The fix indexes those boxes by the anchors
they name, once, when pagination starts: boxes and their anchors are only collected before
it (`collect_missing_counters` returns early once `collecting` is off), so the index holds
exactly the boxes the walk would find, in the same order, and the same updates follow.
The replacement is WeasyPrint 70's method with the walk replaced by the index; it is only
installed where WeasyPrint's method is that very code (a hash of its source), so another
release runs unchanged, only slower.
Offered upstream as: "TargetCollector.cache_target_page_counters is O(anchors × counter
lookups): index counter_lookup_items by anchor name".

Remove each fix when a release makes it needless.
"""
from __future__ import annotations

_INSTALLED = False


def install() -> None:
    """Install both fixes, once per process: each stands aside where the library is not the one it fixes."""
    global _INSTALLED
    if _INSTALLED:
        return
    import pydyf

    _index_target_counters()
    _INSTALLED = True
    if not isinstance(pydyf.PDF.__dict__.get("page_references"), property):
        return  # another pydyf, which made it something else: nothing to fix
    built = pydyf.PDF.page_references.fget

    def page_references(pdf) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        remembered = pdf.__dict__.get("_handbook_page_references")
        if remembered is None or remembered[0] is not kids or remembered[1] != len(kids):
            remembered = (kids, len(kids), built(pdf))
            pdf.__dict__["_handbook_page_references"] = remembered
        return remembered[2]

    page_references.__doc__ = built.__doc__
    pydyf.PDF.page_references = property(page_references)


CACHE_TARGET_PAGE_COUNTERS = "545eb30bb50f0e49"
"""The first 16 hex digits of the SHA-256 of WeasyPrint 70's method, which the fix replaces."""


def source_hash(function) -> str:
    """Return the first 16 hex digits of the SHA-256 of a function's source: which code a fix was written against."""
    import hashlib
    import inspect

    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def _index_target_counters() -> None:
    import copy

    from weasyprint.css.targets import TargetCollector

    original = TargetCollector.cache_target_page_counters
    if source_hash(original) != CACHE_TARGET_PAGE_COUNTERS:
        return  # another WeasyPrint: leave its own code in place

    def cache_target_page_counters(self, anchor_name, page_counter_values, page_maker_index, page_maker):
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
    TargetCollector.cache_target_page_counters = cache_target_page_counters


def _content_items_naming(collector, anchor_name: str) -> list:
    """Return the counter lookups of `content` that name an anchor, in the order they were collected."""
    index = collector.__dict__.get("_handbook_by_anchor")
    if index is None:
        index = {}
        for (_, css_token), item in collector.counter_lookup_items.items():
            if css_token == "content":
                for name in item.missing_target_counters:
                    index.setdefault(name, []).append(item)
        collector.__dict__["_handbook_by_anchor"] = index
    return index.get(anchor_name, [])
