"""Package the handbook as an EPUB 3 with ebooklib, paginated like the standard print edition.

ebooklib's traps, and how this module avoids each (each has a test in tests/test_epub.py):
- its page list takes every element with an `epub:type` and an id: we switch it off and
  write the navigation document (with our own page list) from a template;
- it throws away the <head> of EpubHtml documents: documents are added as plain items,
  written whole from templates;
- it writes `dcterms:modified` in local time marked as UTC: we pass `mtime` in UTC;
- its default identifier is a random uuid4: we set the book file's identifier;
- an empty chapter crashes its writer: the loader refuses empty chapters, and we refuse
  to package an empty document;
- it gives the package no xml:lang and zip entries the current time: `_normalise` fixes both.
"""
from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from .cover import cover_alt, cover_png
from .editions import EDITIONS
from .inline_html import EpubLinker
from .model import Book, Chapter, Definitions, Figure
from .numbering import CitedSource, SourceIndex
from .pagemap import page_breaks
from .render import possessive
from .traverse import blocks, page_anchors

STANDARD_EDITION = EDITIONS["a4"]
COVER_IMAGE = "images/cover.png"
STYLESHEET = "css/epub.css"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ACCESSIBILITY = {
    "schema:accessMode": ["textual", "visual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": [
        "structuralNavigation", "tableOfContents", "readingOrder", "pageBreakMarkers",
        "pageNavigation", "alternativeText", "displayTransformability",
    ],
    "schema:accessibilityHazard": ["none"],
}
"""EPUB Accessibility 1.1 metadata. The only image is the cover, whose text is repeated in
its alternative text and on the title page, so text alone is sufficient."""


@dataclass(frozen=True)
class Document:
    """One XHTML file of the e-book."""

    uid: str
    file_name: str
    title: str
    content: bytes


def _files(book: Book, index: SourceIndex) -> dict[str, str]:
    """Return the file each anchor of the e-book lives in."""
    files = {"cover": "cover.xhtml", "title-page": "title.xhtml", "contents": "nav.xhtml", "sources": "sources.xhtml"}
    for chapter in book.chapters:
        name = f"{chapter.id}.xhtml"
        for anchor in _chapter_anchors(chapter):
            files[anchor] = name
        for section in chapter.sections:
            files[f"{section.id}-title"] = name
    for entry in index.entries:
        files[f"source-{entry.number}"] = "sources.xhtml"
        for place in entry.places:
            files[place.anchor] = f"{place.chapter_id}.xhtml"
    return files


def _chapter_anchors(chapter: Chapter) -> list[str]:
    """Return a chapter's anchors at which a printed page may start, in reading order."""
    anchors = [chapter.id]
    for section in chapter.sections:
        anchors.append(section.id)
        for block in section.blocks:
            anchors.extend(page_anchors(block))
    return anchors


def _reading_order(book: Book, index: SourceIndex) -> list[str]:
    order = ["cover", "title-page", "contents"]
    for chapter in book.chapters:
        order.extend(_chapter_anchors(chapter))
    order.append("sources")
    order.extend(f"source-{entry.number}" for entry in index.entries)
    return order


def _image_names(book: Book) -> dict[Path, tuple[str, str]]:
    """Return the name and media type of each picture, numbered so that names never clash."""
    names: dict[Path, tuple[str, str]] = {}
    for chapter in book.chapters:
        for block, _ in blocks(chapter):
            if isinstance(block, Figure) and block.path not in names:
                names[block.path] = (f"images/{len(names) + 1}-{block.path.name}", block.media_type)
    return names


def _epub_type(chapter: Chapter) -> str:
    """Return the structural type of a chapter: a glossary if it defines terms."""
    if any(isinstance(block, Definitions) for section in chapter.sections for block in section.blocks):
        return "glossary"
    return "chapter"


class _Renderer:
    def __init__(self, env: Environment, book: Book, index: SourceIndex, files, breaks, anchor_pages, images):
        self.env = env
        self.book = book
        self.index = index
        self.files = files
        self.anchor_pages = anchor_pages
        self.common = dict(
            book=book,
            clinic=book.clinic,
            clinic_name_possessive=possessive(book.clinic.name),
            linker=EpubLinker(index, files),
            output="epub",
            page_breaks=breaks,
            print_edition=STANDARD_EDITION,
            image_src=lambda figure: images[figure.path][0],
        )

    def render(self, template: str, **context) -> bytes:
        text = self.env.get_template(f"epub/{template}").render(**self.common, **context)
        if "<body>" in text and not text.split("<body>", 1)[1].strip().startswith("</body>"):
            return text.encode("utf-8")
        raise ValueError(f"epub/{template} rendered an empty document")  # a bug: the loader refuses empty chapters

    def printed_pages(self, entry: CitedSource) -> list[int]:
        return sorted({self.anchor_pages[place.anchor] for place in entry.places})

    def backlinks(self, entry: CitedSource) -> list[tuple[str, list[dict]]]:
        titles = {chapter.id: chapter.title for chapter in self.book.chapters}
        groups: dict[str, list[dict]] = {}
        for place in entry.places:
            groups.setdefault(place.chapter_id, []).append(
                {"href": f"{self.files[place.anchor]}#{place.anchor}", "page": self.anchor_pages[place.anchor]}
            )
        return [(titles[chapter_id], places) for chapter_id, places in groups.items()]


def make_epub(
    book: Book,
    index: SourceIndex,
    env: Environment,
    layouts: Path,
    anchor_pages: Mapping[str, int],
    page_count: int,
    date: datetime.datetime,
) -> bytes:
    """Return the EPUB 3 file as bytes."""
    files = _files(book, index)
    breaks = page_breaks(_reading_order(book, index), anchor_pages, page_count)
    images = _image_names(book)
    renderer = _Renderer(env, book, index, files, breaks, anchor_pages, images)

    documents = [
        Document("cover", "cover.xhtml", "Cover",
                 renderer.render("cover.xhtml.j2", cover_image=COVER_IMAGE, cover_alt=cover_alt(book))),
        Document("title-page", "title.xhtml", book.title,
                 renderer.render("titlepage.xhtml.j2")),
    ]
    for chapter in book.chapters:
        documents.append(Document(f"chapter-{chapter.id}", f"{chapter.id}.xhtml", chapter.title,
                                  renderer.render("chapter.xhtml.j2", chapter=chapter, epub_type=_epub_type(chapter))))
    documents.append(Document("sources", "sources.xhtml", "Sources", renderer.render(
        "sources.xhtml.j2", sources=index, printed_pages=renderer.printed_pages, backlinks=renderer.backlinks)))

    toc = [
        {"href": f"{chapter.id}.xhtml", "title": chapter.title,
         "children": [{"href": f"{chapter.id}.xhtml#{s.id}", "title": s.title} for s in chapter.sections]}
        for chapter in book.chapters
    ] + [{"href": "sources.xhtml", "title": "Sources", "children": []}]
    landmarks = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "titlepage", "href": "title.xhtml", "title": "Title page"},
        {"type": "toc", "href": "nav.xhtml#toc", "title": "Contents"},
        {"type": "bodymatter", "href": f"{book.chapters[0].id}.xhtml", "title": book.chapters[0].title},
    ] + [
        {"type": "glossary", "href": f"{c.id}.xhtml", "title": c.title}
        for c in book.chapters if _epub_type(c) == "glossary"
    ] + [{"type": "endnotes", "href": "sources.xhtml", "title": "Sources"}]
    page_list = [
        {"href": f"{files[anchor]}#page-{page}", "label": str(page)}
        for anchor, pages in breaks.items() for page in pages
    ]
    page_list.sort(key=lambda entry: int(entry["label"]))
    nav = renderer.render("nav.xhtml.j2", toc=toc, landmarks=landmarks, page_list=page_list)

    package = _package(book, layouts, documents, nav, images, date)
    return _normalise(package, book.language, date)


