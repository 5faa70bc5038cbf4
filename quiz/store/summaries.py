"""The summary tables (``card_totals``, ``day_totals``, ``wrong_totals``) and what ``quiz stats`` reads.

Every write keeps the summaries in step with the attempt log in the same transaction, so
``quiz stats`` reads about one row per card instead of aggregating a million answers
(``docs/scores.md``, "Summary tables").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from quiz.clock import utc_text
from quiz.model import LEECH_MISSES, Attempt, Mode, Phase
from quiz.store.connection import Database, rows_of_cards
from quiz.store.migrations import SUMMARY_TABLES, fill_summaries
from quiz.store.rows import (
    AnswerCount,
    CardTotals,
    DeckRows,
    DeckSummary,
    DueState,
    Reviews,
    SessionRow,
    StateCounts,
    StudyHistory,
    Totals,
    mode_of,
    phase_of,
)


def count_attempt(conn: sqlite3.Connection, attempt: Attempt, answered: str, mode: Mode) -> None:
    """Add one new answer (the newest row of the log, of a session in ``mode``) to the summary tables."""
    right = int(attempt.correct)
    study = int(mode == Mode.STUDY and not attempt.cram)
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


def uncount_days(conn: sqlite3.Connection, deck_id: str, days: Iterable[tuple[str, int]]) -> None:
    """Take deleted answers off their days' counts (a day left with none is removed)."""
    for day, n in days:
        conn.execute(
            "UPDATE day_totals SET answers = answers - ? WHERE deck_id = ? AND day = ?", (n, deck_id, day)
        )
        conn.execute("DELETE FROM day_totals WHERE deck_id = ? AND day = ? AND answers <= 0", (deck_id, day))


def recompute_cards(conn: sqlite3.Connection, deck_id: str, card_ids: Iterable[str]) -> None:
    """Rebuild the per-card and wrong-answer summaries of some cards from their remaining answers."""
    card_sql, _day_sql, wrong_sql = fill_summaries("a.deck_id = ? AND a.card_id = ?")
    for card_id in card_ids:
        for table in ("card_totals", "wrong_totals"):
            conn.execute(f"DELETE FROM {table} WHERE deck_id = ? AND card_id = ?", (deck_id, card_id))
        conn.execute(card_sql, (deck_id, card_id))
        conn.execute(wrong_sql, (deck_id, card_id))


def read_overridden(conn: sqlite3.Connection, deck_id: str) -> list[AnswerCount]:
    """The overridden answers of a deck, one row per card and spelling (as ``wrong_totals`` groups
    them), by card id, then most frequent first. Read through the partial index of overridden rows."""
    return [
        AnswerCount(r[0], r[1], int(r[2]))
        for r in conn.execute(
            "SELECT card_id, min(typed), count(*) FROM attempts INDEXED BY attempts_overridden"
            " WHERE deck_id = ? AND overridden = 1 AND trim(typed) != ''"
            " GROUP BY card_id, lower(trim(typed)) ORDER BY card_id, count(*) DESC, min(typed)",
            (deck_id,),
        )
    ]


class Summaries(Database):
    """The aggregates: per deck, per card, per day; rebuilt from the log on demand."""

    def rebuild_summaries(self) -> None:
        """Recompute every summary table from the attempt log (after a bulk insert of attempts)."""
        with self._write() as conn:
            for table in SUMMARY_TABLES:
                conn.execute(f"DELETE FROM {table}")
            for statement in fill_summaries(""):
                conn.execute(statement)

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

    def overridden(self, deck_id: str) -> list[AnswerCount]:
        """Answers the learner overrode ("I was right") in ``deck_id``: see :func:`read_overridden`."""
        with self._read() as conn:
            return read_overridden(conn, deck_id)

    def refused_by_learners(self, deck_id: str, min_learners: int = 2) -> list[AnswerCount]:
        """Wrong answers that at least ``min_learners`` named learners (``--name``) typed, per card.

        One row per card and spelling (grouped as ``wrong_totals`` groups them); ``times`` is the
        number of learners. Reads the deck's wrong answers from the log: for ``quiz suggest``, not stats.
        """
        with self._read() as conn:
            return [
                AnswerCount(r[0], r[1], int(r[2]))
                for r in conn.execute(
                    "SELECT a.card_id, min(a.typed), count(DISTINCT s.learner) FROM attempts a"
                    " JOIN sessions s ON s.id = a.session_id"
                    " WHERE a.deck_id = ? AND a.correct = 0 AND s.learner != '' AND trim(a.typed) != ''"
                    " GROUP BY a.card_id, lower(trim(a.typed)) HAVING count(DISTINCT s.learner) >= ?"
                    " ORDER BY a.card_id, 3 DESC, 2",
                    (deck_id, max(1, min_learners)),
                )
            ]

    def study_history(self, deck_id: str, day_start: datetime, *, recent: int = 200) -> StudyHistory:
        """Cards first studied since ``day_start``, and the times in ms of the last ``recent`` answers.

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
        return StudyHistory(int(new_today), times)

    def leeches(
        self, deck_id: str, misses: int = LEECH_MISSES, card_ids: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Cards missed (wrong outside cram) at least ``misses`` times → their number of misses
        (only among ``card_ids`` when given), by card id."""
        query = "SELECT card_id, misses FROM card_totals WHERE deck_id = ? AND misses >= ?"
        with self._read() as conn:
            rows = rows_of_cards(conn, query, (deck_id, max(1, misses)), card_ids)
        return {r[0]: int(r[1]) for r in sorted(rows)}

    def deck_rows(self, deck_id: str, *, wrong_limit: int = 10, cards: bool = True) -> DeckRows:
        """Every aggregate ``quiz stats`` needs for one deck, read from the summary tables."""
        with self._read() as conn:
            sessions = [
                SessionRow(r[0], r[1], r[2], mode_of[r[3]], r[4], r[5])
                for r in conn.execute(
                    "SELECT id, started_at, finished_at, mode, correct, asked FROM sessions"
                    " WHERE deck_id = ? ORDER BY started_at, id",
                    (deck_id,),
                )
            ]
            per_card: dict[str, CardTotals] = {}
            if cards:
                per_card = {
                    r[0]: CardTotals._make(r[1:])
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
                AnswerCount(r[0], r[1], int(r[2]))
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
            states: dict[str, DueState] = {}
            if cards:
                states = {
                    r[0]: DueState(phase_of[r[1]], r[2])
                    for r in conn.execute(
                        "SELECT card_id, phase, due_at FROM card_states WHERE deck_id = ?", (deck_id,)
                    )
                }
            overridden = read_overridden(conn, deck_id)
        return DeckRows(
            deck_id,
            sessions,
            per_card,
            wrong,
            days,
            Reviews(int(reviews), int(right_reviews)),
            states,
            overridden=overridden,
        )

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
                r[0]: CardTotals(int(r[1]), int(r[2]), int(r[3]))
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
                "SELECT coalesce(sum(phase IN (?, ?)), 0), coalesce(sum(phase = ?), 0),"
                " coalesce(sum(due_at < ?), 0), coalesce(sum(due_at < ?), 0)"
                " FROM card_states WHERE deck_id = ?",
                (Phase.LEARNING, Phase.RELEARNING, Phase.REVIEW, *due_before, deck_id),
            ).fetchone()
        return full._replace(
            cards=cards,
            totals=Totals(*map(int, totals)),
            state_counts=StateCounts(*map(int, counts)),
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
