"""The schema: an ordered list of migrations, each recorded once in ``PRAGMA user_version``.

Entry ``n`` (1-based) of :data:`MIGRATIONS` moves a file from version n-1 to n; a released entry
never changes (a file that has it applied would not see the change). Applied by
:meth:`quiz.store.connection.Database.open`, in one transaction. The tables are described in
``docs/scores.md``.
"""

from __future__ import annotations

#: ``PRAGMA application_id`` of a quiz database: "QUIZ" in ASCII.
APPLICATION_ID = 0x5155495A


def fill_summaries(where: str) -> tuple[str, str, str]:
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
        *fill_summaries(""),
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
    (
        # "I was right": an answer the grader refused and the learner overrode is stored as right
        # and marked, so that authors can be shown them ('quiz suggest'). A partial index: the few
        # overridden rows of a deck are found without reading its whole log.
        "ALTER TABLE attempts ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX attempts_overridden ON attempts (deck_id, card_id) WHERE overridden = 1",
    ),
    (
        # The FSRS parameters fitted to the learner's own reviews of a deck ('quiz optimize').
        """CREATE TABLE fsrs_params (
            deck_id   TEXT    NOT NULL PRIMARY KEY,
            params    TEXT    NOT NULL,
            fitted_at TEXT    NOT NULL,
            reviews   INTEGER NOT NULL
        ) WITHOUT ROWID""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("attempts", "card_states", "sessions")
#: Tables added by migration 2.
SUMMARY_TABLES = ("card_totals", "day_totals", "wrong_totals")


def required_tables(version: int) -> set[str]:
    """The tables a file at schema ``version`` (1 or more) must have."""
    return (
        set(TABLES)
        | (set(SUMMARY_TABLES) if version >= 2 else set())
        | ({"fsrs_params"} if version >= 5 else set())
    )
