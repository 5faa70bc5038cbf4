"""What the score database keeps: answers, sessions and card states (frozen, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import StrEnum

LEECH_MISSES = 8
"""A card missed this many times (wrong answers outside cram) is a leech."""


class Mode(StrEnum):
    """The kind of a session, as stored in ``sessions.mode``."""

    QUIZ = "quiz"
    EXAM = "exam"
    STUDY = "study"
    CRAM = "cram"


class Phase(StrEnum):
    """A studied card's FSRS phase, as stored in ``card_states.phase``."""

    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


@dataclass(frozen=True)
class Attempt:
    """One answer given in a session, as stored (append-only)."""

    session_id: int
    deck_id: str
    card_id: str
    typed: str
    correct: bool
    rule: str
    score: float
    time_ms: int
    answered_at: str  # UTC ISO-8601, e.g. 2026-11-28T06:12:00.123456+00:00
    rating: int | None = None  # FSRS rating 1-4 in study sessions
    cram: bool = False
    first: bool = True  # False for a --retry-wrong repeat: only first tries count in the score
    id: int | None = None  # the row id once stored
    overridden: bool = False  # refused by the grader, then marked right by the learner ("I was right")


@dataclass(frozen=True)
class SessionRecord:
    """A quiz or study session as stored."""

    id: int
    deck_id: str
    mode: Mode
    seed: int
    started_at: str
    finished_at: str | None = None
    interrupted: bool = False
    correct: int = 0
    asked: int = 0
    deck_hash: str = ""
    learner: str = ""


@dataclass(frozen=True)
class CardState:
    """A card's spaced-repetition state, derived from its review log (FSRS card as JSON)."""

    deck_id: str
    card_id: str
    phase: Phase
    due_at: str  # UTC ISO-8601
    data: str  # fsrs.Card.to_dict() as JSON
    reps: int = 0
    lapses: int = 0
