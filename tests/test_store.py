"""The score database: schema, migrations, records, concurrency and every kind of bad file."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz import store as store_module
from quiz.errors import StoreError
from quiz.model import Attempt, CardState
from quiz.store import APPLICATION_ID, SCHEMA_VERSION, Store, db_path

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def attempt(
    session_id: int,
    card_id: str = "c1",
    *,
    correct: bool = True,
    first: bool = True,
    deck_id: str = "deck-a",
    typed: str = "x",
    at: datetime = T0,
    cram: bool = False,
    rating: int | None = None,
) -> Attempt:
    """An attempt with sensible defaults."""
    return Attempt(
        session_id=session_id,
        deck_id=deck_id,
        card_id=card_id,
        typed=typed,
        correct=correct,
        rule="exact" if correct else "wrong",
        score=1.0 if correct else 0.0,
        time_ms=1200,
        answered_at=at.isoformat(),
        rating=rating,
        cram=cram,
        first=first,
    )


def state(
    card_id: str = "c1", *, deck_id: str = "deck-a", due: datetime = T0, phase: str = "review"
) -> CardState:
    """A card state with sensible defaults."""
    return CardState(deck_id, card_id, phase, due.isoformat(), '{"stability": 3.1}', reps=2, lapses=0)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database path in a directory that does not exist yet."""
    return db_path(tmp_path / "data")


@pytest.fixture
def opened(db: Path) -> Iterator[Store]:
    """An open store on a fresh database."""
    with Store.open(db) as s:
        yield s


def make_quiz_db(path: Path, answers: int = 30) -> None:
    """A closed quiz database holding one session of ``answers`` answers."""
    with Store.open(path) as s:
        sid = s.start_session("deck-a", "quiz", 1, T0)
        for n in range(answers):
            s.record(attempt(sid, f"card-{n}", typed="y" * 200))
        s.finish_session(sid, T0 + timedelta(minutes=5))


# -- schema -----------------------------------------------------------------------------
def test_db_path_is_quiz_db_in_the_data_dir(tmp_path: Path) -> None:
    """The database file is quiz.db inside the data directory."""
    assert db_path(tmp_path) == tmp_path / "quiz.db"


def test_open_creates_directory_schema_and_wal(db: Path) -> None:
    """Opening a missing database creates its directory, every table and index, in WAL mode."""
    with Store.open(db):
        pass
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"sessions", "attempts", "card_states"} <= names
    assert {
        "attempts_deck_card",
        "attempts_session",
        "attempts_deck_time",
        "sessions_deck_started",
        "card_states_deck_due",
    } <= names
    columns = [r[1] for r in conn.execute("PRAGMA table_info(attempts)")]
    assert columns == [
        "id",
        "session_id",
        "deck_id",
        "card_id",
        "typed",
        "correct",
        "rule",
        "score",
        "time_ms",
        "answered_at",
        "rating",
        "cram",
        "first",
        "overridden",
    ]
    conn.close()


def test_stats_queries_use_the_indexes(opened: Store) -> None:
    """Per-card and per-day queries are answered from indexes, not by scanning the attempts table."""
    conn = opened.connection
    plans = [
        " ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("deck-a",)))
        for sql in (
            "SELECT card_id, count(*), sum(correct) FROM attempts WHERE deck_id = ? GROUP BY card_id",
            "SELECT DISTINCT substr(answered_at, 1, 10) FROM attempts WHERE deck_id = ?",
            "SELECT id FROM sessions WHERE deck_id = ? ORDER BY started_at",
            "SELECT card_id FROM card_states WHERE deck_id = ? ORDER BY due_at",
        )
    ]
    for plan in plans:
        assert "USING" in plan and "INDEX" in plan, plan
        assert not plan.startswith("SCAN")


