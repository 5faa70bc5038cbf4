"""Fast loading of large decks: the cold parse shared by two processes.

``parse_bytes(data, ...)`` gives exactly what :func:`quiz.deckio.parse` gives (the same deck, or
the same :class:`DeckError`), faster on large files: the garbage collector is paused
while the YAML tree is built (it otherwise rescans millions of fresh nodes), the card
list is cut at its items into chunks of about 256 KB, each composed and converted a piece
of about 16 KB at a time (so a node tree never holds more than a few dozen cards), and on a machine with
``fork`` a child process takes its share of the chunks as the two go along. Any
problem in any chunk, or a file whose layout the cutter does not fully understand
(anchors, tabs, unusual line breaks, keys after ``cards:``), sends the whole file
through :func:`quiz.deckio.parse`, so every error message and position is the loader's own.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from quiz import forked
from quiz.errors import DeckError
from quiz.model import AnyCard, Deck

from ._cards import read_cards
from ._chunks import Fallback, split
from ._fields import Reader
from ._file import decode, read_bytes
from ._parse import parse, raise_problems, read_deck
from ._yaml import Field, compose, fast_loader

#: Files smaller than this are parsed directly and never cached (they take milliseconds).
MIN_FAST_BYTES = 256 * 1024


T = TypeVar("T")
P = TypeVar("P")
#: ``progress(done, total)``: how much of the work is done (see :func:`load_parts`).
Progress = Callable[[int, int], None]

#: ``known(keys, lines)``: the results already at hand for some chunks, by their number, each with
#: its cards' ids (see :func:`parse_keyed`).
Known = Callable[[list[str], list[int]], dict[int, tuple[tuple[str, ...], T]]]


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, and exempt what was built from later collections.

    A node tree or a deck is millions of fresh objects without cycles: with the collector on,
    each collection rescans them all (22 s instead of 5 s to compose 100k cards), and the first
    collection after re-enabling it would still scan them once. ``gc.freeze`` moves them to the
    permanent generation; they are still freed by reference counting when no longer used.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def load_parts(
    path: str | Path,
    work: Callable[[Deck], T],
    *,
    keep_cards: bool = True,
    progress: Progress | None = None,
) -> tuple[Deck, list[T]]:
    """Load one deck file as :func:`quiz.deckio.load` does, and run ``work`` on each part of it.

    A part is a deck with the file's metadata and a run of its cards; the parts hold every
    card once, in file order (a small file is one part). ``work`` runs in whichever process
    parsed the part, on cards fresh in its memory, so what a command does per card is shared
    between the cores too; what it returns is sent back pickled. The results are in file order.
    With ``keep_cards`` False a part's cards are dropped once ``work`` has run (they are not
    sent between the processes): the deck from a chunked parse then has no cards.

    ``progress(done, total)``, if given, is called in this process as the parts are claimed (done
    and total in parts; both processes' parts count, in the order they are handed out), and with
    ``(0, 1)`` before and ``(1, 1)`` after a deck read as one part.
    """
    text, digest = read_text(path)
    return parse_text(text, str(path), digest, work, keep_cards=keep_cards, progress=progress)


def read_text(path: str | Path) -> tuple[str, str]:
    """The file's text and the SHA-256 of its bytes; the bytes themselves are let go (on a deck of
    100k realistic cards they are 59 MB, in both processes' memory while it is parsed)."""
    data = read_bytes(path)
    return decode(data, str(path)), hashlib.sha256(data).hexdigest()


def parse_bytes(
    data: bytes | str, shown: str, digest: str, *, workers: int = 2, progress: Progress | None = None
) -> Deck:
    """The deck in ``data`` (shown as ``shown`` in messages), the fast way when it is large.
    ``data`` is the file's bytes, or its text already decoded (so that the bytes can be let go)."""
    if len(data) < MIN_FAST_BYTES:
        progress = None  # milliseconds: nothing to show
    text = data if isinstance(data, str) else decode(data, shown)
    return parse_text(text, shown, digest, _nothing, workers=workers, progress=progress)[0]


def parse_text(
    text: str,
    shown: str,
    digest: str,
    work: Callable[[Deck], T],
    *,
    workers: int = 2,
    keep_cards: bool = True,
    progress: Progress | None = None,
) -> tuple[Deck, list[T]]:
    """The deck in ``text`` and ``work`` run on each of its parts (see :func:`load_parts`)."""
    if len(text) < MIN_FAST_BYTES and len(text.encode()) < MIN_FAST_BYTES:  # in bytes, as the file
        deck = parse(text, shown, digest)  # milliseconds: no need to touch the collector
        return deck, [_whole(work, deck, progress)]
    with no_gc():
        try:
            return _parse_chunked(text, shown, digest, workers, work, keep_cards, progress)
        except Fallback:
            pass
        deck = _read_whole(text, shown, digest, progress)
        return deck, [_whole(work, deck, progress)]


def _read_whole(text: str, shown: str, digest: str, progress: Progress | None) -> Deck:
    """The deck read as one part, once the chunks declined (0 of 1 part said first: what comes
    next, if anything, is the news)."""
    if progress is not None:
        progress(0, 1)
    return _read_by_chunks(text, shown, digest) or parse(text, shown, digest)


def _whole(work: Callable[[Deck], T], deck: Deck, progress: Progress | None) -> T:
    """``work`` on a deck that is one part, with the part counted."""
    if progress is not None:
        progress(0, 1)
    done = work(deck)
    if progress is not None:
        progress(1, 1)
    return done


def _nothing(deck: Deck) -> None:
    return None


def _read_by_chunks(text: str, shown: str, digest: str) -> Deck | None:
    """What :func:`quiz.deckio.parse` gives for ``text`` (the deck, or a :class:`DeckError` with
    the same problems, words, positions and order), reading one chunk at a time with one
    reader, so that no node tree holds the whole file (a broken deck of 100,000 cards: about
    100 MB instead of 600 MB). None when the chunks cannot tell, for the ordinary loader to
    decide: a YAML syntax error (its message is the whole file's) or a layout the cutter does
    not understand.

    The reader numbers the cards and remembers their ids across chunks as over one list; the
    text before ``cards:`` is read once, with the first chunk, as the whole file reads it once.
    """
    try:
        head, chunks, no_strays = split(text)
        no_strays()
        reader = Reader(shown)
        first: Deck | None = None
        cards: list[AnyCard] = []
        for n, (start, end, pad) in enumerate(chunks):
            root = _compose(head + "\n" * pad + text[start:end], shown)
            if n == 0:
                first = read_deck(reader, root)
                if first is None:
                    return None
                cards.extend(first.cards)
            else:
                field = _cards_field(root)
                if field is None or first is None:
                    return None
                cards.extend(read_cards(reader, field, first.grading))
            reader.merged.clear()  # the ids of a freed tree's nodes may come back in the next one
    except Fallback:
        return None
    if any(getattr(c, "distractors", "") for c in cards):
        return None  # the choices drawn from the whole deck's answers: the ordinary loader draws them
    raise_problems(shown, reader.problems)
    if first is None:
        return None
    return replace(first, cards=tuple(cards), path=shown, content_hash=digest)


def _cards_field(root: Any) -> Any:
    """The ``cards:`` value of a chunk's top-level mapping, as the loader's field (None if absent)."""
    for key, value in getattr(root, "value", None) or ():
        if getattr(key, "value", None) == "cards":
            mark = key.start_mark
            return Field("cards", value, mark.line + 1, mark.column + 1)
    return None


def _compose(text: str, shown: str, tags: dict[str, str] | None = None) -> Any:
    """The node tree of a chunk; any YAML error is :class:`Fallback` (the loader words it).
    ``tags``: the plain texts' tags already resolved (see :func:`fast_loader`), to share."""
    loader_class = fast_loader()
    if loader_class is None:
        try:
            return compose(text, shown)
        except DeckError:
            raise Fallback from None
    import yaml  # deferred as in _yaml.yaml_module (fast_loader has loaded it by now)

    loader = loader_class(text, tags)
    try:
        return loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        raise Fallback from None
    finally:
        loader.dispose()


#: A chunk is composed and read this many characters at a time (about 25 cards written as the
#: shipped ones are), cut at its card items: a small node tree is read while it is still in the
#: processor's caches, and the memory it frees is used again for the next one. Composing a whole
#: chunk of 256 KB at once, then reading it, costs about a quarter more CPU.
PIECE_CHARS = 16 * 1024
#: The first card item of a chunk, after any blank or comment lines: its indentation is the items'.
_FIRST_ITEM = re.compile(r"(?:[ ]*(?:#.*)?\n)*([ ]*)-(?:[ ]|\r?\n)")


def _pieces(body: str) -> list[tuple[int, int, int]]:
    """Where a chunk is cut to be composed a piece at a time: (start, end, lines before start).

    Each piece after the first starts at a card item (the first after ``PIECE_CHARS`` more
    characters), as the chunks themselves do; a cut inside a multi-line value leaves the piece
    before it unfinished, a YAML error, so the file goes through the ordinary loader then.
    """
    first = _FIRST_ITEM.match(body)
    if first is None:
        return [(0, len(body), 0)]
    items = re.compile(rf"\n{first.group(1)}-(?:[ ]|\r?\n)")
    starts = [0]
    while (found := items.search(body, starts[-1] + PIECE_CHARS)) is not None:
        starts.append(found.start() + 1)
    ends = [*starts[1:], len(body)]
    pieces = []
    lines = 0
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if n:
            lines += body.count("\n", starts[n - 1], start)
        pieces.append((start, end, lines))
    return pieces


def _parse_chunk(head: str, body: str, pad: int, shown: str) -> Deck:
    """One chunk as a deck, or :class:`Fallback` at its first problem of any kind.

    This is :func:`quiz.deckio.parse` without the alias-bomb walk: ``split`` has made
    sure the text has no anchors, so it has no aliases. The chunk is composed and read a
    piece at a time (see :data:`PIECE_CHARS`), each piece after the text before ``cards:``,
    with one reader, as :func:`_read_by_chunks` reads chunks.
    """
    reader = Reader(shown, pad)
    first: Deck | None = None
    cards: list[AnyCard] = []
    tags: dict[str, str] = {}
    for start, end, lines in _pieces(body):
        root = _compose(head + body[start:end], shown, tags)  # the reader adds the lines above the piece
        if root is None:
            raise Fallback
        reader.lines = pad + lines
        if first is None:
            first = read_deck(reader, root)
            if first is None:
                raise Fallback
            cards.extend(first.cards)
        else:
            field = _cards_field(root)
            if field is None:
                raise Fallback
            cards.extend(read_cards(reader, field, first.grading))
        if reader.problems:
            raise Fallback
        reader.merged.clear()  # the ids of a freed tree's nodes may come back in the next one
    if first is None:
        raise Fallback
    if any(c.variant_of or getattr(c, "distractors", "") for c in cards):
        raise Fallback  # reversed answers and drawn choices need every card's answer, not one chunk's
    return replace(first, cards=tuple(cards))


def _parse_chunked(
    text: str,
    shown: str,
    digest: str,
    workers: int,
    work: Callable[[Deck], T],
    keep_cards: bool = True,
    progress: Progress | None = None,
) -> tuple[Deck, list[T]]:
    deck, parts = _chunked(text, shown, digest, workers, work, keep_cards, progress)
    return deck, [done for _, _, done in parts]


def chunk_key(head_key: bytes, body: str) -> str:
    """What a chunk's cards depend on: the SHA-256 of the text before ``cards:`` (its digest,
    ``head_key``) and of the chunk's own text. Where the chunk starts is not part of it."""
    return hashlib.sha256(head_key + body.encode("utf-8", "surrogatepass")).hexdigest()


def parse_keyed(
    text: str,
    shown: str,
    digest: str,
    work: Callable[[Deck], T],
    known: Known[T] | None = None,
    *,
    workers: int = 2,
    progress: Progress | None = None,
) -> tuple[Deck, list[tuple[str, int, T]]]:
    """The deck in ``text`` without its cards, and for each chunk in file order its key (see
    :func:`chunk_key`), how many lines come between the text before ``cards:`` and the chunk,
    and what ``work`` made of its cards; ``[]`` for a file read whole (its cards then in the
    deck). ``known(keys, lines)``, if given, names the chunks whose results are already at hand
    (a deck cache from before an edit), with their cards' ids: only the others are parsed.
    """
    if len(text) < MIN_FAST_BYTES and len(text.encode()) < MIN_FAST_BYTES:
        return parse(text, shown, digest), []
    with no_gc():
        try:
            return _chunked(text, shown, digest, workers, work, False, progress, known)
        except Fallback:
            pass
        deck = _read_whole(text, shown, digest, progress)
        if progress is not None:
            progress(1, 1)
        return deck, []


def _chunked(
    text: str,
    shown: str,
    digest: str,
    workers: int,
    work: Callable[[Deck], T],
    keep_cards: bool = True,
    progress: Progress | None = None,
    known: Known[T] | None = None,
) -> tuple[Deck, list[tuple[str, int, T]]]:
    head, chunks, no_strays = split(text)
    head_key = hashlib.sha256(head.encode("utf-8", "surrogatepass")).digest()
    keys: list[str] = []
    reused: dict[int, tuple[tuple[str, ...], T]] = {}
    if known is not None:
        keys = [chunk_key(head_key, text[start:end]) for start, end, _ in chunks]
        reused = known(keys, [pad for _, _, pad in chunks])
    todo = [i for i in range(len(chunks)) if i not in reused] or [0]  # one parsed for the deck's fields
    reused.pop(todo[0], None)

    def part(n: int) -> tuple[Deck, tuple[str, ...], T, str]:
        start, end, pad = chunks[todo[n]]
        body = text[start:end]
        deck = replace(_parse_chunk(head, body, pad, shown), path=shown, content_hash=digest)
        done = work(deck)
        ids = tuple(c.id for c in deck.cards)
        if not keep_cards:  # only the ids travel on, for the check of ids repeated across parts
            deck = replace(deck, cards=())
        return deck, ids, done, keys[todo[n]] if keys else chunk_key(head_key, body)

    if workers < 2 or len(todo) < 2 or not forked.can_fork():
        no_strays()
        parsed = []
        for n in range(len(todo)):
            if progress is not None:
                progress(n, len(todo))
            parsed.append(part(n))
    else:
        parsed = _parse_shared(len(todo), part, no_strays, progress)
    if progress is not None:
        progress(len(todo), len(todo))
    got = {i: (ids, done, key) for i, (_, ids, done, key) in zip(todo, parsed, strict=True)}
    got.update((i, (ids, done, keys[i])) for i, (ids, done) in reused.items())
    seen: set[str] = set()
    for i in range(len(chunks)):
        for card_id in got[i][0]:
            if card_id in seen:
                raise Fallback  # the loader words duplicate ids itself
            seen.add(card_id)
    cards = [card for deck, *_ in parsed for card in deck.cards]
    return replace(parsed[0][0], cards=tuple(cards)), [
        (got[i][2], chunks[i][2], got[i][1]) for i in range(len(chunks))
    ]


def _parse_shared(
    count: int, part: Callable[[int], P], first: Callable[[], None], progress: Progress | None = None
) -> list[P]:
    """``part(i)`` for each of ``count`` chunks, in file order, done by this process and a forked
    child together; this process runs ``first`` (which may raise :class:`Fallback`) once the
    child has started.

    The chunks are shared out as they go: each chunk's number is a token in a pipe, and
    whichever process reads a token parses that chunk (a read of 4 bytes from a pipe is
    never split between readers), so both finish within about one chunk of each other
    however busy either core is. The child pickles each of its chunks as soon as it is
    parsed, while this process is still parsing, and sends them all at the end.

    The tokens are read in order, so when this process claims chunk ``i`` every chunk before it
    has been claimed by one process or the other: ``progress(i, count)`` says how far both are.
    """
    tokens_in, tokens_out = os.pipe()
    os.write(tokens_out, b"".join(i.to_bytes(4, "little") for i in range(count)))
    os.close(tokens_out)  # no more tokens: an empty read means every chunk is claimed

    def claim() -> Iterator[int]:
        while token := os.read(tokens_in, 4):
            yield int.from_bytes(token, "little")

    def theirs() -> list[tuple[int, bytes]] | None:
        done = []
        try:
            for i in claim():
                done.append((i, pickle.dumps(part(i), protocol=pickle.HIGHEST_PROTOCOL)))
        except Fallback:
            return None
        return done

    collect = forked.start(theirs)
    parsed: dict[int, P] = {}
    try:
        first()
        for i in claim():
            if progress is not None:
                progress(i, count)
            parsed[i] = part(i)
    except BaseException:  # Fallback, or an interrupt: the child should stop soon too
        for _ in claim():  # leave the child nothing more to parse
            pass
        raise
    finally:
        done = collect()
        os.close(tokens_in)
    if done is None:
        raise Fallback
    done.reverse()
    while done:  # each blob let go once read back, not all kept until the last is
        i, blob = done.pop()
        # Our own child pickled these a moment ago and sent them through a private pipe.
        parsed[i] = pickle.loads(blob)
    return [parsed[i] for i in range(count)]
