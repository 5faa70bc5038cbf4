"""The compiled cache of large decks in the data directory.

``load_cached(path, cache_dir)`` keeps the loaded deck in ``cache_dir`` as a pickle,
one file per deck path, valid only for the same file bytes (SHA-256) and the same
loader (quiz version and the source of the modules that build decks). The file holds
the cards' ids and tags and the cards themselves pickled in blocks, so a warm load gives
a deck whose cards are a :class:`quiz.model.LazyCards`: a block is unpickled when one
of its cards is first used (a one-card quiz on 100k cards builds a few hundred of them).
A block is a part of the file as the fast parser cut it (about 256 KB of YAML), pickled by
the process that parsed it, and the first load after an edit hands back the same lazy deck;
a file read whole is cut into blocks of ``BLOCK_CARDS``. A
missing, corrupt (its CRC-32 is checked before anything is used), stale or unreadable
cache file is ignored and rewritten; it is written atomically. The pickles are read with
an unpickler that only accepts quiz's own model classes, so a tampered cache file cannot
run code; it lives in the user's own data directory, which already holds their scores.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import itertools
import os
import pickle
import stat
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from quiz import __version__
from quiz.files import FileRefused, read_regular
from quiz.model import AnyCard, Card, Deck, LazyCards, example_at, moved

from . import _parallel
from ._file import MAX_BYTES, decode, read_bytes
from ._parallel import no_gc
from ._parse import parse

CACHE_MAGIC = b"quiz-deck-cache 4\n"
#: Cards per block in a cache file: a warm load builds a block's cards only when one is used.
BLOCK_CARDS = 1024
#: A cache file larger than this is not read (a deck of at most 64 MB pickles to far less).
_MAX_CACHE_BYTES = 4 * MAX_BYTES
#: The files whose source decides what a deck file loads to (every private module of deckio).
_SOURCES = (
    "deckio/_builders.py",
    "deckio/_cache.py",
    "deckio/_cards.py",
    "deckio/_chunks.py",
    "deckio/_data.py",
    "deckio/_fields.py",
    "deckio/_file.py",
    "deckio/_gc.py",
    "deckio/_parallel.py",
    "deckio/_parse.py",
    "deckio/_types.py",
    "deckio/_yaml.py",
    "model/cards.py",
    "model/policy.py",
    "model/deck.py",
    "model/cloze.py",
    "model/variants.py",
)


def loader_fingerprint() -> str:
    """What a cached deck was built by: the quiz version and the loader's source files."""
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent.parent
    for name in _SOURCES:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()


_MODEL_MODULES = frozenset({"quiz.model.cards", "quiz.model.deck", "quiz.model.policy"})


class _ModelUnpickler(pickle.Unpickler):
    """Accepts only quiz's model classes (and :func:`quiz.model.example_at`, how an example is
    pickled), so a cache file cannot name any other callable."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("quiz.model.cards", "example_at"):
            return example_at
        if module in _MODEL_MODULES and not name.startswith("_"):
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a deck cache")


def cache_path(path: str | Path, cache_dir: Path) -> Path:
    """The cache file for a deck file: one per resolved path, overwritten when the file changes."""
    key = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24]
    return cache_dir / f"{key}.deck"


class _Cached(NamedTuple):
    """A cache file read back: what it was made of, and its blocks still pickled."""

    digest: str  # the SHA-256 of the deck file it was made of
    meta: Deck  # the deck without its cards
    ids: tuple[str, ...]
    tags: tuple[tuple[str, ...], ...]
    sizes: list[int]  # how many cards each block holds
    blocks: list[memoryview]
    marks: list[tuple[str, int, int]]  # per block: its chunk's key ("" if none), line, line shift

    def deck(self, file: Path) -> Deck:
        """The cached deck, each block's cards built when one is first used."""
        blocks: list[memoryview | _Shifted] = [
            _Shifted(view, shift) if shift else view
            for view, (_, _, shift) in zip(self.blocks, self.marks, strict=True)
        ]
        cards = LazyCards(self.ids, self.tags, blocks, self.sizes, _load_block, str(file))
        return replace(self.meta, cards=cards)

    def known(self, keys: list[str], lines: list[int]) -> dict[int, tuple[tuple[str, ...], _Block]]:
        """The blocks of this file that hold a chunk of an edited deck (see ``_parallel.Known``):
        by the chunk's number, its cards' ids, tags and pickled cards, and how far their lines
        have moved."""
        where = {key: b for b, (key, _, _) in enumerate(self.marks) if key}
        starts = list(itertools.accumulate(self.sizes, initial=0))
        found: dict[int, tuple[tuple[str, ...], _Block]] = {}
        for i, key in enumerate(keys):
            b = where.get(key)
            if b is None:
                continue
            _, line, shift = self.marks[b]
            ids = self.ids[starts[b] : starts[b + 1]]
            tags = self.tags[starts[b] : starts[b + 1]]
            found[i] = (ids, (ids, tags, self.blocks[b], shift + lines[i] - line))
        return found


