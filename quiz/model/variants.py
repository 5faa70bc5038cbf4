"""Question variants made from one written card: each is a card of its own, with its own id.

``reverse: true`` on a short card or a flashcard asks it the other way round as well: the answer
(the back) is shown and the prompt (the front) is asked. The variant's id is the card's id with
``~reverse`` after it, so its scores and its schedule are its own and stay when the card is edited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from .cards import (
    AnyCard,
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    ShortCard,
    assert_never,
)

REVERSE_SUFFIX = "~reverse"
#: ``distractors: from-deck``: the wrong choices come from the answers of the deck's other choice
#: cards that say the same, this many of them at most.
FROM_DECK = "from-deck"
DRAWN = 3


def variants(card: AnyCard) -> tuple[AnyCard, ...]:
    """The variants ``card`` asks for (none for most cards), each with ``variant_of`` set.

    The docstring of the module says what each is."""
    match card:
        case ShortCard():
            if not card.reverse:
                return ()
            flipped = replace(
                card,
                id=card.id + REVERSE_SUFFIX,
                id_generated=False,
                prompt=card.answer,
                answer=card.prompt,
                accept=(),
                person=False,
                reverse=False,
                accept_examples=(),
                reject_examples=(),
                variant_of=card.id,
            )
            return (flipped,)
        case FlashCard():
            if not card.reverse:
                return ()
            return (
                replace(
                    card,
                    id=card.id + REVERSE_SUFFIX,
                    id_generated=False,
                    prompt=card.back,
                    back=card.prompt,
                    reverse=False,
                    variant_of=card.id,
                ),
            )
        case ChoiceCard() | MultiCard() | BoolCard() | NumberCard() | DateCard() | ClozeCard() | OrderCard():
            return ()
        case _:
            assert_never(card)


def shown_side(card: AnyCard) -> str:
    """What a variant made by ``reverse`` shows, for telling two cards apart: the answer or back."""
    match card:
        case ShortCard():
            return card.answer
        case FlashCard():
            return card.back
        case ChoiceCard() | MultiCard() | BoolCard() | NumberCard() | DateCard() | ClozeCard() | OrderCard():
            return ""
        case _:
            assert_never(card)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _rank(deck_id: str, card_id: str, text: str) -> bytes:
    """A fixed pseudo-random rank of ``text`` for one card: SHA-256 of the deck id, card id and text."""
    return hashlib.sha256(f"{deck_id}\0{card_id}\0{text}".encode()).digest()


def draw_choices(deck_id: str, cards: Sequence[Card]) -> dict[str, tuple[str, ...]]:
    """The choices of each ``distractors: from-deck`` choice card, by card id.

    Its wrong choices are the up to three answers of the deck's other such cards (each text
    once, compared ignoring case and spacing; the card's own answer left out) that rank first
    by a SHA-256 digest of the deck id, the card id and the answer; the right answer is put
    among them at a place taken from a digest too. Nothing depends on Python's random module
    (whose draws may change between Python versions) or on the order the cards are written
    in, so every load, on every machine, and every learner of a class sees the same options;
    a card added to the deck changes another card's options only when its answer ranks among
    that card's first three. A card with no other answer to draw from gets its answer alone
    (the loader reports it).
    """
    siblings = [c for c in cards if isinstance(c, ChoiceCard) and c.distractors == FROM_DECK]
    pool: dict[str, str] = {}
    for card in sorted(siblings, key=lambda c: c.answer):  # one spelling per text, whatever the order
        pool.setdefault(_fold(card.answer), card.answer)
    out: dict[str, tuple[str, ...]] = {}
    for card in siblings:
        own = _fold(card.answer)
        ranked = sorted((_rank(deck_id, card.id, key), text) for key, text in pool.items() if key != own)
        wrong = [text for _, text in ranked[:DRAWN]]
        place = int.from_bytes(_rank(deck_id, card.id, "\0place"), "big") % (len(wrong) + 1)
        wrong.insert(place, card.answer)
        out[card.id] = tuple(wrong)
    return out
