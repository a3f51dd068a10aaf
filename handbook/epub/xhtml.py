"""Render the e-book's documents, its navigation document and its NCX from the epub/ templates."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from lxml import etree

from ..analyse.numbering import CitedSource
from ..render import anchors
from ..render.context import Context
from ..render.documents import Split, is_glossary, split
from ..render.inline import EpubLinker
from .cover import cover_alt
from .notes import end_notes
from .pagemap import page_breaks

COVER_IMAGE = "images/cover.png"
NOTES = "notes.xhtml"
NAMES = {"cover": "cover.xhtml", "title-page": "title.xhtml", "colophon": "title.xhtml", "contents": "nav.xhtml",
         "toc": "nav.xhtml", "sources": "sources.xhtml"}


@dataclass(frozen=True)
class Document:
    """One XHTML file of the e-book."""

    uid: str
    file_name: str
    title: str
    content: bytes


@dataclass(frozen=True)
class Rendered:
    """The e-book's documents, its navigation document and where its pictures go."""

    documents: list[Document]
    nav: bytes
    ncx: bytes
    """The EPUB 2 table of contents, for reading systems that do not read the navigation document."""
    parts: Split


class _Renderer:
    def __init__(self, env: Environment, context: Context, parts: Split, anchor_pages: Mapping[str, int],
                 page_count: int):
        self.env = env
        self.context = context
        self.parts = parts
        self.anchor_pages = anchor_pages
        self.breaks = page_breaks(parts.order, anchor_pages, page_count)
        self.notes = end_notes(context.book, context.index)
        files = dict(parts.files)
        files.update((note.id, NOTES) for _, notes in self.notes.chapters for note in notes)
        files.update((anchors.note(chapter.id), NOTES) for chapter, _ in self.notes.chapters)
        files["notes"] = NOTES
        self.names = dict(
            context.common(EpubLinker(context.index, files, context.gettext("Source %(num)s"), self.notes.note_of)),
            output="epub",
            page_breaks=self.breaks,
            image_src=lambda figure: parts.images[figure.path][0],
            logo_file=f"images/logo{Path(context.book.settings.brand.logo).suffix.lower()}"
            if context.book.settings.brand.logo else None,
        )

    def render(self, template: str, **names: Any) -> bytes:
        text = self.env.get_template(f"epub/{template}").render(**self.names, **names)
        if "<body>" in text and not text.split("<body>", 1)[1].strip().startswith("</body>"):
            return text.encode("utf-8")
        raise ValueError(f"epub/{template} rendered an empty document")  # a bug: the loader refuses empty chapters

    def render_xml(self, template: str, **names: Any) -> bytes:
        """Render a document that is not XHTML (the NCX)."""
        return self.env.get_template(f"epub/{template}").render(**self.names, **names).encode("utf-8")

    def printed_pages(self, entry: CitedSource) -> list[int]:
        return sorted({self.anchor_pages[place.anchor] for place in entry.places})

    def backlinks(self, entry: CitedSource) -> list[tuple[str, list[dict[str, str | int]]]]:
        titles = {chapter.id: chapter.title for chapter in self.context.book.chapters}
        groups: dict[str, list[dict[str, str | int]]] = {}
        for place in entry.places:
            groups.setdefault(place.chapter_id, []).append(
                {"href": self.parts.href(place.anchor), "page": self.anchor_pages[place.anchor]}
            )
        return [(titles[chapter_id], places) for chapter_id, places in groups.items()]


def render_epub(env: Environment, context: Context, anchor_pages: Mapping[str, int], page_count: int) -> Rendered:
    """Return the e-book's documents, paginated like the layout the anchor pages come from."""
    book = context.book
    parts = split(book, context.index, NAMES, ".xhtml")
    renderer = _Renderer(env, context, parts, anchor_pages, page_count)
    gettext = context.gettext
    documents = [
        Document("cover", NAMES["cover"], gettext("Cover"),
                 renderer.render("cover.xhtml.j2", cover_image=COVER_IMAGE, cover_alt=cover_alt(context, gettext))),
        Document("title-page", NAMES["title-page"], book.title, renderer.render("titlepage.xhtml.j2")),
    ]
    for chapter in book.chapters:
        epub_type = "glossary" if is_glossary(book, chapter) else "chapter"
        documents.append(Document(f"chapter-{chapter.id}", f"{chapter.id}.xhtml", chapter.title,
                                  renderer.render("chapter.xhtml.j2", chapter=chapter, epub_type=epub_type)))
    documents.append(Document("sources", NAMES["sources"], gettext("Sources"), renderer.render(
        "sources.xhtml.j2", printed_pages=renderer.printed_pages, backlinks=renderer.backlinks)))
    if renderer.notes.chapters:
        documents.append(Document("notes", NOTES, gettext("Notes"),
                                  renderer.render("notes.xhtml.j2", notes=renderer.notes.chapters)))
    page_list = sorted(
        ({"href": f"{parts.files[anchor]}#{anchors.page(page)}", "label": str(page)}
         for anchor, pages in renderer.breaks.items() for page in pages),
        key=lambda entry: int(entry["label"]),
    )
    glossary = next((c for c in book.chapters if is_glossary(book, c)), None)
    has_notes = bool(renderer.notes.chapters)
    nav = renderer.render("nav.xhtml.j2", page_list=page_list, glossary=glossary, has_notes=has_notes)
    points = [NavPoint(chapter.title, parts.href(chapter.id), tuple(
        NavPoint(section.title, parts.href(section.id)) for section in chapter.sections)) for chapter in book.chapters]
    points.append(NavPoint(gettext("Sources"), parts.href("sources")))
    if has_notes:
        points.append(NavPoint(gettext("Notes"), f"{NOTES}#notes"))  # the notes document's own section
    ncx = renderer.render_xml("toc.ncx.j2", nav_points=points, page_list=page_list,
                          play_order=play_order(spine_order(documents, nav),
                                                [*_hrefs(points), *(page["href"] for page in page_list)]))
    return Rendered(documents, nav, ncx, parts)


def spine_order(documents: list[Document], nav: bytes) -> list[tuple[str, bytes]]:
    """Return every document's name and content in reading order: the contents come after the title page."""
    named = [(d.file_name, d.content) for d in documents]
    return named[:2] + [(NAMES["contents"], nav)] + named[2:]


@dataclass(frozen=True)
class NavPoint:
    """An entry of the NCX's table of contents."""

    label: str
    href: str
    children: tuple[NavPoint, ...] = ()


def _hrefs(points: Iterable[NavPoint]) -> list[str]:
    return [href for point in points for href in (point.href, *_hrefs(point.children))]


def play_order(documents: list[tuple[str, bytes]], hrefs: list[str]) -> dict[str, int]:
    """Return the NCX's playOrder of each link: the place of its target in reading order.

    The NCX numbers its targets in reading order, one number per target, shared by every
    navPoint and pageTarget that leads there (EPUBCheck checks both ways).
    """
    order: dict[str, int] = {}
    for name, content in documents:
        order[name] = len(order)
        for element in etree.fromstring(content).iter():
            if element.get("id"):
                order[f"{name}#{element.get('id')}"] = len(order)
    ranked = sorted(set(hrefs), key=lambda href: order[href])
    return {href: number for number, href in enumerate(ranked, start=1)}
