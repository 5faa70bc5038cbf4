"""``quiz suggest``: answers learners were refused, proposed to the deck's author as ``accept:`` entries."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from quiz.cli.options import complete_deck, data_dir, data_dir_option, existing_store
from quiz.deckio import load_ref
from quiz.insight.suggest import Proposal, proposals, yaml_lines
from quiz.model import ShortCard


@click.command("suggest")
@click.argument("deck", shell_complete=complete_deck)
@click.option(
    "--min-learners",
    type=click.IntRange(min=2),
    default=2,
    show_default=True,
    help="Also propose a refused answer typed by at least this many named learners.",
)
@click.option("--json", "as_json", is_flag=True, help="The proposals as one JSON object.")
@data_dir_option
def suggest(deck: str, min_learners: int, as_json: bool) -> None:
    """Propose answers learners were refused as accept: entries for DECK, as YAML to paste.

    Proposed: every answer a learner overrode ("I was right" after a refusal), and
    every refused answer typed by several learners (--name in 'quiz run'). Answers
    the deck accepts as it is now are left out. Short cards get an accept: snippet;
    other card types, which have no accept: list, get their answers as comments.
    """
    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    store = existing_store(reading=True)
    found: list[Proposal] = []
    if store is not None:
        with store:
            found = proposals(loaded, store, min_learners)
    if as_json:
        entries = []
        for p in found:
            card = loaded.card(p.card_id)
            assert card is not None
            entries.append({**asdict(p), "type": str(card.kind), "accept": isinstance(card, ShortCard)})
        out = {"deck_id": loaded.id, "deck_file": loaded.path or None, "suggestions": entries}
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    if not found:
        click.echo(
            f"No answers to suggest for '{loaded.id}': none was overridden, and no refused answer"
            f" was typed by {min_learners} or more learners (or the deck accepts them now)."
        )
        return
    for line in yaml_lines(loaded, found):
        click.echo(line)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (suggest,) if c.name}