def test_reopen_keeps_everything(db: Path) -> None:
    """Data written before close is there after reopening, and the schema is not re-created."""
    make_quiz_db(db, answers=5)
    with Store.open(db) as s:
        assert len(s.attempts()) == 5
        assert s.sessions()[0].asked == 5
        assert s.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_new_migration_is_applied_once_and_keeps_data(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later quiz with one more migration upgrades the file in place and records the new version."""
    make_quiz_db(db, answers=3)
    extra = ("ALTER TABLE sessions ADD COLUMN note TEXT NOT NULL DEFAULT ''",)
    monkeypatch.setattr(store_module.migrations, "MIGRATIONS", [*store_module.MIGRATIONS, extra])
    monkeypatch.setattr(store_module.migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    for _ in range(2):  # the second open must not apply it again (ALTER would fail)
        with Store.open(db) as s:
            assert len(s.attempts()) == 3
            assert s.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
            cols = [r[1] for r in s.connection.execute("PRAGMA table_info(sessions)")]
            assert cols[-1] == "note"


def test_a_failing_migration_leaves_the_old_version(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration that fails part-way is rolled back whole: version and tables unchanged."""
    make_quiz_db(db, answers=2)
    bad = ("CREATE TABLE extra (x)", "THIS IS NOT SQL")
    monkeypatch.setattr(store_module.migrations, "MIGRATIONS", [*store_module.MIGRATIONS, bad])
    monkeypatch.setattr(store_module.migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError):
        Store.open(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "extra" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()


# -- sessions, attempts, states ---------------------------------------------------------
def test_times_must_be_aware_and_are_stored_as_utc(opened: Store) -> None:
    """Naive datetimes are refused; other offsets are stored as UTC text."""
    with pytest.raises(ValueError, match="naive"):
        opened.start_session("deck-a", "quiz", 1, datetime(2026, 3, 1, 9, 0))
    sid = opened.start_session(
        "deck-a", "quiz", 1, datetime(2026, 3, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    )
    assert opened.sessions()[0].started_at == "2026-03-01T09:00:00.000000+00:00"
    with pytest.raises(ValueError):
        opened.record(Attempt(sid, "deck-a", "c", "x", True, "exact", 1.0, 5, "2026-03-01T09:00:00"))
    opened.record(attempt(sid, at=datetime(2026, 3, 1, 4, 0, tzinfo=timezone(timedelta(hours=-5)))))
    assert opened.attempts()[0].answered_at == "2026-03-01T09:00:00.000000+00:00"
    assert opened.attempts() and len(opened.attempts()) == 1


def test_unknown_mode_is_refused(opened: Store) -> None:
    """Only quiz, exam, study and cram sessions exist."""
    with pytest.raises(ValueError, match="mode"):
        opened.start_session("deck-a", "party", 1, T0)


def test_score_counts_first_tries_only(opened: Store) -> None:
    """A retry after a miss does not raise the score; asked counts questions, not answers."""
    sid = opened.start_session("deck-a", "quiz", 7, T0, deck_hash="abc", learner="ana")
    opened.record(attempt(sid, "c1", correct=True))
    opened.record(attempt(sid, "c2", correct=False))
    opened.record(attempt(sid, "c2", correct=True, first=False))
    rec = opened.finish_session(sid, T0 + timedelta(seconds=90))
    assert (rec.correct, rec.asked) == (1, 2)
    assert rec.finished_at == "2026-03-01T09:01:30.000000+00:00"
    assert (rec.deck_hash, rec.learner, rec.seed, rec.interrupted) == ("abc", "ana", 7, False)


def test_running_score_is_stored_with_each_answer(opened: Store) -> None:
    """Before the session is finished (a crash), its row already holds the score so far."""
    sid = opened.start_session("deck-a", "quiz", 1, T0)
    opened.record(attempt(sid, "c1", correct=True))
    opened.record(attempt(sid, "c2", correct=False))
    rec = opened.session(sid)
    assert rec is not None and (rec.correct, rec.asked, rec.finished_at) == (1, 2, None)


def test_interrupted_flag_is_kept(opened: Store) -> None:
    """An interrupted session is marked so."""
    sid = opened.start_session("deck-a", "exam", 1, T0)
    opened.record(attempt(sid))
    assert opened.finish_session(sid, T0, interrupted=True).interrupted


def test_finish_unknown_session_is_an_error(opened: Store) -> None:
    """Finishing or answering in a session that is gone (reset meanwhile) is a clear error."""
    with pytest.raises(StoreError, match="session 99 is not in the database"):
        opened.finish_session(99, T0)
    with pytest.raises(StoreError, match="session of this answer is not in the database"):
        opened.record(attempt(99))
    assert opened.session(99) is None and opened.attempts() == []


def test_record_saves_attempt_and_state_together(opened: Store) -> None:
    """The attempt and the card's new state are saved by the same call."""
    sid = opened.start_session("deck-a", "study", 1, T0)
    new_id = opened.record(attempt(sid, "c1", rating=3), state=state("c1", due=T0 + timedelta(days=3)))
    got = opened.attempts(session_id=sid)
    assert [a.id for a in got] == [new_id] and got[0].rating == 3
    states = opened.card_states("deck-a")
    assert states["c1"].due_at == "2026-03-04T09:00:00.000000+00:00"
    opened.record(attempt(sid, "c1", rating=1), state=state("c1", phase="relearning"))
    assert opened.card_states("deck-a")["c1"].phase == "relearning"


def test_a_failing_state_rolls_back_the_attempt(opened: Store) -> None:
    """If the state cannot be stored, the attempt is not stored either (one transaction)."""
    sid = opened.start_session("deck-a", "study", 1, T0)
    with pytest.raises(ValueError):
        opened.record(attempt(sid), state=state(phase="asleep"))
    assert opened.attempts() == []


def test_set_card_state_upserts_and_deletes(opened: Store) -> None:
    """set_card_state stores a state and None removes it."""
    opened.set_card_state("deck-a", "c1", state("c1"))
    assert set(opened.card_states("deck-a")) == {"c1"}
    opened.set_card_state("deck-a", "c1", None)
    assert opened.card_states("deck-a") == {}
    with pytest.raises(ValueError):
        opened.set_card_state("deck-a", "c2", state("c1"))


def test_attempts_filters_and_order(opened: Store) -> None:
    """attempts() filters by session, deck and card and lists oldest first."""
    s1 = opened.start_session("deck-a", "quiz", 1, T0)
    s2 = opened.start_session("deck-b", "quiz", 1, T0)
    opened.record(attempt(s1, "c1"))
    opened.record(attempt(s2, "c1", deck_id="deck-b"))
    opened.record(attempt(s1, "c2"))
    assert [a.card_id for a in opened.attempts(session_id=s1)] == ["c1", "c2"]
    assert [a.session_id for a in opened.attempts(card_id="c1")] == [s1, s2]
    assert len(opened.attempts(deck_id="deck-b", card_id="c1")) == 1
    assert [a.id for a in opened.attempts()] == sorted(a.id or 0 for a in opened.attempts())


def test_sessions_newest_first_with_limit(opened: Store) -> None:
    """sessions() lists newest first, per deck, up to a limit."""
    ids = [opened.start_session("deck-a", "quiz", n, T0 + timedelta(hours=n)) for n in range(3)]
    opened.start_session("deck-b", "quiz", 9, T0 + timedelta(hours=9))
    assert [s.id for s in opened.sessions("deck-a")] == ids[::-1]
    assert [s.id for s in opened.sessions("deck-a", limit=2)] == ids[:0:-1]
    assert opened.sessions()[0].deck_id == "deck-b"
    assert opened.deck_ids() == ["deck-a", "deck-b"]


def test_undo_last_removes_the_last_answer_and_fixes_the_score(opened: Store) -> None:
    """Undo deletes the session's latest answer, returns it, and the score no longer counts it."""
    sid = opened.start_session("deck-a", "study", 1, T0)
    opened.record(attempt(sid, "c1", correct=True))
    opened.record(attempt(sid, "c2", correct=True))
    undone = opened.undo_last(sid)
    assert undone is not None and undone.card_id == "c2" and undone.id is not None
    assert [a.card_id for a in opened.attempts(session_id=sid)] == ["c1"]
    rec = opened.session(sid)
    assert rec is not None and (rec.correct, rec.asked) == (1, 1)
    assert opened.undo_last(sid) is not None
    assert opened.undo_last(sid) is None


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=25))
def test_stored_score_equals_first_try_verdicts(answers: list[tuple[bool, bool]]) -> None:
    """Whatever is answered, the session's stored score is the number of correct first tries."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "quiz.db") as s:
        sid = s.start_session("deck-a", "quiz", 1, T0)
        for n, (correct, first) in enumerate(answers):
            s.record(attempt(sid, f"c{n}", correct=correct, first=first))
        running = s.session(sid)
        rec = s.finish_session(sid, T0)
        assert running is not None and (running.correct, running.asked) == (rec.correct, rec.asked)
        assert rec.asked == sum(1 for _, f in answers if f)
        assert rec.correct == sum(1 for c, f in answers if c and f)


# -- reset ---------------------------------------------------------------------------------
def fill_two_decks(s: Store) -> tuple[int, int, int]:
    """Two sessions of deck-a (c1+c2, then c1 only) and one of deck-b; states for both decks."""
    a1 = s.start_session("deck-a", "quiz", 1, T0)
    s.record(attempt(a1, "c1"))
    s.record(attempt(a1, "c2", correct=False))
    a2 = s.start_session("deck-a", "study", 1, T0 + timedelta(days=1))
    s.record(attempt(a2, "c1"), state=state("c1"))
    b1 = s.start_session("deck-b", "quiz", 1, T0)
    s.record(attempt(b1, "c1", deck_id="deck-b"), state=state("c1", deck_id="deck-b"))
    return a1, a2, b1


def test_reset_deck_removes_only_that_deck(opened: Store) -> None:
    """Resetting a deck deletes its attempts, states and sessions and nothing of another deck."""
    _, _, b1 = fill_two_decks(opened)
    before_b = opened.attempts(deck_id="deck-b")
    removed = opened.forget("deck-a")
    assert (removed.attempts, removed.states, removed.sessions) == (3, 1, 2)
    assert opened.attempts(deck_id="deck-a") == [] and opened.sessions("deck-a") == []
    assert opened.card_states("deck-a") == {}
    assert opened.attempts(deck_id="deck-b") == before_b
    assert set(opened.card_states("deck-b")) == {"c1"}
    assert [s.id for s in opened.sessions()] == [b1]
    assert opened.reset("deck-a") == 0


def test_reset_card_keeps_other_cards_and_recounts(opened: Store) -> None:
    """Resetting one card drops its answers and state, sessions left empty, and fixes the scores."""
    a1, _a2, _ = fill_two_decks(opened)
    assert opened.reset("deck-a", "c1") == 2 + 1 + 1  # two attempts, one state, session a2 emptied
    assert [s.id for s in opened.sessions("deck-a")] == [a1]
    rec = opened.session(a1)
    assert rec is not None and (rec.correct, rec.asked) == (0, 1)
    assert [a.card_id for a in opened.attempts(deck_id="deck-a")] == ["c2"]
    assert len(opened.attempts(deck_id="deck-b")) == 1


def test_a_session_id_is_never_reused_after_the_newest_session_is_reset(opened: Store) -> None:
    """Resetting the deck of the newest session and starting another gives a new, higher id."""
    a1, a2, b1 = fill_two_decks(opened)
    newest = max(a1, a2, b1)
    opened.forget("deck-b")  # b1 was the newest session
    assert opened.session(b1) is None
    again = opened.start_session("deck-b", "quiz", 2, T0)
    assert again > newest
    opened.reset("deck-a")
    assert opened.start_session("deck-a", "quiz", 3, T0) > again


def test_a_session_id_stays_unused_after_a_reset_and_a_reopen(db: Path) -> None:
    """The highest id ever given out is remembered in the file, across closing and reopening."""
    with Store.open(db) as s:
        ids = [s.start_session("deck-a", "quiz", n, T0) for n in range(3)]
        s.reset("deck-a")
    with Store.open(db) as s:
        assert s.start_session("deck-a", "quiz", 9, T0) > max(ids)


def test_an_answer_into_a_reset_session_is_refused_and_lands_nowhere(opened: Store) -> None:
    """A quiz whose session was reset gets a one-line StoreError; a newer session is untouched."""
    sid = opened.start_session("deck-a", "quiz", 1, T0)
    opened.record(attempt(sid, "c1"))
    opened.reset("deck-a")
    other = opened.start_session("deck-b", "quiz", 1, T0)
    with pytest.raises(StoreError, match="session of this answer is not in the database") as info:
        opened.record(attempt(sid, "c2"))
    assert "\n" not in str(info.value) and "quiz reset" in str(info.value)
    assert opened.attempts() == []
    rec = opened.session(other)
    assert rec is not None and (rec.asked, rec.correct) == (0, 0)
    assert opened.deck_rows("deck-b").cards == {} and opened.deck_rows("deck-a").cards == {}


def test_an_answer_for_another_deck_than_its_session_is_refused(opened: Store) -> None:
    """An attempt whose deck differs from its session's deck is refused and nothing is saved."""
    sid = opened.start_session("deck-b", "quiz", 1, T0)
    with pytest.raises(
        StoreError, match=f"session {sid} is of deck 'deck-b', not 'deck-a'.*quiz reset"
    ) as info:
        opened.record(attempt(sid, "c1", deck_id="deck-a"), state=state("c1"))
    assert "\n" not in str(info.value)
    assert opened.attempts() == [] and opened.card_states("deck-a") == {}
    rec = opened.session(sid)
    assert rec is not None and rec.asked == 0
    assert opened.summaries() == [store_module.DeckSummary("deck-b", 0, 0, 0, None, 0, 0)]


RESET_QUIZ = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from quiz.errors import StoreError
from quiz.model import Attempt
from quiz.store import Store
path = Path(sys.argv[1])
now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc).isoformat()
with Store.open(path) as s:
    sid = s.start_session("deck-a", "quiz", 1, datetime.now(timezone.utc))
    s.record(Attempt(sid, "deck-a", "c0", "x", True, "exact", 1.0, 10, now))
    print(sid, flush=True)
    sys.stdin.readline()  # meanwhile another process resets the deck and starts a session
    try:
        s.record(Attempt(sid, "deck-a", "c1", "x", True, "exact", 1.0, 10, now))
    except StoreError as err:
        print("refused:", err, flush=True)
        sys.exit(3)
