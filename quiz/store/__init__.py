"""The score database: sessions, the append-only attempt log and card states, in SQLite.

One file, ``<data dir>/quiz.db``, in WAL mode with a busy timeout so several quizzes can
write at once. The schema is a list of numbered migrations recorded in ``PRAGMA
user_version``; ``PRAGMA application_id`` marks the file as ours. Every write is one
``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction (one per answer). A file that is not
ours, is corrupt, read-only or from a newer quiz is refused with a :class:`StoreError`
and never written to. See ``docs/scores.md``.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from quiz.clock import normalize_time, utc_text
from quiz.errors import StoreError
from quiz.model import LEECH_MISSES, Attempt, CardState, SessionRecord
from quiz.store.rows import DeckRows

__all__ = [
    "LEECH_MISSES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "DeckRows",
    "DeckSummary",
    "Removed",
    "Store",
    "db_path",
    "normalize_time",
    "parse_time",
    "utc_text",
]

DB_NAME = "quiz.db"
#: ``PRAGMA application_id`` of a quiz database: "QUIZ" in ASCII.
APPLICATION_ID = 0x5155495A
MODES = ("quiz", "exam", "study", "cram")
PHASES = ("learning", "review", "relearning")


def _fill_summaries(where: str) -> tuple[str, str, str]:
    """INSERT ... SELECT statements that compute the summary rows of the attempts matching ``where``.

    ``where`` is "" (every attempt) or a condition on ``a.deck_id`` / ``a.card_id`` (with ``?``).
    """
    cond = f" WHERE {where}" if where else ""
    also = f" AND {where}" if where else ""
    # Every row: one pass over the table and a sort (3 s for 1M) beats visiting the rows in
    # index order (6 s). A few cards: the index.
    source = "attempts a" if where else "attempts a NOT INDEXED"
    study = "(s.mode = 'study' AND a.cram = 0)"
    return (
        "INSERT INTO card_totals (deck_id, card_id, attempts, correct, misses, study, study_correct,"
        " first_study_correct, last_at)"
        " SELECT a.deck_id, a.card_id, count(*), sum(a.correct), sum(a.correct = 0 AND a.cram = 0),"
        f" sum({study}), sum({study} AND a.correct = 1),"
        # The verdict of the card's first study answer: ids are unique, so the smallest
        # id * 2 + verdict belongs to that answer, and its parity is the verdict.
        f" coalesce(min(CASE WHEN {study} THEN a.id * 2 + (a.correct != 0) END) % 2, 0),"
        " max(a.answered_at)"
        f" FROM {source} JOIN sessions s ON s.id = a.session_id{cond} GROUP BY a.deck_id, a.card_id",
        "INSERT INTO day_totals (deck_id, day, answers)"
        f" SELECT a.deck_id, substr(a.answered_at, 1, 10), count(*) FROM attempts a{cond}"
        " GROUP BY a.deck_id, substr(a.answered_at, 1, 10)",
        "INSERT INTO wrong_totals (deck_id, card_id, answer, times, typed)"
        " SELECT a.deck_id, a.card_id, lower(trim(a.typed)), count(*), min(a.typed) FROM attempts a"
        f" WHERE a.correct = 0 AND trim(a.typed) != ''{also}"
        " GROUP BY a.deck_id, a.card_id, lower(trim(a.typed))",
    )


#: Each entry is one schema version; entry ``n`` (1-based) moves ``user_version`` from n-1 to n.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """CREATE TABLE sessions (
            id          INTEGER PRIMARY KEY,
            deck_id     TEXT    NOT NULL,
            mode        TEXT    NOT NULL CHECK (mode IN ('quiz', 'exam', 'study', 'cram')),
            seed        INTEGER NOT NULL,
            started_at  TEXT    NOT NULL,
            finished_at TEXT,
            interrupted INTEGER NOT NULL DEFAULT 0,
            correct     INTEGER NOT NULL DEFAULT 0,
            asked       INTEGER NOT NULL DEFAULT 0,
            deck_hash   TEXT    NOT NULL DEFAULT '',
            learner     TEXT    NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX sessions_deck_started ON sessions (deck_id, started_at)",
        """CREATE TABLE attempts (
            id          INTEGER PRIMARY KEY,
            session_id  INTEGER NOT NULL REFERENCES sessions (id),
            deck_id     TEXT    NOT NULL,
            card_id     TEXT    NOT NULL,
            typed       TEXT    NOT NULL,
            correct     INTEGER NOT NULL,
            rule        TEXT    NOT NULL,
            score       REAL    NOT NULL,
            time_ms     INTEGER NOT NULL,
            answered_at TEXT    NOT NULL,
            rating      INTEGER CHECK (rating BETWEEN 1 AND 4),
            cram        INTEGER NOT NULL DEFAULT 0,
            first       INTEGER NOT NULL DEFAULT 1
        )""",
        # `correct` and `cram` trail the key so per-card accuracy and misses are read from the index alone.
        "CREATE INDEX attempts_deck_card ON attempts (deck_id, card_id, correct, cram)",
        "CREATE INDEX attempts_session ON attempts (session_id)",
        "CREATE INDEX attempts_deck_time ON attempts (deck_id, answered_at)",
        """CREATE TABLE card_states (
            deck_id TEXT    NOT NULL,
            card_id TEXT    NOT NULL,
            phase   TEXT    NOT NULL,
            due_at  TEXT    NOT NULL,
            data    TEXT    NOT NULL,
            reps    INTEGER NOT NULL DEFAULT 0,
            lapses  INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (deck_id, card_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX card_states_deck_due ON card_states (deck_id, due_at)",
    ),
    (
        # Running totals kept by every write, so `quiz stats` reads about one row per card
        # instead of aggregating the whole attempt log (docs/scores.md, "Summary tables").
        """CREATE TABLE card_totals (
            deck_id             TEXT    NOT NULL,
            card_id             TEXT    NOT NULL,
            attempts            INTEGER NOT NULL,
            correct             INTEGER NOT NULL,
            misses              INTEGER NOT NULL,
            study               INTEGER NOT NULL,
            study_correct       INTEGER NOT NULL,
            first_study_correct INTEGER NOT NULL,
            last_at             TEXT    NOT NULL,
            PRIMARY KEY (deck_id, card_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE day_totals (
            deck_id TEXT    NOT NULL,
            day     TEXT    NOT NULL,
            answers INTEGER NOT NULL,
            PRIMARY KEY (deck_id, day)
        ) WITHOUT ROWID""",
        """CREATE TABLE wrong_totals (
            deck_id TEXT    NOT NULL,
            card_id TEXT    NOT NULL,
            answer  TEXT    NOT NULL,
            times   INTEGER NOT NULL,
            typed   TEXT    NOT NULL,
            PRIMARY KEY (deck_id, card_id, answer)
        ) WITHOUT ROWID""",
        "CREATE INDEX wrong_totals_deck_times ON wrong_totals (deck_id, times DESC, card_id, typed)",
        # The backfill: the same statements as Store.rebuild_summaries.
        *_fill_summaries(""),
    ),
    (
        # Session ids are never given out twice, even after 'quiz reset' deleted the newest
        # session: AUTOINCREMENT, by SQLite's table rebuild (foreign keys are off while
        # migrating, see Store._migrate), keeping every row and id.
        """CREATE TABLE sessions_new (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            deck_id     TEXT    NOT NULL,
            mode        TEXT    NOT NULL CHECK (mode IN ('quiz', 'exam', 'study', 'cram')),
            seed        INTEGER NOT NULL,
            started_at  TEXT    NOT NULL,
            finished_at TEXT,
            interrupted INTEGER NOT NULL DEFAULT 0,
            correct     INTEGER NOT NULL DEFAULT 0,
            asked       INTEGER NOT NULL DEFAULT 0,
            deck_hash   TEXT    NOT NULL DEFAULT '',
            learner     TEXT    NOT NULL DEFAULT ''
        )""",
        # The columns spelled out: a migration must not change when _SESSION_COLUMNS does.
        "INSERT INTO sessions_new (id, deck_id, mode, seed, started_at, finished_at, interrupted, correct,"
        " asked, deck_hash, learner) SELECT id, deck_id, mode, seed, started_at, finished_at, interrupted,"
        " correct, asked, deck_hash, learner FROM sessions",
        "DROP TABLE sessions",
        "ALTER TABLE sessions_new RENAME TO sessions",
        "CREATE INDEX sessions_deck_started ON sessions (deck_id, started_at)",
        # Start above every id the file still shows was used, answers left without their session too.
        "DELETE FROM sqlite_sequence WHERE name = 'sessions'",
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'sessions', max("
        "coalesce((SELECT max(id) FROM sessions), 0), coalesce((SELECT max(session_id) FROM attempts), 0))",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("attempts", "card_states", "sessions")
#: Tables added by migration 2.
SUMMARY_TABLES = ("card_totals", "day_totals", "wrong_totals")

MOVE_ASIDE = "move it aside or use --data-dir"
_GONE = (
    "the session {} is not in the database (was it removed by 'quiz reset' while running?); start a new one"
)
MAKE_WRITABLE = "make it writable, or use --data-dir"


def db_path(data_dir: Path) -> Path:
    """The database file inside a data directory."""
    return Path(data_dir) / DB_NAME


@dataclass(frozen=True)
class Removed:
    """What :meth:`Store.forget` deleted."""

    attempts: int = 0
    states: int = 0
    sessions: int = 0

    @property
    def total(self) -> int:
        """All rows deleted."""
        return self.attempts + self.states + self.sessions


@dataclass(frozen=True)
class DeckSummary:
    """One line of ``quiz stats`` without a deck."""

    deck_id: str
    sessions: int
    attempts: int
    correct: int
    last_at: str | None
    last_correct: int
    last_asked: int


def _is_locked(err: sqlite3.Error) -> bool:
    text = str(err).lower()
    return "locked" in text or "busy" in text


class Store:
    """An open score database; use :meth:`open`, then :meth:`close` (or ``with``)."""

    path: Path

    def __init__(self, path: Path, conn: sqlite3.Connection, timeout: float) -> None:
        self.path = path
        self._conn = conn
        self._timeout = timeout

    # -- opening -------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, timeout: float = 10.0) -> Store:
        """Open (creating the directory and schema if needed) the database at ``path``."""
        path = Path(path)
        _check_location(path)
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise _translate(path, err, timeout) from None
        store = cls(path, conn, timeout)
        try:
            store._prepare()
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        """Refuse a foreign, newer or broken file before anything is written, then migrate."""
        deadline = time.monotonic() + self._timeout
        version = self._retry(self._inspect, deadline)
        _check_writable(self.path)
        self._retry(self._use_wal, deadline)
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA synchronous = FULL")  # an answer shown as saved survives a power cut
        if version < SCHEMA_VERSION:
            self._retry(self._migrate, deadline)

    def _retry(self, step: Callable[[], int], deadline: float) -> int:
        """Run ``step`` again while another process holds the lock, until ``deadline``."""
        while True:
            try:
                return step()
            except sqlite3.Error as err:
                if self._conn.in_transaction:
                    self._conn.rollback()
                if _is_locked(err) and time.monotonic() < deadline:
                    time.sleep(0.02)
                    continue
                raise _translate(self.path, err, self._timeout) from None

    def _inspect(self) -> int:
        """The schema version of the file, after checking it is a quiz database we understand."""
        conn = self._conn
        # One read transaction, one snapshot: another process may be migrating between two reads.
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            if own and conn.in_transaction:
                conn.execute("COMMIT")
        tables = {t for t in tables if not t.startswith("sqlite_")}
        where = f"{self.path}"
        if version == 0 and tables:
            raise StoreError(
                f"{where}: this SQLite file is not a quiz database (it has other tables: "
                f"{', '.join(sorted(tables)[:3])}); {MOVE_ASIDE}"
            )
        if version > 0 and app_id != APPLICATION_ID:
            raise StoreError(f"{where}: this SQLite file is not a quiz database; {MOVE_ASIDE}")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{where}: the database was written by a newer quiz (schema {version}, this quiz "
                f"knows up to {SCHEMA_VERSION}); upgrade quiz, or {MOVE_ASIDE}"
            )
        required = set(TABLES) | (set(SUMMARY_TABLES) if version >= 2 else set())
        if version > 0 and not required <= tables:
            raise StoreError(f"{where}: the quiz database is missing tables (damaged); {MOVE_ASIDE}")
        return version

    def _use_wal(self) -> int:
        mode = str(self._conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "wal":
            self._conn.execute("PRAGMA journal_mode = WAL")
        return 0

    def _migrate(self) -> int:
        """Apply the missing migrations in one transaction, re-reading the version under the lock.

        Foreign keys are off meanwhile (SQLite's table rebuild drops a parent table; the pragma
        cannot change inside a transaction), and back on before returning, even on failure.
        """
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execute("BEGIN IMMEDIATE")
            version = self._inspect()  # another process may have migrated while we waited
            for number in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.rollback()
            conn.execute("PRAGMA foreign_keys = ON")
        return SCHEMA_VERSION

    def close(self) -> None:
        """Close the connection (committed data is already on disk)."""
        try:
            self._conn.close()
        except sqlite3.Error as err:
            raise _translate(self.path, err, self._timeout) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (for benchmarks and fault-injection tests)."""
        return self._conn

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def _write(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE (waiting for the lock), COMMIT, or roll back."""
        conn = self._conn
        deadline = time.monotonic() + self._timeout
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as err:
                    if _is_locked(err) and time.monotonic() < deadline:
                        time.sleep(0.02)
                        continue
                    raise
            yield conn
            conn.execute("COMMIT" if commit else "ROLLBACK")
        except sqlite3.Error as err:
            if conn.in_transaction:
                conn.rollback()
            raise _translate(self.path, err, self._timeout) from None
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """Queries, with SQLite errors turned into :class:`StoreError`."""
        try:
            yield self._conn
        except sqlite3.Error as err:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise _translate(self.path, err, self._timeout) from None

    # -- sessions and attempts -----------------------------------------------------
    def start_session(
        self,
        deck_id: str,
        mode: str,
        seed: int,
        started_at: datetime,
        *,
        deck_hash: str = "",
        learner: str = "",
    ) -> int:
        """Record a new session and return its id (never one used before in this file, even if deleted)."""
        if mode not in MODES:
            raise ValueError(f"unknown session mode {mode!r} (one of {', '.join(MODES)})")
        started = utc_text(started_at)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (deck_id, mode, seed, started_at, deck_hash, learner)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (deck_id, mode, seed, started, deck_hash, learner),
            )
            return int(cur.lastrowid or 0)

    def record(self, attempt: Attempt, *, state: CardState | None = None) -> int:
        """Save one answer (and the card's new state) in one transaction; return the attempt id.

        Refused with :class:`StoreError` when the answer's session is gone or is of another deck
        (it was removed by ``quiz reset`` while the quiz ran): nothing is saved.
        """
        answered = normalize_time(attempt.answered_at)
        if state is not None:
            _check_state(state)
        with self._write() as conn:
            session = conn.execute(
                "SELECT deck_id, mode FROM sessions WHERE id = ?", (attempt.session_id,)
            ).fetchone()
            if session is None:
                raise StoreError(f"{self.path}: {_GONE.format('of this answer')}")
            if session[0] != attempt.deck_id:
                raise StoreError(
                    f"{self.path}: session {attempt.session_id} is of deck {session[0]!r}, not "
                    f"{attempt.deck_id!r} (was this quiz's session removed by 'quiz reset' while it "
                    "ran?); start a new one"
                )
            cur = conn.execute(
                "INSERT INTO attempts (session_id, deck_id, card_id, typed, correct, rule, score,"
                " time_ms, answered_at, rating, cram, first) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt.session_id,
                    attempt.deck_id,
                    attempt.card_id,
                    attempt.typed,
                    int(attempt.correct),
                    attempt.rule,
                    float(attempt.score),
                    int(attempt.time_ms),
                    answered,
                    attempt.rating,
                    int(attempt.cram),
                    int(attempt.first),
                ),
            )
            if attempt.first:
                conn.execute(
                    "UPDATE sessions SET asked = asked + 1, correct = correct + ? WHERE id = ?",
                    (int(attempt.correct), attempt.session_id),
                )
            _count_attempt(conn, attempt, answered, str(session[1]))
            if state is not None:
                _upsert_state(conn, state)
            return int(cur.lastrowid or 0)

    def finish_session(
        self, session_id: int, finished_at: datetime, *, interrupted: bool = False
    ) -> SessionRecord:
        """Mark a session finished (or interrupted) with its score from first-try answers."""
        finished = utc_text(finished_at)
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET finished_at = ?, interrupted = ? WHERE id = ?",
                (finished, int(interrupted), session_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"{self.path}: {_GONE.format(session_id)}")
            _recount(conn, [session_id])
        record = self.session(session_id)
        assert record is not None
        return record

    def session(self, session_id: int) -> SessionRecord | None:
        """The session with this id, if any."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return _session(row) if row else None

    def sessions(self, deck_id: str | None = None, limit: int | None = None) -> list[SessionRecord]:
        """Sessions (of one deck, or all), newest first."""
        sql = f"SELECT {_SESSION_COLUMNS} FROM sessions"
        args: list[object] = []
        if deck_id is not None:
            sql += " WHERE deck_id = ?"
            args.append(deck_id)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._read() as conn:
            return [_session(r) for r in conn.execute(sql, args)]

    def attempts(
        self, *, session_id: int | None = None, deck_id: str | None = None, card_id: str | None = None
    ) -> list[Attempt]:
        """Stored answers matching every filter given, oldest first."""
        where: list[str] = []
        args: list[object] = []
        for column, value in (("session_id", session_id), ("deck_id", deck_id), ("card_id", card_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = f"SELECT {_ATTEMPT_COLUMNS} FROM attempts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        with self._read() as conn:
            return [_attempt(r) for r in conn.execute(sql, args)]

    def undo_last(self, session_id: int) -> Attempt | None:
        """Delete the session's last answer and return it (None when it has none)."""
        with self._write() as conn:
            row = conn.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                (session_id,),
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM attempts WHERE id = ?", (row[0],))
            _uncount_days(conn, row[2], [(str(row[9])[:10], 1)])
            _recompute_cards(conn, row[2], [row[3]])
            _recount(conn, [session_id])
        return _attempt(row)

    def rebuild_summaries(self) -> None:
        """Recompute every summary table from the attempt log (after a bulk insert of attempts)."""
        with self._write() as conn:
            for table in SUMMARY_TABLES:
                conn.execute(f"DELETE FROM {table}")
            for statement in _fill_summaries(""):
                conn.execute(statement)

    # -- card states -----------------------------------------------------------------
    def card_states(self, deck_id: str, card_ids: Iterable[str] | None = None) -> dict[str, CardState]:
        """The stored card states of a deck (only of ``card_ids`` when given), by card id."""
        query = (
            "SELECT deck_id, card_id, phase, due_at, data, reps, lapses FROM card_states WHERE deck_id = ?"
        )
        with self._read() as conn:
            rows = _rows_of_cards(conn, query, (deck_id,), card_ids)
        return {r[1]: CardState(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6])) for r in rows}

    def due_times(self, deck_id: str) -> dict[str, str]:
        """Card id → when it is due (stored UTC text: text order is time order), for every scheduled card.

        Read from the index ``card_states_deck_due`` alone; far cheaper than :meth:`card_states`
        when only the queue is wanted.
        """
        with self._read() as conn:
            rows = conn.execute(
                "SELECT card_id, due_at FROM card_states INDEXED BY card_states_deck_due WHERE deck_id = ?",
                (deck_id,),
            )
            return dict(rows)  # straight from the cursor: no list of 100,000 rows in between

    def set_card_state(self, deck_id: str, card_id: str, state: CardState | None) -> None:
        """Store a card's state, or delete it when ``state`` is None."""
        if state is not None:
            if (state.deck_id, state.card_id) != (deck_id, card_id):
                raise ValueError(f"state is for {state.deck_id}/{state.card_id}, not {deck_id}/{card_id}")
            _check_state(state)
        with self._write() as conn:
            if state is None:
                conn.execute("DELETE FROM card_states WHERE deck_id = ? AND card_id = ?", (deck_id, card_id))
            else:
                _upsert_state(conn, state)

    # -- forgetting -----------------------------------------------------------------
    def reset(self, deck_id: str, card_id: str | None = None) -> int:
        """Forget a deck's history (or one card's); return the number of rows deleted."""
        return self.forget(deck_id, None if card_id is None else [card_id]).total

    def forget(
        self, deck_id: str, card_ids: Iterable[str] | None = None, *, dry_run: bool = False
    ) -> Removed:
        """Delete attempts and states of a deck (or of some of its cards) and the sessions left empty.

        With ``dry_run`` the same deletions are made and rolled back: the counts of what would go.
        """
        with self._write(commit=not dry_run) as conn:
            if card_ids is None:
                attempts = conn.execute("DELETE FROM attempts WHERE deck_id = ?", (deck_id,)).rowcount
                states = conn.execute("DELETE FROM card_states WHERE deck_id = ?", (deck_id,)).rowcount
                for table in SUMMARY_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE deck_id = ?", (deck_id,))
                sessions = conn.execute("DELETE FROM sessions WHERE deck_id = ?", (deck_id,)).rowcount
                return Removed(attempts, states, sessions)
            attempts = states = sessions = 0
            touched: set[int] = set()
            for card_id in sorted(set(card_ids)):
                touched.update(
                    r[0]
                    for r in conn.execute(
                        "SELECT DISTINCT session_id FROM attempts WHERE deck_id = ? AND card_id = ?",
                        (deck_id, card_id),
                    )
                )
                days = conn.execute(
                    "SELECT substr(answered_at, 1, 10), count(*) FROM attempts"
                    " WHERE deck_id = ? AND card_id = ? GROUP BY 1",
                    (deck_id, card_id),
                ).fetchall()
                attempts += conn.execute(
                    "DELETE FROM attempts WHERE deck_id = ? AND card_id = ?", (deck_id, card_id)
                ).rowcount
                _uncount_days(conn, deck_id, days)
                _recompute_cards(conn, deck_id, [card_id])
                states += conn.execute(
                    "DELETE FROM card_states WHERE deck_id = ? AND card_id = ?", (deck_id, card_id)
                ).rowcount
            for session_id in sorted(touched):
                sessions += conn.execute(
                    "DELETE FROM sessions WHERE id = ? AND deck_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM attempts WHERE session_id = ?)",
                    (session_id, deck_id, session_id),
                ).rowcount
            _recount(conn, sorted(touched))
            return Removed(attempts, states, sessions)

    # -- queries for stats -------------------------------------------------------------
    def deck_ids(self) -> list[str]:
        """Every deck id with sessions or card states, sorted."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT deck_id FROM sessions UNION SELECT deck_id FROM card_states ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]

    def card_ids(self, deck_id: str) -> set[str]:
        """Card ids of a deck that have attempts or a stored state."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT card_id FROM card_totals WHERE deck_id = ?"
                " UNION SELECT card_id FROM card_states WHERE deck_id = ?",
                (deck_id, deck_id),
            ).fetchall()
        return {r[0] for r in rows}

    def study_history(self, deck_id: str, day_start: datetime, *, recent: int = 200) -> tuple[int, list[int]]:
        """(cards first studied since ``day_start``, times in ms of the last ``recent`` answers).

        Both outside cram. Indexed queries: they stay fast on a million attempts.
        """
        since = utc_text(day_start)
        with self._read() as conn:
            new_today = conn.execute(
                "SELECT count(DISTINCT a.card_id) FROM attempts a"
                " WHERE a.deck_id = ? AND a.answered_at >= ? AND a.rating IS NOT NULL AND a.cram = 0"
                " AND NOT EXISTS (SELECT 1 FROM attempts b WHERE b.deck_id = a.deck_id"
                " AND b.card_id = a.card_id AND b.rating IS NOT NULL AND b.cram = 0 AND b.answered_at < ?)",
                (deck_id, since, since),
            ).fetchone()[0]
            times = [
                int(r[0])
                for r in conn.execute(
                    "SELECT time_ms FROM attempts WHERE deck_id = ? AND cram = 0 AND time_ms > 0"
                    " ORDER BY answered_at DESC LIMIT ?",
                    (deck_id, recent),
                )
            ]
        return int(new_today), times

    def leeches(
        self, deck_id: str, misses: int = LEECH_MISSES, card_ids: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Cards missed (wrong outside cram) at least ``misses`` times → their number of misses
        (only among ``card_ids`` when given), by card id."""
        query = "SELECT card_id, misses FROM card_totals WHERE deck_id = ? AND misses >= ?"
        with self._read() as conn:
            rows = _rows_of_cards(conn, query, (deck_id, max(1, misses)), card_ids)
        return {r[0]: int(r[1]) for r in sorted(rows)}

    def deck_rows(self, deck_id: str, *, wrong_limit: int = 10, cards: bool = True) -> DeckRows:
        """Every aggregate ``quiz stats`` needs for one deck, read from the summary tables."""
        with self._read() as conn:
            sessions = [
                (int(r[0]), r[1], r[2], r[3], int(r[4]), int(r[5]))
                for r in conn.execute(
                    "SELECT id, started_at, finished_at, mode, correct, asked FROM sessions"
                    " WHERE deck_id = ? ORDER BY started_at, id",
                    (deck_id,),
                )
            ]
            per_card: dict[str, tuple[int, int, int]] = {}
            if cards:
                per_card = {
                    r[0]: (r[1], r[2], r[3])
                    for r in conn.execute(
                        "SELECT card_id, attempts, correct, misses FROM card_totals WHERE deck_id = ?",
                        (deck_id,),
                    )
                }
            # Retention leaves out each card's first study answer (learning, not recall).
            reviews, right_reviews = conn.execute(
                "SELECT coalesce(sum(study) - count(*), 0),"
                " coalesce(sum(study_correct - first_study_correct), 0)"
                " FROM card_totals WHERE deck_id = ? AND study > 0",
                (deck_id,),
            ).fetchone()
            wrong = [
                (r[0], r[1], int(r[2]))
                for r in conn.execute(
                    "SELECT card_id, typed, times FROM wrong_totals INDEXED BY wrong_totals_deck_times"
                    " WHERE deck_id = ? ORDER BY times DESC, card_id, typed LIMIT ?",
                    (deck_id, wrong_limit),
                )
            ]
            days = [
                r[0]
                for r in conn.execute("SELECT day FROM day_totals WHERE deck_id = ? ORDER BY day", (deck_id,))
            ]
            states: dict[str, tuple[str, str]] = {}
            if cards:
                states = {
                    r[0]: (r[1], r[2])
                    for r in conn.execute(
                        "SELECT card_id, phase, due_at FROM card_states WHERE deck_id = ?", (deck_id,)
                    )
                }
        return DeckRows(deck_id, sessions, per_card, wrong, days, (int(reviews), int(right_reviews)), states)

    def deck_brief(
        self, deck_id: str, due_before: tuple[str, str], *, top: int, hardest: int, wrong_limit: int = 10
    ) -> DeckRows:
        """What ``quiz stats DECK`` prints when only the history is known, without reading every card.

        ``due_before`` is (next UTC midnight, the one a week on) as stored text (``stats.due_bounds``).
        ``cards`` holds the ``top`` most answered cards, the ``hardest`` lowest-accuracy ones (2+
        answers, not all right) and the leeches; ``totals`` and ``state_counts`` the deck-wide figures.
        """
        full = self.deck_rows(deck_id, wrong_limit=wrong_limit, cards=False)
        with self._read() as conn:
            cards = {
                r[0]: (int(r[1]), int(r[2]), int(r[3]))
                for r in conn.execute(
                    "SELECT card_id, attempts, correct, misses FROM card_totals"
                    " WHERE deck_id = ?1 AND card_id IN ("
                    " SELECT card_id FROM (SELECT card_id FROM card_totals WHERE deck_id = ?1"
                    "  ORDER BY attempts DESC, card_id LIMIT ?2)"
                    " UNION SELECT card_id FROM (SELECT card_id FROM card_totals WHERE deck_id = ?1"
                    "  AND attempts >= 2 AND correct < attempts"
                    "  ORDER BY CAST(correct AS REAL) / attempts, -attempts, card_id LIMIT ?3)"
                    " UNION SELECT card_id FROM card_totals WHERE deck_id = ?1 AND misses >= ?4)",
                    (deck_id, top, hardest, LEECH_MISSES),
                )
            }
            totals = conn.execute(
                "SELECT coalesce(sum(attempts), 0), coalesce(sum(correct), 0), count(*) FROM card_totals"
                " WHERE deck_id = ? AND attempts > 0",
                (deck_id,),
            ).fetchone()
            counts = conn.execute(
                "SELECT coalesce(sum(phase IN ('learning', 'relearning')), 0),"
                " coalesce(sum(phase = 'review'), 0), coalesce(sum(due_at < ?), 0),"
                " coalesce(sum(due_at < ?), 0) FROM card_states WHERE deck_id = ?",
                (*due_before, deck_id),
            ).fetchone()
        return replace(
            full,
            cards=cards,
            totals=(int(totals[0]), int(totals[1]), int(totals[2])),
            state_counts=(int(counts[0]), int(counts[1]), int(counts[2]), int(counts[3])),
        )

    def summaries(self) -> list[DeckSummary]:
        """One summary per deck in the database, by deck id."""
        with self._read() as conn:
            rows = conn.execute(
                "WITH ids AS (SELECT deck_id FROM sessions UNION SELECT deck_id FROM card_states)"
                " SELECT ids.deck_id,"
                "  (SELECT count(*) FROM sessions s WHERE s.deck_id = ids.deck_id AND s.asked > 0),"
                "  (SELECT coalesce(sum(attempts), 0) FROM card_totals c WHERE c.deck_id = ids.deck_id),"
                "  (SELECT coalesce(sum(correct), 0) FROM card_totals c WHERE c.deck_id = ids.deck_id),"
                "  (SELECT max(last_at) FROM card_totals c WHERE c.deck_id = ids.deck_id)"
                " FROM ids ORDER BY ids.deck_id"
            ).fetchall()
            out: list[DeckSummary] = []
            for r in rows:
                last = conn.execute(
                    "SELECT correct, asked FROM sessions WHERE deck_id = ? AND asked > 0"
                    " ORDER BY started_at DESC, id DESC LIMIT 1",
                    (r[0],),
                ).fetchone()
                out.append(
                    DeckSummary(
                        r[0],
                        int(r[1]),
                        int(r[2]),
                        int(r[3]),
                        r[4],
                        int(last[0]) if last else 0,
                        int(last[1]) if last else 0,
                    )
                )
        return out


_SESSION_COLUMNS = (
    "id, deck_id, mode, seed, started_at, finished_at, interrupted, correct, asked, deck_hash, learner"
)
_ATTEMPT_COLUMNS = (
    "id, session_id, deck_id, card_id, typed, correct, rule, score, time_ms, answered_at, rating, cram, first"
)


def _session(r: tuple[object, ...]) -> SessionRecord:
    return SessionRecord(
        id=int(r[0]),  # type: ignore[call-overload]
        deck_id=str(r[1]),
        mode=str(r[2]),
        seed=int(r[3]),  # type: ignore[call-overload]
        started_at=str(r[4]),
        finished_at=None if r[5] is None else str(r[5]),
        interrupted=bool(r[6]),
        correct=int(r[7]),  # type: ignore[call-overload]
        asked=int(r[8]),  # type: ignore[call-overload]
        deck_hash=str(r[9]),
        learner=str(r[10]),
    )


def _attempt(r: tuple[object, ...]) -> Attempt:
    return Attempt(
        id=int(r[0]),  # type: ignore[call-overload]
        session_id=int(r[1]),  # type: ignore[call-overload]
        deck_id=str(r[2]),
        card_id=str(r[3]),
        typed=str(r[4]),
        correct=bool(r[5]),
        rule=str(r[6]),
        score=float(r[7]),  # type: ignore[arg-type]
        time_ms=int(r[8]),  # type: ignore[call-overload]
        answered_at=str(r[9]),
        rating=None if r[10] is None else int(r[10]),  # type: ignore[call-overload]
        cram=bool(r[11]),
        first=bool(r[12]),
    )


def _check_state(state: CardState) -> None:
    if state.phase not in PHASES:
        raise ValueError(f"unknown card phase {state.phase!r} (one of {', '.join(PHASES)})")
    normalize_time(state.due_at)


def _upsert_state(conn: sqlite3.Connection, state: CardState) -> None:
    conn.execute(
        "INSERT INTO card_states (deck_id, card_id, phase, due_at, data, reps, lapses)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (deck_id, card_id) DO UPDATE SET"
        " phase = excluded.phase, due_at = excluded.due_at, data = excluded.data,"
        " reps = excluded.reps, lapses = excluded.lapses",
        (
            state.deck_id,
            state.card_id,
            state.phase,
            normalize_time(state.due_at),
            state.data,
            state.reps,
            state.lapses,
        ),
    )


def _count_attempt(conn: sqlite3.Connection, attempt: Attempt, answered: str, mode: str) -> None:
    """Add one new answer (the newest row of the log, of a session in ``mode``) to the summary tables."""
    right = int(attempt.correct)
    study = int(mode == "study" and not attempt.cram)
    conn.execute(
        "INSERT INTO card_totals (deck_id, card_id, attempts, correct, misses, study, study_correct,"
        " first_study_correct, last_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (deck_id, card_id) DO UPDATE SET"
        " attempts = attempts + 1, correct = correct + excluded.correct, misses = misses + excluded.misses,"
        # The new row has the highest id, so it is the card's first study answer only if there was none.
        " first_study_correct = CASE WHEN study = 0 THEN excluded.first_study_correct"
        "  ELSE first_study_correct END,"
        " study = study + excluded.study, study_correct = study_correct + excluded.study_correct,"
        " last_at = max(last_at, excluded.last_at)",
        (
            attempt.deck_id,
            attempt.card_id,
            right,
            int(not attempt.correct and not attempt.cram),
            study,
            study * right,
            study * right,
            answered,
        ),
    )
    conn.execute(
        "INSERT INTO day_totals (deck_id, day, answers) VALUES (?, ?, 1)"
        " ON CONFLICT (deck_id, day) DO UPDATE SET answers = answers + 1",
        (attempt.deck_id, answered[:10]),
    )
    if not attempt.correct:
        # trim/lower in SQL, exactly as the backfill groups them.
        conn.execute(
            "INSERT INTO wrong_totals (deck_id, card_id, answer, times, typed)"
            " SELECT ?1, ?2, lower(trim(?3)), 1, ?3 WHERE trim(?3) != ''"
            " ON CONFLICT (deck_id, card_id, answer) DO UPDATE SET"
            " times = times + 1, typed = min(typed, excluded.typed)",
            (attempt.deck_id, attempt.card_id, attempt.typed),
        )


def _uncount_days(conn: sqlite3.Connection, deck_id: str, days: Iterable[tuple[str, int]]) -> None:
    """Take deleted answers off their days' counts (a day left with none is removed)."""
    for day, n in days:
        conn.execute(
            "UPDATE day_totals SET answers = answers - ? WHERE deck_id = ? AND day = ?", (n, deck_id, day)
        )
        conn.execute("DELETE FROM day_totals WHERE deck_id = ? AND day = ? AND answers <= 0", (deck_id, day))


def _recompute_cards(conn: sqlite3.Connection, deck_id: str, card_ids: Iterable[str]) -> None:
    """Rebuild the per-card and wrong-answer summaries of some cards from their remaining answers."""
    card_sql, _day_sql, wrong_sql = _fill_summaries("a.deck_id = ? AND a.card_id = ?")
    for card_id in card_ids:
        for table in ("card_totals", "wrong_totals"):
            conn.execute(f"DELETE FROM {table} WHERE deck_id = ? AND card_id = ?", (deck_id, card_id))
        conn.execute(card_sql, (deck_id, card_id))
        conn.execute(wrong_sql, (deck_id, card_id))


def _recount(conn: sqlite3.Connection, session_ids: list[int]) -> None:
    """Set each session's score from its first-try answers (the stored counts' definition)."""
    for session_id in session_ids:
        conn.execute(
            "UPDATE sessions SET"
            " asked = (SELECT count(*) FROM attempts WHERE session_id = ? AND first = 1),"
            " correct = (SELECT count(*) FROM attempts WHERE session_id = ? AND first = 1 AND correct = 1)"
            " WHERE id = ?",
            (session_id, session_id, session_id),
        )


def _check_location(path: Path) -> None:
    """Create the data directory; refuse a database path that is a directory."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(
            f"{path.parent}: cannot create the data directory ({err.strerror}); "
            "use --data-dir or set QUIZ_HOME"
        ) from None
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file; {MOVE_ASIDE}")
    if not path.exists() and _read_only(path.parent):
        raise StoreError(f"{path.parent}: the data directory is read-only; {MAKE_WRITABLE}")


def _rows_of_cards(
    conn: sqlite3.Connection, query: str, params: tuple[object, ...], card_ids: Iterable[str] | None
) -> list[Any]:
    """The rows of ``query`` (a ``SELECT ... WHERE ...``), only of ``card_ids`` when given."""
    if card_ids is None:
        return conn.execute(query, params).fetchall()
    wanted = sorted(set(card_ids))
    rows: list[Any] = []
    for at in range(0, len(wanted), 500):  # SQLite limits the parameters of one statement
        part = wanted[at : at + 500]
        marks = ", ".join("?" * len(part))
        rows += conn.execute(f"{query} AND card_id IN ({marks})", (*params, *part)).fetchall()
    return rows


def _read_only(p: Path) -> bool:
    """True when ``p`` cannot be written: no write permission, or no write bit at all (even for root)."""
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        return False
    return not os.access(p, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _check_writable(path: Path) -> None:
    """Refuse before writing when the file or its directory is read-only."""
    if _read_only(path):
        raise StoreError(f"{path}: the database file is read-only; make it writable, or use --data-dir")
    if _read_only(path.parent):
        raise StoreError(f"{path.parent}: the data directory is read-only; {MAKE_WRITABLE}")


def _translate(path: Path, err: sqlite3.Error, timeout: float) -> StoreError:
    """A one-line, fixable message for a SQLite error about ``path``."""
    text = str(err)
    low = text.lower()
    if _is_locked(err):
        return StoreError(
            f"{path}: the database is locked by another program (waited {timeout:g} s); "
            "finish the other quiz and try again"
        )
    if "foreign key" in low:
        return StoreError(f"{path}: {_GONE.format('of this answer')}")
    if "full" in low:
        return StoreError(
            f"{path}: the disk is full, this answer was not saved (earlier ones are); "
            "free some space and try again"
        )
    if "readonly" in low or "read-only" in low:
        return StoreError(f"{path}: the database is read-only; make it writable, or use --data-dir")
    if "unable to open" in low:
        return StoreError(f"{path}: the database cannot be opened (check the permissions); or use --data-dir")
    if any(word in low for word in ("not a database", "malformed", "corrupt", "disk i/o")):
        return StoreError(f"{path}: not a quiz database, or corrupt ({text}); {MOVE_ASIDE}")
    return StoreError(f"{path}: database error ({text}); {MOVE_ASIDE}")
