"""Say in the PDF's structure tree which cells each table header cell heads.

WeasyPrint tags `<th>` as /TH without the /Scope attribute (weasyprint/pdf/tags.py gives
table cells only `/O /Table`), so a screen reader cannot tell a column header from a row
header. A header in the table's head heads its column; one in the body heads its row,
as the HTML's `scope` says.
"""
from __future__ import annotations


def _number(reference) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def scope_table_headers(pdf) -> None:
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
