"""YAML deck files → :class:`Deck`, reporting every problem at ``file:line:col``.

Parsing is PyYAML's *compose* step only (the C parser when present): nodes carry
their positions, and this module turns them into cards itself, so no YAML tag
can construct a Python object, duplicate keys are caught instead of silently
dropped, and aliases are walked under a fixed budget.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quiz.errors import DeckError, Problem
from quiz.model import CARD_CLASSES, POLICY_CHOICES, Card, CardType, Deck, Example, PartialDate, Policy
from quiz.model.cloze import gaps

DECK_SUFFIXES = (".yaml", ".yml")
MAX_PROBLEMS = 200
#: The largest deck file read: 100,000 hand-written cards (about 600 bytes each) fit.
MAX_BYTES = 64 * 1024 * 1024
#: Values the YAML may expand to per byte of text before aliases count as a bomb.
ALIAS_BUDGET_PER_BYTE = 4
MIN_ALIAS_BUDGET = 10_000
YAML_PREFIX = "tag:yaml.org,2002:"
DECK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

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

TOP_KEYS = ("deck", "cards")
DECK_KEYS = ("id", "title", "description", "source", "tags", "grading", "steps")
STEPS_RE = re.compile(r"^\s*[1-9]\d*[smhd](?:[\s,]+[1-9]\d*[smhd])*\s*$")
COMMON_KEYS = ("id", "type", "explain", "tags", "examples", "grading")
TYPE_KEYS: dict[CardType, tuple[str, ...]] = {
    CardType.SHORT: ("prompt", "answer", "accept"),
    CardType.CHOICE: ("prompt", "choices", "answer", "shuffle"),
    CardType.MULTI: ("prompt", "choices", "answer", "shuffle"),
    CardType.BOOL: ("prompt", "answer"),
    CardType.NUMBER: ("prompt", "answer", "tolerance", "unit"),
    CardType.DATE: ("prompt", "answer"),
    CardType.CLOZE: ("text", "accept"),
    CardType.ORDER: ("prompt", "items"),
    CardType.CARD: ("front", "back"),
}
REQUIRED: dict[CardType, tuple[str, ...]] = {
    CardType.SHORT: ("prompt", "answer"),
    CardType.CHOICE: ("prompt", "choices", "answer"),
    CardType.MULTI: ("prompt", "choices", "answer"),
    CardType.BOOL: ("prompt", "answer"),
    CardType.NUMBER: ("prompt", "answer"),
    CardType.DATE: ("prompt", "answer"),
    CardType.CLOZE: ("text",),
    CardType.ORDER: ("prompt", "items"),
    CardType.CARD: ("front", "back"),
}
ALL_CARD_KEYS = sorted({k for keys in TYPE_KEYS.values() for k in keys} | set(COMMON_KEYS))
# Looked up once per key of every card: sets, and card types by name without Enum's call.
_CARD_KEY_SET = frozenset(ALL_CARD_KEYS)
_TYPE_KEY_SETS = {kind: frozenset(keys + COMMON_KEYS) for kind, keys in TYPE_KEYS.items()}
_REQUIRED_SETS = {kind: frozenset(keys) for kind, keys in REQUIRED.items()}
_TYPES_BY_NAME = {kind.value: kind for kind in CardType}
#: A line whose first character that is not a space is neither a comment's ``#`` nor a line
#: break: proof that a file holds more than comments without splitting all of its lines.
_CONTENT_LINE = re.compile(r"^[^\S\n]*[^\s#]", re.MULTILINE)
_CONTROL = re.compile("[\x00-\x1f]")


def _yaml() -> tuple[Any, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return yaml, loader


@dataclass
class _Field:
    """A mapping value with the position of its key (for 'missing' and 'wrong type')."""

    key: str
    node: Any
    line: int
    col: int


class _Reader:
    """Walks composed YAML nodes, converting them and collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        #: Card id → the line it was first used at, and how many cards came before: kept on the
        #: reader so that a deck read a run of cards at a time numbers and compares them as one.
        self.seen_ids: dict[str, int] = {}
        self.cards_before = 0
        self.problems: list[Problem] = []
        self.merged: set[int] = set()

    # -- reporting --------------------------------------------------------------
    def error(self, node_or_pos: Any, message: str, hint: str = "") -> None:
        line, col = _pos(node_or_pos)
        self.problems.append(Problem(self.path, line, col, message, hint))

    # -- structure --------------------------------------------------------------
    def mapping(
        self,
        node: Any,
        what: str,
        allowed: Collection[str],
        unknown: Callable[[str], tuple[str, str]] | None = None,
    ) -> dict[str, _Field] | None:
        """A mapping's fields by key; unknown, duplicate and non-string keys are errors."""
        if not _is_map(node):
            self.error(node, f"{what} must be a mapping of keys to values", f"found {_kind(node)}")
            return None
        if not self.check_tag(node, what):
            return None
        out: dict[str, _Field] = {}
        for key_node, value_node in node.value:
            if not _is_scalar(key_node):
                self.error(key_node, f"{what}: a key must be plain text", f"found {_kind(key_node)}")
                continue
            key = str(key_node.value)
            mark = key_node.start_mark
            if key == "<<":
                self.merged.add(id(node))
                self.error(
                    key_node,
                    f"{what}: merge keys ('<<') are not supported",
                    "write the keys out; an alias of a whole value, such as choices: *cities, still works",
                )
                continue
            if key in out:
                first = out[key]
                self.error(
                    key_node,
                    f"{what}: duplicate key '{key}', first at line {first.line}",
                    "YAML would silently keep only the last one; remove or rename one",
                )
                continue
            if key not in allowed:
                if unknown is not None:
                    self.error(key_node, *unknown(key))
                else:
                    self.error(key_node, f"{what}: unknown key '{key}'", _did_you_mean(key, allowed))
                continue
            out[key] = _Field(key, value_node, mark.line + 1, mark.column + 1)
        return out

    def check_tag(self, node: Any, what: str) -> bool:
        """False (and an error) for a node with a tag beyond plain YAML data."""
        if node.tag in SAFE_TAGS:
            return True
        tag = str(node.tag)
        shown = "!!" + tag[len(YAML_PREFIX) :] if tag.startswith(YAML_PREFIX) else tag
        self.error(
            node,
            f"{what}: the YAML tag '{_clip(shown)}' is not allowed",
            "decks are plain data: remove the tag",
        )
        return False

    def text(self, f: _Field, what: str, *, allow_empty: bool = False) -> str | None:
        """A scalar taken as the literal text written (``no`` stays ``no``, ``1e3`` stays ``1e3``)."""
        if not self.check_tag(f.node, what):
            return None
        if not _is_scalar(f.node):
            self.error(f.node, f"{what}: '{f.key}' must be text", f"found {_kind(f.node)}")
            return None
        value = str(f.node.value)
        if not value.strip() and not allow_empty:
            self.error(f.node, f"{what}: '{f.key}' is empty", f"write the {f.key}")
            return None
        return value

    def text_list(
        self, f: _Field, what: str, *, min_items: int = 0, single: bool = True
    ) -> list[tuple[str, Any]] | None:
        """A list of texts with each item's node; with ``single``, one text is a one-item list."""
        if not self.check_tag(f.node, what):
            return None
        if _is_scalar(f.node) and not single and not _blank(f.node):
            self.error(
                f.node,
                f"{what}: '{f.key}' must be a list of texts",
                f"found {_kind(f.node)}; write [first, second] or one '- ' line per item",
            )
            return None
        if _is_scalar(f.node):
            if _blank(f.node):
                items: list[Any] = []
            else:
                items = [f.node]
        elif _is_seq(f.node):
            items = list(f.node.value)
        else:
            self.error(f.node, f"{what}: '{f.key}' must be a list of texts", f"found {_kind(f.node)}")
            return None
        out: list[tuple[str, Any]] = []
        ok = True
        for item in items:
            if not self.check_tag(item, what):
                ok = False
                continue
            if not _is_scalar(item) or _blank(item):
                self.error(item, f"{what}: each item of '{f.key}' must be text", f"found {_kind(item)}")
                ok = False
                continue
            out.append((str(item.value), item))
        if not ok:
            return None
        if len(out) < min_items:
            self.error(
                f.node,
                f"{what}: '{f.key}' needs at least {min_items} items",
                f"it has {len(out)}",
            )
            return None
        return out

    def boolean(self, f: _Field, what: str) -> bool | None:
        """A YAML 1.1 boolean (true/false, yes/no, on/off)."""
        if not self.check_tag(f.node, what):
            return None
        if _is_scalar(f.node):
            word = str(f.node.value).strip().lower()
            if word in ("true", "yes", "on", "t", "y"):
                return True
            if word in ("false", "no", "off", "f", "n"):
                return False
        self.error(f.node, f"{what}: '{f.key}' must be true or false", f"found {_show(f.node)}")
        return None

    def number(self, f: _Field, what: str) -> float | None:
        """A number as :func:`parse_key_number` reads it."""
        if not self.check_tag(f.node, what):
            return None
        if _is_scalar(f.node):
            value = parse_key_number(str(f.node.value))
            if value is not None:
                return value
        self.error(
            f.node,
            f"{what}: '{f.key}' is not a number",
            f"found {_show(f.node)}; write e.g. 1200 or 1.5",
        )
        return None


