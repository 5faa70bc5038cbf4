"""The deck commands through Click: list, show, check, --version and --help."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from conftest import DECKS, FIXTURES

from quiz import __version__
from quiz.cli import cli

VALID = FIXTURES / "decks" / "valid"
INVALID = FIXTURES / "decks" / "invalid"


def _bundled_ids() -> list[str]:
    return [yaml.safe_load(f.read_text(encoding="utf-8"))["deck"]["id"] for f in sorted(DECKS.glob("*.yaml"))]


def test_list_shows_bundled_decks() -> None:
    """`quiz list` names every bundled deck by id."""
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    ids = _bundled_ids()
    assert ids
    for deck_id in ids:
        assert deck_id in result.output


def test_list_json_lines() -> None:
    """`quiz list --json` prints one JSON object per deck, with given paths included."""
    result = CliRunner().invoke(cli, ["list", "--json", str(VALID / "minimal.yaml")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {"id": "minimal", "title": "Minimal", "cards": 1, "file": str(VALID / "minimal.yaml")} in rows


def test_show_bundled_deck_by_id() -> None:
    """`quiz show ID` prints the deck's title and its cards."""
    deck_id = _bundled_ids()[0]
    result = CliRunner().invoke(cli, ["show", deck_id])
    assert result.exit_code == 0, result.output
    assert deck_id in result.output


