"""Cards that ask the same question: prompts alike AND answers the same (or accepted by each other).

Linear in the number of cards whatever the deck looks like. Each card is filed under a few keys
made of its answer and one of its three rarest content words (rarest in all the decks checked:
two prompts that differ by a typo or a small word still share two of them), and is compared only
with the first cards (at most :data:`COMPARED` per key) that began a group under its keys. A deck of
100,000 near-identical prompts is therefore 100,000 x a few comparisons, not 5 billion, and
memory holds a few keys per card, never a list of pairs.

A group is reported once, on its second card, naming its first; each card is in one group at most.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from quiz.model import (
    AnyCard,
    BoolCard,
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
)
from quiz.model.cloze import blanked, gaps

#: Two prompts at least this alike (rapidfuzz ratio of their normalised forms, 0-100) may be the
#: same question; they are when, besides, their numbers are the same in the same order and every
#: other word that differs is a small word or a typo of one in the other prompt.
DUPLICATE_RATIO = 90.0
#: How many of a prompt's content words (its rarest) it is filed under.
SKETCH = 3
#: At most this many group leaders are kept per key: the bound that keeps the search linear.
COMPARED = 8

#: Words that may be added, dropped or swapped without asking another question.
_SMALL = "a an the of in on at to for by with from and or is are was were be been this that these those "
SMALL_WORDS = frozenset(
    (_SMALL + "which what who whom whose when where why how do does did it its as into about please").split(
        " "
    )
)
_WORD = re.compile(r"\w+")
#: ASCII bytes that are not word characters (``\w``) as spaces, for splitting ASCII text into words in C.
_NON_WORD = bytes.maketrans(
    bytes(range(128)), bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128))
)
_DIGIT = re.compile(r"\d")


class Terms(NamedTuple):
    """The per-card half of the search for one part of a deck (what :func:`index_terms` makes):
    each card's question as compared (its words joined, '' when it has none), its answer keys
    (the answer first, then what else it accepts) and its content words' codes (all cards' codes
    one after another, with each card's end), and where each card is (id, line, column)."""

    texts: list[str]
    answers: list[tuple[str, ...]]
    codes: array[int]
    ends: array[int]
    cards: list[tuple[str, int, int]]


def words(text: str) -> list[str]:
    """A text's words for comparing: casefolded, accents stripped (NFKD), punctuation gone.

    Much cheaper than grading's normalisation, and enough here: whether two questions read alike
    does not depend on a deck's grading policy.
    """
    text = text.casefold()
    if text.isascii():  # the words the regular expression finds, split in C
        return text.encode("ascii").translate(_NON_WORD).decode("ascii").split()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _WORD.findall(text)


def compared_text(card: AnyCard) -> str:
    """What a learner reads: the prompt (a cloze with its gaps blanked), and the choices or items."""
    match card:
        case ChoiceCard() | MultiCard():
            return " / ".join((card.prompt, *card.choices))
        case OrderCard():
            return " / ".join((card.prompt, *sorted(card.items)))
        case ClozeCard():
            return blanked(card.prompt)
        case ShortCard() | BoolCard() | NumberCard() | DateCard() | FlashCard():
            return card.prompt
        case _:
            assert_never(card)


def answer_texts(card: AnyCard) -> tuple[str, ...]:
    """The card's right answer as text, then the other answers it accepts as right."""
    match card:
        case ShortCard():
            return (card.answer, *card.accept)
        case ChoiceCard():
            return (card.answer,)
        case MultiCard():
            return (" | ".join(sorted(card.answers)),)
        case BoolCard():
            return ("true" if card.answer else "false",)
        case NumberCard():
            return (f"{card.answer:g} {card.unit}",)
        case DateCard():
            return (card.answer.iso(),)
        case ClozeCard():
            return (" | ".join(g.answer for g in gaps(card.prompt)),)
        case OrderCard():
            return (" | ".join(card.items),)
        case FlashCard():
            return (card.back,)
        case _:
            assert_never(card)


def _code(word: str) -> int:
    """A word's number, the same in every process and run (so the findings never vary); never 0."""
    return zlib.crc32(word.encode("utf-8", "surrogatepass")) | 1


def index_terms() -> Callable[[Deck], Terms]:
    """The per-card half of the search, to run on each part of a deck where it was parsed."""
    codes: dict[str, int] = {}  # kept from part to part (a copy in each process)

    def terms(deck: Deck) -> Terms:
        texts: list[str] = []
        answers: list[tuple[str, ...]] = []
        found = array("Q")
        ends = array("Q")
        where = [(card.id, card.line, card.col) for card in deck.cards]
        for card in deck.cards:
            ws = words(compared_text(card))
            texts.append(" ".join(ws))
            answers.append(tuple(dict.fromkeys(" ".join(words(a)) for a in answer_texts(card))))
            content = {w for w in ws if w not in SMALL_WORDS} or set(ws)
            found.extend(codes.get(w) or codes.setdefault(w, _code(w)) for w in content)
            ends.append(len(found))
        return Terms(texts, answers, found, ends, where)

    return terms


