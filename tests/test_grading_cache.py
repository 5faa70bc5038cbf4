"""The shortcuts ``quiz check`` takes to grade authors' examples fast never change a verdict.

* ``grade(..., explain=False)`` (used on accept examples) skips working out which differences a
  normalised match ignored: every field but that note is the same as a full grading's.
* Leading articles are stripped by one anchored match and a slice, not by ``re.sub`` with a
  template: the same text for any input.
* A policy's hash is computed once per object and kept on it (it is part of the key of every
  grading cache): a policy read back from a pickle (the deck cache, the parser's second process)
  or built afresh grades exactly as the original, after the original has filled the caches.
"""

from __future__ import annotations

import pickle
import unicodedata
from dataclasses import FrozenInstanceError, fields, replace

import pytest
import strategies as S
from hypothesis import given
from hypothesis import strategies as st

from quiz.grading import grade, normalize, parse_number, typos
from quiz.model import Card, Policy, Rule, Verdict


def _variants(answer: str) -> list[str]:
    """Ways a learner or an author writes an answer: other case, accents, punctuation, spacing, an
    article, a typo, a piece of it."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", answer) if not unicodedata.combining(c))
    out = [answer, answer.upper(), answer.lower(), stripped, f"the {answer}", f" {answer}. ", answer + "!"]
    out += [answer.replace(" ", "  "), answer[1:], answer[:-1], answer[:1] + answer, answer.split(",")[0]]
    return [t for t in out if t]


@st.composite
def typed_for(draw: st.DrawFn, card: Card) -> str:
    try:
        answer = card.answer_text()
    except Exception:
        answer = ""
    choices = _variants(answer) if answer else []
    return draw(st.sampled_from(choices) | S.tricky_text if choices else S.tricky_text)


@st.composite
def graded(draw: st.DrawFn) -> tuple[Card, str, Policy]:
    card = draw(S.any_card)
    return card, draw(typed_for(card)), draw(S.policies)


@given(graded())
def test_grading_without_explaining_gives_the_same_verdict(case: tuple[Card, str, Policy]) -> None:
    """With explain=False only the note of an accepted, normalised answer may differ."""
    card, typed, policy = case
    full = grade(card, typed, policy)
    quick = grade(card, typed, policy, explain=False)
    assert (quick.correct, quick.rule, quick.score, quick.typos, quick.expected) == (
        full.correct,
        full.rule,
        full.score,
        full.typos,
        full.expected,
    )
    if not (full.correct and full.rule == Rule.NORMALIZED):
        assert quick.note == full.note


_ARTICLE_START = st.lists(
    st.sampled_from(["a", "an", "the", "in", "at", "from", "on", "The", "AN", "IN"]), max_size=3
).map(" ".join)


@given(
    st.tuples(
        st.sampled_from(["", " ", "\t", "\u00a0", "\n"]),
        _ARTICLE_START,
        st.sampled_from(["", " ", "  ", "\u2003"]),
    ).map("".join)
    | st.just(""),
    S.tricky_text,
)
def test_leading_articles_are_stripped_as_the_pattern_substitution_strips_them(start: str, rest: str) -> None:
    """Normalising removes leading articles (and the prepositions before a place) exactly as
    ``_ARTICLES_CI.sub(r"\1", text, count=1)`` does, for any text after them."""
    from quiz.grading.normalize import _ARTICLES_CI, _strip_articles

    for text in (start + rest, start, rest, start + " " + rest):
        assert _strip_articles(text) == _ARTICLES_CI.sub(r"\1", text, count=1)


@given(graded())
def test_a_policy_read_back_or_built_afresh_grades_as_the_original(case: tuple[Card, str, Policy]) -> None:
    """The hash kept on a policy is the hash of its fields: an equal policy, however it was made,
    finds the same cache entries and gets the same verdict."""
    card, typed, policy = case
    before = grade(card, typed, policy)  # fills the caches under the original object
    fresh = Policy(**policy.to_dict())  # type: ignore[arg-type]
    read_back = pickle.loads(pickle.dumps(policy))
    copied = replace(policy)
    for other in (fresh, read_back, copied):
        assert other == policy and hash(other) == hash(policy)
        assert grade(card, typed, other) == before
    assert b"_hash" not in pickle.dumps(policy)  # a str's hash differs from one process to the next


@given(S.policies, S.policies)
def test_policies_that_differ_hash_as_their_fields(a: Policy, b: Policy) -> None:
    """Two policies are equal exactly when their fields are, and equal ones hash alike."""
    assert (a == b) == (a.to_dict() == b.to_dict())
    if a == b:
        assert hash(a) == hash(b)


@given(graded())
def test_grading_leaves_no_garbage_for_the_collector(case: tuple[Card, str, Policy]) -> None:
    """``quiz check`` grades every author's example with the garbage collector paused, so grading
    must free everything it made by reference counting alone: no reference cycles (a recursive
    closure left 148,000 such objects, 26 MB, per 10,000 cards before)."""
    import gc

    card, typed, policy = case
    grade(card, typed, policy)  # caches filled: only what one grading makes is left to count
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        grade(card, typed, policy, explain=False)
        grade(card, f"{typed}, {typed}; {typed} and b", policy)
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


@given(st.booleans(), st.sampled_from(list(Rule)), st.text(max_size=5), st.floats(0, 1), st.integers(0, 3))
def test_a_verdict_is_made_as_a_frozen_dataclass_makes_it(
    correct: bool, rule: Rule, note: str, score: float, typos: int
) -> None:
    """``Verdict.__init__`` (one dict update) gives the fields, equality, repr and frozenness of the
    generated one, positionally and by keyword."""
    v = Verdict(correct, rule, note, score, typos, "x")
    assert v == Verdict(correct=correct, rule=rule, note=note, score=score, typos=typos, expected="x")
    assert [getattr(v, f.name) for f in fields(Verdict)] == [correct, rule, note, score, typos, "x"]
    assert list(v.__dict__) == [f.name for f in fields(Verdict)]
    assert replace(v, note="y") == Verdict(correct, rule, "y", score, typos, "x")
    assert Verdict(True, rule) == Verdict(True, rule, "", 0.0, 0, "")
    with pytest.raises(FrozenInstanceError):
        v.note = "changed"  # type: ignore[misc]


@given(graded(), st.lists(S.tricky_text, max_size=2), st.lists(S.tricky_text, max_size=3))
def test_what_is_kept_for_a_card_between_answers_never_changes_a_verdict(
    case: tuple[Card, str, Policy], reject: list[str], others: list[str]
) -> None:
    """Grading keeps what a card needs (expected text, wrong answers, prepared key) for its next
    answers: each verdict is the one an equal card graded for the first time gets, with or without
    extra rejects, after other answers to it and to a card at the same address."""
    card, typed, policy = case
    for text in others:  # fill what is kept for this card
        grade(card, text, policy)
        grade(card, text, policy, reject=reject)
    for rej in ((), tuple(reject)):
        fresh = grade(replace(card), typed, replace(policy), reject=rej)
        assert grade(card, typed, policy, reject=rej) == fresh
        assert grade(card, typed, policy, reject=rej, explain=False) == grade(
            replace(card), typed, replace(policy), reject=rej, explain=False
        )


@given(S.tricky_text | st.text(alphabet="aV. xé", max_size=12))
def test_initials_without_a_full_stop_are_none_without_a_search(text: str) -> None:
    """``written_initials`` skips its search when there is no '.': the same letters as searching."""
    found = frozenset(m.casefold() for m in typos._WRITTEN_INITIAL.findall(text))
    assert typos.written_initials(text) == found


def _find_trying_every_text(m: typos.Matcher, typed: str, allowed: frozenset[int] | None) -> typos.Hit | None:
    """``Matcher.closest`` as it was before it skipped texts that cannot change its answer: a typo
    match tried against every candidate text."""
    best: typos.Hit | None = None
    tie = False
    for i, (text, budget) in enumerate(zip(m.texts, m.budgets, strict=True)):
        if budget <= 0 or (allowed is not None and m.groups[i] not in allowed):
            continue
        cutoff = budget if best is None else min(budget, best.distance)
        found = typos.typo_match(typed, text, cutoff, m.policy, m.initials[i])
        if found is None:
            continue
        if best is None or found.distance < best.distance:
            best, tie = typos.Hit(m.groups[i], i, found.distance, found.dropped, found.added), False
        elif found.distance == best.distance and m.groups[i] != best.group:
            tie = True
    return None if best is None or tie else best


_WORDS = st.sampled_from(["kakakaka", "kakakoka", "kokakaka", "hormuz", "hormus", "strait", "of", "v"])
_TEXTS = st.lists(_WORDS, min_size=1, max_size=3).map(" ".join)


@given(st.lists(_TEXTS, min_size=1, max_size=6), st.data(), S.policies)
def test_a_typo_match_skips_only_texts_that_cannot_change_it(
    texts: list[str], data: st.DataObject, policy: Policy
) -> None:
    """The closest typo match (or a tie between meanings) is the one trying every text finds, for a
    candidate text with a letter changed, dropped or added."""
    groups = data.draw(st.lists(st.integers(0, 1), min_size=len(texts), max_size=len(texts)))
    m = typos.Matcher.build(texts, groups, [], policy)
    allowed = data.draw(st.none() | st.frozensets(st.integers(0, 1)))
    text = data.draw(st.sampled_from(texts))
    at = data.draw(st.integers(0, len(text)))
    typed = (
        text[:at]
        + data.draw(st.sampled_from(["", "a", "o", " "]))
        + text[at + data.draw(st.integers(0, 1)) :]
    )
    norm = normalize(typed, policy)
    assert m.closest(norm, allowed) == _find_trying_every_text(m, norm, allowed)


@given(
    st.text(alphabet="0123456789", min_size=1, max_size=120),
    st.sampled_from(["", "%", "km", "countries", "years", "$", "m", "b", "0", "mp3s"]),
    st.booleans(),
)
def test_plain_digits_are_read_as_every_other_number_is(digits: str, unit: str, letters: bool) -> None:
    """``parse_number`` reads plain ASCII digits without its other steps: the value it reads for the
    same digits with a space in front (which takes every step)."""
    assert parse_number(digits, unit, letters) == parse_number(f" {digits}", unit, letters)
