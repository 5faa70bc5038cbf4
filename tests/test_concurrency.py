"""Two `quiz run` processes on one data directory at once: every answer of both is stored."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO

from quiz.cli import cli
from quiz.store import Store, db_path

CARDS = 200

#: Imports quiz, waits for a shared start time, then runs ``quiz ARGS`` (so both open the database together).
AT_THE_SAME_MOMENT = """
import runpy, sys, time
import quiz.cli, quiz.cli.run, quiz.store, yaml, sqlite3
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
sys.argv = ["quiz"] + sys.argv[2:]
runpy.run_module("quiz", run_name="__main__")
"""


def big_deck(path: Path, deck_id: str) -> None:
    """A deck of 200 short cards q0..q199 whose answers are A0..A199."""
    lines = ["deck:", f"  id: {deck_id}", f"  title: {deck_id}", "cards:"]
    for n in range(CARDS):
        lines += [f"  - id: q{n}", "    type: short", f"    prompt: Question {n}?", f"    answer: A{n}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def answers(offset: int) -> str:
    """200 answer lines for cards asked in file order: every third one wrong."""
    return "".join(("wrong" if (n + offset) % 3 == 0 else f"A{n}") + "\n" for n in range(CARDS))


def test_two_quizzes_at_once_store_all_400_answers(tmp_path: Path) -> None:
    """Two quizzes started at one instant on a database not yet made: 400 answers, 2 sessions."""
    home = tmp_path / "home"
    env = {**os.environ, "QUIZ_HOME": str(home)}
    env.pop("NO_COLOR", None)
    decks = [tmp_path / "one.yaml", tmp_path / "two.yaml"]
    big_deck(decks[0], "deck-one")
    big_deck(decks[1], "deck-two")
    assert not home.exists()
    start = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                AT_THE_SAME_MOMENT,
                str(start),
                "run",
                str(deck),
                "--no-shuffle",
                "--json",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            env=env,
        )
        for deck in decks
    ]
    outputs = [p.communicate(input=answers(i), timeout=180) for i, p in enumerate(procs)]
    shown_right = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        events = [json.loads(line) for line in out.splitlines()]
        verdicts = [e for e in events if e["event"] == "verdict"]
        assert len(verdicts) == CARDS
        shown_right.append(sum(bool(v["correct"]) for v in verdicts))
    with Store.open(db_path(home)) as store:
        sessions = sorted(store.sessions(), key=lambda s: s.deck_id)
        attempts = store.attempts()
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(attempts) == 2 * CARDS
    assert [(s.deck_id, s.asked, s.correct, s.interrupted) for s in sessions] == [
        ("deck-one", CARDS, shown_right[0], False),
        ("deck-two", CARDS, shown_right[1], False),
    ]
    for session in sessions:
        mine = [a.card_id for a in attempts if a.session_id == session.id]
        assert mine == [f"q{n}" for n in range(CARDS)]


def test_stats_can_read_while_two_quizzes_write(tmp_path: Path) -> None:
    """While two quizzes write to one database, `quiz stats --json` always answers, and counts only grow."""
    home = tmp_path / "home"
    env = {**os.environ, "QUIZ_HOME": str(home)}
    env.pop("NO_COLOR", None)
    deck = tmp_path / "one.yaml"
    big_deck(deck, "deck-one")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "quiz", "run", str(deck), "--no-shuffle", "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
        )
        for _ in range(2)
    ]
    for i, proc in enumerate(procs):
        assert proc.stdin is not None
        proc.stdin.write(answers(i))
        proc.stdin.close()
    seen: list[int] = []
    while any(p.poll() is None for p in procs) or not seen:
        if db_path(home).exists():
            result = CliRunner().invoke(
                cli, ["stats", "--json", "--data-dir", str(home)], catch_exceptions=False
            )
            assert result.exit_code == 0, result.output
            decks = json.loads(result.stdout)["decks"]
            seen.append(sum(d["attempts"] for d in decks))
        time.sleep(0.05)
    for proc in procs:
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
        assert proc.wait(timeout=60) == 0, err
        assert "locked" not in err
    assert seen == sorted(seen)
    with sqlite3.connect(db_path(home)) as conn:
        assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 2 * CARDS
    conn.close()
