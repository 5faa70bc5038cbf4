"""Checks beyond "it loads": advice for authors, and each card's ``examples`` run through grading."""

from __future__ import annotations

from .errors import Problem
from .models import Card, Deck


def _at(deck: Deck, card: Card, message: str, hint: str = "", line: int = 0, col: int = 0) -> Problem:
    return Problem(
        deck.path, line or card.line, col or card.col, f"card '{card.id}': {message}", hint, "warning"
    )


def lint(deck: Deck) -> list[Problem]:
    """Warnings (never errors) about a deck that loaded."""
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
    return out


def run_examples(deck: Deck) -> list[Problem]:
    """Errors for every ``examples`` answer that grading treats the other way."""
    try:
        from .grading import grade
    except ImportError:  # grading not built yet
        return []
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
                        f"card '{card.id}': the example '{example.text}' should be accepted but is rejected ({verdict.rule})",
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
                        f"card '{card.id}': the example '{example.text}' should be rejected but is accepted ({note})",
                        "turn typos off for this card (grading: {typos: off}) or fix the example",
                    )
                )
    return out


def check(deck: Deck) -> list[Problem]:
    """Every finding for a loaded deck: example errors and warnings, in file order."""
    return sorted(run_examples(deck) + lint(deck), key=lambda p: (p.line, p.col))
