"""Results written as the exam goes: a real ``quiz run --exam --results`` process, interrupted four ways.

After every acknowledged answer (the next question is on screen) the results file is valid and
holds every answer so far; Ctrl-C, SIGTERM, a closed stdin, SIGHUP and kill -9 lose none of them;
``quiz run --resume FILE`` continues where it stopped, with the same questions in the same order.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_interrupt import DECK, next_event
from test_interrupt import start as run_quiz

from quiz.cli import cli
from quiz.insight.results import load_result

COUNT = 6


def start(home: Path, results: Path, *args: str) -> subprocess.Popen[str]:
    """``python -m quiz run DECK --json --exam --results FILE ARGS`` (test_interrupt's runner).

    A watchdog kills the process after 60 s, so a question that never comes fails the test
    instead of hanging it.
    """
    # --reask 0: the typed 'answer 3' to a true/false question is taken as it is, not asked again.
    proc = run_quiz(home, "--exam", "--reask", "0", "--results", str(results), *args)
    watchdog = threading.Timer(60, proc.kill)
    watchdog.daemon = True
    watchdog.start()
    return proc


def answer(proc: subprocess.Popen[str], k: int, results: Path) -> list[str]:
    """Answer k questions; after each, wait for the next question and check the file holds it."""
    assert proc.stdin is not None and proc.stdout is not None
    typed = []
    next_event(proc.stdout, "question")
    for i in range(k):
        typed.append(f"answer {i}")
        proc.stdin.write(typed[-1] + "\n")
        proc.stdin.flush()
        next_event(proc.stdout, "question")  # acknowledged: the next question is shown
        written = load_result(results)  # valid JSON, totals agree with the answers
        assert [a.typed for a in written.answers] == typed
        assert written.complete is False and written.state == "in progress"
    return typed


def new_exam(home: Path, results: Path) -> subprocess.Popen[str]:
    """A fresh exam of COUNT questions for Ada."""
    return start(home, results, "--count", str(COUNT), "--seed", "11", "--name", "Ada")


@pytest.mark.parametrize(
    ("how", "state", "code"),
    [
        (signal.SIGINT, "interrupted", 130),
        (signal.SIGTERM, "interrupted", 130),
        (signal.SIGHUP, "interrupted", 130),  # a closed terminal stops the exam as Ctrl-C does
        (signal.SIGKILL, "in progress", -signal.SIGKILL),
        ("close-stdin", "ended", 1),
    ],
    ids=["ctrl-c", "sigterm", "sighup", "kill-9", "closed-stdin"],
)
def test_an_interrupted_exam_keeps_every_acknowledged_answer(
    tmp_path: Path, how: int | str, state: str, code: int
) -> None:
    """However the exam ends early, the results file is valid, incomplete, and holds every answer given."""
    results = tmp_path / "ada.json"
    with new_exam(tmp_path / "home", results) as proc:
        typed = answer(proc, 3, results)
        assert proc.stdin is not None
        if how == "close-stdin":
            proc.stdin.close()
            proc.stdin = None  # closed: communicate() must not flush it
        else:
            proc.send_signal(int(how))
        proc.communicate(timeout=30)
    assert proc.returncode == code
    written = load_result(results)
    assert [a.typed for a in written.answers] == typed
    assert (written.asked, written.total, written.complete, written.state) == (3, COUNT, False, state)
    assert not list(tmp_path.glob(".ada.json.*"))  # no temporary file left behind


def test_resume_continues_where_it_stopped_with_the_same_questions(tmp_path: Path) -> None:
    """kill -9 after 2 answers, then --resume: the same 6 questions in the same order as one sitting."""
    home = tmp_path / "home"
    once = tmp_path / "once.json"
    with new_exam(home, once) as proc:
        answer(proc, COUNT - 1, once)
        assert proc.stdin is not None
        proc.stdin.write(f"answer {COUNT - 1}\n")
        proc.communicate(timeout=30)
    whole = load_result(once)
    assert whole.complete and whole.state == "finished"

    resumed = tmp_path / "ada.json"
    with new_exam(home, resumed) as proc:
        answer(proc, 2, resumed)
        proc.kill()
        proc.communicate(timeout=30)
    with start(home, resumed, "--resume", str(resumed)) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        shown = [next_event(proc.stdout, "question")]
        for i in range(2, COUNT):
            proc.stdin.write(f"answer {i}\n")
            proc.stdin.flush()
            if i < COUNT - 1:
                shown.append(next_event(proc.stdout, "question"))
        proc.communicate(timeout=30)
    assert proc.returncode in (0, 1)  # passed or failed: the exam ended
    final = load_result(resumed)
    assert final.complete and final.state == "finished" and final.learner == "Ada"
    assert final.plan == whole.plan
    assert [(a.card, a.shown, a.typed) for a in final.answers] == [
        (a.card, a.shown, a.typed) for a in whole.answers
    ]
    assert [e["card"] for e in shown] == [card for card, _ in whole.plan[2:]]


def test_resume_refuses_what_cannot_be_continued(tmp_path: Path) -> None:
    """A finished exam, another deck version, or a file that exists without --resume: one-line errors."""
    runner = CliRunner()
    done = tmp_path / "done.json"
    args = ["run", DECK, "--exam", "--count", "2", "--seed", "3", "--name", "Bo", "--results", str(done)]
    assert runner.invoke(cli, args, input="x\ny\n").exit_code in (0, 1)
    again = runner.invoke(cli, args, input="x\ny\n")
    assert again.exit_code == 1
    assert "already exists and holds Bo's finished exam (" in again.stderr
    finished = runner.invoke(cli, ["run", "--resume", str(done)])
    assert (
        finished.exit_code == 1
        and "this exam is finished (2/2 answered): nothing to resume" in finished.stderr
    )

    part = tmp_path / "part.json"
    args = ["run", DECK, "--exam", "--count", "3", "--seed", "3", "--name", "Bo", "--results", str(part)]
    assert runner.invoke(cli, args, input="x\n").exit_code == 1  # input ran out after one answer
    assert load_result(part).state == "ended"
    data = json.loads(part.read_text("utf-8"))
    data["deck"]["hash"] = "another-version"
    part.write_text(json.dumps(data), "utf-8")
    changed = runner.invoke(cli, ["run", "--resume", str(part)])
    assert changed.exit_code == 1 and "changed since this exam began" in changed.stderr
    assert "Traceback" not in changed.stderr + finished.stderr + again.stderr


def test_the_report_shows_an_unfinished_exam_as_incomplete(tmp_path: Path) -> None:
    """A results file left by an interrupted exam is reported with how many questions were answered."""
    results = tmp_path / "ada.json"
    with new_exam(tmp_path / "home", results) as proc:
        answer(proc, 2, results)
        proc.kill()
        proc.communicate(timeout=30)
    report = CliRunner().invoke(cli, ["report", str(results)])
    assert report.exit_code == 0, report.output
    assert "1 learner (1 incomplete)" in report.stdout
    assert (
        f"0/{COUNT} (incomplete: 2 answered)" in report.stdout or "(incomplete: 2 answered)" in report.stdout
    )


def test_resume_finds_the_deck_beside_the_results_file_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file records the deck's path as typed ('exam.yaml'); resumed from another folder, the
    deck is looked for beside the results file too; if it is nowhere, the error says to give it."""
    from classroom import make_deck

    room = tmp_path / "room"
    room.mkdir()
    (room / "exam.yaml").write_bytes(make_deck(tmp_path).read_bytes())
    monkeypatch.chdir(room)
    runner = CliRunner()
    args = ["run", "exam.yaml", "--exam", "--no-shuffle", "--name", "Ada", "--results", "ada.json"]
    assert runner.invoke(cli, args, input="Bern\n").exit_code == 1  # input ran out after one answer
    assert json.loads((room / "ada.json").read_text("utf-8"))["deck_file"] == "exam.yaml"
    monkeypatch.chdir(tmp_path)
    resumed = runner.invoke(cli, ["run", "--resume", "room/ada.json"], input="a\n")
    assert resumed.exit_code == 1, resumed.output  # the input ran out again: but it went on
    assert [a.typed for a in load_result(room / "ada.json").answers] == ["Bern", "a"]
    (room / "exam.yaml").rename(tmp_path / "moved.yaml")
    lost = runner.invoke(cli, ["run", "--resume", "room/ada.json"])
    assert lost.exit_code == 1
    said = "the exam's deck was at 'room/exam.yaml': give it, as in 'quiz run DECK --resume room/ada.json'"
    assert said in lost.stderr  # the path as the last sitting found it
    found = runner.invoke(cli, ["run", "moved.yaml", "--resume", "room/ada.json"], input="a, b, c\n")
    assert found.exit_code == 1, found.output
    assert [a.typed for a in load_result(room / "ada.json").answers] == ["Bern", "a", "a, b, c"]
