"""The Jinja2 environment every output is rendered with: sandboxed, strict, escaping, translated.

Every template runs in the sandbox (sandbox.py): a book's own layouts/ may override any
template, and must not run code or read files. An unknown name in a template fails the
build instead of printing an empty string into a clinic's handbook (MkDocs issue #3545
still asks for this), and everything a chapter says is escaped. Templates are searched in
the book's layouts/ first, then the default theme, and never outside them (a link out of
the book finds nothing). A mistake in a template is a `path:line` problem like any other.
Labels go through gettext (`_()` in templates), so each language gets its own words.

Compiling the templates (Jinja's parser and code generator) takes about 60 ms, most of a
warm e-book's own work, so the Python source Jinja generates for each is kept in the
`templates` store, signed like every entry (incremental/store.py): only what this user's own
builds generated is ever compiled, and a planted entry is deleted unread. Jinja's own
bytecode cache is not used: it unpickles whatever lies in its folder. Within one process each
template is compiled once (COMPILED), for every edition and language that uses it.
"""
from __future__ import annotations

import datetime
import gettext
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, NoReturn

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
    pass_context,
)
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup

from ..analyse.words import part_ids
from ..errors import HandbookError, Location, Problem
from ..i18n.runtime import language_name
from ..load.safeopen import read_within
from ..model import (
    Approval,
    Block,
    Book,
    Callout,
    Chapter,
    ClinicBlock,
    Definitions,
    Figure,
    Inlines,
    ListBlock,
    Notes,
    Paragraph,
    Questions,
    Review,
    Table,
)
from ..theme import Theme
from .bidi import direction
from .inline import inline_html
from .sandbox import Sandbox, limited_range

if TYPE_CHECKING:
    from ..incremental.store import Store

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


def environment(theme: Theme, language: str = "en", translations: Any = None,
                long_date: Callable[[datetime.date], str] | None = None, cache: Path | None = None,
                fresh: bool = False) -> Environment:
    """Return the sandboxed environment for a theme in a language, with its translations (or
    none: the labels as written) and the way its dates are written in full; with a cache
    folder, each template's generated code is kept there for the next build."""
    env = _Environment(
        loader=ThemeLoader(theme),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by the jinja2.ext.i18n extension
        translations or gettext.NullTranslations(), newstyle=True)
    env.filters["inline"] = _inline
    env.filters["longdate"] = long_date or (lambda date: _long_date(date, language))
    env.globals["range"] = limited_range
    env.globals["direction"] = direction
    env.globals["language_name"] = lambda code: language_name(code, language)
    env.globals["kind"] = block_kind
    env.globals["review_groups"] = review_groups
    env.globals["approval_groups"] = approval_groups
    env.globals["parts_without_clinician"] = parts_without_clinician
    if cache is not None:
        from ..incremental.store import Store

        env.generated = Store(cache, "templates", 1, limit=256, suffix=".py", fresh=fresh)
    return env


def _long_date(date: datetime.date, language: str) -> str:
    from ..i18n.runtime import long_date

    return long_date(date, language)


class ThemeLoader(BaseLoader):
    """Load templates through Theme.find: the book's own first, then the default theme's."""

    def __init__(self, theme: Theme):
        self.theme = theme

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.theme.find("/".join(split_template_path(template)))  # refuses "..", as Jinja's own loader
        if path is None:
            raise TemplateNotFound(template)
        mtime = path.stat().st_mtime
        try:
            source = read_within(path, TEMPLATE_LIMIT).decode("utf-8")
        except UnicodeDecodeError as error:
            raise HandbookError([Problem(Location(path, 0), f"is not a text file in UTF-8 (byte {error.start} "
                                         "cannot be read); save it as UTF-8 text")]) from None
        except OSError:
            raise HandbookError([Problem(Location(path, 0), f"is not a template file of at most "
                                         f"{TEMPLATE_LIMIT // 1_000_000} MB")]) from None
        return source, str(path), lambda: _mtime(path) == mtime


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


COMPILED: dict[tuple[str | None, str | None, str], CodeType] = {}
"""Each template's code compiled in this process, by its name, file and very source: a build
of several editions, or a test session, compiles each template once. Every environment has
the one configuration environment() gives it, so the same source compiles to the same code."""


