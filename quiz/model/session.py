"""A session as data: the options that pick its cards, each question asked, each outcome, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cards import AnyCard
from .enums import StrEnum
from .verdict import Verdict


class Ended(StrEnum):
    """How a session ended: every question asked, input ran out, or it was interrupted.

    A signal, a closed output and a database error all end a session as ``INTERRUPTED``.
    """

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
    reask_unreadable: int = 1  # times an answer that cannot be read is asked again before it counts


@dataclass(frozen=True)
class Question:
    """One card as asked: its position, and choices or items in the order shown.

    ``round`` is 0 for first tries and 1, 2, … for ``--retry-wrong`` rounds; ``n`` and
    ``total`` count within the round. ``kind`` says why a study session asks it (``due``,
    ``new``, ``ahead``, ``cram``, or ``learn`` for a missed card asked again); empty in a quiz.
    """

    n: int
    total: int
    card: AnyCard
    shown: tuple[str, ...] | None = None
    round: int = 0
    kind: str = ""

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
    overridden: bool = False  # the learner said "I was right" after a refusal: counted right
    rating: int | None = None  # the study rating given (1 again … 4 easy), None outside study


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
