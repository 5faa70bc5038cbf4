"""YAML text to a node tree: PyYAML's *compose* step only (the C parser when present).

Nodes carry their positions, and the modules beside this one turn them into cards
themselves, so no YAML tag can construct a Python object, duplicate keys are caught
instead of silently dropped, and aliases are walked under a fixed budget
(:func:`alias_bomb`) before anything is built from them.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

from quiz.errors import DeckError, Problem

YAML_PREFIX = "tag:yaml.org,2002:"

STR = "tag:yaml.org,2002:str"
SAFE_TAGS = {
    STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


def yaml_module() -> tuple[Any, Any]:
    """PyYAML and its safe loader (the C one when present)."""
    # Deferred: a warm start reads the compiled cache and never imports PyYAML (15-30 ms).
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return yaml, loader


@dataclass
class Field:
    """A mapping value with the position of its key (for 'missing' and 'wrong type')."""

    key: str
    node: Any
    line: int
    col: int


def pos(node_or_pos: Any) -> tuple[int, int]:
    """The 1-based line and column of a node, a field's key or a (line, col) pair."""
    if isinstance(node_or_pos, tuple):
        return node_or_pos
    if isinstance(node_or_pos, Field):
        return node_or_pos.line, node_or_pos.col
    mark = node_or_pos.start_mark
    return mark.line + 1, mark.column + 1


def blank(node: Any) -> bool:
    """A value left empty (``key:`` with nothing after it); ``~`` and ``null`` are text."""
    return is_scalar(node) and node.tag == "tag:yaml.org,2002:null" and not str(node.value).strip()


def is_scalar(node: Any) -> bool:
    """Whether ``node`` is a scalar (compared by class name: PyYAML is not imported to ask)."""
    return type(node).__name__ == "ScalarNode"


def is_seq(node: Any) -> bool:
    """Whether ``node`` is a sequence."""
    return type(node).__name__ == "SequenceNode"


def is_map(node: Any) -> bool:
    """Whether ``node`` is a mapping."""
    return type(node).__name__ == "MappingNode"


def kind_of(node: Any) -> str:
    """What a node holds, as a message says it was found: a mapping, a list, nothing, or its text."""
    if is_map(node):
        return "a mapping"
    if is_seq(node):
        return "a list"
    if blank(node):
        return "nothing"
    return f"'{clip(str(node.value))}'"


