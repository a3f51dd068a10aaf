"""Find the structure element WeasyPrint made for each box, and where each piece of text is drawn.

The finishers that fix the structure tree by what the HTML says (a definition list, the
contents, a language, an `aria-hidden` box) need to know which element stands for which
HTML element, and the one that fixes hyphens which marked-content sequence draws which
line of text. WeasyPrint keeps neither once the tree is written (weasyprint/pdf/tags.py:
`_build_box_tree` pops each text box's marked-content id as it goes). It makes the
elements in a fixed order, though: one walk over each page's boxes, an element per box as
it is reached (a list item without a bullet, a `dt` or a `dd` first gets an /LI around its
/LBody), and a /Span per piece of text, whose id a link takes itself instead. `BoxMap`
walks the boxes the same way and pairs each step with the next element made, checking
that each has the type that step makes.

The walk copies WeasyPrint 70's; it is used only where `_build_box_tree` is that very code
(its pin in pins.py), so another release makes no map, says so once, and the finishers
that need one leave the tree as WeasyPrint made it.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import Box, LaidOut, Pdf, PdfObject, PdfObjects
from .pins import PINS, matches


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


@dataclass
class Text:
    """A piece of text as drawn: its box, and the page and marked-content id that draw it."""

    box: Box
    page: int
    mcid: int


@dataclass
class BoxMap:
    """The structure elements made for each box, and every piece of text with its marked content."""

    elements: dict[int, list[PdfObject]] = field(default_factory=dict)
    """id(box) -> the elements made for it, outermost first (an /LI and its /LBody, or one element)."""
    boxes: dict[int, Box] = field(default_factory=dict)
    """id(box) -> the box, which keeps each id in use."""
    texts: list[Text] = field(default_factory=list)
    """Every piece of tagged text, in the order of the tree."""

    def items(self) -> Iterator[tuple[Box, list[PdfObject]]]:
        """Yield each box that has elements, with them."""
        for key, elements in self.elements.items():
            yield self.boxes[key], elements


def map_boxes(document: LaidOut, pdf: Pdf) -> BoxMap | None:
    """Return the boxes' structure elements, or None where WeasyPrint is not the release the walk copies.

    Call it before any finisher changes the structure tree."""
    if "StructTreeRoot" not in pdf.catalog or not _walk_is_weasyprints():
        return None
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    document_element = _number(root["K"][0])
    if document_element is None:
        raise RuntimeError("WeasyPrint's structure tree does not start with its /Document element")
    first = document_element + 1  # the elements are made after the /Document element, in order
    made = iter(value for value in objects[first:] if isinstance(value, dict) and value.get("Type") == "/StructElem")
    walk = _Walk(BoxMap(), made, objects)
    for number, page in enumerate(document.pages):
        walk.visit(page._page_box, "/Document", number)
    if next(made, None) is not None:
        raise RuntimeError("WeasyPrint made structure elements that the walk of its boxes did not meet")
    return walk.found


@functools.cache
def _walk_is_weasyprints() -> bool:
    """Tell whether WeasyPrint's tagging is the code the walk copies; say once, if not, what is left out."""
    if all(matches(pin) for pin in PINS if pin.fix == "structure"):
        return True
    print("handbook: weasyprint.pdf.tags._build_box_tree is not the code handbook/pdf/weasyprint70/boxmap.py "
          "was written for; the PDFs are written without the structure fixes of handbook/pdf/semantics.py "
          "(soft hyphens, lists, contents, languages)", file=sys.stderr)
    return False


class _Walk:
    """The walk of weasyprint/pdf/tags.py `_build_box_tree`, pairing its steps with the elements made."""

    def __init__(self, found: BoxMap, made: Iterator[PdfObject], objects: PdfObjects) -> None:
        self.found = found
        self.made = made
        self.objects = objects

    def take(self, kind: str, box: Box) -> PdfObject:
        element = next(self.made, None)
        if element is None or element.get("S") != kind:
            raise RuntimeError(f"WeasyPrint's structure tree differs from the walk of its boxes: {kind} for "
                               f"{getattr(box, 'element_tag', box)!r}, found {element and element.get('S')}")
        self.found.elements.setdefault(id(box), []).append(element)
        self.found.boxes[id(box)] = box
        return element

    def visit(self, box: Box, parent: str, page: int) -> None:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.absolute import AbsolutePlaceholder
        from weasyprint.pdf.tags import _get_pdf_tag

        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        element_tag = None if box.element is None else box.element_tag
        tag = _get_pdf_tag(element_tag)
        if element_tag in ("html", "body") or isinstance(box, boxes.PageBox):
            if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
                for child in box.children:
                    self.visit(child, parent, page)
                return
        elif isinstance(box, boxes.MarginBox):
            for child in box.children:
                self.visit(child, parent, page)
            return
        elif tag in ("TD", "TH"):
            if parent in ("/TD", "/TH"):
                tag = "NonStruct"
        elif tag == "LI":
            no_bullet = box.element_tag == "li" and (
                "list-item" not in box.style["display"] or box.style["list_style_type"] == "none")
            if parent == "/LI":
                tag = "LBody"
            elif parent == "/LBody":
                tag = "NonStruct"
            elif box.element_tag in ("dt", "dd") or no_bullet:
                self.take("/LI", box)
                self.visit(box, "/LI", page)  # its /LBody
                return

        element = self.take(f"/{tag}", box)
        children = box.children if isinstance(box, boxes.ParentBox) else []
        if tag == "Table" and box.is_table_wrapper:
            table = box.get_wrapped_table()
            if table:
                children = [inner for child in box.children
                            for inner in (child.children if child is table else [child])]
        if box.widget_annotation:
            self.take("/Form", box)
        mcids = iter(kid for kid in element["K"] if isinstance(kid, int))  # a link's own text
        for child in children:
            for inner in child.children if isinstance(child, boxes.LineBox) else [child]:
                if isinstance(inner, boxes.TextBox):
                    if tag == "Link":
                        self.found.texts.append(Text(inner, page, next(mcids)))
                    else:
                        span = self.take("/Span", inner)
                        self.found.texts.append(Text(inner, page, span["K"][0]))
                elif inner.element_tag in ("ul", "ol") and tag == "LI":
                    self.visit(inner, parent, page)  # WeasyPrint hangs a nested list on the outer list
                else:
                    self.visit(inner, f"/{tag}", page)
