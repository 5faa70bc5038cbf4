"""Deck ↔ plain data (dicts of str/bool/number/list), in the shape of the YAML format.

``deck_to_dict`` writes what an author would write (defaults left out), so the same
data serves ``quiz show --json``, the JSON export and writing YAML back out;
``deck_from_dict`` is its inverse for data that came from ``deck_to_dict``.
"""

from __future__ import annotations

import json
from typing import Any

from quiz.model import (
    AnyCard,
    BoolCard,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Deck,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    Policy,
    ShortCard,
    assert_never,
)

from ._data import data_tree
from ._gc import gc_held
from ._parse import parse, read_tree
from ._types import looks_typed


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def card_to_dict(card: AnyCard, deck_policy: Policy | None = None) -> dict[str, Any]:
    """One card as YAML-shaped data; keys in the order an author writes them."""
    out: dict[str, Any] = {"id": card.id, "type": card.kind.value}
    match card:
        case ClozeCard():
            out["text"] = card.prompt
            if card.accept:
                out["accept"] = {f"c{n}": list(alts) for n, alts in card.accept}
        case FlashCard():
            out["front"] = card.prompt
            out["back"] = card.back
            if card.reverse:
                out["reverse"] = True
        case ShortCard():
            out["prompt"] = card.prompt
            out["answer"] = card.answer
            if card.accept:
                out["accept"] = list(card.accept)
            if card.person:
                out["person"] = True
            if card.reverse:
                out["reverse"] = True
        case ChoiceCard():
            out["prompt"] = card.prompt
            if card.distractors:
                out["distractors"] = card.distractors  # the choices are drawn again when it is read
            else:
                out["choices"] = list(card.choices)
            out["answer"] = card.answer
            if not card.shuffle:
                out["shuffle"] = False
        case MultiCard():
            out["prompt"] = card.prompt
            out["choices"] = list(card.choices)
            out["answer"] = list(card.answers)
            if not card.shuffle:
                out["shuffle"] = False
        case BoolCard():
            out["prompt"] = card.prompt
            out["answer"] = card.answer
        case NumberCard():
            out["prompt"] = card.prompt
            out["answer"] = _number(card.answer)
            if card.tolerance:
                tol = _number(card.tolerance)
                out["tolerance"] = f"{tol}%" if card.tolerance_percent else tol
            elif card.tolerance_percent:
                out["tolerance"] = "0%"
            if card.unit:
                out["unit"] = card.unit
        case DateCard():
            out["prompt"] = card.prompt
            out["answer"] = card.answer.iso()
        case OrderCard():
            out["prompt"] = card.prompt
            out["items"] = list(card.items)
        case _:
            assert_never(card)
    if card.explain:
        out["explain"] = card.explain
    if card.tags:
        out["tags"] = list(card.tags)
    if card.accept_examples or card.reject_examples:
        examples: dict[str, list[str]] = {}
        if card.accept_examples:
            examples["accept"] = [e.text for e in card.accept_examples]
        if card.reject_examples:
            examples["reject"] = [e.text for e in card.reject_examples]
        out["examples"] = examples
    if card.grading is not None:
        out["grading"] = card.grading.diff(deck_policy or Policy())
    return out


def deck_to_dict(deck: Deck) -> dict[str, Any]:
    """The whole deck as YAML-shaped data (lossless: ``deck_from_dict`` inverts it)."""
    meta: dict[str, Any] = {"id": deck.id, "title": deck.title}
    if deck.description:
        meta["description"] = deck.description
    if deck.source:
        meta["source"] = deck.source
    if deck.tags:
        meta["tags"] = list(deck.tags)
    policy = deck.grading.diff(Policy())
    if policy:
        meta["grading"] = policy
    if deck.steps:
        meta["steps"] = deck.steps
    # A variant (``reverse: true``) is made from its card when the deck is read, not written.
    cards = [card_to_dict(c, deck.grading) for c in deck.cards if not c.variant_of]
    return {"deck": meta, "cards": cards}


