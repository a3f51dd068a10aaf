"""Walk the model in reading order: the blocks of a chapter, the text of a block."""
from __future__ import annotations

from collections.abc import Iterator

from ..model import (
    Block,
    Callout,
    Chapter,
    Citation,
    CiteRef,
    Definitions,
    Emphasis,
    Figure,
    Inlines,
    Link,
    ListBlock,
    Paragraph,
    Questions,
    Strong,
    Table,
    Term,
    Text,
)


def blocks(chapter: Chapter) -> Iterator[tuple[Block, Callout | None]]:
    """Yield every block of a chapter with the callout it sits in, if any, in reading order."""
    for section in chapter.sections:
        for block in section.blocks:
            yield block, None
            if isinstance(block, Callout):
                for inner in block.blocks:
                    yield inner, block


def texts(block: Block) -> Iterator[Inlines]:
    """Yield each piece of inline text a block holds itself (not that of nested blocks)."""
    if isinstance(block, Paragraph):
        yield block.text
    elif isinstance(block, (ListBlock, Questions)):
        for item in block.items:
            yield item.text
    elif isinstance(block, Definitions):
        for definition in block.items:
            yield definition.text
    elif isinstance(block, Table):
        for row in block.rows:
            yield from row.cells
    elif isinstance(block, Figure):
        yield block.caption


def page_anchors(block: Block) -> Iterator[str]:
    """Yield the anchors inside a block at which a printed page may start, in order."""
    yield block.anchor
    if isinstance(block, (ListBlock, Questions, Definitions)):
        for item in block.items:
            yield item.anchor
    elif isinstance(block, Table):
        for row in block.rows:
            yield row.anchor
    elif isinstance(block, Callout):
        for inner in block.blocks:
            yield from page_anchors(inner)


def plain_text(nodes: Inlines) -> str:
    """Return the words of inline nodes without markup or citations."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Emphasis, Strong, Link, Term)):
            parts.append(plain_text(node.children))
    return "".join(parts)


def citations(nodes: Inlines) -> list[CiteRef]:
    """Return every citation reference in inline nodes, in order."""
    found: list[CiteRef] = []
    for node in nodes:
        if isinstance(node, Citation):
            found.extend(node.refs)
        elif isinstance(node, (Emphasis, Strong, Link, Term)):
            found.extend(citations(node.children))
    return found


def links(nodes: Inlines) -> list[Link]:
    """Return every link in inline nodes, in order."""
    found: list[Link] = []
    for node in nodes:
        if isinstance(node, Link):
            found.append(node)
        if isinstance(node, (Emphasis, Strong, Link, Term)):
            found.extend(links(node.children))
    return found


def chapter_citations(chapter: Chapter) -> Iterator[tuple[Block, CiteRef]]:
    """Yield every citation of a chapter with the block it is in, in reading order."""
    for block, _ in blocks(chapter):
        for text in texts(block):
            for ref in citations(text):
                yield block, ref
