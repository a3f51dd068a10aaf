"""Read YAML into nodes that remember their line, refusing what a handbook never needs.

The loader works on PyYAML's composed node tree rather than plain Python values, so that
every message can name the line of the value that is wrong.
"""
from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problems

# A source file larger than this is not a handbook chapter; refuse it before parsing.
MAX_FILE_BYTES = 2_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses anchors and aliases.

    Aliases let a small file expand into a huge tree ("billion laughs"); a handbook
    has no use for them.
    """

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in handbook files", event.start_mark
            )
        return super().compose_node(parent, index)


def compose(path: Path, problems: Problems) -> Node | None:
    """Return the YAML node tree of a file, or None after recording why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.add(Location(path, 0), f"cannot read the file: {error.strerror}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(Location(path, 0), f"the file is larger than {MAX_FILE_BYTES} bytes")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(Location(path, line), "the file is not UTF-8 text")
        return None
    try:
        node = yaml.compose(text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # An error found at the end of the stream is reported on the file's last line.
        line = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark else 0
        what = error.problem or error.context or "invalid YAML"
        problems.add(Location(path, line), f"invalid YAML: {what}")
        return None
    except yaml.YAMLError as error:  # errors without a position
        problems.add(Location(path, 0), f"invalid YAML: {error}")
        return None
    except RecursionError:  # thousands of nested brackets: hostile, or a runaway generator
        problems.add(Location(path, 0), "invalid YAML: the file nests lists or mappings too deeply")
        return None
    if node is None:
        problems.add(Location(path, 1), "the file is empty")
    return node


def where(path: Path, node: Node) -> Location:
    """Return the location of a node."""
    return Location(path, node.start_mark.line + 1)


def is_null(node: Node) -> bool:
    """Tell whether a node is YAML's null (`null`, `~` or nothing)."""
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


class Fields:
    """Check the keys of a mapping against what a kind of entry allows."""

    def __init__(self, path: Path, problems: Problems):
        self.path = path
        self.problems = problems

    def of(
        self, node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        """Return the mapping's values by key, or None if it is not a mapping.

        Unknown, duplicate and missing keys are recorded as problems; the values that
        are there are still returned, so that later checks can report more at once.
        """
        found = self.entries(node, what, allowed=required + optional)
        if found is None:
            return None
        for key in required:
            if key not in found:
                self.problems.add(where(self.path, node), f"{what} is missing the key '{key}'")
        return found

    def entries(self, node: Node, what: str, allowed: tuple[str, ...] | None = None) -> dict[str, Node] | None:
        """Return a mapping's values by key; any key is allowed unless `allowed` is given."""
        if not isinstance(node, MappingNode):
            self.problems.add(where(self.path, node), f"{what} must be a mapping of keys to values")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key is None:
                self.problems.add(where(self.path, key_node), f"{what} has a key that is not text")
                continue
            if key in found:
                self.problems.add(where(self.path, key_node), f"{what} has the key '{key}' twice")
                continue
            if allowed is not None and key not in allowed:
                self.problems.add(where(self.path, key_node), unknown_key(key, what, allowed))
                continue
            found[key] = value_node
        return found

    def text(self, node: Node, what: str, *, optional: bool = False) -> str | None:
        """Return a scalar's text as written, or None (recording a problem unless optional)."""
        if is_null(node):
            if not optional:
                self.problems.add(where(self.path, node), f"{what} must not be empty")
            return None
        if not isinstance(node, ScalarNode):
            self.problems.add(where(self.path, node), f"{what} must be text, not a list or mapping")
            return None
        value = node.value.strip()
        control = next((c for c in value if ord(c) < 32 and c not in "\t\n\r" or 0x7F <= ord(c) < 0xA0), None)
        if control is not None:
            # Escapes such as "\x0b" make characters that XML, and so the e-book, cannot hold.
            self.problems.add(where(self.path, node), f"{what} contains the control character U+{ord(control):04X}")
            return None
        if not value and not optional:
            self.problems.add(where(self.path, node), f"{what} must not be empty")
            return None
        return value

    def sequence(self, node: Node, what: str, *, allow_empty: bool = False) -> list[Node]:
        """Return a sequence's items, recording a problem if it is not a non-empty list."""
        if not isinstance(node, SequenceNode):
            self.problems.add(where(self.path, node), f"{what} must be a list")
            return []
        if not node.value and not allow_empty:
            self.problems.add(where(self.path, node), f"{what} must not be an empty list")
        return list(node.value)

    def flag(self, node: Node, what: str) -> bool:
        """Return a boolean scalar (true or false)."""
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("true", "yes", "on")
        self.problems.add(where(self.path, node), f"{what} must be true or false")
        return False


def unknown_key(key: str, what: str, allowed: tuple[str, ...]) -> str:
    """Return the message for a key that is not allowed, suggesting the closest one."""
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
    return f"{what} has an unknown key '{key}'{hint}"
