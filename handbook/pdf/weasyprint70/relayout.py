"""Print the sources appendix's real pages by making again only the pages it is on.

An edition laid out with no page map to start from lists every citation in its sources
appendix ("cited on pages 4, 4, 4, 9"), since which of them share a page is what the
layout tells. The appendix comes last and nothing before it depends on what it lists, so
the pages before it are already those of the final layout: only the appendix's own pages
must be made again once each list keeps the first citation on each page. WeasyPrint can
do that itself: it re-makes only the pages whose content changed and keeps the others (it
is how it fills in `target-counter()` numbers that point forward).

So the first layout keeps what WeasyPrint needs (the box tree, the layout context, each
page as it was before its margin boxes were added); the page references the final HTML
does not have, each with the ", " before it, are taken out of the box tree, and WeasyPrint
makes the pages again from the first changed source's page. This is only done where it is
the same as laying out the final HTML from scratch:

- the final HTML is the first one with exactly those references taken out, and "pages"
  made "page" where one is left (compared as strings, so another theme's markup just
  takes the second layout);
- no stylesheet picks an `a` or a `span` by its place among its siblings (`:last-child`,
  `+`, `:nth-child()`...), which a shorter list would change;
- WeasyPrint's pagination is the code this was written against (pins.py: hashes of its
  source; the report that would make this needless is pins.REPORTS["relayout"]);
- the book has no footnotes or running elements, whose state a layout leaves behind.

Anywhere else the edition is laid out a second time, as before. tests/test_pagecache.py
compares the bytes of an edition made this way with one laid out from its final HTML.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from markupsafe import escape

from .. import Box
from .pins import usable

SEPARATOR = ", "
"""What the theme's template puts before each page reference after the first."""


@dataclass(frozen=True)
class Cut:
    """What the final appendix drops from the first one's lists."""

    removed: frozenset[str]
    """The citation anchors whose page references are taken out."""
    relabelled: Mapping[str, tuple[str, str]]
    """For each source entry's id left with one reference: its label before and after ("Cited on
    pages", "Cited on page")."""
    changed: tuple[str, ...]
    """The ids of the source entries whose lists change (those relabelled among them)."""


@contextmanager
def kept_pagination(state: dict[str, Any]) -> Iterator[None]:
    """While the block renders one document, keep in `state` what a later `relay` needs."""
    import weasyprint.document as document_module
    import weasyprint.layout as layout_module

    real_layout, real_make = document_module.layout_document, layout_module.make_all_pages

    def layout_document(html: Any, root_box: Box, context: Any, *args: Any, **kwargs: Any) -> Any:
        state.update(html=html, root_box=root_box, context=context)
        return real_layout(html, root_box, context, *args, **kwargs)

    def make_all_pages(context: Any, root_box: Box, html: Any, pages: list[Box]) -> Iterator[Box]:
        made = []
        for page in real_make(context, root_box, html, pages):
            made.append((page, page.children, page.children[0].children))  # before margin boxes are added
            yield page
        state["pages"] = made

    with (_swapped(document_module, layout_document=layout_document),
          _swapped(layout_module, make_all_pages=make_all_pages)):
        yield


@contextmanager
def _swapped(module: ModuleType, **functions: Callable[..., Any]) -> Iterator[None]:
    """Put other functions in a module's namespace while the block runs, and the real ones back after."""
    real = {name: getattr(module, name) for name in functions}
    for name, function in functions.items():
        setattr(module, name, function)
    try:
        yield
    finally:
        for name, function in real.items():
            setattr(module, name, function)


def can_relay(stylesheets: Iterable[Path]) -> bool:
    """Tell whether this WeasyPrint and these stylesheets allow a relayout to be the same as a layout."""
    if not usable("relayout"):
        return False
    return not any(_by_place(path.read_text(encoding="utf-8")) for path in stylesheets)


_PLACE = re.compile(r":(last-child|last-of-type|only-child|only-of-type|nth-[a-z-]+|empty)|[+~]")
_COMPOUND = re.compile(r"\s*[>+~]\s*|\s+")


