"""Hostile input to `quiz run` and the score commands: odd stdin, hostile deck files, broken databases.

Each case ends in a clean result or a clear ``Error:`` line with exit 1, never a
traceback, and loses no answer and changes no file it refuses.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, REPO

from quiz.cli import cli
from quiz.deckio import MAX_BYTES, load, parse
from quiz.errors import DeckError
from quiz.store import SCHEMA_VERSION, Store, db_path

DECK = "us-russia-military-talks-2019"
INVALID = FIXTURES / "decks" / "invalid"

CAPITALS = """\
deck:
  id: capitals
  title: Capitals
cards:
  - {id: swiss, type: short, prompt: Capital of Switzerland?, answer: Bern}
  - {id: austria, type: short, prompt: Capital of Austria?, answer: Vienna}
  - {id: peru, type: short, prompt: Capital of Peru?, answer: Lima}
"""


def quiz_process(home: Path, args: list[str], stdin: bytes | None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m quiz ARGS`` with QUIZ_HOME=home and ``stdin`` as raw bytes."""
    env = {**os.environ, "QUIZ_HOME": str(home)}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def json_events(proc: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    """Every stdout line as a JSON event."""
    # Split at "\n" only: str.splitlines() also splits at U+0085 and U+2028, which JSON keeps raw.
    return [json.loads(line) for line in proc.stdout.decode("utf-8").split("\n") if line]


def stored_typed(home: Path) -> list[str]:
    """What was typed, per stored attempt, in order."""
    with Store.open(db_path(home)) as store:
        return [a.typed for a in store.attempts()]


def no_traceback(proc: subprocess.CompletedProcess[bytes]) -> None:
    """Neither stream shows a Python traceback."""
    assert b"Traceback" not in proc.stderr and b"Traceback" not in proc.stdout, proc.stderr.decode()


# -- terminal input ---------------------------------------------------------------------------
def test_a_megabyte_line_is_graded_and_stored(tmp_path: Path) -> None:
    """A 1 MB answer line is graded (wrong) and stored whole; the next line is still the next answer."""
    home = tmp_path / "home"
    line = "ab" * 500_000
    proc = quiz_process(
        home,
        ["run", DECK, "--seed", "1", "--json", "--count", "2", "--reask", "0"],
        (line + "\nBern\n").encode(),
    )
    no_traceback(proc)
    assert proc.returncode == 0
    verdicts = [e for e in json_events(proc) if e["event"] == "verdict"]
    assert len(verdicts) == 2 and verdicts[0]["correct"] is False
    typed = stored_typed(home)
    assert typed == [line, "Bern"]


ODD_LINES = {
    "nul": b"Be\x00rn",
    "bell-backspace-escape": b"\x07\x08\x1b[2J\x1b]0;title\x07",
    "del-and-c1": b"\x7f\xc2\x85\xc2\x9b",
    "bidi-override": "\u202eenreB".encode(),
    "lone-cr-inside": b"Be\rrn",
    "tab-only": b"\t",
    "empty": b"",
    "invalid-utf8": b"\xff\xfe bad \xc3\x28",
    "overlong-and-surrogate": b"\xc0\xaf\xed\xa0\x80",
    "utf16-text": "Bern".encode("utf-16"),
}


@pytest.mark.parametrize("raw", list(ODD_LINES.values()), ids=list(ODD_LINES))
def test_odd_bytes_on_stdin_are_graded_and_stored(tmp_path: Path, raw: bytes) -> None:
    """Control characters, NUL, escapes, invalid UTF-8 on real stdin: exit 0, one verdict, stored as read."""
    home = tmp_path / "home"
    args = ["run", DECK, "--seed", "1", "--json", "--count", "1", "--reask", "0"]
    proc = quiz_process(home, args, raw + b"\n")
    no_traceback(proc)
    assert proc.returncode == 0
    expected = raw.decode("utf-8", "replace")
    (verdict,) = [e for e in json_events(proc) if e["event"] == "verdict"]
    assert verdict["typed"] == expected
    assert stored_typed(home) == [expected]


def test_an_incomplete_last_line_is_still_an_answer(tmp_path: Path) -> None:
    """The last answer without a newline (even cut inside a UTF-8 character) is graded and stored."""
    home = tmp_path / "home"
    deck = tmp_path / "capitals.yaml"
    deck.write_text(CAPITALS, encoding="utf-8")
    proc = quiz_process(home, ["run", str(deck), "--no-shuffle", "--json"], b"Bern\nVienna\nLim\xc3")
    no_traceback(proc)
    assert proc.returncode == 0
    assert stored_typed(home) == ["Bern", "Vienna", "Lim\ufffd"]


def test_windows_line_endings_throughout(tmp_path: Path) -> None:
    """A whole session typed with CR LF line endings: every CR is dropped and every answer counts as right."""
    home = tmp_path / "home"
    deck = tmp_path / "capitals.yaml"
    deck.write_text(CAPITALS, encoding="utf-8")
    proc = quiz_process(home, ["run", str(deck), "--no-shuffle", "--json"], b"Bern\r\nVienna\r\nLima\r\n")
    no_traceback(proc)
    assert proc.returncode == 0
    summary = json_events(proc)[-1]
    assert summary["event"] == "summary" and summary["correct"] == 3
    assert stored_typed(home) == ["Bern", "Vienna", "Lima"]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "plain"])
