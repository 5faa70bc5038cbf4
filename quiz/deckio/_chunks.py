"""Cutting a large deck's text at its cards into chunks that parse on their own.

:func:`split` gives the text before ``cards:`` and the card chunks; a layout it does not fully
understand (anchors, tabs, unusual line breaks, keys after ``cards:``) raises :class:`Fallback`,
and the whole file goes through the ordinary loader instead.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable

from ._yaml import has_anchor

#: Roughly how much YAML text one chunk holds on average (about 1,500 generated cards; at least half
#: of it): small enough that the two processes finish within a chunk of each other.
CHUNK_BYTES = 256 * 1024
#: At most this many chunks (larger ones in a larger file): each is claimed by a 4-byte token
#: written into a pipe at once, which must fit in the pipe's buffer (a chunk is at least half of
#: its size, so at most half as many average ones).
MAX_CHUNKS = 1024
#: Line breaks YAML knows besides ``\n`` (and ``\r\n``); a file with any is not cut.
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
#: The top-level ``cards:`` key, alone on its line.
_CARDS_KEY = re.compile(r"^cards[ \t]*:[ \t]*(?:#.*)?\n", re.MULTILINE)


class Fallback(Exception):
    """The fast path declines; the file goes through the ordinary loader."""


def _cards_key(text: str) -> int:
    """Where the line after the one top-level ``cards:`` key starts; :class:`Fallback` if unclear."""
    found = []
    at = 0 if text.startswith("cards") else text.find("\ncards")
    while at != -1:
        start = at + 1 if text[at] == "\n" else at
        m = _CARDS_KEY.match(text, start)
        if m:
            found.append(m.end())
        at = text.find("\ncards", at + 1)
    if len(found) != 1:
        raise Fallback
    return found[0]


def split(text: str) -> tuple[str, list[tuple[int, int, int]], Callable[[], None]]:
    """The text up to ``cards:``, the card chunks as (start, end, line offset), and a check to run
    before the chunks are trusted (it raises :class:`Fallback` for a line after ``cards:`` that
    is not inside a card: a key after the cards, a document marker, odd indentation).

    The check reads every line, so it is handed back to be run while the other process parses.
    """
    if "\t" in text or any(ch in text for ch in "\x85\u2028\u2029"):
        raise Fallback
    if "\r" in text and _ODD_BREAKS.search(text):
        raise Fallback
    if has_anchor(text):
        raise Fallback
    head_end = _cards_key(text)
    head = text[:head_end]
    first = re.compile(r"(?:[ ]*(?:#.*)?\n)*([ ]*)-(?:[ ]|\n)").match(text, head_end)
    if first is None:
        raise Fallback
    indent = first.group(1)
    k = len(indent)
    # A line break, then a line that starts less indented than the items, or as indented but
    # not with an item's '- ' (the literal '\n' first lets the search skip to each line break).
    shallow = f" {{0,{k - 1}}}[^ \r\n#]|" if k else ""
    stray = re.compile(rf"\n(?:{shallow} {{{k}}}(?:[^ \r\n#-]|-[^ \r\n]))")

    def no_strays() -> None:
        if stray.search(text, head_end - 1):  # from the line break that ends 'cards:'
            raise Fallback

    size = max(CHUNK_BYTES, len(text) // (MAX_CHUNKS // 2) + 1)
    return head, _spans(text, head, _cuts(text, head_end, indent, size)), no_strays


def _cuts(text: str, head_end: int, indent: str, size: int) -> list[int]:
    """Where the chunks start: at card items, at least half of ``size`` apart, most of them about
    ``size`` apart, at most four times.

    A chunk ends at the first card after its first half whose first bytes hash to a multiple of
    ``every`` (one card in about half a chunk's worth), or after its first ``size`` characters
    to a multiple of ``every / 8``. Where a chunk ends depends on the cards around that place, not
    on the length of the text before it, so after an edit the chunks fall back into step with
    those of the cache within a chunk or two (with chunks cut every ``size`` characters, an edit
    that moved one cut would move all those after it).
    """
    items = re.compile(rf"\n{indent}-(?:[ ]|\r?\n)")
    sample = text[head_end : head_end + 4 * size]
    per_card = len(sample) / (len(items.findall(sample)) + 1)
    every = 1 << max(0, round(math.log2(size / 2 / per_card))) if size / 2 > per_card else 1
    strict, loose = every - 1, max(1, every // 8) - 1
    starts = [head_end]
    cut = True
    while cut:
        cut = False
        for m in items.finditer(text, starts[-1] + size // 2 - 1):
            at = m.start() + 1
            mask = strict if at < starts[-1] + size else loose
            if zlib.crc32(text[at : at + 64].encode("utf-8", "surrogatepass")) & mask == 0 or (
                at >= starts[-1] + 4 * size
            ):
                starts.append(at)
                cut = True
                break
    return starts


def _spans(text: str, head: str, starts: list[int]) -> list[tuple[int, int, int]]:
    """The chunks from where they start: (start, end, lines between the head and the start)."""
    bounds = [*starts[1:], len(text)]
    head_lines = head.count("\n")
    chunks = []
    line = head_lines
    previous = len(head)
    for start, end in zip(starts, bounds, strict=True):
        line += text.count("\n", previous, start)
        previous = start
        chunks.append((start, end, line - head_lines))
    return chunks
