"""Short answers (and flashcard backs, cloze gaps): the key, its alternates, typos, known-wrong answers."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quiz.model import Policy, Rule, Verdict

from .normalize import normalize
from .notes import typo_note, why_normalized
from .typos import Matcher, distinct_policy

# ---------------------------------------------------------------------------------------------
# Per-card preparation (cached: a card is graded many times with the same policy)


@dataclass(frozen=True)
class Prepared:
    policy: Policy
    matcher: Matcher
    texts: tuple[str, ...]  # raw candidate texts, same order as matcher.texts
    expected: str
    wrong_norm: frozenset[str]


@functools.lru_cache(maxsize=4096)
def prepare_text(answers: tuple[str, ...], wrong: tuple[str, ...], policy: Policy, expected: str) -> Prepared:
    policy = _nonempty_policy(answers, policy)
    matcher = Matcher.build(answers, [0] * len(answers), wrong, policy)
    return Prepared(policy, matcher, answers, expected, matcher.wrong_set)


def _nonempty_policy(texts: Sequence[str], policy: Policy) -> Policy:
    if all(normalize(t, policy) for t in texts):
        return policy
    return replace(policy, punctuation="keep")


@functools.lru_cache(maxsize=4096)
def prepare_choices(
    shown: tuple[str, ...], wrong: tuple[str, ...], policy: Policy, expected: str
) -> Prepared:
    policy = distinct_policy(shown, policy)
    matcher = Matcher.build(shown, range(len(shown)), wrong, policy)
    return Prepared(policy, matcher, shown, expected, matcher.wrong_set)


def known_wrong(typed: str, expected: str) -> Verdict:
    """The verdict for an answer the card lists as wrong."""
    return Verdict(
        correct=False,
        rule=Rule.LISTED_WRONG,
        note=f"not accepted: '{typed.strip()}' is a known wrong answer",
        expected=expected,
    )


def partly(score: float, note: str, expected: str) -> Verdict:
    """The verdict for a partly right multi, cloze or order answer (``score`` 0 is plain wrong)."""
    return Verdict(
        correct=False,
        rule=Rule.PARTIAL if score > 0 else Rule.WRONG,
        note=note,
        score=score,
        expected=expected,
    )


_LENIENT = frozenset({Rule.TYPO, Rule.TOLERANCE, Rule.DATE_MORE_PRECISE})


def listed(v: Verdict, typed: str, wrong: Sequence[str], policy: Policy) -> Verdict:
    """A lenient or wrong verdict becomes listed-wrong when the typed text is a known-wrong answer."""
    if v.correct and v.rule not in _LENIENT:
        return v
    if not wrong or v.rule in (Rule.EMPTY, Rule.LISTED_WRONG, Rule.DATE_LESS_PRECISE):
        return v
    if not v.correct and v.score > 0:
        return v  # partial credit and its note say more than "a known wrong answer"
    n = normalize(typed, policy)
    if n and any(normalize(w, policy) == n for w in wrong):
        return known_wrong(typed, v.expected)
    return v


def grade_short(typed: str, prep: Prepared) -> Verdict:
    answers = prep.texts
    if typed == answers[0]:
        return Verdict(correct=True, rule=Rule.EXACT, note="accepted", score=1.0, expected=prep.expected)
    n = normalize(typed, prep.policy)
    hit = prep.matcher.find(n)
    if hit is None:
        if n in prep.wrong_norm:
            return known_wrong(typed, prep.expected)
        return Verdict(correct=False, rule=Rule.WRONG, expected=prep.expected)
    text = answers[hit.index]
    if hit.distance:
        return Verdict(
            correct=True,
            rule=Rule.TYPO,
            note=typo_note(hit, text),
            score=1.0,
            typos=hit.distance,
            expected=prep.expected,
        )
    if hit.index == 0 or prep.matcher.texts[hit.index] == prep.matcher.texts[0]:
        return Verdict(
            correct=True,
            rule=Rule.NORMALIZED,
            note=why_normalized(typed, text, prep.policy),
            score=1.0,
            expected=prep.expected,
        )
    return Verdict(
        correct=True,
        rule=Rule.ALTERNATE,
        note=f"accepted: '{text}' is an alternate answer",
        score=1.0,
        expected=prep.expected,
    )