def test_show_json_is_the_deck_format() -> None:
    """`quiz show FILE --json` prints the deck in the format's own keys."""
    result = CliRunner().invoke(cli, ["show", str(VALID / "one-of-each-type.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["deck"]["id"] == "every-type"
    assert [c["type"] for c in data["cards"]][:3] == ["short", "choice", "multi"]


def test_show_unknown_deck_is_an_error() -> None:
    """An unknown deck id exits 1 with a one-line error, not a traceback."""
    result = CliRunner().invoke(cli, ["show", "no-such-deck"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no deck with id 'no-such-deck'")
    assert "Traceback" not in result.output


def test_show_invalid_deck_prints_every_problem() -> None:
    """`quiz show` on a broken deck prints each problem with its position and exits 1."""
    path = INVALID / "several-errors.yaml"
    result = CliRunner().invoke(cli, ["show", str(path)])
    assert result.exit_code == 1
    assert f"{path}:5:5: error: card 'q1': 'answer' is missing" in result.output
    assert f"{path}:16:13: error: card 'q3': the date '2019-02-30' does not exist" in result.output


def test_check_clean_deck_exits_0() -> None:
    """`quiz check` on a deck without problems exits 0 and says so."""
    result = CliRunner().invoke(cli, ["check", str(VALID / "one-of-each-type.yaml")])
    assert result.exit_code == 0, result.output
    assert "1 deck checked: 0 errors" in result.output


def test_check_invalid_deck_exits_1() -> None:
    """`quiz check` on a broken deck prints file:line:col findings and exits 1."""
    path = INVALID / "unknown-key.yaml"
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:9:5: error: card 'q1': unknown key 'explian' (did you mean 'explain'?)" in result.output
    assert "1 deck checked: 1 error, 0 warnings" in result.output


def test_check_without_paths_is_usage_error() -> None:
    """`quiz check` with no paths is bad usage: exit 2."""
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_check_missing_path_exits_1(tmp_path: Path) -> None:
    """A path that does not exist is reported as a finding, exit 1, no traceback."""
    path = tmp_path / "nope.yaml"
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1:1: error: no such file (check the path)" in result.output
    assert "Traceback" not in result.output


def test_check_directory_of_invalid_decks_reports_each() -> None:
    """`quiz check DIR` checks every deck in it and reports problems from each file."""
    result = CliRunner().invoke(cli, ["check", str(INVALID)])
    assert result.exit_code == 1
    files = {line.split(":", 1)[0] for line in result.output.splitlines() if ": error: " in line}
    assert files == {str(p) for p in INVALID.glob("*.yaml")}


def test_check_advises_about_derived_ids() -> None:
    """Cards without ids pass, with advice that editing the prompt resets history (not a warning:
    --strict passes)."""
    result = CliRunner().invoke(cli, ["check", str(VALID / "no-ids.yaml")])
    assert result.exit_code == 0, result.output
    assert "advice: card 'short-" in result.output
    assert "editing the prompt resets its history" in result.output


def test_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    """`quiz check --strict` exits 1 when there are only warnings (a wrong choice that is the
    answer in other words), and 0 when there is only advice."""
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "deck: {id: d, title: D, tags: [t]}\ncards:\n"
        "  - {id: a, type: choice, prompt: Country?, choices: [Switzerland, Switzerlnd, France],\n"
        "     answer: Switzerland,\n"
        "     explain: x, examples: {accept: [Switzerland]}}\n",
        encoding="utf-8",
    )
    plain = CliRunner().invoke(cli, ["check", str(deck)])
    assert plain.exit_code == 0 and ": warning: " in plain.output, plain.output
    assert CliRunner().invoke(cli, ["check", "--strict", str(deck)]).exit_code == 1
    assert CliRunner().invoke(cli, ["check", "--strict", str(VALID / "no-ids.yaml")]).exit_code == 0


def test_check_json_lines_parse() -> None:
    """`quiz check --json` prints one JSON object per finding and nothing else."""
    result = CliRunner().invoke(cli, ["check", "--json", str(INVALID / "several-errors.yaml")])
    assert result.exit_code == 1
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(f["line"], f["col"], f["severity"]) for f in findings] == [
        (5, 5, "error"),
        (12, 13, "error"),
        (16, 13, "error"),
    ]
    assert findings[0]["message"] == "card 'q1': 'answer' is missing"
    assert findings[0]["hint"] == "every short card needs an answer"


def test_check_shipped_decks_pass() -> None:
    """`quiz check decks` passes on the bundled decks."""
    result = CliRunner().invoke(cli, ["check", str(DECKS)])
    assert result.exit_code == 0, result.output


def test_version() -> None:
    """`quiz --version` prints the version."""
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"quiz {__version__}\n"


def test_help_lists_every_command() -> None:
    """`quiz --help` names every registered command with its help line."""
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    names = cli.list_commands(click.Context(cli))
    assert {"list", "run", "study", "check", "export", "report", "completion", "suggest"} <= set(names)
    for name in names:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.name == name
        assert name in result.output
        assert command.help, f"{name} has no help text"


def test_the_lazy_command_list_says_what_each_command_says() -> None:
    """The help lines `quiz --help` prints without importing the commands are their own first paragraphs."""
    from quiz.cli import COMMANDS

    for name, (_module, text) in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.help is not None
        assert command.help.split("\n\n")[0].replace("\n", " ") == text, name


def test_python_dash_m_version() -> None:
    """`python -m quiz --version` works like the quiz program."""
    done = subprocess.run(
        [sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"quiz {__version__}\n"


def test_installed_quiz_finds_bundled_decks_outside_the_repo(tmp_path: Path) -> None:
    """The installed `quiz` program, run from an unrelated directory, shows a bundled deck by id."""
    program = shutil.which("quiz")
    assert program is not None, "the quiz console script is not installed"
    deck_id = _bundled_ids()[0]
    done = subprocess.run(
        [program, "show", deck_id], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert deck_id in done.stdout


def test_list_shows_a_deck_in_decks_once_when_it_is_also_bundled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of a bundled deck in ./decks is listed once, from ./decks (the file `quiz run ID` uses)."""
    (tmp_path / "decks").mkdir()
    shutil.copy(DECKS / "us-russia-incidents-2019.yaml", tmp_path / "decks")
    monkeypatch.chdir(tmp_path)
    rows = [json.loads(line) for line in CliRunner().invoke(cli, ["list", "--json"]).output.splitlines()]
    files = [r["file"] for r in rows if r["id"] == "us-russia-incidents-2019"]
    assert files == [str(tmp_path / "decks" / "us-russia-incidents-2019.yaml")]
