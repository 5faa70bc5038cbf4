"""Which cards a quiz asks, in which order, and in which order their choices are shown."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quiz.errors import QuizError
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
    Options,
    OrderCard,
    ShortCard,
    assert_never,
    self_rated,
)
from quiz.model.names import nearest


class SelectionError(QuizError):
    """The options choose no card, or name a card the deck does not have."""


def select_cards(deck: Deck, options: Options, rng: random.Random) -> list[AnyCard]:
    """The cards to ask, in the order to ask them.

    ``--card`` ids and ``--tag`` tags add up (a card is chosen if it has any of the
    tags or is named); neither means every card. With ``options.count``, that many are drawn
    at random by ``rng`` (the first ones in file order when ``options.shuffle`` is False);
    without it, all of them, shuffled by ``rng`` unless ``options.shuffle`` is False.
    An exam leaves out flashcards: they are self-rated, so nothing in them can be marked.
    """
    ids = deck.card_ids()
    known = set(ids) if options.card_ids else set()
    for card_id in options.card_ids:
        if card_id not in known:
            close = nearest(card_id, ids)
            hint = (
                ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?")
                if close
                else ("run 'quiz show " + deck.id + "' to see the card ids")
            )
            raise SelectionError(f"deck '{deck.id}' has no card '{card_id}' ({hint})")
    # Work on positions, and build only the cards chosen: a cached deck builds its cards on first use.
    # The draw depends only on how many cards there are, so a seed picks what it picked as cards.
    chosen: Sequence[int]
    if options.card_ids or options.tags:
        wanted_ids = set(options.card_ids)
        wanted_tags = set(options.tags)
        chosen = [
            i
            for i, (cid, tags) in enumerate(zip(ids, deck.card_tags(), strict=True))
            if cid in wanted_ids or wanted_tags & set(tags)
        ]
    else:
        chosen = range(len(ids))
    if not chosen:
        deck_tags = sorted({t for tags in deck.card_tags() for t in tags})
        close = [c for tag in options.tags for c in nearest(tag, deck_tags)]
        if close:
            hint = "did you mean " + ", ".join(f"'{c}'" for c in dict.fromkeys(close)) + "?"
        else:
            hint = ("its tags: " + ", ".join(deck_tags)) if deck_tags else "its cards have no tags"
        tags = ", ".join(f"'{t}'" for t in options.tags)
        raise SelectionError(f"no card in deck '{deck.id}' is tagged {tags} ({hint})")
    if options.exam:  # an exam marks answers: a flashcard's own "I knew it" cannot be marked
        cards = deck.cards
        chosen = [i for i in chosen if not self_rated(cards[i])]
        if not chosen:
            raise SelectionError(
                f"an exam marks typed answers, and every card chosen from deck '{deck.id}' is a "
                "self-rated flashcard (run it without --exam)"
            )
    if options.count is not None and options.count < len(chosen):
        # Draw only the cards asked for: shuffling 100,000 cards to ask 10 costs a tenth of a second.
        chosen = rng.sample(chosen, options.count) if options.shuffle else chosen[: options.count]
    elif options.shuffle:
        chosen = list(chosen)
        rng.shuffle(chosen)
    cards = deck.cards
    return [cards[i] for i in chosen]


def shown_order(card: AnyCard, rng: random.Random, shuffle: bool = True) -> tuple[str, ...] | None:
    """The choices (choice, multi) or items (order) in the order they are shown; else None.

    Choices keep the file order when ``shuffle`` is False or the card says
    ``shuffle: false``. Order items are always shuffled, and never shown already in
    the right order when that can be avoided.
    """
    match card:
        case ChoiceCard() | MultiCard():
            choices = list(card.choices)
            if shuffle and card.shuffle:
                rng.shuffle(choices)
            return tuple(choices)
        case OrderCard():
            items = list(card.items)
            right = list(card.items)
            if len(set(items)) > 1:
                rng.shuffle(items)
                if items == right:
                    # A rotation by one is never the identity when two items differ.
                    items = items[1:] + items[:1]
            return tuple(items)
        case ShortCard() | BoolCard() | NumberCard() | DateCard() | ClozeCard() | FlashCard():
            return None
        case _:
            assert_never(card)
