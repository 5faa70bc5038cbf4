"""Signals at random moments of a real piped `quiz run`: nothing shown is lost, the database stays sound.

tests/test_interrupt.py covers a signal after k answers and SIGINT at a random moment
of the shipped deck. This adds SIGTERM and double signals at random moments of a long
session (also in a --retry-wrong round and in an exam), an exact account of what was
stored against what was shown, and a killed process (SIGKILL), which cannot be caught.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner
from conftest import REPO

from quiz.cli import cli
from quiz.store import Store, db_path

CARDS = 120


def write_deck(path: Path) -> None:
    """A deck of short cards q0.. whose answers are A0.."""
    lines = ["deck:", "  id: long", "  title: Long", "cards:"]
    for n in range(CARDS):
        lines += [f"  - id: q{n}", "    type: short", f"    prompt: Question {n}?", f"    answer: A{n}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def typed_lines() -> list[str]:
    """Answers in file order, every fourth one wrong; then the right ones for any retry round."""
    first = [f"wrong {n}" if n % 4 == 0 else f"A{n}" for n in range(CARDS)]
    retries = [f"A{n}" for n in range(0, CARDS, 4)]
    return first + retries


@dataclass
class Outcome:
    """What a signalled run printed and returned."""

    code: int
    shown: int  # verdict events printed
    err: str


def start(home: Path, deck: Path, extra: list[str]) -> subprocess.Popen[str]:
    """`python -m quiz run DECK --json --no-shuffle EXTRA` on pipes, QUIZ_HOME=home."""
    env = {**os.environ, "QUIZ_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("NO_COLOR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "quiz", "run", str(deck), "--json", "--no-shuffle", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env,
    )


def wait_for_start(stdout: IO[str]) -> None:
    """Read until the start event: the session row exists and the signal handlers are in place."""
    line = stdout.readline()
    assert json.loads(line)["event"] == "start", line


def signalled_run(
    home: Path, deck: Path, extra: list[str], sigs: list[signal.Signals], delay: float
) -> Outcome:
    """Pipe every answer at once, send ``sigs`` ``delay`` seconds after the start event; what happened."""
    with start(home, deck, extra) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        wait_for_start(proc.stdout)
        proc.stdin.write("".join(t + "\n" for t in typed_lines()))
        proc.stdin.flush()
        time.sleep(delay)
        for sig in sigs:
            if proc.poll() is None:
                proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    shown = sum(json.loads(line)["event"] == "verdict" for line in out.splitlines())
    return Outcome(proc.returncode, shown, err)


def check_database(home: Path) -> tuple[list[str], bool, bool, int]:
    """integrity_check passes; (typed of each attempt, interrupted, finished, asked) of the one session."""
    with sqlite3.connect(db_path(home)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    with Store.open(db_path(home)) as store:
        (session,) = store.sessions()
        attempts = store.attempts()
    assert session.asked == sum(a.first for a in attempts)
    assert session.correct == sum(a.first and a.correct for a in attempts)
    return [a.typed for a in attempts], session.interrupted, session.finished_at is not None, session.asked


MODES = [[], ["--retry-wrong"], ["--exam"]]


@pytest.mark.parametrize("seed", range(6))
def test_signals_at_random_moments_keep_every_shown_answer(tmp_path: Path, seed: int) -> None:
    """SIGINT or SIGTERM (sometimes twice) at any moment: exit 130, saved count exact, all shown stored."""
    rng = random.Random(seed)
    sigs = [rng.choice([signal.SIGINT, signal.SIGTERM])]
    if rng.random() < 0.4:
        sigs.append(rng.choice([signal.SIGINT, signal.SIGTERM]))
    mode = MODES[seed % len(MODES)]
    delay = rng.uniform(0.0, 0.5)
    deck = tmp_path / "long.yaml"
    write_deck(deck)
    home = tmp_path / "home"
    got = signalled_run(home, deck, mode, sigs, delay)
    assert "Traceback" not in got.err
    typed, interrupted, finished, _asked = check_database(home)
    assert typed == typed_lines()[: len(typed)]  # a prefix of what was sent: nothing lost, nothing made up
    assert finished
    if interrupted:
        assert got.code == 130, got.err
        plural = "answer" if len(typed) == 1 else "answers"
        assert got.err.splitlines()[-1] == f"Interrupted — {len(typed)} {plural} saved (session #1).", got.err
        assert interrupted
        if "--exam" not in mode:  # an exam prints its verdicts only at the end
            # Saved before shown; a signal held during a commit may stop the quiz before that verdict prints.
            assert got.shown <= len(typed) <= got.shown + 1
        else:
            assert got.shown == 0
    else:  # the quiz had ended and saved everything before the signal came
        full = len(typed_lines()) if "--retry-wrong" in mode else CARDS
        assert len(typed) == full and got.shown == full
        # 0 (1: a failed exam), or the late signal's own ending once the handlers were put back.
        assert got.code in (0, 1, 130, -signal.SIGTERM, -signal.SIGINT), got.err


def test_a_second_signal_while_closing_changes_nothing(tmp_path: Path) -> None:
    """Ctrl-C twice and a SIGTERM after 3 answers: one message, exit 130, 3 answers, session interrupted."""
    deck = tmp_path / "long.yaml"
    write_deck(deck)
    home = tmp_path / "home"
    with start(home, deck, []) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        wait_for_start(proc.stdout)
        for n in range(3):
            assert json.loads(proc.stdout.readline())["event"] == "question"
            proc.stdin.write(f"A{n}\n")
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline())["event"] == "verdict"
        assert json.loads(proc.stdout.readline())["event"] == "question"
        for sig in (signal.SIGINT, signal.SIGINT, signal.SIGTERM):
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip().splitlines() == [
        f"Score so far: 3/3 (100%) · 3 of {CARDS} questions answered.",
        "Interrupted — 3 answers saved (session #1).",
    ]
    typed, interrupted, finished, asked = check_database(home)
    assert typed == ["A0", "A1", "A2"] and interrupted and finished and asked == 3


@pytest.mark.parametrize("seed", range(2))
def test_a_killed_quiz_keeps_every_shown_answer(tmp_path: Path, seed: int) -> None:
    """SIGKILL at any moment: every answer whose verdict was shown is stored; the session is unfinished."""
    deck = tmp_path / "long.yaml"
    write_deck(deck)
    home = tmp_path / "home"
    got = signalled_run(home, deck, [], [signal.SIGKILL], random.Random(seed).uniform(0.05, 0.4))
    typed, interrupted, finished, _asked = check_database(home)
    assert typed == typed_lines()[: len(typed)]
    assert got.shown <= len(typed) <= got.shown + 1
    if not finished:  # killed mid-session (else the quiz had already ended and closed its session)
        assert got.code == -signal.SIGKILL and not interrupted
        history = CliRunner().invoke(cli, ["history", "--data-dir", str(home)], catch_exceptions=False)
        assert "unfinished" in history.output
    else:
        assert len(typed) == CARDS
    # The database is usable afterwards: the next quiz adds its answers.
    result = CliRunner().invoke(
        cli,
        ["run", str(deck), "--count", "2", "--data-dir", str(home)],
        input="A0\nA1\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with Store.open(db_path(home)) as store:
        assert len(store.attempts()) == len(typed) + 2


def test_ctrl_c_during_a_large_check_exits_130_and_leaves_no_process(tmp_path: Path) -> None:
    """SIGINT to `quiz check` while two processes load a large deck, or while the forked
    near-duplicate search runs: exit 130 with one line, and no child process is left behind."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_gen", REPO / "bench" / "gen.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path / "large-deck-for-sigint.yaml"
    gen.write_deck(path, 30_000)
    interrupted = 0
    for delay in (0.5, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "quiz", "check", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "QUIZ_HOME": str(tmp_path / "home")},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if proc.returncode == 0:  # it finished first on a fast machine: nothing to interrupt
            continue
        assert (proc.returncode, err) == (130, "\nInterrupted.\n")
        left = subprocess.run(["pgrep", "-f", str(path)], capture_output=True, text=True)
        assert left.stdout == ""
        interrupted += 1
    assert interrupted  # 30,000 cards take longer than half a second to check
