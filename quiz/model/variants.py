"""Question variants made from one written card: each is a card of its own, with its own id.

``reverse: true`` on a short card or a flashcard asks it the other way round as well: the answer
(the back) is shown and the prompt (the front) is asked. The variant's id is the card's id with
``~reverse`` after it, so its scores and its schedule are its own and stay when the card is edited.
"""

from __future__ import annotations

from dataclasses import replace

from .cards import Card, FlashCard, ShortCard

REVERSE_SUFFIX = "~reverse"


def variants(card: Card) -> tuple[Card, ...]:
    """The variants ``card`` asks for (none for most cards), each with ``variant_of`` set."""
    if isinstance(card, ShortCard) and card.reverse:
        flipped: Card = replace(
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
    if isinstance(card, FlashCard) and card.reverse:
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
    return ()


def shown_side(card: Card) -> str:
    """What a variant made by ``reverse`` shows, for telling two cards apart: the answer or back."""
    if isinstance(card, ShortCard):
        return card.answer
    if isinstance(card, FlashCard):
        return card.back
    return ""
