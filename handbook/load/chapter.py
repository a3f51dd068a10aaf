"""Read one chapter file into a Chapter, recording every problem with its line."""
from __future__ import annotations

import datetime
from pathlib import Path

from yaml.nodes import Node

from ..errors import Problems
from ..model import (
    Block,
    Callout,
    Chapter,
    ClinicBlock,
    Definition,
    Definitions,
    Figure,
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
from .images import check_image
from .inline import InlineParser, typeset
from .yamlsource import Fields, compose, where

BLOCK_KINDS = (
    "paragraph", "bullets", "steps", "checklist", "callout", "table", "figure", "questions", "definitions",
    "notes", "clinic",
)
MAX_NOTE_LINES = 40
"""A page of lines, at most."""
NESTED_KINDS = ("paragraph", "bullets", "steps", "checklist")
"""What a callout may hold: text and lists, not tables or other boxes."""


def load_chapter(path: Path, callout_kinds: tuple[str, ...], problems: Problems) -> Chapter | None:
    """Return the chapter in a file, or None if it could not be read at all.

    `callout_kinds` are the kinds of callout the theme can show.
    """
    root = compose(path, problems)
    if root is None:
        return None
    return _ChapterReader(path, callout_kinds, problems).chapter(root)


class _ChapterReader:
    def __init__(self, path: Path, callout_kinds: tuple[str, ...], problems: Problems):
        self.path = path
        self.callout_kinds = callout_kinds
        self.id = path.stem
        self.problems = problems
        self.fields = Fields(path, problems)
        self.inline = InlineParser(f"cite_{self.id}", problems)
        self._blocks = 0

    def chapter(self, root: Node) -> Chapter | None:
        if not is_id(self.id):
            self.problems.add(
                where(self.path, root),
                "a chapter file name must be a lowercase id such as 'side-effects.yaml'",
            )
        # translated_from: which version of the source a translation follows (analyse/translation.py).
        found = self.fields.of(root, "a chapter", ("title", "sections"), ("summary", "review", "translated_from"))
        if found is None:
            return None
        title = self.plain(found["title"], "the chapter title") if "title" in found else None
        summary = self.plain(found["summary"], "the summary") if "summary" in found else None
        review = self.review(found["review"]) if "review" in found else None
        sections: list[Section] = []
        if "sections" in found:
            for node in self.fields.sequence(found["sections"], "sections"):
                section = self.section(node)
                if section:
                    sections.append(section)
        return Chapter(self.id, where(self.path, root), title or "", summary, tuple(sections), review)

    def review(self, node: Node) -> Review | None:
        found = self.fields.of(node, "a review", ("by", "on", "next"))
        if found is None or len(found) < 3:
            return None
        by = self.fields.text(found["by"], "who reviewed the chapter (by)")
        dates = {}
        for key in ("on", "next"):
            text = self.fields.text(found[key], f"the review date ({key})")
            try:
                dates[key] = datetime.date.fromisoformat(text) if text else None
            except ValueError:
                self.problems.add(where(self.path, found[key]), f"'{key}' must be a date written as YYYY-MM-DD, "
                                  f"not {text!r}")
                dates[key] = None
        if dates["on"] and dates["next"] and dates["next"] <= dates["on"]:
            self.problems.add(where(self.path, found["next"]), "the next review must come after the last one (on)")
            return None
        if not by or not dates["on"] or not dates["next"]:
            return None
        return Review(by, dates["on"], dates["next"], where(self.path, node))

    def section(self, node: Node) -> Section | None:
        found = self.fields.of(node, "a section", ("title", "blocks"), ("id", "translated_from"))
        if found is None:
            return None
        title = self.plain(found["title"], "the section title") if "title" in found else None
        if "id" in found:
            section_id = self.fields.text(found["id"], "the section id")
            if section_id and not is_id(section_id):
                self.problems.add(
                    where(self.path, found["id"]),
                    f"the section id {section_id!r} must be lowercase letters, digits and dashes",
                )
        else:
            section_id = slug(title or "")
        blocks = self.blocks(found["blocks"], BLOCK_KINDS) if "blocks" in found else ()
        return Section(section_id or "", where(self.path, node), title or "", blocks)

    def blocks(self, node: Node, kinds: tuple[str, ...]) -> tuple[Block, ...]:
        result = []
        for item in self.fields.sequence(node, "blocks"):
            block = self.block(item, kinds)
            if block:
                result.append(block)
        return tuple(result)

    def block(self, node: Node, kinds: tuple[str, ...]) -> Block | None:
        found = self.fields.of(node, "a block", (), kinds + ("guidance", "translated_from"))
        if found is None:
            return None
        present = [kind for kind in kinds if kind in found]
        location = where(self.path, node)
        if len(present) != 1:
            wanted = ", ".join(kinds)
            message = "a block needs exactly one of: " if not present else "a block has more than one of: "
            self.problems.add(location, message + wanted)
            return None
        kind = present[0]
        value = found[kind]
        guidance = self.fields.flag(found["guidance"], "guidance") if "guidance" in found else False
        self._blocks += 1
        anchor = f"b_{self.id}_{self._blocks}"
        if kind == "paragraph":
            return Paragraph(anchor, location, guidance, self.text(value, "a paragraph"))
        if kind in ("bullets", "steps", "checklist"):
            return ListBlock(anchor, location, guidance, kind == "steps", self.items(value, anchor, kind),
                             checklist=kind == "checklist")
        if kind == "questions":
            if guidance:
                self.problems.add(location, "questions need no 'guidance' key")
            return Questions(anchor, location, self.items(value, anchor, kind))
        if kind == "definitions":
            return Definitions(anchor, location, guidance, self.definitions(value, anchor))
        if kind == "table":
            return self.table(value, anchor, location, guidance)
        if kind == "figure":
            return self.figure(value, anchor, location, guidance)
        if kind == "notes":
            return self.notes(value, anchor, location, guidance)
        if kind == "clinic":
            if guidance:
                self.problems.add(location, "a clinic block needs no 'guidance' key")
            key = self.fields.text(value, "the clinic instruction id") or ""
            return ClinicBlock(anchor, location, key)
        return self.callout(value, anchor, location, guidance)

    def plain(self, node: Node, what: str) -> str | None:
        """Return a field that is plain text (a title, a term), with printer's quotes."""
        value = self.fields.text(node, what)
        return typeset(value) if value else value

    def text(self, node: Node, what: str):
        value = self.fields.text(node, what)
        return self.inline.parse(value, where(self.path, node)) if value else ()

    def cell(self, node: Node):
        value = self.fields.text(node, "a table cell", optional=True)
        return self.inline.parse(value, where(self.path, node)) if value else ()

    def items(self, node: Node, anchor: str, what: str) -> tuple[Item, ...]:
        return tuple(
            Item(f"{anchor}_{number}", self.text(item, f"an entry of {what}"))
            for number, item in enumerate(self.fields.sequence(node, what), start=1)
        )

    def definitions(self, node: Node, anchor: str) -> tuple[Definition, ...]:
        result = []
        for number, item in enumerate(self.fields.sequence(node, "definitions"), start=1):
            # also: other forms of the term; explained_in: the chapter that explains it (analyse/glossary.py).
            found = self.fields.of(item, "a definition", ("term", "text"), ("also", "explained_in"))
            if found is None or not {"term", "text"} <= set(found):
                continue
            term = self.plain(found["term"], "the term") or ""
            also = tuple(
                form for form in (self.plain(node, "another form of the term (also)")
                                  for node in self.fields.sequence(found["also"], "also")) if form
            ) if "also" in found else ()
            explained_in = self.fields.text(found["explained_in"], "the chapter that explains the term "
                                            "(explained_in)") if "explained_in" in found else None
            result.append(Definition(f"{anchor}_{number}", term, self.text(found["text"], "a definition"),
                                     term_id(term), also, explained_in, where(self.path, item)))
        return tuple(result)

    def table(self, node: Node, anchor: str, location, guidance: bool) -> Table | None:
        found = self.fields.of(node, "a table", ("caption", "header", "rows"), ("tick_boxes",))
        if found is None or not {"caption", "header", "rows"} <= set(found):
            return None
        tick_boxes = self.fields.flag(found["tick_boxes"], "tick_boxes") if "tick_boxes" in found else False
        caption = self.plain(found["caption"], "the table caption") or ""
        header = tuple(
            self.plain(cell, "a header cell") or "" for cell in self.fields.sequence(found["header"], "header")
        )
        rows = []
        for number, row in enumerate(self.fields.sequence(found["rows"], "rows"), start=1):
            cells = self.fields.sequence(row, "a table row")
            if cells and len(cells) != len(header):
                self.problems.add(
                    where(self.path, row), f"this row has {len(cells)} cells; the header has {len(header)}"
                )
            # An empty cell ("" or null) is room to write in, as in a diary grid.
            rows.append(Row(f"{anchor}_{number}", tuple(self.cell(cell) for cell in cells)))
        return Table(anchor, location, guidance, caption, header, tuple(rows), tick_boxes)

    def figure(self, node: Node, anchor: str, location, guidance: bool) -> Figure | None:
        found = self.fields.of(node, "a figure", ("src", "alt", "caption"))
        if found is None or len(found) < 3:
            return None
        alt = self.plain(found["alt"], "the alternative text (alt)")
        caption = self.text(found["caption"], "the caption")
        src = self.fields.text(found["src"], "the image path (src)")
        image = check_image(self.path.parent, src, where(self.path, found["src"]), self.problems) if src else None
        if image is None or alt is None:
            return None
        path, media_type = image
        return Figure(anchor, location, guidance, path, media_type, alt, caption,
                      self.variants(path, media_type, where(self.path, found["src"])))

    def variants(self, path: Path, media_type: str, location) -> tuple[tuple[str, Path], ...]:
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

    def notes(self, node: Node, anchor: str, location, guidance: bool) -> Notes | None:
        if guidance:
            self.problems.add(location, "notes need no 'guidance' key")
        count = self.fields.text(node, "the number of lines")
        if count is None:
            return None
        if not count.isdigit() or not 1 <= int(count) <= MAX_NOTE_LINES:
            self.problems.add(where(self.path, node), f"notes takes a number of lines from 1 to {MAX_NOTE_LINES}, "
                              f"not {count!r}")
            return None
        return Notes(anchor, location, int(count))

    def callout(self, node: Node, anchor: str, location, guidance: bool) -> Callout | None:
        found = self.fields.of(node, "a callout", ("kind", "blocks"), ("title",))
        if found is None:
            return None
        kind = self.fields.text(found["kind"], "the callout kind") if "kind" in found else None
        if kind is not None and kind not in self.callout_kinds:
            self.problems.add(
                where(self.path, found["kind"]),
                f"unknown callout kind {kind!r}; expected one of: {', '.join(self.callout_kinds)}",
            )
            kind = None
        title = self.plain(found["title"], "the callout title") if "title" in found else None
        blocks = self.blocks(found["blocks"], NESTED_KINDS) if "blocks" in found else ()
        if kind is None:
            return None
        return Callout(anchor, location, guidance, kind, title, blocks)
