"""Every piece of WeasyPrint's and pydyf's code the local fixes rely on, pinned by a hash of its source.

A fix is used only where each function it patches or relies on is the very code it was
written against (the first 16 hex digits of the SHA-256 of its source). Where one is not
(another release, or a packaging without the sources), the build says so once, and goes on
without the fix: slower, the same pages. docs/speed.md has the checklist for an upgrade.

Each pin names its fix, and each fix the report that would make it needless upstream
(`REPORTS`), with where it would be filed.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Pin:
    """A function (or a property's getter) a fix relies on, as it was when the fix was written."""

    fix: str
    """The fix that relies on it: `page_references`, `target_counters`, `relayout` or `structure`."""
    module: str
    name: str
    """Its qualified name in the module; for a property, the getter's owner and the property's name."""
    sha: str


PINS = (
    Pin("page_references", "pydyf", "PDF.page_references", "060bf90aad55931b"),
    Pin("target_counters", "weasyprint.css.targets", "TargetCollector.cache_target_page_counters",
        "545eb30bb50f0e49"),
    Pin("relayout", "weasyprint.layout", "layout_document", "a5cbf437e99caf72"),
    Pin("relayout", "weasyprint.layout.page", "make_all_pages", "b5e4034894841caa"),
    Pin("relayout", "weasyprint.layout.page", "remake_page", "1ff09b2dffa17839"),
    Pin("relayout", "weasyprint.layout", "initialize_page_maker", "5bb3c878d722af53"),
    Pin("structure", "weasyprint.pdf.tags", "_build_box_tree", "f716251a83e7096e"),
)

REPORTS = {
    "page_references": (
        "https://github.com/Kozea/pydyf/issues",
        "PDF.page_references builds a new tuple of every page's reference on each call, and WeasyPrint's "
        "tagging reads it once per structure element, so writing a tagged PDF costs O(tags × pages). "
        "Could the tuple be kept until a page is added (pages are only appended to /Kids)?"),
    "target_counters": (
        "https://github.com/Kozea/WeasyPrint/issues",
        "TargetCollector.cache_target_page_counters walks every counter lookup of `content` each time an "
        "anchor lands on a new page: O(anchors × lookups), a third of the layout time of a 300-page book "
        "full of target-counter(). Index counter_lookup_items by the anchor names they wait for, once "
        "collecting stops."),
    "relayout": (
        "https://github.com/Kozea/WeasyPrint/issues",
        "A way to change the last pages' content and lay out only the pages from the first change on "
        "(as remake_page does for target-counter), public and documented, would let a book whose back "
        "matter lists page numbers be laid out once instead of twice."),
    "structure": (
        "https://github.com/Kozea/WeasyPrint/issues",
        "The tagged PDF's structure tree tags <dl> items as /LI in /Div, <nav> as /NonStruct, writes no "
        "/Lang for lang attributes and no soft hyphen for a hyphenation hyphen, and keeps no link from a "
        "box to its structure element, so a finisher cannot fix these without copying _build_box_tree's "
        "walk. Could boxes keep their element (as table cells do with box.mark)?"),
}


def source_hash(function: object) -> str | None:
    """Return the first 16 hex digits of the SHA-256 of a function's source; None where it cannot be read."""
    try:
        source = inspect.getsource(function)  # type: ignore[arg-type]  # any object: TypeError if it has no source
        return hashlib.sha256(source.encode()).hexdigest()[:16]
    except (OSError, TypeError):  # no source installed (a frozen or .pyc-only package)
        return None


def _target(pin: Pin) -> object:
    """Return the object a pin names (a property's getter for a property)."""
    found: object = importlib.import_module(pin.module)
    for part in pin.name.split("."):
        found = inspect.getattr_static(found, part) if isinstance(found, type) else getattr(found, part)
    return found.fget if isinstance(found, property) else found


def matches(pin: Pin) -> bool:
    """Tell whether a pinned piece of code is the one the fix was written against."""
    try:
        target = _target(pin)
    except (ImportError, AttributeError):
        return False
    return source_hash(target) == pin.sha


@functools.cache
def usable(fix: str) -> bool:
    """Tell whether every piece of code a fix relies on is as pinned; say once, if not, that it is not used."""
    changed = [pin for pin in PINS if pin.fix == fix and not matches(pin)]
    if changed:
        names = ", ".join(f"{pin.module}.{pin.name}" for pin in changed)
        print(f"handbook: {names} is not the code the local fix {fix!r} was written for "
              "(handbook/pdf/weasyprint70/pins.py); building without it: slower, the same pages",
              file=sys.stderr)
    return not changed
