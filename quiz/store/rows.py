"""The shapes in which the store hands rows out: named tuples, never bare tuples.

Named tuples rather than frozen dataclasses: a deck's stats carry one per card (100,000 of
them cost a third of a dataclass's time to make), and defining one costs a tenth of a frozen
dataclass's, which ``quiz stats`` pays at every start. Whole answers, sessions and card states
are the frozen dataclasses of :mod:`quiz.model.records`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, NoReturn

from quiz.model import Mode, Phase, StrEnum


class DamagedRow(ValueError):
    """A stored value that no quiz writes (the file was edited by hand); reported as damage."""


class _Lookup(dict[str, Any]):
    """Stored text → enum member, by a plain dict look-up (``Mode(text)`` costs ten times more)."""

    def __init__(self, members: Iterable[StrEnum], what: str) -> None:
        super().__init__((m.value, m) for m in members)
        self.what = what

    def __missing__(self, text: str) -> NoReturn:
        raise DamagedRow(f"{self.what} {text!r}")


#: ``mode_of[text]``: the :class:`Mode` stored as ``text``; :class:`DamagedRow` for another text.
mode_of: Mapping[str, Mode] = _Lookup(Mode, "a session has the unknown mode")
#: ``phase_of[text]``: the :class:`Phase` stored as ``text``; :class:`DamagedRow` for another text.
phase_of: Mapping[str, Phase] = _Lookup(Phase, "a card has the unknown phase")


class SessionRow(NamedTuple):
    """One session of a deck as ``quiz stats`` reads it."""

    id: int
    started_at: str
    finished_at: str | None
    mode: Mode
    correct: int
    asked: int


class CardTotals(NamedTuple):
    """Answers given to one card (``card_totals``)."""

    attempts: int
    correct: int
    misses: int  # wrong answers outside cram


class AnswerCount(NamedTuple):
    """An answer typed for a card (one spelling of it), and how many times."""

    card_id: str
    typed: str
    times: int


class Reviews(NamedTuple):
    """Study answers after each card's first, and how many were right (retention)."""

    reviews: int
    correct: int


class DueState(NamedTuple):
    """A scheduled card's phase and when it is due (stored UTC text)."""

    phase: Phase
    due_at: str


class Totals(NamedTuple):
    """Deck-wide answer counts."""

    attempts: int
    correct: int
    answered: int  # cards with at least one answer


class StateCounts(NamedTuple):
    """Deck-wide schedule counts."""

    learning: int  # learning or relearning
    review: int
    due_today: int
    due_week: int


class StudyHistory(NamedTuple):
    """What ``quiz study`` needs from the log to pace a session (both outside cram)."""

    new_today: int  # cards first studied since the day's start
    times: list[int]  # answer times in ms of the most recent answers, newest first


class FsrsParams(NamedTuple):
    """The FSRS parameters fitted to a learner's reviews of one deck (``fsrs_params``)."""

    deck_id: str
    params: tuple[float, ...]  # in the order the fsrs package takes them
    fitted_at: str  # stored UTC text
    reviews: int  # the reviews they were fitted on


class DeckRows(NamedTuple):
    """Aggregates of one deck's history, computed by SQL, for :mod:`quiz.insight.stats`."""

    deck_id: str
    #: The deck's sessions, oldest first.
    sessions: list[SessionRow]
    #: card id → its answer counts.
    cards: dict[str, CardTotals]
    #: The most common wrong answers, most frequent first (``wrong_totals``).
    wrong: list[AnswerCount]
    #: UTC days ("YYYY-MM-DD") with at least one answer, ascending.
    days: list[str]
    #: Study answers after a card's first, for retention.
    reviews: Reviews
    #: card id → its phase and due time.
    states: dict[str, DueState]
    #: Set by :meth:`Store.deck_brief` (history only, text output): ``cards`` then holds only the
    #: cards that can be printed and ``states`` nothing; these are the deck-wide figures instead.
    totals: Totals | None = None
    state_counts: StateCounts | None = None
    #: Answers refused by the grader and overridden by the learner, by card id, then most frequent first.
    overridden: Sequence[AnswerCount] = ()


class DeckSummary(NamedTuple):
    """One line of ``quiz stats`` without a deck."""

    deck_id: str
    sessions: int
    attempts: int
    correct: int
    last_at: str | None
    last_correct: int
    last_asked: int


class Removed(NamedTuple):
    """What :meth:`Store.forget` deleted."""

    attempts: int = 0
    states: int = 0
    sessions: int = 0

    @property
    def total(self) -> int:
        """All rows deleted."""
        return self.attempts + self.states + self.sessions
