"""Make the tables of the PDF's structure tree say what they are: one table, whose headers
say what they head.

- WeasyPrint tags `<th>` as /TH without the /Scope attribute (weasyprint/pdf/tags.py gives
  table cells only `/O /Table`), so a screen reader cannot tell a column header from a row
  header. A header in the table's head heads its column; one in the body heads its row,
  as the HTML's `scope` says.
- WeasyPrint builds the structure tree page by page, so a table that runs over a page
  break becomes two /Table elements, the second beginning with the repeated head tagged
  as content (WeasyPrint issue #2903, open; #2902). The rows of each later part are
  moved into the first part's body, the repeated head becomes an artifact (read once,
  not on every page), and its cells' /Headers point to the first head's cells.
- Cells point to their headers by /ID, which ISO 32000-1 (14.7.2) looks up in the
  structure tree root's /IDTree; WeasyPrint writes none, so one is added.

Other elements split by a page break (a paragraph, a list) stay split: that needs
WeasyPrint itself to build its tree across pages (#2903).
"""
from __future__ import annotations

from collections.abc import Iterator

from . import Box, LaidOut, Pdf, PdfObject, PdfObjects


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def scope_table_headers(pdf: Pdf) -> None:
    """Give every /TH structure element a /Scope: /Column in the table head, /Row elsewhere."""
    import pydyf

    objects = pdf.objects
    for element in objects:
        if not isinstance(element, dict) or element.get("Type") != "/StructElem" or element.get("S") != "/TH":
            continue
        row = objects[_number(element.get("P"))] if _number(element.get("P")) is not None else None
        group = objects[_number(row.get("P"))] if isinstance(row, dict) and _number(row.get("P")) else None
        scope = "/Column" if isinstance(group, dict) and group.get("S") == "/THead" else "/Row"
        attributes = element.get("A")
        if not isinstance(attributes, dict):
            attributes = pydyf.Dictionary({"O": "/Table"})
            element["A"] = attributes
        attributes["Scope"] = scope


def merge_split_tables(document: LaidOut, pdf: Pdf) -> None:
    """Make each table that runs over pages one /Table element, its repeated heads artifacts."""
    objects = pdf.objects
    parts: dict[int, list[int]] = {}  # id of the HTML table -> its /Table elements, in page order
    for page in document.pages:
        for box, table in _cells(page._page_box, None):
            element = getattr(box, "mark", None)
            number = _table_of(objects, element)
            if number is not None and table is not None:
                found = parts.setdefault(id(table.element), [])
                if number not in found:
                    found.append(number)
    pages = list(pdf.pages["Kids"][::3])
    nums = objects[_number(objects[_number(pdf.catalog["StructTreeRoot"])]["ParentTree"])]["Nums"]
    for numbers in parts.values():
        first = objects[numbers[0]]
        body = _kid(objects, first, "/TBody")
        head = _kid(objects, first, "/THead")
        if body is None:
            continue
        for number in numbers[1:]:
            _fold(objects, pages, nums, first, body, head, number)


def _cells(box: Box, table: Box | None) -> Iterator[tuple[Box, Box | None]]:
    """Yield every table cell box under a box, with the table box it belongs to."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TableBox):
        table = box
    if isinstance(box, boxes.TableCellBox):
        yield box, table
    for child in getattr(box, "children", ()):
        yield from _cells(child, table)


def _table_of(objects: PdfObjects, cell: PdfObject) -> int | None:
    """Return the object number of the /Table element a cell's element sits in."""
    number = None
    element = cell
    for _ in range(3):  # TD -> TR -> THead/TBody -> Table
        if not isinstance(element, dict) or _number(element.get("P")) is None:
            return None
        number = _number(element["P"])
        element = objects[number]
    return number if element.get("S") == "/Table" else None


def _kid(objects: PdfObjects, element: PdfObject, kind: str) -> PdfObject | None:
    """Return the first child element of a kind."""
    for kid in element.get("K", ()):
        number = _number(kid)
        if number is not None and isinstance(objects[number], dict) and objects[number].get("S") == kind:
            return objects[number]
    return None


