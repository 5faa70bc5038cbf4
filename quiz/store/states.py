"""The ``card_states`` table: each studied card's FSRS state, derived from its review log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from quiz.clock import normalize_time
from quiz.model import CardState, Phase
from quiz.store.connection import Database, rows_of_cards
from quiz.store.rows import phase_of


def check_state(state: CardState) -> None:
    """Refuse a state no quiz would store: an unknown phase, a naive or malformed due time."""
    if state.phase not in set(Phase):
        raise ValueError(f"unknown card phase {state.phase!r} (one of {', '.join(Phase)})")
    normalize_time(state.due_at)


def upsert_state(conn: sqlite3.Connection, state: CardState) -> None:
    """Insert or replace one card's state (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO card_states (deck_id, card_id, phase, due_at, data, reps, lapses)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (deck_id, card_id) DO UPDATE SET"
        " phase = excluded.phase, due_at = excluded.due_at, data = excluded.data,"
        " reps = excluded.reps, lapses = excluded.lapses",
        (
            state.deck_id,
            state.card_id,
            str(state.phase),
            normalize_time(state.due_at),
            state.data,
            state.reps,
            state.lapses,
        ),
    )


class States(Database):
    """Reading and writing card states."""

    def card_states(self, deck_id: str, card_ids: Iterable[str] | None = None) -> dict[str, CardState]:
        """The stored card states of a deck (only of ``card_ids`` when given), by card id."""
        query = (
            "SELECT deck_id, card_id, phase, due_at, data, reps, lapses FROM card_states WHERE deck_id = ?"
        )
        with self._read() as conn:
            rows = rows_of_cards(conn, query, (deck_id,), card_ids)
            return {
                r[1]: CardState(r[0], r[1], phase_of[r[2]], r[3], r[4], int(r[5]), int(r[6])) for r in rows
            }

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
            check_state(state)
        with self._write() as conn:
            if state is None:
                conn.execute("DELETE FROM card_states WHERE deck_id = ? AND card_id = ?", (deck_id, card_id))
            else:
                upsert_state(conn, state)
