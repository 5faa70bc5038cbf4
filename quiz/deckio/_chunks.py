"""Cutting a large deck's text at its cards into chunks that parse on their own.

:func:`split` gives the text before ``cards:`` and the card chunks; a layout it does not fully
understand (anchors, tabs, unusual line breaks, keys after ``cards:``) raises :class:`Fallback`,
and the whole file goes through the ordinary loader instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._yaml import has_anchor

#: Roughly how much YAML text one chunk holds (about 1,500 generated cards): small enough that
#: the two processes finish within a chunk of each other.
CHUNK_BYTES = 256 * 1024
#: At most this many chunks (larger ones in a larger file): each is claimed by a 4-byte token
#: written into a pipe at once, which must fit in the pipe's buffer.
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

    item = re.compile(rf" {{{k}}}-(?:[ ]|\r?\n)")
    size = max(CHUNK_BYTES, len(text) // MAX_CHUNKS + 1)
    starts = [head_end]
    target = head_end + size
    while target < len(text):
        at = text.find("\n" + indent + "-", target)
        while at != -1 and not item.match(text, at + 1):
            at = text.find("\n" + indent + "-", at + 1)
        if at == -1:
            break
        starts.append(at + 1)
        target = at + 1 + size
    bounds = [*starts[1:], len(text)]
    head_lines = head.count("\n")
    chunks = []
    line = head_lines
    previous = head_end
    for start, end in zip(starts, bounds, strict=True):
        line += text.count("\n", previous, start)
        previous = start
        chunks.append((start, end, line - head_lines))
    return head, chunks, no_strays
