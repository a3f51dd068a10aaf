"""Package the e-book as an EPUB 3 file: ebooklib writes the OPF and NCX, this module the rest.

ebooklib's traps, and how this module avoids each (each has a test in tests/test_epub.py):
- its page list takes every element with an `epub:type` and an id: we switch it off and
  write the navigation document (with our own page list) from a template;
- its NCX is flat, with no page list: we write the NCX from a template too;
- it throws away the <head> of EpubHtml documents: documents are added as plain items,
  written whole from templates;
- it writes `dcterms:modified` in local time marked as UTC: we pass `mtime` in UTC;
- its default identifier is a random uuid4: we set the book file's identifier;
- an empty chapter crashes its writer: the loader refuses empty chapters, and we refuse
  to package an empty document;
- it gives the package no xml:lang and zip entries the current time, and cannot set the
  spine's page-progression-direction (rtl for Arabic): `_normalise` does all three.
"""
from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment

from ..render.bidi import direction
from ..render.context import Context
from .cover import cover_png
from .fonts import TRUETYPE, font_files, fonts_css
from .xhtml import COVER_IMAGE, Rendered, render_epub

STYLESHEET = "css/epub.css"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = "http://www.idpf.org/2007/opf"

ACCESSIBILITY = {
    "schema:accessMode": ["textual", "visual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": [
        "structuralNavigation", "tableOfContents", "readingOrder", "pageBreakMarkers",
        "pageNavigation", "alternativeText", "displayTransformability",
    ],
    "schema:accessibilityHazard": ["none"],
}
"""EPUB Accessibility 1.1 metadata. Every picture has alternative text, and the cover's
words are also on the title page, so text alone is sufficient."""


def make_epub(env: Environment, context: Context, anchor_pages: Mapping[str, int], page_count: int) -> bytes:
    """Return the EPUB 3 file as bytes, paginated like the layout the anchor pages come from."""
    rendered = render_epub(env, context, anchor_pages, page_count)
    package = _package(context, env, rendered)
    return _normalise(package, context.book.language, context.build_date)


def _package(context: Context, env: Environment, rendered: Rendered) -> bytes:
    """Return the EPUB as ebooklib writes it."""
    from ebooklib import epub

    book = context.book
    gettext = context.gettext
    theme = context.theme
    documents = rendered.documents
    ebook = epub.EpubBook()
    ebook.set_identifier(context.identifier)  # stable: never ebooklib's random default
    ebook.title = book.title
    ebook.language = book.language
    ebook.add_metadata("DC", "title", book.title, {"id": "title"})
    ebook.add_metadata("DC", "title", book.subtitle, {"id": "subtitle"})
    _meta(ebook, "title-type", "main", refines="#title")
    _meta(ebook, "title-type", "subtitle", refines="#subtitle")
    ebook.add_metadata("DC", "language", book.language)
    for keyword in book.keywords:
        ebook.add_metadata("DC", "subject", keyword)
    ebook.add_metadata("DC", "creator", book.publisher, {"id": "creator"})
    ebook.add_metadata("DC", "publisher", book.publisher)
    ebook.add_metadata("DC", "date", book.published.isoformat())
    ebook.add_metadata("DC", "description", book.subtitle)
    version = gettext("%(edition)s (version %(version)s)") % {"edition": book.edition, "version": book.version}
    _meta(ebook, "schema:bookEdition", version)
    # The printed edition is where the page numbers come from (Ace: epub-pagesource).
    print_label = gettext(context.print_layout.label)
    ebook.add_metadata("DC", "source", f"{book.title}, {version}, {print_label}", {"id": "print-source"})
    _meta(ebook, "source-of", "pagination", refines="#print-source")
    for prop, values in ACCESSIBILITY.items():
        for value in values:
            _meta(ebook, prop, value)
    _meta(ebook, "schema:accessibilitySummary", gettext(
        "Text with headings, a table of contents, landmarks, the page numbers of the printed edition "
        "(%(layout)s), and notes that link to the sources and back. Every picture has a text alternative. "
        "No hazards.") % {"layout": print_label})
    _meta(ebook, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")
    _meta(ebook, "a11y:certifiedBy", book.publisher)

    cover = epub.EpubItem(uid="cover-image", file_name=COVER_IMAGE, media_type="image/png",
                          content=cover_png(context, gettext))
    cover.properties = ["cover-image"]
    ebook.add_item(cover)
    ebook.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # for EPUB 2 readers
    for number, (path, (name, media_type)) in enumerate(rendered.parts.images.items(), start=1):
        ebook.add_item(epub.EpubItem(uid=f"image-{number}", file_name=name, media_type=media_type,
                                     content=path.read_bytes()))
    ebook.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                                 content=theme.file("epub/epub.css").read_bytes()))
    brand = book.settings.brand
    for number, sheet in enumerate(brand.extra("epub"), start=1):  # the book's own, after the theme's
        ebook.add_item(epub.EpubItem(uid=f"own-style-{number}", file_name=f"css/own-{number}.css",
                                     media_type="text/css", content=theme.file(sheet).read_bytes()))
    if brand.logo:
        logo = theme.file(brand.logo)
        suffix = logo.suffix.lower()
        ebook.add_item(epub.EpubItem(uid="logo", file_name=f"images/logo{suffix}", content=logo.read_bytes(),
                                     media_type="image/png" if suffix == ".png" else "image/jpeg"))
    _add_fonts(ebook, context, rendered)

    nav_item = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                             content=rendered.nav)
    nav_item.properties = ["nav"]
    ebook.add_item(nav_item)
    items = {}
    for document in documents:
        item = epub.EpubItem(uid=document.uid, file_name=document.file_name,
                             media_type="application/xhtml+xml", content=document.content)
        ebook.add_item(item)
        items[document.uid] = item
    # The spine names the NCX by the id "ncx"; EPUB 2 readers use it. Ours, from a template:
    # ebooklib's is flat, with no page list and a depth of 0.
    ebook.add_item(epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml",
                                 content=rendered.ncx))
    ebook.spine = [items["cover"], items["title-page"], nav_item] + [items[d.uid] for d in documents[2:]]

    out = io.BytesIO()
    options = {
        "epub3_pages": False,      # ebooklib's page list is wrong (issue #339); ours is in nav.xhtml
        "epub3_landmark": False,
        "epub2_guide": False,
        "mtime": context.build_date.astimezone(datetime.UTC).replace(tzinfo=None),
        "raise_exceptions": True,
        "compresslevel": 0,        # _normalise compresses each entry once, as the file is written
    }
    epub.write_epub(out, ebook, options)
    return out.getvalue()


