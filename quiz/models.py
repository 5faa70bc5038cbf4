"""The domain: decks, cards of each type, grading policy, verdicts. No I/O, no clock."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Literal, TypeVar, overload

from .errors import QuizError


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


class CardBlockError(QuizError):
    """A block of stored cards cannot be built, or holds other cards than its index says."""


class LazyCards(Sequence[Card]):
    """A deck's cards in file order, each block of them unpickled on first use and then kept.

    How a warm deck cache hands over a deck: the ids and tags of every card are at hand at
    once (``ids()``, ``tags()``), but a card object is built only when a block that holds it
    is read, so a quiz of one card out of 100,000 builds one block. It behaves as a
    tuple of the cards: equal to any sequence of the same cards (a plain tuple included),
    hashed, pickled and copied as that tuple.
    """

    __slots__ = ("_blocks", "_built", "_ids", "_load", "_size", "_source", "_tags")

    def __init__(
        self,
        ids: tuple[str, ...],
        tags: tuple[tuple[str, ...], ...],
        blocks: Sequence[bytes | memoryview],
        block_size: int,
        load: Callable[[bytes | memoryview], Sequence[Card]],
        source: str = "",
    ) -> None:
        if len(ids) != len(tags) or block_size < 1 or len(blocks) != -(-len(ids) // block_size):
            raise ValueError(f"{len(blocks)} blocks of {block_size} cannot hold {len(ids)} cards")
        self._ids = ids
        self._tags = tags
        self._blocks = list(blocks)
        self._size = block_size
        self._load = load
        self._built: list[tuple[Card, ...] | None] = [None] * len(self._blocks)
        self._source = source

    def ids(self) -> tuple[str, ...]:
        """Every card's id, in file order, without building a card."""
        return self._ids

    def tags(self) -> tuple[tuple[str, ...], ...]:
        """Every card's tags, in file order, without building a card."""
        return self._tags

    def blocks_built(self) -> int:
        """How many blocks have been built so far (of ``-(-len(self) // block size)``)."""
        return sum(1 for block in self._built if block is not None)

    def _block(self, b: int) -> tuple[Card, ...]:
        """The cards of block ``b``, built now if they were not yet."""
        cards = self._built[b]
        if cards is not None:
            return cards
        lo = b * self._size
        hi = min(lo + self._size, len(self._ids))
        where = f"cards {lo + 1}-{hi}" + (f" of {self._source}" if self._source else "")
        try:
            cards = tuple(self._load(self._blocks[b]))
        except Exception as err:
            raise CardBlockError(
                f"cannot build {where} ({err}); delete that file and run the command again"
            ) from err
        if [(c.id, c.tags) for c in cards] != list(zip(self._ids[lo:hi], self._tags[lo:hi], strict=True)):
            raise CardBlockError(
                f"{where} are not the cards its index names; delete that file and run the command again"
            )
        self._built[b] = cards
        self._blocks[b] = b""  # built once: its bytes are no longer needed
        return cards

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Card: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Card, ...]: ...

    def __getitem__(self, index: int | slice) -> Card | tuple[Card, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self._ids))))
        n = len(self._ids)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("card index out of range")
        return self._block(i // self._size)[i % self._size]

    def __iter__(self) -> Iterator[Card]:
        for b in range(len(self._built)):
            yield from self._block(b)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if isinstance(other, LazyCards):
            if other._ids != self._ids:
                return False
        elif not isinstance(other, Sequence) or isinstance(other, (str, bytes, bytearray)):
            return NotImplemented
        return len(other) == len(self) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self),))

    def __repr__(self) -> str:
        built = f"{self.blocks_built()} of {len(self._built)} blocks built"
        return f"<LazyCards: {len(self._ids)} cards, {built}>"


@dataclass(frozen=True)
class Deck:
    """A deck as written: metadata, the deck-wide policy and the cards in file order.

    ``cards`` is a tuple, or a :class:`LazyCards` when the deck comes from the deck cache;
    ``card_ids()`` and ``card_tags()`` read ids and tags without building the cards.
    """

    id: str
    title: str
    cards: Sequence[Card]
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
        if isinstance(self.cards, LazyCards):
            try:
                return self.cards[self.cards.ids().index(card_id)]
            except ValueError:
                return None
        for c in self.cards:
            if c.id == card_id:
                return c
        return None

    def card_ids(self) -> tuple[str, ...]:
        """Every card's id in file order (without building cards the deck has not built yet)."""
        if isinstance(self.cards, LazyCards):
            return self.cards.ids()
        return tuple(c.id for c in self.cards)

    def card_tags(self) -> tuple[tuple[str, ...], ...]:
        """Every card's tags in file order (without building cards the deck has not built yet)."""
        if isinstance(self.cards, LazyCards):
            return self.cards.tags()
        return tuple(c.tags for c in self.cards)


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
