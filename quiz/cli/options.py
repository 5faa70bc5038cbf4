"""What several commands share: the data directory option, colour, and the data directory itself.

Commands import this module; it imports no command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from quiz.store import Store

F = TypeVar("F", bound=Callable[..., Any])

DATA_DIR_HELP = "Where scores are kept (default: $QUIZ_HOME, else the app directory)."


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


def use_color(plain: bool = False) -> bool:
    """Colour only on a terminal, never with ``--plain`` or ``NO_COLOR``."""
    return not plain and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def existing_store() -> Store | None:
    """The open database, or None when it was never created (read-only commands create nothing)."""
    from quiz.store import Store, db_path

    path = db_path(data_dir())
    if not path.exists():
        return None
    return Store.open(path)