"""


def test_a_running_quiz_process_cannot_write_into_a_session_started_after_its_reset(db: Path) -> None:
    """A quiz process whose session is reset meanwhile is refused; the newer session gets nothing."""
    make_quiz_db(db, answers=2)  # an older session, so the quiz's is the newest
    with subprocess.Popen(
        [sys.executable, "-c", RESET_QUIZ, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as quiz:
        assert quiz.stdout is not None and quiz.stdin is not None
        running = int(quiz.stdout.readline())
        with Store.open(db) as s:
            s.forget("deck-a", ["c0"])  # empties (and deletes) only the running quiz's session
            assert s.session(running) is None
            newer = s.start_session("deck-a", "quiz", 2, T0)
            assert newer != running
        out, err = quiz.communicate("go\n", timeout=60)
    assert quiz.returncode == 3, err
    assert out.startswith("refused:") and "not in the database" in out and "quiz reset" in out
    with Store.open(db) as s:
        assert s.attempts(session_id=newer) == []
        assert s.attempts(card_id="c1") == []
        rec = s.session(newer)
        assert rec is not None and rec.asked == 0


# -- summary tables -------------------------------------------------------------------------
def log_aggregates(conn: sqlite3.Connection, deck_id: str) -> tuple[object, ...]:
    """What `quiz stats` showed when it aggregated the attempt log itself (schema 1's queries)."""
    cards = {
        r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0))
        for r in conn.execute(
            "SELECT card_id, count(*), sum(correct), sum(correct = 0 AND cram = 0) FROM attempts"
            " WHERE deck_id = ? GROUP BY card_id",
            (deck_id,),
        )
    }
    wrong = [
        (r[0], r[1], int(r[2]))
        for r in conn.execute(
            "SELECT card_id, min(typed), count(*) AS n FROM attempts"
            " WHERE deck_id = ? AND correct = 0 AND trim(typed) != ''"
            " GROUP BY card_id, lower(trim(typed)) ORDER BY n DESC, card_id, min(typed)",
            (deck_id,),
        )
    ]
    days = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT substr(answered_at, 1, 10) AS day FROM attempts WHERE deck_id = ? ORDER BY day",
            (deck_id,),
        )
    ]
    row = conn.execute(
        "WITH study AS (SELECT a.id, a.card_id, a.correct FROM attempts a"
        "  JOIN sessions s ON s.id = a.session_id"
        "  WHERE a.deck_id = ? AND s.mode = 'study' AND a.cram = 0),"
        " firsts AS (SELECT min(id) AS id FROM study GROUP BY card_id)"
        " SELECT count(*), sum(correct) FROM study WHERE id NOT IN (SELECT id FROM firsts)",
        (deck_id,),
    ).fetchone()
    totals = conn.execute(
        "SELECT count(*), coalesce(sum(correct), 0), max(answered_at) FROM attempts WHERE deck_id = ?",
        (deck_id,),
    ).fetchone()
    return cards, wrong, days, (int(row[0]), int(row[1] or 0)), tuple(totals)


