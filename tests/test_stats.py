"""Stats numbers: computed from a real database and equal to values worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.insight.stats import SPARK, DeckStats, compute, percent, sparkline, streak
from quiz.model import Attempt, CardState
from quiz.store import Store, db_path

DECK = "capitals"
CARDS = [("a", ("where",)), ("b", ("where", "who")), ("c", ("who",)), ("d", ("when",))]


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A UTC time in March 2026."""
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)


def rec(s: Store, sid: int, card: str, correct: bool, when: datetime, typed: str = "x", **kw: object) -> None:
    """Record one answer."""
    s.record(
        Attempt(
            sid,
            DECK,
            card,
            typed,
            correct,
            "exact" if correct else "wrong",
            float(correct),
            900,
            when.isoformat(),
            **kw,
        ),  # type: ignore[arg-type]
    )


def card_state(card: str, phase: str, due: datetime) -> CardState:
    """A stored schedule for a card."""
    return CardState(DECK, card, phase, due.isoformat(), "{}", reps=1)


def build(path: Path) -> None:
    """The small history the expected numbers below are worked out from (see each comment)."""
    with Store.open(path) as s:
        s1 = s.start_session(DECK, "quiz", 1, at(1))  # a✓ b✗ c✓ → 2/3
        rec(s, s1, "a", True, at(1))
        rec(s, s1, "b", False, at(1), typed="Geneva")
        rec(s, s1, "c", True, at(1))
        s.finish_session(s1, at(1, 10, 5))
        s2 = s.start_session(DECK, "exam", 2, at(2))  # a✓ b✗ (retry ✓ not counted) c✗ → 1/3
        rec(s, s2, "a", True, at(2))
        rec(s, s2, "b", False, at(2), typed="geneva ")
        rec(s, s2, "c", False, at(2), typed="Paris")
        rec(s, s2, "b", True, at(2, 10, 3), first=False)
        s.finish_session(s2, at(2, 10, 5))
        s3 = s.start_session(DECK, "study", 3, at(3))  # first study of a, b, e → 2/3, not reviews
        s.record(
            Attempt(s3, DECK, "a", "", True, "self", 1.0, 900, at(3).isoformat(), rating=3),
            state=card_state("a", "review", at(10)),
        )
        s.record(
            Attempt(s3, DECK, "b", "", False, "self", 0.0, 900, at(3).isoformat(), rating=1),
            state=card_state("b", "relearning", at(3, 10, 10)),
        )
        s.record(
            Attempt(s3, DECK, "e", "", True, "self", 1.0, 900, at(3).isoformat(), rating=3),
            state=card_state("e", "learning", at(3, 10, 10)),
        )
        s.finish_session(s3, at(3, 10, 5))
        s4 = s.start_session(DECK, "study", 4, at(4))  # reviews: a✓ b✓ → 2/2, retention 100 %
        s.record(Attempt(s4, DECK, "a", "", True, "self", 1.0, 900, at(4).isoformat(), rating=3))
        s.record(
            Attempt(s4, DECK, "b", "", True, "self", 1.0, 900, at(4).isoformat(), rating=3),
            state=card_state("b", "review", at(4, 20)),
        )
        s.finish_session(s4, at(4, 10, 5))
        s5 = s.start_session(DECK, "cram", 5, at(4, 11))  # c✗ in cram → 0/1, not a miss
        rec(s, s5, "c", False, at(4, 11), typed="Lyon", cram=True)
        s.finish_session(s5, at(4, 11, 1))
        s.start_session(DECK, "quiz", 6, at(4, 12))  # no answers: not counted
        other = s.start_session("other-deck", "quiz", 7, at(4))
        s.record(Attempt(other, "other-deck", "a", "zzz", False, "wrong", 0.0, 5, at(4).isoformat()))


@pytest.fixture
def stats_now(tmp_path: Path) -> DeckStats:
    """The deck's stats at 15:00 UTC on the day of the last session."""
    path = db_path(tmp_path)
    build(path)
    with Store.open(path) as s:
        return compute(s.deck_rows(DECK), at(4, 15), CARDS, "Capitals")


def test_session_scores(stats_now: DeckStats) -> None:
    """Sessions with answers count; best, last, average and trend come from first tries."""
    assert stats_now.sessions == 5
    assert (stats_now.best, stats_now.last, stats_now.average) == (100.0, 0.0, 53.3)
    assert stats_now.trend == [66.7, 33.3, 66.7, 100.0, 0.0]


def test_answer_totals_and_retention(stats_now: DeckStats) -> None:
    """All 13 answers of the deck count; retention looks only at repeat study reviews."""
    assert (stats_now.attempts, stats_now.correct, stats_now.accuracy) == (13, 8, 61.5)
    assert (stats_now.reviews, stats_now.retention) == (2, 100.0)


