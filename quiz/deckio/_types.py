"""The keys of each card type, and the type of a card written without ``type:``.

One table (``TYPE_KEYS`` and ``REQUIRED``) serves both: a card with ``type:`` is checked against
its type's keys, and a card without one gets the type whose keys it fits (:func:`infer`). When
two types fit (``choice``/``multi``; ``short``/``bool``/``number``/``date``) the answer's value
decides; when it cannot, the card is an error that names the types that fit. The rules are
written out for authors in docs/deck-format.md ("Leaving out type").
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, NamedTuple

from quiz.model import CardType

from ._fields import ISO_DATE_RE, parse_key_number
from ._yaml import STR, Field, blank, clip, is_map, is_scalar, is_seq

COMMON_KEYS = ("id", "type", "explain", "tags", "examples", "grading")
TYPE_KEYS: dict[CardType, tuple[str, ...]] = {
    CardType.SHORT: ("prompt", "answer", "accept", "person", "reverse"),
    CardType.CHOICE: ("prompt", "choices", "answer", "shuffle", "distractors"),
    CardType.MULTI: ("prompt", "choices", "answer", "shuffle"),
    CardType.BOOL: ("prompt", "answer"),
    CardType.NUMBER: ("prompt", "answer", "tolerance", "unit"),
    CardType.DATE: ("prompt", "answer"),
    CardType.CLOZE: ("text", "accept"),
    CardType.ORDER: ("prompt", "items"),
    CardType.CARD: ("front", "back", "reverse"),
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
CARD_KEY_SET = frozenset(ALL_CARD_KEYS)
TYPE_KEY_SETS = {kind: frozenset(keys + COMMON_KEYS) for kind, keys in TYPE_KEYS.items()}
REQUIRED_SETS = {kind: frozenset(keys) for kind, keys in REQUIRED.items()}
TYPES_BY_NAME = {kind.value: kind for kind in CardType}
#: A choice card with ``distractors: from-deck`` has its choices drawn, not written.
DRAWN_REQUIRED = frozenset(("prompt", "answer"))
#: The words YAML 1.1 reads as booleans: ``true``/``false`` decide a bool card, the others fit a
#: bool card and a short one (an author may mean the word ``yes``).
TRUE_FALSE = frozenset(("true", "false"))
YES_NO = frozenset(("yes", "no", "on", "off"))
_TEXT = "the answer is text (not true/false, a number or a date)"


def required_keys(kind: CardType, keys: Collection[str]) -> frozenset[str]:
    """The keys a card of ``kind`` with ``keys`` must have (a drawn choice card needs no choices)."""
    return DRAWN_REQUIRED if kind is CardType.CHOICE and "distractors" in keys else REQUIRED_SETS[kind]


def fits(keys: Collection[str]) -> list[CardType]:
    """The types a card with ``keys`` may be: every key allowed, every required key present."""
    have = frozenset(keys)
    return [k for k in CardType if have <= TYPE_KEY_SETS[k] and have >= required_keys(k, have)]


class Inferred(NamedTuple):
    """What a card without ``type:`` is: a type and why, or the error (``kind`` None)."""

    kind: CardType | None
    reason: str  # why ``kind`` (the text of ``quiz check --explain-types``), or the error message
    hint: str = ""
    by_keys: bool = False  # an error because no type has these keys together


def infer(fields: dict[str, Field]) -> Inferred:
    """The type of a card written without ``type:``, from its keys and then its answer."""
    fit = fits(fields)
    if not fit:
        return _no_fit(fields)
    if len(fit) == 1:
        return Inferred(fit[0], _key_reason(fields, fit[0]))
    node = fields["answer"].node  # every type that shares its keys with another has an answer
    if CardType.CHOICE in fit:
        if is_seq(node):
            return Inferred(CardType.MULTI, "it has 'choices' and a list of answers")
        return Inferred(CardType.CHOICE, "it has 'choices' and one answer")
    if is_seq(node) or is_map(node):
        found = "a list" if is_seq(node) else "a mapping"
        return Inferred(
            None,
            f"no card type has an answer that is {found}",
            "a list of answers needs 'choices' (a multi card); other answers are one value",
        )
    return _by_value(node)


def answer_types(text: str, plain: bool) -> tuple[list[CardType], str]:
    """The types a one-value answer fits, most specific first, and how the value reads;
    ``plain``: written without quotes (a quoted value is text, which may also read as a value)."""
    word = text.strip().lower()
    number = parse_key_number(text) is not None
    date = ISO_DATE_RE.match(text.strip()) is not None
    shown = clip(" ".join(text.split()))
    if plain:
        if word in TRUE_FALSE:
            return [CardType.BOOL], f"the answer {shown} is true/false"
        if word in YES_NO:
            return [CardType.BOOL, CardType.SHORT], f"the answer {shown} reads as true/false or as the word"
        if number and date:
            return [CardType.NUMBER, CardType.DATE], f"the answer {shown} reads as a number or as a year"
        if number:
            return [CardType.NUMBER], f"the answer {shown} is a number"
        if date:
            return [CardType.DATE], f"the answer {shown} is a date"
        return [CardType.SHORT], _TEXT
    kinds = [CardType.BOOL] if word in TRUE_FALSE | YES_NO else []
    kinds += [CardType.NUMBER] if number else []
    kinds += [CardType.DATE] if date else []
    if not kinds:
        return [CardType.SHORT], _TEXT
    return [*kinds, CardType.SHORT], f"the answer '{shown}' is quoted text that reads as a {kinds[0].value}"


def looks_typed(text: str) -> bool:
    """Whether ``text``, written unquoted as an answer, would be read as other than plain text
    (the deck writer quotes it, so that a card whose ``type:`` is deleted is not silently retyped).

    The same as ``answer_types(text, True)[0] != [CardType.SHORT]``, asked once per text the deck
    writer writes, so in the cheap order: a number or a date holds a decimal digit."""
    word = text.strip().lower()
    if word in TRUE_FALSE or word in YES_NO:
        return True
    if _DIGIT.search(text) is None:
        return False
    return parse_key_number(text) is not None or ISO_DATE_RE.match(text.strip()) is not None


#: What every number ``float()`` reads and every ISO date holds (``\d``: any decimal digit, as both).
_DIGIT = re.compile(r"\d")


def _plain(node: Any) -> bool:
    """Whether a scalar was written without quotes (and without a ``!!str`` tag)."""
    if not is_scalar(node) or node.style:  # None (the Python parser) or "" (the C one): plain
        return False
    return node.tag != STR or _implicit_tag(str(node.value)) == STR


_RESOLVER: list[Any] = []


def _implicit_tag(text: str) -> str:
    """The tag YAML gives ``text`` written plain (a ``!!str`` tag on such text makes it text)."""
    if not _RESOLVER:
        import yaml  # deferred, as in _yaml.yaml_module

        _RESOLVER.append(yaml.resolver.Resolver())
    from yaml.nodes import ScalarNode

    return str(_RESOLVER[0].resolve(ScalarNode, text, (True, False)))


def _by_value(node: Any) -> Inferred:
    kinds, why = answer_types("" if blank(node) else str(node.value), _plain(node))
    if len(kinds) == 1:
        return Inferred(kinds[0], why)
    names = ", ".join(k.value for k in kinds[:-1]) + f" or {kinds[-1].value}"
    return Inferred(
        None,
        f"the type cannot be told: {why}; it fits a {names} card",
        "write " + " or ".join(f"'type: {k.value}'" for k in kinds),
    )


def _key_reason(fields: Collection[str], kind: CardType) -> str:
    """Why ``kind`` is the one type the keys fit: a key no other type has, or the keys together."""
    for key in fields:
        owners = [k for k in CardType if key in TYPE_KEYS[k]]
        if owners == [kind]:
            return f"'{key}' is only for {_plural(kind)}"
    written = ", ".join(f"'{k}'" for k in fields if k not in COMMON_KEYS)
    return f"the keys {written} fit only {_plural(kind)}"


def _plural(kind: CardType) -> str:
    return "flashcards (card)" if kind is CardType.CARD else f"{kind.value} cards"


def _no_fit(fields: dict[str, Field]) -> Inferred:
    """The error for keys no type has together, naming the nearest types and what each lacks."""
    have = frozenset(fields)
    scored = []
    for kind in CardType:
        foreign = sorted(have - TYPE_KEY_SETS[kind])
        missing = sorted(required_keys(kind, have) - have)
        own = sum(1 for k in have if [t for t in CardType if k in TYPE_KEYS[t]] == [kind])
        scored.append((len(foreign) + len(missing), -own, kind, foreign, missing))
    best = min(s[0] for s in scored)
    # The nearest first: fewest keys wrong, then most of the card's keys that are this type's own;
    # types wrong in the same way are named together.
    groups: dict[str, list[str]] = {}
    for _, _, kind, foreign, missing in sorted((s for s in scored if s[0] == best), key=lambda s: s[:2]):
        why = [f"has no {', '.join(repr(k) for k in foreign)}"] if foreign else []
        why += [f"needs {', '.join(repr(k) for k in missing)}"] if missing else []
        groups.setdefault("; ".join(why), []).append(kind.value)
    nearest = "; ".join(f"{', '.join(kinds)} ({why})" for why, kinds in groups.items())
    keys = ", ".join(f"'{k}'" for k in fields if k not in COMMON_KEYS) or "no card keys"
    return Inferred(
        None,
        f"no card type fits the keys {keys}; nearest: {nearest}",
        "write 'type:' with the type you mean, and only that type's keys",
        True,
    )
