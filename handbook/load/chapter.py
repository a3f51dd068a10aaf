"""Read one chapter file into a Chapter, recording every problem with its line.

The chapter schema (handbook/schemas/chapter.schema.json) checks the file's structure;
this module turns what passed into the model and checks what a schema cannot: the text
(citations, links), the pictures, the callout kinds of the theme, table rows against
their header. The parts that passed the schema are checked even when others did not, so
every problem of a file is reported at once.
"""
from __future__ import annotations

import datetime
from pathlib import Path

from ..analyse.translation import KEY as TRANSLATED_FROM, block_hash
from ..errors import Location, Problems
from ..model import (
    Block,
    Callout,
    Chapter,
    ClinicBlock,
    Definition,
    Definitions,
    Figure,
    Inlines,
    Item,
    ListBlock,
    Notes,
    Paragraph,
    Questions,
    Review,
    Row,
    Section,
    Table,
    is_id,
    slug,
    term_id,
)
from ..render import anchors
from .images import check_image
from .inline import InlineParser, typeset
from .schema import Document, read
from .yamlsource import At

BLOCK_KINDS = (
    "paragraph", "bullets", "steps", "checklist", "callout", "table", "figure", "questions", "definitions",
    "notes", "clinic",
)
NESTED_KINDS = ("paragraph", "bullets", "steps", "checklist")
"""What a callout may hold: text and lists, not tables or other boxes."""


def load_chapter(path: Path, callout_kinds: tuple[str, ...], problems: Problems) -> Chapter | None:
    """Return the chapter in a file, or None if it could not be read at all.

    `callout_kinds` are the kinds of callout the theme can show.
    """
    before = len(problems)
    document = read(path, "chapter", problems, partial=True)
    if document is None:
        return None
    chapter = _ChapterReader(document, callout_kinds, problems).chapter()
    return chapter if len(problems) == before else None


