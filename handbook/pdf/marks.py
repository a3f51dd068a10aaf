"""Draw printer's marks outside the bleed, in a slug round each page, as print shops expect.

WeasyPrint draws the marks of CSS `marks: crop cross` inside the page's bleed area
(weasyprint/draw/__init__.py, draw_background: the marks run from the edge of the bleed
towards the trim, half the bleed long), so on the print-shop master they sat on the
cover's colour and would be printed on what the shop trims off as bleed, or worse, in
it. Print shops expect the bleed to hold only the page's own colours, and the marks
outside it: in a slug, starting a little beyond the bleed, in the registration colour
(every ink, /Separation /All), as thin lines.

So the layout asks WeasyPrint for the bleed only (`bleed: 3mm`, no `marks`), and this
finisher grows each page's MediaBox by a slug, keeps the TrimBox and BleedBox as they
were, and draws the marks there, as artifacts (PDF 32000-1, 14.8.2.2: cut marks are
/Page artifacts), so the tagged structure is untouched.
"""
from __future__ import annotations

import math

from . import Pdf

MM = 72 / 25.4
GAP = 1 * MM
"""Between the edge of the bleed and the start of a mark."""
LENGTH = 5 * MM
"""How long a crop mark is."""
SLUG = GAP + LENGTH + 3 * MM
"""How far the page (the MediaBox) reaches beyond the bleed."""
LINE = 0.25
"""The width of the marks' lines, in points (a hairline that still prints)."""
TARGET = 2 * MM
"""The radius of a registration target."""
MARKS = ("crop", "cross")


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def add_printer_marks(pdf: Pdf, marks: tuple[str, ...]) -> None:
    """Grow every page by a slug beyond its bleed and draw crop marks and registration targets there."""
    import pydyf

    objects = pdf.objects
    tint = pydyf.Dictionary({"FunctionType": 2, "Domain": pydyf.Array((0, 1)), "C0": pydyf.Array((0, 0, 0, 0)),
                             "C1": pydyf.Array((1, 1, 1, 1)), "N": 1})
    pdf.add_object(tint)
    registration = pydyf.Array(("/Separation", "/All", "/DeviceCMYK", tint.reference))
    for page_reference in pdf.pages["Kids"][::3]:  # pydyf keeps [n, 0, 'R', ...]
        page = objects[page_reference]
        trim = [float(value) for value in page["TrimBox"]]
        bleed = [float(value) for value in page["BleedBox"]]
        page["MediaBox"] = pydyf.Array((bleed[0] - SLUG, bleed[1] - SLUG, bleed[2] + SLUG, bleed[3] + SLUG))
        resources = page["Resources"]
        resources = objects[_number(resources)] if _number(resources) is not None else resources
        spaces = resources["ColorSpace"]
        spaces = objects[_number(spaces)] if _number(spaces) is not None else spaces
        spaces["Registration"] = registration
        content = objects[_number(page["Contents"])]
        # The page's own drawing changes the coordinates (WeasyPrint flips them): keep it
        # in q ... Q, so that the marks are drawn in the page's own coordinates.
        content.stream.insert(0, b"q")
        content.stream.append(b"Q")
        content.stream.extend(mark_operators(trim, bleed, marks))


def mark_operators(trim: list[float], bleed: list[float], marks: tuple[str, ...]) -> list[bytes]:
    """Return the drawing operators of the marks for one page, in the colour space named /Registration."""
    left, bottom, right, top = trim
    out = [b"/Artifact <</Type /Page>> BDC", b"q", f"{LINE} w /Registration CS 1 SCN".encode()]
    if "crop" in marks:
        # Each corner: one line along each trim edge, beginning GAP beyond the bleed.
        starts = (left - bleed[0] + GAP, bottom - bleed[1] + GAP, bleed[2] - right + GAP, bleed[3] - top + GAP)
        for x, y, sx, sy in ((left, bottom, -1, -1), (right, bottom, 1, -1), (right, top, 1, 1), (left, top, -1, 1)):
            along_x = starts[0] if sx < 0 else starts[2]
            along_y = starts[1] if sy < 0 else starts[3]
            out.append(_line(x + sx * along_x, y, x + sx * (along_x + LENGTH), y))
            out.append(_line(x, y + sy * along_y, x, y + sy * (along_y + LENGTH)))
    if "cross" in marks:
        middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
        reach = GAP + LENGTH / 2
        for x, y in ((middle_x, bleed[1] - reach), (middle_x, bleed[3] + reach),
                     (bleed[0] - reach, middle_y), (bleed[2] + reach, middle_y)):
            out.append(_circle(x, y, TARGET))
            out.append(_line(x - 1.5 * TARGET, y, x + 1.5 * TARGET, y))
            out.append(_line(x, y - 1.5 * TARGET, x, y + 1.5 * TARGET))
    out += [b"Q", b"EMC"]
    return out


def _line(x1: float, y1: float, x2: float, y2: float) -> bytes:
    return f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S".encode()


def _circle(x: float, y: float, r: float) -> bytes:
    """Return a circle as four Bézier arcs."""
    k = r * 4 * (math.sqrt(2) - 1) / 3
    return (f"{x + r:.3f} {y:.3f} m "
            f"{x + r:.3f} {y + k:.3f} {x + k:.3f} {y + r:.3f} {x:.3f} {y + r:.3f} c "
            f"{x - k:.3f} {y + r:.3f} {x - r:.3f} {y + k:.3f} {x - r:.3f} {y:.3f} c "
            f"{x - r:.3f} {y - k:.3f} {x - k:.3f} {y - r:.3f} {x:.3f} {y - r:.3f} c "
            f"{x + k:.3f} {y - r:.3f} {x + r:.3f} {y - k:.3f} {x + r:.3f} {y:.3f} c S").encode()