def to_yaml(deck: Deck) -> str:
    """The deck as YAML text that loads back to an equal deck."""
    return yaml_text(deck_to_dict(deck))


def yaml_text(data: dict[str, Any]) -> str:
    """YAML-shaped data as the text of a deck file: ``type:`` is kept on every card, and text that
    would read as true/false, a number or a date if written bare is quoted (so a card whose
    ``type:`` is deleted is reported as ambiguous rather than given another type)."""
    import yaml  # deferred: quiz show --json uses this module on a warm start, without PyYAML

    base = getattr(yaml, "CSafeDumper", None) or yaml.SafeDumper
    with gc_held():
        try:
            root = _node_tree(yaml, data)
        except _Unsupported:  # what yaml.dump does with it (an error for most): asked of it
            return _dumped(yaml, base, data)
        out: str = yaml.serialize(root, Dumper=base, allow_unicode=True, width=100)
    return out


def _text_style(value: str) -> str | None:
    """Multi-line text as a ``|`` block, the way a person would; typed-looking text quoted."""
    return "|" if "\n" in value else "'" if looks_typed(value) else None


class _Unsupported(Exception):
    """Data that is not plain YAML-shaped data (see :func:`_node_tree`)."""


_TAG = "tag:yaml.org,2002:"


def _node_tree(yaml: Any, data: Any) -> Any:
    """The node tree ``yaml.dump(data, sort_keys=False)`` builds with the safe representer and
    :func:`_text_style` for text (an object met twice is one node: an anchor and its alias),
    built directly: PyYAML's representer costs most of the writing. Types other than
    str/bool/int/float/None/list/tuple/dict raise :class:`_Unsupported`."""
    scalar, sequence, mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    seen: dict[int, Any] = {}

    def node(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return scalar(_TAG + "str", value, style=_text_style(value))
        if kind is bool:
            return scalar(_TAG + "bool", "true" if value else "false")
        if kind is int:
            return scalar(_TAG + "int", str(value))
        if kind is float:
            return scalar(_TAG + "float", _float_text(value))
        if value is None:
            return scalar(_TAG + "null", "null")
        if kind is dict or kind is list or kind is tuple:
            if kind is tuple and not value:
                return sequence(_TAG + "seq", [], flow_style=False)
            if id(value) in seen:
                return seen[id(value)]
            if kind is dict:
                pairs: list[tuple[Any, Any]] = []
                seen[id(value)] = made = mapping(_TAG + "map", pairs, flow_style=False)
                pairs.extend((node(k), node(v)) for k, v in value.items())
            else:
                items: list[Any] = []
                seen[id(value)] = made = sequence(_TAG + "seq", items, flow_style=False)
                items.extend(node(v) for v in value)
            return made
        raise _Unsupported

    return node(data)


def _float_text(value: float) -> str:
    """A float as PyYAML's safe representer writes it."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _dumped(yaml: Any, base: Any, data: Any) -> str:
    """``yaml.dump`` with :func:`_text_style` for text: the way for data :func:`_node_tree` leaves."""

    class Dumper(base):  # type: ignore[misc]
        """Writes text in :func:`_text_style`."""

    def text(dumper: Any, value: str) -> Any:
        return dumper.represent_scalar(_TAG + "str", value, style=_text_style(value))

    Dumper.add_representer(str, text)
    out: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return out


def deck_from_dict(data: dict[str, Any], path: str = "<data>") -> Deck:
    """A deck from YAML-shaped data, validated exactly as a YAML file would be."""
    # JSON is YAML: going through the loader keeps one set of rules for every input. The node tree
    # the loader would compose from the JSON text is built directly when it can be (quiz.deckio._data).
    with gc_held():
        root = data_tree(data)
        if root is None:
            return parse(json.dumps(data, ensure_ascii=False), path)
        return read_tree(root, path)
