"""Shell completion: ``quiz completion bash|zsh|fish``.

Click's completion protocol does the work (``_QUIZ_COMPLETE=bash_complete``); the completers of
the shared arguments and options (deck ids beside file paths, the card ids and tags of the deck
already typed on the line) are in :mod:`quiz.cli.options`, beside the options that use them, and
``--format`` values come from their ``click.Choice``.
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from . import cli

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    Install it once, for example in bash:

        quiz completion bash > ~/.local/share/bash-completion/completions/quiz

    or add  eval "$(quiz completion bash)"  to ~/.bashrc. The README says how for zsh and fish.
    """
    cls = get_completion_class(shell)
    assert cls is not None  # the Choice admits only shells Click knows
    click.echo(cls(cli, {}, "quiz", "_QUIZ_COMPLETE").source())


COMMANDS: dict[str, click.Command] = {c.name: c for c in (completion,) if c.name}
