"""Checks beyond "it loads": advice for authors, and each card's ``examples`` run through grading.

Warnings (:func:`lint`, :func:`lint_many`) never make a deck unusable; ``quiz check`` shows them
and fails on them only with ``--strict``. Errors (:func:`run_examples`) are examples that grading
treats the other way from what the author wrote.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from .errors import Problem
from .models import Card, ChoiceCard, Deck, FlashCard, MultiCard, OrderCard, Policy

#: Two prompts at least this alike (rapidfuzz ratio of their normalised forms, 0-100) are near-duplicates.
DUPLICATE_RATIO = 90.0

_LABEL = re.compile(r"\(?\s*([a-z]|\d{1,3})\s*[).:]?")


def _at(deck: Deck, card: Card, message: str, hint: str = "", line: int = 0, col: int = 0) -> Problem:
    return Problem(
        deck.path, line or card.line, col or card.col, f"card '{card.id}': {message}", hint, "warning"
    )


def lint(deck: Deck) -> list[Problem]:
    """Warnings (never errors) about one deck that loaded, near-duplicate prompts within it included."""
    return lint_many([deck])


def lint_many(decks: Sequence[Deck]) -> list[Problem]:
    """Warnings about every deck, plus near-duplicate prompts within and across the decks.

    Each finding is reported on the card written later (the later deck, or the later line).
    """
    out: list[Problem] = []
    for deck in decks:
        out.extend(_card_warnings(deck))
    out.extend(_near_duplicates(decks))
    return out


def _card_warnings(deck: Deck) -> list[Problem]:
    out: list[Problem] = []
    for card in deck.cards:
        if card.id_generated:
            out.append(
                _at(
                    deck,
                    card,
                    "has no id; its id is derived from its type and prompt, "
                    "so editing the prompt resets its history",
                    f"add 'id: {card.id}' or a name of your own",
                )
            )
        if not card.explain.strip():
            out.append(_at(deck, card, "has no 'explain'", "add 'explain:' to say why the answer is right"))
        if not isinstance(card, FlashCard) and not (card.accept_examples or card.reject_examples):
            out.append(
                _at(
                    deck,
                    card,
                    "has no 'examples'",
                    "add 'examples: {accept: [...], reject: [...]}' so quiz check tests the grading",
                )
            )
        if not card.tags and not deck.tags:
            out.append(
                _at(
                    deck,
                    card,
                    "has no tags (and the deck has none)",
                    "add 'tags: [topic]' to the card or to the deck, for quiz run --tag and statistics",
                )
            )
        if isinstance(card, (ChoiceCard, MultiCard)):
            out.extend(_look_alikes(deck, card))
    return out


def _look_alikes(deck: Deck, card: ChoiceCard | MultiCard) -> list[Problem]:
    """Wrong choices that say the answer in other words: equal once normalised, or a typo away."""
    from rapidfuzz.distance import Levenshtein

    from .grading import normalize, typo_budget

    policy = deck.policy(card)
    answers = (card.answer,) if isinstance(card, ChoiceCard) else card.answers
    alternates = [e.text for e in card.accept_examples if not _LABEL.fullmatch(e.text.strip().casefold())]
    keys = [(a, normalize(a, policy)) for a in (*answers, *alternates)]
    out: list[Problem] = []
    for choice in card.choices:
        if choice in answers:
            continue
        n = normalize(choice, policy)
        for text, key in keys:
            if not key or not n:
                continue
            budget = max(typo_budget(key, policy), typo_budget(key, Policy()))
            same = n == key
            if same or Levenshtein.distance(n, key, score_cutoff=budget) <= budget:
                what = "the answer" if text in answers else f"the accepted answer '{text}'"
                why = "the same once normalised" if same else "a typo away"
                out.append(
                    _at(
                        deck,
                        card,
                        f"choice '{choice}' looks like {what} ({why})",
                        "reword the wrong choice so that it is clearly different from the answer",
                    )
                )
                break
    return out


def _question_text(card: Card) -> str:
    """What a learner reads: the prompt, and the choices or items ("put these in order" alone says little)."""
    if isinstance(card, (ChoiceCard, MultiCard)):
        return " / ".join((card.prompt, *card.choices))
    if isinstance(card, OrderCard):
        return " / ".join((card.prompt, *sorted(card.items)))
    return card.prompt


def _near_duplicates(decks: Sequence[Deck]) -> list[Problem]:
    """Pairs of cards whose normalised question texts are at least :data:`DUPLICATE_RATIO` alike."""
    from rapidfuzz import fuzz, process

    from .grading import normalize

    policy = Policy()
    entries: list[tuple[int, int, Deck, Card, str]] = []
    for d, deck in enumerate(decks):
        for c, card in enumerate(deck.cards):
            text = normalize(_question_text(card), policy)
            if text:
                entries.append((d, c, deck, card, text))
    # ratio >= 90 needs lengths within about 10% of their sum: compare each text with the longer
    # ones in that window only, through rapidfuzz's batch scorer (C loop, cached query).
    by_length = sorted(entries, key=lambda e: len(e[4]))
    texts = [e[4] for e in by_length]
    lengths = [len(t) for t in texts]
    out: list[Problem] = []
    for i, first in enumerate(by_length):
        limit = lengths[i] * (200 - DUPLICATE_RATIO) / DUPLICATE_RATIO
        end = bisect.bisect_right(lengths, limit, lo=i + 1)
        window = texts[i + 1 : end]
        for _text, ratio, j in process.extract_iter(
            texts[i], window, scorer=fuzz.ratio, processor=None, score_cutoff=DUPLICATE_RATIO
        ):
            second = by_length[i + 1 + j]
            earlier, later = sorted((first, second), key=lambda e: (e[0], e[1]))
            other_deck, other = earlier[2], earlier[3]
            where = f"{other_deck.path}:{other.line}"
            out.append(
                _at(
                    later[2],
                    later[3],
                    f"the prompt nearly repeats card '{other.id}' at {where} ({ratio:.0f}% alike)",
                    "merge the two cards, or make them ask different things",
                )
            )
    return out


def run_examples(deck: Deck) -> list[Problem]:
    """Errors for every ``examples`` answer that grading treats the other way."""
    from .grading import grade

    out: list[Problem] = []
    for card in deck.cards:
        policy = deck.policy(card)
        for example in card.accept_examples:
            verdict = grade(card, example.text, policy)
            if not verdict.correct:
                out.append(
                    Problem(
                        deck.path,
                        example.line or card.line,
                        example.col or card.col,
                        f"card '{card.id}': the example '{example.text}' should be accepted "
                        f"but is rejected ({verdict.rule})",
                        "add it to the card's alternates, or fix the example",
                    )
                )
        for example in card.reject_examples:
            verdict = grade(card, example.text, policy)
            if verdict.correct:
                note = verdict.note or verdict.rule
                out.append(
                    Problem(
                        deck.path,
                        example.line or card.line,
                        example.col or card.col,
                        f"card '{card.id}': the example '{example.text}' should be rejected "
                        f"but is accepted ({note})",
                        "turn typos off for this card (grading: {typos: off}) or fix the example",
                    )
                )
    return out


def check(deck: Deck) -> list[Problem]:
    """Every finding for a loaded deck: example errors and warnings, in file order."""
    return sorted(run_examples(deck) + lint(deck), key=lambda p: (p.line, p.col))


def check_many(decks: Sequence[Deck]) -> list[Problem]:
    """Every finding for several loaded decks: deck by deck, each in file order."""
    order = {deck.path: i for i, deck in enumerate(decks)}
    found = [p for deck in decks for p in run_examples(deck)] + lint_many(decks)
    return sorted(found, key=lambda p: (order.get(p.path, len(order)), p.line, p.col))