def _fold(objects: PdfObjects, pages: list[PdfObject], nums: PdfObject, first: PdfObject, body: PdfObject,
          head: PdfObject | None, number: int) -> None:
    """Move the rows of a later part of a table into the first part, and drop the part."""
    import pydyf

    part = objects[number]
    later_head = _kid(objects, part, "/THead")
    renamed: dict[str, str] = {}
    if later_head is not None:
        if head is not None:
            renamed = dict(zip(_header_ids(objects, later_head), _header_ids(objects, head), strict=False))
        _make_artifact(objects, pages, nums, later_head)
    for kid in part["K"]:
        group = objects[_number(kid)] if _number(kid) is not None else None
        if not isinstance(group, dict) or group.get("S") != "/TBody":
            continue
        for row in group["K"]:
            objects[_number(row)]["P"] = body.reference
            body["K"].append(row)
            for cell in _children(objects, objects[_number(row)]):
                headers = (cell.get("A") or {}).get("Headers")
                if headers:
                    cell["A"]["Headers"] = pydyf.Array(
                        pydyf.String(renamed.get(_text(h), _text(h))) for h in headers)
    parent = objects[_number(part["P"])]
    parent["K"] = pydyf.Array(kid for kid in parent["K"] if _number(kid) != number)
    while not parent["K"] and _number(parent.get("P")) is not None:  # a section left empty by the move
        grand = objects[_number(parent["P"])]
        if not isinstance(grand.get("K"), list):
            break
        grand["K"] = pydyf.Array(kid for kid in grand["K"] if kid != parent.reference)
        parent = grand


def _text(value: object) -> str:
    """Return the text of a PDF string as pydyf holds it."""
    return str(getattr(value, "string", value))


def _children(objects: PdfObjects, element: PdfObject) -> Iterator[PdfObject]:
    for kid in element.get("K", ()):
        number = _number(kid)
        if number is not None and isinstance(objects[number], dict):
            yield objects[number]


def _header_ids(objects: PdfObjects, head: PdfObject) -> list[str]:
    """Return the /IDs of a table head's header cells, row by row."""
    return [_text(cell["ID"]) for row in _children(objects, head) for cell in _children(objects, row) if "ID" in cell]


def _make_artifact(objects: PdfObjects, pages: list[PdfObject], nums: PdfObject, element: PdfObject) -> None:
    """Turn every marked-content sequence under a structure element into an artifact."""
    from .artifacts import _rewrite

    by_page: dict[int | None, set[int]] = {}
    stack = [element]
    while stack:
        node = stack.pop()
        for kid in node.get("K", ()):
            if isinstance(kid, int):
                by_page.setdefault(_number(node["Pg"]), set()).add(kid)
            elif _number(kid) is not None and isinstance(objects[_number(kid)], dict):
                stack.append(objects[_number(kid)])
    slots = dict(zip(nums[::2], nums[1::2], strict=False))
    for page_number, mcids in by_page.items():
        index = pages.index(page_number)
        for mcid in mcids:
            slots[index][mcid] = "null"
        _rewrite(objects[_number(objects[page_number]["Contents"])].stream, mcids)


def add_id_tree(pdf: Pdf) -> None:
    """Give the structure tree root the /IDTree that finds each element by its /ID."""
    import pydyf

    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    found: dict[str, bytes] = {}
    stack = list(root["K"])
    seen: set[int] = set()
    while stack:
        number = _number(stack.pop())
        if number is None or number in seen or not isinstance(objects[number], dict):
            continue
        seen.add(number)
        element = objects[number]
        if "ID" in element:
            found[_text(element["ID"])] = element.reference
        if isinstance(element.get("K"), list):
            stack.extend(element["K"])
    if found:
        names = pydyf.Array()
        for key in sorted(found):
            names.extend((pydyf.String(key), found[key]))
        root["IDTree"] = pydyf.Dictionary({"Names": names})
