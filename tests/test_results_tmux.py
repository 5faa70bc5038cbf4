"""An exam in a real terminal (tmux, 80 columns) stopped by Ctrl-C or by closing the window.

The learner types at the keyboard; after three acknowledged answers (the next question is on
screen) the exam is stopped the way a person stops it: Ctrl-C, or the terminal window closed
(SIGHUP). The results file and the score database hold the three answers, the file says the
exam is unfinished, and ``quiz run --resume FILE`` in a new terminal asks the rest, in the
order the plan recorded, so the file ends as one whole sitting.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from classroom import ANSWERS, make_deck
from test_terminal_width import Tmux, pytestmark  # noqa: F401 (skipped where there is no tmux)

from quiz.deckio import load
from quiz.insight.results import load_result
from quiz.model import question_text
from quiz.store import db_path

WIDTH = 80
EXAM = 8  # the template deck's cards but its flashcard


def answer_shown(tmux: Tmux, n: int, prompts: dict[str, str]) -> str:
    """Wait for question ``n`` and type its right answer (found from the prompt on screen)."""
    screen = tmux.wait_for(f"{n}/{EXAM}  ")
    shown = re.findall(rf"^{n}/{EXAM}  (.*)$", screen, re.MULTILINE)[-1]
    card = next(c for p, c in prompts.items() if " ".join(shown.split()) in p)
    tmux.keys("-l", ANSWERS[card][0])
    tmux.keys("Enter")
    return card


@pytest.mark.parametrize("how", ["ctrl-c", "window-closed"])
def test_an_exam_stopped_at_the_terminal_keeps_its_answers_and_resumes(tmp_path: Path, how: str) -> None:
    """Stopped at a terminal after 3 answers: file and database hold them; resumed, 8/8 in plan order."""
    deck = make_deck(tmp_path)
    prompts = {" ".join(question_text(c).split()): c.id for c in load(deck).cards}
    results = tmp_path / "ada.json"
    run = ["run", str(deck), "--exam", "--seed", "5", "--name", "Ada", "--results", str(results)]
    tmux = Tmux(tmp_path, WIDTH, run)
    try:
        asked = [answer_shown(tmux, n, prompts) for n in (1, 2, 3)]
        tmux.wait_for(f"4/{EXAM}  ")  # the third answer is acknowledged
        if how == "ctrl-c":
            tmux.keys("C-c")
            assert "Interrupted — 3 answers saved" in tmux.wait_for("EXIT=130")
        else:
            tmux.tmux("kill-session")  # the terminal goes away: SIGHUP
    finally:
        tmux.close()
    stopped = load_result(results)  # (waits for nothing: the file is whole after every answer)
    assert [a.card for a in stopped.answers] == asked
    assert [a.typed for a in stopped.answers] == [ANSWERS[c][0] for c in asked]
    assert stopped.complete is False and stopped.state in ("interrupted", "in progress")
    with sqlite3.connect(db_path(tmp_path / "home")) as db:
        stored = db.execute("SELECT card_id FROM attempts ORDER BY id").fetchall()
    assert [c for (c,) in stored] == asked

    again = Tmux(tmp_path, WIDTH, ["run", "--resume", str(results)])
    try:
        rest = [answer_shown(again, n, prompts) for n in range(4, EXAM + 1)]
        assert "Score: 8/8" in again.wait_for("EXIT=0")
    finally:
        again.close()
    done = load_result(results)
    assert [a.card for a in done.answers] == asked + rest == [card for card, _ in stopped.plan]
    assert done.complete is True and done.state == "finished"


@pytest.mark.parametrize("command", ["study", "run"])
def test_a_session_whose_terminal_is_closed_is_saved_as_interrupted(tmp_path: Path, command: str) -> None:
    """The window closed at the next question (the terminal gone before SIGHUP arrives): the session
    is closed as interrupted, with its end time, as Ctrl-C closes it; never left 'unfinished'."""
    deck = make_deck(tmp_path)
    tmux = Tmux(tmp_path, WIDTH, [command, str(deck), "--seed", "5"])
    try:
        screen = tmux.wait_for("> ")
        card = next(c for p, c in ((p, c.id) for c in load(deck).cards for p in [question_text(c)])
                    if " ".join(p.split())[:30] in " ".join(screen.split()))  # fmt: skip
        tmux.keys("-l", ANSWERS[card][0])
        tmux.keys("Enter")
        if command == "study":
            tmux.wait_for("Rating [")
            tmux.keys("Enter")
        tmux.wait_for("2/")
        tmux.tmux("kill-session")
    finally:
        tmux.close()
    with sqlite3.connect(db_path(tmp_path / "home")) as db:
        for _ in range(100):  # the program closes the session as it stops
            row = db.execute("SELECT finished_at, interrupted, asked FROM sessions").fetchone()
            if row is not None and row[0]:
                break
            time.sleep(0.1)
    assert row is not None and row[0] and row[1:] == (1, 1)
