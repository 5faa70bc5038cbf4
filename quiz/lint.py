"""Checks beyond "it loads": advice for authors, and each card's ``examples`` run through grading.

Warnings (:func:`lint`, :func:`lint_many`) never make a deck unusable; ``quiz check`` shows them
and fails on them only with ``--strict``. Errors (:func:`run_examples`) are examples that grading
treats the other way from what the author wrote.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

from .errors import Problem
from .models import Card, ChoiceCard, Deck, FlashCard, MultiCard, OrderCard, Policy

#: Two prompts at least this alike (rapidfuzz ratio of their normalised forms, 0-100) are near-duplicates.
DUPLICATE_RATIO = 90.0
#: How many of a text's rarest words it is indexed under when looking for near-duplicates.
RARE_WORDS = 3

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


def _shingles(text: str) -> set[str]:
    """The word pairs of a text (its words, when it has only one): rarer than words, so better keys."""
    parts = text.split()
    if len(parts) < 2:
        return set(parts)
    return {f"{a} {b}" for a, b in itertools.pairwise(parts)}


def _near_duplicates(decks: Sequence[Deck]) -> list[Problem]:
    """Pairs of cards whose question texts (case, accents and punctuation aside) are alike."""
    from rapidfuzz import fuzz

    from .grading import normalize

    policy = Policy(articles="keep")
    entries: list[tuple[Deck, Card, str]] = []
    for deck in decks:
        for card in deck.cards:
            text = normalize(_question_text(card), policy)
            if text:
                entries.append((deck, card, text))
    # Blocking instead of all pairs: texts this alike share most of their word pairs, so each text
    # is compared only with the texts that hold one of its few rarest word pairs (and whose length
    # allows the ratio). That keeps a 100,000-card check near linear instead of quadratic.
    shingles = [_shingles(e[2]) for e in entries]
    frequency: Counter[str] = Counter(w for ws in shingles for w in ws)
    rare = [sorted(ws, key=lambda w: (frequency[w], w))[:RARE_WORDS] for ws in shingles]
    postings: dict[str, list[int]] = {}
    for i, keys in enumerate(rare):
        for w in keys:
            postings.setdefault(w, []).append(i)
    out: list[Problem] = []
    for i, (deck, card, text) in enumerate(entries):
        low = len(text) * DUPLICATE_RATIO / (200 - DUPLICATE_RATIO)
        high = len(text) * (200 - DUPLICATE_RATIO) / DUPLICATE_RATIO
        candidates = {j for w in rare[i] for j in postings[w] if j > i}
        for j in sorted(candidates):
            later_deck, later, other_text = entries[j]
            if not low <= len(other_text) <= high:
                continue
            ratio = fuzz.ratio(text, other_text, score_cutoff=DUPLICATE_RATIO)
            if ratio:
                out.append(
                    _at(
                        later_deck,
                        later,
                        f"the prompt nearly repeats card '{card.id}' at {deck.path}:{card.line}"
                        f" ({ratio:.0f}% alike)",
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
