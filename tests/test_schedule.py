"""Tests for quiz.schedule: FSRS golden sequences, seeded fuzz, replay, queue order, ratings."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.model import CardState, Verdict
from quiz.practice import schedule
from quiz.practice.schedule import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    due_at,
    format_interval,
    parse_rating,
    preview,
    queue_due,
    rating_for,
    rebuild,
    review,
)
from quiz.practice.study import Item, StudyPlan, next_due

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


def test_new_card_good_enters_ten_minute_learning_step() -> None:
    """A new card answered Good is in learning and due again in 10 minutes."""
    state = review(None, "d", "c", GOOD, T0, seed=1)
    assert state.phase == "learning"
    assert due_at(state) - T0 == 10 * MIN
    assert (state.deck_id, state.card_id, state.reps, state.lapses) == ("d", "c", 1, 0)


def test_golden_sequence_through_review_lapse_and_relearning() -> None:
    """Good, Good, Good, Again, Good gives the intervals FSRS 6 computes (fuzz seeded, pinned)."""
    steps: list[tuple[int, str, timedelta]] = []
    state = review(None, "d", "c", GOOD, T0, seed=7)
    steps.append((GOOD, state.phase, due_at(state) - T0))
    t = T0 + 10 * MIN
    state = review(state, "d", "c", GOOD, t, seed=7)
    steps.append((GOOD, state.phase, due_at(state) - t))
    t = due_at(state)
    state = review(state, "d", "c", GOOD, t, seed=7)
    steps.append((GOOD, state.phase, due_at(state) - t))
    t = due_at(state)
    state = review(state, "d", "c", AGAIN, t, seed=7)
    steps.append((AGAIN, state.phase, due_at(state) - t))
    t = due_at(state)
    state = review(state, "d", "c", GOOD, t, seed=7)
    steps.append((GOOD, state.phase, due_at(state) - t))
    assert steps == [
        (GOOD, "learning", 10 * MIN),
        (GOOD, "review", 2 * DAY),
        (GOOD, "review", 12 * DAY),
        (AGAIN, "relearning", 10 * MIN),
        (GOOD, "review", 2 * DAY),
    ]
    assert (state.reps, state.lapses) == (5, 1)


def test_again_on_new_card_is_one_minute_and_easy_skips_learning() -> None:
    """Again on a new card asks again in 1 minute; Easy graduates it straight to days."""
    again = review(None, "d", "c", AGAIN, T0, seed=1)
    easy = review(None, "d", "c", EASY, T0, seed=1)
    assert (again.phase, due_at(again) - T0) == ("learning", MIN)
    assert easy.phase == "review"
    assert due_at(easy) - T0 == 7 * DAY


def test_again_in_learning_is_not_a_lapse() -> None:
    """Only forgetting a card in review counts as a lapse."""
    state = review(None, "d", "c", AGAIN, T0, seed=1)
    state = review(state, "d", "c", AGAIN, T0 + MIN, seed=1)
    assert state.lapses == 0


def test_preview_matches_what_review_schedules() -> None:
    """The interval shown for each rating is the one the card then gets."""
    state = review(None, "d", "c", EASY, T0, seed=3)
    t = due_at(state) + 5 * DAY
    shown = preview(state, "d", "c", t, seed=3)
    assert set(shown) == {1, 2, 3, 4}
    for rating, interval in shown.items():
        assert due_at(review(state, "d", "c", rating, t, seed=3)) - t == interval
    assert shown[AGAIN] < shown[HARD] < shown[GOOD] < shown[EASY]


def test_preview_of_new_card_is_the_anki_like_line() -> None:
    """A new card shows again 1m · hard 6m · good 10m · easy 7d."""
    shown = preview(None, "d", "c", T0, seed=1)
    assert [format_interval(shown[r]) for r in (1, 2, 3, 4)] == ["1m", "6m", "10m", "7d"]


def _long_history(seed: int, card_id: str = "c") -> list[int]:
    state = review(None, "d", card_id, EASY, T0, seed=seed)
    days = []
    for _ in range(6):
        t = due_at(state)
        state = review(state, "d", card_id, GOOD, t, seed=seed)
        days.append((due_at(state) - t).days)
    return days


def test_same_seed_gives_same_fuzzed_intervals() -> None:
    """Fuzz is on, yet the same seed always schedules the same intervals."""
    assert _long_history(42) == _long_history(42)


def test_fuzz_depends_on_seed_and_card() -> None:
    """Different seeds or different cards spread intervals (fuzz is really applied)."""
    histories = {tuple(_long_history(seed)) for seed in range(12)}
    cards = {tuple(_long_history(1, f"card-{i}")) for i in range(12)}
    assert len(histories) > 1
    assert len(cards) > 1


def test_fuzz_does_not_leak_into_global_random() -> None:
    """After a review, fsrs draws from the ordinary random module again."""
    import fsrs.scheduler

    before = fsrs.scheduler.random
    review(None, "d", "c", EASY, T0, seed=1)
    assert fsrs.scheduler.random is before


def test_rebuild_from_log_equals_stored_state_after_multi_day_study() -> None:
    """Replaying the ratings and times of a multi-day study gives exactly the stored state."""
    log: list[tuple[int, datetime, int]] = []
    state: CardState | None = None
    t = T0
    for day, rating in enumerate([GOOD, GOOD, HARD, AGAIN, GOOD, EASY, GOOD]):
        seed = 100 + day  # each day is a session with its own seed
        state = review(state, "d", "c", rating, t, seed=seed)
        log.append((rating, t, seed))
        t = due_at(state) + timedelta(hours=3)
    assert rebuild("d", "c", log, seed=0) == state


def test_rebuild_with_one_seed_and_no_reviews() -> None:
    """Two-element log entries use the given seed; an empty log means a new card."""
    s1 = review(None, "d", "c", GOOD, T0, seed=5)
    s2 = review(s1, "d", "c", GOOD, T0 + DAY, seed=5)
    assert rebuild("d", "c", [(GOOD, T0), (GOOD, T0 + DAY)], seed=5) == s2
    assert rebuild("d", "c", [], seed=5) is None


def test_naive_datetime_is_refused() -> None:
    """A time without a zone is a programming error, not a silent local-time guess."""
    with pytest.raises(ValueError, match="naive"):
        review(None, "d", "c", GOOD, datetime(2026, 1, 1), seed=1)
    with pytest.raises(ValueError):
        queue(["a"], {}, datetime(2026, 1, 1))


def test_non_utc_aware_time_is_converted() -> None:
    """An aware time in another zone is the same instant in UTC."""
    plus2 = T0.astimezone(timezone(timedelta(hours=2)))
    assert review(None, "d", "c", GOOD, plus2, seed=1) == review(None, "d", "c", GOOD, T0, seed=1)


def test_bad_rating_is_refused() -> None:
    """Ratings are 1 to 4."""
    with pytest.raises(ValueError, match="rating"):
        review(None, "d", "c", 5, T0, seed=1)


def test_state_data_is_fsrs_card_json() -> None:
    """The due time is fixed-width UTC text; the data is the fsrs card as JSON."""
    state = review(None, "d", "c", GOOD, T0, seed=1)
    assert state.due_at == "2026-11-28T09:10:00.000000+00:00"  # fixed width: sorts as it compares
    assert json.loads(state.data)["due"] == "2026-11-28T09:10:00+00:00"


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (timedelta(seconds=30), "30s"),
        (MIN, "1m"),
        (timedelta(minutes=5, seconds=30), "6m"),
        (10 * MIN, "10m"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (DAY, "1d"),
        (4 * DAY, "4d"),
        (29 * DAY, "29d"),
        (96 * DAY, "3.2mo"),
        (60 * DAY, "2mo"),
        (401 * DAY, "1.1y"),
        (730 * DAY, "2y"),
    ],
)
def test_format_interval(interval: timedelta, text: str) -> None:
    """Intervals read like Anki's: minutes, hours, days, months, years."""
    assert format_interval(interval) == text


