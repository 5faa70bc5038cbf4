"""Practice: the one session engine that quizzes, exams and study sessions run through."""

from __future__ import annotations

from .engine import (
    DID_NOT_KNOW,
    KNEW,
    GradeFn,
    SelectionError,
    Session,
    select_cards,
    self_verdict,
    shown_order,
)

__all__ = [
    "DID_NOT_KNOW",
    "KNEW",
    "GradeFn",
    "SelectionError",
    "Session",
    "select_cards",
    "self_verdict",
    "shown_order",
]