def summary_view(s: Store, deck_id: str) -> tuple[object, ...]:
    """The same figures as read by the store from its summary tables."""
    rows = s.deck_rows(deck_id, wrong_limit=10_000)
    summary = {d.deck_id: d for d in s.summaries()}.get(deck_id)
    totals = (summary.attempts, summary.correct, summary.last_at) if summary else (0, 0, None)
    return rows.cards, rows.wrong, rows.days, rows.reviews, totals


def summary_tables(conn: sqlite3.Connection) -> list[list[tuple[object, ...]]]:
    """Every row of every summary table, sorted."""
    return [sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in store_module.SUMMARY_TABLES]


TYPED = st.sampled_from(["Bern", " bern ", "BERN", "Geneva", "geneva", "", "   ", "Zürich", "zürich"])
OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("session"),
            st.sampled_from(["deck-a", "deck-b"]),
            st.sampled_from(["quiz", "study", "cram", "exam"]),
        ),
        st.tuples(
            st.just("record"),
            st.integers(0, 5),  # which open session (modulo)
            st.sampled_from(["c1", "c2", "c3"]),
            st.booleans(),  # correct
            TYPED,
            st.booleans(),  # cram
            st.integers(0, 3),  # day offset
            st.booleans(),  # first
        ),
        st.tuples(st.just("undo"), st.integers(0, 5)),
        st.tuples(
            st.just("reset_card"), st.sampled_from(["deck-a", "deck-b"]), st.sampled_from(["c1", "c2", "c3"])
        ),
        st.tuples(st.just("reset_deck"), st.sampled_from(["deck-a", "deck-b"])),
    ),
    max_size=40,
)