def _add_fonts(ebook: Any, context: Context, rendered: Rendered) -> None:  # ebooklib's EpubBook (untyped)
    """Add the language's fonts and their @font-face files, naming TrueType or OpenType copies
    (epub/fonts.py). A language with a typeface of its own gets every font cut to the
    characters of its documents (a Chinese font is otherwise 2.5 MB a weight)."""
    from ebooklib import epub

    theme, language = context.theme, context.book.language
    paths = theme.font_files_for(language)
    subset = None
    if theme.fonts_for(language) is not None:
        text = "".join(content.decode("utf-8") for content in
                       [d.content for d in rendered.documents] + [rendered.nav, rendered.ncx])
        subset = dict.fromkeys(paths, text + context.book.title)
    files = font_files(paths, context.project.cache, context.fresh, subset)
    names = {path.name: name for path in paths for name, _ in files if Path(name).stem == path.stem}
    for number, sheet in enumerate(theme.stylesheets_for(language)):
        css = theme.file(sheet).read_text(encoding="utf-8")
        ebook.add_item(epub.EpubItem(uid="fonts" if number == 0 else f"fonts-{number}", file_name=sheet,
                                     media_type="text/css",
                                     content=fonts_css(css, names if subset is not None else None).encode()))
    for name, data in files:
        ebook.add_item(epub.EpubItem(uid=f"font-{Path(name).stem}", file_name=f"fonts/{name}",
                                     media_type=TRUETYPE if name.endswith(".ttf") else "font/otf", content=data))


def _meta(ebook: Any, prop: str, value: str, refines: str | None = None) -> None:  # ebooklib's EpubBook
    attributes = {"property": prop}
    if refines:
        attributes["refines"] = refines
    ebook.add_metadata("OPF", prop, value, attributes)


def _normalise(package: bytes, language: str, date: datetime.datetime) -> bytes:
    """Return the EPUB with xml:lang on the package and fixed zip entry times.

    The `mimetype` entry comes first and is stored uncompressed (OCF); every entry gets the
    build date, so the same sources give the same bytes.
    """
    from lxml import etree

    stamp = date.astimezone(datetime.UTC).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))  # the earliest date a zip can hold
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        names = ["mimetype"] + sorted(n for n in source.namelist() if n != "mimetype")
        for name in names:
            data = source.read(name)
            if name.endswith(".opf"):
                root = etree.fromstring(data)
                root.set(XML_LANG, language)
                if direction(language) == "rtl":  # pages turn from right to left (EPUB 3.3, 5.7.1)
                    spine = root.find(f"{{{OPF}}}spine")
                    if spine is None:  # a bug: every package ebooklib writes has a spine
                        raise ValueError("the package has no spine")
                    spine.set("page-progression-direction", "rtl")
                data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, data, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()