class _ChapterReader:
    def __init__(self, document: Document, callout_kinds: tuple[str, ...], problems: Problems):
        self.document = document
        self.path = document.path
        self.callout_kinds = callout_kinds
        self.id = self.path.stem
        self.problems = problems
        self.inline = InlineParser(problems)

    def chapter(self) -> Chapter | None:
        doc = self.document
        if not is_id(self.id):
            self.problems.add(doc.location(), "a chapter file name must be a lowercase id such as 'side-effects.yaml'")
        if not isinstance(doc.data, dict):
            return None
        title = self.plain(("title",))
        summary = self.plain(("summary",))
        review = self.review(("review",)) if "review" in doc.data else None
        sections = []
        if isinstance(doc.data.get("sections"), list):
            for index in range(len(doc.data["sections"])):
                section = self.section(("sections", index))
                if section:
                    sections.append(section)
        return Chapter(self.id, doc.location(), title or "", summary, tuple(sections), review)

    def review(self, at: At) -> Review | None:
        if not self.document.valid(at):
            return None
        data = self.document.get(at)
        on, next_ = (datetime.date.fromisoformat(data[key]) for key in ("on", "next"))
        if next_ <= on:
            self.problems.add(self.document.location(at + ("next",)),
                              "the next review must come after the last one (on)")
            return None
        return Review(typeset(self.document.text(at + ("by",)).strip()), on, next_, self.document.location(at))

    def section(self, at: At) -> Section | None:
        data = self.document.get(at)
        if not isinstance(data, dict):
            return None
        title = self.plain(at + ("title",))
        section_id = data["id"] if "id" in data and self.document.valid(at + ("id",)) else slug(title or "")
        blocks = self.blocks(at + ("blocks",), BLOCK_KINDS, section_id) if isinstance(data.get("blocks"), list) else ()
        return Section(section_id, self.document.location(at), title or "", blocks)

    def blocks(self, at: At, kinds: tuple[str, ...], section_id: str = "", callout: str = "") -> tuple[Block, ...]:
        """Return the blocks of a section, or of the callout whose anchor is given."""
        result = []
        taken: set[str] = set()
        for index in range(len(self.document.get(at))):
            if self.document.valid(at + (index,)):
                data = self.document.get(at + (index,))
                # A translation's block is named by the hash of the block it translates (render/anchors.py).
                anchor = (anchors.part(callout, index + 1) if callout else
                          anchors.block(section_id, str(data.get(TRANSLATED_FROM) or block_hash(data)), taken))
                block = self.block(at + (index,), kinds, anchor)
                if block:
                    result.append(block)
        return tuple(result)

    def block(self, at: At, kinds: tuple[str, ...], anchor: str) -> Block | None:
        data = self.document.get(at)
        kind = next(kind for kind in kinds if kind in data)
        at_value = at + (kind,)
        location = self.document.location(at)
        guidance = data.get("guidance", False)
        self.inline.within(anchor)
        if kind == "paragraph":
            return Paragraph(anchor, location, guidance, self.text(at_value))
        if kind in ("bullets", "steps", "checklist"):
            return ListBlock(anchor, location, guidance, kind == "steps", self.items(at_value, anchor),
                             checklist=kind == "checklist")
        if kind == "questions":
            if guidance:
                self.problems.add(location, "questions need no 'guidance' key")
            return Questions(anchor, location, self.items(at_value, anchor))
        if kind == "definitions":
            return Definitions(anchor, location, guidance, self.definitions(at_value, anchor))
        if kind == "table":
            return self.table(at_value, anchor, location, guidance)
        if kind == "figure":
            return self.figure(at_value, anchor, location, guidance)
        if kind == "notes":
            if guidance:
                self.problems.add(location, "notes need no 'guidance' key")
            return Notes(anchor, location, int(data["notes"]))
        if kind == "clinic":
            if guidance:
                self.problems.add(location, "a clinic block needs no 'guidance' key")
            return ClinicBlock(anchor, location, data["clinic"])
        return self.callout(at_value, anchor, location, guidance)

    def plain(self, at: At) -> str | None:
        """Return a field that is plain text (a title, a term), with printer's quotes; None if absent or wrong."""
        try:
            self.document.get(at)
        except (KeyError, IndexError, TypeError):
            return None
        if not self.document.valid(at):
            return None
        return typeset(self.document.text(at).strip())

    def text(self, at: At) -> Inlines:
        text = self.document.text(at).strip()
        return self.inline.parse(text, self.document.location(at)) if text else ()

    def items(self, at: At, anchor: str) -> tuple[Item, ...]:
        return tuple(Item(anchors.part(anchor, number), self.text(at + (index,)))
                     for number, index in enumerate(range(len(self.document.get(at))), start=1))

    def definitions(self, at: At, anchor: str) -> tuple[Definition, ...]:
        result = []
        for index, item in enumerate(self.document.get(at)):
            # also: other forms of the term; explained_in: the chapter that explains it (analyse/glossary.py).
            term = self.plain(at + (index, "term")) or ""
            also = tuple(form for number in range(len(item.get("also", ())))
                         if (form := self.plain(at + (index, "also", number))))
            result.append(Definition(anchors.part(anchor, index + 1), term, self.text(at + (index, "text")),
                                     term_id(term), also, item.get("explained_in"),
                                     self.document.location(at + (index,))))
        return tuple(result)

    def table(self, at: At, anchor: str, location: Location, guidance: bool) -> Table:
        data = self.document.get(at)
        header = tuple(self.plain(at + ("header", index)) or "" for index in range(len(data["header"])))
        rows = []
        for number, row in enumerate(data["rows"], start=1):
            row_at = at + ("rows", number - 1)
            if len(row) != len(header):
                self.problems.add(self.document.location(row_at),
                                  f"this row has {len(row)} cells; the header has {len(header)}")
            # An empty cell ("" or null) is room to write in, as in a diary grid.
            cells = tuple(self.text(row_at + (index,)) for index in range(len(row)))
            rows.append(Row(anchors.part(anchor, number), cells))
        return Table(anchor, location, guidance, self.plain(at + ("caption",)) or "", header, tuple(rows),
                     data.get("tick_boxes", False))

    def figure(self, at: At, anchor: str, location: Location, guidance: bool) -> Figure | None:
        src = self.document.get(at + ("src",)).strip()
        image = check_image(self.path.parent, src, self.document.location(at + ("src",)), self.problems)
        alt = self.plain(at + ("alt",))
        caption = self.text(at + ("caption",))
        if image is None:
            return None
        path, media_type = image
        return Figure(anchor, location, guidance, path, media_type, alt or "", caption,
                      self.variants(path, media_type, self.document.location(at + ("src",))))

    def variants(self, path: Path, media_type: str, location: Location) -> tuple[tuple[str, Path], ...]:
        """Return the versions of a picture for print layouts: `<name>.<layout>.<ext>` beside it."""
        found = []
        for candidate in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}")):
            layout = candidate.name[len(path.stem) + 1:-len(path.suffix)]
            if not is_id(layout):
                continue
            checked = check_image(self.path.parent, candidate.relative_to(self.path.parent.resolve()).as_posix(),
                                  location, self.problems)
            if checked and checked[1] != media_type:
                self.problems.add(location, f"{candidate.name} must be the same kind of image as {path.name}")
            elif checked:
                found.append((layout, checked[0]))
        return tuple(found)

    def callout(self, at: At, anchor: str, location: Location, guidance: bool) -> Callout | None:
        kind = self.document.get(at + ("kind",))
        blocks = self.blocks(at + ("blocks",), NESTED_KINDS, callout=anchor)
        if kind not in self.callout_kinds:
            self.problems.add(self.document.location(at + ("kind",)),
                              f"unknown callout kind {kind!r}; expected one of: {', '.join(self.callout_kinds)}")
            return None
        return Callout(anchor, location, guidance, kind, self.plain(at + ("title",)), blocks)
