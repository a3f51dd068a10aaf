"""The Jinja2 environment every output is rendered with: strict, escaping, and translated.

An unknown name in a template fails the build instead of printing an empty string into a
clinic's handbook (MkDocs issue #3545 still asks for this), and everything a chapter says
is escaped. Templates are searched in the book's layouts/ first, then the default theme.
Labels go through gettext (`_()` in templates), so each language gets its own words.
"""
from __future__ import annotations

import gettext
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from ..model import (
    Block,
    Callout,
    ClinicBlock,
    Definitions,
    Figure,
    Inlines,
    ListBlock,
    Notes,
    Paragraph,
    Questions,
    Table,
)
from ..i18n import language_name, long_date
from ..theme import Theme
from .inline import inline_html

_KINDS = {
    Paragraph: "paragraph",
    ListBlock: "list",
    Questions: "questions",
    Definitions: "definitions",
    Table: "table",
    Figure: "figure",
    Notes: "notes",
    ClinicBlock: "clinic",
    Callout: "callout",
}


def environment(theme: Theme, language: str = "en", translations: Any = None) -> Environment:
    """Return the environment for a theme in a language, with its translations (or none: the labels as written)."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in theme.dirs]),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations or gettext.NullTranslations(), newstyle=True)
    env.filters["inline"] = _inline
    env.filters["longdate"] = lambda date: long_date(date, language)
    env.globals["language_name"] = lambda code: language_name(code, language)
    env.globals["kind"] = block_kind
    env.globals["review_groups"] = review_groups
    return env


def review_groups(chapters) -> list[tuple[list, object]]:
    """Return the chapters grouped by their review (same reviewer and dates), in book order."""
    groups: dict[tuple, list] = {}
    for chapter in chapters:
        if chapter.review is not None:
            review = chapter.review
            groups.setdefault((review.by, review.on, review.next), []).append(chapter)
    return [(members, members[0].review) for members in groups.values()]


def block_kind(block: Block) -> str:
    """Return the template's name for a kind of block."""
    return _KINDS[type(block)]


@pass_context
def _inline(context, nodes: Inlines) -> Markup:
    return inline_html(nodes, context["linker"])
