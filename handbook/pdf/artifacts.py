"""Mark running headers and page numbers as artifacts, so screen readers skip them.

WeasyPrint tags the content of page-margin boxes with marked-content ids but keeps their
structure elements out of the tree (weasyprint/pdf/tags.py: "It could be included in tree
as Artifact, but that's only allowed in PDF 2.0"). PDF/UA-1 wants such page furniture
marked as /Artifact instead. This finisher runs on WeasyPrint's PDF objects just before
they are written: every marked-content sequence whose structure element cannot be reached
from the structure tree becomes an /Artifact sequence, and its slot in the parent tree is
emptied.
"""
from __future__ import annotations

from typing import Any

from . import LaidOut, Pdf


def _number(reference: object) -> int | None:
    """Return the object number of an indirect reference such as b'12 0 R'."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def mark_margin_boxes_as_artifacts(document: LaidOut, pdf: Pdf) -> None:
    """Turn untreed marked content (the page-margin boxes) into artifacts."""
    root_number = _number(pdf.catalog.get("StructTreeRoot"))
    if root_number is None:
        return
    objects = pdf.objects
    root = objects[root_number]
    reachable: set[int] = set()
    stack = list(root["K"])
    while stack:
        number = _number(stack.pop())
        if number is None or number in reachable:
            continue
        reachable.add(number)
        kids = objects[number].get("K")
        if isinstance(kids, list):
            stack.extend(kids)

    nums = objects[_number(root["ParentTree"])]["Nums"]
    pages = [objects[number] for number in pdf.pages["Kids"][::3]]  # pydyf keeps [n, 0, 'R', ...]
    for key, value in zip(nums[::2], nums[1::2], strict=False):
        if not isinstance(value, list) or key >= len(pages):
            continue  # annotations map to a single element, not a list of marked content
        orphans = {mcid for mcid, reference in enumerate(value) if _number(reference) not in reachable}
        if not orphans:
            continue
        for mcid in orphans:
            value[mcid] = "null"
        stream = objects[_number(pages[key]["Contents"])].stream
        _rewrite(stream, orphans)


def _rewrite(stream: list[Any], orphans: set[int]) -> None:
    """Replace `/Tag <</MCID n>> BDC` with `/Artifact BMC` for each orphaned n, in place."""
    i = 0
    while i < len(stream):
        if (stream[i] == b"BDC" and i >= 2 and isinstance(stream[i - 1], dict)
                and stream[i - 1].get("MCID") in orphans):
            stream[i - 2:i + 1] = ["/Artifact", b"BMC"]
            i -= 1
        i += 1
