"""Normalising typed text and keys: invisible characters, Unicode form, case, accents, punctuation,
spacing, leading articles (docs/grading.md, Normalisation)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Literal

from quiz.model import Policy

# ---------------------------------------------------------------------------------------------
# Normalisation


class _Table(dict[int, "str | None"]):
    """A str.translate table that computes (and remembers) each character's mapping on first use."""

    def __init__(self, fn: Callable[[str], str | None]) -> None:
        super().__init__()
        self._fn = fn

    def __missing__(self, code: int) -> str | None:
        value = self._fn(chr(code))
        self[code] = value
        return value


# Invisible characters that never carry meaning in an answer: bidi controls, zero-width space,
# soft hyphen, byte-order mark. ZWJ/ZWNJ (U+200C/D) are kept: emoji sequences and Persian need them.
_INVISIBLE = frozenset("\u00ad\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def _clean_char(c: str) -> str | None:
    if c in _INVISIBLE:
        return ""
    cat = unicodedata.category(c)
    if cat == "Cs":  # a lone surrogate cannot be typed on purpose
        return ""
    if cat == "Cc" and not c.isspace():
        return ""
    return c


CLEAN = _Table(_clean_char)

# Apostrophes and full stops vanish ("don't" = "dont", "U.S." = "US"); other punctuation separates words.
_VANISH = frozenset("'’‘ʼʻ`´.·")


def _punct_char(c: str) -> str | None:
    cat = unicodedata.category(c)
    if c in _VANISH:
        return ""
    if cat[0] == "P" or cat == "Sk":
        return " "
    return c


_PUNCT = _Table(_punct_char)

# Combining marks that are accents: the generic diacritics blocks, Hebrew points, Arabic harakat.
# Marks that make a different letter elsewhere (kana voicing, Indic vowel signs) are kept.
_ACCENT_RANGES = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
    (0x0591, 0x05C7),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
)
# Letters that carry an "accent" but do not decompose.
_LETTERS = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "þ": "th", "Þ": "TH",
    "ð": "d", "Ð": "D", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T",
}  # fmt: skip


def _accent_char(c: str) -> str | None:
    if c in _LETTERS:
        return _LETTERS[c]
    code = ord(c)
    for lo, hi in _ACCENT_RANGES:
        if lo <= code <= hi:
            return ""
    return c


_ACCENTS = _Table(_accent_char)

# Leading articles, and the prepositions people put before a place ("in Bern", "from Syria").
_ARTICLES_CI = re.compile(r"^(\s*)(?:(?:a|an|the|in|at|from|on)\s+)+(?=\S)", re.IGNORECASE)
PREPOSITIONS = frozenset(["in", "at", "from", "on"])
_ASCII_PUNCT = {ord(c): _punct_char(c) for c in map(chr, range(128)) if _punct_char(c) != c}
_ASCII_CLEAN = {ord(c): "" for c in map(chr, range(128)) if _clean_char(c) == ""}


def _strip_articles(text: str) -> str:
    # Drop leading articles, repeated ones too (so normalising twice changes nothing), never the last word.
    # The pattern is anchored, so its one possible match is at the start: what ``sub(r"\1", text,
    # count=1)`` gives, without expanding a template on every call (half of a normalisation's time).
    found = _ARTICLES_CI.match(text)
    return text if found is None else found.group(1) + text[found.end() :]


def _one_pass(text: str, policy: Policy) -> str:
    if text.isascii():
        text = text.translate(_ASCII_CLEAN)
        if policy.case == "insensitive":
            text = text.lower()
        if policy.punctuation == "ignore":
            text = text.translate(_ASCII_PUNCT)
    else:
        text = text.translate(CLEAN)
        form: Literal["NFKC", "NFC"] = "NFKC" if policy.unicode == "nfkc" else "NFC"
        text = unicodedata.normalize(form, text)
        if policy.case == "insensitive":
            text = unicodedata.normalize(form, text.casefold())
        if policy.accents == "insensitive":
            text = unicodedata.normalize("NFD", text).translate(_ACCENTS)
            text = unicodedata.normalize(form, text)
        if policy.punctuation == "ignore":
            text = text.translate(_PUNCT)
    if policy.whitespace == "collapse":
        text = " ".join(text.split())
    if policy.articles == "ignore":
        text = _strip_articles(text)
    return text


@functools.lru_cache(maxsize=65536)
def _normalize_cached(text: str, policy: Policy) -> str:
    return _normalize_uncached(text, policy)


def _normalize_uncached(text: str, policy: Policy) -> str:
    out = _one_pass(text, policy)
    if out.isascii():
        return out
    # Case folding and accent stripping can produce text that normalises further; repeat to a fixed point.
    for _ in range(4):
        again = _one_pass(out, policy)
        if again == out:
            break
        out = again
    return out


def normalize(text: str, policy: Policy) -> str:
    """``text`` as compared under ``policy`` (idempotent: normalising twice changes nothing)."""
    if len(text) <= 256:
        return _normalize_cached(text, policy)
    return _normalize_uncached(text, policy)


# Words people put before a number or a date they are sure of ("over 7", "early 2014").
_HEDGE_RE = re.compile(
    r"^(?:(?:about|around|approximately|approx\.?|roughly|nearly|almost|some|circa|ca\.|c\.|~"
    r"|over|more than|in|on|early-?|late-?|mid-?|(?:the\s+)?(?:start|beginning|end)\s+of)"
    r"(?:\s+|(?<=[-.~])))+",
)


def unhedged(s: str) -> str:
    return _HEDGE_RE.sub("", s, count=1) if s[:1].isalpha() or s[:1] == "~" else s
