"""Deck paths that are not deck files, and decks that stand for far more text than they hold.

A FIFO, a socket or a device named as a deck is refused before it is opened for reading, in
every command that reads a deck (a FIFO would wait for a writer for ever, ``/dev/zero`` never
ends); one left in the deck cache folder is skipped. A deck whose aliases expand to more text than
the largest deck file is refused at the alias, without expanding anything.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_hostile_input import DECK, make_db, sha256
from test_hostile_outputs import make_results
from test_hostile_reads import edited

from quiz.cli import cli
from quiz.deckio import load as parse_file
from quiz.deckio import parse
from quiz.deckio._cache import cache_path, load_cached
from quiz.errors import DeckError
from quiz.insight.results import ResultFileError, load_result

#: Every command that reads a deck file, with what it needs besides the deck. (``optimize`` and
#: ``reset`` read it only when there are scores; they load it the same way, through ``load_ref``.)
DECK_COMMANDS = [
    ["check"],
    ["show"],
    ["preview"],
    ["run"],
    ["study"],
    ["stats"],
    ["history"],
    ["suggest"],
    ["export", "-o", "out.txt", "--format", "csv"],
]


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()  # the socket file stays


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


NOT_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "this is a FIFO (named pipe), not a deck file"),
    "socket": (_socket, "this is a socket, not a deck file"),
    "dev-zero": (_device, "this is a device, not a deck file"),
    "symlink-loop": (_loop, "this is a symbolic link loop, not a deck file"),
}


def quiz(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``quiz ARGS`` in a process of its own, so that a command that would hang fails the test."""
    env = {**os.environ, "QUIZ_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        cwd=cwd,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_a_deck_that_is_not_a_regular_file_is_refused_by_every_command(tmp_path: Path, kind: str) -> None:
    """A FIFO, a socket, /dev/zero or a symbolic link loop as DECK: one line saying what it is, exit 1,
    in every command."""
    make, message = NOT_FILES[kind]
    deck = tmp_path / "deck.yaml"
    make(deck)
    for command in DECK_COMMANDS:
        args = [command[0], str(deck), *command[1:]]
        got = quiz(args, tmp_path, tmp_path / "home")
        assert got.returncode == 1, (args, got.stdout, got.stderr)
        assert "Traceback" not in got.stderr
        assert f"{deck}:1:1: error: {message}" in got.stdout + got.stderr, (args, got.stderr)
        assert not (tmp_path / "out.txt").exists()


def test_a_fifo_in_the_deck_cache_folder_is_skipped(tmp_path: Path) -> None:
    """A FIFO where a large deck's cache file belongs is not opened: the deck loads from its file."""
    lines = ["deck: {id: big, title: Big}", "cards:"]
    lines += [f"  - {{id: q{n}, type: short, prompt: Question {n}?, answer: A{n}}}" for n in range(8_000)]
    deck = tmp_path / "big.yaml"
    deck.write_text("\n".join(lines) + "\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache_path(deck, cache))
    script = (
        "import sys; from pathlib import Path; from quiz.deckio._cache import load_cached; "
        "print(len(load_cached(Path(sys.argv[1]), Path(sys.argv[2])).cards))"
    )
    got = subprocess.run(
        [sys.executable, "-c", script, str(deck), str(cache)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "8000"
    assert len(load_cached(deck, cache).cards) == 8_000  # and in this process, now that it is replaced


def test_a_fifo_in_a_deck_folder_is_skipped_by_check_and_list(tmp_path: Path) -> None:
    """``quiz check FOLDER`` and ``quiz list`` never open a FIFO named like a deck."""
    folder = tmp_path / "decks"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    (folder / "good.yaml").write_text(
        "deck: {id: good, title: Good}\ncards:\n  - {id: a, type: short, prompt: P?, answer: A}\n"
    )
    checked = quiz(["check", str(folder)], tmp_path, tmp_path / "home")
    assert checked.returncode == 0, checked.stderr
    assert "1 deck checked" in checked.stdout + checked.stderr
    listed = quiz(["list"], tmp_path, tmp_path / "home")
    assert listed.returncode == 0, listed.stderr
    assert "good" in listed.stdout and "pipe" not in listed.stdout


# -- aliases that stand for too much text --------------------------------------------------------
def _aliased_deck(text_size: int, uses: int) -> str:
    big = "x" * text_size
    lines = [
        "deck: {id: wide, title: Wide}",
        "cards:",
        f"  - {{id: c0, type: short, prompt: &big {big}, answer: A}}",
    ]
    lines += [f"  - {{id: c{n}, type: short, prompt: *big, answer: A}}" for n in range(1, uses)]
    return "\n".join(lines) + "\n"


def test_a_megabyte_aliased_3000_times_is_refused_at_the_alias_with_little_memory() -> None:
    """One 1 MB text aliased 3,000 times (3 GB of text) is refused at the alias that passes 64 MB:
    ``file:line:col`` of that ``*big``, while allocating little more than the file itself."""
    text = _aliased_deck(1024 * 1024, 3_000)
    tracemalloc.start()
    with pytest.raises(DeckError) as info:
        parse(text, "wide.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    (problem,) = info.value.problems
    # The anchor's 1 MB and 62 aliases, with the cards' other text, stay under 64 MB; the 63rd passes it.
    line = text.splitlines()[problem.line - 1]
    assert line.startswith("  - {id: c63,"), line
    assert line[problem.col - 1 :].startswith("*big")
    assert "passes 64 MB" in problem.message
    assert peak < 16 * 1024 * 1024


@pytest.mark.parametrize("uses", [2, 40, 60])
def test_aliases_under_64_megabytes_of_text_still_load(uses: int) -> None:
    """Up to 64 MB of expanded text, an alias of a long value is still a deck."""
    deck = parse(_aliased_deck(1024 * 1024, uses), "wide.yaml")
    assert len(deck.cards) == uses


# -- text in UTF-16 or UTF-32 ----------------------------------------------------------------------
WIDE = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
SMALL_DECK = "deck: {id: w, title: W}\ncards:\n  - {id: a, type: short, prompt: P?, answer: A}\n"


@pytest.mark.parametrize("encoding", WIDE)
def test_a_deck_an_import_and_a_result_in_utf16_or_utf32_are_named_rightly(
    tmp_path: Path, encoding: str
) -> None:
    """Each names its encoding (UTF-32 is not called UTF-16), with or without a byte-order mark,
    and says to save it as UTF-8: a deck through every deck command, an import, a results file."""
    named = encoding[:6].upper()
    deck = tmp_path / "deck.yaml"
    deck.write_bytes(SMALL_DECK.encode(encoding))
    with pytest.raises(DeckError) as info:
        parse_file(deck)
    assert (
        str(info.value)
        == f"{deck}:1:1: error: the file is {named}, not UTF-8 (save it as UTF-8 in your editor)"
    )
    notes = tmp_path / "notes.txt"
    notes.write_bytes("front\tback\n".encode(encoding))
    got = CliRunner().invoke(cli, ["import", str(notes), "-o", str(tmp_path / "out.yaml")])
    assert got.exit_code == 1
    assert (
        got.stderr
        == f"Error: {notes}:1: the file is {named}, not UTF-8; save it as UTF-8 (or export it again)\n"
    )
    result = tmp_path / "a.json"
    result.write_bytes('{"format": "quiz-result", "version": 1}'.encode(encoding))
    got = CliRunner().invoke(cli, ["report", str(result)])
    assert got.exit_code == 1
    assert f"{result}: the file is {named}, not UTF-8; save it as UTF-8" in got.stderr


# -- a read-only database ----------------------------------------------------------------------------
READING = [["stats"], ["stats", DECK], ["history"], ["history", DECK], ["suggest", DECK]]


@pytest.mark.parametrize("where", ["folder", "file", "both"])
def test_reading_commands_read_a_read_only_database(tmp_path: Path, where: str) -> None:
    """stats, history and suggest read a database whose file or folder is read-only (no write bit
    at all, which also stops root) as they read a writable one, and create or change nothing."""
    home = tmp_path / "home"
    path = make_db(home)
    expected = {tuple(c): CliRunner().invoke(cli, ["--data-dir", str(home), *c]).output for c in READING}
    before = sha256(path)
    if where in ("file", "both"):
        path.chmod(0o444)
    if where in ("folder", "both"):
        home.chmod(0o555)
    try:
        for command in READING:
            got = CliRunner().invoke(cli, ["--data-dir", str(home), *command])
            assert got.exit_code == 0, (command, got.output)
            assert got.output == expected[tuple(command)]
        assert sorted(p.name for p in home.iterdir()) == ["quiz.db"]
        refused = CliRunner().invoke(cli, ["--data-dir", str(home), "run", DECK], input="x\n")
        assert refused.exit_code == 1 and "read-only" in refused.stderr
    finally:
        home.chmod(0o755)
        path.chmod(0o644)
    assert sha256(path) == before


def test_a_read_only_database_from_an_older_quiz_is_a_clear_refusal(tmp_path: Path) -> None:
    """A read-only database that would need upgrading is refused in one line saying what to do."""
    home = tmp_path / "home"
    path = make_db(home)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    path.chmod(0o444)
    try:
        got = CliRunner().invoke(cli, ["--data-dir", str(home), "stats"])
    finally:
        path.chmod(0o644)
    assert got.exit_code == 1
    assert got.stderr == (
        f"Error: {path}: the database is read-only and from an older quiz (schema 1); "
        "make it writable once so that quiz can upgrade it, or use --data-dir\n"
    )


# -- an absurdly long line on stdin ---------------------------------------------------------------
@pytest.mark.parametrize("command", ["run", "study"])
def test_a_line_over_4_mb_on_stdin_ends_the_input_and_keeps_the_answers_before_it(
    tmp_path: Path, command: str
) -> None:
    """A 5 MB line piped to ``quiz run`` or ``quiz study`` is not an answer: one line on stderr
    says input ended there, the answers before it are stored, nothing after it is read."""
    home = tmp_path / "home"
    before = {"run": "Bern\nx\n", "study": "Bern\n3\n"}[command]
    piped = before + "y" * (5 * 1024 * 1024) + "\nBern\nBern\n"
    args = ["--data-dir", str(home), command, DECK, "--seed", "1"]
    if command == "run":
        args += ["--reask", "0"]
    got = CliRunner().invoke(cli, args, input=piped)
    assert got.exit_code == 0, got.output[-500:]
    assert "Traceback" not in got.output
    assert got.stderr.count("Input ended: a line of more than 4,194,304 characters") == 1, got.stderr[-300:]
    conn = sqlite3.connect(home / "quiz.db")
    typed = [row[0] for row in conn.execute("SELECT typed FROM attempts ORDER BY id")]
    conn.close()
    assert all(len(t or "") < 100 for t in typed)
    assert len(typed) == {"run": 2, "study": 1}[command], typed


# -- optional fields of a results file ------------------------------------------------------------
OPTIONAL_TYPES: dict[str, tuple[type, ...]] = {
    "quiz_version": (str,),
    "complete": (bool,),
    "pass_mark": (int, float, type(None)),
    "passed": (bool, type(None)),
    "state": (str,),
    "plan": (list, type(None)),
    "options": (dict, type(None)),
    "deck_file": (str, type(None)),
    "answers.0.expected": (str,),
    "answers.0.first": (bool,),
    "answers.0.shown": (list, type(None)),
}
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**9), 10**9)  # a number of over 30 digits is refused before any field is read
    | st.floats(-1e9, 1e9)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


def _of_type(value: object, types: tuple[type, ...]) -> bool:
    return isinstance(value, types) and (not isinstance(value, bool) or bool in types)


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(sorted(OPTIONAL_TYPES)), value=JSON_VALUES)
def test_an_optional_field_of_the_wrong_json_type_is_refused_by_name(
    sample_results: Path, tmp_path_factory: pytest.TempPathFactory, field: str, value: object
) -> None:
    """Any JSON value of the wrong type in an optional field (``"plan": true``) is refused with the
    field's name, never a traceback; the file is not read as if the field were absent."""
    assume(not _of_type(value, OPTIONAL_TYPES[field]))
    target = edited(sample_results, tmp_path_factory.mktemp("r") / "bad.json", {field: value})
    with pytest.raises(ResultFileError) as info:
        load_result(target)
    assert f"'{field.rsplit('.', 1)[-1]}' is " in str(info.value), str(info.value)


def test_report_names_a_file_with_a_bad_optional_field_and_reports_the_rest(tmp_path: Path) -> None:
    """``"plan": true`` (a traceback before) is one ``skipped:`` line; the class is still reported, exit 3."""
    good = make_results(tmp_path, "ann.json", "Ann")
    bad = edited(make_results(tmp_path, "bob.json", "Bob"), tmp_path / "bob.json", {"plan": True})
    got = CliRunner().invoke(cli, ["report", str(good), str(bad)])
    assert got.exit_code == 3, got.output
    assert f"skipped: {bad}: 'plan' is true, not a list or null" in got.stderr
    assert "Ann" in got.stdout and "Traceback" not in got.output


@pytest.fixture(scope="module")
def sample_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real results file, written once for the module."""
    return make_results(tmp_path_factory.mktemp("sample"), "sample.json", "Sam")


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("mode", "study", "'mode' is \"study\"; quiz writes \"quiz\" or \"exam\""),
        ("learner", "   ", "'learner' is empty"),
        ("started_at", "yesterday", "'started_at' is \"yesterday\", not a time"),
    ],
)
def test_values_quiz_never_writes_are_refused_by_name(
    tmp_path: Path, field: str, value: str, said: str
) -> None:
    """A mode other than quiz/exam, a blank learner name or a start that is not a time: one
    ``skipped:`` line naming the field; the rest of the class is still reported (exit 3)."""
    good = make_results(tmp_path, "ann.json", "Ann")
    bad = edited(make_results(tmp_path, "bob.json", "Bob"), tmp_path / "bob.json", {field: value})
    got = CliRunner().invoke(cli, ["report", str(good), str(bad)])
    assert got.exit_code == 3, got.output
    assert f"skipped: {bad}: {said}" in got.stderr
    assert "Ann" in got.stdout