def test_card_phases_and_due_counts(stats_now: DeckStats) -> None:
    """New = deck cards without a schedule; the orphan's schedule is not counted."""
    assert (stats_now.new, stats_now.learning, stats_now.review) == (2, 0, 2)
    assert (stats_now.due_today, stats_now.due_week) == (1, 2)


def test_per_card_and_per_tag(stats_now: DeckStats) -> None:
    """Per card in deck order; per tag summed over the tag's cards."""
    cards = {c.card_id: (c.attempts, c.correct, c.misses, c.accuracy) for c in stats_now.cards}
    assert [c.card_id for c in stats_now.cards] == ["a", "b", "c", "d"]
    assert cards == {"a": (4, 4, 0, 100.0), "b": (5, 2, 3, 40.0), "c": (3, 1, 1, 33.3), "d": (0, 0, 0, None)}
    tags = {t.tag: (t.cards, t.attempts, t.correct, t.accuracy) for t in stats_now.tags}
    assert tags == {"when": (1, 0, 0, None), "where": (2, 9, 6, 66.7), "who": (2, 8, 3, 37.5)}


def test_hardest_wrong_answers_orphans(stats_now: DeckStats) -> None:
    """Hardest = lowest accuracy with 2+ answers; wrong answers grouped ignoring case and spaces."""
    assert [c.card_id for c in stats_now.hardest] == ["c", "b"]
    assert [(w.card_id, w.typed, w.times) for w in stats_now.wrong] == [
        ("b", "Geneva", 2),
        ("c", "Lyon", 1),
        ("c", "Paris", 1),
    ]
    assert stats_now.orphans == ["e"]
    assert stats_now.leeches == []
    assert stats_now.streak == 4


def test_deck_file_gone_shows_history_only(tmp_path: Path) -> None:
    """Without the deck's cards: no 'new' count, no orphans, every stored schedule counted."""
    path = db_path(tmp_path)
    build(path)
    with Store.open(path) as s:
        got = compute(s.deck_rows(DECK), at(4, 15))
    assert not got.deck_found and got.new is None and got.orphans == []
    assert (got.learning, got.review, got.due_today) == (1, 2, 2)
    assert [c.card_id for c in got.cards] == ["a", "b", "c", "e"]


def test_streak_counts_back_from_yesterday_and_breaks(tmp_path: Path) -> None:
    """A streak still holds the day after the last answer, and is 0 after a missed day."""
    path = db_path(tmp_path)
    build(path)
    with Store.open(path) as s:
        rows = s.deck_rows(DECK)
    assert rows.days == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    assert compute(rows, at(5, 23)).streak == 4
    assert compute(rows, at(6, 0)).streak == 0


def test_leeches_count_misses_outside_cram(tmp_path: Path) -> None:
    """A card missed 8 times is a leech; 7 misses plus cram misses are not."""
    with Store.open(db_path(tmp_path)) as s:
        sid = s.start_session(DECK, "quiz", 1, at(1))
        for n in range(8):
            rec(s, sid, "a", False, at(1, 11, n))
            if n < 7:
                rec(s, sid, "b", False, at(1, 11, n))
            rec(s, sid, "b", False, at(1, 12, n), cram=True)
        got = compute(s.deck_rows(DECK), at(1, 15), CARDS)
        assert [(c.card_id, c.misses) for c in got.leeches] == [("a", 8)]
        assert s.leeches(DECK) == {"a": 8}


def test_empty_history() -> None:
    """A deck never answered has no scores, all its cards new, and a zero streak."""
    from quiz.store.rows import DeckRows, Reviews

    got = compute(DeckRows(DECK, [], {}, [], [], Reviews(0, 0), {}), at(1), CARDS)
    assert (got.sessions, got.best, got.average, got.retention, got.new, got.streak) == (
        0,
        None,
        None,
        None,
        4,
        0,
    )
    assert got.to_dict()["accuracy"] is None


def test_percent_rounds_and_handles_zero() -> None:
    """Percentages are rounded to one decimal; nothing asked is None, not 0."""
    assert percent(2, 3) == 66.7
    assert percent(0, 0) is None


def test_sparkline_ends_and_middle() -> None:
    """0 % is the lowest block, 100 % the highest, 50 % in between."""
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([]) == ""


@given(st.lists(st.floats(min_value=0, max_value=100), max_size=20))
def test_sparkline_is_monotone(values: list[float]) -> None:
    """One block per value, and a higher score never gets a lower block."""
    line = sparkline(values)
    assert len(line) == len(values)
    for i in range(len(values) - 1):
        if values[i] <= values[i + 1]:
            assert SPARK.index(line[i]) <= SPARK.index(line[i + 1])


@given(st.integers(min_value=0, max_value=40), st.booleans())
def test_streak_of_consecutive_days(length: int, answered_today: bool) -> None:
    """N consecutive days ending today (or yesterday) give a streak of N."""
    now = at(28, 18)
    end = now.date() - timedelta(days=0 if answered_today else 1)
    days = [(end - timedelta(days=n)).isoformat() for n in range(length)]
    assert streak(sorted(days), now) == length
