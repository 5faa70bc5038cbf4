"""Untrusted text never reaches a terminal as control characters; JSON output keeps it exact.

A deck author can put ESC sequences (OSC 52 clipboard writes, CSI 2J, title changes, hidden
text), C1 controls, carriage returns and bidi overrides into any text; a learner can put them
into a name or an answer that an instructor's `quiz report` prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.ui.safe import visible

#: Anything a terminal would obey: C0 but newline and tab, DEL, C1, a CR not before LF, bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

ATTACKS = [
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;owned\x07",  # set the window title
    "\x1b[8mhidden\x1b[0m",  # concealed text
    "\x9b2J",  # an 8-bit CSI
    "visible\rOVERWRITTEN",  # a lone carriage return
    "\u202eevil\u202c",  # a right-to-left override
    "\x00\x08\x7f",
]
HOSTILE = st.lists(
    st.sampled_from(ATTACKS) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
    min_size=1,
    max_size=4,
).map(lambda parts: "x" + "".join(parts))


def unsafe_lines(result: Result) -> list[str]:
    """The lines of stdout and stderr that hold a character a terminal would obey."""
    text = result.stdout + result.stderr
    return [line for line in text.replace("\r\n", "\n").split("\n") if UNSAFE.search(line)]


def write_deck(path: Path, text: str) -> None:
    """A deck whose title, prompt, answer, alternates, explanation and tags all hold ``text``."""
    quoted = json.dumps(text)  # a JSON string is a YAML double-quoted string
    path.write_text(
        "deck:\n  id: hostile\n  title: " + quoted + "\ncards:\n"
        "  - id: one\n    type: short\n    prompt: " + quoted + "\n    answer: " + quoted + "\n"
        "    accept: [" + quoted + "]\n    explain: " + quoted + "\n"
        "  - id: two\n    type: choice\n    prompt: " + quoted + "\n    choices: [" + quoted + ", plain]\n"
        "    answer: plain\n",
        encoding="utf-8",
    )


@settings(max_examples=25, deadline=None)
@given(text=HOSTILE)
@example(text="x" + "".join(ATTACKS))
def test_no_command_prints_a_control_character_from_a_deck(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """show, preview, list, check, run, study, stats, history print no ESC, C1, lone CR or bidi override."""
    folder = tmp_path_factory.mktemp("deck")
    deck = folder / "hostile.yaml"
    write_deck(deck, text)
    runner = CliRunner()
    for args, stdin in (
        (["show", str(deck)], ""),
        (["preview", str(deck)], ""),
        (["list", str(deck)], ""),
        (["check", str(deck)], ""),
        (["run", str(deck), "--no-shuffle"], f"{text}\n{text}\n"),
        (["run", str(deck), "--exam", "--no-shuffle"], f"{text}\nb\n"),
        (["study", str(deck)], f"{text}\nb\n"),
        (["stats", "hostile"], ""),
        (["history", "hostile"], ""),
    ):
        got = runner.invoke(cli, args, input=stdin)
        assert "Traceback" not in got.output
        assert unsafe_lines(got) == [], args


def test_json_output_keeps_the_exact_text(tmp_path: Path) -> None:
    """`quiz show --json` gives back every control character exactly, as JSON escapes."""
    text = "x" + "".join(ATTACKS)
    write_deck(tmp_path / "hostile.yaml", text)
    got = CliRunner().invoke(cli, ["show", str(tmp_path / "hostile.yaml"), "--json"])
    assert got.exit_code == 0, got.output
    assert not UNSAFE.search(got.stdout)
    data = json.loads(got.stdout)
    assert data["deck"]["title"] == text
    assert data["cards"][0]["prompt"] == text


def test_a_learner_name_and_answers_reach_the_report_escaped(tmp_path: Path) -> None:
    """A results file with a hostile learner name and answers: the text report shows them escaped."""
    name = "Eve\x1b]52;c;aGk=\x07\rAda"
    path = tmp_path / "eve.json"
    got = CliRunner().invoke(
        cli,
        ["run", "us-russia-military-talks-2019", "--count", "3", "--seed", "2", "--no-save",
         "--name", name, "--results", str(path)],
        input="\x1b[2Jone\n\x9btwo\n\u202ethree\n",
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    assert json.loads(path.read_text(encoding="utf-8"))["learner"] == name  # the file keeps it exact
    report = CliRunner().invoke(cli, ["report", str(path)])
    assert report.exit_code == 0, report.output
    assert unsafe_lines(report) == []
    assert "Eve\\u001b]52;c;aGk=\\u0007\\rAda" in report.stdout
    as_json = CliRunner().invoke(cli, ["report", str(path), "--json"])
    assert json.loads(as_json.stdout)["learners"][0]["name"] == name


def test_visible_escapes_each_kind_and_keeps_quiz_styles() -> None:
    """Each dangerous character becomes its JSON escape; newline, tab, CR LF and quiz's own colours stay."""
    assert visible("a\x1b]0;t\x07b") == "a\\u001b]0;t\\u0007b"
    assert visible("a\rb\r\nc\td") == "a\\rb\nc\td"
    assert visible("\x9b\u202e\x7f") == "\\u009b\\u202e\\u007f"
    assert (
        visible("\x1b[1mbold\x1b[0m \x1b[8mhidden", keep_style=True) == "\x1b[1mbold\x1b[0m \\u001b[8mhidden"
    )
    assert visible("\x1b[1m") == "\\u001b[1m"
    assert json.loads(json.dumps(visible("\x1b\x85\u2067"))) == "\\u001b\\u0085\\u2067"
    assert json.loads(visible(json.dumps("\x1b\x85\u2067", ensure_ascii=False))) == "\x1b\x85\u2067"


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_visible_leaves_nothing_a_terminal_obeys(text: str) -> None:
    """Whatever the text, the visible form holds no control character but newline and tab."""
    assert not UNSAFE.search(visible(text))
    assert not UNSAFE.search(visible(text, keep_style=True).replace("\x1b[", ""))


def test_at_a_terminal_quiz_colours_stay_and_deck_escapes_do_not(tmp_path: Path) -> None:
    """`quiz show` at a real terminal (a pty): the title is bold; the deck's CSI 2J and SGR 8 show as text."""
    import os
    import pty
    import subprocess
    import sys

    from conftest import REPO

    deck = tmp_path / "hostile.yaml"
    write_deck(deck, "x" + "".join(ATTACKS))
    main, child = pty.openpty()
    env = {**os.environ, "QUIZ_HOME": str(tmp_path / "home"), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "quiz", "show", str(deck)], stdout=child, stderr=child, cwd=REPO, env=env
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the pty is closed once the program has exited
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(main)
    out = b"".join(chunks).decode("utf-8")
    assert proc.returncode == 0, out
    assert "\x1b[1m" in out  # quiz's own bold title
    assert "\\u001b[2J" in out and "\\u001b[8m" in out and "\\u001b]52;" in out
    assert not UNSAFE.search(re.sub("\x1b\\[(?:0|1|22|39|3[0-7]|9[0-7])m", "", out).replace("\r\n", "\n"))
