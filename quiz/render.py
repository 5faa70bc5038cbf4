"""Every string a learner sees about a card: prompts, answers, summaries."""

from __future__ import annotations

import click

from .cloze import blanked
from .models import Card, ChoiceCard, ClozeCard, FlashCard, MultiCard, NumberCard, OrderCard, ShortCard

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def letter(index: int) -> str:
    """``a`` for the first choice, ``b`` for the second, …; past ``z``, the number."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def card_summary(card: Card, number: int, color: bool = False) -> str:
    """A card with its answer, for ``quiz show``."""
    head = f"{number}. [{card.kind.value}] {card.id}"
    lines = [click.style(head, bold=True) if color else head]
    prompt = blanked(card.prompt) if isinstance(card, ClozeCard) else card.prompt
    lines.append(f"   {prompt}")
    if isinstance(card, (ChoiceCard, MultiCard)):
        for i, choice in enumerate(card.choices):
            lines.append(f"     {letter(i)}) {choice}")
    if isinstance(card, OrderCard):
        lines.append("     items: " + " | ".join(sorted(card.items)))
    answer = card.answer_text()
    if isinstance(card, FlashCard):
        lines.append(f"   back: {answer}")
    else:
        lines.append(f"   answer: {answer}")
    if isinstance(card, ShortCard) and card.accept:
        lines.append("   also: " + ", ".join(card.accept))
    if isinstance(card, NumberCard) and card.tolerance:
        unit = "%" if card.tolerance_percent else ""
        lines.append(f"   within ±{card.tolerance:g}{unit}")
    if card.explain:
        lines.append(f"   why: {card.explain}")
    if card.tags:
        lines.append("   tags: " + ", ".join(card.tags))
    return "\n".join(lines)
