"""``quiz suggest``: answers learners were refused, proposed to the deck's author as ``accept:`` entries."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import click
import yaml

from quiz.cli.options import data_dir, data_dir_option, existing_store
from quiz.model import Card, Deck, FlashCard, ShortCard
from quiz.store import Store


@dataclass(frozen=True)
class Proposal:
    """One answer to propose for one card."""

    card_id: str
    answer: str
    overridden: int  # times a learner said "I was right" after the grader refused it
    learners: int  # named learners (--name) who typed it and were refused


def _key(card_id: str, typed: str) -> tuple[str, str]:
    return card_id, " ".join(typed.split()).casefold()


def proposals(deck: Deck, store: Store, min_learners: int) -> list[Proposal]:
    """What to propose, in deck order, most overridden first; answers the deck accepts now are left out."""
    order = {cid: n for n, cid in enumerate(deck.card_ids())}
    found: dict[tuple[str, str], Proposal] = {}
    rows = [(r, True) for r in store.overridden(deck.id)]
    rows += [(r, False) for r in store.refused_by_learners(deck.id, min_learners)]
    for row, overridden in rows:
        if row.card_id not in order:  # no longer in the deck
            continue
        key = _key(row.card_id, row.typed)
        old = found.get(key, Proposal(row.card_id, row.typed, 0, 0))
        found[key] = Proposal(
            row.card_id,
            old.answer,
            old.overridden + (row.times if overridden else 0),
            old.learners + (0 if overridden else row.times),
        )
    out = []
    for p in found.values():
        card = deck.card(p.card_id)
        if card is not None and not _accepted(deck, card, p.answer):
            out.append(p)
    return sorted(out, key=lambda p: (order[p.card_id], -p.overridden, -p.learners, p.answer))


def _accepted(deck: Deck, card: Card, answer: str) -> bool:
    """True when the deck as it is now grades ``answer`` right (or the card grades itself)."""
    from quiz.grading import grade

    if isinstance(card, FlashCard):
        return True
    reject = tuple(e.text for e in card.reject_examples)
    return grade(card, answer, deck.policy(card), reject=reject).correct


def _scalar(text: str) -> str:
    """``text`` as one line of YAML: quoted where needed, control characters escaped."""
    out: str = yaml.safe_dump([text], allow_unicode=True, width=1 << 30).strip()
    if "\n" in out:
        out = yaml.safe_dump([text], allow_unicode=True, width=1 << 30, default_style='"').strip()
    return out[2:]  # without the "- " of the list


def _why(p: Proposal) -> str:
    parts = []
    if p.overridden:
        parts.append(f"overridden {p.overridden} time{'s' if p.overridden != 1 else ''}")
    if p.learners:
        parts.append(f"refused for {p.learners} learners")
    return ", ".join(parts)


def _print_yaml(deck: Deck, found: list[Proposal]) -> None:
    where = f" ({deck.path})" if deck.path else ""
    click.echo(f"# Answers learners were refused in deck {_scalar(deck.id)}{where}, as accept: entries.")
    click.echo("# Add each card's entries to its accept: list, then run 'quiz check' on the deck.")
    shown: str | None = None
    for p in found:
        card = deck.card(p.card_id)
        assert card is not None
        if p.card_id != shown:
            shown = p.card_id
            click.echo("")
            if isinstance(card, ShortCard):
                click.echo(f"- id: {_scalar(card.id)}  # line {card.line}")
                click.echo("  accept:")
            else:
                click.echo(
                    f"# card {_scalar(card.id)} (line {card.line}) is a {card.kind} card, which has no"
                    " accept: list; its refused answers:"
                )
        if isinstance(card, ShortCard):
            click.echo(f"    - {_scalar(p.answer)}  # {_why(p)}")
        else:
            click.echo(f"#   {_scalar(p.answer)}  ({_why(p)})")


@click.command("suggest")
@click.argument("deck")
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
    from quiz.deckio import load_ref

    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    store = existing_store()
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
    _print_yaml(loaded, found)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (suggest,) if c.name}