def test_a_closed_stdin_descriptor_is_end_of_input(tmp_path: Path, as_json: bool) -> None:
    """With file descriptor 0 closed under a live sys.stdin, quiz run ends at the first question: exit 0."""
    home = tmp_path / "home"
    code = (
        "import os, runpy, sys; os.close(0); sys.argv = ['quiz'] + sys.argv[1:];"
        " runpy.run_module('quiz', run_name='__main__')"
    )
    args = ["run", DECK, "--seed", "1"] + (["--json"] if as_json else [])
    env = {**os.environ, "QUIZ_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, cwd=REPO, env=env, timeout=60, stdin=None
    )
    assert proc.returncode == 0, proc.stderr.decode()
    no_traceback(proc)
    with Store.open(db_path(home)) as store:
        (session,) = store.sessions()
    assert session.asked == 0 and session.interrupted


def test_stdin_closed_before_python_starts(tmp_path: Path) -> None:
    """With stdin closed by the shell (sys.stdin is None), quiz run ends cleanly at the first question."""
    home = tmp_path / "home"
    env = {**os.environ, "QUIZ_HOME": str(home)}
    cmd = f'exec "{sys.executable}" -m quiz run {DECK} --seed 1 --json 0<&-'
    proc = subprocess.run(["sh", "-c", cmd], capture_output=True, cwd=REPO, env=env, timeout=60)
    no_traceback(proc)
    assert proc.returncode == 0
    assert [e["event"] for e in json_events(proc)][-1] == "summary"


# -- hostile deck files -------------------------------------------------------------------------
def run_cli(*args: str, input: bytes | str | None = None) -> Result:
    """Invoke ``quiz ARGS`` in-process; exceptions other than exits are failures."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def one_error_line(result: Result, prefix: str = "Error: ") -> str:
    """The result is exit 1 with exactly one line on stderr, starting with ``prefix``; that line.

    Deck problems are printed as they are (``path:line:col: error: ...``), other errors
    after ``Error: ``.
    """
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def _over_the_limit(path: Path) -> None:
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1024 * 1024)  # sparse: fast to make, still 65 MB to read
        fh.seek(0)
        fh.write(b"deck: {id: big, title: Big}\ncards:\n")


def _deep(path: Path) -> None:
    path.write_text("deck: " + "[" * 50_000)


def _utf16(path: Path) -> None:
    path.write_bytes(CAPITALS.encode("utf-16"))


def _directory(path: Path) -> None:
    path.mkdir()


HOSTILE_DECKS: dict[str, tuple[Callable[[Path], object], str]] = {
    "utf16-bom": (_utf16, "1:1: error: the file is UTF-16, not UTF-8"),
    "over-the-size-limit": (
        _over_the_limit,
        f"1:1: error: the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
    ),
    "deep-nesting": (_deep, "error: the YAML is nested too deeply"),
    "directory": (_directory, "1:1: error: this is a directory, not a deck file"),
    "alias-bomb": (lambda p: p.write_bytes((INVALID / "alias-bomb.yaml").read_bytes()), "alias bomb"),
    "python-tag": (lambda p: p.write_bytes((INVALID / "python-tag.yaml").read_bytes()), "is not allowed"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 100), "1:1: error: the file is binary"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_DECKS))
def test_hostile_deck_through_quiz_run(tmp_path: Path, quiz_home: Path, name: str) -> None:
    """`quiz run` on a hostile deck file: one `path:line:col: error: ...` line, exit 1, no database made."""
    make, message = HOSTILE_DECKS[name]
    path = tmp_path / f"{name}.yaml"
    make(path)
    line = one_error_line(run_cli("run", str(path), "--seed", "1", input="x\n"), prefix=f"{path}:")
    assert message in line
    assert not db_path(quiz_home).exists()


def test_an_unreadable_deck_through_quiz_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deck file the OS refuses to open is one line, exit 1 (refusal simulated: tests may run as root)."""
    path = tmp_path / "locked.yaml"
    path.write_text(CAPITALS)
    real_open = os.open

    def refuse(file: object, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    line = one_error_line(run_cli("run", str(path), input="x\n"), prefix=f"{path}:")
    assert line == f"{path}:1:1: error: the file cannot be read (permission denied) (check its permissions)"


def test_python_tags_never_run_code(tmp_path: Path) -> None:
    """Every PyYAML Python tag is refused by position, and the code it names never runs."""
    marker = tmp_path / "ran"
    tags = [
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:quiz.models.Deck {id: x}",
    ]
    for n, tag in enumerate(tags):
        path = tmp_path / f"tag{n}.yaml"
        path.write_text(
            "deck: {id: x, title: X}\ncards:\n"
            f"  - id: a\n    type: short\n    prompt: P\n    answer: {tag}\n"
        )
        with pytest.raises(DeckError) as info:
            load(path)
        (problem,) = info.value.problems
        assert problem.line == 6 and "is not allowed" in problem.message
    assert not marker.exists()


def _peak_bytes(fn: Callable[[], object]) -> int:
    """The peak Python memory allocated while ``fn`` runs."""
    tracemalloc.start()
    with suppress(DeckError):
        fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("levels", [9, 30])
def test_alias_bombs_fail_using_little_memory(tmp_path: Path, levels: int) -> None:
    """A billion-laughs deck (10^9 and 10^30 values) is refused while allocating under 2 MB."""
    names = [f"l{i}" for i in range(levels)]
    lines = [
        "deck: {id: bomb, title: Bomb}",
        f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ]
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    lines.append("cards: []")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DeckError, match="alias bomb"):
        load(path)
    # Measured around parse(): load() also allocates a read buffer of MAX_BYTES that the OS never fills.
    text = path.read_text()
    assert _peak_bytes(lambda: parse(text, str(path))) < 2 * 1024 * 1024


