"""Answers learners were refused, proposed to the deck's author as ``accept:`` entries (``quiz suggest``)."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from quiz.grading import grade
from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Deck,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    ShortCard,
    assert_never,
    self_rated,
)
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
    if self_rated(card):
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


def yaml_lines(deck: Deck, found: list[Proposal]) -> list[str]:
    """The proposals as YAML to paste: an ``accept:`` snippet per short card, comments for the others."""
    lines: list[str] = []
    echo = lines.append
    where = f" ({deck.path})" if deck.path else ""
    echo(f"# Answers learners were refused in deck {_scalar(deck.id)}{where}, as accept: entries.")
    echo("# Add each card's entries to its accept: list, then run 'quiz check' on the deck.")
    shown: str | None = None
    for p in found:
        card = deck.card(p.card_id)
        assert card is not None
        if p.card_id != shown:
            shown = p.card_id
            echo("")
            match card:
                case ShortCard():
                    echo(f"- id: {_scalar(card.id)}  # line {card.line}")
                    echo("  accept:")
                case ClozeCard():
                    echo(
                        f"# card {_scalar(card.id)} (line {card.line}) is a cloze card: add the part of each"
                        " answer that fills a gap to that gap's accept: entry ({c1: [...]}); refused answers:"
                    )
                case (
                    ChoiceCard() | MultiCard() | BoolCard() | NumberCard() | DateCard()
                    | OrderCard() | FlashCard()
                ):
                    echo(
                        f"# card {_scalar(card.id)} (line {card.line}) is a {card.kind} card, which has no"
                        " accept: list; its refused answers:"
                    )
                case _:
                    assert_never(card)
        if isinstance(card, ShortCard):
            echo(f"    - {_scalar(p.answer)}  # {_why(p)}")
        else:
            echo(f"#   {_scalar(p.answer)}  ({_why(p)})")
    return lines
