"""Counting in words: ``1 card``, ``2 cards`` (one rule for every message that counts)."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, the word plural (with ``s``) unless ``n`` is 1: ``1 card``, ``2 cards``."""
    return f"{n} {word}{'' if n == 1 else 's'}"
