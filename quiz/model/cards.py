"""The card types: one frozen dataclass per ``type:`` a deck can use, and their common fields."""

from __future__ import annotations

import calendar
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NoReturn, TypeGuard, TypeVar

from .cloze import blanked, gaps
from .enums import StrEnum
from .policy import Policy


class CardType(StrEnum):
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


C = TypeVar("C", bound="Card")


@dataclass(frozen=True, slots=True)
class Example:
    """An answer an author says must be accepted (or rejected), with where it was written.

    Slotted: a deck of 100k cards written as the shipped ones are holds about 600k of them, and an
    instance dict (made as soon as one is pickled or read back) would add 300 bytes to each."""

    text: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)

    def __reduce__(self) -> tuple[Callable[[str, int, int], Example], tuple[str, int, int]]:
        """Pickled as the call that makes it (smaller and faster to read back than a slot state):
        :func:`example_at`, which makes it in half the time of the constructor."""
        return (example_at, (self.text, self.line, self.col))


# The slots' own setters, which a frozen dataclass's checked ``__init__`` goes around by name.
_EXAMPLE_SLOTS: Any = Example
_NEW_OBJECT = object.__new__
_SET_TEXT, _SET_LINE, _SET_COL = (getattr(_EXAMPLE_SLOTS, name).__set__ for name in ("text", "line", "col"))


def moved(example: Example, lines: int) -> None:
    """Add ``lines`` to the line of an example no one else holds yet (just read back from a deck
    cache whose text above it gained or lost lines since it was parsed)."""
    _SET_LINE(example, example.line + lines)


def example_at(text: str, line: int, col: int) -> Example:
    """``Example(text, line, col)`` in half the time, the slots set directly: the deck loader makes
    one for each of the ~600k examples of 100k cards written as the shipped ones are."""
    example = _NEW_OBJECT(Example)
    _SET_TEXT(example, text)
    _SET_LINE(example, line)
    _SET_COL(example, col)
    return example


#: The months' names, read once: ``calendar.month_name[i]`` formats a date on every call (quiz
#: never changes the locale, so the names are those of the C locale either way).
_MONTH_NAMES = tuple(calendar.month_name)


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
        if self.month is None:
            return str(self.year)
        month = _MONTH_NAMES[self.month]
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
    variant_of: str = ""  # the id of the written card this one was made from (``reverse: true``)
    #: Why the card has its type when ``type:`` was left out (quiz check --explain-types); else "".
    type_reason: str = field(default="", compare=False)
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
    person: bool = False  # the answer is a person's name: surname alone, "Surname, Given", titles
    reverse: bool = False  # also asked the other way round: the answer shown, the prompt asked

    def answer_text(self) -> str:
        return self.answer


@dataclass(frozen=True)
class ChoiceCard(Card):
    """One right choice among several; ``answer`` is the text of that choice."""

    kind: ClassVar[CardType] = CardType.CHOICE
    choices: tuple[str, ...] = ()
    answer: str = ""
    shuffle: bool = True
    distractors: str = ""  # "from-deck": the wrong choices are drawn from sibling cards' answers

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
    reverse: bool = False  # also asked the other way round: the back shown, the front asked

    def answer_text(self) -> str:
        return self.back


AnyCard = (
    ShortCard | ChoiceCard | MultiCard | BoolCard | NumberCard | DateCard | ClozeCard | OrderCard | FlashCard
)
"""Every concrete card type: ``match`` on it with ``assert_never`` in the last case, so mypy names a
card type that a dispatch forgets (docs/architecture.md, "Card-type dispatch")."""

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10

    def assert_never(value: NoReturn) -> NoReturn:
        """Unreachable: mypy reports a ``match`` that misses a member of the union."""
        raise AssertionError(f"unhandled value: {value!r}")


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def letter(index: int) -> str:
    """``a`` for the first choice, ``b`` for the second, …; past ``z``, the number."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def self_rated(card: Card) -> TypeGuard[FlashCard]:
    """A flashcard: the learner says whether they knew it; every other card is typed and graded."""
    return isinstance(card, FlashCard)


def question_text(card: Card) -> str:
    """The question as a learner reads it: a cloze's gaps as [1], [2]; a flashcard's front."""
    return blanked(card.prompt) if isinstance(card, ClozeCard) else card.prompt


CARD_CLASSES: dict[CardType, type[AnyCard]] = {
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


def options_of(card: AnyCard) -> tuple[str, ...] | None:
    """What a card shows to pick from, in file order: the choices (choice, multi) or the items (order)."""
    match card:
        case ChoiceCard() | MultiCard():
            return card.choices
        case OrderCard():
            return card.items
        case ShortCard() | BoolCard() | NumberCard() | DateCard() | ClozeCard() | FlashCard():
            return None
        case _:
            assert_never(card)