def test_a_big_text_aliased_many_times_uses_little_memory(tmp_path: Path) -> None:
    """One 100 kB answer reused by alias 600 times (60 MB if copied, under the 64 MB cap) loads
    without copying it."""
    big = "x" * 100_000
    lines = [
        "deck: {id: wide, title: Wide}",
        "cards:",
        f"  - {{id: c0, type: short, prompt: P0, answer: &big {big}}}",
    ]
    lines += [f"  - {{id: c{n}, type: short, prompt: P{n}, answer: *big}}" for n in range(1, 600)]
    path = tmp_path / "wide.yaml"
    path.write_text("\n".join(lines) + "\n")
    deck = load(path)
    assert len(deck.cards) == 600
    text = path.read_text()
    assert _peak_bytes(lambda: parse(text, str(path))) < 20 * 1024 * 1024


def test_ten_thousand_cards_through_quiz_run(tmp_path: Path, quiz_home: Path) -> None:
    """A 10,000-card deck runs: --count 2 asks two of them and stores both answers."""
    lines = ["deck:", "  id: big", "  title: Big", "cards:"]
    for n in range(10_000):
        lines += [f"  - id: q{n}", "    type: short", f"    prompt: Question {n}?", f"    answer: A{n}"]
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("run", str(path), "--count", "2", "--json", "--seed", "5", input="A1\nA2\n")
    assert result.exit_code == 0, result.output
    with Store.open(db_path(quiz_home)) as store:
        assert len(store.attempts()) == 2


