"""The domain: decks, the card types, grading policy, verdicts, sessions as data. No I/O, no clock."""

from __future__ import annotations

from .cards import (
    CARD_CLASSES,
    AnyCard,
    BoolCard,
    Card,
    CardType,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Example,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    PartialDate,
    ShortCard,
    assert_never,
    example_at,
    letter,
    moved,
    options_of,
    question_text,
    self_rated,
)
from .deck import CardBlockError, Deck, LazyCards
from .enums import StrEnum
from .policy import POLICY_CHOICES, Policy, Typos
from .records import LEECH_MISSES, Attempt, CardState, Mode, Phase, SessionRecord
from .session import Ended, Options, Outcome, Question, Summary
from .verdict import Rule, Verdict
from .words import plural

__all__ = [
    "CARD_CLASSES",
    "LEECH_MISSES",
    "POLICY_CHOICES",
    "AnyCard",
    "Attempt",
    "BoolCard",
    "Card",
    "CardBlockError",
    "CardState",
    "CardType",
    "ChoiceCard",
    "ClozeCard",
    "DateCard",
    "Deck",
    "Ended",
    "Example",
    "FlashCard",
    "LazyCards",
    "Mode",
    "MultiCard",
    "NumberCard",
    "Options",
    "OrderCard",
    "Outcome",
    "PartialDate",
    "Phase",
    "Policy",
    "Question",
    "Rule",
    "SessionRecord",
    "ShortCard",
    "StrEnum",
    "Summary",
    "Typos",
    "Verdict",
    "assert_never",
    "example_at",
    "letter",
    "moved",
    "options_of",
    "plural",
    "question_text",
    "self_rated",
]
