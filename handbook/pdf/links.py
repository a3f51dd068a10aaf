"""Tidy WeasyPrint's link annotations before the PDF is written: one per link, described in words.

WeasyPrint gives every inline box inside a link its own annotation, so a page number
drawn by `::after` inside `<a class="page-ref">` becomes a second, identical link on top
of the first (weasyprint/anchors.py: `link = box.link or parent_link`); and it describes
each link by its raw target (`/Contents (cite_crisis_4)`). Screen readers then announce
every link twice, by an id. This finisher keeps one annotation per rectangle and target
(the duplicate's structure element becomes a plain /Span), and gives each link the words
the build knows for its target. WeasyPrint also leaves out the annotation flags, so a
link is not printed (the Print flag, /F 4, is clear), and PDF/UA checkers read that as an
annotation hidden from part of its readers (ISO 14289-1 7.18.1; PDF/A requires the flag
too): each link gets the Print flag. A link draws nothing of its own, so the page prints
the same.
"""
from __future__ import annotations

from collections.abc import Mapping

from . import Pdf, PdfObject, PdfObjects

PRINT = 4
"""The annotation flag that has an annotation printed with the page (ISO 32000-1, 12.5.3)."""


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def tidy_links(pdf: Pdf, descriptions: Mapping[str, str]) -> None:
    """Drop duplicate link annotations; describe each remaining link in words, and have it printed."""
    import pydyf

    objects = pdf.objects
    owner_of: dict[int, int] = {}  # OBJR object -> structure element object
    objr_of: dict[int, int] = {}  # annotation object -> OBJR object
    for number, value in enumerate(objects):
        if not isinstance(value, dict):
            continue
        if value.get("Type") == "/OBJR":
            annotation = _number(value.get("Obj"))
            if annotation is not None:
                objr_of[annotation] = number
        elif value.get("Type") == "/StructElem" and isinstance(value.get("K"), list):
            for kid in value["K"]:
                kid_number = _number(kid)
                if kid_number is not None:
                    owner_of[kid_number] = number

    for page_reference in pdf.pages["Kids"][::3]:  # pydyf keeps [n, 0, 'R', ...]
        page = objects[page_reference]
        annotations = page.get("Annots")
        if not isinstance(annotations, list):
            continue
        kept: list[PdfObject] = []
        areas: list[tuple[str, tuple[float, ...]]] = []  # (target, rectangle) of each link kept
        for reference in annotations:
            annotation_number = _number(reference)
            annotation = objects[annotation_number] if annotation_number is not None else None
            if annotation_number is None or not isinstance(annotation, dict) or annotation.get("Subtype") != "/Link":
                kept.append(reference)
                continue
            target = _target(annotation)
            area = _normal(annotation["Rect"])
            # A box inside a link (its ::after, a span) repeats the link over part of its area.
            if any(kept_target == target and _inside(area, kept_area) for kept_target, kept_area in areas):
                _unlink(objects, objr_of.get(annotation_number), owner_of)
                continue
            areas.append((target, area))
            kept.append(reference)
            annotation["F"] = PRINT
            words = descriptions.get(target.lstrip("#"), target)
            if "Contents" in annotation:
                annotation["Contents"] = pydyf.String(words)
        page["Annots"] = pydyf.Array(kept)


def _normal(rect: PdfObject) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(value) for value in rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 0.5) -> bool:
    """Tell whether one rectangle lies within another."""
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def _target(annotation: PdfObject) -> str:
    """Return where a link annotation leads: its destination name or its address."""
    for value in (annotation.get("Dest"), (annotation.get("A") or {}).get("URI")):
        if value is not None:
            return str(getattr(value, "string", value))
    return ""


def _unlink(objects: PdfObjects, objr: int | None, owner_of: dict[int, int]) -> None:
    """Take a dropped annotation out of the structure tree; its element becomes a /Span."""
    if objr is None or objr not in owner_of:
        return
    import pydyf

    element = objects[owner_of[objr]]
    element["K"] = pydyf.Array(kid for kid in element["K"] if _number(kid) != objr)
    still_linked = any(isinstance(objects[number], dict) and objects[number].get("Type") == "/OBJR"
                       for number in map(_number, element["K"]) if number is not None)
    if not still_linked:
        element["S"] = "/Span"
