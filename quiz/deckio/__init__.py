"""Decks in and out of YAML. :func:`load` is the one way in: small files are parsed here, large
ones in two processes, and with a cache folder a compiled copy is used while the file is unchanged;
every way gives the same deck and the same ``file:line:col`` problems.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from quiz.files import DECK_SUFFIXES
from quiz.model import Deck

from . import _cache, _parallel
from ._cards import content_id
from ._file import MAX_BYTES, read_bytes
from ._gc import gc_held
from ._parse import DECK_ID_RE, parse
from .locate import (
    bundled_dir,
    data_path,
    deck_files,
    expand_paths,
    resolve,
    schema_path,
    search_dirs,
)
from .writer import deck_from_dict, deck_to_dict, to_yaml

T = TypeVar("T")

__all__ = [
    "DECK_ID_RE",
    "DECK_SUFFIXES",
    "MAX_BYTES",
    "bundled_dir",
    "content_id",
    "data_path",
    "deck_files",
    "deck_from_dict",
    "deck_to_dict",
    "expand_paths",
    "gc_held",
    "load",
    "load_parts",
    "load_ref",
    "parse",
    "read_bytes",
    "resolve",
    "schema_path",
    "search_dirs",
    "to_yaml",
]


def load(
    path: str | Path, cache_dir: Path | None = None, progress: Callable[[int, int], None] | None = None
) -> Deck:
    """Load one deck file; :class:`DeckError` lists every problem in it.

    With ``cache_dir``, a large deck is kept compiled there and read back while the file's content
    is unchanged (always the same result as without). ``progress(done, total)``, if given, is
    told how many parts of a large file have been parsed (not called for a small file or the cache).
    """
    if cache_dir is not None:
        return _cache.load_cached(Path(path), cache_dir, progress)
    text, digest = _parallel.read_text(path)  # the bytes let go before parsing
    return _parallel.parse_bytes(text, str(path), digest, progress=progress)


def load_parts(
    path: str | Path,
    work: Callable[[Deck], T],
    *,
    keep_cards: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Deck, list[T]]:
    """Load one deck file as :func:`load` does, and run ``work`` on each part of it, in file order.

    A part is a deck with the file's metadata and a run of its cards; together the parts hold every
    card once. ``work`` runs in whichever process parsed the part (both cores work on a large deck);
    what it returns must pickle. With ``keep_cards`` False the cards of a large deck may be
    dropped once ``work`` has seen them (the deck returned then has none): for a caller that
    needs only what ``work`` found, in less memory and time. ``progress(done, total)``, if given,
    is told how many parts are done (a deck that is one part: 0 of 1, then 1 of 1).
    """
    return _parallel.load_parts(path, work, keep_cards=keep_cards, progress=progress)


def load_ref(
    ref: str, cache_dir: Path | None = None, progress: Callable[[int, int], None] | None = None
) -> Deck:
    """Load the deck a ``DECK`` argument names (a path, or the id of a deck ``quiz list`` shows)."""
    return load(resolve(ref), cache_dir, progress)
