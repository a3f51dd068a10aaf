"""Name every target a link can lead to, in every output: one function per kind of target.

Sphinx names every document through one method (`Builder.get_target_uri`); here every id an
edition writes, and every link to one, comes from this module. The loader names blocks and
citation markers with it; the templates get it as `anchors`; render/, web/, epub/ and the
print appendix's second layout use it.

Ids say what a target is, never where it stands, so that a web address survives an edit
above it:

- a block: its section's id and a short hash of its text (`common-effects_3fa9c2`); the
  second block of a section with the very same text gets `-2`;
- a list's item, a table's row, a glossary's entry, a callout's block: its block's id and
  its place in that block (`common-effects_3fa9c2_2`): a change to them changes the block's
  hash anyway;
- a citation marker: its block's id, the source it names and which citation of that source
  in the block it is (`common-effects_3fa9c2_cite_risks-benefits`, then `..._2`);
- a source: its id (`source-risks-benefits`); an e-book note: `note-` and what it annotates;
  a printed page: `page-12`; a heading: its part's id and `-title`.

Chapters and sections keep the ids the book gives them (a file name, a section's `id` or
its title's slug). Editing a block changes its id; inserting, moving or removing another
does not.

A translated block shares its source's id: the hash is the one `handbook translations
stamp` records (`translated_from`, analyse/translation.py), so `#common-effects_3fa9c2` is
the same paragraph in English and in Spanish while the translation is up to date.

Every id made here holds a `_`, which ids written in a book cannot (model.is_id), so a made
id never clashes with a chapter's or section's; and each is an XML name (a letter or `_`
first), as the e-book's XHTML needs.
"""
from __future__ import annotations

HASH_LENGTH = 6
"""Hex digits of a block's hash in its id: plenty within one section, where ids must differ."""


def block(section_id: str, text_hash: str, taken: set[str]) -> str:
    """Return the id of a block of a section from the hash of its text, and mark it taken."""
    base = xml_name(f"{section_id}_{text_hash[:HASH_LENGTH]}")
    anchor, copies = base, 1
    while anchor in taken:  # the same text twice in a section: number the later copies
        copies += 1
        anchor = f"{base}-{copies}"
    taken.add(anchor)
    return anchor


def part(block_anchor: str, number: int) -> str:
    """Return the id of the n-th part of a block: an item, a row, an entry, or a callout's block."""
    return f"{block_anchor}_{number}"


def citation(block_anchor: str, source_id: str, occurrence: int) -> str:
    """Return the id of a citation marker: the n-th in its block that names this source."""
    anchor = f"{block_anchor}_cite_{source_id}"
    return anchor if occurrence == 1 else f"{anchor}_{occurrence}"


def phone_citation(block_anchor: str, phone_id: str) -> str:
    """Return the id of the marker citing the source of a public phone number in a contacts box."""
    return f"{block_anchor}_phone_{phone_id}"


def source(source_id: str) -> str:
    """Return the id of a source's entry in the sources list."""
    return f"source-{source_id}"


def note(anchor: str) -> str:
    """Return the id of the e-book's note on a paragraph, list item, row or box (by its id)."""
    return f"note-{anchor}"


def page(number: int) -> str:
    """Return the id of the e-book's marker where a printed page starts."""
    return f"page-{number}"


def heading(anchor: str) -> str:
    """Return the id of the heading or title of a chapter, section or box."""
    return f"{anchor}-title"


def xml_name(anchor: str) -> str:
    """Return an id as an XML name: one that starts with a digit or hyphen gets a `_` first."""
    return anchor if anchor[:1].isalpha() or anchor[:1] == "_" else f"_{anchor}"
