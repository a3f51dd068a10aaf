"""Parse inline text (a small part of CommonMark plus `[@source]` citations) into the model.

markdown-it-py does the parsing; only the rules the handbook documents are switched on,
so raw HTML, images and headings in a chapter stay plain text.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ..errors import Location, Problems
from ..model import Citation, CiteRef, Emphasis, Inline, Inlines, Link, Strong, Text, is_id
from ..render import anchors

ALLOWED_SCHEMES = ("https", "mailto", "tel", "sms")
"""Link schemes a patient handbook may use (`tel:` and `sms:` make a crisis line one tap
away on a phone); `http:` and `javascript:` are refused."""
MAX_NESTING = 10
"""Emphasis inside emphasis inside a link...: more than a reader can follow, and the
loader (and WeasyPrint after it) would run out of stack long before a thousand."""


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Parse `[@id]` or `[@one; @two]` into a `citation` token."""
    if not state.src.startswith("[@", state.pos):
        return False
    end = state.src.find("]", state.pos)
    if end < 0:
        return False
    ids = [part.strip() for part in state.src[state.pos + 1 : end].split(";")]
    if not all(part.startswith("@") and is_id(part[1:]) for part in ids):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"ids": [part[1:] for part in ids]}
    state.pos = end + 1
    return True


def _parser() -> MarkdownIt:
    # The typographer turns "quotes" and it's into “quotes” and it’s, as a printer would.
    md = MarkdownIt("zero", {"typographer": True}).enable(
        ["emphasis", "link", "escape", "entity", "newline", "smartquotes"]
    )
    md.inline.ruler.before("link", "citation", _citation_rule)
    # markdown-it quietly leaves [x](file:///...) and [x](javascript:...) as typed text; let
    # every link through to _check_href instead, which names the line and says what to use.
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it's way to allow every link
    return md


_MD = _parser()
_PLAIN = MarkdownIt("zero", {"typographer": True}).enable(["smartquotes"])


def typeset(text: str) -> str:
    """Return plain text (a title, a label) with printer's quotes: "a" 'b' it's -> “a” ‘b’ it’s."""
    tokens = _PLAIN.parseInline(text)[0].children or []
    return "".join(token.content for token in tokens)


class InlineParser:
    """Turn the text of one file into inline nodes, naming its citation markers.

    A marker is named after the block it is in and the source it cites (render/anchors.py),
    so its id stays the same when text is added elsewhere in the chapter.
    """

    def __init__(self, problems: Problems):
        self._problems = problems
        self._block = ""
        self._cited: dict[str, int] = {}

    def within(self, block_anchor: str) -> None:
        """Name the citation markers of the texts parsed next after the block they are in."""
        self._block = block_anchor
        self._cited = {}

    def parse(self, text: str, location: Location) -> Inlines:
        """Return the inline nodes of a piece of text."""
        tokens = _MD.parseInline(text)[0].children or []
        depth = deepest = 0
        for token in tokens:
            depth += token.nesting
            deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            self._problems.add(location, f"the text nests emphasis and links {deepest} deep; "
                               f"at most {MAX_NESTING} is allowed")
            return ()
        nodes, _ = self._nodes(tokens, 0, None, location)
        if not nodes:
            self._problems.add(location, "the text is empty")
        return nodes

    def _next_anchor(self, source_id: str) -> str:
        self._cited[source_id] = self._cited.get(source_id, 0) + 1
        return anchors.citation(self._block, source_id, self._cited[source_id])

    def _nodes(
        self, tokens: list[Token], start: int, closing: str | None, location: Location
    ) -> tuple[Inlines, int]:
        """Build nodes from tokens[start:] up to the token of type `closing`."""
        nodes: list[Inline] = []
        i = start
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == closing:
                return tuple(nodes), i
            if kind in ("em_open", "strong_open", "link_open"):
                children, i = self._nodes(tokens, i + 1, kind.replace("_open", "_close"), location)
                if kind == "em_open":
                    nodes.append(Emphasis(children))
                elif kind == "strong_open":
                    nodes.append(Strong(children))
                else:
                    href = str(token.attrs.get("href", ""))
                    self._check_href(href, location)
                    nodes.append(Link(href, children))
            elif kind == "citation":
                refs = tuple(CiteRef(source_id, self._next_anchor(source_id)) for source_id in token.meta["ids"])
                nodes.append(Citation(refs))
            elif kind in ("softbreak", "hardbreak"):
                _append_text(nodes, " ")
            elif kind == "text":
                if "[@" in token.content:
                    self._problems.add(
                        location,
                        "a citation must look like [@source-id] or [@one; @two], "
                        f"with lowercase ids: {token.content.strip()!r}",
                    )
                _append_text(nodes, token.content)
            else:  # a rule we switched on produced something new: keep its words
                _append_text(nodes, token.content)
            i += 1
        return tuple(nodes), i

    def _check_href(self, href: str, location: Location) -> None:
        if href.startswith("#"):
            if not is_id(href[1:]):
                self._problems.add(location, f"the link {href!r} must name a chapter or section id")
            return
        scheme = urlsplit(href).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            self._problems.add(
                location,
                f"the link {href!r} is not allowed; use https:, mailto:, tel:, sms: or #chapter-id",
            )


def _append_text(nodes: list[Inline], text: str) -> None:
    """Add text, merging it with a text node just before it."""
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text + text)
    else:
        nodes.append(Text(text))
