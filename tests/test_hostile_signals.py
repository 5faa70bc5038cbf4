"""SIGTERM and SIGHUP stop quiz with a word at any moment; no process outlives its command.

(tests/test_signals.py covers signals during a quiz session; these are the moments around it:
start-up, a long `quiz check`, and a parent killed with SIGKILL while its forked helper works.)
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO


def large_deck(tmp_path: Path, cards: int = 30_000) -> Path:
    """A realistic deck large enough that `quiz check` forks its helpers and runs for seconds."""
    spec = importlib.util.spec_from_file_location("bench_gen", REPO / "bench" / "gen.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path / f"large-deck-{os.getpid()}-{time.monotonic_ns()}.yaml"
    gen.write_deck(path, cards)
    return path


def quiz(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """`python -m quiz ARGS` with its own QUIZ_HOME, stderr captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "quiz", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "QUIZ_HOME": str(tmp_path / "home")},
    )


def alive(pattern: str) -> list[str]:
    """The ids of live processes whose command line holds ``pattern`` (zombies have none)."""
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return out.stdout.split()


def children(pid: int) -> list[int]:
    """The ids of the direct children of ``pid``."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def wait_until(check: object, timeout: float) -> bool:
    """Poll ``check()`` every 20 ms until it is true or ``timeout`` seconds have passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_large_check_says_why_and_leaves_no_process(tmp_path: Path, sig: int) -> None:
    """SIGTERM or SIGHUP while `quiz check` works: exit 130, one line naming the signal, no child left."""
    path = large_deck(tmp_path)
    stopped = 0
    for delay in (0.6, 1.5):
        proc = quiz(tmp_path, "check", str(path))
        time.sleep(delay)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if proc.returncode in (0, 1) and "Stopped" not in err:  # it had finished: nothing to stop
            continue
        name = signal.Signals(sig).name
        assert (proc.returncode, err) == (130, f"\nStopped by {name}; no file was written.\n")
        assert wait_until(lambda: not alive(path.name), 5)
        stopped += 1
    assert stopped


def test_a_forked_helper_dies_with_its_killed_parent(tmp_path: Path) -> None:
    """SIGKILL on `quiz check` while a forked helper runs: the helper ends too, within a second or two."""
    path = large_deck(tmp_path)
    killed = 0
    for _ in range(3):
        proc = quiz(tmp_path, "check", str(path))
        pid = proc.pid
        if not wait_until(lambda: children(pid), 30):  # noqa: B023 (used before the next round)
            proc.communicate(timeout=60)
            continue
        helpers = children(pid)
        proc.kill()
        proc.communicate(timeout=10)
        assert wait_until(lambda: not alive(path.name), 5), helpers
        killed += 1
    assert killed


def test_sigterm_during_start_up_says_why(tmp_path: Path) -> None:
    """A SIGTERM while quiz is still importing its modules ends it with a word and exit 130.

    `-X importtime` reports each import as it ends: the signal is sent when Click's first module
    has been imported, after quiz.stopping (so never too early) and long before the command runs.
    """
    env = {**os.environ, "QUIZ_HOME": str(tmp_path / "home")}
    starting = "Stopped by SIGTERM while starting; nothing was done."
    messages = (starting, "Stopped by SIGTERM; no file was written.")
    seen_starting = 0
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "quiz", "check", str(REPO / "decks")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
        )
        assert proc.stderr is not None
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if line.split("|")[-1].strip() == "click._compat":
                break
        assert "quiz.stopping" in [line.split("|")[-1].strip() for line in lines]  # installed before
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=30)
        said = [line for line in rest.splitlines() if not line.startswith("import time:")]
        assert proc.returncode == 130, said
        assert said in ([messages[0]], ["", messages[1]]), said
        seen_starting += said == [messages[0]]
    assert seen_starting


@pytest.mark.parametrize("k", [0, 3])
def test_sighup_mid_quiz_keeps_every_answer(tmp_path: Path, k: int) -> None:
    """A closed terminal (SIGHUP) after k answers ends the quiz like Ctrl-C: exit 130, k answers saved."""
    from test_interrupt import answer_k_then, check_database

    home = tmp_path / "home"
    code, err = answer_k_then(home, k, signal.SIGHUP)
    assert code == 130, err
    plural = "answer" if k == 1 else "answers"
    assert err.strip().splitlines()[-1] == f"Interrupted — {k} {plural} saved (session #1)."
    check_database(home, k)


def test_the_stop_message_names_the_files_written_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A SIGTERM after a report wrote its CSV: exit 130, and the line says which file was written whole."""
    import click

    import quiz.cli
    from quiz.files import write_atomic
    from quiz.stopping import Stopped

    target = tmp_path / "class.csv"

    def stopped_after_a_write(*_args: object, **_kwargs: object) -> None:
        write_atomic(target, "learner\n")
        raise click.Abort() from Stopped(signal.SIGTERM)

    monkeypatch.setattr(quiz.cli.cli, "main", stopped_after_a_write)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        with pytest.raises(SystemExit) as ended:
            quiz.cli.main()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert ended.value.code == 130
    err = capsys.readouterr().err
    assert err.startswith("Stopped by SIGTERM; wrote ") and err.endswith(f"{target} before it.\n")
    assert target.read_text() == "learner\n"
