"""Write inline nodes as HTML; how citations and internal links look depends on the output."""
from __future__ import annotations

from markupsafe import Markup, escape

from ..analyse.numbering import SourceIndex
from ..model import Citation, CiteRef, ClinicBlock, Emphasis, Inlines, Link, Phone, Strong, Term, Text
from . import anchors
from .bidi import isolate, isolated_text


class Linker:
    """Where citations and internal links lead, and how a citation marker is written."""

    def __init__(self, index: SourceIndex, files: dict[str, str] | None = None):
        self.index = index
        self.files = files or {}
        """For the e-book: the file each chapter and section id lives in."""

    def href(self, target_id: str) -> str:
        """Return the href of a chapter, section or other anchor."""
        file = self.files.get(target_id, "")
        return f"{file}#{target_id}"

    def source_href(self, source_id: str) -> str:
        """Return the href of a source's entry in the appendix."""
        return self.href(anchors.source(source_id))

    def citation(self, node: Citation) -> Markup:
        """Return the markers of a citation."""
        markers = []
        for ref in sorted(node.refs, key=lambda ref: self.index.number(ref.source_id)):
            number = self.index.number(ref.source_id)
            markers.append(self.marker(ref.anchor, self.source_href(ref.source_id), number))
        return Markup('<sup class="cite">') + Markup(", ").join(markers) + Markup("</sup>")

    def link(self, node: Link, inner: Markup) -> Markup:
        """Return a link: to the web as written, into the book through href()."""
        href = self.href(node.href[1:]) if node.internal else node.href
        return Markup('<a href="{}">{}</a>').format(href, inner)

    def term(self, node: Term, inner: Markup) -> Markup:
        """Return the first use of a glossary term in a chapter, as a link to its definition."""
        return Markup('<a class="glossref" href="{}" role="doc-glossref">{}</a>').format(self.href(node.term_id), inner)

    def phone_citation(self, block: ClinicBlock, phone: Phone) -> Markup:
        """Return the marker citing the source of a public phone number in a contacts box."""
        from ..analyse.numbering import phone_citation_anchor

        if phone.source is None:  # a bug: the templates cite only a line that names its source
            raise ValueError(f"the phone line {phone.id!r} cites no source")
        return self.citation(Citation((CiteRef(phone.source, phone_citation_anchor(block, phone.id)),)))

    def marker(self, anchor: str, href: str, number: int) -> Markup:
        """Return one citation marker."""
        return Markup('<a class="cite" id="{}" href="{}">{}</a>').format(anchor, href, number)


class PrintLinker(Linker):
    """Links into the book that also say on which printed page their target is."""

    def __init__(self, index: SourceIndex, page_word: str, footnotes: frozenset[str] = frozenset(),
                 footnote_text: str = ""):
        super().__init__(index)
        self.page_word = page_word
        """The language's word for "page", before the number the layout fills in."""
        self.footnotes = footnotes
        """The citation markers that carry a footnote: the first of each source on each page."""
        self.footnote_text = footnote_text
        """The language's footnote: "%(name)s (%(kind)s). Sources, page %(page)s."."""

    def citation(self, node: Citation) -> Markup:
        markers = super().citation(node)
        notes = [ref for ref in sorted(node.refs, key=lambda ref: self.index.number(ref.source_id))
                 if ref.anchor in self.footnotes]
        return markers + Markup("").join(self.footnote(ref) for ref in notes)

    def footnote(self, ref: CiteRef) -> Markup:
        """Return the short note a footnote edition prints at the foot of the page: the source's
        number, its short name and kind, and the page of its full entry."""
        number = self.index.number(ref.source_id)
        source = self.index.source(ref.source_id)
        name = source.short_name[:1].upper() + source.short_name[1:]
        page = Markup('<a class="page-ref" href="#{}"></a>').format(anchors.source(ref.source_id))
        words = escape(self.footnote_text) % {"name": escape(name), "kind": escape(source.kind), "page": page}
        return Markup('<span class="footnote"><span class="footnote-number">{}</span> {}</span>').format(
            number, words)

    def link(self, node: Link, inner: Markup) -> Markup:
        if not node.internal:
            # On paper the address must be readable: print it after the words, unless they are
            # the address ("988lifeline.org") or the number ("[911](tel:911)" is not "911 (tel:911)").
            address = node.href.split(":", 1)[-1].removeprefix("//").rstrip("/")
            if node.href.lower().startswith(("tel:", "sms:")) or address == plain_text(node.children):
                return super().link(node, inner)
            return super().link(node, inner) + Markup('<span class="url-after"> ({})</span>').format(node.href)
        href = self.href(node.href[1:])
        # "see [the crisis chapter](#crisis)" prints "... (page 6)": the number comes from
        # the layout (target-counter), so a reader of paper can turn to it.
        return Markup('<a href="{0}">{1}</a><span class="page-ref-after"> ({2}\u00a0<a class="page-ref" '
                      'href="{0}"></a>)</span>').format(href, inner, self.page_word)


