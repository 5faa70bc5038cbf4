"""The domain: decks, cards of each type, grading policy, verdicts. No I/O, no clock."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Literal, TypeVar


class CardType(str, enum.Enum):
    """The kinds of card a deck can hold; the value is the YAML ``type``."""

    SHORT = "short"
    CHOICE = "choice"
    MULTI = "multi"
    BOOL = "bool"
    NUMBER = "number"
    DATE = "date"
    CLOZE = "cloze"
    ORDER = "order"
    CARD = "card"


Typos = Literal["auto", "off"] | int
C = TypeVar("C", bound="Card")


@dataclass(frozen=True)
class Policy:
    """How typed answers are normalised and compared (deck-wide, a card may override keys)."""

    unicode: Literal["nfkc", "nfc"] = "nfkc"
    case: Literal["insensitive", "sensitive"] = "insensitive"
    accents: Literal["insensitive", "sensitive"] = "insensitive"
    punctuation: Literal["ignore", "keep"] = "ignore"
    whitespace: Literal["collapse", "keep"] = "collapse"
    articles: Literal["ignore", "keep"] = "ignore"
    typos: Typos = "auto"
    date_order: Literal["mdy", "dmy"] = "mdy"

    def to_dict(self) -> dict[str, object]:
        """Every key and value, as written in YAML."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def diff(self, base: Policy) -> dict[str, object]:
        """The keys whose value differs from ``base`` (what a card override must write)."""
        return {k: v for k, v in self.to_dict().items() if getattr(base, k) != v}

    def merged(self, overrides: dict[str, object]) -> Policy:
        """A copy with ``overrides`` applied (keys already validated by the loader)."""
        return replace(self, **overrides)  # type: ignore[arg-type]


POLICY_CHOICES: dict[str, tuple[str, ...]] = {
    "unicode": ("nfkc", "nfc"),
    "case": ("insensitive", "sensitive"),
    "accents": ("insensitive", "sensitive"),
    "punctuation": ("ignore", "keep"),
    "whitespace": ("collapse", "keep"),
    "articles": ("ignore", "keep"),
    "typos": ("auto", "off"),  # or a whole number of edits
    "date_order": ("mdy", "dmy"),
}


