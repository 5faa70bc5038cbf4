"""Grading: normalise a typed answer and compare it with a card's key → a Verdict. Pure.

One module per concern (normalize, typos, notes, text, choices, pieces, numbers, dates, bools, cloze,
order); the card-type dispatch is here, in ``grade``. Every rule is described for learners and
authors in docs/grading.md.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from .text import grade_short, listed, prepare_text
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
    try:
        expected = card.answer_text()
    except Exception:
        expected = ""
    if not isinstance(card, AnyCard):  # narrows a Card to the union that _grade matches on
        return Verdict(correct=False, rule=Rule.WRONG, note="this card cannot be graded", expected=expected)
    try:
        return _grade(card, typed, policy, shown, tuple(reject), expected, explain)
    except Exception:  # a bug must not end a learner's session; tests assert this never happens
        return Verdict(correct=False, rule=Rule.ERROR, note="could not grade this answer", expected=expected)


def _grade(
    card: AnyCard,
    typed: str,
    policy: Policy,
    shown: Sequence[str] | None,
    reject: tuple[str, ...],
    expected: str,
    explain: bool,
) -> Verdict:
    if not isinstance(typed, str):
        typed = str(typed)
    if not typed.strip() or not typed.translate(CLEAN).strip():
        return Verdict(correct=False, rule=Rule.EMPTY, note="no answer given", expected=expected)
    if len(typed) > MAX_EXTRA_CHARS + 4 * len(expected):
        note = "not accepted: the answer is far too long"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    wrong = (*reject, *[e.text for e in card.reject_examples])
    match card:
        case ShortCard():
            prep = prepare_text((card.answer, *card.accept), wrong, policy, expected, card.person)
            return grade_short(typed, prep, explain)
        case FlashCard():
            return grade_short(typed, prepare_text((card.back,), wrong, policy, expected), explain)
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
