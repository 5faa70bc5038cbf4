"""Shell completion: ``quiz completion bash|zsh|fish`` and the completers of the shared arguments.

Click's completion protocol does the work (``_QUIZ_COMPLETE=bash_complete``); these functions
offer deck ids (bundled and in ./decks) beside file paths, the card ids and tags of the deck
already typed on the line, and ``--format`` values come from their ``click.Choice``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem, get_completion_class

from quiz.errors import QuizError

if TYPE_CHECKING:
    from quiz.model import Deck

from . import cli
from .options import data_dir

SHELLS = ("bash", "zsh", "fish")


def deck_ids() -> list[str]:
    """The ids of the decks ``quiz list`` shows without arguments (./decks, then bundled)."""
    # Imported here, as in every completer: command modules import this one, and `--help` of a
    # command must not load the deck reader.
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
    deck = _named_deck(ctx)
    if deck is None:
        return []
    return [CompletionItem(c) for c in deck.card_ids() if c.startswith(incomplete)]


def complete_tag(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The tags used by the cards of the deck named earlier on the line."""
    deck = _named_deck(ctx)
    if deck is None:
        return []
    tags = sorted({t for tags in deck.card_tags() for t in tags})
    return [CompletionItem(t) for t in tags if t.startswith(incomplete)]


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
