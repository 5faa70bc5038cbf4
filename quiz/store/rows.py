"""The shapes in which the store hands aggregates to :mod:`quiz.insight.stats`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeckRows:
    """Aggregates of one deck's history, computed by SQL, for :mod:`quiz.stats`."""

    deck_id: str
    #: (session id, started_at, finished_at, mode, correct, asked), oldest first.
    sessions: list[tuple[int, str, str | None, str, int, int]]
    #: card id → (attempts, correct answers, misses outside cram).
    cards: dict[str, tuple[int, int, int]]
    #: (card id, typed, times) of the most common wrong answers, most frequent first.
    wrong: list[tuple[str, str, int]]
    #: UTC days ("YYYY-MM-DD") with at least one answer, ascending.
    days: list[str]
    #: (reviews, correct reviews) for retention: study answers after a card's first.
    reviews: tuple[int, int]
    #: card id → (phase, due_at).
    states: dict[str, tuple[str, str]]
    #: Set by :meth:`Store.deck_brief` (history only, text output): ``cards`` then holds only the
    #: cards that can be printed and ``states`` nothing; these are the deck-wide figures instead:
    #: (attempts, correct answers, cards answered) and (learning, review, due today, due this week).
    totals: tuple[int, int, int] | None = None
    state_counts: tuple[int, int, int, int] | None = None