class _Environment(Sandbox):
    """A sandboxed environment whose template mistakes are the user's problems, at the template's line."""

    generated: Store | None = None
    """The store of the code Jinja generates for each template, if it is kept (see the module's docstring)."""

    # jinja2 declares compile() overloaded on `raw`; one signature with the union is what it does.
    def compile(self, source: str | nodes.Template, name: str | None = None,  # type: ignore[override]
                filename: str | None = None, raw: bool = False, defer_init: bool = False) -> str | CodeType:
        """Compile a template, taking the code generated for the very same source from the store."""
        if raw:
            return super().compile(source, name, filename, raw=True, defer_init=defer_init)
        if defer_init or not isinstance(source, str):
            return super().compile(source, name, filename, defer_init=defer_init)
        compiled = COMPILED.get((name, filename, source))
        if compiled is not None:
            return compiled
        if self.generated is None:
            compiled = super().compile(source, name, filename)
        else:
            from ..incremental.keys import key

            entry = key("template", name or "", filename or "", source)
            kept = self.generated.get(entry)
            if kept is not None:
                code = kept.data.decode("utf-8")
            else:
                code = super().compile(source, name, filename, raw=True)
                self.generated.put(entry, code.encode("utf-8"))
            compiled = compile(code, filename or "<template>", "exec")
        if len(COMPILED) >= 512:
            COMPILED.clear()
        COMPILED[(name, filename, source)] = compiled
        return compiled

    def handle_exception(self, source: str | None = None) -> NoReturn:
        try:
            super().handle_exception(source)  # re-raises the error, its traceback pointing into the templates
        except TemplateError as error:
            raise HandbookError([Problem(_template_location(error), _template_message(error))]) from None
        except RecursionError as error:
            raise HandbookError([Problem(_template_location(error), "a template includes, extends or calls "
                                         "itself without end")]) from None


TEMPLATE_LIMIT = 5_000_000
"""The largest template file read, in bytes."""


def _template_location(error: BaseException) -> Location:
    """Return the template line an error happened at: the innermost template in its traceback."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return Location(Path(error.filename), error.lineno or 0)
    frame, found = error.__traceback__, None
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.endswith(".j2"):
            found = Location(Path(frame.tb_frame.f_code.co_filename), frame.tb_lineno)
        frame = frame.tb_next
    return found or Location(Path("layouts"), 0)


def _template_message(error: TemplateError) -> str:
    if isinstance(error, SecurityError):
        return f"the template is stopped by the sandbox: {error.message}"
    if isinstance(error, TemplateNotFound):
        return (f"no template {error.name!r} in the book's layouts/ or the default theme "
                "(a name may not lead out of them)")
    return f"template error: {error.message or type(error).__name__}"


def review_groups(chapters: Iterable[Chapter]) -> list[tuple[list[Chapter], Review]]:
    """Return the chapters grouped by their review (same reviewer and dates), in book order."""
    groups: dict[tuple[str, datetime.date, datetime.date], tuple[list[Chapter], Review]] = {}
    for chapter in chapters:
        review = chapter.review
        if review is not None:
            groups.setdefault((review.by, review.on, review.next), ([], review))[0].append(chapter)
    return list(groups.values())


@dataclass(frozen=True)
class ApprovalGroup:
    """Parts of the book that have the same current approvals, for the colophon."""

    parts: tuple[str, ...]
    """Chapter ids, and `_book`, `_sources`, `_clinic`, in the book's order."""
    approvals: tuple[Approval, ...]
    """The approvals (model.Approval) of the first part; the others' are the same people, roles and dates."""
    whole: bool
    """The group is every part of the book."""


def approval_groups(book: Book) -> list[ApprovalGroup]:
    """Return the parts of a book grouped by their current approvals (same roles, people and dates), in order."""
    groups: dict[tuple[tuple[str, str, datetime.date], ...], list[str]] = {}
    found: dict[str, list[Approval]] = {part: [] for part in part_ids(book)}
    for approval in book.approvals:
        found.setdefault(approval.part, []).append(approval)
    for part, approvals in found.items():
        groups.setdefault(tuple((a.role, a.by, a.on) for a in approvals), []).append(part)
    return [ApprovalGroup(tuple(parts), tuple(found[parts[0]]), len(groups) == 1) for parts in groups.values()]


def parts_without_clinician(book: Book) -> tuple[list[str], bool]:
    """Return the parts of a book no clinician (a role the policy marks clinical) has approved,
    and whether that is every part."""
    clinical = {role.id for role in book.settings.roles if role.clinical}
    approved = {approval.part for approval in book.approvals if approval.role in clinical}
    parts = part_ids(book)
    missing = [part for part in parts if part not in approved]
    return missing, len(missing) == len(parts)


def block_kind(block: Block) -> str:
    """Return the template's name for a kind of block."""
    return _KINDS[type(block)]


@pass_context
def _inline(context: JinjaContext, nodes: Inlines) -> Markup:
    rtl = direction(context["book"].language) == "rtl"
    return inline_html(nodes, context["linker"], context["output"] if rtl else None)
