"""Walk the model in reading order: the blocks of a chapter, the text of a block."""
from __future__ import annotations

from collections.abc import Iterator

from .model import (
    Block,
    Callout,
    Chapter,
    ClinicBlock,
    Definitions,
    Figure,
    Inlines,
    ListBlock,
    Paragraph,
    Questions,
    Table,
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
    elif isinstance(block, (ClinicBlock, Callout)):
        return


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
