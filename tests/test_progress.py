"""Progress bars: on a real terminal (tmux) long work shows a bar on stderr, erased when done; in a pipe,
with --json, --plain or NO_COLOR there is none and the output is byte for byte what it is without."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from hypothesis import given
from hypothesis import strategies as st

from quiz.ui.progress import wanted

needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="needs tmux (a real terminal)"
)

#: A deck that takes seconds to check (its examples run), well over the bar's half-second delay.
BIG_CARDS = 5000
SMALL = FIXTURES / "decks" / "valid" / "yaml-special-strings.yaml"  # findings on stdout


class Pane:
    """One command in a detached tmux window whose every byte written to the terminal is logged
    (``pipe-pane``, started before the command may begin)."""

    def __init__(self, tmp: Path, command: str) -> None:
        self.socket = f"quiz-progress-{os.getpid()}-{time.monotonic_ns()}"
        self.log = tmp / f"{self.socket}.log"
        go = tmp / f"{self.socket}.go"
        # CI is set by the test run itself; the user's terminal has no CI, and a real TERM. A data
        # directory of its own: no deck cache from an earlier run, so a large deck is parsed.
        home = tmp / f"{self.socket}.home"
        script = (
            f"cd {REPO}; while [ ! -e {go} ]; do sleep 0.05; done; "
            f"env -u CI -u NO_COLOR -u COLUMNS TERM=xterm-256color QUIZ_PROGRESS_DELAY=0 QUIZ_HOME={home} "
            f"{command}; "
            "echo EXIT=$?; sleep 60"
        )
        self.tmux("new-session", "-d", "-x", "100", "-y", "40", script)
        self.tmux("pipe-pane", "-o", f"cat >> {self.log}")
        go.touch()

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout

    def finished(self, timeout: float = 120.0) -> tuple[str, str]:
        """Wait for the command to end; (what the terminal received, what the screen shows)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.tmux("capture-pane", "-p", "-J", "-S", "-500")
            if "EXIT=" in screen:
                time.sleep(0.2)  # the log's last bytes
                return self.log.read_text(encoding="utf-8", errors="replace"), screen
            time.sleep(0.1)
        raise AssertionError("the command never ended:\n" + self.tmux("capture-pane", "-p"))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[object]:
    made: list[Pane] = []

    def make(command: str) -> Pane:
        p = Pane(tmp_path, command)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


@pytest.fixture(scope="module")
def big_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "gen.py"), "deck", str(path), str(BIG_CARDS)],
        check=True,
        capture_output=True,
    )
    return path


def quiz(*args: str) -> str:
    return " ".join([sys.executable, "-m", "quiz", *(f"'{a}'" for a in args)])