def _v(correct: bool, typos: int = 0) -> Verdict:
    return Verdict(correct=correct, rule="typo" if typos else ("exact" if correct else "wrong"), typos=typos)


@pytest.mark.parametrize(
    ("verdict", "elapsed", "typical", "rating"),
    [
        (_v(False), 1000, None, AGAIN),
        (_v(False), 1000, 5000, AGAIN),
        (_v(True), 1000, None, GOOD),
        (_v(True), 60_000, None, GOOD),  # no median known: time is not held against you
        (_v(True), 12_500, 5000, GOOD),  # exactly 2.5x is still Good
        (_v(True), 12_501, 5000, HARD),
        (_v(True, typos=1), 1000, None, HARD),
        (_v(True, typos=2), 1000, 5000, HARD),
    ],
)
def test_rating_for_table(verdict: Verdict, elapsed: int, typical: int | None, rating: int) -> None:
    """Wrong is Again; right is Good, or Hard after a typo or a very slow answer."""
    assert rating_for(verdict, elapsed, typical) == rating


@given(st.booleans(), st.integers(0, 3), st.integers(0, 10**6), st.none() | st.integers(0, 10**5))
def test_rating_for_never_suggests_easy(correct: bool, typos: int, elapsed: int, typical: int | None) -> None:
    """Easy is the learner's call only."""
    assert rating_for(_v(correct, typos), elapsed, typical) in {AGAIN, HARD, GOOD}


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("1", 1),
        ("4", 4),
        ("again", 1),
        ("Hard", 2),
        ("g", 3),
        ("easy ", 4),
        ("e", 4),
        ("", None),
        ("5", None),
        ("x", None),
    ],
)
def test_parse_rating(text: str, rating: int | None) -> None:
    """Ratings are typed as 1-4 or as (the start of) the words."""
    assert parse_rating(text) == rating


