"""Render the e-book's documents and its navigation document from the epub/ templates."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import Environment

from ..analyse.numbering import CitedSource
from ..render.context import Context
from ..render.documents import Split, is_glossary, split
from ..render.inline import EpubLinker
from .cover import cover_alt
from .pagemap import page_breaks

COVER_IMAGE = "images/cover.png"
NAMES = {"cover": "cover.xhtml", "title-page": "title.xhtml", "contents": "nav.xhtml", "toc": "nav.xhtml",
         "sources": "sources.xhtml"}


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
    parts: Split


class _Renderer:
    def __init__(self, env: Environment, context: Context, parts: Split, anchor_pages: Mapping[str, int],
                 page_count: int):
        self.env = env
        self.context = context
        self.parts = parts
        self.anchor_pages = anchor_pages
        self.breaks = page_breaks(parts.order, anchor_pages, page_count)
        self.names = dict(
            context.common(EpubLinker(context.index, parts.files, context.gettext("Source %(num)s"))),
            output="epub",
            page_breaks=self.breaks,
            image_src=lambda figure: parts.images[figure.path][0],
        )

    def render(self, template: str, **names) -> bytes:
        text = self.env.get_template(f"epub/{template}").render(**self.names, **names)
        if "<body>" in text and not text.split("<body>", 1)[1].strip().startswith("</body>"):
            return text.encode("utf-8")
        raise ValueError(f"epub/{template} rendered an empty document")  # a bug: the loader refuses empty chapters

    def printed_pages(self, entry: CitedSource) -> list[int]:
        return sorted({self.anchor_pages[place.anchor] for place in entry.places})

    def backlinks(self, entry: CitedSource) -> list[tuple[str, list[dict]]]:
        titles = {chapter.id: chapter.title for chapter in self.context.book.chapters}
        groups: dict[str, list[dict]] = {}
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
    page_list = sorted(
        ({"href": f"{parts.files[anchor]}#page-{page}", "label": str(page)}
         for anchor, pages in renderer.breaks.items() for page in pages),
        key=lambda entry: int(entry["label"]),
    )
    glossary = next((c for c in book.chapters if is_glossary(book, c)), None)
    nav = renderer.render("nav.xhtml.j2", page_list=page_list, glossary=glossary)
    return Rendered(documents, nav, parts)