class Where(NamedTuple):
    """A card of a group: which deck (its index in the decks searched), its id and position."""

    deck: int
    card: str
    line: int
    col: int


class Group(NamedTuple):
    """Cards that ask the same question: the first, then the others in order."""

    first: Where
    others: list[Where]
    ratio: float


def find(decks: Sequence[Deck], terms: Sequence[Sequence[Terms]] | None = None) -> list[Group]:
    """Every group of cards (within and across ``decks``) that ask the same question, in the order
    of their first cards. ``terms`` holds each deck's :func:`index_terms` part by part, when made
    (then the decks' cards are not read: they may have been dropped while loading)."""
    if terms is None:
        each = index_terms()
        terms = [[each(deck)] for deck in decks]
    # Every card of every part, numbered in order: its deck, where it is, its text and answers.
    deck_of: list[int] = []
    cards: list[tuple[str, int, int]] = []
    texts: list[str] = []
    answers: list[tuple[str, ...]] = []
    for d, (deck, parts) in enumerate(zip(decks, terms, strict=True)):
        if deck.cards and sum(len(p.texts) for p in parts) != len(deck.cards):
            raise ValueError(f"the near-duplicate terms of {deck.path} are not one per card")
        for part in parts:
            deck_of.extend([d] * len(part.texts))
            cards.extend(part.cards)
            texts.extend(part.texts)
            answers.extend(part.answers)
    # A word's rank is its count and then its code in one number, so the rarest sort first. A card
    # without words has no codes, so every part's codes are the codes of the cards searched
    # (counted in C, a part at a time).
    ranks: Counter[int] = Counter()
    for parts in terms:
        for part in parts:
            ranks.update(part.codes)
    for w, n in ranks.items():
        ranks[w] = n << 32 | w
    rank = ranks.__getitem__
    leaders: dict[tuple[str, int], list[int]] = {}  # (answer, sketch word) -> the first cards of groups
    group_of: dict[int, int] = {}  # a repeated card -> the first card of its group
    best: dict[int, float] = {}  # the first card of a group -> the lowest ratio of the group
    i = -1
    for part in (part for parts in terms for part in parts):
        codes = list(map(rank, part.codes))  # ranked a part at a time (the map runs in C)
        start = 0
        for end in part.ends:
            i += 1
            text = texts[i]
            if not text:  # no words: compared with nothing
                start = end
                continue
            sketch = sorted(codes[start:end])[:SKETCH]
            start = end
            mine = answers[i]
            seen: set[int] = set()
            match = 0.0
            leader = -1
            for key in mine:
                for w in sketch:
                    for j in leaders.get((key, w), ()):
                        if j in seen:
                            continue
                        seen.add(j)
                        # The same question needs answers accepted by each other: each card's
                        # answer is among what the other accepts.
                        if mine[0] in answers[j] and answers[j][0] in mine:
                            ratio = alike(texts[j], text)
                            if ratio and (leader < 0 or j < leader):
                                leader, match = j, ratio
            if leader >= 0:
                group_of[i] = leader
                best[leader] = min(best.get(leader, 100.0), match)
                continue
            for w in sketch:
                bucket = leaders.setdefault((mine[0], w), [])
                if len(bucket) < COMPARED:
                    bucket.append(i)

    def where(i: int) -> Where:
        return Where(deck_of[i], *cards[i])

    members: dict[int, list[Where]] = {}
    for i, j in group_of.items():
        members.setdefault(j, []).append(where(i))
    return [Group(where(j), others, best[j]) for j, others in sorted(members.items())]


def alike(a: str, b: str) -> float:
    """How alike two normalised question texts are (0-100) when they ask the same thing, else 0.

    Small words aside, the texts must be at least :data:`DUPLICATE_RATIO` alike, hold the same
    numbers in the same order, and differ otherwise only by typos (a word of one that is a few
    edits from a word of the other).
    """
    if a == b:
        return 100.0
    wa = [w for w in a.split() if w not in SMALL_WORDS] or a.split()
    wb = [w for w in b.split() if w not in SMALL_WORDS] or b.split()
    ca, cb = " ".join(wa), " ".join(wb)
    if 2 * min(len(ca), len(cb)) < DUPLICATE_RATIO / 100 * (len(ca) + len(cb)):
        return 0.0  # the lengths alone rule it out
    ratio: float = fuzz.ratio(ca, cb, processor=None, score_cutoff=DUPLICATE_RATIO)
    if not ratio:
        return 0.0
    if [w for w in wa if _DIGIT.search(w)] != [w for w in wb if _DIGIT.search(w)]:
        return 0.0  # "7 x 8" and "8 x 7", "2019" and "2018": other questions
    only_a = list((Counter(wa) - Counter(wb)).elements())
    only_b = list((Counter(wb) - Counter(wa)).elements())
    if len(only_a) != len(only_b):
        return 0.0
    for w in only_a:  # every other word that differs must be a typo of one in the other prompt
        budget = 1 if len(w) <= 5 else 2
        near = next((v for v in only_b if Levenshtein.distance(w, v, score_cutoff=budget) <= budget), None)
        if near is None:
            return 0.0
        only_b.remove(near)
    return ratio