class _Shifted(NamedTuple):
    """A block whose cards were parsed where their chunk then stood: ``shift`` lines are added
    to each card's and example's line when they are built."""

    data: bytes | memoryview
    shift: int


#: A part of a deck as a block of the cache file: its cards' ids, their tags, the cards pickled,
#: and how many lines to add to the pickled cards' lines (0 but for a block kept from before an edit).
_Block = tuple[tuple[str, ...], tuple[tuple[str, ...], ...], "bytes | memoryview", int]


def _read_file(file: Path, fingerprint: str) -> _Cached | None:
    """The cache file, if it was written by this loader and is whole; None when it is missing,
    from another loader or damaged."""
    try:
        # Only a regular file is read: a FIFO or a device left in the cache folder is skipped.
        whole = read_regular(file, limit=_MAX_CACHE_BYTES, what="deck cache")
    except FileRefused:
        return None
    try:
        size = len(CACHE_MAGIC) + 64 + len(fingerprint)
        header = whole[: size + 9]
        digest = header[len(CACHE_MAGIC) : len(CACHE_MAGIC) + 64].decode("ascii")
        if header[: len(CACHE_MAGIC)] != CACHE_MAGIC or header[-1:] != b"\n":
            return None
        if header[len(CACHE_MAGIC) + 64 : size] != fingerprint.encode() or len(digest) != 64:
            return None
        crc = int(header[size:-1], 16)
        view = memoryview(whole)  # the blocks are views of the file's bytes, not copies
        if zlib.crc32(view[len(header) :]) != crc:
            return None  # damaged: a block would fail (or lie) only when first used
        stream = io.BytesIO(whole)  # shares the bytes object, as a slice of it would not
        stream.seek(len(header))
        meta, ids, tags, sizes, lengths, marks = _ModelUnpickler(stream).load()
        if not (isinstance(meta, Deck) and isinstance(ids, str) and isinstance(tags, tuple)):
            return None
        if not (len(sizes) == len(lengths) == len(marks)):
            return None
        at = stream.tell()
        blocks = []
        for length in lengths:
            blocks.append(view[at : at + length])
            at += length
        if at != len(whole):
            return None
        card_ids = tuple(ids.split("\n")) if ids else ()  # an id never holds a control character
        if len(card_ids) != len(tags) or sum(sizes) != len(card_ids):
            return None
        return _Cached(digest, meta, card_ids, tags, list(sizes), blocks, list(marks))
    except Exception:  # a corrupt cache is only a slower start: parse the file again
        return None