def _package(book: Book, layouts: Path, documents: list[Document], nav: bytes, images: dict[Path, tuple[str, str]],
             date: datetime.datetime) -> bytes:
    """Return the EPUB as ebooklib writes it."""
    from ebooklib import epub

    ebook = epub.EpubBook()
    ebook.set_identifier(book.identifier)  # stable: never ebooklib's random default
    ebook.title = book.title
    ebook.language = book.language
    ebook.add_metadata("DC", "title", book.title, {"id": "title"})
    ebook.add_metadata("DC", "title", book.subtitle, {"id": "subtitle"})
    _meta(ebook, "title-type", "main", refines="#title")
    _meta(ebook, "title-type", "subtitle", refines="#subtitle")
    ebook.add_metadata("DC", "language", book.language)
    ebook.add_metadata("DC", "creator", book.publisher, {"id": "creator"})
    ebook.add_metadata("DC", "publisher", book.publisher)
    ebook.add_metadata("DC", "date", book.published.isoformat())
    ebook.add_metadata("DC", "description", book.subtitle)
    _meta(ebook, "schema:bookEdition", f"{book.edition} (version {book.version})")
    # The printed A4 edition is where the page numbers come from (Ace: epub-pagesource).
    ebook.add_metadata("DC", "source", f"{book.title}, {book.edition} (version {book.version}), {STANDARD_EDITION.label}",
                      {"id": "print-source"})
    _meta(ebook, "source-of", "pagination", refines="#print-source")
    for prop, values in ACCESSIBILITY.items():
        for value in values:
            _meta(ebook, prop, value)
    _meta(ebook, "schema:accessibilitySummary",
          "Text with headings, a table of contents, landmarks, page numbers from the printed A4 edition, "
          "and notes that link to the sources and back. The cover image has a text alternative. "
          "No hazards.")
    _meta(ebook, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")
    _meta(ebook, "a11y:certifiedBy", book.publisher)

    cover = epub.EpubItem(uid="cover-image", file_name=COVER_IMAGE, media_type="image/png",
                          content=cover_png(book, layouts / "fonts", "e-book"))
    cover.properties = ["cover-image"]
    ebook.add_item(cover)
    ebook.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # for EPUB 2 readers
    for number, (path, (name, media_type)) in enumerate(images.items(), start=1):
        ebook.add_item(epub.EpubItem(uid=f"image-{number}", file_name=name, media_type=media_type,
                                     content=path.read_bytes()))
    ebook.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                                 content=(layouts / "epub" / "epub.css").read_bytes()))
    # One @font-face file for print and e-book; its URLs are relative to itself.
    ebook.add_item(epub.EpubItem(uid="fonts", file_name="fonts/fonts.css", media_type="text/css",
                                 content=(layouts / "fonts" / "fonts.css").read_bytes()))
    for font in sorted((layouts / "fonts").glob("*.woff2")):
        ebook.add_item(epub.EpubItem(uid=f"font-{font.stem}", file_name=f"fonts/{font.name}",
                                     media_type="font/woff2", content=font.read_bytes()))

    nav_item = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml", content=nav)
    nav_item.properties = ["nav"]
    ebook.add_item(nav_item)
    items = {}
    for document in documents:
        item = epub.EpubItem(uid=document.uid, file_name=document.file_name,
                             media_type="application/xhtml+xml", content=document.content)
        ebook.add_item(item)
        items[document.uid] = item
    ebook.add_item(epub.EpubNcx())  # the spine names an NCX; old readers use it too
    ebook.spine = [items["cover"], items["title-page"], nav_item] + [items[d.uid] for d in documents[2:]]
    ebook.toc = [epub.Link(d.file_name, d.title, d.uid) for d in documents[2:]]

    out = io.BytesIO()
    options = {
        "epub3_pages": False,      # ebooklib's page list is wrong (issue #339); ours is in nav.xhtml
        "epub3_landmark": False,
        "epub2_guide": False,
        "mtime": date.astimezone(datetime.timezone.utc).replace(tzinfo=None),
        "raise_exceptions": True,
    }
    epub.write_epub(out, ebook, options)
    return out.getvalue()


def _meta(ebook, prop: str, value: str, refines: str | None = None) -> None:
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

    stamp = date.astimezone(datetime.timezone.utc).timetuple()[:6]
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
                data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, data, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()