@given(OPS)
def test_summaries_always_equal_the_attempt_log(ops: list[tuple[object, ...]]) -> None:
    """After any answers, undos and resets, stats read from the summaries equal the log's aggregates."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "quiz.db") as s:
        sessions: list[tuple[int, str]] = []
        for op in ops:
            kind = op[0]
            if kind == "session":
                sessions.append((s.start_session(str(op[1]), str(op[2]), 1, T0), str(op[1])))
            elif kind == "record" and sessions:
                _, pick, card, correct, typed, cram, day, first = op
                sid, _deck = sessions[int(pick) % len(sessions)]  # type: ignore[call-overload]
                at = T0 + timedelta(days=int(day), hours=int(day) * 7)  # type: ignore[call-overload]
                live = s.session(sid)  # gone after a reset (its id is never given out again)
                if live is not None:
                    deck = live.deck_id
                    s.record(
                        attempt(
                            sid,
                            str(card),
                            correct=bool(correct),
                            typed=str(typed),
                            deck_id=deck,
                            cram=bool(cram),
                            at=at,
                            first=bool(first),
                        )
                    )
            elif kind == "undo" and sessions:
                s.undo_last(sessions[int(op[1]) % len(sessions)][0])  # type: ignore[call-overload]
            elif kind == "reset_card":
                s.reset(str(op[1]), str(op[2]))
            elif kind == "reset_deck":
                s.reset(str(op[1]))
        for deck in ("deck-a", "deck-b"):
            assert summary_view(s, deck) == log_aggregates(s.connection, deck)
        kept = summary_tables(s.connection)
        s.rebuild_summaries()
        assert summary_tables(s.connection) == kept


def test_a_schema_1_database_with_history_migrates_to_2_with_its_summaries(db: Path) -> None:
    """A database written by quiz before the summary tables opens at schema 2 with stats unchanged."""
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db, isolation_level=None)
    for statement in store_module.MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("PRAGMA journal_mode = WAL")
    rows = []
    for sid, mode in ((1, "study"), (2, "quiz"), (3, "study")):
        conn.execute(
            "INSERT INTO sessions (id, deck_id, mode, seed, started_at) VALUES (?, 'deck-a', ?, 1, ?)",
            (sid, mode, (T0 + timedelta(days=sid)).isoformat()),
        )
        for n in range(12):
            right = n % 3 != 0
            rows.append(
                (
                    sid,
                    "deck-a",
                    f"c{n % 4}",
                    "Bern" if right else (" geneva" if n % 2 else "Geneva"),
                    int(right),
                    "exact",
                    1.0,
                    900,
                    (T0 + timedelta(days=sid, minutes=n)).isoformat(),
                    3,
                    0,
                    1,
                )
            )
    conn.executemany(
        "INSERT INTO attempts (session_id, deck_id, card_id, typed, correct, rule, score, time_ms,"
        " answered_at, rating, cram, first) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    before = log_aggregates(conn, "deck-a")
    conn.close()
    with Store.open(db) as s:
        assert s.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert summary_view(s, "deck-a") == before
        rows_ = s.deck_rows("deck-a")
        assert rows_.reviews[0] == 24 - 4  # two study sessions of 12, less each card's first study answer
        assert rows_.wrong[0] == ("c0", "Geneva", 3)
        assert rows_.days == [(T0 + timedelta(days=d)).date().isoformat() for d in (1, 2, 3)]


def schema_2_database(path: Path) -> sqlite3.Connection:
    """A database as quiz wrote it at schema 2 (before session ids were AUTOINCREMENT), still open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in store_module.MIGRATIONS[:2]:
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def test_a_schema_2_database_keeps_every_session_id_and_never_reuses_one(db: Path) -> None:
    """Migrating to schema 3 keeps all sessions, ids and answers; new ids go above every id in the file."""
    conn = schema_2_database(db)
    for sid, deck, mode in ((1, "deck-a", "quiz"), (2, "deck-b", "study"), (5, "deck-a", "exam")):
        conn.execute(
            "INSERT INTO sessions (id, deck_id, mode, seed, started_at, finished_at, correct, asked,"
            " deck_hash, learner) VALUES (?, ?, ?, ?, ?, ?, 1, 2, 'h', 'ana')",
            (sid, deck, mode, sid * 10, (T0 + timedelta(hours=sid)).isoformat(), T0.isoformat()),
        )
        for card, right in (("c1", 1), ("c2", 0)):
            conn.execute(
                "INSERT INTO attempts (session_id, deck_id, card_id, typed, correct, rule, score, time_ms,"
                " answered_at) VALUES (?, ?, ?, 'x', ?, 'exact', 1.0, 5, ?)",
                (sid, deck, card, right, (T0 + timedelta(hours=sid)).isoformat()),
            )
    # Answers of a session 9 whose row is gone (written with foreign keys off): 9 was used.
    conn.execute(
        "INSERT INTO attempts (session_id, deck_id, card_id, typed, correct, rule, score, time_ms,"
        " answered_at) VALUES (9, 'deck-c', 'c1', 'x', 1, 'exact', 1.0, 5, ?)",
        (T0.isoformat(),),
    )
    Store(db, conn, 1.0).rebuild_summaries()  # as migration 2 left them
    sessions_before = conn.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    attempts_before = conn.execute("SELECT * FROM attempts ORDER BY id").fetchall()
    totals_before = summary_tables(conn)
    conn.close()
    with Store.open(db) as s:
        c = s.connection
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("SELECT * FROM sessions ORDER BY id").fetchall() == sessions_before
        # Every column the rows had, unchanged; the column added by migration 4 is 0 everywhere.
        columns = ", ".join(
            f'"{r[1]}"' for r in c.execute("PRAGMA table_info(attempts)") if r[1] != "overridden"
        )
        assert c.execute(f"SELECT {columns} FROM attempts ORDER BY id").fetchall() == attempts_before
        assert c.execute("SELECT count(*) FROM attempts WHERE overridden != 0").fetchone()[0] == 0
        assert summary_tables(c) == totals_before
        sql = c.execute("SELECT sql FROM sqlite_master WHERE name = 'sessions'").fetchone()[0]
        assert "AUTOINCREMENT" in sql
        assert "sessions_deck_started" in {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
        assert [r[1] for r in c.execute("PRAGMA table_info(sessions)")] == [
            "id", "deck_id", "mode", "seed", "started_at", "finished_at",
            "interrupted", "correct", "asked", "deck_hash", "learner",
        ]  # fmt: skip
        assert c.execute("PRAGMA foreign_key_list(attempts)").fetchone()[2] == "sessions"
        assert [r.id for r in s.sessions("deck-a")] == [5, 1]
        new = s.start_session("deck-a", "quiz", 1, T0)
        assert new == 10
        s.record(attempt(new, "c3"))
        s.reset("deck-a")
        assert s.start_session("deck-a", "quiz", 1, T0) == 11
        with pytest.raises(StoreError, match="session of this answer is not in the database"):
            s.record(attempt(8))  # foreign keys are enforced on the rebuilt table
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_schema_2_database_whose_newest_session_was_reset_continues_above_what_is_left(db: Path) -> None:
    """With no trace left of a reset session, ids continue above the highest one still in the file."""
    conn = schema_2_database(db)
    conn.execute(
        "INSERT INTO sessions (id, deck_id, mode, seed, started_at) VALUES (4, 'deck-a', 'quiz', 1, ?)",
        (T0.isoformat(),),
    )
    conn.close()
    with Store.open(db) as s:
        assert s.start_session("deck-a", "quiz", 1, T0) == 5
    empty = db.parent / "empty" / "quiz.db"
    schema_2_database(empty).close()
    with Store.open(empty) as s:
        first = s.start_session("deck-a", "quiz", 1, T0)
        s.reset("deck-a")
        assert (first, s.start_session("deck-a", "quiz", 1, T0)) == (1, 2)


# -- concurrency ---------------------------------------------------------------------------
WRITER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from quiz.model import Attempt
from quiz.store import Store
path, deck, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
while time.time() < start:
    pass
with Store.open(path) as s:
    sid = s.start_session(deck, "quiz", 1, datetime.now(timezone.utc))
    for n in range(int(sys.argv[4]) if len(sys.argv) > 4 else 200):
        now = datetime.now(timezone.utc).isoformat()
        s.record(Attempt(sid, deck, f"c{n}", "typed", n % 3 == 0, "exact", 1.0, 10, now))
    s.finish_session(sid, datetime.now(timezone.utc))
"""


def test_two_processes_create_the_schema_and_write_at_once(db: Path) -> None:
    """Two processes opening a missing database at the same instant both save all 200 answers."""
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), deck, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for deck in ("deck-a", "deck-b")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    with Store.open(db) as s:
        assert len(s.attempts()) == 400
        assert {(r.deck_id, r.asked, r.correct) for r in s.sessions()} == {
            ("deck-a", 200, 67),
            ("deck-b", 200, 67),
        }
        assert s.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_many_processes_racing_to_create_the_schema_all_succeed(tmp_path: Path) -> None:
    """Six processes opening the same missing database at once each create or reuse the schema."""
    db = tmp_path / "new" / "quiz.db"
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), f"deck-{k}", str(start), "20"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(6)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Store.open(db) as s:
        assert len(s.attempts()) == 120
        assert s.deck_ids() == [f"deck-{k}" for k in range(6)]


def test_a_lock_held_past_the_timeout_is_a_clear_error(db: Path) -> None:
    """Another writer holding the lock longer than the timeout → StoreError; earlier answers stay."""
    with Store.open(db, timeout=0.2) as s:
        sid = s.start_session("deck-a", "quiz", 1, T0)
        s.record(attempt(sid, "c1"))
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        with pytest.raises(StoreError, match="locked by another program"):
            s.record(attempt(sid, "c2"))
        assert 0.15 < time.monotonic() - began < 5
        other.execute("ROLLBACK")
        other.close()
        assert [a.card_id for a in s.attempts()] == ["c1"]
        s.record(attempt(sid, "c3"))
        assert [a.card_id for a in s.attempts()] == ["c1", "c3"]


def test_a_lock_held_while_creating_the_schema_is_a_clear_error(tmp_path: Path) -> None:
    """Opening a fresh database while another program holds its write lock fails cleanly after the timeout."""
    path = tmp_path / "quiz.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError, match="locked"):
        Store.open(path, timeout=0.2)
    other.execute("ROLLBACK")
    other.close()
    with Store.open(path) as s:
        assert s.attempts() == []


def test_a_lock_released_within_the_timeout_is_waited_for(db: Path) -> None:
    """A writer that finishes within the busy timeout only delays the answer."""
    with Store.open(db, timeout=5) as s:
        sid = s.start_session("deck-a", "quiz", 1, T0)
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        timer = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
        timer.start()
        s.record(attempt(sid, "c1"))
        timer.join()
        other.close()
        assert len(s.attempts()) == 1


# -- disk full ----------------------------------------------------------------------------------
def test_disk_full_is_a_clear_error_and_loses_nothing(db: Path) -> None:
    """When the database cannot grow, recording fails with StoreError and earlier answers remain."""
    with Store.open(db) as s:
        sid = s.start_session("deck-a", "quiz", 1, T0)
        s.record(attempt(sid, "c0"))
        pages = s.connection.execute("PRAGMA page_count").fetchone()[0]
        s.connection.execute(f"PRAGMA max_page_count = {pages}")
        saved = 1
        with pytest.raises(StoreError, match="disk is full"):
            for n in range(1, 10_000):
                s.record(attempt(sid, f"c{n}", typed="z" * 300))
                saved += 1
        assert not s.connection.in_transaction
        assert len(s.attempts()) == saved
    with Store.open(db) as s:
        assert len(s.attempts()) == saved
        rec = s.session(sid)
        assert rec is not None and rec.asked == saved
        assert s.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- bad files ------------------------------------------------------------------------------------
def assert_refused(path: Path, match: str) -> None:
    """Opening (and using) ``path`` raises StoreError matching ``match`` and leaves its bytes alone."""
    before = path.read_bytes()
    with pytest.raises(StoreError, match=match) as info, Store.open(path, timeout=0.5) as s:
        s.attempts()
        s.record(attempt(1))
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert path.read_bytes() == before


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    """A file that is not SQLite at all is refused and kept."""
    path = tmp_path / "quiz.db"
    path.write_text("these are my notes, not a database\n" * 20)
    assert_refused(path, "not a quiz database, or corrupt.*move it aside or use --data-dir")


def test_a_tiny_junk_file_is_refused(tmp_path: Path) -> None:
    """Even a few bytes of junk are refused, not treated as a new database."""
    path = tmp_path / "quiz.db"
    path.write_bytes(b"\x00\x01junk")
    assert_refused(path, "move it aside")


def test_corrupt_bytes_are_refused(tmp_path: Path) -> None:
    """A quiz database with garbage over its pages is refused and never repaired or overwritten."""
    path = tmp_path / "quiz.db"
    make_quiz_db(path, answers=200)
    data = bytearray(path.read_bytes())
    assert len(data) > 4 * 4096
    data[4096:-4096] = bytes((n * 37 + 11) % 256 for n in range(len(data) - 8192))
    path.write_bytes(bytes(data))
    assert_refused(path, "corrupt")


def test_a_truncated_database_is_refused(tmp_path: Path) -> None:
    """A quiz database cut short is refused and kept as it is."""
    path = tmp_path / "quiz.db"
    make_quiz_db(path, answers=200)
    path.write_bytes(path.read_bytes()[:5000])
    assert_refused(path, "corrupt")


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    """Another program's SQLite file (its own tables, user_version 0) is not touched."""
    path = tmp_path / "quiz.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.commit()
    conn.close()
    assert_refused(path, "not a quiz database \\(it has other tables: contacts\\); move it aside")
    assert not Path(f"{path}-wal").exists()


def test_a_foreign_versioned_sqlite_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file with a user_version but not our application id is refused."""
    path = tmp_path / "quiz.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (x)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    assert_refused(path, "not a quiz database; move it aside")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer quiz is refused with its version, and not downgraded."""
    path = tmp_path / "quiz.db"
    make_quiz_db(path, answers=3)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    assert_refused(
        path, f"newer quiz \\(schema {SCHEMA_VERSION + 5}, this quiz knows up to {SCHEMA_VERSION}\\)"
    )


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    """A database file without write permission is refused before anything is written."""
    path = tmp_path / "quiz.db"
    make_quiz_db(path, answers=3)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert_refused(path, "read-only; make it writable, or use --data-dir")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    """A data directory that cannot be written is refused and no file is created in it."""
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError, match="data directory is read-only"):
            Store.open(data / "quiz.db")
        assert os.listdir(data) == []
    finally:
        data.chmod(stat.S_IRWXU)


