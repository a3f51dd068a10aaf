"""The print editions: each is its own make target and output file."""
from __future__ import annotations

from dataclasses import dataclass

BOOK_NAME = "ketamine-therapy-handbook"


@dataclass(frozen=True)
class Edition:
    """One way of printing the book."""

    name: str
    """The name on the command line and in the output file."""
    label: str
    """How the title page names the edition."""
    page_size: str
    """A CSS page size."""
    stylesheets: tuple[str, ...]
    """Stylesheets under layouts/print/, in cascade order."""
    double_sided: bool = False
    """Chapters start on a right-hand page."""
    bleed_mm: float = 0
    """Bleed around the trim box, with crop and cross marks, for a print shop."""
    label_on_cover: bool = False
    side_margin_mm: float | None = None
    """Left and right margins, where the stylesheets' do not suit the page width."""

    @property
    def file_name(self) -> str:
        """Return the output file name."""
        suffix = "" if self.name == "a4" else f"-{self.name}"
        return f"{BOOK_NAME}{suffix}.pdf"

    def page_css(self) -> str:
        """Return the CSS this edition lays over its stylesheets."""
        rules = [f"@page {{ size: {self.page_size}; }}"]
        if self.side_margin_mm:
            rules.append(f"@page {{ margin-left: {self.side_margin_mm}mm; margin-right: {self.side_margin_mm}mm; }}")
        if self.bleed_mm:
            rules.append(f"@page {{ bleed: {self.bleed_mm}mm; marks: crop cross; }}")
        if self.double_sided:
            rules.append(".chapter { break-before: right; }")
            rules.append("@page :left { @bottom-center { content: none; } @bottom-left { content: counter(page); "
                         'font: 10pt/1 "Atkinson Hyperlegible", sans-serif; } }')
            rules.append("@page :right { @bottom-center { content: none; } @bottom-right { content: counter(page); "
                         'font: 10pt/1 "Atkinson Hyperlegible", sans-serif; } }')
            for name in ("cover", "front", ":blank"):
                rules.append(f"@page {name} {{ @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}")
        return "\n".join(rules)


EDITIONS = {
    edition.name: edition
    for edition in (
        Edition("a4", "standard print, A4", "A4", ("print.css",)),
        Edition("letter", "standard print, US Letter", "letter", ("print.css",), side_margin_mm=45),
        Edition("large-print", "large print, A4", "A4", ("print.css", "large-print.css"), label_on_cover=True),
        Edition("print-shop", "print-shop master, A4, double-sided", "A4", ("print.css",),
                double_sided=True, bleed_mm=3),
    )
}
"""Every print edition by name; `a4` is the standard one the e-book's page numbers follow."""
