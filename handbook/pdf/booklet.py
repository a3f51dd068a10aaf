"""Booklets for office printers, and books printed on folded sheets: pages in fours.

Clinics print handbooks on office duplex printers and fold them. A booklet layout
(theme.yaml `sheets: a4` or `sheets: letter`) sets the book on half a sheet, A5 or half
Letter; `impose` then puts its pages two to a side of a landscape sheet, in the order of a
saddle-stitched booklet, so that the sheets, printed on both sides flipping on the short
edge, stacked as they come out, folded in the middle and stapled, read in order. Each
sheet holds four pages, so blank pages are added at the end, before the back cover, to
make the count a multiple of 4: of a booklet of n pages, sheet k (from 0) holds pages
n - 2k and 2k + 1 on its front (left, right) and 2k + 2 and n - 2k - 1 on its back.

The imposed PDF draws each page as a picture (a form XObject) on a sheet, in sheet order:
it keeps no structure tree, links or bookmarks, since its reading order runs across
sheets, not through the book, so the tagged PDF of the pages stays beside it. It asks the
print dialogue for double-sided printing flipped on the short edge, at actual size.

A print-shop master (theme.yaml `page_multiple: 4`) is padded with blank pages at the
end the same way, each with the page's boxes and printer's marks.
"""
from __future__ import annotations

import io

from ..theme import PrintLayout
from .marks import mark_operators

PRINTED = ("pdf", "sheets")
"""The formats made from a print layout's PDF: the PDF itself, and a booklet's sheets."""

SHEETS = {"a4": (841.89, 595.28), "letter": (792.0, 612.0)}
"""Landscape sheets, in points: two A5 pages side by side fill an A4 sheet, two half-Letter pages a Letter one."""


def print_files(layout: PrintLayout, pdf: bytes, page_count: int) -> dict[str, tuple[bytes, int]]:
    """Return the files a print layout's PDF gives, by format, each with its number of pages."""
    files = {"pdf": (pdf, page_count)}
    if layout.page_multiple > 1 and page_count % layout.page_multiple:
        padded = pad(pdf, layout.page_multiple, layout.marks)
        files["pdf"] = (padded, page_count + blank_pages(page_count, layout.page_multiple))
    if layout.sheets:
        files["sheets"] = (impose(pdf, layout.sheets), sheet_sides(page_count))
    return files


def blank_pages(page_count: int, multiple: int = 4) -> int:
    """Return how many blank pages make a page count a multiple of `multiple`."""
    return -page_count % multiple


def sheet_sides(page_count: int) -> int:
    """Return the sides of the sheets a booklet of so many pages is printed on: two pages to a side."""
    return (page_count + blank_pages(page_count)) // 2


def saddle_stitch(page_count: int) -> list[tuple[int, int]]:
    """Return the pages on each side of each sheet, (left, right) from 1, front then back, sheet by sheet.

    A page past `page_count` is one of the blank pages that make the count a multiple of 4."""
    n = page_count + blank_pages(page_count)
    sides = []
    for k in range(n // 4):
        sides.append((n - 2 * k, 2 * k + 1))  # front: the outer pages
        sides.append((2 * k + 2, n - 2 * k - 1))  # back
    return sides


def impose(pages: bytes, sheets: str) -> bytes:
    """Return the PDF `pages` imposed two to a side on landscape `sheets` (a4 or letter), as a booklet.

    Each page is centred in its half of the sheet, at its own size, or smaller if it does
    not fit. The same pages give the same bytes."""
    import pikepdf

    width, height = SHEETS[sheets]
    half = width / 2
    source = pikepdf.open(io.BytesIO(pages))
    booklet = pikepdf.new()
    forms = [booklet.copy_foreign(page.as_form_xobject()) for page in source.pages]
    for left, right in saddle_stitch(len(source.pages)):
        drawing, names = [], {}
        for slot, number in enumerate((left, right)):
            if number > len(forms):
                continue  # a blank page
            form = forms[number - 1]
            x0, y0, x1, y1 = (float(value) for value in form.BBox)
            scale = min(1.0, half / (x1 - x0), height / (y1 - y0))
            x = slot * half + (half - scale * (x1 - x0)) / 2 - scale * x0
            y = (height - scale * (y1 - y0)) / 2 - scale * y0
            name = f"/Page{number}"
            names[name] = form
            # Clipped to its half, so nothing of a page (a bleed) runs onto its neighbour.
            drawing.append(f"q {slot * half:.3f} 0 {half:.3f} {height:.3f} re W n "
                           f"{scale:.5f} 0 0 {scale:.5f} {x:.3f} {y:.3f} cm {name} Do Q")
        side = booklet.add_blank_page(page_size=(width, height))
        side.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(names))
        side.obj.Contents = booklet.make_stream("\n".join(drawing).encode())
    booklet.Root.ViewerPreferences = pikepdf.Dictionary(
        Duplex=pikepdf.Name.DuplexFlipShortEdge,  # landscape sheets turned over their short edge
        PrintScaling=pikepdf.Name("/None"),  # at actual size: A5 pages fill A4 halves exactly
    )
    if "/Lang" in source.Root:
        booklet.Root.Lang = source.Root.Lang
    if "/Title" in source.docinfo:
        booklet.docinfo.Title = source.docinfo.Title
    out = io.BytesIO()
    booklet.save(out, deterministic_id=True, min_version=source.pdf_version)  # the /ID from the content: same bytes
    return out.getvalue()


def pad(pdf: bytes, multiple: int, marks: tuple[str, ...] = ()) -> bytes:
    """Return the PDF with blank pages added at the end to make its page count a multiple of `multiple`.

    Each blank page has the last page's boxes, and its printer's marks where the layout draws
    them (marks.py). The structure tree is kept as it was: a blank page has nothing to tag."""
    import pikepdf

    document = pikepdf.open(io.BytesIO(pdf))
    last = document.pages[-1].obj
    boxes = {key: last[key] for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox") if key in last}
    for _ in range(blank_pages(len(document.pages), multiple)):
        page = pikepdf.Dictionary({"/Type": pikepdf.Name.Page, "/Tabs": pikepdf.Name.S, **boxes})
        page.Resources = pikepdf.Dictionary()
        drawing = b""
        if marks:
            trim = [float(value) for value in boxes.get("/TrimBox", boxes["/MediaBox"])]
            bleed = [float(value) for value in boxes.get("/BleedBox", boxes["/MediaBox"])]
            drawing = b"\n".join(mark_operators(trim, bleed, marks))
            page.Resources.ColorSpace = pikepdf.Dictionary(Registration=last.Resources.ColorSpace.Registration)
        page.Contents = document.make_stream(drawing)
        document.pages.append(pikepdf.Page(document.make_indirect(page)))
    out = io.BytesIO()
    document.save(out, deterministic_id=True)
    return out.getvalue()