@dataclass(frozen=True)
class Example:
    """An answer an author says must be accepted (or rejected), with where it was written."""

    text: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PartialDate:
    """A date known to a precision: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        """The finest part that is known."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def iso(self) -> str:
        """``2019``, ``2019-12`` or ``2019-12-18``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self) -> str:
        """``2019``, ``December 2019`` or ``18 December 2019``."""
        import calendar

        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


@dataclass(frozen=True)
class Card:
    """Fields every card has. ``prompt`` is the question (cloze: the text; card: the front)."""

    kind: ClassVar[CardType]

    id: str
    prompt: str
    explain: str = ""
    tags: tuple[str, ...] = ()
    accept_examples: tuple[Example, ...] = ()
    reject_examples: tuple[Example, ...] = ()
    grading: Policy | None = None  # None: the deck's policy
    id_generated: bool = field(default=False, compare=False)
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)

    @classmethod
    def from_fields(cls: type[C], values: dict[str, Any]) -> C:
        """The card with these field values (the others at their defaults), as the constructor
        makes it but without a frozen dataclass's ``__setattr__`` call per field: a third of the
        time, which counts when a deck of 100,000 cards is loaded. ``values`` must name fields only.
        """
        card = object.__new__(cls)
        card.__dict__.update(values)
        return card

    def answer_text(self) -> str:
        """The right answer as a learner should read it."""
        raise NotImplementedError


@dataclass(frozen=True)
class ShortCard(Card):
    """A typed text answer, with alternates."""

    kind: ClassVar[CardType] = CardType.SHORT
    answer: str = ""
    accept: tuple[str, ...] = ()

    def answer_text(self) -> str:
        return self.answer


@dataclass(frozen=True)
class ChoiceCard(Card):
    """One right choice among several; ``answer`` is the text of that choice."""

    kind: ClassVar[CardType] = CardType.CHOICE
    choices: tuple[str, ...] = ()
    answer: str = ""
    shuffle: bool = True

    def answer_text(self) -> str:
        return self.answer


@dataclass(frozen=True)
class MultiCard(Card):
    """Several right choices; ``answers`` are their texts (a subset of ``choices``)."""

    kind: ClassVar[CardType] = CardType.MULTI
    choices: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    shuffle: bool = True

    def answer_text(self) -> str:
        return ", ".join(self.answers)


@dataclass(frozen=True)
class BoolCard(Card):
    """A statement that is true or false."""

    kind: ClassVar[CardType] = CardType.BOOL
    answer: bool = True

    def answer_text(self) -> str:
        return "true" if self.answer else "false"


@dataclass(frozen=True)
class NumberCard(Card):
    """A number, right within ``tolerance`` (absolute, or percent of the answer)."""

    kind: ClassVar[CardType] = CardType.NUMBER
    answer: float = 0.0
    tolerance: float = 0.0
    tolerance_percent: bool = False
    unit: str = ""

    def answer_text(self) -> str:
        value = int(self.answer) if float(self.answer).is_integer() else self.answer
        text = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return f"{text} {self.unit}".strip()


@dataclass(frozen=True)
class DateCard(Card):
    """A date, right at the precision of ``answer``."""

    kind: ClassVar[CardType] = CardType.DATE
    answer: PartialDate = PartialDate(1970)

    def answer_text(self) -> str:
        return self.answer.human()


@dataclass(frozen=True)
class ClozeCard(Card):
    """Text with ``{{c1::...}}`` gaps; ``accept`` adds alternates per gap number."""

    kind: ClassVar[CardType] = CardType.CLOZE
    accept: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def answer_text(self) -> str:
        from .cloze import gaps

        return "; ".join(g.answer for g in gaps(self.prompt))


@dataclass(frozen=True)
class OrderCard(Card):
    """Items to put in order; ``items`` is the right order."""

    kind: ClassVar[CardType] = CardType.ORDER
    items: tuple[str, ...] = ()

    def answer_text(self) -> str:
        return " → ".join(self.items)


@dataclass(frozen=True)
class FlashCard(Card):
    """A plain front/back card, self-graded; ``prompt`` is the front."""

    kind: ClassVar[CardType] = CardType.CARD
    back: str = ""

    def answer_text(self) -> str:
        return self.back


CARD_CLASSES: dict[CardType, type[Card]] = {
    cls.kind: cls
    for cls in (
        ShortCard,
        ChoiceCard,
        MultiCard,
        BoolCard,
        NumberCard,
        DateCard,
        ClozeCard,
        OrderCard,
        FlashCard,
    )
}


@dataclass(frozen=True)
class Deck:
    """A deck as written: metadata, the deck-wide policy and the cards in file order."""

    id: str
    title: str
    cards: tuple[Card, ...]
    description: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    grading: Policy = Policy()
    path: str = field(default="", compare=False)
    content_hash: str = field(default="", compare=False)

    def policy(self, card: Card) -> Policy:
        """The policy that grades ``card``."""
        return card.grading if card.grading is not None else self.grading

    def card(self, card_id: str) -> Card | None:
        """The card with this id, if any."""
        for c in self.cards:
            if c.id == card_id:
                return c
        return None


@dataclass(frozen=True)
class Verdict:
    """The result of grading one typed answer.

    ``rule`` names what matched (``exact``, ``normalized``, ``alternate``, ``typo``,
    ``letter``, ``number``, ``date``, ``partial``, ``empty``, ``wrong`` ...); ``note``
    tells the learner why, e.g. ``accepted: 1 typo (Gerasimov)``; ``score`` is the
    share of credit (1.0 right, 0.0 wrong, between for partial multi/cloze/order).
    """

    correct: bool
    rule: str
    note: str = ""
    score: float = 0.0
    typos: int = 0
    expected: str = ""


@dataclass(frozen=True)
class Attempt:
    """One answer given in a session, as stored (append-only)."""

    session_id: int
    deck_id: str
    card_id: str
    typed: str
    correct: bool
    rule: str
    score: float
    time_ms: int
    answered_at: str  # UTC ISO-8601, e.g. 2026-11-28T06:12:00.123456+00:00
    rating: int | None = None  # FSRS rating 1-4 in study sessions
    cram: bool = False
    first: bool = True  # False for a --retry-wrong repeat: only first tries count in the score
    id: int | None = None  # the row id once stored


@dataclass(frozen=True)
class SessionRecord:
    """A quiz or study session as stored."""

    id: int
    deck_id: str
    mode: str  # "quiz" | "exam" | "study" | "cram"
    seed: int
    started_at: str
    finished_at: str | None = None
    interrupted: bool = False
    correct: int = 0
    asked: int = 0
    deck_hash: str = ""
    learner: str = ""


@dataclass(frozen=True)
class CardState:
    """A card's spaced-repetition state, derived from its review log (FSRS card as JSON)."""

    deck_id: str
    card_id: str
    phase: str  # "learning" | "review" | "relearning"
    due_at: str  # UTC ISO-8601
    data: str  # fsrs.Card.to_dict() as JSON
    reps: int = 0
    lapses: int = 0
