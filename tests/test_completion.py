"""Shell completion through Click's environment protocol, as a shell calls it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.model.names import nearest


def _complete(words: str, cword: int, cwd: str | None = None) -> list[str]:
    env = {**os.environ, "_QUIZ_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    code = "import sys; sys.argv[0] = 'quiz'; from quiz.cli import main; main()"
    cmd = [sys.executable, "-c", code]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=cwd, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(shell: str) -> None:
    """`quiz completion SHELL` prints a script that calls quiz back with _QUIZ_COMPLETE."""
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "completion", shell], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "_QUIZ_COMPLETE" in out.stdout


def test_command_names_complete() -> None:
    """A command's first letters complete to the commands that start with them."""
    assert sorted(_complete("quiz st", 1)) == ["plain,stats", "plain,study"]


def test_an_unknown_shell_is_bad_usage() -> None:
    """Only the shells Click supports are accepted (exit 2 with the choices)."""
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "completion", "tcsh"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert "bash" in out.stderr and "fish" in out.stderr


def test_nearest_names_start_with_what_was_typed() -> None:
    """A mistyped start of a long id finds the ids; nothing close finds nothing."""
    ids = ["us-russia-military-talks-2019", "us-russia-incidents-2019"]
    assert set(nearest("us-rusia", ids)) == set(ids)
    assert nearest("geography", ids) == []
    assert nearest("rnu", ["run", "list", "report"]) == ["run"]


def test_deck_ids_complete_and_paths_when_no_id_fits() -> None:
    """A deck argument completes to the deck ids that start with what is typed (ids only: a file item
    would make bash drop them), and to file names when no id fits or a path is being typed."""
    assert _complete("quiz show us-russia-i", 2) == ["plain,us-russia-incidents-2019"]
    assert _complete("quiz show decks/us", 2) == ["file,decks/us"]
    assert _complete("quiz show zz", 2) == ["file,zz"]


def test_card_ids_of_the_named_deck_complete() -> None:
    """`--card` completes to the card ids of the deck already on the line, for preview and reset."""
    got = _complete("quiz preview us-russia-incidents-2019 --card syria-", 4)
    assert got == ["plain,syria-battlespace", "plain,syria-risk"]
    assert "plain,syria-risk" in _complete("quiz reset us-russia-incidents-2019 --card syria-r", 4)


def test_format_values_complete() -> None:
    """`quiz export DECK --format` completes to the formats it writes."""
    got = _complete("quiz export us-russia-incidents-2019 --format ", 4)
    assert {"plain,anki", "plain,csv", "plain,json", "plain,gift"} <= set(got)


def test_a_mistyped_command_names_the_nearest() -> None:
    """An unknown command is bad usage that names the nearest command."""
    out = subprocess.run([sys.executable, "-m", "quiz", "rnu"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "No such command 'rnu' (did you mean 'run'?)" in out.stderr


def test_a_mistyped_deck_id_names_the_nearest() -> None:
    """A deck id typed with a slip names the deck ids it is close to."""
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "show", "us-rusia"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 1
    assert "did you mean 'us-russia-incidents-2019', 'us-russia-military-talks-2019'?" in out.stderr


def test_tags_of_the_named_deck_complete_for_run() -> None:
    """`quiz run DECK --tag` completes to the tags the deck's cards use."""
    assert _complete("quiz run us-russia-military-talks-2019 --tag w", 4) == [
        "plain,when",
        "plain,where",
        "plain,who",
    ]
    assert "plain,us-russia-incidents-2019" in _complete("quiz study us-", 2)


def test_a_mistyped_tag_names_the_nearest_tags(tmp_path: Path) -> None:
    """`quiz run DECK --tag wher` is bad usage that names the tags it is close to."""
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "run", "us-russia-military-talks-2019", "--tag", "wher", "--no-save"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "QUIZ_HOME": str(tmp_path)},
    )
    assert out.returncode == 2
    assert "is tagged 'wher' (did you mean 'where', 'when'?)" in out.stderr


def test_reset_of_a_mistyped_card_names_the_nearest_cards(tmp_path: Path) -> None:
    """`quiz reset DECK --card` with an id neither in the deck nor in the scores names the nearest ids."""
    env = {**os.environ, "QUIZ_HOME": str(tmp_path)}
    deck = "us-russia-military-talks-2019"
    subprocess.run(
        [sys.executable, "-m", "quiz", "run", deck, "--count", "1", "--seed", "1"],
        input="x\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "reset", deck, "--card", "meeting-cty", "--yes"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 0
    assert "Nothing to remove for card meeting-cty" in out.stdout
    assert "(did you mean 'meeting-city'" in out.stdout
