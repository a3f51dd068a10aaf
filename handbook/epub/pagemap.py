"""Place the printed edition's page numbers in the e-book.

The layout tells on which printed page each anchor starts. A page's marker goes before
the first anchor that starts on it; a page on which nothing starts (one long paragraph
fills it) gets its marker before the anchor whose text runs onto it, so "turn to page 12"
never lands after the text of page 12.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence


def page_breaks(order: Sequence[str], anchor_pages: Mapping[str, int], page_count: int) -> dict[str, tuple[int, ...]]:
    """Return, for each anchor of the e-book, the printed page numbers to mark before it.

    `order` is every anchor of the e-book in reading order; anchors that the print
    layout does not have are skipped.
    """
    placed = [(anchor, anchor_pages[anchor]) for anchor in order if anchor in anchor_pages]
    if not placed:
        return {}
    breaks: dict[str, list[int]] = {}
    position = 0
    for page in range(1, page_count + 1):
        # Move to the first anchor starting on this page or later.
        while position < len(placed) and placed[position][1] < page:
            position += 1
        if position < len(placed) and placed[position][1] == page:
            anchor = placed[position][0]
        elif position > 0:
            anchor = placed[position - 1][0]  # the text in progress at the top of the page
        else:
            anchor = placed[0][0]
        breaks.setdefault(anchor, []).append(page)
    return {anchor: tuple(pages) for anchor, pages in breaks.items()}
