"""Practice: the one session engine that quizzes, exams and study sessions run through.

``engine`` asks, grades, records and gives feedback; a plan decides what differs: ``quiz``
(``quiz run``, exams, retry rounds) and ``study`` (the due queue, ratings, learning steps,
undo, leeches). ``schedule`` is the only module that imports fsrs; ``select`` chooses cards.
"""

from __future__ import annotations

from .engine import DID_NOT_KNOW, KNEW, Engine, GradeFn, Learner, Plan, Recorder, Settled, Step, self_verdict
from .quiz import QuizPlan, Session
from .select import SelectionError, select_cards, shown_order

__all__ = [
    "DID_NOT_KNOW",
    "KNEW",
    "Engine",
    "GradeFn",
    "Learner",
    "Plan",
    "QuizPlan",
    "Recorder",
    "SelectionError",
    "Session",
    "Settled",
    "Step",
    "select_cards",
    "self_verdict",
    "shown_order",
]
