"""The ``attempts`` table: the append-only log of answers, and forgetting parts of it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace

from quiz.clock import normalize_time
from quiz.errors import StoreError
from quiz.model import Attempt, CardState, Mode
from quiz.store.connection import GONE, Database
from quiz.store.migrations import SUMMARY_TABLES
from quiz.store.rows import Removed, mode_of
from quiz.store.sessions import recount
from quiz.store.states import check_state, upsert_state
from quiz.store.summaries import count_attempt, recompute_cards, uncount_days

ATTEMPT_COLUMNS = (
    "id, session_id, deck_id, card_id, typed, correct, rule, score, time_ms, answered_at, rating, cram,"
    " first, overridden"
)


def attempt_record(r: tuple[object, ...]) -> Attempt:
    """An :class:`Attempt` from a row of :data:`ATTEMPT_COLUMNS`."""
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
        overridden=bool(r[13]),
    )


def last_answer(conn: sqlite3.Connection, session_id: int) -> Attempt | None:
    """The session's newest answer, if any."""
    row = conn.execute(
        f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY id DESC LIMIT 1", (session_id,)
    ).fetchone()
    return None if row is None else attempt_record(row)


def override(
    conn: sqlite3.Connection, answer: Attempt, rating: int | None, state: CardState | None
) -> Attempt:
    """Make a refused answer right and overridden, and recount what depends on it."""
    mode = conn.execute("SELECT mode FROM sessions WHERE id = ?", (answer.session_id,)).fetchone()
    if mode is not None and mode_of[mode[0]] == Mode.EXAM:
        raise ValueError("answers of an exam cannot be overridden (the instructor decides)")
    if state is not None and (state.deck_id, state.card_id) != (answer.deck_id, answer.card_id):
        raise ValueError(
            f"state is for {state.deck_id}/{state.card_id}, not {answer.deck_id}/{answer.card_id}"
        )
    if answer.correct:
        raise ValueError(f"answer {answer.id} of session {answer.session_id} is already right")
    conn.execute(
        "UPDATE attempts SET correct = 1, score = 1.0, overridden = 1, rating = coalesce(?, rating)"
        " WHERE id = ?",
        (rating, answer.id),
    )
    recompute_cards(conn, answer.deck_id, [answer.card_id])
    recount(conn, [answer.session_id])
    if state is not None:
        upsert_state(conn, state)
    new_rating = answer.rating if rating is None else rating
    return replace(answer, correct=True, score=1.0, overridden=True, rating=new_rating)


class Attempts(Database):
    """Recording answers (with the card's state and the summaries, in one transaction) and undoing them."""

    def record(self, attempt: Attempt, *, state: CardState | None = None) -> int:
        """Save one answer (and the card's new state) in one transaction; return the attempt id.

        Refused with :class:`StoreError` when the answer's session is gone or is of another deck
        (it was removed by ``quiz reset`` while the quiz ran): nothing is saved.
        """
        answered = normalize_time(attempt.answered_at)
        if attempt.overridden and not attempt.correct:
            raise ValueError("an overridden answer counts as right: correct must be True")
        if state is not None:
            check_state(state)
        with self._write() as conn:
            session = conn.execute(
                "SELECT deck_id, mode FROM sessions WHERE id = ?", (attempt.session_id,)
            ).fetchone()
            if session is None:
                raise StoreError(f"{self.path}: {GONE.format('of this answer')}")
            if session[0] != attempt.deck_id:
                raise StoreError(
                    f"{self.path}: session {attempt.session_id} is of deck {session[0]!r}, not "
                    f"{attempt.deck_id!r} (was this quiz's session removed by 'quiz reset' while it "
                    "ran?); start a new one"
                )
            cur = conn.execute(
                "INSERT INTO attempts (session_id, deck_id, card_id, typed, correct, rule, score, time_ms,"
                " answered_at, rating, cram, first, overridden)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    int(attempt.overridden),
                ),
            )
            if attempt.first:
                conn.execute(
                    "UPDATE sessions SET asked = asked + 1, correct = correct + ? WHERE id = ?",
                    (int(attempt.correct), attempt.session_id),
                )
            count_attempt(conn, attempt, answered, mode_of[session[1]])
            if state is not None:
                upsert_state(conn, state)
            return int(cur.lastrowid or 0)

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
        sql = f"SELECT {ATTEMPT_COLUMNS} FROM attempts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        with self._read() as conn:
            return [attempt_record(r) for r in conn.execute(sql, args)]

    def undo_last(self, session_id: int) -> Attempt | None:
        """Delete the session's last answer and return it (None when it has none)."""
        with self._write() as conn:
            last = last_answer(conn, session_id)
            if last is None:
                return None
            conn.execute("DELETE FROM attempts WHERE id = ?", (last.id,))
            uncount_days(conn, last.deck_id, [(last.answered_at[:10], 1)])
            recompute_cards(conn, last.deck_id, [last.card_id])
            recount(conn, [session_id])
        return last

    def override_last(
        self, session_id: int, *, rating: int | None = None, state: CardState | None = None
    ) -> Attempt | None:
        """ "I was right": mark the session's last answer overridden and count it as right.

        The answer was stored (and its verdict shown) as wrong; now it is right with full credit,
        and the session's score, the card's totals and its wrong answers are recomputed in the
        same transaction, as if it had been graded right. The grader's ``rule`` is kept, to show
        what the grader said. In a study session, ``rating`` and ``state`` replace the answer's
        rating and the card's state. Returns the updated answer; None when the session has none.
        Refused (:class:`ValueError`) for an exam's answer (the instructor decides) and for an
        answer that is already right; :class:`StoreError` when the session is gone.
        """
        if rating is not None and rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        if state is not None:
            check_state(state)
        with self._write() as conn:
            last = last_answer(conn, session_id)
            if last is None:
                if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                    raise StoreError(f"{self.path}: {GONE.format(session_id)}")
                return None
            return override(conn, last, rating, state)

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
                uncount_days(conn, deck_id, days)
                recompute_cards(conn, deck_id, [card_id])
                states += conn.execute(
                    "DELETE FROM card_states WHERE deck_id = ? AND card_id = ?", (deck_id, card_id)
                ).rowcount
            for session_id in sorted(touched):
                sessions += conn.execute(
                    "DELETE FROM sessions WHERE id = ? AND deck_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM attempts WHERE session_id = ?)",
                    (session_id, deck_id, session_id),
                ).rowcount
            recount(conn, sorted(touched))
            return Removed(attempts, states, sessions)