def test_a_directory_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    """A directory named quiz.db is reported, not deleted."""
    (tmp_path / "quiz.db").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path / "quiz.db")
    assert (tmp_path / "quiz.db").is_dir()


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    """A zero-byte file (e.g. from touch) is taken as an empty database."""
    path = tmp_path / "quiz.db"
    path.touch()
    with Store.open(path) as s:
        assert s.deck_ids() == []


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def test_a_lock_held_by_another_process_is_a_clear_error(db: Path) -> None:
    """Another process holding the write lock past the timeout → StoreError; nothing saved is lost."""
    make_quiz_db(db, answers=4)
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), "3"], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with Store.open(db, timeout=0.3) as s:
            assert len(s.attempts()) == 4  # readers are not blocked in WAL mode
            with pytest.raises(StoreError, match=r"locked by another program \(waited 0\.3 s\)"):
                s.record(attempt(1, "late"))
    with Store.open(db) as s:
        assert len(s.attempts()) == 4
        s.record(attempt(1, "later"))
        assert len(s.attempts()) == 5


def test_an_uncreatable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    """A data directory that cannot be created (a file is in the way) is a one-line error."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        Store.open(blocker / "data" / "quiz.db")


def test_a_schema_2_file_without_its_summary_tables_is_refused(db: Path) -> None:
    """A version-2 database that lost a summary table is reported as damaged, not silently used."""
    make_quiz_db(db, answers=2)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE wrong_totals")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="missing tables"):
        Store.open(db)


def test_the_common_wrong_answers_are_read_in_order_from_an_index(opened: Store) -> None:
    """The top wrong answers come straight from the wrong_totals index: no sort of every wrong answer."""
    plan = " ".join(
        r[3]
        for r in opened.connection.execute(
            "EXPLAIN QUERY PLAN SELECT card_id, typed, times FROM wrong_totals"
            " INDEXED BY wrong_totals_deck_times WHERE deck_id = ?"
            " ORDER BY times DESC, card_id, typed LIMIT 10",
            ("deck-a",),
        )
    )
    assert "wrong_totals_deck_times" in plan and "TEMP B-TREE" not in plan


# -- overrides ("I was right") ---------------------------------------------------------------
def test_an_override_counts_the_last_answer_as_right_everywhere(opened: Store) -> None:
    """Overriding the last answer makes it right in the log, the session's score, the card's totals and
    the wrong answers, exactly as if it had been graded right; it is listed as overridden."""
    sid = opened.start_session("deck-a", "quiz", 1, T0)
    opened.record(attempt(sid, "c1", correct=True))
    opened.record(attempt(sid, "c2", correct=False, typed="Berne "))
    last = opened.override_last(sid)
    assert last is not None and (last.card_id, last.correct, last.overridden, last.score) == (
        "c2",
        True,
        True,
        1.0,
    )
    assert last.rule == "wrong"  # what the grader said is kept
    stored = opened.attempts(session_id=sid)[-1]
    assert (stored.correct, stored.overridden, stored.rule) == (True, True, "wrong")
    session = opened.session(sid)
    assert session is not None and (session.correct, session.asked) == (2, 2)
    rows = opened.deck_rows("deck-a")
    assert rows.cards["c2"] == (1, 1, 0)
    assert rows.wrong == []
    assert rows.overridden == [("c2", "Berne ", 1)]
    assert opened.overridden("deck-a") == [("c2", "Berne ", 1)]
    before = summary_tables(opened.connection)
    opened.rebuild_summaries()
    assert summary_tables(opened.connection) == before  # the summaries equal what the log gives


def test_overridden_answers_are_grouped_per_card_and_spelling(opened: Store) -> None:
    """Overridden answers differing only in case or surrounding spaces count together, per card."""
    for typed in ("Berne", " berne", "Bern city"):
        sid = opened.start_session("deck-a", "quiz", 1, T0)
        opened.record(attempt(sid, "c2", correct=False, typed=typed))
        opened.override_last(sid)
    assert [(r.card_id, r.typed.strip().lower(), r.times) for r in opened.overridden("deck-a")] == [
        ("c2", "berne", 2),
        ("c2", "bern city", 1),
    ]
    assert opened.overridden("deck-b") == []


def test_an_override_in_study_replaces_rating_and_state(opened: Store) -> None:
    """In a study session the override also stores the new rating and the card's new state."""
    sid = opened.start_session("deck-a", "study", 1, T0)
    opened.record(attempt(sid, "c1", correct=False, rating=1), state=state("c1", phase="relearning"))
    opened.override_last(sid, rating=3, state=state("c1", phase="review"))
    assert opened.attempts(session_id=sid)[0].rating == 3
    assert opened.card_states("deck-a")["c1"].phase == "review"
    assert opened.deck_rows("deck-a").reviews == (0, 0)  # the card's first study answer, now right
    assert opened.connection.execute("SELECT first_study_correct FROM card_totals").fetchone()[0] == 1


