"""The one source of "now", and the UTC text form in which times are stored.

Every command asks :func:`now`; tests fix it with ``$QUIZ_NOW`` (an ISO-8601 time with a zone).
The rest of the package takes ``now`` as an argument.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from .errors import QuizError

NOW_ENV = "QUIZ_NOW"


def now() -> datetime:
    """The current time in UTC, or ``$QUIZ_NOW`` when it is set (for tests and demonstrations)."""
    fixed = os.environ.get(NOW_ENV)
    if not fixed:
        return datetime.now(timezone.utc)
    try:
        when = datetime.fromisoformat(fixed.strip())
    except ValueError:
        when = None
    if when is None or when.utcoffset() is None:
        raise QuizError(
            f"{NOW_ENV}={fixed!r} is not an ISO-8601 time with a zone (e.g. 2026-11-28T09:00:00+00:00);"
            f" unset {NOW_ENV} to use the clock"
        )
    return when.astimezone(timezone.utc)


def utc_text(when: datetime) -> str:
    """``when`` as fixed-width UTC ISO-8601 text (sorts as it compares); naive → ValueError."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"naive datetime {when!r}: pass a timezone-aware datetime")
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def normalize_time(text: str) -> str:
    """An ISO-8601 text with an offset, rewritten as :func:`utc_text`; no offset → ValueError."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO-8601 time: {text!r}") from None
    return utc_text(when)


def parse_time(text: str) -> datetime:
    """A stored ISO-8601 time as an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(timezone.utc)
