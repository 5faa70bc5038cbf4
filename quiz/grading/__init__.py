"""Grading: normalise a typed answer and compare it with a card's key → a Verdict. Pure.

One module per concern (normalize, typos, notes, text, choices, pieces, numbers, dates, bools, cloze,
order); the card-type dispatch is here, in ``grade``. Every rule is described for learners and
authors in docs/grading.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from quiz.model import (
    AnyCard,
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    Policy,
    Rule,
    ShortCard,
    Verdict,
    assert_never,
)

from .bools import grade_bool, parse_bool
from .choices import grade_choice, grade_multi
from .cloze import grade_cloze
from .dates import grade_date, parse_date
from .normalize import CLEAN, normalize
from .numbers import grade_number, parse_number
from .order import grade_order
from .pieces import choice_label, split_answer
from .text import Prepared, grade_short, listed, prepare_text
from .typos import typo_budget

__all__ = [
    "choice_label",
    "grade",
    "normalize",
    "parse_bool",
    "parse_date",
    "parse_number",
    "split_answer",
    "typo_budget",
]

# Longer input than this (plus four times the answer's length) is wrong without being read.
MAX_EXTRA_CHARS = 5000


def grade(
    card: Card,
    typed: str,
    policy: Policy,
    *,
    shown: Sequence[str] | None = None,
    reject: Sequence[str] = (),
    explain: bool = True,
) -> Verdict:
    """Grade ``typed`` for ``card`` under ``policy``; ``shown`` is the display order of choices/items.

    With ``explain=False`` the note of an answer accepted once normalised does not say which
    differences were ignored (working that out is most of the cost of such a verdict): for callers
    that read only ``correct``, ``rule`` and ``score``, such as ``quiz check`` on an author's accept
    examples. Every other field is the same as with ``explain=True``."""
    ready = _READY.get(id(card))
    if ready is None or ready.card is not card or ready.policy is not policy:
        ready = _Ready(card, policy)
    if not ready.gradable:  # a Card outside the union that _grade matches on
        return Verdict(
            correct=False, rule=Rule.WRONG, note="this card cannot be graded", expected=ready.expected
        )
    try:
        return _grade(ready, typed, shown, tuple(reject), explain)
    except Exception:  # a bug must not end a learner's session; tests assert this never happens
        return Verdict(
            correct=False, rule=Rule.ERROR, note="could not grade this answer", expected=ready.expected
        )


class _Ready:
    """What grading answers to one card under one policy needs whatever is typed, worked out once
    for the card's first answer (``quiz check`` grades about seven for each card, a session several
    in a row): the expected text, the known-wrong answers, a short card's prepared key.

    The last cards graded are kept by address (``id``) with the card itself, so an entry is used only
    for the very object it was made for, never for another card given a freed card's address."""

    __slots__ = ("card", "expected", "gradable", "own_wrong", "policy", "prep")

    def __init__(self, card: Card, policy: Policy) -> None:
        self.card = card
        self.policy = policy
        try:
            self.expected = card.answer_text()
        except Exception:
            self.expected = ""
        self.gradable = isinstance(card, AnyCard)
        self.own_wrong: tuple[str, ...] | None = None  # the card's reject examples, once read
        self.prep: Prepared | None = None  # a short or flash card's key, with no extra rejects
        if len(_READY) >= _READY_SIZE:
            del _READY[next(iter(_READY))]  # the oldest
        _READY[id(card)] = self

    def wrong(self, reject: tuple[str, ...]) -> tuple[str, ...]:
        """The known-wrong answers: ``reject`` (the caller's), then the card's reject examples."""
        if self.own_wrong is None:
            self.own_wrong = tuple([e.text for e in self.card.reject_examples])
        return (*reject, *self.own_wrong) if reject else self.own_wrong


_READY: dict[int, _Ready] = {}
_READY_SIZE = 256


def _prepared(
    ready: _Ready,
    answers: tuple[str, ...],
    wrong: tuple[str, ...],
    reject: tuple[str, ...],
    person: bool = False,
) -> Prepared:
    """A short answer's prepared key: the card's own, kept on ``ready`` when no rejects are added."""
    if reject:
        return prepare_text(answers, wrong, ready.policy, ready.expected, person)
    if ready.prep is None:
        ready.prep = prepare_text(answers, wrong, ready.policy, ready.expected, person)
    return ready.prep


def _grade(
    ready: _Ready,
    typed: str,
    shown: Sequence[str] | None,
    reject: tuple[str, ...],
    explain: bool,
) -> Verdict:
    card = cast(AnyCard, ready.card)  # ready.gradable
    policy, expected = ready.policy, ready.expected
    if not isinstance(typed, str):
        typed = str(typed)
    # Printable ASCII holds nothing that CLEAN removes: only other text needs the translation.
    if not typed.strip() or (
        not (typed.isascii() and typed.isprintable()) and not typed.translate(CLEAN).strip()
    ):
        return Verdict(correct=False, rule=Rule.EMPTY, note="no answer given", expected=expected)
    if len(typed) > MAX_EXTRA_CHARS + 4 * len(expected):
        note = "not accepted: the answer is far too long"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    wrong = ready.wrong(reject)
    match card:
        case ShortCard():
            prep = _prepared(ready, (card.answer, *card.accept), wrong, reject, card.person)
            return grade_short(typed, prep, explain)
        case FlashCard():
            return grade_short(typed, _prepared(ready, (card.back,), wrong, reject), explain)
        case ChoiceCard():
            return grade_choice(card, typed, policy, _shown(shown, card.choices), wrong, expected)
        case MultiCard():
            return grade_multi(card, typed, policy, _shown(shown, card.choices), wrong, expected)
        case BoolCard():
            return listed(grade_bool(card, typed, expected), typed, wrong, policy)
        case NumberCard():
            return listed(grade_number(card, typed, expected), typed, wrong, policy)
        case DateCard():
            return listed(grade_date(card, typed, policy, expected), typed, wrong, policy)
        case ClozeCard():
            return grade_cloze(card, typed, policy, wrong, expected, explain)
        case OrderCard():
            return grade_order(card, typed, policy, _shown(shown, card.items), wrong, expected)
        case _:
            assert_never(card)


def _shown(shown: Sequence[str] | None, own: tuple[str, ...]) -> tuple[str, ...]:
    """The display order; the card's own order when ``shown`` is missing or not a permutation of it."""
    if shown is None:
        return own
    out = tuple(shown)
    return out if sorted(out) == sorted(own) else own