def _state(card_id: str, due: datetime) -> CardState:
    return CardState("d", card_id, "review", due.isoformat(), "{}", reps=1)


def due_texts(states: dict[str, CardState]) -> dict[str, str]:
    """Each state's due time as the store keeps it (fixed-width UTC text)."""
    return {cid: due_at(s).isoformat(timespec="microseconds") for cid, s in states.items()}


def queue(ids: list[str], states: dict[str, CardState], now: datetime, **kw: object) -> list[str]:
    """The study queue (``queue_due``) of cards with these states."""
    return queue_due(ids, due_texts(states), now, **kw)  # type: ignore[arg-type]


IDS = ["a", "b", "c", "d", "e", "f"]
STATES = {
    "a": _state("a", T0 + DAY),  # not due
    "b": _state("b", T0 - DAY),  # due yesterday
    "c": _state("c", T0 - 3 * DAY),  # most overdue
    "d": _state("d", T0 + 2 * DAY),
}


def test_queue_due_most_overdue_first_then_new_in_deck_order() -> None:
    """Overdue cards come first, most overdue first, then new cards as the deck lists them."""
    assert queue(IDS, STATES, T0, new_per_day=20, new_seen_today=0, limit=None, ahead=False, skip=set()) == [
        "c",
        "b",
        "e",
        "f",
    ]


def test_queue_a_card_due_exactly_now_is_due() -> None:
    """Due means the due time has come."""
    assert queue(["x"], {"x": _state("x", T0)}, T0) == ["x"]


def test_queue_new_limit_counts_cards_introduced_today() -> None:
    """Only as many new cards as today's allowance left."""
    assert queue(IDS, STATES, T0, new_per_day=2, new_seen_today=1) == ["c", "b", "e"]
    assert queue(IDS, STATES, T0, new_per_day=2, new_seen_today=5) == ["c", "b"]
    assert queue(IDS, STATES, T0, new_per_day=0) == ["c", "b"]


def test_queue_limit_caps_everything() -> None:
    """--limit bounds the whole session, due cards first."""
    assert queue(IDS, STATES, T0, limit=1) == ["c"]
    assert queue(IDS, STATES, T0, limit=3) == ["c", "b", "e"]
    assert queue(IDS, STATES, T0, limit=0) == []


def test_queue_ahead_adds_not_yet_due_soonest_first() -> None:
    """Studying ahead appends the cards not yet due, the soonest first."""
    assert queue(IDS, STATES, T0, ahead=True) == ["c", "b", "e", "f", "a", "d"]


