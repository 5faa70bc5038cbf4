"""In a real terminal (tmux) at 40, 80 and 120 columns: every line fits, Ctrl-C says the score so far."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from hypothesis import given
from hypothesis import strategies as st

from quiz.model import ChoiceCard, Deck, Outcome, Question, Summary, Verdict
from quiz.store import Store, db_path
from quiz.ui.render import question_lines, session_header, summary_lines, verdict_lines

# A machine without tmux cannot show a real terminal; CI installs it (.ci/run), so there it must run.
pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="needs tmux (a real terminal)"
)

DECK = "us-russia-military-talks-2019"
STUDY_DECK = str(FIXTURES / "decks" / "valid" / "study-sample.yaml")


class Tmux:
    """One program in a detached tmux window of a given width, on a private tmux server."""

    def __init__(self, tmp: Path, width: int, args: list[str]) -> None:
        self.socket = f"quiz-test-{os.getpid()}-{width}-{time.monotonic_ns()}"
        self.width = width
        self.home = tmp / "home"
        env = f"QUIZ_HOME={self.home} QUIZ_NOW=2026-11-28T09:00:00+00:00"
        quoted = " ".join(f"'{a}'" for a in args)
        run = f"env -u COLUMNS -u LINES {env} {sys.executable} -m quiz {quoted}"  # the real width
        command = f"cd {REPO} && {run}; echo EXIT=$?; sleep 60"
        self.tmux("new-session", "-d", "-x", str(width), "-y", "50", command)

    def tmux(self, *args: str) -> str:
        """Run a tmux command on this test's own server."""
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout

    def screen(self) -> str:
        """Everything printed so far, with lines the terminal wrapped joined back (-J)."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-500")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait until ``text`` is on the screen; the screen."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        """Type ``keys`` (tmux key names such as Enter or C-c)."""
        self.tmux("send-keys", *keys)

    def interrupt_at(self, text: str) -> str:
        """Wait for ``text``, press Ctrl-C while an answer is awaited; the whole screen (which must fit)."""
        self.wait_for(text)
        time.sleep(0.3)
        self.keys("C-c")
        screen = self.wait_for("EXIT=")
        assert_fits(screen, self.width)
        return screen

    def close(self) -> None:
        """Stop this test's tmux server."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def term(tmp_path: Path) -> object:
    """A factory of tmux windows, all closed after the test."""
    made: list[Tmux] = []

    def make(width: int, *args: str) -> Tmux:
        t = Tmux(tmp_path, width, list(args))
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()


def assert_fits(screen: str, width: int) -> None:
    """No line of ``screen`` is wider than the terminal (so none was wrapped by the terminal)."""
    too_wide = [line for line in screen.splitlines() if len(line.rstrip()) > width]
    assert not too_wide, f"wider than {width} columns: {too_wide}"


@pytest.mark.parametrize("width", [40, 80, 120])
def test_a_quiz_fits_and_ctrl_c_says_the_score_so_far(term, width: int) -> None:  # type: ignore[no-untyped-def]
    """quiz run at a real terminal: every line fits; a refusal offers "I was right"; Ctrl-C: the score."""
    t = term(width, "run", DECK, "--seed", "42", "--count", "4")
    t.wait_for("> ")
    t.keys("whatever", "Enter")
    t.wait_for("r: I was right)")
    t.keys("Enter")
    screen = t.interrupt_at("2/4")
    flat = " ".join(screen.split())
    assert "Score so far: 0/1 (0%) · 1 of 4 questions answered." in flat
    assert "Interrupted — 1 answer saved (session #1)." in flat
    assert "EXIT=130" in screen