def test_an_override_is_refused_in_an_exam_and_for_a_right_answer(opened: Store) -> None:
    """An exam's answer (the instructor decides) and an answer already right cannot be overridden; a
    session without answers has nothing to override."""
    exam = opened.start_session("deck-a", "exam", 1, T0)
    opened.record(attempt(exam, "c1", correct=False))
    with pytest.raises(ValueError, match="exam"):
        opened.override_last(exam)
    quiz = opened.start_session("deck-a", "quiz", 1, T0)
    assert opened.override_last(quiz) is None
    opened.record(attempt(quiz, "c1", correct=True))
    with pytest.raises(ValueError, match="already right"):
        opened.override_last(quiz)
    with pytest.raises(StoreError, match="not in the database"):
        opened.override_last(9999)
    assert not any(a.overridden for a in opened.attempts())


def test_an_answer_recorded_as_overridden_must_be_right(opened: Store) -> None:
    """Recording an overridden answer that is not right is refused; a right one is stored as overridden."""
    sid = opened.start_session("deck-a", "quiz", 1, T0)
    with pytest.raises(ValueError, match="overridden"):
        opened.record(replace(attempt(sid, correct=False), overridden=True))
    opened.record(replace(attempt(sid, correct=True, typed="Berne"), overridden=True))
    assert [a.overridden for a in opened.attempts()] == [True]
    assert opened.overridden("deck-a") == [("c1", "Berne", 1)]


