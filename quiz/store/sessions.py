"""The ``sessions`` table: a quiz, exam, study or cram session and its score from first tries."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from quiz.clock import utc_text
from quiz.errors import StoreError
from quiz.model import Mode, SessionRecord
from quiz.store.connection import GONE, Database
from quiz.store.rows import mode_of

SESSION_COLUMNS = (
    "id, deck_id, mode, seed, started_at, finished_at, interrupted, correct, asked, deck_hash, learner"
)


def session_record(r: tuple[object, ...]) -> SessionRecord:
    """A :class:`SessionRecord` from a row of :data:`SESSION_COLUMNS`."""
    return SessionRecord(
        id=int(r[0]),  # type: ignore[call-overload]
        deck_id=str(r[1]),
        mode=mode_of[str(r[2])],
        seed=int(r[3]),  # type: ignore[call-overload]
        started_at=str(r[4]),
        finished_at=None if r[5] is None else str(r[5]),
        interrupted=bool(r[6]),
        correct=int(r[7]),  # type: ignore[call-overload]
        asked=int(r[8]),  # type: ignore[call-overload]
        deck_hash=str(r[9]),
        learner=str(r[10]),
    )


def recount(conn: sqlite3.Connection, session_ids: list[int]) -> None:
    """Set each session's score from its first-try answers (the stored counts' definition)."""
    for session_id in session_ids:
        conn.execute(
            "UPDATE sessions SET"
            " asked = (SELECT count(*) FROM attempts WHERE session_id = ? AND first = 1),"
            " correct = (SELECT count(*) FROM attempts WHERE session_id = ? AND first = 1 AND correct = 1)"
            " WHERE id = ?",
            (session_id, session_id, session_id),
        )


class Sessions(Database):
    """Starting, finishing and listing sessions."""

    def start_session(
        self,
        deck_id: str,
        mode: Mode | str,
        seed: int,
        started_at: datetime,
        *,
        deck_hash: str = "",
        learner: str = "",
    ) -> int:
        """Record a new session and return its id (never one used before in this file, even if deleted)."""
        if mode not in set(Mode):
            raise ValueError(f"unknown session mode {mode!r} (one of {', '.join(Mode)})")
        started = utc_text(started_at)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (deck_id, mode, seed, started_at, deck_hash, learner)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (deck_id, str(mode), seed, started, deck_hash, learner),
            )
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
                raise StoreError(f"{self.path}: {GONE.format(session_id)}")
            recount(conn, [session_id])
        record = self.session(session_id)
        assert record is not None
        return record

    def session(self, session_id: int) -> SessionRecord | None:
        """The session with this id, if any."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            return session_record(row) if row else None

    def sessions(self, deck_id: str | None = None, limit: int | None = None) -> list[SessionRecord]:
        """Sessions (of one deck, or all), newest first."""
        sql = f"SELECT {SESSION_COLUMNS} FROM sessions"
        args: list[object] = []
        if deck_id is not None:
            sql += " WHERE deck_id = ?"
            args.append(deck_id)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._read() as conn:
            return [session_record(r) for r in conn.execute(sql, args)]
