"""Tag definition lists, list items and the contents as ISO 32000-1 (14.8.4.3) allows them.

- WeasyPrint tags `<dl>` as a list (/L) and each `<dt>` and `<dd>` as an item (/LI around
  an /LBody), and a `<div>` grouping a term with its definition as a /Div inside the list
  (weasyprint/pdf/tags.py: "TODO: dt should be different"). A list may hold only items,
  lists and a caption, and an item outside a list means nothing. Each term and its
  definition become one item: /LI > /Lbl (the term) + /LBody (the definition), as the PDF
  Association's Tagged PDF Best Practice Guide tags a definition list.
- A list item holds a label and a body only: WeasyPrint puts the item's inline content in
  an /LBody but a block inside the item beside it ("Cited on pages ..." under a source),
  which goes into the /LBody too.
- WeasyPrint tags `<nav>` as /NonStruct and its list as an ordinary list. The contents
  (the element with role="doc-toc") becomes a table of contents: its lists /TOC, their
  items /TOCI, each item's body a /Reference (what a /TOCI may hold besides /Lbl, /P and
  /NonStruct) holding its link.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import Pdf, PdfObject, PdfObjects

if TYPE_CHECKING:
    from .weasyprint70.boxmap import BoxMap


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def tag_definition_lists(boxmap: BoxMap, pdf: Pdf) -> None:
    """Make each definition list /L > /LI > /Lbl (the term) + /LBody (the definition)."""
    import pydyf

    tag_of = {id(element): box.element_tag for box, elements in boxmap.items() for element in elements}
    objects = pdf.objects
    for box, elements in boxmap.items():
        if box.element_tag != "dl" or elements[-1].get("S") != "/L":
            continue
        listed = elements[-1]
        kids: list[PdfObject] = []
        terms: list[PdfObject] = []  # a run of <dt> and <dd> items straight in the list, not in a <div>
        for reference in listed["K"]:
            kid = objects[_number(reference)] if _number(reference) is not None else None
            if isinstance(kid, dict) and kid.get("S") == "/Div":
                kids += _grouped(objects, terms, tag_of)
                terms = []
                _make_item(objects, kid, _children(objects, kid), tag_of)
                kids.append(reference)
            elif isinstance(kid, dict) and tag_of.get(id(kid)) in ("dt", "dd") and kid.get("S") == "/LI":
                if tag_of[id(kid)] == "dt" and terms and tag_of[id(terms[-1])] == "dd":
                    kids += _grouped(objects, terms, tag_of)
                    terms = []
                terms.append(kid)
            else:
                kids += _grouped(objects, terms, tag_of)
                terms = []
                kids.append(reference)
        kids += _grouped(objects, terms, tag_of)
        listed["K"] = pydyf.Array(kids)


def _children(objects: PdfObjects, element: PdfObject) -> list[PdfObject]:
    return [objects[_number(kid)] for kid in element.get("K", ()) if _number(kid) is not None]


def _grouped(objects: PdfObjects, items: list[PdfObject], tag_of: dict[int, str]) -> list[PdfObject]:
    """Make a run of term and definition items one item, the first of them; return its reference."""
    if not items:
        return []
    _make_item(objects, items[0], items, tag_of)
    return [items[0].reference]


def _make_item(objects: PdfObjects, item: PdfObject, parts: list[PdfObject], tag_of: dict[int, str]) -> None:
    """Make `item` an /LI holding the terms of `parts` as its /Lbl and their definitions as its /LBody.

    Each part is WeasyPrint's /LI around the /LBody of a <dt> or <dd>. A second term (or
    definition) goes inside the first one's element, as a /Span (or /Div), so that no
    marked content moves to another element."""
    import pydyf

    label = body = None
    kept = []
    for part in parts:
        tag = tag_of.get(id(part))
        inner = _children(objects, part) if tag in ("dt", "dd") and part.get("S") == "/LI" else []
        if len(inner) != 1 or inner[0].get("S") != "/LBody":
            kept.append(part)  # not a term or a definition: stays where it is
            continue
        content = inner[0]
        if tag == "dt":
            if label is None:
                label, content["S"] = content, "/Lbl"
            else:
                content["S"] = "/Span"
                _adopt(label, content)
                continue
        elif body is None:
            body = content
        else:
            content["S"] = "/Div"
            _adopt(body, content)
            continue
        content["P"] = item.reference
    item["S"] = "/LI"
    item["K"] = pydyf.Array([part.reference for part in (label, body) if part is not None]
                            + [part.reference for part in kept])


def _adopt(parent: PdfObject, child: PdfObject) -> None:
    parent["K"].append(child.reference)
    child["P"] = parent.reference


def tidy_list_items(boxmap: BoxMap, pdf: Pdf) -> None:
    """Put whatever a list item holds beside its /Lbl into its /LBody."""
    import pydyf

    objects = pdf.objects
    for _, elements in boxmap.items():
        item = elements[0]
        if item.get("S") != "/LI" or any(not _number(kid) for kid in item["K"]):
            continue
        kids = _children(objects, item)
        parts = [kid for kid in kids if kid.get("S") != "/Lbl"]
        if len(parts) == 1 and parts[0].get("S") == "/LBody" or not parts:
            continue
        body = next((part for part in parts if part.get("S") == "/LBody"), None)
        if body is None:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item.reference,
                                     "Pg": item["Pg"]})
            pdf.add_object(body)
        held = pydyf.Array()
        for part in parts:
            if part is body:
                held.extend(body["K"])
                continue
            if part.get("S") == "/LBody":
                part["S"] = "/Div"  # a second body nests in the first
            part["P"] = body.reference
            held.append(part.reference)
        body["K"] = held
        item["K"] = pydyf.Array([kid.reference for kid in kids if kid.get("S") == "/Lbl"] + [body.reference])


def tag_contents(boxmap: BoxMap, pdf: Pdf) -> None:
    """Tag the lists of the element with role="doc-toc" as /TOC, /TOCI and /Reference."""
    objects = pdf.objects
    for box, elements in boxmap.items():
        if box.element is None or box.element.get("role") != "doc-toc":
            continue
        stack = list(elements)
        while stack:
            element = stack.pop()
            kids = _children(objects, element)
            if element.get("S") in ("/L", "/TOC"):
                element["S"] = "/TOC"
                for item in kids:
                    if item.get("S") == "/LI":
                        item["S"] = "/TOCI"
                        for part in _children(objects, item):
                            if part.get("S") == "/LBody":
                                part["S"] = "/Reference"
            stack.extend(kids)