def _by_place(css: str) -> bool:
    """Tell whether a stylesheet has a selector that could pick a page reference, or the text around
    it, by its place among its siblings: one whose compound so placed names no element or an a or span."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    while rules:
        rule = rules.pop()
        if rule.type == "at-rule" and rule.content is not None:
            if rule.lower_at_keyword != "page":
                rules.extend(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            continue
        if rule.type != "qualified-rule":
            continue
        for selector in tinycss2.serialize(rule.prelude).split(","):
            selector = selector.strip()
            if not _PLACE.search(selector):
                continue
            compounds = [part for part in _COMPOUND.split(selector) if part]
            for compound in compounds:
                element = re.match(r"[A-Za-z][\w-]*", compound)
                if element is None or element.group().lower() in ("a", "span"):
                    return True
    return False


def plan(first_html: str, final_html: str, cut: Cut) -> bool:
    """Tell whether the final HTML is the first with the cut made, and nothing else changed."""
    if any(f'<li id="{escape(entry)}">' not in first_html for entry in cut.changed):
        return False
    expected = first_html
    for anchor in sorted(cut.removed):
        piece = f'{SEPARATOR}<a class="page-ref" href="#{escape(anchor)}"></a>'
        if expected.count(piece) != 1:
            return False
        expected = expected.replace(piece, "")
    for entry, (before, after) in cut.relabelled.items():
        start = expected.find(f'<li id="{escape(entry)}">')
        label = f'<span class="cited-on">{escape(before)}\n'
        at = expected.find(label, start)
        if start < 0 or at < 0 or expected.find("</li>", start) < at:
            return False
        expected = expected[:at] + f'<span class="cited-on">{escape(after)}\n' + expected[at + len(label):]
    return expected == final_html


def relay(state: dict[str, Any], cut: Cut, anchor_pages: Mapping[str, int]) -> list[Box] | None:
    """Cut the appendix's lists in the kept box tree and make its pages again; return the new
    page boxes, or None where the box tree is not the one `plan` checked."""
    import weasyprint.layout as layout_module

    context, root_box, html = state["context"], state["root_box"], state["html"]
    running = any(elements for pages in context.running_elements.values() for elements in pages.values())
    if context.footnotes or context.reported_footnotes or running:
        return None
    if not _cut_boxes(root_box, cut):
        return None
    for page, children, root_children in state["pages"]:  # as they were before the margin boxes
        page.children = children
        children[0].children = root_children
    start = min(anchor_pages[entry] for entry in cut.changed) - 1
    for index in range(start, len(context.page_maker) - 1):
        context.page_maker[index][-1]["content_changed"] = True
    context.string_set = defaultdict(lambda: defaultdict(list))  # filled again from every page
    kept = [page for page, _, _ in state["pages"]]
    real_make = layout_module.make_all_pages

    def make_all_pages(context: Any, root_box: Box, html: Any, pages: list[Box]) -> Any:
        return real_make(context, root_box, html, pages or kept)  # the first round starts from the kept pages

    # The page maker is kept as the first layout left it, not started afresh.
    with _swapped(layout_module, initialize_page_maker=lambda context, root_box: None, make_all_pages=make_all_pages):
        return list(layout_module.layout_document(html, root_box, context))


def _cut_boxes(root_box: Box, cut: Cut) -> bool:
    """Take the cut's page references (and the separator before each) out of the box tree, and
    change the labels; touch nothing unless every one is found where the template puts it."""
    from weasyprint.formatting_structure.boxes import TextBox

    removals, labels = [], []
    hrefs = {f"#{anchor}" for anchor in cut.removed}
    for parent, entry in _inside(root_box, set(cut.changed)):
        children = list(parent.children)
        for index, child in enumerate(children):
            element = child.element
            if (child.element_tag == "a" and element.get("href") in hrefs
                    and "page-ref" in element.get("class", "").split()):
                before = children[index - 1] if index else None
                if not isinstance(before, TextBox) or before.text != SEPARATOR:
                    return False
                removals.append((parent, before, child))
            elif index == 0 and isinstance(child, TextBox) and entry in cut.relabelled \
                    and child.element_tag == "span" and "cited-on" in element.get("class", "").split():
                old, new = cut.relabelled[entry]
                if not child.text.startswith(old) or child.text[len(old):] not in ("", " ") \
                        or child.style["text_transform"] != "none":
                    return False
                labels.append((parent, child, child.copy_with_text(new + child.text[len(old):])))
    if len(removals) != len(hrefs) or len(labels) != len(cut.relabelled):
        return False
    for parent, before, child in removals:
        parent.children = [box for box in parent.children if box is not before and box is not child]
    for parent, old, new in labels:
        parent.children = [new if box is old else box for box in parent.children]
    return True


def _inside(root_box: Box, entries: set[str]) -> Iterator[tuple[Box, str]]:
    """Yield every box with children inside the source entries named, with the entry's id."""
    stack: list[tuple[Box, str | None]] = [(root_box, None)]
    while stack:
        box, entry = stack.pop()
        if entry is None and box.element is not None and box.element.get("id") in entries \
                and not box.element_tag.endswith(("::before", "::after", "::marker")):
            entry = box.element.get("id")
        children = getattr(box, "children", None)
        if children:
            if entry is not None:
                yield box, entry
            stack.extend((child, entry) for child in children)
