"""The ``quiz`` command line: the Click group, shared options and error translation.

Only this package reads the clock, the environment and the terminal. Heavy modules
(yaml, sqlite3, fsrs, rapidfuzz, dateutil) are imported inside the commands that
need them, so ``quiz --help`` starts as fast as a bare Click program.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import DeckError, QuizError

F = TypeVar("F", bound=Callable[..., Any])


class QuizGroup(click.Group):
    """A group that turns domain errors into one-line messages (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeckError as err:
            # Already 'file:line:col: error: ...', one line per problem: no "Error: " in front.
            for problem in err.problems:
                click.echo(str(problem), err=True)
            raise click.exceptions.Exit(1) from None
        except QuizError as err:
            raise click.ClickException(str(err)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they were added, which is the manual's order


def data_dir(ctx: click.Context | None = None) -> Path:
    """The data directory: ``--data-dir``, else ``$QUIZ_HOME``, else the platform app dir."""
    ctx = ctx or click.get_current_context()
    given = ctx.find_root().meta.get("quiz.data_dir")
    if given:
        return Path(given)
    env = os.environ.get("QUIZ_HOME")
    if env:
        return Path(env)
    return Path(click.get_app_dir("quiz"))


def _set_data_dir(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_root().meta["quiz.data_dir"] = value


def data_dir_option(f: F) -> F:
    """``--data-dir DIR`` on a subcommand (the same as on ``quiz`` itself)."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        expose_value=False,
        callback=_set_data_dir,
        help="Where scores are kept (default: $QUIZ_HOME, else the app directory).",
    )(f)


def use_color(plain: bool = False) -> bool:
    """Colour only on a terminal, never with ``--plain`` or ``NO_COLOR``."""
    return not plain and "NO_COLOR" not in os.environ and sys.stdout.isatty()


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="quiz", message="%(prog)s %(version)s")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    expose_value=False,
    callback=_set_data_dir,
    is_eager=True,
    help="Where scores are kept (default: $QUIZ_HOME, else the app directory).",
)
def cli() -> None:
    """Learn with quizzes and flashcards written as YAML decks.

    DECK is a path to a .yaml file or the id of a deck that 'quiz list' shows.
    """


def _register() -> None:
    from .commands import decks, instruct, run, scores, study, transfer

    for module in (decks, run, study, scores, transfer, instruct):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Entry point of the ``quiz`` program.

    Click's own handling, except that Ctrl-C outside a session (or in the instant after
    one has saved everything) exits 130 with one line, not "Aborted!" and 1.
    """
    try:
        code = cli.main(prog_name="quiz", standalone_mode=False)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except (click.Abort, KeyboardInterrupt) as err:
        # Click has already ended the line after the terminal's "^C" when it turned the
        # interrupt into Abort; a prompt's own Abort (and a bare interrupt) has not.
        done = isinstance(err, click.Abort) and isinstance(err.__cause__, (KeyboardInterrupt, EOFError))
        click.echo("Interrupted." if done else "\nInterrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader of stdout went away (`quiz show deck | head`): nothing left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