@pytest.mark.parametrize("width", [40, 80, 120])
def test_an_exam_fits_and_ctrl_c_does_not_mark_it(term, width: int) -> None:  # type: ignore[no-untyped-def]
    """An exam at a real terminal: no verdict and no override offered; Ctrl-C says only how far it got."""
    t = term(width, "run", DECK, "--seed", "42", "--count", "4", "--exam")
    t.wait_for("> ")
    t.keys("whatever", "Enter")
    screen = t.interrupt_at("2/4")
    flat = " ".join(screen.split())
    assert "I was right" not in flat and "Wrong" not in flat
    assert "1 of 4 questions answered; an exam that was not finished is not marked." in flat
    assert "Score so far" not in flat
    assert "Interrupted — 1 answer saved (session #1)." in flat
    assert "EXIT=130" in screen


def test_an_override_at_the_terminal_is_stored(term) -> None:  # type: ignore[no-untyped-def]
    """'r' after a refusal counts the answer right, in the summary and in the database (marked overridden)."""
    t = term(80, "run", DECK, "--card", "meeting-city")
    t.wait_for("> ")
    t.keys("Geneva", "Enter")
    t.wait_for("r: I was right)")
    t.keys("r", "Enter")
    screen = t.wait_for("EXIT=")
    assert "Counted as right (overridden by you)." in screen
    assert "Score: 1/1 (100%)" in screen
    with Store.open(db_path(t.home)) as store:
        [attempt] = store.attempts()
    assert (attempt.typed, attempt.correct, attempt.overridden) == ("Geneva", True, True)


@pytest.mark.parametrize("width", [40, 80, 120])
def test_a_study_session_fits(term, width: int) -> None:  # type: ignore[no-untyped-def]
    """quiz study at a real terminal: header, verdicts, interval preview and messages all fit; Ctrl-C too."""
    t = term(width, "study", STUDY_DECK, "--seed", "7")
    t.wait_for("> ")
    t.keys("Berlin", "Enter")
    t.wait_for("Rating [again]: ")
    t.keys("Enter")
    t.wait_for("2/6")
    t.keys("b", "Enter")
    t.wait_for("Rating [good]: ")
    t.keys("Enter")
    t.wait_for("3/6")
    t.keys("maybe", "Enter")
    screen = t.interrupt_at("Try again.")
    flat = " ".join(screen.split())
    assert "Again in this session: in 1 minute, or after the other cards." in flat
    assert "So far: 2 answered, 1 right." in flat
    assert "Interrupted — 2 answers saved (session #1)." in flat


def test_an_override_with_json_at_a_terminal_sends_an_event(term) -> None:  # type: ignore[no-untyped-def]
    """--json with a person at the terminal: the prompt goes to stderr, an 'override' event to stdout."""
    t = term(80, "run", DECK, "--card", "meeting-city", "--json")
    t.wait_for('"event": "question"')
    t.keys("Geneva", "Enter")
    t.wait_for("r: I was right)")
    t.keys("r", "Enter")
    screen = t.wait_for("EXIT=")
    assert '{"event": "override", "n": 1, "retry": false, "card": "meeting-city", "typed": "Geneva"' in screen
    assert '"correct": 1, "asked": 1' in screen
    with Store.open(db_path(t.home)) as store:
        [attempt] = store.attempts()
    assert attempt.overridden and attempt.correct


# -- the rule behind the tmux checks, for any text -------------------------------------------------

WORDS = st.text("abcdefghij klmnop,.-", min_size=1, max_size=12).map(str.strip).filter(bool)
TEXT = st.lists(WORDS, min_size=1, max_size=30).map(" ".join)


