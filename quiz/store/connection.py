"""Opening the database file: location checks, inspection, WAL, migration, transactions, errors.

:class:`Database` holds the connection and the two transaction helpers (:meth:`Database._read`,
:meth:`Database._write`) that the table modules build on; every SQLite error leaves here as a
one-line :class:`~quiz.errors.StoreError` that says how to fix it (:func:`translate`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from quiz.errors import StoreError
from quiz.store import migrations
from quiz.store.rows import DamagedRow

DB_NAME = "quiz.db"
#: ``PRAGMA application_id`` of a quiz database: "QUIZ" in ASCII.
APPLICATION_ID = migrations.APPLICATION_ID

MOVE_ASIDE = "move it aside or use --data-dir"
GONE = (
    "the session {} is not in the database (was it removed by 'quiz reset' while running?); start a new one"
)
MAKE_WRITABLE = "make it writable, or use --data-dir"

D = TypeVar("D", bound="Database")


def db_path(data_dir: Path) -> Path:
    """The database file inside a data directory."""
    return Path(data_dir) / DB_NAME


def is_locked(err: sqlite3.Error) -> bool:
    """True when SQLite says another connection holds the lock."""
    text = str(err).lower()
    return "locked" in text or "busy" in text


class Database:
    """An open score database file: the connection, its transactions and the schema checks."""

    path: Path

    def __init__(self, path: Path, conn: sqlite3.Connection, timeout: float) -> None:
        self.path = path
        self._conn = conn
        self._timeout = timeout

    # -- opening -------------------------------------------------------------------
    @classmethod
    def open(cls: type[D], path: Path, *, timeout: float = 10.0) -> D:
        """Open (creating the directory and schema if needed) the database at ``path``."""
        path = Path(path)
        check_location(path)
        unlock_side_files(path)
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise translate(path, err, timeout, opening=True) from None
        store = cls(path, conn, timeout)
        try:
            store._prepare()
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def open_reading(cls: type[D], path: Path, *, timeout: float = 10.0) -> D:
        """Open an existing database for reading only (``stats``, ``history``, ``suggest``).

        A writable database is opened as :meth:`open` opens it. One whose file or folder is
        read-only cannot be written by any quiz, so it is read with SQLite's ``immutable=1``
        (no ``-shm`` or ``-wal`` is created, which a read-only folder would refuse) when no
        write-ahead log is waiting to be read, else with ``mode=ro``. A database from an older
        quiz, which would need upgrading, is refused with what to do.
        """
        path = Path(path)
        if not (read_only(path) or read_only(path.parent)):
            return cls.open(path, timeout=timeout)
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not a database file; {MOVE_ASIDE}")
        wal = path.with_name(path.name + "-wal")
        settle = not (wal.exists() and wal.stat().st_size > 0)
        # No quiz writes a read-only database, so with no write-ahead log waiting the file cannot
        # change under us: immutable=1 reads it without creating a -shm or -wal beside it.
        attempts = ["immutable=1", "mode=ro"] if settle else ["mode=ro"]
        failure: sqlite3.Error | None = None
        for mode in attempts:
            uri = f"{path.resolve().as_uri()}?{mode}"
            try:
                conn = sqlite3.connect(
                    uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
                )
            except sqlite3.Error as err:
                failure = err
                continue
            try:
                conn.execute("PRAGMA query_only = ON")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error as err:
                conn.close()
                if is_locked(err):
                    raise translate(path, err, timeout) from None
                failure = err
                continue
            store = cls(path, conn, timeout)
            try:
                version = store._retry(store._inspect, time.monotonic() + timeout)
                if version < migrations.SCHEMA_VERSION:
                    raise StoreError(
                        f"{path}: the database is read-only and from an older quiz (schema {version}); "
                        "make it writable once so that quiz can upgrade it, or use --data-dir"
                    )
            except BaseException:
                conn.close()
                raise
            return store
        raise StoreError(f"{path}: the read-only database cannot be read ({failure}); {MAKE_WRITABLE}")

    def _prepare(self) -> None:
        """Refuse a foreign, newer or broken file before anything is written, then migrate."""
        deadline = time.monotonic() + self._timeout
        version = self._retry(self._inspect, deadline)
        check_writable(self.path)
        self._retry(self._use_wal, deadline)
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA synchronous = FULL")  # an answer shown as saved survives a power cut
        if version < migrations.SCHEMA_VERSION:
            self._retry(self._migrate, deadline)

    def _retry(self, step: Callable[[], int], deadline: float) -> int:
        """Run ``step`` again while another process holds the lock, until ``deadline``."""
        while True:
            try:
                return step()
            except sqlite3.Error as err:
                if self._conn.in_transaction:
                    self._conn.rollback()
                if is_locked(err) and time.monotonic() < deadline:
                    time.sleep(0.02)
                    continue
                raise translate(self.path, err, self._timeout, opening=True) from None

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
        newest = migrations.SCHEMA_VERSION
        if version < 0 or (app_id not in (0, APPLICATION_ID)):
            # Another program's numbering: nothing of ours to migrate from.
            raise StoreError(
                f"{where}: this SQLite file is not a quiz database (user_version {version}, "
                f"application_id {app_id:#x}); {MOVE_ASIDE}"
            )
        if version == 0 and tables:
            raise StoreError(
                f"{where}: this SQLite file is not a quiz database (it has other tables: "
                f"{', '.join(sorted(tables)[:3])}); {MOVE_ASIDE}"
            )
        if version > 0 and app_id != APPLICATION_ID:
            raise StoreError(f"{where}: this SQLite file is not a quiz database; {MOVE_ASIDE}")
        if version > newest:
            raise StoreError(
                f"{where}: the database was written by a newer quiz (schema {version}, this quiz "
                f"knows up to {newest}); upgrade quiz, or {MOVE_ASIDE}"
            )
        if version > 0 and not migrations.required_tables(version) <= tables:
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
            for number in range(version + 1, migrations.SCHEMA_VERSION + 1):
                for statement in migrations.MIGRATIONS[number - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.rollback()
            conn.execute("PRAGMA foreign_keys = ON")
        return migrations.SCHEMA_VERSION

    def close(self) -> None:
        """Close the connection (committed data is already on disk)."""
        try:
            self._conn.close()
        except sqlite3.Error as err:
            raise translate(self.path, err, self._timeout) from None

    def __enter__(self: D) -> D:
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
                    if is_locked(err) and time.monotonic() < deadline:
                        time.sleep(0.02)
                        continue
                    raise
            yield conn
            conn.execute("COMMIT" if commit else "ROLLBACK")
        except sqlite3.Error as err:
            if conn.in_transaction:
                conn.rollback()
            raise translate(self.path, err, self._timeout) from None
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
            raise translate(self.path, err, self._timeout) from None
        except DamagedRow as err:
            raise StoreError(f"{self.path}: the quiz database is damaged ({err}); {MOVE_ASIDE}") from None


def rows_of_cards(
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


def check_location(path: Path) -> None:
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
    if not path.exists() and read_only(path.parent):
        raise StoreError(f"{path.parent}: the data directory is read-only; {MAKE_WRITABLE}")


def read_only(p: Path) -> bool:
    """True when ``p`` cannot be written: no write permission, or no write bit at all (even for root)."""
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        return False
    return not os.access(p, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_writable(path: Path) -> None:
    """Refuse before writing when the file or its directory is read-only."""
    if read_only(path):
        raise StoreError(f"{path}: the database file is read-only; make it writable, or use --data-dir")
    if read_only(path.parent):
        raise StoreError(f"{path.parent}: the data directory is read-only; {MAKE_WRITABLE}")


def unlock_side_files(path: Path) -> None:
    """Make a stale read-only ``-wal`` / ``-shm`` writable again when the database itself is writable.

    A reader of a read-only database leaves them read-only (SQLite gives them the database's
    mode); once the database is made writable again, SQLite would still open a read-only
    ``-shm`` read-only and refuse every write. Giving them the database's mode is always safe
    (a process that has them open is not disturbed); deleting them would not be.
    """
    if not path.is_file() or read_only(path) or read_only(path.parent):
        return
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if side.is_file() and read_only(side):
            try:
                os.chmod(side, stat.S_IMODE(path.stat().st_mode))
            except OSError as err:
                raise StoreError(
                    f"{side}: left read-only by an earlier run, while the database is writable "
                    f"({err.strerror}); make it writable like the database, "
                    "or delete it when no quiz is running"
                ) from None


#: SQLite's extended result codes for a write that the disk or a limit refused (not damage).
_WRITE_FAILED = {
    778,  # SQLITE_IOERR_WRITE (EFBIG past a file-size limit, EIO)
    1034,  # SQLITE_IOERR_FSYNC
    1290,  # SQLITE_IOERR_DIR_FSYNC
    1546,  # SQLITE_IOERR_TRUNCATE
    4874,  # SQLITE_IOERR_SHMSIZE (growing the -shm file)
}
_SQLITE_FULL = 13
_CANNOT_WRITE = (
    "cannot write the database (the disk is full, a file-size limit such as 'ulimit -f' was reached, "
    "or the disk failed)"
)


def _write_refused(err: sqlite3.Error) -> bool:
    """True when SQLite could not write (full disk, file-size limit), as opposed to a damaged file."""
    code = getattr(err, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code in _WRITE_FAILED or code & 0xFF == _SQLITE_FULL
    low = str(err).lower()
    if "full" in low:
        return True
    try:  # Python 3.10: a file-size limit is the one cause that can be seen
        import resource
    except ImportError:  # pragma: no cover - Windows
        return False
    return "disk i/o" in low and resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY


def translate(path: Path, err: sqlite3.Error, timeout: float, *, opening: bool = False) -> StoreError:
    """A one-line, fixable message for a SQLite error about ``path`` (``opening``: before any answer)."""
    text = str(err)
    low = text.lower()
    if opening and _write_refused(err):
        return StoreError(
            f"{path}: {_CANNOT_WRITE} while opening it; the file is not damaged and nothing was changed; "
            "free some space or raise the limit, and try again"
        )
    if is_locked(err):
        return StoreError(
            f"{path}: the database is locked by another program (waited {timeout:g} s); "
            "finish the other quiz and try again"
        )
    if "foreign key" in low:
        return StoreError(f"{path}: {GONE.format('of this answer')}")
    if "full" in low:
        return StoreError(
            f"{path}: the disk is full, this answer was not saved (earlier ones are); "
            "free some space and try again"
        )
    if _write_refused(err):
        return StoreError(
            f"{path}: {_CANNOT_WRITE}, this answer was not saved (earlier ones are); "
            "free some space or raise the limit, and try again"
        )
    if "readonly" in low or "read-only" in low:
        return StoreError(f"{path}: the database is read-only; make it writable, or use --data-dir")
    if "unable to open" in low:
        return StoreError(f"{path}: the database cannot be opened (check the permissions); or use --data-dir")
    if any(word in low for word in ("not a database", "malformed", "corrupt", "disk i/o")):
        return StoreError(f"{path}: not a quiz database, or corrupt ({text}); {MOVE_ASIDE}")
    return StoreError(f"{path}: database error ({text}); {MOVE_ASIDE}")