def piped(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The same command with stdout and stderr in pipes (and no CI, as at a user's shell)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, cwd=REPO, env=env, timeout=300
    )


@needs_tmux
def test_checking_a_large_deck_on_a_terminal_shows_a_bar_on_stderr_then_erases_it(
    pane, big_deck: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.txt"
    received, screen = pane(quiz("check", str(big_deck), str(SMALL)) + f" > {out}").finished()
    # The terminal (stderr) got a bar naming the file, with a percentage and the parts done...
    assert "checking big.yaml:" in received and "%|" in received
    # ...which was erased: the screen shows only the summary line.
    assert "checking" not in screen and "%|" not in screen
    assert "2 decks checked" in screen and "EXIT=0" in screen
    # stdout (a file here) is exactly what it is without a terminal.
    assert out.read_bytes() == piped("check", str(big_deck), str(SMALL)).stdout


@needs_tmux
@pytest.mark.parametrize(
    ("how", "extra", "prefix"),
    [
        ("--json", ["--json"], ""),
        ("--plain", ["--plain"], ""),
        ("NO_COLOR", [], "NO_COLOR=1 "),
    ],
)
def test_no_bar_with_json_plain_or_no_color_and_the_output_is_unchanged(
    pane, big_deck: Path, tmp_path: Path, how: str, extra: list[str], prefix: str
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.txt"
    args = ["check", str(big_deck), str(SMALL), *extra]
    received, _screen = pane(f"env {prefix}" + quiz(*args) + f" > {out}").finished()
    assert "%|" not in received and "checking big.yaml" not in received, how
    alone = piped(*args)
    assert out.read_bytes() == alone.stdout
    # What reached the terminal on stderr is what a pipe gets (the terminal ends lines with CR LF).
    shown = received.replace("\r\n", "\n").split("EXIT=")[0]
    assert shown == alone.stderr.decode()


def test_no_bar_in_a_pipe(big_deck: Path) -> None:
    """stderr in a pipe: no bar, whatever else is set; only the summary line."""
    result = piped("check", str(big_deck))
    assert result.returncode == 0
    assert result.stderr == b"1 deck checked: 0 errors, 0 warnings, 0 advice\n"


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@given(
    tty=st.booleans(),
    as_json=st.booleans(),
    plain=st.booleans(),
    no_color=st.sampled_from([None, "", "1"]),
    ci=st.sampled_from([None, "", "0", "false", "true", "1", "yes"]),
    term=st.sampled_from([None, "dumb", "xterm-256color", "screen"]),
)
def test_wanted_only_on_a_terminal_without_json_plain_no_color_ci_or_dumb_term(
    tty: bool, as_json: bool, plain: bool, no_color: str | None, ci: str | None, term: str | None
) -> None:
    env = {k: v for k, v in (("NO_COLOR", no_color), ("CI", ci), ("TERM", term)) if v is not None}
    expected = (
        tty
        and not as_json
        and not plain
        and no_color is None  # NO_COLOR set at all (even empty) means no decoration, as for colour
        and ci in (None, "", "0", "false")
        and term != "dumb"
    )
    assert wanted(as_json=as_json, plain=plain, stream=Stream(tty), environ=env) is expected  # type: ignore[arg-type]


def test_wanted_is_false_for_a_closed_or_missing_stream() -> None:
    closed = open(os.devnull, "w")  # noqa: SIM115
    closed.close()
    assert wanted(stream=closed, environ={}) is False
    assert wanted(stream=object(), environ={}) is False  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def big_notes(big_deck: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The big deck as an Anki notes file (for quiz import)."""
    path = tmp_path_factory.mktemp("notes") / "big.anki.txt"
    assert piped("export", str(big_deck), "-o", str(path)).returncode == 0
    return path


def _export_args(deck: Path, notes: Path, out: Path) -> list[str]:
    return ["export", str(deck), "-o", str(out)]


def _import_args(deck: Path, notes: Path, out: Path) -> list[str]:
    return ["import", str(notes), "-o", str(out)]


@needs_tmux
@pytest.mark.parametrize(
    ("command", "bar"),
    [(_export_args, "exporting bench:"), (_import_args, "importing big.anki.txt:")],
    ids=["export", "import"],
)
@pytest.mark.parametrize("plain", [False, True], ids=["terminal", "plain"])
def test_export_and_import_show_a_bar_on_a_terminal_and_write_the_same_file(
    pane, big_deck: Path, big_notes: Path, tmp_path: Path, command, bar: str, plain: bool
) -> None:  # type: ignore[no-untyped-def]
    """A bar while a large deck is exported or a large notes file imported (none with --plain); the
    file written and the lines on stderr are the same as without a terminal."""
    at_terminal, in_pipe = tmp_path / "terminal.out", tmp_path / "pipe.out"
    args = command(big_deck, big_notes, at_terminal) + (["--plain"] if plain else [])
    received, screen = pane(quiz(*args)).finished()
    assert (bar in received and "%|" in received) is not plain
    assert bar not in screen and "%|" not in screen and "EXIT=0" in screen
    alone = piped(*command(big_deck, big_notes, in_pipe))
    assert at_terminal.read_bytes() == in_pipe.read_bytes()
    said = [line for line in screen.splitlines() if line.startswith("Wrote")]
    assert said == [alone.stderr.decode().strip().replace(str(in_pipe), str(at_terminal))]


#: Result files enough for reading them to take well over the bar's half-second delay.
CLASS_SIZE = 8000


@pytest.fixture(scope="module")
def many_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of result files of one real exam, one per learner (the JSON of one written by
    write_result, with the learner's name changed)."""
    import json

    from test_report import make_result

    from quiz.insight.results import write_result

    folder = tmp_path_factory.mktemp("class")
    first = folder / "learner-00000.json"
    write_result(first, make_result("Learner 0", {"who": "Gerasimov", "pick": "a"}))
    data = json.loads(first.read_text(encoding="utf-8"))
    for i in range(1, CLASS_SIZE):
        data["learner"] = f"Learner {i}"
        (folder / f"learner-{i:05d}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@needs_tmux
@pytest.mark.parametrize("plain", [False, True], ids=["terminal", "plain"])
def test_report_on_many_files_shows_a_bar_counting_them(
    pane, many_results: Path, tmp_path: Path, plain: bool
) -> None:  # type: ignore[no-untyped-def]
    """quiz report on thousands of files: a bar counting the files on stderr (none with --plain),
    erased; the report on stdout is what it is without a terminal."""
    out = tmp_path / "report.txt"
    extra = " --plain" if plain else ""
    received, screen = pane(f"{quiz('report')} {many_results}/*.json{extra} > {out}").finished()
    assert ("reading results:" in received and "%|" in received) is not plain
    assert "reading results" not in screen and "EXIT=0" in screen
    alone = piped("report", *sorted(str(p) for p in many_results.glob("*.json")))
    assert alone.returncode == 0 and alone.stderr == b""
    assert out.read_bytes() == alone.stdout


@given(st.one_of(st.floats(allow_nan=True), st.text(max_size=8)))
def test_the_delay_is_the_default_unless_a_sane_number_of_seconds_is_set(value: object) -> None:
    """$QUIZ_PROGRESS_DELAY sets the delay when it is a number of seconds from 0 to an hour."""
    from quiz.ui.progress import DELAY, delay

    text = str(value)
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    expected = number if 0 <= number <= 3600 else DELAY
    assert delay({"QUIZ_PROGRESS_DELAY": text}) == expected
    assert delay({}) == DELAY