def test_overridden_answers_are_read_through_their_partial_index(opened: Store) -> None:
    """Listing a deck's overridden answers reads the partial index, not the deck's whole attempt log."""
    seen: list[str] = []
    opened.connection.set_trace_callback(seen.append)
    opened.overridden("deck-a")
    opened.connection.set_trace_callback(None)
    query = next(q for q in seen if "overridden = 1" in q)
    plan = " ".join(str(r[3]) for r in opened.connection.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert "USING INDEX attempts_overridden" in plan, plan


# -- FSRS parameters per deck ---------------------------------------------------------------
def test_fsrs_params_are_kept_per_deck_and_survive_reopening(db: Path) -> None:
    """Parameters set for one deck are read back exactly after reopening, replace the old ones, and
    leave other decks on the defaults (None)."""
    fitted = [
        0.4,
        1.2,
        3.1,
        15.7,
        7.2,
        0.5,
        1.5,
        0.005,
        1.5,
        0.1,
        1.0,
        1.9,
        0.1,
        0.3,
        2.3,
        0.2,
        3.0,
        0.5,
        0.6,
    ]
    with Store.open(db) as s:
        assert s.fsrs_params("deck-a") is None
        s.set_fsrs_params("deck-a", [1.0] * 19, T0, 10)
        s.set_fsrs_params("deck-a", fitted, T0 + timedelta(days=1), 1234)
    with Store.open(db) as s:
        got = s.fsrs_params("deck-a")
        assert got is not None
        assert got.params == tuple(fitted)
        assert (got.deck_id, got.reviews) == ("deck-a", 1234)
        assert got.fitted_at == (T0 + timedelta(days=1)).isoformat(timespec="microseconds")
        assert s.fsrs_params("deck-b") is None
        assert s.clear_fsrs_params("deck-a") is True
        assert s.clear_fsrs_params("deck-a") is False
        assert s.fsrs_params("deck-a") is None


def test_bad_fsrs_params_are_refused_and_a_damaged_row_is_a_clear_error(opened: Store) -> None:
    """Empty, non-finite or non-numeric parameters and a negative count are refused before writing; a
    row that is not a JSON list of numbers is reported as damage in one line."""
    for params in ([], [1.0, float("nan")], [1.0, float("inf")], [True, 1.0]):
        with pytest.raises(ValueError):
            opened.set_fsrs_params("deck-a", params, T0, 5)
    with pytest.raises(ValueError, match="negative"):
        opened.set_fsrs_params("deck-a", [1.0], T0, -1)
    assert opened.connection.execute("SELECT count(*) FROM fsrs_params").fetchone()[0] == 0
    opened.connection.execute("INSERT INTO fsrs_params VALUES ('deck-a', '{\"w\": 1}', '', 3)")
    with pytest.raises(StoreError, match=r"damaged.*FSRS parameters of deck 'deck-a'"):
        opened.fsrs_params("deck-a")


# -- the disk, the limits and files left behind (issue 19 part 5) ------------------------------
LIMITED = """
import resource, sys
from datetime import datetime, timezone
from pathlib import Path
from quiz.errors import StoreError
from quiz.model import Attempt
from quiz.store import Store
db, limit, answers = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
now = datetime(2026, 3, 1, tzinfo=timezone.utc).isoformat()
store = None
try:
    if answers:  # open first, then meet the limit while answering
        store = Store.open(db)
        sid = store.start_session("deck-a", "quiz", 1, datetime.now(timezone.utc))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    if store is None:
        store = Store.open(db)
    for n in range(answers):
        store.record(Attempt(sid, "deck-a", f"c{n}", "x" * 500, False, "wrong", 0.0, 5, now))
        print("saved", n + 1, flush=True)
    print("opened")
except StoreError as err:
    print(err)
    sys.exit(3)
"""


def run_limited(db: Path, limit: int, answers: int = 0) -> subprocess.CompletedProcess[str]:
    """Open (and with ``answers``, answer into) ``db`` in a process whose files cannot grow past ``limit``."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(db), str(limit), str(answers)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_file_size_limit_while_opening_is_not_called_corruption(db: Path) -> None:
    """A healthy database that must be migrated under a file-size limit ('ulimit -f') is not called
    corrupt: the message names the limit and says the file is not damaged; nothing is changed, and
    without the limit it opens with every answer."""
    conn = schema_2_database(db)
    conn.execute(
        "INSERT INTO sessions (id, deck_id, mode, seed, started_at) VALUES (1, 'deck-a', 'quiz', 1, ?)",
        (T0.isoformat(),),
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db.read_bytes()
    got = run_limited(db, limit=4096)
    assert got.returncode == 3, got.stdout + got.stderr
    message = got.stdout.strip()
    assert "corrupt" not in message and "move it aside" not in message
    assert "file-size limit" in message and "not damaged" in message and "nothing was changed" in message
    assert "Traceback" not in got.stderr
    assert db.read_bytes() == before
    with Store.open(db) as s:
        assert [r.id for r in s.sessions()] == [1]


def test_a_file_size_limit_while_answering_keeps_every_saved_answer(db: Path) -> None:
    """Meeting a file-size limit while recording stops with a message about writing, not corruption, and
    every answer acknowledged before is in the database afterwards."""
    make_quiz_db(db, answers=1)
    got = run_limited(db, limit=db.stat().st_size + 40_000, answers=2_000)
    assert got.returncode == 3, got.stdout + got.stderr
    message = got.stdout.strip().splitlines()[-1]
    assert "cannot write the database" in message and "this answer was not saved" in message
    assert "corrupt" not in message
    saved = sum(1 for line in got.stdout.splitlines() if line.startswith("saved"))
    with Store.open(db) as s:
        assert len(s.attempts()) == 1 + saved
        assert s.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_while_opening_is_not_called_corruption(db: Path) -> None:
    """SQLite's 'disk full' (and its write errors) while opening are reported as a disk problem that
    changed nothing; 'not a database' stays corruption."""
    from quiz.store.connection import translate

    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    write = sqlite3.OperationalError("disk I/O error")
    write.sqlite_errorcode = 778  # type: ignore[attr-defined]
    for err in (full, write):
        text = str(translate(db, err, 1.0, opening=True))
        assert "the disk is full" in text and "not damaged" in text and "corrupt" not in text
    broken = sqlite3.DatabaseError("file is not a database")
    broken.sqlite_errorcode = 26  # type: ignore[attr-defined]
    assert "corrupt" in str(translate(db, broken, 1.0, opening=True))


SHM = """
import os, sys
from datetime import datetime, timezone
from pathlib import Path
from quiz.errors import StoreError
from quiz.model import Attempt
from quiz.store import Store
db = Path(sys.argv[1])
if os.geteuid() == 0:  # root writes read-only files anyway: be an ordinary user, as a learner is
    os.setgid(65534)
    os.setuid(65534)
now = datetime(2026, 3, 1, tzinfo=timezone.utc).isoformat()
with Store.open(db) as s:
    sid = s.start_session("deck-a", "quiz", 1, datetime.now(timezone.utc))
    s.record(Attempt(sid, "deck-a", "c1", "x", True, "exact", 1.0, 5, now))
db.chmod(0o444)
try:
    Store.open(db)
except StoreError as err:
    print("refused:", err)
print("left:", sorted(p.name for p in db.parent.iterdir() if not os.access(p, os.W_OK)))
db.chmod(0o644)
with Store.open(db) as s:
    s.record(Attempt(sid, "deck-a", "c2", "y", True, "exact", 1.0, 5, now))
    print("answers:", len(s.attempts()))
"""


def test_a_stale_read_only_shm_is_recovered_when_the_database_is_writable(tmp_path: Path) -> None:
    """Reading a read-only database leaves a read-only -shm behind; once the database is writable
    again, the next quiz saves its answers instead of calling the writable database read-only."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="quiz-shm-"))  # outside pytest's 0700 directory
    try:
        if os.geteuid() == 0:
            os.chown(home, 65534, 65534)
        got = subprocess.run(
            [sys.executable, "-c", SHM, str(db_path(home))], capture_output=True, text=True, timeout=60
        )
        assert got.returncode == 0, got.stdout + got.stderr
        lines = got.stdout.splitlines()
        assert lines[0].startswith("refused:") and "read-only" in lines[0]
        assert "quiz.db-shm" in lines[1]  # the stale file was there
        assert lines[2] == "answers: 2"
    finally:
        import shutil

        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("version", [-1, -4, -5, -2_000_000_000])
def test_a_negative_user_version_is_refused(db: Path, version: int) -> None:
    """A user_version no quiz writes (negative) is refused in one line, and the file is not changed."""
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match=rf"not a quiz database \(user_version {version}"):
        Store.open(db)
    assert db.read_bytes() == before


def test_another_programs_application_id_is_refused(db: Path) -> None:
    """An empty SQLite file marked by another program's application_id is not taken over."""
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="not a quiz database"):
        Store.open(db)
    assert db.read_bytes() == before
