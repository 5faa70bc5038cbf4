"""The score database: sessions, the append-only attempt log and card states, in SQLite.

One file, ``<data dir>/quiz.db``, in WAL mode with a busy timeout so several quizzes can
write at once. The schema is a list of numbered migrations recorded in ``PRAGMA
user_version``; ``PRAGMA application_id`` marks the file as ours. Every write is one
``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction (one per answer). A file that is not
ours, is corrupt, read-only or from a newer quiz is refused with a :class:`StoreError`
and never written to. See ``docs/scores.md``.

One module per concern; :class:`Store` is their sum:

- :mod:`~quiz.store.connection`: opening, inspecting, WAL, lock retries, transactions, error messages
- :mod:`~quiz.store.migrations`: the schema as an ordered list of migrations
- :mod:`~quiz.store.sessions`, :mod:`~quiz.store.attempts`, :mod:`~quiz.store.states`: one table each
- :mod:`~quiz.store.summaries`: the summary tables and what ``quiz stats`` reads from them
- :mod:`~quiz.store.params`: the FSRS parameters fitted per deck
- :mod:`~quiz.store.rows`: the named shapes rows leave the store in
"""

from __future__ import annotations

from quiz.model import LEECH_MISSES
from quiz.store.attempts import Attempts
from quiz.store.connection import db_path
from quiz.store.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, SUMMARY_TABLES
from quiz.store.params import Params
from quiz.store.rows import DeckRows, DeckSummary, FsrsParams, Removed, StudyHistory
from quiz.store.sessions import Sessions
from quiz.store.states import States
from quiz.store.summaries import Summaries

__all__ = [
    "APPLICATION_ID",
    "LEECH_MISSES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SUMMARY_TABLES",
    "DeckRows",
    "DeckSummary",
    "FsrsParams",
    "Removed",
    "Store",
    "StudyHistory",
    "db_path",
]


class Store(Sessions, Attempts, States, Summaries, Params):
    """An open score database; use :meth:`open`, then :meth:`close` (or ``with``)."""