def clip(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def compose(text: str, path: str) -> Any:
    """The YAML node tree, or a :class:`DeckError` at the syntax error's position."""
    yaml, loader = yaml_module()
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = str(err.problem or err.context or "unreadable YAML")
        if "maximum nesting depth" in problem:
            raise DeckError(
                [
                    Problem(
                        path, line, col, "the YAML is nested too deeply", "a deck is at most six levels deep"
                    )
                ]
            ) from None
        hint = _syntax_hint(text, line, problem)
        cm = err.context_mark
        if "tab" in hint:
            pass
        elif err.context and cm is not None and (cm.line, cm.column) != (line - 1, col - 1):
            hint = f"{err.context} at line {cm.line + 1}, column {cm.column + 1}; {hint}"
        raise DeckError([Problem(path, line, col, f"YAML syntax: {problem}", hint)]) from None
    except yaml.YAMLError as err:  # ReaderError: control characters
        position = getattr(err, "position", 0) or 0
        before = text[:position]
        line = before.count("\n") + 1
        col = position - (before.rfind("\n") + 1) + 1
        reason = getattr(err, "reason", "unreadable text")
        raise DeckError(
            [Problem(path, line, col, f"YAML cannot read the text: {reason}", "remove control characters")]
        ) from None
    except RecursionError:
        raise DeckError(
            [Problem(path, 1, 1, "the YAML is nested too deeply", "a deck is at most six levels deep")]
        ) from None


def _syntax_hint(text: str, line: int, problem: str) -> str:
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in current[: len(current) - len(current.lstrip())] or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values" in problem:
        key = re.match(r"^(\s*)(?:-\s+)?[A-Za-z_][\w-]*:(\s|$)", current)
        previous = next((ln for ln in reversed(lines[: line - 1]) if ln.strip()), "")
        indent = len(previous) - len(previous.lstrip())
        if key and len(key.group(1)) > indent:
            return "this key is indented more than the line above: line it up with the keys of its card"
        return "a value containing ': ' must be quoted"
    if "found character '`'" in problem or "cannot start any token" in problem:
        return "quote values that start with a special character"
    return "check indentation and quoting near this line"


BOMB = (
    "anchors and aliases here expand to far more data than the file holds",
    "this looks like an alias bomb; write the values out instead",
)


def alias_bomb(root: Any, budget: int) -> tuple[Any | None, dict[int, int]]:
    """The first node whose value, with aliases expanded, exceeds ``budget`` nodes (or refers to
    itself), or None; and the text each node stands for with aliases expanded (characters, by
    ``id``; complete when there is no bomb), for :func:`alias_text_over`.

    Composed YAML shares one node per anchor, so sizes are summed over the graph
    once per node (iteratively: nesting may be deep); nothing is expanded.
    """
    size: dict[int, int] = {}
    chars: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            total = 1 + sum(size[id(c)] for c in children)
            size[key] = total
            chars[key] = sum(chars[id(c)] for c in children) if children else len(str(node.value))
            if total > budget:
                return node, chars
            continue
        if key in size:
            continue
        if key in on_path:
            return node, chars
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return child, chars
            if id(child) not in size:
                stack.append((child, False))
    return None, chars


def alias_text_over(root: Any, text: str, limit: int, chars: dict[int, int]) -> tuple[int, int] | None:
    """The line and column of the alias at which the deck's text, with aliases expanded, passes
    ``limit`` characters; None when it stays within. ``chars``: what :func:`alias_bomb` counted.

    One 1 MB text aliased 3,000 times is a 1 MB file that stands for 3 GB: every command
    that reads the cards would copy, fold or grade gigabytes. The walk counts, it never copies.
    """
    if chars.get(id(root), 0) <= limit:
        return None
    seen: set[int] = set()
    total = 0
    stack: list[tuple[Any, int]] = [(root, -1)]  # (node, where the text before it ends)
    while stack:
        node, after = stack.pop()
        key = id(node)
        if key in seen:  # a second appearance: an alias, standing for the whole node again
            total += chars[key]
            if total > limit:
                return _alias_at(text, after, node)
            continue
        seen.add(key)
        children = _children(node)
        if not children:
            total += chars[key]
            continue
        ends = [node.start_mark.index] + [c.end_mark.index for c in children[:-1]]
        stack.extend(reversed(list(zip(children, ends, strict=True))))
    return None


def _alias_at(text: str, after: int, node: Any) -> tuple[int, int]:
    """Where the alias ``*name`` after offset ``after`` is written (the anchor's node if not found)."""
    found = re.compile(r"\*[^\s,\[\]{}]+").search(text, max(after, 0))
    if found is None:
        return pos(node)
    at = found.start()
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _children(node: Any) -> list[Any]:
    if is_seq(node):
        return list(node.value)
    if is_map(node):
        return [n for pair in node.value for n in pair]
    return []


_ANCHOR = re.compile(r"[\s\[\{,:]&[^\s\]\},]")


def has_anchor(text: str) -> bool:
    """Whether ``&`` appears anywhere as it would to start an anchor (a quick over-estimate)."""
    at = text.find("&")
    while at != -1:
        if _ANCHOR.match(text, at - 1 if at else 0) or at == 0:
            return True
        at = text.find("&", at + 1)
    return False


_LOADER: list[Any] = []


def fast_loader() -> Any:
    """PyYAML's C loader with its tag resolver made cheaper (the same tags, fewer Python calls).

    A plain scalar's tag depends only on its text (the safe loader has no path
    resolvers), so it is remembered per text; a quoted one is always a string, and so is a
    plain one whose first character starts none of the implicit resolvers' patterns (most
    prompts, answers and explanations: "General ...", "Paris"), without a regex or a cache entry.
    """
    if _LOADER:
        return _LOADER[0]
    import yaml  # deferred, as in yaml_module
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if (
        getattr(yaml, "CSafeLoader", None) is None
        or yaml.SafeLoader.yaml_path_resolvers
        or None in yaml.SafeLoader.yaml_implicit_resolvers  # a resolver tried on every text
    ):
        _LOADER.append(None)
        return None
    base: Any = yaml.CSafeLoader
    STR, MAP, SEQ = map(str, (base.DEFAULT_SCALAR_TAG, base.DEFAULT_MAPPING_TAG, base.DEFAULT_SEQUENCE_TAG))
    # The implicit resolvers by the first character of the texts they may match ('' for the empty
    # text): a plain text starting with any other character is a string without trying one.
    first_chars = base.yaml_implicit_resolvers

    class FastLoader(base):  # type: ignore[misc]
        def __init__(self, stream: str, tags: dict[str, str] | None = None) -> None:
            super().__init__(stream)
            # Shared by the loaders of one chunk's pieces when given: the same texts come back.
            self._tags: dict[str, str] = {} if tags is None else tags

        # Path resolvers are off, so the composer's calls around every node need do nothing.
        # Builtins as class attributes are not bound as methods: ``operator.is_(node, index)``
        # and ``tuple()`` are calls into C, without a Python frame for each of a million nodes.
        descend_resolver = operator.is_
        ascend_resolver = tuple

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                if not implicit[0] or value[:1] not in first_chars:
                    return STR  # quoted, or a text no implicit resolver could match
                tag = self._tags.get(value)
                if tag is None:
                    tag = self._tags[value] = base.resolve(self, kind, value, implicit)
                return tag
            # What the base resolver answers for a collection when no path resolvers are set.
            if kind is MappingNode:
                return MAP
            if kind is SequenceNode:
                return SEQ
            return str(base.resolve(self, kind, value, implicit))

    _LOADER.append(FastLoader)
    return FastLoader
