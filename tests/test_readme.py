"""The README is the manual: it names every command and opens with the two commands CI runs."""

from __future__ import annotations

import re

import click
from conftest import REPO

from quiz.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    """Each subcommand of `quiz` is documented in the README's command table."""
    missing = [name for name in cli.list_commands(click.Context(cli)) if f"`quiz {name}" not in README]
    assert missing == []


def test_readme_opens_with_install_and_test_commands() -> None:
    """The first two code blocks install-and-run a bundled deck, then install-and-test."""
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    run, test = blocks[0].strip(), blocks[1].strip()
    assert "pip install ." in run and "quiz run us-russia-military-talks-2019" in run
    assert "pip install -e '.[test]'" in test and test.endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    """`.ci/run` runs exactly the README's test command."""
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci
