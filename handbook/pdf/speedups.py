"""A local fix for a quadratic cost in the tagged PDF writer; the output stays byte-identical.

WeasyPrint's tagging code (weasyprint/pdf/tags.py, and pdf/anchors.py for each link)
reads `pdf.page_references[page_number]` once per structure element. In pydyf 0.13 that
attribute is a property that builds a new tuple of every page's reference on each call,
so a book of P pages with T tags costs T × P: a 1000-page book spends most of its time
there (scripts/benchmark.py measures it). The fix remembers the tuple until a page is added:
pages are only ever appended to /Kids, and a page's reference never changes once made, so
the remembered tuple is always the one a fresh call would build.

Offered upstream as: "pydyf: PDF.page_references rebuilds the tuple of all pages on every
call, so tagging is O(tags × pages)"; remove this module when a release caches it.
"""
from __future__ import annotations

_INSTALLED = False


def install() -> None:
    """Make `pydyf.PDF.page_references` remember its tuple between pages added (once per process)."""
    global _INSTALLED
    if _INSTALLED:
        return
    import pydyf

    built = pydyf.PDF.page_references.fget

    def page_references(pdf) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        remembered = pdf.__dict__.get("_handbook_page_references")
        if remembered is None or remembered[0] is not kids or remembered[1] != len(kids):
            remembered = (kids, len(kids), built(pdf))
            pdf.__dict__["_handbook_page_references"] = remembered
        return remembered[2]

    page_references.__doc__ = built.__doc__
    pydyf.PDF.page_references = property(page_references)
    _INSTALLED = True
