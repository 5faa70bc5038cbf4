"""A deck: metadata, the deck-wide policy and its cards (a tuple, or built lazily from a cache)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from ..errors import QuizError
from .cards import AnyCard, Card
from .policy import Policy


class CardBlockError(QuizError):
    """A block of stored cards cannot be built, or holds other cards than its index says."""


class LazyCards(Sequence[AnyCard]):
    """A deck's cards in file order, each block of them unpickled on first use and then kept.

    How a warm deck cache hands over a deck: the ids and tags of every card are at hand at
    once (``ids()``, ``tags()``), but a card object is built only when a block that holds it
    is read, so a quiz of one card out of 100,000 builds one block. It behaves as a
    tuple of the cards: equal to any sequence of the same cards (a plain tuple included),
    hashed, pickled and copied as that tuple.
    """

    __slots__ = ("_blocks", "_built", "_ids", "_load", "_source", "_starts", "_tags")

    def __init__(
        self,
        ids: tuple[str, ...],
        tags: tuple[tuple[str, ...], ...],
        blocks: Sequence[Any],
        block_size: int | Sequence[int],
        load: Callable[[Any], Sequence[AnyCard]],
        source: str = "",
    ) -> None:
        """``block_size``: how many cards each block holds, one number for all (the last block
        may be short) or one per block (a deck cached as it was parsed, a part at a time)."""
        if isinstance(block_size, int):
            if block_size < 1 or len(blocks) != -(-len(ids) // block_size):
                raise ValueError(f"{len(blocks)} blocks of {block_size} cannot hold {len(ids)} cards")
            sizes = [block_size] * len(blocks)
            if sizes:
                sizes[-1] = len(ids) - block_size * (len(blocks) - 1)
        else:
            sizes = list(block_size)
            if len(sizes) != len(blocks) or sum(sizes) != len(ids) or any(s < 1 for s in sizes):
                raise ValueError(f"{len(blocks)} blocks of {sizes[:8]}... cannot hold {len(ids)} cards")
        if len(ids) != len(tags):
            raise ValueError(f"{len(ids)} ids but {len(tags)} tag sets")
        self._ids = ids
        self._tags = tags
        self._blocks = list(blocks)
        self._starts = list(itertools.accumulate(sizes, initial=0))  # block b: [starts[b], starts[b+1])
        self._load = load
        self._built: list[tuple[AnyCard, ...] | None] = [None] * len(self._blocks)
        self._source = source

    def ids(self) -> tuple[str, ...]:
        """Every card's id, in file order, without building a card."""
        return self._ids

    def tags(self) -> tuple[tuple[str, ...], ...]:
        """Every card's tags, in file order, without building a card."""
        return self._tags

    def blocks_built(self) -> int:
        """How many blocks have been built so far (of as many as the cache file holds)."""
        return sum(1 for block in self._built if block is not None)

    def _block(self, b: int) -> tuple[AnyCard, ...]:
        """The cards of block ``b``, built now if they were not yet."""
        cards = self._built[b]
        if cards is not None:
            return cards
        lo, hi = self._starts[b], self._starts[b + 1]
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
    def __getitem__(self, index: int) -> AnyCard: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[AnyCard, ...]: ...

    def __getitem__(self, index: int | slice) -> AnyCard | tuple[AnyCard, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._ids))
            if step != 1 or start >= stop:
                return tuple(self[i] for i in range(start, stop, step))
            # A run of cards: its blocks joined, then cut (not one lookup per card).
            first = bisect.bisect_right(self._starts, start) - 1
            last = bisect.bisect_right(self._starts, stop - 1) - 1
            run = [card for b in range(first, last + 1) for card in self._block(b)]
            lo = self._starts[first]
            return tuple(run[start - lo : stop - lo])
        n = len(self._ids)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("card index out of range")
        b = bisect.bisect_right(self._starts, i) - 1
        return self._block(b)[i - self._starts[b]]

    def __iter__(self) -> Iterator[AnyCard]:
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
    cards: Sequence[AnyCard]
    description: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    grading: Policy = Policy()
    steps: str = ""  # study learning steps, e.g. "1m 10m" (empty: the defaults)
    path: str = field(default="", compare=False)
    content_hash: str = field(default="", compare=False)

    def policy(self, card: Card) -> Policy:
        """The policy that grades ``card``."""
        return card.grading if card.grading is not None else self.grading

    def card(self, card_id: str) -> AnyCard | None:
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