# -- broken databases through the CLI ----------------------------------------------------------------
def sha256(path: Path) -> str:
    """The file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(home: Path, answers: int = 40) -> Path:
    """A real quiz database under ``home`` with ``answers`` answers to the shipped deck."""
    result = run_cli(
        "--data-dir", str(home), "run", DECK, "--json", "--seed", "2", "--reask", "0", input="x\n" * answers
    )
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path(home))
    conn.close()  # the last connection to close folds the WAL into the file and removes it
    assert sorted(p.name for p in home.iterdir()) == ["quiz.db"]
    return db_path(home)


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:] = bytes((n * 37 + 11) % 256 for n in range(len(data) - 100))
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])


def _not_sqlite(path: Path) -> None:
    path.write_text("my shopping list\n" * 200)


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


BROKEN: dict[str, tuple[Callable[[Path], object], str]] = {
    "corrupt-bytes": (_corrupt, "not a quiz database, or corrupt"),
    "truncated": (_truncate, "not a quiz database, or corrupt"),
    "not-sqlite": (_not_sqlite, "not a quiz database, or corrupt"),
    "newer-schema": (_newer, f"newer quiz (schema {SCHEMA_VERSION + 1}"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize(
    "command", [["run", DECK], ["stats"], ["stats", DECK]], ids=["run", "stats", "stats-deck"]
)
def test_broken_database_through_the_cli(tmp_path: Path, name: str, command: list[str]) -> None:
    """A corrupt, truncated, foreign or newer database: one `Error:` line naming it, exit 1, bytes kept."""
    home = tmp_path / "home"
    path = make_db(home)
    damage, message = BROKEN[name]
    damage(path)
    before = sha256(path)
    line = one_error_line(run_cli("--data-dir", str(home), *command, input="x\n"))
    assert str(path) in line and message in line and "move it aside or use --data-dir" in line
    assert sha256(path) == before
    assert sorted(p.name for p in home.iterdir()) == ["quiz.db"]


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """Make ``directory`` read-only (no write bit at all, which also stops root) for the block."""
    directory.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        yield
    finally:
        directory.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("command", [["run", DECK]], ids=["run"])
def test_read_only_data_directory_through_the_cli(tmp_path: Path, command: list[str]) -> None:
    """A read-only data directory holding a database: a command that writes says so in one `Error:`
    line, exit 1, the file unchanged. (Commands that only read, read it:
    ``tests/test_hostile_paths.py::test_reading_commands_read_a_read_only_database``.)"""
    home = tmp_path / "home"
    path = make_db(home)
    before = sha256(path)
    with read_only(home):
        line = one_error_line(run_cli("--data-dir", str(home), *command, input="x\n"))
    assert "read-only" in line and "use --data-dir" in line
    assert sha256(path) == before


def test_read_only_empty_data_directory_quiz_run(tmp_path: Path) -> None:
    """A read-only data directory without a database: `quiz run` refuses in one line and creates nothing."""
    home = tmp_path / "home"
    home.mkdir()
    with read_only(home):
        line = one_error_line(run_cli("--data-dir", str(home), "run", DECK, input="x\n"))
    assert line == f"Error: {home}: the data directory is read-only; make it writable, or use --data-dir"
    assert list(home.iterdir()) == []


def open_with(
    monkeypatch: pytest.MonkeyPatch, after: Callable[[Store], None] | None = None, timeout: float = 10
) -> None:
    """Make the CLI's Store.open use ``timeout`` and run ``after`` on the opened store."""
    real = Store.open.__func__  # type: ignore[attr-defined]

    def patched(cls: type[Store], /, path: Path, *, timeout_: float = timeout, **_kw: object) -> Store:
        store: Store = real(cls, path, timeout=timeout_)
        if after is not None:
            after(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(patched))


def test_disk_full_through_quiz_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the database cannot grow mid-quiz: exit 1, the disk-full message, every earlier answer kept."""
    home = tmp_path / "home"
    make_db(home, answers=3)

    def cap(store: Store) -> None:
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
        store.connection.execute(f"PRAGMA max_page_count = {pages}")

    open_with(monkeypatch, cap)
    result = run_cli(
        "--data-dir", str(home), "run", DECK, "--json", "--seed", "3", "--reask", "0",
        input=("y" * 3000 + "\n") * 40,
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {db_path(home)}: the disk is full, this answer was not saved")
    shown = sum(json.loads(line)["event"] == "verdict" for line in result.stdout.splitlines())
    monkeypatch.undo()
    with Store.open(db_path(home)) as store:
        sessions = store.sessions()
        assert len(store.attempts()) == 3 + shown
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sessions[0].interrupted and sessions[0].asked == shown


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@contextmanager
def lock_held(path: Path) -> Iterator[None]:
    """Another process holds the database's write lock for the block."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        try:
            yield
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)


def test_lock_held_beyond_the_timeout_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the lock: `quiz run` stops with the lock message, exit 1; `quiz stats` reads."""
    home = tmp_path / "home"
    path = make_db(home, answers=5)
    open_with(monkeypatch, timeout=0.3)
    with lock_held(path):
        before = sha256(path)
        ran = run_cli("--data-dir", str(home), "run", DECK, "--json", input="x\n")
        stats = run_cli("--data-dir", str(home), "stats", "--json")
        assert sha256(path) == before
    assert ran.exit_code == 1 and "Traceback" not in ran.output
    first = ran.stderr.splitlines()[0]
    assert first == (
        f"Error: {path}: the database is locked by another program (waited 0.3 s); "
        "finish the other quiz and try again"
    )
    assert "--no-save" not in ran.stderr
    assert stats.exit_code == 0
    assert json.loads(stats.stdout)["decks"][0]["attempts"] == 5
    with Store.open(path) as store:
        assert len(store.attempts()) == 5