@given(
    prompt=TEXT,
    choices=st.lists(TEXT, min_size=2, max_size=5, unique=True),
    note=TEXT,
    explain=TEXT,
    width=st.integers(min_value=30, max_value=130),
)
def test_every_line_of_a_question_its_verdict_and_the_summary_fits(
    prompt: str, choices: list[str], note: str, explain: str, width: int
) -> None:
    """Whatever the text (words shorter than the screen), no line is wider than the width given."""
    card = ChoiceCard(id="c", prompt=prompt, choices=tuple(choices), answer=choices[0], explain=explain)
    q = Question(1, 1, card, tuple(choices))
    wrong = Outcome(q, "zzz", Verdict(correct=False, rule="wrong", note=note, expected=choices[0]), 10, "")
    summary = Summary(
        total=1, asked=1, correct=0, score=0.0, percent=0.0, duration_s=1.0,
        outcomes=(wrong,), missed=(wrong,), exam=True, passed=False,
    )  # fmt: skip
    deck = Deck(id="d", title=prompt, cards=(card,))
    lines = [
        *session_header(deck, 1, True, 60, False, width).splitlines(),
        *question_lines(q, False, width),
        *verdict_lines(wrong, False, True, width=width),
        *summary_lines(summary, False, True, width),
    ]
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize(
    "args",
    [("list",), ("stats", STUDY_DECK), ("history",), ("where",), ("show", DECK), ("preview", DECK)],
    ids=["list", "stats", "history", "where", "show", "preview"],
)
def test_report_commands_fit_a_narrow_terminal(  # type: ignore[no-untyped-def]
    term, tmp_path: Path, width: int, args: tuple[str, ...]
) -> None:
    """list, stats, history, where, show and preview wrap long lines under their own indent at a terminal."""
    home = tmp_path / "home"  # the window's QUIZ_HOME: two sessions to report, one cut short
    for count in ("2", "1"):
        subprocess.run(
            [sys.executable, "-m", "quiz", "run", STUDY_DECK, "--seed", "1", "--count", count],
            input="wrong answer\n", capture_output=True, text=True, timeout=60,
            env={**os.environ, "QUIZ_HOME": str(home), "QUIZ_NOW": "2026-11-28T09:00:00+00:00"},
        )  # fmt: skip
    screen = term(width, *args).wait_for("EXIT=")
    assert "EXIT=0" in screen
    assert_fits(screen, width)
    if args[0] == "history":
        assert "interrupted" in screen
        # Too narrow for the table: no header, each session a block with its deck on a line of its own.
        if width == 40:
            assert "started (UTC)" not in screen, screen
            assert "UTC  quiz" in screen and "       study-sample" in screen, screen


def test_report_lines_are_unchanged_in_a_pipe(tmp_path: Path) -> None:
    """Into a pipe the same commands print each line whole, for programs to read."""
    env = {**os.environ, "QUIZ_HOME": str(tmp_path), "COLUMNS": "40"}
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "list"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    ).stdout
    assert any(len(line) > 40 and line.startswith(DECK) for line in out.splitlines()), out


@given(
    text=st.lists(
        st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=70), max_size=4
    ),
    width=st.integers(min_value=20, max_value=120),
)
def test_fit_keeps_every_word_and_the_width(text: list[str], width: int) -> None:
    """fit() never drops a word and never leaves a line wider than the width (or than a line that fit)."""
    from quiz.ui.terminal import fit

    given_text = "\n".join(text)
    out = fit(given_text, width)
    assert "".join(out.split()) == "".join(given_text.split())
    for line in out.splitlines():
        assert len(line) <= width or line in given_text.splitlines()


@given(
    before=st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), max_size=12),
    hint=st.lists(st.text(alphabet="xyz", min_size=1, max_size=6), min_size=1, max_size=3),
    width=st.integers(min_value=30, max_value=100),
)
def test_a_cloze_gap_is_never_split_across_lines(before: list[str], hint: list[str], width: int) -> None:
    """A gap such as "[1: a name]" stays on one line: a learner reads the hint as one piece."""
    from quiz.ui.render import wrap

    gap = f"[1: {' '.join(hint)}]"  # at most 25 characters: it fits on a line of the narrowest width
    lines = wrap(" ".join([*before, gap, "end."]), width, "     ")
    assert any(gap in line for line in lines), lines
    assert all(len(line) <= width for line in lines)
