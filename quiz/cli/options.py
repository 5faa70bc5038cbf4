"""What several commands share: the data directory option, colour, and the data directory itself;
the ``--card`` option and the shell completers of deck, card and tag arguments.

Commands import this module; it imports no command.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from quiz.errors import QuizError

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from quiz.model import Deck
    from quiz.store import Store

F = TypeVar("F", bound=Callable[..., Any])

DATA_DIR_HELP = "Where scores are kept (default: $QUIZ_HOME, else the app directory)."


def data_dir(ctx: click.Context | None = None) -> Path:
    """The data directory: ``--data-dir``, else ``$QUIZ_HOME``, else the platform app dir.

    One that exists but cannot be a directory (a file, a symbolic link loop or to nowhere, a path
    through a file) is a one-line error, whichever rule chose it: a missing one is fine (the
    first saved answer creates it; read-only commands create nothing).
    """
    ctx = ctx or click.get_current_context()
    given = ctx.find_root().meta.get("quiz.data_dir")
    if given:
        return _usable(Path(given), f"--data-dir {given}", "give --data-dir a directory")
    env = os.environ.get("QUIZ_HOME")
    if env:
        return _usable(Path(env), f"QUIZ_HOME={env}", "set QUIZ_HOME to a directory, or use --data-dir")
    path = Path(click.get_app_dir("quiz"))
    return _usable(path, f"the data directory {path}", "use --data-dir or set QUIZ_HOME")


def _usable(path: Path, named: str, fix: str) -> Path:
    """``path``, after checking that it is a directory or does not exist yet."""
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            return path
        why = "is a file, not a directory"
    except FileNotFoundError:
        if not os.path.islink(path):
            return path
        why = "is a symbolic link to nothing"
    except OSError as err:
        reasons = {
            errno.ELOOP: "is a symbolic link loop",
            errno.ENOTDIR: "goes through a file, not a directory",
            errno.ENAMETOOLONG: "is too long a path",
        }
        why = reasons.get(err.errno or 0, f"cannot be used ({err.strerror})")
    raise click.ClickException(f"{named} {why}; {fix}")


def set_data_dir(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Option callback: remember ``--data-dir`` on the root context (from the group or a command)."""
    if value:
        ctx.find_root().meta["quiz.data_dir"] = value


def data_dir_option(f: F) -> F:
    """``--data-dir DIR`` on a subcommand (the same as on ``quiz`` itself)."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        expose_value=False,
        callback=set_data_dir,
        help=DATA_DIR_HELP,
    )(f)


def reask_option(f: F) -> F:
    """``--reask N``: how many times an answer that cannot be read is asked again (run, study)."""
    return click.option(
        "--reask",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        metavar="N",
        help="Ask again, up to N times, an answer that cannot be read (a bool answered 'maybe').",
    )(f)


def plain_option(f: F) -> F:
    """``--plain`` on a command whose only decoration is progress: no bar (``quiz.ui.progress``)."""
    return click.option(
        "--plain", is_flag=True, help="No progress bar on the terminal (none in pipes, either)."
    )(f)


def parse_steps_option(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Option callback: ``--steps`` must read as learning steps (bad usage otherwise)."""
    if value is None:
        return None
    from quiz.practice.schedule import parse_steps

    try:
        parse_steps(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return value


def use_color(plain: bool = False) -> bool:
    """Colour only on a terminal, never with ``--plain`` or ``NO_COLOR``."""
    return not plain and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def existing_store(*, reading: bool = False) -> Store | None:
    """The open database, or None when there is none: no file, or an empty one (read-only commands
    create nothing, and an empty file is what a database looks like before its first write).

    ``reading``: the command only reads, so a read-only database or folder is read as it is
    (:meth:`Store.open_reading`) instead of refused.
    """
    from quiz.store import Store, db_path

    path = db_path(data_dir())
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return None
    return Store.open_reading(path) if reading else Store.open(path)


def deck_ids() -> list[str]:
    """The ids of the decks ``quiz list`` shows without arguments (./decks, then bundled)."""
    # Imported here, as in every completer: the group and every command import this module, and
    # `--help` must load neither the deck reader nor Click's completion module.
    from quiz.deckio import deck_files, search_dirs
    from quiz.deckio.locate import peek_id

    ids: list[str] = []
    for directory in search_dirs():
        for f in deck_files(directory):
            deck_id = peek_id(f) or f.stem
            if deck_id not in ids:
                ids.append(deck_id)
    return ids


def complete_deck(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Deck ids that start with what is typed; file paths when none does or a path is being typed.

    Not both: Click's bash script treats a ``file`` item as "let the shell complete file names"
    and drops every other item, so the ids would be lost.
    """
    from click.shell_completion import CompletionItem

    from quiz.deckio import DECK_SUFFIXES

    ids = [CompletionItem(i, help="deck") for i in deck_ids() if i.startswith(incomplete)]
    looks_like_path = "/" in incomplete or incomplete.startswith(".") or incomplete.endswith(DECK_SUFFIXES)
    if ids and not looks_like_path:
        return ids
    return [CompletionItem(incomplete, type="file")]


def _named_deck(ctx: click.Context) -> Deck | None:
    # While an option still waits for its value, Click leaves the arguments unparsed in ctx.args.
    ref = ctx.params.get("deck") or next((a for a in ctx.args if not a.startswith("-")), None)
    if not isinstance(ref, str):
        return None
    from quiz.deckio import load_ref

    try:
        return load_ref(ref, cache_dir=data_dir(ctx) / "cache")
    except (QuizError, OSError):
        return None


def complete_card(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The card ids of the deck named earlier on the line."""
    from click.shell_completion import CompletionItem

    deck = _named_deck(ctx)
    if deck is None:
        return []
    return [CompletionItem(c) for c in deck.card_ids() if c.startswith(incomplete)]


def complete_tag(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The tags used by the cards of the deck named earlier on the line."""
    from click.shell_completion import CompletionItem

    deck = _named_deck(ctx)
    if deck is None:
        return []
    tags = sorted({t for tags in deck.card_tags() for t in tags})
    return [CompletionItem(t) for t in tags if t.startswith(incomplete)]


def card_option(help: str) -> Callable[[F], F]:
    """``--card ID`` (repeatable, into ``card_ids``), completed with the card ids of the deck on the line."""

    def decorate(f: F) -> F:
        return click.option(
            "--card",
            "card_ids",
            multiple=True,
            metavar="ID",
            help=help,
            shell_complete=complete_card,
        )(f)

    return decorate
