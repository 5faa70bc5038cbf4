"""The field reader: a card's or a deck's mapping read key by key into checked values.

Every value is taken from a composed YAML node and every problem is recorded with the node's
position, so a deck reports all of its mistakes at ``file:line:col`` in one go.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Collection
from typing import Any

from quiz.errors import Problem
from quiz.model import POLICY_CHOICES, PartialDate

from ._yaml import SAFE_TAGS, STR, YAML_PREFIX, Field, blank, clip, is_map, is_scalar, is_seq, kind_of, pos

_SEQ_TAG = "tag:yaml.org,2002:seq"


class Reader:
    """Walks composed YAML nodes, converting them and collecting problems."""

    def __init__(self, path: str, lines: int = 0) -> None:
        self.path = path
        #: Lines above the text the nodes were composed from (a chunk of a deck parsed on its own):
        #: added to each card's and example's line. A problem's position is the node's own (a
        #: chunk with a problem is read again with the lines above it).
        self.lines = lines
        #: Card id → the line it was first used at, and how many cards came before: kept on the
        #: reader so that a deck read a run of cards at a time numbers and compares them as one.
        self.seen_ids: dict[str, int] = {}
        #: A short card's answer or a flashcard's back (folded) → (card id, line, reversed): a
        #: reversed card's answer must be the only one of its text (quiz.deckio._cards).
        self.shown: dict[str, tuple[str, int, bool]] = {}
        self.cards_before = 0
        self.problems: list[Problem] = []
        self.merged: set[int] = set()

    # -- reporting --------------------------------------------------------------
    def error(self, node_or_pos: Any, message: str, hint: str = "") -> None:
        line, col = pos(node_or_pos)
        self.problems.append(Problem(self.path, line, col, message, hint))

    # -- structure --------------------------------------------------------------
    def mapping(
        self,
        node: Any,
        what: str,
        allowed: Collection[str],
        unknown: Callable[[str], tuple[str, str]] | None = None,
    ) -> dict[str, Field] | None:
        """A mapping's fields by key; unknown, duplicate and non-string keys are errors."""
        if not is_map(node):
            self.error(node, f"{what} must be a mapping of keys to values", f"found {kind_of(node)}")
            return None
        if not self.check_tag(node, what):
            return None
        out: dict[str, Field] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            # The usual key, plain text allowed here and not seen before: every check below passed at once.
            if (
                type(key) is str
                and key in allowed
                and key not in out
                and key != "<<"
                and type(key_node).__name__ == "ScalarNode"
            ):
                mark = key_node.start_mark
                out[key] = Field(key, value_node, mark.line + 1, mark.column + 1)
                continue
            if not is_scalar(key_node):
                self.error(key_node, f"{what}: a key must be plain text", f"found {kind_of(key_node)}")
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
                    self.error(key_node, f"{what}: unknown key '{key}'", did_you_mean(key, allowed))
                continue
            out[key] = Field(key, value_node, mark.line + 1, mark.column + 1)
        return out

    def check_tag(self, node: Any, what: str) -> bool:
        """False (and an error) for a node with a tag beyond plain YAML data."""
        if node.tag in SAFE_TAGS:
            return True
        tag = str(node.tag)
        shown = "!!" + tag[len(YAML_PREFIX) :] if tag.startswith(YAML_PREFIX) else tag
        self.error(
            node,
            f"{what}: the YAML tag '{clip(shown)}' is not allowed",
            "decks are plain data: remove the tag",
        )
        return False

    def text(self, f: Field, what: str, *, allow_empty: bool = False) -> str | None:
        """A scalar taken as the literal text written (``no`` stays ``no``, ``1e3`` stays ``1e3``)."""
        node = f.node
        if node.tag in SAFE_TAGS and type(node).__name__ == "ScalarNode":
            value = str(node.value)
            if allow_empty or value.strip():
                return value  # the usual text: the checks below pass it
        if not self.check_tag(f.node, what):
            return None
        if not is_scalar(f.node):
            self.error(f.node, f"{what}: '{f.key}' must be text", f"found {kind_of(f.node)}")
            return None
        value = str(f.node.value)
        if not value.strip() and not allow_empty:
            self.error(f.node, f"{what}: '{f.key}' is empty", f"write the {f.key}")
            return None
        return value

    def text_list(
        self, f: Field, what: str, *, min_items: int = 0, single: bool = True
    ) -> list[tuple[str, Any]] | None:
        """A list of texts with each item's node; with ``single``, one text is a one-item list."""
        node = f.node
        if type(node).__name__ == "SequenceNode" and node.tag == _SEQ_TAG:
            # The usual list, of quoted or plain texts: what the checks below give, without them.
            listed = node.value
            if len(listed) >= min_items:
                found = []
                for item in listed:
                    if item.tag != STR or type(item).__name__ != "ScalarNode":
                        break
                    found.append((str(item.value), item))
                else:
                    return found
        if not self.check_tag(f.node, what):
            return None
        if is_scalar(f.node) and not single and not blank(f.node):
            self.error(
                f.node,
                f"{what}: '{f.key}' must be a list of texts",
                f"found {kind_of(f.node)}; write [first, second] or one '- ' line per item",
            )
            return None
        if is_scalar(f.node):
            if blank(f.node):
                items: list[Any] = []
            else:
                items = [f.node]
        elif is_seq(f.node):
            items = list(f.node.value)
        else:
            self.error(f.node, f"{what}: '{f.key}' must be a list of texts", f"found {kind_of(f.node)}")
            return None
        out: list[tuple[str, Any]] = []
        ok = True
        for item in items:
            if not self.check_tag(item, what):
                ok = False
                continue
            if not is_scalar(item) or blank(item):
                self.error(item, f"{what}: each item of '{f.key}' must be text", f"found {kind_of(item)}")
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

    def boolean(self, f: Field, what: str) -> bool | None:
        """A YAML 1.1 boolean (true/false, yes/no, on/off)."""
        if not self.check_tag(f.node, what):
            return None
        if is_scalar(f.node):
            word = str(f.node.value).strip().lower()
            if word in ("true", "yes", "on", "t", "y"):
                return True
            if word in ("false", "no", "off", "f", "n"):
                return False
        self.error(f.node, f"{what}: '{f.key}' must be true or false", f"found {kind_of(f.node)}")
        return None

    def number(self, f: Field, what: str) -> float | None:
        """A number as :func:`parse_key_number` reads it."""
        if not self.check_tag(f.node, what):
            return None
        if is_scalar(f.node):
            value = parse_key_number(str(f.node.value))
            if value is not None:
                return value
        self.error(
            f.node,
            f"{what}: '{f.key}' is not a number",
            f"found {kind_of(f.node)}; write e.g. 1200 or 1.5",
        )
        return None


def did_you_mean(key: str, allowed: Collection[str]) -> str:
    allowed = list(allowed) if isinstance(allowed, (tuple, list)) else sorted(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed keys: " + ", ".join(allowed)


def misspelt(key: str, node: Any) -> bool:
    """Whether the mapping ``node`` has a near miss of ``key`` (already reported as unknown)."""
    written = [str(k.value) for k, _ in node.value if is_scalar(k) and k.value != key]
    return bool(difflib.get_close_matches(key, written, n=1, cutoff=0.6))


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
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def read_tags(r: Reader, f: Field, what: str) -> tuple[str, ...]:
    items = r.text_list(f, what) or []
    out = []
    for text, node in items:
        tag = text.strip()
        if not tag:
            r.error(node, f"{what}: a tag is empty", "remove it")
        else:
            out.append(tag)
    return tuple(out)


def read_policy(r: Reader, f: Field, what: str) -> dict[str, object]:
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
