"""The result of grading one typed answer, and the names of the rules that give it."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import StrEnum


class Rule(StrEnum):
    """What decided a verdict; the value is the stable word stored, printed and sent in JSON."""

    EXACT = "exact"
    NORMALIZED = "normalized"
    ALTERNATE = "alternate"
    TYPO = "typo"
    LETTER = "letter"
    NUMBER = "number"
    CHOICE_TEXT = "choice-text"
    ANY_ORDER = "any-order"
    POSITIONS = "positions"
    ORDER = "order"
    PARTIAL = "partial"
    BOOL = "bool"
    TOLERANCE = "tolerance"
    DATE = "date"
    DATE_MORE_PRECISE = "date-more-precise"
    DATE_LESS_PRECISE = "date-less-precise"
    LISTED_WRONG = "listed-wrong"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    WRONG = "wrong"
    ERROR = "error"
    KNOWN = "known"
    UNKNOWN = "unknown"
    UNCLEAR = "unclear"
    SELF = "self"
    EQUIVALENT = "equivalent"
    NAME = "name"
    PATTERN = "pattern"
    UNIT = "unit"


@dataclass(frozen=True, init=False)
class Verdict:
    """The result of grading one typed answer.

    ``rule`` names what matched (a ``Rule`` value: ``exact``, ``normalized``, ``alternate``,
    ``typo``, ``equivalent``, ``name``, ``pattern``, ``unit``, ``letter``, ``date``, ``partial``,
    ``empty``, ``wrong`` ...; the table is in docs/grading.md); ``note`` tells the learner why,
    right or wrong, and is never empty from grading, e.g. ``accepted: 1 typo (Gerasimov)``;
    ``unreadable`` means the answer could not be read (ask again; the note says which forms are
    read); ``score`` is the share of credit (1.0 right, 0.0 wrong, between for partial
    multi/cloze/order).
    """

    correct: bool
    rule: str  # a Rule value (a str, so stored rows read back as equal)
    note: str = ""
    score: float = 0.0
    typos: int = 0
    expected: str = ""

    def __init__(
        self,
        correct: bool,
        rule: str,
        note: str = "",
        score: float = 0.0,
        typos: int = 0,
        expected: str = "",
    ) -> None:
        """The fields as a frozen dataclass's ``__init__`` sets them, in one update of the instance
        dict rather than one ``object.__setattr__`` call each: half the cost, and grading makes a
        verdict for every answer (``quiz check`` about seven for each card of a deck)."""
        fields = {"correct": correct, "rule": rule, "note": note, "score": score, "typos": typos}
        self.__dict__.update(fields, expected=expected)