class EpubLinker(Linker):
    """Citation markers that reading systems show as pop-up notes: each leads to the note on
    its paragraph, item or row in the notes document (epub/notes.py), which leads on to the
    sources."""

    def __init__(self, index: SourceIndex, files: dict[str, str], source_label: str, note_of: dict[str, str]):
        super().__init__(index, files)
        self.source_label = source_label
        """The language's "Source %(num)s", for screen readers."""
        self.note_of = note_of
        """The id of the note each marker leads to."""

    def marker(self, anchor: str, href: str, number: int) -> Markup:
        return Markup(
            '<a class="cite" id="{}" href="{}" epub:type="noteref" role="doc-noteref" aria-label="{}">{}</a>'
        ).format(anchor, self.href(self.note_of[anchor]), self.source_label % {"num": number}, number)

    def term(self, node: Term, inner: Markup) -> Markup:
        return Markup('<a class="glossref" href="{}" epub:type="glossref" role="doc-glossref">{}</a>').format(
            self.href(node.term_id), inner)


def plain_text(nodes: Inlines) -> str:
    """Return the words of inline nodes, without markup or citations."""
    return "".join(node.text if isinstance(node, Text) else plain_text(node.children)
                   for node in nodes if not isinstance(node, Citation))


def inline_html(nodes: Inlines, linker: Linker, isolating: str | None = None) -> Markup:
    """Return inline nodes as escaped HTML.

    `isolating` is the output ("print", "epub", "web") of a book written right to left: each
    run of left-to-right text in it (numbers, addresses, Latin names) and each group of
    citation markers is then isolated, so that it keeps its place and order (render/bidi.py)."""
    parts: list[Markup] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(isolated_text(node.text, isolating) if isolating else escape(node.text))
        elif isinstance(node, Emphasis):
            parts.append(Markup("<em>{}</em>").format(inline_html(node.children, linker, isolating)))
        elif isinstance(node, Strong):
            parts.append(Markup("<strong>{}</strong>").format(inline_html(node.children, linker, isolating)))
        elif isinstance(node, Link):
            parts.append(linker.link(node, inline_html(node.children, linker, isolating)))
        elif isinstance(node, Term):
            parts.append(linker.term(node, inline_html(node.children, linker, isolating)))
        elif isinstance(node, Citation):
            if parts:  # "a fact [@x]." prints the marker against the word, not after a space
                parts[-1] = Markup(parts[-1].rstrip())
            markers = linker.citation(node)
            parts.append(isolate(markers, isolating) if isolating else markers)
    return Markup("").join(parts)


class WebLinker(Linker):
    """Citation markers of the web edition: each leads to its source's entry on the sources
    page, which links back to every marker (`files` gives each anchor's page)."""

    def __init__(self, index: SourceIndex, files: dict[str, str], source_label: str):
        super().__init__(index, files)
        self.source_label = source_label
        """The language's "Source %(num)s: %(name)s", for screen readers and tooltips."""

    def marker(self, anchor: str, href: str, number: int) -> Markup:
        name = self.index.entries[number - 1].source.short_name
        label = self.source_label % {"num": number, "name": name}
        return Markup('<a class="cite" id="{}" href="{}" aria-label="{}" title="{}">{}</a>').format(
            anchor, href, label, label, number)