# -- helpers -----------------------------------------------------------------------
def _pos(node_or_pos: Any) -> tuple[int, int]:
    if isinstance(node_or_pos, tuple):
        return node_or_pos
    if isinstance(node_or_pos, _Field):
        return node_or_pos.line, node_or_pos.col
    mark = node_or_pos.start_mark
    return mark.line + 1, mark.column + 1


def _blank(node: Any) -> bool:
    """A value left empty (``key:`` with nothing after it); ``~`` and ``null`` are text."""
    return _is_scalar(node) and node.tag == "tag:yaml.org,2002:null" and not str(node.value).strip()


def _is_scalar(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode"


def _is_seq(node: Any) -> bool:
    return type(node).__name__ == "SequenceNode"


def _is_map(node: Any) -> bool:
    return type(node).__name__ == "MappingNode"


def _kind(node: Any) -> str:
    if _is_map(node):
        return "a mapping"
    if _is_seq(node):
        return "a list"
    if _blank(node):
        return "nothing"
    return f"'{_clip(str(node.value))}'"


def _show(node: Any) -> str:
    return _kind(node)


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _did_you_mean(key: str, allowed: Collection[str]) -> str:
    allowed = list(allowed) if isinstance(allowed, (tuple, list)) else sorted(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed keys: " + ", ".join(allowed)


def parse_key_number(raw: str) -> float | None:
    """A number as an author writes it in a deck: ``1200``, ``1,200``, ``1_200``, ``1.2e3``."""
    text = raw.strip().replace("_", "")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value


ISO_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_key_date(raw: str) -> PartialDate | None:
    """A date key: ``2014``, ``2017-02`` or ``2019-12-18``; the precision is what is written."""
    m = ISO_DATE_RE.match(raw.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    import datetime

    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def content_id(kind: CardType, prompt: str) -> str:
    """The id of a card written without one: its type and a hash of its prompt."""
    digest = hashlib.sha256(f"{kind.value}\0{' '.join(prompt.split())}".encode()).hexdigest()
    return f"{kind.value}-{digest[:10]}"


# -- text ----------------------------------------------------------------------------
def decode(data: bytes, path: str) -> str:
    """The file's text, or a :class:`DeckError` saying why it is not a UTF-8 text file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DeckError(
            [Problem(path, 1, 1, "the file is UTF-16, not UTF-8", "save it as UTF-8 in your editor")]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        raise DeckError([Problem(path, 1, 1, "the file is binary, not a YAML deck", "check the path")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        raise DeckError(
            [
                Problem(
                    path,
                    line,
                    col,
                    f"the file is not UTF-8: byte 0x{data[err.start]:02x} cannot be decoded",
                    "save it as UTF-8 in your editor",
                )
            ]
        ) from None
    if not text.strip():
        raise DeckError([Problem(path, 1, 1, "the file is empty", "a deck needs 'deck:' and 'cards:'")])
    if not _CONTENT_LINE.search(text) and all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise DeckError(
            [Problem(path, 1, 1, "the file holds only comments", "a deck needs 'deck:' and 'cards:'")]
        )
    return text


def compose(text: str, path: str) -> Any:
    """The YAML node tree, or a :class:`DeckError` at the syntax error's position."""
    yaml, loader = _yaml()
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


_BOMB = (
    "anchors and aliases here expand to far more data than the file holds",
    "this looks like an alias bomb; write the values out instead",
)


def _alias_bomb(root: Any, budget: int) -> Any | None:
    """The first node whose value, with aliases expanded, exceeds ``budget`` nodes (or refers to itself).

    Composed YAML shares one node per anchor, so sizes are summed over the graph
    once per node (iteratively: nesting may be deep); nothing is expanded.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            size[key] = total
            if total > budget:
                return node
            continue
        if key in size:
            continue
        if key in on_path:
            return node
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return child
            if id(child) not in size:
                stack.append((child, False))
    return None


def _children(node: Any) -> list[Any]:
    if _is_seq(node):
        return list(node.value)
    if _is_map(node):
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



# -- the deck ------------------------------------------------------------------------
def parse(text: str, path: str = "<deck>", content_hash: str = "") -> Deck:
    """A deck from its YAML text, or a :class:`DeckError` listing every problem."""
    root = compose(text, path)
    if root is None:
        raise DeckError([Problem(path, 1, 1, "the file is empty", "a deck needs 'deck:' and 'cards:'")])
    # Without an anchor there is no alias, so nothing can expand: skip the walk over the whole tree.
    bomb = None
    if has_anchor(text):
        bomb = _alias_bomb(root, max(MIN_ALIAS_BUDGET, ALIAS_BUDGET_PER_BYTE * len(text)))
    if bomb is not None:
        raise DeckError([Problem(path, *_pos(bomb), *_BOMB)])
    reader = _Reader(path)
    deck = _deck(reader, root)
    raise_problems(path, reader.problems)
    assert deck is not None
    return Deck(**{**deck.__dict__, "path": path, "content_hash": content_hash})


def raise_problems(path: str, problems: list[Problem]) -> None:
    """Raise :class:`DeckError` with ``problems`` in file order (at most ``MAX_PROBLEMS`` of them
    and a line saying how many more), if there are any."""
    problems = sorted(problems, key=lambda p: (p.line, p.col))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS]
            last = problems[-1]
            problems.append(
                Problem(path, last.line, last.col, f"{extra} more problems not shown", "fix these first")
            )
        raise DeckError(problems)


def _deck(r: _Reader, root: Any) -> Deck | None:
    top = r.mapping(root, "top level", TOP_KEYS)
    if top is None:
        if not _is_map(root):
            r.problems[-1:] = [
                Problem(
                    r.path,
                    *_pos(root),
                    "the file is not a deck: the top level must be a mapping with 'deck:' and 'cards:'",
                    "see docs/deck-format.md",
                )
            ]
        return None
    missing = [k for k in TOP_KEYS if k not in top]
    for key in missing:
        if _misspelt(key, root):
            continue
        r.error(root, f"the file has no '{key}:' section", "a deck needs both 'deck:' and 'cards:'")
    meta = r.mapping(top["deck"].node, "deck", DECK_KEYS) if "deck" in top else None
    deck_id = title = ""
    description = source = steps = ""
    tags: tuple[str, ...] = ()
    policy = Policy()
    if meta is not None:
        for key in ("id", "title"):
            if key not in meta and not _misspelt(key, top["deck"].node):
                r.error(
                    top["deck"],
                    f"deck: '{key}' is missing",
                    "add e.g. 'id: us-russia-talks-2019'; scores are kept by it"
                    if key == "id"
                    else "add 'title:', the name learners see",
                )
        if "id" in meta:
            deck_id = r.text(meta["id"], "deck") or ""
            if deck_id and not DECK_ID_RE.match(deck_id):
                r.error(
                    meta["id"].node,
                    f"deck: id '{_clip(deck_id)}' may only hold letters, digits, '.', '_' and '-'",
                    "it names the deck in scores and exports; e.g. us-russia-talks-2019",
                )
        if "title" in meta:
            title = r.text(meta["title"], "deck") or ""
        if "description" in meta:
            description = r.text(meta["description"], "deck", allow_empty=True) or ""
        if "source" in meta:
            source = r.text(meta["source"], "deck", allow_empty=True) or ""
        if "tags" in meta:
            tags = _tags(r, meta["tags"], "deck")
        if "grading" in meta:
            policy = Policy().merged(_policy(r, meta["grading"], "deck"))
        if "steps" in meta:
            steps = r.text(meta["steps"], "deck") or ""
            if steps and not STEPS_RE.match(steps):
                r.error(meta["steps"].node, f"deck: steps '{_clip(steps)}' are not steps", "e.g. '1m 10m'")
    cards: list[Card] = []
    if "cards" in top:
        cards = _cards(r, top["cards"], policy)
    return Deck(
        id=deck_id,
        title=title,
        cards=tuple(cards),
        description=description,
        source=source,
        tags=tags,
        grading=policy,
        steps=steps,
    )


def _tags(r: _Reader, f: _Field, what: str) -> tuple[str, ...]:
    items = r.text_list(f, what) or []
    out = []
    for text, node in items:
        tag = text.strip()
        if not tag:
            r.error(node, f"{what}: a tag is empty", "remove it")
        else:
            out.append(tag)
    return tuple(out)


def _policy(r: _Reader, f: _Field, what: str) -> dict[str, object]:
    fields = r.mapping(f.node, f"{what}: grading", tuple(POLICY_CHOICES))
    if fields is None:
        return {}
    out: dict[str, object] = {}
    for key, field in fields.items():
        value = r.text(field, f"{what}: grading")
        if value is None:
            continue
        value = value.strip().lower()
        if key == "typos" and value.isdigit():
            out[key] = int(value)
            continue
        if key == "typos" and value in ("false", "no", "none", "0"):
            value = "off"
        if value not in POLICY_CHOICES[key]:
            choices = " or ".join(POLICY_CHOICES[key])
            if key == "typos":
                choices += " or a whole number of edits"
            r.error(field.node, f"{what}: grading '{key}' cannot be '{value}'", f"use {choices}")
            continue
        out[key] = value
    return out


def _cards(r: _Reader, f: _Field, policy: Policy) -> list[Card]:
    is_null = _blank(f.node) or (_is_scalar(f.node) and f.node.tag == "tag:yaml.org,2002:null")
    if is_null or (_is_seq(f.node) and not f.node.value):
        r.error(f if is_null else f.node, "the deck has no cards", "add at least one card under 'cards:'")
        return []
    if not _is_seq(f.node):
        r.error(
            f.node, "'cards' must be a list of cards", f"found {_kind(f.node)}; start each card with '- '"
        )
        return []
    cards: list[Card] = []
    seen = r.seen_ids
    start = r.cards_before + 1
    r.cards_before += len(f.node.value)
    for index, node in enumerate(f.node.value, start=start):
        # Explicit ids are compared before the card is built, so a duplicate is
        # reported even when either card has other errors.
        peeked = _peek_card_id(node)
        if peeked is not None:
            card_id, id_node = peeked
            if card_id in seen:
                r.error(
                    id_node,
                    f"card {index}: duplicate id '{_clip(card_id)}', first used at line {seen[card_id]}",
                    "give each card its own id; scores are kept by id",
                )
            else:
                seen[card_id] = _pos(id_node)[0]
        card = _card(r, node, index, policy, peeked)
        if card is None or peeked is not None:
            if card is not None:
                cards.append(card)
            continue
        if card.id in seen:
            r.error(
                (card.line, card.col),
                f"card {index}: its derived id '{card.id}' repeats the card at line {seen[card.id]}",
                "two cards of one type have the same prompt; give them ids",
            )
            continue
        seen[card.id] = card.line
        cards.append(card)
    return cards


def _peek_card_id(node: Any) -> tuple[str, Any] | None:
    """A card's explicit id (stripped) and its node, read before the card is checked."""
    if not _is_map(node):
        return None
    for key_node, value_node in node.value:
        if _is_scalar(key_node) and key_node.value == "id" and _is_scalar(value_node):
            text = str(value_node.value).strip()
            return (text, value_node) if text else None
    return None


def _card(r: _Reader, node: Any, index: int, policy: Policy, peeked: tuple[str, Any] | None) -> Card | None:
    """One card, or None after reporting its problems; ``peeked`` is its :func:`_peek_card_id`."""
    what = f"card '{_clip(peeked[0])}'" if peeked else f"card {index}"
    fields = r.mapping(node, what, _CARD_KEY_SET)
    if fields is None or id(node) in r.merged:
        return None
    line, col = _pos(node)
    if "id" in fields:
        card_id = r.text(fields["id"], what)
        if card_id is not None:
            what = f"card '{_clip(card_id)}'"
            if card_id != card_id.strip() or _CONTROL.search(card_id):
                r.error(
                    fields["id"].node,
                    f"{what}: the id has spaces at its ends or control characters",
                    "use e.g. meeting-city",
                )
                card_id = None
    else:
        card_id = ""
    if "type" not in fields:
        r.error(node, f"{what}: 'type' is missing", "one of: " + ", ".join(t.value for t in CardType))
        return None
    type_text = r.text(fields["type"], what)
    if type_text is None:
        return None
    kind = _TYPES_BY_NAME.get(type_text.strip().lower())
    if kind is None:
        r.error(
            fields["type"].node,
            f"{what}: unknown card type '{_clip(type_text)}'",
            _did_you_mean(type_text.strip().lower(), [t.value for t in CardType]).replace(
                "allowed keys", "card types"
            ),
        )
        return None
    if not (fields.keys() <= _TYPE_KEY_SETS[kind] and fields.keys() >= _REQUIRED_SETS[kind]):
        _wrong_keys(r, node, fields, kind, what)
        return None
    builder = _BUILDERS[kind]
    before = len(r.problems)
    common = _common(r, fields, what, policy)
    values = builder(r, fields, what)
    if values is None or len(r.problems) != before or common is None:
        return None
    generated = not card_id
    if generated:
        card_id = content_id(kind, values["prompt"])
    values.update(common, id=card_id, id_generated=generated, line=line, col=col)
    return CARD_CLASSES[kind].from_fields(values)


def _wrong_keys(r: _Reader, node: Any, fields: dict[str, _Field], kind: CardType, what: str) -> None:
    """Report the keys a card of ``kind`` cannot have and the ones it lacks."""
    allowed = _TYPE_KEY_SETS[kind]
    for key, field in fields.items():
        if key not in allowed:
            r.error(field, f"{what}: '{key}' does not belong in a {kind.value} card", _misplaced(key, kind))
    for key in REQUIRED[kind]:
        if key not in fields and not _misspelt(key, node):
            r.error(
                node, f"{what}: '{key}' is missing", f"every {kind.value} card needs {_article(key)} {key}"
            )


def _misspelt(key: str, node: Any) -> bool:
    """Whether the mapping ``node`` has a near miss of ``key`` (already reported as unknown)."""
    written = [str(k.value) for k, _ in node.value if _is_scalar(k) and k.value != key]
    return bool(difflib.get_close_matches(key, written, n=1, cutoff=0.6))


def _misplaced(key: str, kind: CardType) -> str:
    """The hint for a known card key written in a card of a type that has no such key."""
    allowed = TYPE_KEYS[kind] + COMMON_KEYS
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    owners = [t.value for t in CardType if key in TYPE_KEYS[t]]
    return f"'{key}' is for {' and '.join(owners)} cards; a {kind.value} card has " + ", ".join(
        TYPE_KEYS[kind]
    )


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _common(r: _Reader, fields: dict[str, _Field], what: str, policy: Policy) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    if "explain" in fields:
        out["explain"] = r.text(fields["explain"], what, allow_empty=True) or ""
    if "tags" in fields:
        out["tags"] = _tags(r, fields["tags"], what)
    if "grading" in fields:
        merged = policy.merged(_policy(r, fields["grading"], what))
        out["grading"] = None if merged == policy else merged
    if "examples" in fields:
        ex = r.mapping(fields["examples"].node, f"{what}: examples", ("accept", "reject"))
        if ex is not None:
            for key, target in (("accept", "accept_examples"), ("reject", "reject_examples")):
                if key in ex:
                    items = r.text_list(ex[key], f"{what}: examples") or []
                    out[target] = tuple(Example(t, *_pos(n)) for t, n in items)
    return out


Builder = Callable[[_Reader, dict[str, _Field], str], "dict[str, Any] | None"]


def _prompt(r: _Reader, fields: dict[str, _Field], what: str, key: str = "prompt") -> str | None:
    return r.text(fields[key], what)


def _short(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    answer = r.text(fields["answer"], what)
    accept = r.text_list(fields["accept"], what) if "accept" in fields else []
    if prompt is None or answer is None or accept is None:
        return None
    return {"prompt": prompt, "answer": answer, "accept": tuple(t for t, _ in accept)}


def _choices(r: _Reader, fields: dict[str, _Field], what: str) -> tuple[str, ...] | None:
    items = r.text_list(fields["choices"], what, min_items=2, single=False)
    if items is None:
        return None
    seen: dict[str, Any] = {}
    for text, node in items:
        key = " ".join(text.split()).casefold()
        if key in seen:
            r.error(
                node,
                f"{what}: the choice '{_clip(text)}' is listed twice",
                "choices must differ by more than case and spacing",
            )
            return None
        seen[key] = node
    return tuple(t for t, _ in items)


def _find_choice(choices: tuple[str, ...], text: str) -> str | None:
    key = " ".join(text.split()).casefold()
    for choice in choices:
        if " ".join(choice.split()).casefold() == key:
            return choice
    return None


def _choice(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    choices = _choices(r, fields, what)
    answer = r.text(fields["answer"], what)
    shuffle = r.boolean(fields["shuffle"], what) if "shuffle" in fields else True
    if prompt is None or choices is None or answer is None or shuffle is None:
        return None
    match = _find_choice(choices, answer)
    if match is None:
        r.error(
            fields["answer"].node,
            f"{what}: the answer '{_clip(answer)}' is not one of the choices",
            "copy the right choice's text into 'answer'",
        )
        return None
    return {"prompt": prompt, "choices": choices, "answer": match, "shuffle": shuffle}


def _multi(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    choices = _choices(r, fields, what)
    answers = r.text_list(fields["answer"], what, min_items=1)
    shuffle = r.boolean(fields["shuffle"], what) if "shuffle" in fields else True
    if prompt is None or choices is None or answers is None or shuffle is None:
        return None
    found: list[str] = []
    for text, node in answers:
        match = _find_choice(choices, text)
        if match is None:
            r.error(
                node,
                f"{what}: the answer '{_clip(text)}' is not one of the choices",
                "copy the right choices' texts into 'answer'",
            )
            return None
        if match in found:
            r.error(
                node, f"{what}: the answer '{_clip(text)}' is listed twice", "list each right choice once"
            )
            return None
        found.append(match)
    ordered = tuple(c for c in choices if c in found)
    return {"prompt": prompt, "choices": choices, "answers": ordered, "shuffle": shuffle}


def _bool(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    answer = r.boolean(fields["answer"], what)
    if prompt is None or answer is None:
        return None
    return {"prompt": prompt, "answer": answer}


def _number(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    answer = r.number(fields["answer"], what)
    tolerance, percent = 0.0, False
    if "tolerance" in fields:
        f = fields["tolerance"]
        written = r.text(f, what)
        if written is None:
            return None
        raw = written.strip()
        if raw.endswith("%"):
            percent = True
            raw = raw[:-1]
        value = parse_key_number(raw) if raw else None
        if value is None or value < 0:
            r.error(
                f.node,
                f"{what}: 'tolerance' must be a number ≥ 0 or a percentage",
                f"found '{_clip(written)}'; write e.g. 5 or 10%",
            )
            return None
        tolerance = value
    unit = (r.text(fields["unit"], what) or "").strip() if "unit" in fields else ""
    if prompt is None or answer is None:
        return None
    return {
        "prompt": prompt,
        "answer": answer,
        "tolerance": tolerance,
        "tolerance_percent": percent,
        "unit": unit,
    }


def _date(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    raw = r.text(fields["answer"], what)
    if prompt is None or raw is None:
        return None
    value = parse_key_date(raw)
    if value is None and ISO_DATE_RE.match(raw.strip()):
        r.error(
            fields["answer"].node,
            f"{what}: the date '{_clip(raw)}' does not exist",
            "months run from 01 to 12 and days to the end of the month",
        )
        return None
    if value is None:
        r.error(
            fields["answer"].node,
            f"{what}: the date '{_clip(raw)}' is not a valid date",
            "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-02",
        )
        return None
    return {"prompt": prompt, "answer": value}


def _cloze(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    text = _prompt(r, fields, what, "text")
    if text is None:
        return None
    found = gaps(text)
    if not found:
        r.error(
            fields["text"].node,
            f"{what}: the cloze text has no deletion",
            "mark the hidden part as {{c1::answer}}",
        )
        return None
    for gap in found:
        if not gap.answer.strip():
            r.error(
                fields["text"].node,
                f"{what}: deletion c{gap.number} is empty",
                "write the hidden text inside it",
            )
            return None
    accept: list[tuple[int, tuple[str, ...]]] = []
    if "accept" in fields:
        numbers = sorted({f"c{g.number}" for g in found}, key=lambda k: int(k[1:]))

        def no_gap(key: str) -> tuple[str, str]:
            return (
                f"{what}: accept: '{_clip(key)}' is not a deletion in the text",
                "the text has " + ", ".join(numbers),
            )

        mapping = r.mapping(fields["accept"].node, f"{what}: accept", numbers, no_gap)
        if mapping is None:
            return None
        for key, f in mapping.items():
            items = r.text_list(f, what)
            if items is None:
                return None
            accept.append((int(key[1:]), tuple(t for t, _ in items)))
    return {"prompt": text, "accept": tuple(sorted(accept))}


def _order(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    items = r.text_list(fields["items"], what, min_items=2, single=False)
    if prompt is None or items is None:
        return None
    return {"prompt": prompt, "items": tuple(t for t, _ in items)}


def _flash(r: _Reader, fields: dict[str, _Field], what: str) -> dict[str, Any] | None:
    front = _prompt(r, fields, what, "front")
    back = r.text(fields["back"], what)
    if front is None or back is None:
        return None
    return {"prompt": front, "back": back}


_BUILDERS: dict[CardType, Builder] = {
    CardType.SHORT: _short,
    CardType.CHOICE: _choice,
    CardType.MULTI: _multi,
    CardType.BOOL: _bool,
    CardType.NUMBER: _number,
    CardType.DATE: _date,
    CardType.CLOZE: _cloze,
    CardType.ORDER: _order,
    CardType.CARD: _flash,
}


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a deck file, or a :class:`DeckError` saying why it cannot be read."""
    p = Path(path)
    shown = str(path)

    def fail(message: str, hint: str) -> DeckError:
        return DeckError([Problem(shown, 1, 1, message, hint)])

    try:
        if p.is_dir():
            raise fail("this is a directory, not a deck file", "name a .yaml file, or run 'quiz check' on it")
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file", "check the path") from None
    except PermissionError:
        raise fail("the file cannot be read (permission denied)", "check its permissions") from None
    except OSError as err:
        raise fail(f"the file cannot be read ({err.strerror})", "check the path") from None
    if len(data) > MAX_BYTES:
        raise fail(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB, too large for a deck",
            "split it into several decks",
        )
    return data
