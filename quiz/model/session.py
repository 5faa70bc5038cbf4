"""A session as data: the options that pick its cards, each question asked, each outcome, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cards import Card
from .enums import StrEnum
from .verdict import Verdict


class Ended(StrEnum):
    """How a session ended: every question asked, input ran out, or it was interrupted."""

    FINISHED = "finished"
    END_OF_INPUT = "end-of-input"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Options:
    """How a session picks and asks its cards (the ``quiz run`` options)."""

    count: int | None = None
    tags: tuple[str, ...] = ()
    card_ids: tuple[str, ...] = ()
    shuffle: bool = True
    exam: bool = False
    retry_wrong: bool = False
    pass_mark: float = 60.0


@dataclass(frozen=True)
class Question:
    """One card as asked: its position, and choices or items in the order shown.

    ``round`` is 0 for first tries and 1, 2, … for ``--retry-wrong`` rounds; ``n`` and
    ``total`` count within the round.
    """

    n: int
    total: int
    card: Card
    shown: tuple[str, ...] | None = None
    round: int = 0

    @property
    def first(self) -> bool:
        """True for a first try (the ones that count in the score)."""
        return self.round == 0


@dataclass(frozen=True)
class Outcome:
    """A question with the answer typed, its verdict and how long it took."""

    question: Question
    typed: str
    verdict: Verdict
    time_ms: int
    answered_at: str  # UTC ISO-8601


@dataclass(frozen=True)
class Summary:
    """How a session went; only first tries count in ``correct``, ``score`` and ``percent``.

    ``percent`` is the share of the questions answered; an exam is passed when the
    share of *all* its questions (unanswered ones count as wrong) reaches the pass mark.
    """

    total: int
    asked: int
    correct: int
    score: float
    percent: float
    duration_s: float
    outcomes: tuple[Outcome, ...] = field(repr=False)
    missed: tuple[Outcome, ...] = field(repr=False)
    ended: Ended = Ended.FINISHED
    exam: bool = False
    pass_mark: float = 60.0
    passed: bool | None = None

    @property
    def complete(self) -> bool:
        """True when every question got a first answer."""
        return self.asked >= self.total
