"""The card list and one card: its id, its type, the keys it may have, and its common fields;
the fields special to each type are read by :mod:`._builders`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import replace
from typing import Any

from quiz.model import CARD_CLASSES, AnyCard, CardType, ChoiceCard, Policy, example_at
from quiz.model.variants import draw_choices, shown_side, variants

from ._builders import BUILDERS
from ._fields import Reader, did_you_mean, misspelt, read_policy, read_tags
from ._types import (
    CARD_KEY_SET,
    COMMON_KEYS,
    REQUIRED,
    REQUIRED_SETS,
    TYPE_KEY_SETS,
    TYPE_KEYS,
    TYPES_BY_NAME,
    infer,
    required_keys,
)
from ._yaml import Field, blank, clip, is_map, is_scalar, is_seq, kind_of, pos

_CONTROL = re.compile("[\x00-\x1f]")


def content_id(kind: CardType, prompt: str) -> str:
    """The id of a card written without one: its type and a hash of its prompt."""
    digest = hashlib.sha256(f"{kind.value}\0{' '.join(prompt.split())}".encode()).hexdigest()
    return f"{kind.value}-{digest[:10]}"


def read_cards(r: Reader, f: Field, policy: Policy) -> list[AnyCard]:
    is_null = blank(f.node) or (is_scalar(f.node) and f.node.tag == "tag:yaml.org,2002:null")
    if is_null or (is_seq(f.node) and not f.node.value):
        r.error(f if is_null else f.node, "the deck has no cards", "add at least one card under 'cards:'")
        return []
    if not is_seq(f.node):
        r.error(
            f.node, "'cards' must be a list of cards", f"found {kind_of(f.node)}; start each card with '- '"
        )
        return []
    cards: list[AnyCard] = []
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
                    f"card {index}: duplicate id '{clip(card_id)}', first used at line {seen[card_id]}",
                    "give each card its own id; scores are kept by id",
                )
            else:
                seen[card_id] = pos(id_node)[0]
        card = _card(r, node, index, policy, peeked)
        if card is None or peeked is not None:
            if card is not None:
                _add(r, cards, card)
            continue
        if card.id in seen:
            r.error(
                (card.line, card.col),
                f"card {index}: its derived id '{card.id}' repeats the card at line {seen[card.id]}",
                "two cards of one type have the same prompt; give them ids",
            )
            continue
        seen[card.id] = card.line
        _add(r, cards, card)
    return cards


def _add(r: Reader, cards: list[AnyCard], card: AnyCard) -> None:
    """Append ``card`` and the variants it asks for (``reverse: true``), checking that a reversed
    card's answer is the only one of its text, so that its reverse question has one answer."""
    cards.append(card)
    shown = shown_side(card)
    if not shown:
        return
    reversed_ = bool(getattr(card, "reverse", False))
    key = " ".join(shown.casefold().split())
    other = r.shown.get(key)
    if other is None:
        r.shown[key] = (card.id, card.line, reversed_)
    elif reversed_ or other[2]:
        flipped = card.id if reversed_ else other[0]
        r.error(
            (card.line, card.col),
            f"card '{clip(card.id)}': card '{clip(other[0])}' (line {other[1]}) has the same answer"
            f" '{clip(shown)}', so the reverse question of card '{clip(flipped)}' would have two answers",
            "a reversed card's answer must be the only one of its text: reword one, or drop 'reverse'",
        )
    for variant in variants(card):
        if variant.id in r.seen_ids:
            r.error(
                (card.line, card.col),
                f"card '{clip(card.id)}': its reverse card's id '{clip(variant.id)}' is used by the card at"
                f" line {r.seen_ids[variant.id]}",
                "rename that card: ids ending in '~reverse' name reversed cards",
            )
            continue
        r.seen_ids[variant.id] = card.line
        cards.append(variant)


def _peek_card_id(node: Any) -> tuple[str, Any] | None:
    """A card's explicit id (stripped) and its node, read before the card is checked."""
    if not is_map(node):
        return None
    for key_node, value_node in node.value:
        if is_scalar(key_node) and key_node.value == "id" and is_scalar(value_node):
            text = str(value_node.value).strip()
            return (text, value_node) if text else None
    return None