def test_queue_skip_removes_leeches_everywhere() -> None:
    """Skipped cards are left out whether due, new or ahead."""
    assert queue(IDS, STATES, T0, ahead=True, skip={"c", "e", "d"}) == ["b", "f", "a"]


def test_queue_ignores_states_of_cards_gone_from_the_deck() -> None:
    """A state whose card vanished from the deck (an orphan) is never asked."""
    states = {**STATES, "gone": _state("gone", T0 - 9 * DAY)}
    assert "gone" not in queue(IDS, states, T0, ahead=True)


@given(st.lists(st.integers(-100, 100), max_size=8), st.integers(0, 5), st.none() | st.integers(0, 10))
def test_queue_properties(offsets: list[int], new: int, limit: int | None) -> None:
    """Never repeats a card, never exceeds the limit, due cards always precede new ones."""
    ids = [f"s{i}" for i in range(len(offsets))] + ["n1", "n2", "n3"]
    states = {f"s{i}": _state(f"s{i}", T0 + timedelta(hours=h)) for i, h in enumerate(offsets)}
    got = queue(ids, states, T0, new_per_day=new, limit=limit)
    assert len(got) == len(set(got))
    assert limit is None or len(got) <= limit
    kinds = ["due" if c in states else "new" for c in got]
    assert kinds == sorted(kinds)  # "due" < "new"
    assert all(due_at(states[c]) <= T0 for c in got if c in states)
    assert sum(k == "new" for k in kinds) <= new


def test_next_due_is_the_earliest() -> None:
    """The next due time is the soonest of all states; none without states."""
    assert next_due(due_texts(STATES), IDS) == T0 - 3 * DAY
    assert next_due({}, IDS) is None


def test_leech_after_eight_misses() -> None:
    """Eight misses make a leech; seven do not."""
    from quiz.model import Deck, Outcome, Question, ShortCard

    card = ShortCard(id="c", prompt="Capital of Switzerland?", answer="Bern")
    plan = StudyPlan(Deck(id="d", title="D", cards=(card,)), [Item("c", "due")], seed=1, now=lambda: T0)
    wrong = Outcome(Question(1, 1, card), "Paris", Verdict(correct=False, rule="wrong"), 900, T0.isoformat())
    assert [plan.recorded(wrong, None, 0) for _ in range(8)] == [False] * 7 + [True]
    assert schedule.LEECH_MISSES == 8


def test_schedule_is_the_only_fsrs_user_and_imports_no_cli() -> None:
    """Importing the scheduler pulls in fsrs but not click or sqlite3."""
    code = "import sys, quiz.practice.schedule; print('click' in sys.modules, 'sqlite3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@given(
    st.lists(st.integers(-100, 100), max_size=8),
    st.integers(0, 5),
    st.none() | st.integers(0, 10),
    st.booleans(),
    st.sampled_from(["+00:00", "+05:30", "-08:00"]),
)
def test_queue_from_stored_due_times_is_the_same_queue(
    offsets: list[int], new: int, limit: int | None, ahead: bool, zone: str
) -> None:
    """The queue built from a real database's due times equals the queue built from full states."""
    from quiz.store import Store, db_path

    ids = [f"s{i}" for i in range(len(offsets))] + ["n1", "n2", "n3"]
    tz = timezone(timedelta(hours=int(zone[:3]), minutes=int(zone[0] + zone[4:])))
    states = {
        f"s{i}": CardState("d", f"s{i}", "review", (T0 + timedelta(hours=h)).astimezone(tz).isoformat(), "{}")
        for i, h in enumerate(offsets)
    }
    with tempfile.TemporaryDirectory() as home, Store.open(db_path(Path(home))) as store:
        for cid, state in states.items():
            store.set_card_state("d", cid, state)
        due = store.due_times("d")
        assert store.card_states("d", ["s0", "n1"]).keys() == ({"s0"} if offsets else set())
    kw = {"new_per_day": new, "limit": limit, "ahead": ahead, "skip": {"s1"}}
    assert schedule.queue_due(ids, due, T0, **kw) == queue(ids, states, T0, **kw)  # type: ignore[arg-type]
