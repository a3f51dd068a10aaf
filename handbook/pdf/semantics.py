"""Make the PDF's structure tree say what the HTML says where WeasyPrint leaves it out.

Run first among the finishers: `map_boxes` (weasyprint70/boxmap.py) reads the tree as
WeasyPrint made it. Then:

- a word broken by a hyphen at a line's end is marked as one (hyphens.py);
- definition lists, list items and the contents are tagged as the PDF standard allows (lists.py);
- text in another language than the book's (`lang`) gets the /Lang of its element
  (ISO 14289-1 7.2, WCAG 3.1.2): WeasyPrint writes only the document's /Lang;
- what the HTML hides from assistive technology (`aria-hidden="true"`: a box to tick, a
  space to write an answer) leaves the tree, so it is no empty element a screen reader
  stops at; its drawing, if any, becomes an artifact (artifacts.py runs next and makes any
  content no element owns an artifact);
- an element that draws no text but has an `aria-label` (lines to write on, a blank for a
  number) gets it as its /Alt, which screen readers read in its place;
- an inline element that holds nothing leaves the tree: WeasyPrint makes a /Span for each
  piece of an inline box on each line, also for a piece that holds only the space a line
  broke at.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import LaidOut, Pdf, PdfObject, PdfObjects

if TYPE_CHECKING:
    from .weasyprint70.boxmap import BoxMap

from .hyphens import mark_soft_hyphens
from .lists import tag_contents, tag_definition_lists, tidy_list_items
from .weasyprint70.boxmap import map_boxes

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def follow_the_html(document: LaidOut, pdf: Pdf) -> None:
    """Fix the structure tree by what the HTML says: hyphens, lists, contents, languages, hidden and labelled boxes."""
    boxmap = map_boxes(document, pdf)
    if boxmap is None:
        return
    mark_soft_hyphens(boxmap, document, pdf)
    tag_definition_lists(boxmap, pdf)
    tidy_list_items(boxmap, pdf)
    tag_contents(boxmap, pdf)
    mark_languages(boxmap)
    hide_and_label(boxmap, pdf)
    drop_empty_inlines(boxmap, pdf)


def mark_languages(boxmap: BoxMap) -> None:
    """Give /Lang to the element of every HTML element that says its language (`lang`, `xml:lang`)."""
    import pydyf
    from weasyprint.formatting_structure import boxes

    for box, elements in boxmap.items():
        if box.element is None or isinstance(box, boxes.TextBox):
            continue  # a piece of text is its element's: the element says it once
        language = box.element.get("lang") or box.element.get(XML_LANG)
        if language:
            elements[0]["Lang"] = pydyf.String(language)


def hide_and_label(boxmap: BoxMap, pdf: Pdf) -> None:
    """Take what `aria-hidden` hides out of the tree; give an element that draws no text its `aria-label` as /Alt."""
    import pydyf

    objects = pdf.objects
    for box, elements in boxmap.items():
        if box.element is None:
            continue
        if box.element.get("aria-hidden") == "true":
            _drop(objects, elements[0])
        elif box.element.get("aria-label") and not _draws_anything(objects, elements[0]):
            elements[0]["Alt"] = pydyf.String(box.element.get("aria-label"))


def drop_empty_inlines(boxmap: BoxMap, pdf: Pdf) -> None:
    """Take every /Span and /NonStruct that holds nothing out of the tree."""
    made = [element for _, elements in boxmap.items() for element in elements]
    for element in reversed(made):  # an element is made before what it holds: the innermost go first
        if element.get("S") in ("/Span", "/NonStruct") and not element["K"] and "Alt" not in element:
            _drop(pdf.objects, element)


def _drop(objects: PdfObjects, element: PdfObject) -> None:
    """Take an element out of its parent's children."""
    import pydyf

    parent = objects[_number(element["P"])]
    parent["K"] = pydyf.Array(kid for kid in parent["K"] if kid != element.reference)


def _draws_anything(objects: PdfObjects, element: PdfObject) -> bool:
    """Tell whether an element or one beneath it owns marked content or an annotation."""
    stack = [element]
    while stack:
        node = stack.pop()
        for kid in node.get("K", ()):
            number = _number(kid)
            if isinstance(kid, int) or (number is not None and objects[number].get("Type") == "/OBJR"):
                return True
            if number is not None and isinstance(objects[number], dict):
                stack.append(objects[number])
    return False