def _card(r: Reader, node: Any, index: int, policy: Policy, peeked: tuple[str, Any] | None) -> AnyCard | None:
    """One card, or None after reporting its problems; ``peeked`` is its :func:`_peek_card_id`."""
    what = f"card '{clip(peeked[0])}'" if peeked else f"card {index}"
    before_map = len(r.problems)
    fields = r.mapping(node, what, CARD_KEY_SET)
    if fields is None or id(node) in r.merged:
        return None
    line, col = pos(node)
    line += r.lines
    if "id" in fields:
        card_id = r.text(fields["id"], what)
        if card_id is not None:
            what = f"card '{clip(card_id)}'"
            if card_id != card_id.strip() or _CONTROL.search(card_id):
                r.error(
                    fields["id"].node,
                    f"{what}: the id has spaces at its ends or control characters",
                    "use e.g. meeting-city",
                )
                card_id = None
    else:
        card_id = ""
    reason = ""
    if "type" in fields:
        kind = _written_type(r, fields["type"], what)
    else:
        kind, reason, hint, by_keys = infer(fields)
        if kind is None:
            # Keys already reported as unknown explain a card whose keys fit no type.
            if not (by_keys and before_map != len(r.problems)):
                r.error(node, f"{what}: {reason}", hint)
            return None
    if kind is None:
        return None
    required = REQUIRED_SETS[kind] if "distractors" not in fields else required_keys(kind, fields)
    if not (fields.keys() <= TYPE_KEY_SETS[kind] and fields.keys() >= required):
        _wrong_keys(r, node, fields, kind, what, required)
        return None
    builder = BUILDERS[kind]
    before = len(r.problems)
    common = _common(r, fields, what, policy)
    values = builder(r, fields, what)
    if values is None or len(r.problems) != before or common is None:
        return None
    generated = not card_id
    if generated:
        card_id = content_id(kind, values["prompt"])
    values.update(common, id=card_id, id_generated=generated, line=line, col=col)
    if reason:
        values["type_reason"] = reason
    return CARD_CLASSES[kind].from_fields(values)


def _written_type(r: Reader, f: Field, what: str) -> CardType | None:
    """The type a card's ``type:`` names, or None after reporting it."""
    type_text = r.text(f, what)
    if type_text is None:
        return None
    kind = TYPES_BY_NAME.get(type_text.strip().lower())
    if kind is None:
        r.error(
            f.node,
            f"{what}: unknown card type '{clip(type_text)}'",
            did_you_mean(type_text.strip().lower(), [t.value for t in CardType]).replace(
                "allowed keys", "card types"
            ),
        )
    return kind


def _wrong_keys(
    r: Reader, node: Any, fields: dict[str, Field], kind: CardType, what: str, required: frozenset[str]
) -> None:
    """Report the keys a card of ``kind`` cannot have and the ones it lacks."""
    allowed = TYPE_KEY_SETS[kind]
    for key, field in fields.items():
        if key not in allowed:
            r.error(field, f"{what}: '{key}' does not belong in a {kind.value} card", _misplaced(key, kind))
    for key in REQUIRED[kind]:
        if key in required and key not in fields and not misspelt(key, node):
            r.error(
                node, f"{what}: '{key}' is missing", f"every {kind.value} card needs {_article(key)} {key}"
            )


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


def _common(r: Reader, fields: dict[str, Field], what: str, policy: Policy) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    if "explain" in fields:
        out["explain"] = r.text(fields["explain"], what, allow_empty=True) or ""
    if "tags" in fields:
        out["tags"] = read_tags(r, fields["tags"], what)
    if "grading" in fields:
        merged = policy.merged(read_policy(r, fields["grading"], what))
        out["grading"] = None if merged == policy else merged
    if "examples" in fields:
        ex = r.mapping(fields["examples"].node, f"{what}: examples", ("accept", "reject"))
        if ex is not None:
            lines = r.lines + 1
            for key, target in (("accept", "accept_examples"), ("reject", "reject_examples")):
                if key in ex:
                    items = r.text_list(ex[key], f"{what}: examples") or []
                    out[target] = tuple(
                        [example_at(t, (m := n.start_mark).line + lines, m.column + 1) for t, n in items]
                    )  # each item is a node: its position as pos(n) gives it
    return out


def draw_distractors(r: Reader, deck_id: str, cards: list[AnyCard]) -> list[AnyCard]:
    """``cards`` with the choices of each ``distractors: from-deck`` card drawn from its siblings'
    answers (:func:`quiz.model.variants.draw_choices`); a card with nothing to draw is reported."""
    drawn = draw_choices(deck_id, cards)
    if not drawn:
        return cards
    out: list[AnyCard] = []
    for card in cards:
        choices = drawn.get(card.id) if isinstance(card, ChoiceCard) else None
        if choices is None or not isinstance(card, ChoiceCard):
            out.append(card)
            continue
        if len(choices) < 2:
            r.error(
                (card.line, card.col),
                f"card '{clip(card.id)}': 'distractors: from-deck' has no other answer to draw choices from",
                "give more choice cards 'distractors: from-deck' with other answers, or list 'choices'",
            )
        out.append(replace(card, choices=choices))
    return out
