"""True/false cards: the words read as true or false."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from quiz.model import BoolCard, Rule, Verdict

from .notes import unsure

_TRUE = frozenset({"t", "true", "yes", "y", "1", "correct", "right", "yep", "yeah", "yup"})
_FALSE = frozenset({"f", "false", "no", "n", "0", "incorrect", "wrong", "nope", "nah", "not true", "untrue"})


def parse_bool(text: str) -> bool | None:
    """``True``/``False`` for a typed yes/no answer, None if it is neither."""
    s = " ".join(text.strip().strip(".!").casefold().split())
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    if 3 <= len(s) <= 6:  # one slip in 'true' or 'false' ('ture', 'flase'): they are 4 edits apart
        for word, value in (("true", True), ("false", False)):
            if OSA.distance(s, word, score_cutoff=1) <= 1:
                return value
    return None


#: The forms a true/false answer is read in, told to a learner whose answer could not be read.
FORMS = "answer true or false"


def grade_bool(card: BoolCard, typed: str, expected: str) -> Verdict:
    """A typed true/false word against the statement's truth."""
    asked = unsure(typed, f"{FORMS} (or t/f, yes/no, y/n)", expected)
    if asked is not None:
        return asked
    value = parse_bool(typed)
    if value is None:
        return Verdict(
            correct=False, rule=Rule.UNREADABLE, note=f"not understood: {FORMS}", expected=expected
        )
    if value != card.answer:
        return Verdict(
            correct=False,
            rule=Rule.WRONG,
            note=f"not accepted: the statement is {expected}",
            expected=expected,
        )
    word = typed.strip()
    if word.casefold() == expected:
        return Verdict(correct=True, rule=Rule.BOOL, note="accepted", score=1.0, expected=expected)
    return Verdict(
        correct=True,
        rule=Rule.BOOL,
        note=f"accepted: '{word}' means {expected}",
        score=1.0,
        expected=expected,
    )