def _stored_digest(file: Path) -> str:
    """The SHA-256 of the deck file the cache file was made of, read from its header ("" if
    there is no cache file, or something else than a regular file is in its place)."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO does not block the open
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        header = os.read(fd, len(CACHE_MAGIC) + 64)
    except OSError:
        return ""
    finally:
        os.close(fd)
    return header[len(CACHE_MAGIC) :].decode("ascii", "replace") if header.startswith(CACHE_MAGIC) else ""


def _read_cache(file: Path, digest: str, fingerprint: str) -> Deck | None:
    """The cached deck, its cards built lazily; None when the file is missing, stale or damaged."""
    cached = _read_file(file, fingerprint)
    if cached is None or cached.digest != digest:
        return None
    try:
        return cached.deck(file)
    except ValueError:  # sizes that do not add up: damaged
        return None


def _load_block(block: bytes | memoryview | _Shifted) -> list[AnyCard]:
    """The cards pickled in one block of a cache file (model classes only), their lines moved by
    the block's shift if it has one.

    Built with the collector paused and then frozen, as an eager load was: building every
    block of 100k cards with it running costs twice as long (it rescans the growing deck).
    """
    data, shift = block if isinstance(block, _Shifted) else (block, 0)
    with no_gc():
        cards = _ModelUnpickler(io.BytesIO(data)).load()
        if not isinstance(cards, list) or not all(isinstance(c, Card) for c in cards):
            raise pickle.UnpicklingError("a block holds something other than cards")
        if shift:
            for card in cards:
                _move(card, shift)
    return cards


def _move(card: AnyCard, shift: int) -> None:
    """Add ``shift`` to the line of a card just unpickled (no one else holds it yet) and of its
    examples: the text above its chunk gained or lost lines since it was parsed."""
    state = card.__dict__
    state["line"] = card.line + shift
    for example in (*state.get("accept_examples", ()), *state.get("reject_examples", ())):
        moved(example, shift)  # unpickled with the card: no one else holds it either


_ABSENT = object()


def _slim(card: AnyCard) -> AnyCard:
    """A copy of ``card`` whose instance dict leaves out the fields equal to their class default.

    A dataclass field's default is also a class attribute, so reading a left-out field gives
    the same value (and equality, hashing, ``replace`` and ``asdict`` read fields that way);
    a third fewer dict entries to unpickle makes a warm load of 100k cards a third faster.
    """
    cls = type(card)
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        names = (f.name for f in dataclasses.fields(cls))
        defaults = {n: value for n in names if (value := getattr(cls, n, _ABSENT)) is not _ABSENT}
        _DEFAULTS[cls] = defaults
    no = _ABSENT
    state = {
        key: value
        for key, value in card.__dict__.items()
        if (default := defaults.get(key, no)) is no or type(default) is not type(value) or default != value
    }
    slim: AnyCard = object.__new__(cls)
    slim.__dict__.update(state)
    return slim


#: Per card class, the class attributes of the fields that have one (their defaults).
_DEFAULTS: dict[type, dict[str, Any]] = {}


def _block_of(part: Deck) -> _Block:
    """A part of a deck as a block of its cache file: the cards' ids, their tags, and the cards
    pickled. Made in whichever process parsed the part, so that the cards never travel between
    the two processes and the parent never builds the other half of the deck."""
    cards = part.cards
    blob = pickle.dumps([_slim(c) for c in cards], protocol=pickle.HIGHEST_PROTOCOL)
    return tuple(c.id for c in cards), tuple(c.tags for c in cards), blob, 0


def _write_cache(file: Path, deck: Deck, digest: str, fingerprint: str) -> None:
    """Write ``deck`` (its cards at hand) to ``file`` atomically, its cards pickled in blocks of
    ``BLOCK_CARDS``. Each block is written to an unnamed spill file as it is pickled and copied
    after the index, so the pickled cards are never all in memory beside the deck."""
    cards = deck.cards
    ids = tuple(c.id for c in cards)
    tags = tuple(c.tags for c in cards)
    sizes = [min(BLOCK_CARDS, len(cards) - lo) for lo in range(0, len(cards), BLOCK_CARDS)]
    blocks = (
        pickle.dumps([_slim(c) for c in cards[lo : lo + BLOCK_CARDS]], protocol=pickle.HIGHEST_PROTOCOL)
        for lo in range(0, len(cards), BLOCK_CARDS)
    )
    _write_blocks(file, deck, ids, tags, sizes, blocks, [("", 0, 0)] * len(sizes), digest, fingerprint)


def _write_blocks(
    file: Path,
    deck: Deck,
    ids: tuple[str, ...],
    tags: tuple[tuple[str, ...], ...],
    sizes: list[int],
    blocks: Iterable[bytes | memoryview],
    marks: list[tuple[str, int, int]],
    digest: str,
    fingerprint: str,
) -> None:
    """Write a cache file atomically: an index (the deck without its cards, the cards' ids, tags,
    how many cards each block holds, its length in bytes and its ``marks``: the key of the chunk
    of the file it was parsed from, the chunk's line and the shift of its cards' lines), then
    the blocks of pickled cards.

    The index needs every block's length: blocks given as a list are written straight after it;
    others go to an unnamed spill file as they come and are copied after it. The CRC-32 in the
    header is filled in last.
    """
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    tags = tuple(shared.setdefault(t, t) for t in tags)  # each tag set pickled once
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".deck")
        try:
            with os.fdopen(fd, "wb") as out, contextlib.ExitStack() as stack:
                if isinstance(blocks, list):  # already in memory: written straight after the index
                    lengths = [len(block) for block in blocks]
                    payload: Iterable[bytes | memoryview] = blocks
                else:
                    spill = stack.enter_context(tempfile.TemporaryFile(dir=file.parent))
                    lengths = [spill.write(block) for block in blocks]
                    spill.seek(0)
                    payload = iter(lambda: spill.read(1 << 20), b"")
                index = (replace(deck, cards=()), "\n".join(ids), tags, sizes, lengths, marks)
                head = CACHE_MAGIC + f"{digest}{fingerprint}".encode()
                out.write(head + b"00000000\n")  # the CRC-32 of what follows, written at the end
                indexed = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
                out.write(indexed)
                crc = zlib.crc32(indexed)
                for chunk in payload:
                    crc = zlib.crc32(chunk, crc)
                    out.write(chunk)
                out.seek(len(head))
                out.write(f"{crc:08x}".encode())
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full data directory only costs speed


def load_cached(
    path: Path, cache_dir: Path, progress: Callable[[int, int], None] | None = None
) -> Deck:
    """Load a deck file through the cache in ``cache_dir`` (the same result as :func:`quiz.deckio.load`)."""
    data = read_bytes(path)
    shown = str(path)
    digest = hashlib.sha256(data).hexdigest()
    if len(data) < _parallel.MIN_FAST_BYTES:
        return parse(decode(data, shown), shown, digest)
    fingerprint = loader_fingerprint()
    file = cache_path(path, cache_dir)
    if _stored_digest(file) == digest:
        with no_gc():
            deck = _read_cache(file, digest, fingerprint)
        if deck is not None:
            return replace(deck, path=shown, content_hash=digest)
    text = decode(data, shown)
    del data  # the bytes are needed no more (59 MB for 100k realistic cards, in both processes)
    with no_gc():  # the cache of the file before an edit: the chunks still the same are not parsed
        cached = _read_file(file, fingerprint)
    # Each part's cards are pickled as a block of the cache where they were parsed: this process
    # neither receives the other process's cards nor pickles the whole deck again, and the deck
    # it returns builds a block's cards only when one of them is used, as a warm load does.
    # After an edit, the chunks whose text is unchanged keep their blocks of the old cache file
    # and are not parsed again (their cards' lines moved if lines were added or taken above).
    deck, parts = _parallel.parse_keyed(
        text, shown, digest, _block_of, cached.known if cached is not None else None, progress=progress
    )
    del text
    if not parts:  # read whole (anchors, reversed cards ...): the deck has its cards
        _write_cache(file, deck, digest, fingerprint)
        return deck
    parts = [part for part in parts if part[2][0]]
    ids = tuple(i for _, _, block in parts for i in block[0])
    tags = tuple(t for _, _, block in parts for t in block[1])
    sizes = [len(block[0]) for _, _, block in parts]
    blobs = [block[2] for _, _, block in parts]
    marks = [(key, line, block[3]) for key, line, block in parts]
    lazy: list[bytes | memoryview | _Shifted] = [
        _Shifted(block[2], block[3]) if block[3] else block[2] for _, _, block in parts
    ]
    del parts
    _write_blocks(file, deck, ids, tags, sizes, blobs, marks, digest, fingerprint)
    return replace(deck, cards=LazyCards(ids, tags, lazy, sizes, _load_block, str(file)))
