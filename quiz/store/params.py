"""The ``fsrs_params`` table: FSRS parameters fitted per deck to the learner's own reviews.

Written by ``quiz optimize``, read by ``quiz study``. One row per deck; the parameters are a
JSON list of numbers, in the order the fsrs package takes them (``Scheduler(parameters=...)``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime

from quiz.clock import utc_text
from quiz.store.connection import Database
from quiz.store.rows import DamagedRow, FsrsParams


def _params(text: str, deck_id: str) -> tuple[float, ...]:
    try:
        values = json.loads(text)
    except ValueError:
        values = None
    if not isinstance(values, list) or not values or not all(_finite(v) for v in values):
        raise DamagedRow(f"the FSRS parameters of deck {deck_id!r} are not a list of numbers")
    return tuple(float(v) for v in values)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class Params(Database):
    """Reading, writing and clearing a deck's fitted FSRS parameters."""

    def fsrs_params(self, deck_id: str) -> FsrsParams | None:
        """The parameters fitted for ``deck_id``, or None when none were (the fsrs defaults apply)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT params, fitted_at, reviews FROM fsrs_params WHERE deck_id = ?", (deck_id,)
            ).fetchone()
            if row is None:
                return None
            return FsrsParams(deck_id, _params(row[0], deck_id), row[1], int(row[2]))

    def set_fsrs_params(
        self, deck_id: str, params: Sequence[float], fitted_at: datetime, reviews: int
    ) -> FsrsParams:
        """Store (or replace) the parameters fitted for ``deck_id`` on ``reviews`` reviews at ``fitted_at``.

        :class:`ValueError` for an empty list, a value that is not a finite number, or a negative count.
        """
        values = tuple(params)
        if not values or not all(_finite(v) for v in values):
            raise ValueError("FSRS parameters must be a non-empty list of finite numbers")
        if reviews < 0:
            raise ValueError(f"the number of reviews cannot be negative ({reviews})")
        stored = FsrsParams(deck_id, tuple(float(v) for v in values), utc_text(fitted_at), int(reviews))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO fsrs_params (deck_id, params, fitted_at, reviews) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (deck_id) DO UPDATE SET params = excluded.params,"
                " fitted_at = excluded.fitted_at, reviews = excluded.reviews",
                (deck_id, json.dumps(list(stored.params)), stored.fitted_at, stored.reviews),
            )
        return stored

    def clear_fsrs_params(self, deck_id: str) -> bool:
        """Forget the parameters fitted for ``deck_id`` (back to the defaults); False when there were none."""
        with self._write() as conn:
            return conn.execute("DELETE FROM fsrs_params WHERE deck_id = ?", (deck_id,)).rowcount > 0
