"""The ``quiz`` command line: a lazy Click group, and the translation of domain errors.

Commands live one family per module (``decks``, ``run``, ``study``, ``scores``, ``transfer``,
``instruct``) and are imported only when invoked: ``COMMANDS`` names each one's module and the
first line of its help, so ``quiz --help`` lists them all without importing any. This is the one
place that defers imports; command modules import what they use at their top.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from quiz import __version__
from quiz.errors import DeckError, QuizError

from .options import DATA_DIR_HELP, set_data_dir

#: command name -> (module in this package, the first paragraph of its help), in the manual's order.
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("decks", "List the decks quiz can find: ./decks, the bundled decks, and PATHS."),
    "show": ("decks", "Show the cards of DECK with their answers."),
    "check": ("decks", "Validate deck files (or every deck in directories) and run their examples."),
    "run": ("run", "Take a quiz on DECK: each answer is graded, explained and saved."),
    "study": ("study", "Study DECK with spaced repetition: due cards first, then new ones."),
    "optimize": ("optimize", "Fit FSRS to your own study reviews of DECK (or every deck) for 'quiz study'."),
    "where": ("scores", "Print where scores are kept: the data directory and the database file."),
    "stats": ("scores", "Show scores and progress: of DECK in detail, or one line per deck."),
    "history": ("scores", "List past sessions (newest first), of DECK or of every deck."),
    "reset": ("scores", "Forget the scores of DECK: every session, answer and schedule, or only some cards."),
    "suggest": (
        "suggest",
        "Propose answers learners were refused as accept: entries for DECK, as YAML to paste.",
    ),
    "export": ("transfer", "Write DECK in another program's format (Anki by default)."),
    "import": ("transfer", "Turn an Anki notes file, a GIFT question bank or a JSON deck into a YAML deck."),
    "new": ("instruct", "Write a new deck to PATH from a commented template."),
    "preview": ("instruct", "Show the cards of DECK exactly as a learner sees them, with what each accepts."),
    "report": ("instruct", "Report on a class's exam result files (written by 'quiz run --results')."),
    "completion": ("completion", "Print the shell completion script for SHELL (bash, zsh or fish)."),
}


class QuizGroup(click.Group):
    """A group whose commands are imported when used, and that turns domain errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)  # the manual's order

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"{__name__}.{entry[0]}")
        command: click.Command = module.COMMANDS[cmd_name]
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Click's lookup, with the nearest command names when the one typed does not exist."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from quiz.model.names import did_you_mean  # only on this error path: start-up stays light

            hint = did_you_mean(name, COMMANDS)
            if hint:
                raise click.UsageError(f"No such command '{name}' ({hint})", ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``quiz --help``, from ``COMMANDS`` (no command module imported)."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        # A bare Command with the same help shortens it exactly as the real one would.
        rows = [
            (name, click.Command(name, help=text).get_short_help_str(limit))
            for name, (_, text) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="quiz", message="%(prog)s %(version)s")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    expose_value=False,
    callback=set_data_dir,
    is_eager=True,
    help=DATA_DIR_HELP,
)
def cli() -> None:
    """Learn with quizzes and flashcards written as YAML decks.

    DECK is a path to a .yaml file or the id of a deck that 'quiz list' shows.
    """


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
