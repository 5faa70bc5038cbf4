"""Grading: normalise a typed answer and compare it with a card's key → a Verdict. Pure.

Every rule is described for learners and authors in docs/grading.md.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz.distance import OSA

from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    PartialDate,
    Policy,
    ShortCard,
    Verdict,
)
from quiz.model.cloze import gaps

__all__ = ["grade", "normalize", "parse_date", "parse_number", "typo_budget"]

# Longer input than this (plus four times the answer's length) is wrong without being read.
MAX_EXTRA_CHARS = 5000

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


_CLEAN = _Table(_clean_char)

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
_PREPOSITIONS = frozenset(["in", "at", "from", "on"])
_ASCII_PUNCT = {ord(c): _punct_char(c) for c in map(chr, range(128)) if _punct_char(c) != c}
_ASCII_CLEAN = {ord(c): "" for c in map(chr, range(128)) if _clean_char(c) == ""}


def _strip_articles(text: str) -> str:
    # Drop leading articles, repeated ones too (so normalising twice changes nothing), never the last word.
    return _ARTICLES_CI.sub(r"\1", text, count=1)


def _one_pass(text: str, policy: Policy) -> str:
    if text.isascii():
        text = text.translate(_ASCII_CLEAN)
        if policy.case == "insensitive":
            text = text.lower()
        if policy.punctuation == "ignore":
            text = text.translate(_ASCII_PUNCT)
    else:
        text = text.translate(_CLEAN)
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


def typo_budget(key: str, policy: Policy) -> int:
    """How many edits a typed answer may differ from the normalised ``key`` by."""
    if policy.typos == "off":
        return 0
    n = len(key)
    auto = 0 if n <= 4 else 1 if n <= 8 else 2 if n <= 15 else 3
    if isinstance(policy.typos, int):
        return max(0, min(policy.typos, auto))
    return auto


# Words a typo must never turn into one another (word-level opposites), see docs/grading.md, Typos.
_NEGATIONS = ("un", "in", "im", "il", "ir", "non", "dis", "de", "anti")
_OPPOSITE_PREFIXES = (
    ("hypo", "hyper"), ("micro", "macro"), ("inter", "intra"), ("pre", "post"), ("sub", "super"),
    ("over", "under"), *(("", p) for p in _NEGATIONS),
)  # fmt: skip
_DIRECTIONS = frozenset(
    ["north", "south", "east", "west", "northern", "southern", "eastern", "western", "upper", "lower"]
)
_ROMAN = re.compile(r"(?=[ivxlcdm])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
# Words that may be left out or added without changing the answer (with any word of one or two letters).
_SMALL_WORDS = frozenset(["the", "and", "for", "von", "van", "der", "den", "del", "les"])
# ... except these, which change it.
_MEANINGFUL_SMALL = frozenset(["no", "not", "non", "un", "ex"])
# Parts of a name that never tell two people apart in a quiz answer.
_NAME_SUFFIXES = frozenset(["jr", "sr"])


def _fixed_word(w: str) -> bool:
    """A word no edit may touch: it holds a digit or is a Roman numeral."""
    return any(c.isdigit() for c in w) or _ROMAN.fullmatch(w) is not None


def _heads(a: str, b: str) -> tuple[str, str]:
    """``a`` and ``b`` without their longest common ending."""
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return a[: len(a) - n], b[: len(b) - n]


# Two words are the same word with opposite prefixes exactly when, their common ending cut off,
# what is left is one of these pairs.
_OPPOSITE_HEADS = frozenset(h for p, q in _OPPOSITE_PREFIXES for h in (_heads(p, q), _heads(q, p)))


def _opposites(a: str, b: str) -> bool:
    """``a`` and ``b`` are the same word with opposite prefixes, or two different direction words."""
    if a in _DIRECTIONS and b in _DIRECTIONS:
        return True
    return a != b and _heads(a, b) in _OPPOSITE_HEADS


def _word_edits(typed: str, key: str, policy: Policy) -> int | None:
    """Edits between two words when within the key word's own budget; None when not a typo."""
    if typed == key:
        return 0
    a, b = typed.casefold(), key.casefold()
    if _fixed_word(a) or _fixed_word(b) or _opposites(a, b):
        return None
    budget = typo_budget(key, policy)
    d = OSA.distance(typed, key, score_cutoff=budget)
    return d if d <= budget else None


def _droppable(word: str) -> bool:
    w = word.casefold()
    if w in _MEANINGFUL_SMALL or _fixed_word(w):
        return False
    return len(w) <= 2 or w in _SMALL_WORDS


@dataclass(frozen=True)
class _Typo:
    distance: int
    dropped: tuple[str, ...] = ()  # key words the typed text leaves out
    added: tuple[str, ...] = ()  # words the typed text adds


def _typo_match(typed: str, key: str, budget: int, policy: Policy) -> _Typo | None:
    """How ``typed`` is a misspelling of ``key`` within ``budget`` (per word too), or None."""
    # A key word left out (three letters and a space at most), or an added name suffix ('jr'), is named,
    # not spent from the budget.
    slack = 4 * abs(key.count(" ") - typed.count(" "))
    d = OSA.distance(typed, key, score_cutoff=budget + slack)
    if d > budget + slack:
        return None
    if " " not in typed and " " not in key and typed.isalpha() and key.isalpha():
        a, b = typed.casefold(), key.casefold()  # one word each: the whole-text budget is the word's
        return None if _ROMAN.fullmatch(a) or _ROMAN.fullmatch(b) or _opposites(a, b) else _Typo(d)
    tw, kw = typed.split(), key.split()
    if len(tw) == len(kw):
        total = 0
        for t, k in zip(tw, kw, strict=True):
            e = _word_edits(t, k, policy)
            if e is None:
                return None
            total += e
        return _Typo(d) if total <= budget else None
    import difflib

    dropped: list[str] = []
    added: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, kw, tw, autojunk=False).get_opcodes():
        if op == "delete" or op == "insert":
            words = kw[i1:i2] if op == "delete" else tw[j1:j2]
            # An added single letter is an initial (Valery V. Gerasimov); a left-out numeral never is.
            if not all(_droppable(w) or (op == "insert" and len(w) == 1 and w.isalpha()) for w in words):
                return None
            (dropped if op == "delete" else added).extend(words)
        elif op == "replace":
            if i2 - i1 == j2 - j1:
                if any(_word_edits(t, k, policy) is None for t, k in zip(tw[j1:j2], kw[i1:i2], strict=True)):
                    return None
            elif _word_edits("".join(tw[j1:j2]), "".join(kw[i1:i2]), policy) is None:
                return None  # words run together or split apart, with at most the joined word's typos
    if d - sum(len(w) + 1 for w in (*dropped, *(w for w in added if w in _NAME_SUFFIXES))) > budget:
        return None
    return _Typo(d, tuple(dropped), tuple(added))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---------------------------------------------------------------------------------------------
# Matching a text against candidates, with typo tolerance that never lands on a wrong answer


@dataclass(frozen=True)
class _Hit:
    group: int  # which meaning (an answer, a choice, an item)
    index: int  # which candidate text matched
    distance: int  # 0: equal after normalisation
    dropped: tuple[str, ...] = ()  # small words of the key left out
    added: tuple[str, ...] = ()  # small words typed in addition


def _literal_key(text: str) -> str:
    """How the deck loader tells choices apart: spacing collapsed, case folded."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class _Matcher:
    """Normalised candidate texts, each with a meaning (group) and a typo budget, plus wrong texts."""

    texts: tuple[str, ...]
    groups: tuple[int, ...]
    budgets: tuple[int, ...]
    wrong: tuple[str, ...]
    exact: dict[str, int]  # normalised text → candidate index (-1: texts of two meanings collide)
    wrong_set: frozenset[str]
    literal: dict[str, int]  # the text as written (spacing collapsed, case folded) → candidate index
    policy: Policy

    @staticmethod
    def build(
        texts: Sequence[str], groups: Sequence[int], wrong: Sequence[str], policy: Policy, typos: bool = True
    ) -> _Matcher:
        norm = tuple(normalize(t, policy) for t in texts)
        exact: dict[str, int] = {}
        for i, n in enumerate(norm):
            if n in exact and groups[exact[n]] != groups[i]:
                exact[n] = -1
            elif n not in exact:
                exact[n] = i
        wrong_n = tuple(
            dict.fromkeys(w for w in (normalize(x, policy) for x in wrong) if w and w not in exact)
        )
        budgets = tuple(typo_budget(n, policy) if typos else 0 for n in norm)
        literal = {_literal_key(t): i for i, t in reversed(list(enumerate(texts)))}
        return _Matcher(norm, tuple(groups), budgets, wrong_n, exact, frozenset(wrong_n), literal, policy)

    def find(self, typed_norm: str, allowed: frozenset[int] | None = None) -> _Hit | None:
        """The meaning ``typed_norm`` stands for; typo matches only in ``allowed`` groups (None: any)."""
        i = self.exact.get(typed_norm)
        if i is not None:
            return _Hit(self.groups[i], i, 0) if i >= 0 else None
        if typed_norm in self.wrong_set or not typed_norm:
            return None
        best: _Hit | None = None
        tie = False
        for i, (text, budget) in enumerate(zip(self.texts, self.budgets, strict=True)):
            if budget <= 0 or (allowed is not None and self.groups[i] not in allowed):
                continue
            cutoff = budget if best is None else min(budget, best.distance)
            m = _typo_match(typed_norm, text, cutoff, self.policy)
            if m is None:
                continue
            d = m.distance
            if best is None or d < best.distance:
                best, tie = _Hit(self.groups[i], i, d, m.dropped, m.added), False
            elif d == best.distance and self.groups[i] != best.group:
                tie = True
        if best is None or tie:
            return None
        # Refuse when another meaning or a known-wrong answer is at least as close as the match.
        for i, text in enumerate(self.texts):
            if self.groups[i] != best.group and (
                OSA.distance(typed_norm, text, score_cutoff=best.distance) <= best.distance
            ):
                return None
        for text in self.wrong:
            if OSA.distance(typed_norm, text, score_cutoff=best.distance) <= best.distance:
                return None
        if " " in typed_norm and self.wrong_set:
            # A misspelt word that is itself a known-wrong answer ('Valery Gerasimova') is that answer.
            key_words = self.texts[best.index].split()
            if any(w in self.wrong_set for w in typed_norm.split() if w not in key_words):
                return None
        return best


_STRICTER = (
    {"punctuation": "keep"},
    {"articles": "keep"},
    {"accents": "sensitive"},
    {"case": "sensitive"},
    {"unicode": "nfc"},
    {"whitespace": "keep"},
)


def _distinct_policy(texts: Sequence[str], policy: Policy) -> Policy:
    """``policy``, made stricter step by step until no text normalises to nothing or to another's form."""
    for change in ((), *_STRICTER):
        if change:
            policy = replace(policy, **change)  # type: ignore[arg-type]
        norm = [normalize(t, policy) for t in texts]
        if all(norm) and len(set(norm)) == len(norm):
            return policy
    return policy


# ---------------------------------------------------------------------------------------------
# Parsing numbers, booleans, labels, dates

_TRUE = frozenset({"t", "true", "yes", "y", "1", "correct", "right", "yep", "yeah", "yup"})
_FALSE = frozenset({"f", "false", "no", "n", "0", "incorrect", "wrong", "nope", "nah", "not true", "untrue"})

_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_SCALES = {"k": 1e3, "thousand": 1e3, "million": 1e6, "bn": 1e9, "billion": 1e9, "trillion": 1e12}
_SPACES = "\u00a0\u202f\u2009\u2007 "
_NUM_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")


# Words people put before a number or a date they are sure of ("over 7", "early 2014").
_HEDGE_RE = re.compile(
    r"^(?:(?:about|around|approximately|approx\.?|roughly|nearly|almost|some|circa|ca\.|c\.|~"
    r"|over|more than|in|on|early-?|late-?|mid-?|(?:the\s+)?(?:start|beginning|end)\s+of)"
    r"(?:\s+|(?<=[-.~])))+",
)


def _unhedged(s: str) -> str:
    return _HEDGE_RE.sub("", s, count=1) if s[:1].isalpha() or s[:1] == "~" else s


# The minus sign, en dash and figure dash are typed for a minus.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})
_PERCENT_RE = re.compile(r"\s*(?:percent|per\s+cent)$")
# Words that say the value is something else: "under 3" is not a value.
_BOUND_RE = re.compile(r"(?:under|below|less than|fewer than|at most|up to)\s+\S")


def _singular(unit: str) -> str:
    """``years`` -> ``year``, ``countries`` -> ``country``; '' when ``unit`` is not an English plural."""
    if len(unit) > 3 and unit.endswith("ies"):
        return unit[:-3] + "y"
    if len(unit) > 2 and unit.endswith("s") and not unit.endswith("ss") and unit[-2].isalpha():
        return unit[:-1]
    return ""


def parse_number(text: str, unit: str = "") -> float | None:
    """A typed number (``1,200``, ``1.200,5``, ``1.2e3``, ``1.2k``, ``seven``, ``about 7``), unit optional."""
    s = _unhedged(text.strip().casefold().translate(_MINUS).rstrip(".! "))
    if len(s) > 100:
        return None
    u = unit.strip().casefold()
    if u == "%":
        s = _PERCENT_RE.sub("%", s)
    if u:
        for form in (u, _singular(u)):
            if form and s.endswith(form):
                s = s[: -len(form)].strip()
                break
            if form and s.startswith(form):
                s = s[len(form) :].strip()
                break
    if s in _WORDS:
        return float(_WORDS[s])
    scale = 1.0
    for word, factor in _SCALES.items():
        if s.endswith(word) and s[: -len(word)].strip()[-1:].isdigit():
            s, scale = s[: -len(word)].strip(), factor
            break
    for ch in _SPACES + "_'’":
        if ch in s:
            # Spaces, underscores and apostrophes only ever group thousands.
            if not re.fullmatch(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009\u2007_'’]\d{3})+(?:[.,]\d+)?", s):
                return None
            s = re.sub(r"[ \u00a0\u202f\u2009\u2007_'’]", "", s)
            break
    plain = _decimal_marks(s)
    if plain is None or not _NUM_RE.fullmatch(plain):
        return None
    try:
        value = float(plain) * scale
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _decimal_marks(s: str) -> str | None:
    """Resolve ',' and '.' into a plain decimal point (see docs/grading.md, Numbers)."""
    if "," not in s:
        if s.count(".") > 1:  # 1.200.000: dots group thousands
            return s.replace(".", "") if re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+", s) else None
        return s
    if "." in s:
        if s.rfind(",") > s.rfind("."):  # 1.200,5
            if not re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+", s):
                return None
            return s.replace(".", "").replace(",", ".")
        if not re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+\.\d*(?:e[+-]?\d+)?", s):  # 1,200.5
            return None
        return s.replace(",", "")
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+", s):  # 1,200 and 1,200,000: commas group thousands
        return s.replace(",", "")
    if re.fullmatch(r"[+-]?\d+,\d+", s):  # 1,5 and 3,14159: a decimal comma
        return s.replace(",", ".")
    return None


def parse_bool(text: str) -> bool | None:
    """``True``/``False`` for a typed yes/no answer, None if it is neither."""
    s = " ".join(text.strip().strip(".!").casefold().split())
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    if 3 <= len(s) <= 6:  # one slip in 'true' or 'false' ('ture', 'flase'): they are 4 edits apart
        from rapidfuzz.distance import OSA

        for word, value in (("true", True), ("false", False)):
            if OSA.distance(s, word, score_cutoff=1) <= 1:
                return value
    return None


_LABEL_RE = re.compile(r"\(?\s*([a-z]|\d{1,3})\s*[).:]?")


def _label(token: str, count: int) -> tuple[int, str] | None:
    """(index, kind) for a letter ``b``, ``(b)``, ``B.`` or a number ``2``, ``2)`` within ``count``."""
    m = _LABEL_RE.fullmatch(token.strip().casefold())
    if not m:
        return None
    t = m.group(1)
    if t.isdigit():
        i = int(t) - 1
        return (i, "number") if 0 <= i < count else None
    i = ord(t) - ord("a")
    return (i, "letter") if i < count else None


def choice_label(token: str, count: int) -> int | None:
    """The 0-based position a letter (``b``, ``(b)``, ``B.``) or number (``2)``) names among ``count``."""
    found = _label(token, count)
    return None if found is None else found[0]


def _letter(i: int) -> str:
    return chr(ord("a") + i) if i < 26 else str(i + 1)


_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = frozenset(
    [
        "monday",
        "mon",
        "tuesday",
        "tue",
        "tues",
        "wednesday",
        "wed",
        "thursday",
        "thu",
        "thur",
        "thurs",
        "friday",
        "fri",
        "saturday",
        "sat",
        "sunday",
        "sun",
    ]
)


def _valid(y: int, m: int | None, d: int | None) -> PartialDate | None:
    try:
        datetime.date(y, m or 1, d or 1)
    except (ValueError, OverflowError):
        return None
    return PartialDate(y, m, d)


def _century(yy: int, near: int) -> int:
    """A two-digit year in the century that puts it closest to ``near``."""
    base = near - near % 100
    return min((base - 100 + yy, base + yy, base + 100 + yy), key=lambda y: (abs(y - near), y))


def parse_date(
    text: str, date_order: str = "mdy", near_year: int = 2000, precision: str = "day"
) -> PartialDate | None:
    """A typed date at the precision given, or None; the key's year and precision place short forms."""
    s = _unhedged(" ".join(text.strip().casefold().replace("’", "'").split()))
    if not s or len(s) > 100:
        return None
    if m := re.fullmatch(r"\d{1,4}", s):
        return _valid(int(s), None, None)
    if m := re.fullmatch(r"'(\d{2})", s):
        return _valid(_century(int(m[1]), near_year), None, None)
    if m := re.fullmatch(r"(\d{1,2})/(\d{2})", s):
        if precision == "month":  # 2/17 for a month key: February 2017
            return _valid(_century(int(m[2]), near_year), int(m[1]), None)
        a, b = int(m[1]), int(m[2])
        if date_order == "dmy" or a > 12:
            a, b = b, a
        return PartialDate(0) if _valid(2000, a, b) else None  # a month and a day: "give the year"
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", s):
        return _valid(int(m[1]), int(m[2]), None)
    if m := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", s):
        return _valid(int(m[2]), int(m[1]), None)
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", s):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})", s):
        a, b = int(m[1]), int(m[3])
        year = int(m[4]) if len(m[4]) == 4 else _century(int(m[4]), near_year)
        if a > 12 or (b <= 12 and (date_order == "dmy" or m[2] == ".")):  # dotted dates are day first
            return _valid(year, b, a)
        return _valid(year, a, b)
    words = _date_words(s, near_year)
    if words is not None:
        return words
    if not re.search(r"(?<!\d)\d{4}(?!\d)", s):
        return None
    return _date_dateutil(s, date_order)


def _month_word(t: str) -> int | None:
    """The month a word names: a name or abbreviation, or a full name with one typo (5 letters or more)."""
    if t in _MONTHS:
        return _MONTHS[t]
    if len(t) < 5 or not t.isalpha():
        return None
    near = {n for name, n in _MONTHS.items() if len(name) >= 4 and OSA.distance(t, name, score_cutoff=1) < 2}
    return near.pop() if len(near) == 1 else None


def _date_words(s: str, near_year: int = 2000) -> PartialDate | None:
    """``Feb 2017``, ``Dec. 18, 2019``, ``feb '17``, ``the 18th of December 2019``; None if not that shape."""
    tokens = re.sub(r"[,.]", " ", s).split()
    month: int | None = None
    numbers: list[str] = []
    short_year: str | None = None
    for t in tokens:
        if t in ("the", "of") or t in _WEEKDAYS:
            continue
        if month is None and (named := _month_word(t)) is not None:
            month = named
            continue
        if (m := re.fullmatch(r"'(\d{2})", t)) and short_year is None:
            short_year = m[1]
            continue
        m = re.fullmatch(r"(\d{1,4})(?:st|nd|rd|th)?", t)
        if m is None:
            return None
        numbers.append(m[1])
    if month is None:
        return None
    years = [n for n in numbers if len(n) >= 3]
    days = [n for n in numbers if len(n) <= 2]
    if short_year is not None:
        years.append(str(_century(int(short_year), near_year)))
    elif not years and len(days) == 2 and re.fullmatch(r"\d{2}", numbers[-1]):
        years = [str(_century(int(days.pop()), near_year))]  # Dec 7, 41: the last number is the year
    if len(years) != 1 or len(days) > 1:
        return PartialDate(0) if not years else None  # year 0: "give the year"
    if not days:
        return _valid(int(years[0]), month, None)
    return _valid(int(years[0]), month, int(days[0]))


def _date_dateutil(s: str, date_order: str) -> PartialDate | None:
    import warnings

    from dateutil import parser

    found: list[datetime.datetime] = []
    for default in (datetime.datetime(1904, 1, 1), datetime.datetime(1908, 2, 2)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found.append(parser.parse(s, default=default, dayfirst=date_order == "dmy", ignoretz=True))
        except Exception:  # dateutil raises ParserError, ValueError, OverflowError, TypeError
            return None
    a, b = found
    if a.year != b.year:
        return PartialDate(0)
    if a.month != b.month:
        return PartialDate(a.year)
    if a.day != b.day:
        return PartialDate(a.year, a.month)
    return PartialDate(a.year, a.month, a.day)


# ---------------------------------------------------------------------------------------------
# Per-card preparation (cached: a card is graded many times with the same policy)


def _split_examples(card: Card, reject: Sequence[str]) -> tuple[str, ...]:
    return (*reject, *(e.text for e in card.reject_examples))


@dataclass(frozen=True)
class _Prepared:
    policy: Policy
    matcher: _Matcher
    texts: tuple[str, ...]  # raw candidate texts, same order as matcher.texts
    expected: str
    wrong_norm: frozenset[str]


@functools.lru_cache(maxsize=4096)
def _prepare_text(
    answers: tuple[str, ...], wrong: tuple[str, ...], policy: Policy, expected: str
) -> _Prepared:
    policy = _nonempty_policy(answers, policy)
    matcher = _Matcher.build(answers, [0] * len(answers), wrong, policy)
    return _Prepared(policy, matcher, answers, expected, matcher.wrong_set)


def _nonempty_policy(texts: Sequence[str], policy: Policy) -> Policy:
    if all(normalize(t, policy) for t in texts):
        return policy
    return replace(policy, punctuation="keep")


@functools.lru_cache(maxsize=4096)
def _prepare_choices(
    shown: tuple[str, ...], wrong: tuple[str, ...], policy: Policy, expected: str
) -> _Prepared:
    policy = _distinct_policy(shown, policy)
    matcher = _Matcher.build(shown, range(len(shown)), wrong, policy)
    return _Prepared(policy, matcher, shown, expected, matcher.wrong_set)


def _typo_note(hit: _Hit, text: str) -> str:
    """``accepted: 1 typo (Gerasimov)``, ``accepted: without 'of' (Strait of Hormuz)``."""
    parts = [f"without '{w}'" for w in hit.dropped] + [f"with an extra '{w}'" for w in hit.added]
    letters = hit.distance - sum(len(w) + 1 for w in (*hit.dropped, *hit.added))
    if letters > 0 or not parts:
        parts.append(_plural(max(letters, hit.distance if not parts else letters), "typo"))
    return f"accepted: {', '.join(parts)} ({text})"


_WHY_NAMES = {
    "case": ("sensitive", "case"),
    "accents": ("sensitive", "accents"),
    "punctuation": ("keep", "punctuation"),
    "whitespace": ("keep", "spacing"),
    "articles": ("keep", "the leading article"),
    "unicode": ("nfc", "character forms"),
}


@functools.lru_cache(maxsize=256)
def _strict_variants(policy: Policy) -> tuple[tuple[str, Policy], ...]:
    """For each difference ``policy`` ignores: its name and the policy that would not ignore it."""
    return tuple(
        (label, replace(policy, **{name: strict}))  # type: ignore[arg-type]
        for name, (strict, label) in _WHY_NAMES.items()
        if getattr(policy, name) != strict
    )


@functools.lru_cache(maxsize=4096)
def _why_normalized(typed: str, key: str, policy: Policy) -> str:
    """Which ignored differences made ``typed`` equal ``key``, as a learner reads it."""
    needed = [label for label, p in _strict_variants(policy) if normalize(typed, p) != normalize(key, p)]
    if "the leading article" in needed:
        first = normalize(typed, replace(policy, articles="keep")).split()[:1]
        if first and first[0].casefold() in _PREPOSITIONS:
            needed[needed.index("the leading article")] = f"the leading '{first[0].casefold()}'"
    if not needed:
        return "accepted: same answer, written differently"
    return "accepted: ignoring " + _names(needed)


# ---------------------------------------------------------------------------------------------
# The graders


def grade(
    card: Card,
    typed: str,
    policy: Policy,
    *,
    shown: Sequence[str] | None = None,
    reject: Sequence[str] = (),
) -> Verdict:
    """Grade ``typed`` for ``card`` under ``policy``; ``shown`` is the display order of choices/items."""
    try:
        expected = card.answer_text()
    except Exception:
        expected = ""
    try:
        return _grade(card, typed, policy, shown, tuple(reject), expected)
    except Exception:  # a bug must not end a learner's session; tests assert this never happens
        return Verdict(False, "error", "could not grade this answer", 0.0, 0, expected)


def _grade(
    card: Card,
    typed: str,
    policy: Policy,
    shown: Sequence[str] | None,
    reject: tuple[str, ...],
    expected: str,
) -> Verdict:
    if not isinstance(typed, str):
        typed = str(typed)
    if not typed.strip() or not typed.translate(_CLEAN).strip():
        return Verdict(False, "empty", "no answer given", 0.0, 0, expected)
    if len(typed) > MAX_EXTRA_CHARS + 4 * len(expected):
        return Verdict(False, "wrong", "not accepted: the answer is far too long", 0.0, 0, expected)
    wrong = _split_examples(card, reject)
    if isinstance(card, (ShortCard, FlashCard)):
        answers = (card.answer, *card.accept) if isinstance(card, ShortCard) else (card.back,)
        return _grade_short(typed, _prepare_text(answers, wrong, policy, expected))
    if isinstance(card, ChoiceCard):
        return _grade_choice(card, typed, policy, _shown(shown, card.choices), wrong, expected)
    if isinstance(card, MultiCard):
        return _grade_multi(card, typed, policy, _shown(shown, card.choices), wrong, expected)
    if isinstance(card, BoolCard):
        return _listed(_grade_bool(card, typed, expected), typed, wrong, policy)
    if isinstance(card, NumberCard):
        return _listed(_grade_number(card, typed, expected), typed, wrong, policy)
    if isinstance(card, DateCard):
        return _listed(_grade_date(card, typed, policy, expected), typed, wrong, policy)
    if isinstance(card, ClozeCard):
        return _grade_cloze(card, typed, policy, wrong, expected)
    if isinstance(card, OrderCard):
        return _grade_order(card, typed, policy, _shown(shown, card.items), wrong, expected)
    return Verdict(False, "wrong", "this card cannot be graded", 0.0, 0, expected)


def _shown(shown: Sequence[str] | None, own: tuple[str, ...]) -> tuple[str, ...]:
    """The display order; the card's own order when ``shown`` is missing or not a permutation of it."""
    if shown is None:
        return own
    out = tuple(shown)
    return out if sorted(out) == sorted(own) else own


_LENIENT = frozenset({"typo", "tolerance", "date-more-precise"})


def _listed(v: Verdict, typed: str, wrong: Sequence[str], policy: Policy) -> Verdict:
    """A lenient or wrong verdict becomes listed-wrong when the typed text is a known-wrong answer."""
    if v.correct and v.rule not in _LENIENT:
        return v
    if not wrong or v.rule in ("empty", "listed-wrong", "date-less-precise"):
        return v
    if not v.correct and v.score > 0:
        return v  # partial credit and its note say more than "a known wrong answer"
    n = normalize(typed, policy)
    if n and any(normalize(w, policy) == n for w in wrong):
        return Verdict(False, "listed-wrong", f"not accepted: '{typed.strip()}' is a known wrong answer",
                       0.0, 0, v.expected)  # fmt: skip
    return v


def _grade_short(typed: str, prep: _Prepared) -> Verdict:
    answers = prep.texts
    if typed == answers[0]:
        return Verdict(True, "exact", "accepted", 1.0, 0, prep.expected)
    n = normalize(typed, prep.policy)
    hit = prep.matcher.find(n)
    if hit is None:
        if n in prep.wrong_norm:
            return Verdict(False, "listed-wrong", f"not accepted: '{typed.strip()}' is a known wrong answer",
                           0.0, 0, prep.expected)  # fmt: skip
        return Verdict(False, "wrong", "", 0.0, 0, prep.expected)
    text = answers[hit.index]
    if hit.distance:
        return Verdict(True, "typo", _typo_note(hit, text), 1.0, hit.distance, prep.expected)
    if hit.index == 0 or prep.matcher.texts[hit.index] == prep.matcher.texts[0]:
        return Verdict(True, "normalized", _why_normalized(typed, text, prep.policy), 1.0, 0, prep.expected)
    return Verdict(True, "alternate", f"accepted: '{text}' is an alternate answer", 1.0, 0, prep.expected)


def _grade_choice(
    card: ChoiceCard,
    typed: str,
    policy: Policy,
    shown: tuple[str, ...],
    wrong: tuple[str, ...],
    expected: str,
) -> Verdict:
    right = shown.index(card.answer) if card.answer in shown else -1
    prep = _prepare_choices(shown, wrong, policy, expected)
    n = normalize(typed, prep.policy)
    # A choice literally named "b" or "2" is matched by its text; otherwise letters and numbers are positions.
    literal = prep.matcher.literal.get(_literal_key(typed))
    label = None if literal is not None else _label(typed, len(shown))
    if label is not None:
        i, kind = label
        shown_as = _letter(i) if kind == "letter" else str(i + 1)
        if i == right:
            return Verdict(True, kind, f"accepted: {kind} {shown_as}", 1.0, 0, expected)
        return Verdict(False, "wrong", f"not accepted: {shown_as} is '{shown[i]}'", 0.0, 0, expected)
    if literal is None and _LABEL_RE.fullmatch(typed.strip().casefold()):
        note = f"not accepted: there is no choice {typed.strip()}"
        return Verdict(False, "wrong", note, 0.0, 0, expected)
    hit = (
        _Hit(prep.matcher.groups[literal], literal, 0)
        if literal is not None
        else prep.matcher.find(n, allowed=frozenset({right}))
    )
    if hit is None:
        if n in prep.wrong_norm:
            return Verdict(False, "listed-wrong", f"not accepted: '{typed.strip()}' is a known wrong answer",
                           0.0, 0, expected)  # fmt: skip
        part = _choice_by_words(n, prep)
        if part is None:
            return Verdict(False, "wrong", "", 0.0, 0, expected)
        if part != right:
            note = f"not accepted: '{shown[part]}' is not the answer"
            return Verdict(False, "wrong", note, 0.0, 0, expected)
        note = f"accepted: matches choice '{shown[right]}'"
        return Verdict(True, "choice-text", note, 1.0, 0, expected)
    if hit.group != right:
        note = f"not accepted: '{shown[hit.group]}' is not the answer"
        return Verdict(False, "wrong", note, 0.0, 0, expected)
    if hit.distance:
        return Verdict(True, "typo", _typo_note(hit, shown[right]), 1.0, hit.distance, expected)
    return Verdict(True, "choice-text", f"accepted: the text of choice {_letter(right)}", 1.0, 0, expected)


# ", and" (the Oxford comma) is one separator; a choice whose text holds one is read whole (segmenting).
_NEGATING = frozenset(["not", "no", "never", "nor", "neither", "except"])
# Words that, added to a post or a name, make it another one (a deputy chief is not the chief).
_OTHER_POST = frozenset(["deputy", "vice", "assistant", "acting", "former", "ex", "lieutenant", "sub"])


def _has_word(words: set[str], word: str, policy: Policy) -> bool:
    return word in words or any(_word_edits(word, w, policy) is not None for w in words)


_ALIAS_RE = re.compile(r"\(([^()]+)\)\s*$")


def _choice_by_words(typed_norm: str, prep: _Prepared) -> int | None:
    """The one choice the typed words name (part of its words, all of them, or its alias); None if not one."""
    typed = set(typed_norm.split())
    if not typed or typed & _NEGATING or not any(len(w) >= 3 and w not in _SMALL_WORDS for w in typed):
        return None
    policy = prep.policy
    found = set()
    for i, text in enumerate(prep.matcher.texts):
        words = set(text.split())
        alias = _ALIAS_RE.search(prep.texts[i])
        main_text = normalize(prep.texts[i][: alias.start()], policy) if alias else text
        main = set(main_text.split())
        key = {w for w in main if len(w) >= 3 and w not in _SMALL_WORDS}
        if alias and normalize(alias[1], policy) == typed_norm:
            found.add(prep.matcher.groups[i])
        elif alias and (m := _typo_match(typed_norm, main_text, typo_budget(main_text, policy), policy)):
            # The text without its alias, with typos ('airforce'), unless another choice is as close.
            g = prep.matcher.groups
            others = (t for j, t in enumerate(prep.matcher.texts) if g[j] != g[i])
            if all(OSA.distance(typed_norm, t, score_cutoff=m.distance) > m.distance for t in others):
                found.add(prep.matcher.groups[i])
        elif all(_has_word(words, w, policy) for w in typed if not _droppable(w)):
            # Part of the choice's words: at least half of those that carry meaning.
            if 2 * sum(1 for w in key if _has_word(typed, w, policy)) >= len(key):
                found.add(prep.matcher.groups[i])
        elif main and all(_has_word(typed, w, policy) for w in main) and not (typed - words) & _OTHER_POST:
            found.add(prep.matcher.groups[i])
    return found.pop() if len(found) == 1 else None


def _alias_choice(typed_norm: str, prep: _Prepared) -> int | None:
    """The one choice whose bracketed alias, or whose text before it (with typos), ``typed_norm`` is."""
    found = set()
    if "(" not in "".join(prep.texts):
        return None
    for i, full in enumerate(prep.texts):
        alias = _ALIAS_RE.search(full)
        if alias is None:
            continue
        main = normalize(full[: alias.start()], prep.policy)
        if typed_norm in (normalize(alias[1], prep.policy), main):
            found.add(prep.matcher.groups[i])
        elif m := _typo_match(typed_norm, main, typo_budget(main, prep.policy), prep.policy):
            g = prep.matcher.groups
            others = (t for j, t in enumerate(prep.matcher.texts) if g[j] != g[i])
            if all(OSA.distance(typed_norm, t, score_cutoff=m.distance) > m.distance for t in others):
                found.add(g[i])
    return found.pop() if len(found) == 1 else None


_MULTI_SEP = re.compile(r"(\s*[,;&]\s*(?:and\s+)?|\s+and\s+)", re.IGNORECASE)


def _pieces(
    typed: str, sep: re.Pattern[str], prep: _Prepared, count: int
) -> tuple[list[int], list[str], list[_Hit], bool]:
    """Picked indices (typed order), unknown pieces, typo matches, whether any letter/number was used."""
    exact = _segment_exact(typed, sep, prep, count)
    if exact is not None:
        return exact[0], [], [], exact[1]
    parts = sep.split(typed)
    pieces, seps = parts[0::2], parts[1::2]
    longest = max((len(sep.findall(t)) for t in prep.texts), default=0)
    picks: list[int] = []
    unknown: list[str] = []
    typos: list[_Hit] = []  # typo matches, in typed order
    labels = False
    i = 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + longest + 1), i + 1, -1):
            if not pieces[j - 1].strip():  # a span never ends on a separator
                continue
            joined = pieces[i] + "".join(seps[k] + pieces[k + 1] for k in range(i, j - 1))
            idx = prep.matcher.literal.get(_literal_key(joined))
            if idx is not None:
                picks.append(prep.matcher.groups[idx])
                i = j
                break
        else:
            piece = pieces[i].strip()
            i += 1
            if not piece:
                continue
            n = normalize(piece, prep.policy)
            literal = prep.matcher.literal.get(_literal_key(piece))
            if literal is not None:
                picks.append(prep.matcher.groups[literal])
                continue
            label = _label(piece, count)
            if label is not None:
                picks.append(label[0])
                labels = True
                continue
            words = piece.split()
            labels_ = [_label(w, count) for w in words]
            if len(words) > 1 and any(labels_) and all(len(w) <= 3 for w in words):
                # "a b x": letters and numbers with a stray word among them
                picks.extend(lab[0] for lab in labels_ if lab)
                unknown.extend(w for w, lab in zip(words, labels_, strict=True) if not lab)
                labels = True
                continue
            # Texts separated by spaces only: "Yalta Potsdam Malta", "Cold War Space Race".
            found = _texts_in_a_row(words, prep) if len(words) > 1 else None
            if found is not None:
                picks.extend(found)
                continue
            hit = prep.matcher.find(n)
            if hit is None and (g := _alias_choice(n, prep)) is not None:
                hit = _Hit(g, g, 0)
            if hit is None:
                unknown.append(piece)
            else:
                picks.append(hit.group)
                if hit.distance:
                    typos.append(hit)
    return picks, unknown, typos, labels


def _resolve_exact(
    segment: str, sep: re.Pattern[str], prep: _Prepared, count: int
) -> tuple[list[int], bool] | None:
    """The choices one separator-free stretch names without typos, and whether by letter/number."""
    text = segment.strip()
    if not text:
        return [], False
    literal = prep.matcher.literal.get(_literal_key(text))
    if literal is not None:
        return [prep.matcher.groups[literal]], False
    if sep.search(text):
        return None  # a text holding a separator must be typed as written (case and spacing aside)
    label = _label(text, count)
    if label is not None:
        return [label[0]], True
    words = text.split()
    if len(words) > 1 and all(len(w) <= 4 for w in words):
        # Short tokens are choices named so (texts first) or letters/numbers, read before normalising
        # (which would drop an "a").
        picks = _short_tokens(words, prep, count)
        if picks is not None:
            return picks
    idx = prep.matcher.exact.get(normalize(text, prep.policy))
    if idx is not None and idx >= 0:
        return [prep.matcher.groups[idx]], False
    if len(words) > 1:
        found = _texts_in_a_row(words, prep)
        if found is not None:
            return found, False
    return None


def _short_tokens(words: Sequence[str], prep: _Prepared, count: int) -> tuple[list[int], bool] | None:
    """Each word as a choice's literal text, else as a letter or number; None if one is neither."""
    picks: list[int] = []
    labels = False
    for w in words:
        literal = prep.matcher.literal.get(_literal_key(w))
        if literal is not None:
            picks.append(prep.matcher.groups[literal])
            continue
        lab = _label(w, count)
        if lab is None:
            return None
        picks.append(lab[0])
        labels = True
    return picks, labels


def _texts_in_a_row(words: Sequence[str], prep: _Prepared) -> list[int] | None:
    """Choice texts typed one after another with spaces ("Cold War Space Race"), exactly; None if not."""
    longest = max((len(t.split()) for t in prep.matcher.texts), default=1)
    memo: dict[int, list[int] | None] = {len(words): []}
    aliases: dict[str, int] = {}  # a choice's bracketed alias and its text before it (-1: two choices')
    for i, full in enumerate(prep.texts):
        if alias := _ALIAS_RE.search(full):
            g = prep.matcher.groups[i]
            for form in (normalize(alias[1], prep.policy), normalize(full[: alias.start()], prep.policy)):
                if form not in prep.matcher.exact:
                    aliases[form] = g if aliases.get(form, g) == g else -1
    aliases = {k: v for k, v in aliases.items() if v >= 0}

    def solve(i: int) -> list[int] | None:
        if i in memo:
            return memo[i]
        memo[i] = None
        for j in range(min(len(words), i + longest), i, -1):  # longest text first
            text = normalize(" ".join(words[i:j]), prep.policy)
            idx = prep.matcher.exact.get(text)
            group = prep.matcher.groups[idx] if idx is not None and idx >= 0 else aliases.get(text)
            if group is not None:
                rest = solve(j)
                if rest is not None:
                    memo[i] = [group, *rest]
                    break
        return memo[i]

    return solve(0) if len(words) <= 200 else None


def _segment_exact(
    typed: str, sep: re.Pattern[str], prep: _Prepared, count: int
) -> tuple[list[int], bool] | None:
    """Split ``typed`` at separators so every stretch names choices exactly (a text may hold a separator)."""
    matches = list(sep.finditer(typed))
    if len(matches) > 60:  # segmenting is quadratic; long inputs go to the simple reading
        return None
    starts = [0] + [m.end() for m in matches]
    ends = [m.start() for m in matches] + [len(typed)]
    memo: dict[int, tuple[list[int], bool] | None] = {}

    def solve(k: int) -> tuple[list[int], bool] | None:
        if k in memo:
            return memo[k]
        memo[k] = None
        for t in range(len(ends) - 1, k - 1, -1):  # longest stretch first
            if ends[t] < starts[k]:
                continue
            got = _resolve_exact(typed[starts[k] : ends[t]], sep, prep, count)
            if got is None:
                continue
            rest = ([], False) if t == len(matches) else solve(t + 1)
            if rest is not None:
                memo[k] = (got[0] + rest[0], got[1] or rest[1])
                break
        return memo[k]

    return solve(0)


def _typo_list(hits: Sequence[_Hit], prep: _Prepared) -> str:
    """``2 typos (Norway, Sweden)``, ``without 'us' (Crowding U.S. planes)``."""
    parts = [f"without '{w}'" for h in hits for w in h.dropped]
    parts += [f"with an extra '{w}'" for h in hits for w in h.added]
    letters = sum(h.distance - sum(len(w) + 1 for w in (*h.dropped, *h.added)) for h in hits)
    if letters > 0 or not parts:
        parts.append(_plural(max(letters, 1), "typo"))
    return f"{', '.join(parts)} ({', '.join(prep.texts[h.index] for h in hits)})"


def _names(texts: Sequence[str]) -> str:
    quoted = list(texts)
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _grade_multi(
    card: MultiCard, typed: str, policy: Policy, shown: tuple[str, ...], wrong: tuple[str, ...], expected: str
) -> Verdict:
    prep = _prepare_choices(shown, (), policy, expected)
    picks, unknown, typo_hits, _ = _pieces(typed, _MULTI_SEP, prep, len(shown))
    typos = sum(h.distance for h in typo_hits)
    picked = set(picks)
    right = {i for i, c in enumerate(shown) if c in card.answers}
    got = picked & right
    bad = picked - right
    total = len(right) or 1
    score = max(0.0, (len(got) - len(bad) - len(unknown)) / total)
    if picked == right and not unknown:
        note = f"accepted: all {len(right)} right"
        if typos:
            note += f", {_typo_list(typo_hits, prep)}"
        v = Verdict(True, "typo" if typos else "any-order", note, 1.0, typos, expected)
        return _listed(v, typed, wrong, policy)
    parts = [f"{len(got)} of {len(right)} right"]
    missing = [shown[i] for i in sorted(right - picked)]
    extra = [shown[i] for i in sorted(bad)] + [f"'{u}'" for u in unknown[:3]]
    details = []
    if missing:
        details.append(f"missing {_names(missing)}")
    if extra:
        details.append(f"{_names(extra)} {'is' if len(extra) == 1 else 'are'} not right")
    note = parts[0] + (", but " if got == right else ": ") + "; ".join(details) if details else parts[0]
    v = Verdict(False, "partial" if score > 0 else "wrong", note, score, 0, expected)
    return _listed(v, typed, wrong, policy)


def _grade_bool(card: BoolCard, typed: str, expected: str) -> Verdict:
    value = parse_bool(typed)
    if value is None:
        return Verdict(False, "unreadable", "not understood: answer true or false", 0.0, 0, expected)
    if value != card.answer:
        return Verdict(False, "wrong", f"not accepted: the statement is {expected}", 0.0, 0, expected)
    word = typed.strip()
    if word.casefold() == expected:
        return Verdict(True, "bool", "accepted", 1.0, 0, expected)
    return Verdict(True, "bool", f"accepted: '{word}' means {expected}", 1.0, 0, expected)


def _fmt_number(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e16:
        return f"{int(x):,}"
    return f"{x:,.10g}"


# A number followed by a word that is not the card's unit ('70 years' for decades).
_OTHER_UNIT_RE = re.compile(r"(.{0,60}\d)\s*([^\W\d_]+)\.?")


def _grade_number(card: NumberCard, typed: str, expected: str) -> Verdict:
    value = parse_number(typed, card.unit)
    if value is None and _BOUND_RE.match(typed.strip().casefold()):
        note = f"not accepted: '{typed.strip()[:40]}' is not a value"
        return Verdict(False, "wrong", note, 0.0, 0, expected)
    if value is None:
        note = f"not a number I can read: '{typed.strip()[:40]}'"
        other = _OTHER_UNIT_RE.fullmatch(typed.strip().casefold()) if card.unit else None
        if other and parse_number(other[1]) is not None:
            note = f"not accepted: give the number in {card.unit}, not in '{other[2][:20]}'"
        return Verdict(False, "unreadable", note, 0.0, 0, expected)
    key = float(card.answer)
    tol = abs(key) * card.tolerance / 100 if card.tolerance_percent else card.tolerance
    diff = abs(value - key)
    slack = 8 * math.ulp(max(abs(key), abs(value), tol))  # float rounding only: 7 ± 10% must accept 7.7
    shown_key = _fmt_number(key)
    if diff <= slack:
        if typed.strip() in (expected, shown_key):
            return Verdict(True, "exact", "accepted", 1.0, 0, expected)
        return Verdict(True, "number", f"accepted: {typed.strip()} is {expected}", 1.0, 0, expected)
    within = f"within ±{_fmt_number(tol)}"
    if card.tolerance_percent:
        within = f"within {_fmt_number(card.tolerance)}%"
    if diff <= tol + slack:
        return Verdict(True, "tolerance", f"accepted: {within} of {shown_key}", 1.0, 0, expected)
    side = "too high" if value > key else "too low"
    if tol > 0:
        note = f"{side}: {_fmt_number(value)} is not {within} of {shown_key}"
        return Verdict(False, "wrong", note, 0.0, 0, expected)
    return Verdict(False, "wrong", f"{side}: {_fmt_number(value)} ≠ {shown_key}", 0.0, 0, expected)


_PRECISIONS = ("year", "month", "day")


def _parts(d: PartialDate, precision: str) -> tuple[int, ...]:
    full = (d.year, d.month or 0, d.day or 0)
    return full[: _PRECISIONS.index(precision) + 1]


#: What to write, by the precision asked (examples never give away an answer: 1969 is no key here).
_DATE_FORMS = {
    "year": "write a year, e.g. 1969",
    "month": "write a month and year, e.g. July 1969 or 1969-07",
    "day": "write a day, e.g. 20 July 1969 or 1969-07-20",
}


def _grade_date(card: DateCard, typed: str, policy: Policy, expected: str) -> Verdict:
    key = card.answer
    got = parse_date(typed, policy.date_order, key.year, key.precision)
    bare = typed.strip()
    if got is not None and re.fullmatch(r"\d{1,2}", bare) and key.year >= 100 and got.year != key.year:
        note = f"give the full year: {bare} is read as the year {int(bare)}"
        return Verdict(False, "wrong", note, 0.0, 0, expected)
    if got is None:
        note = f"not a date I can read: {_DATE_FORMS[key.precision]}"
        return Verdict(False, "unreadable", note, 0.0, 0, expected)
    if got.year == 0:
        return Verdict(False, "date-less-precise", "less precise than asked: give the year", 0.0, 0, expected)
    kp, gp = _PRECISIONS.index(key.precision), _PRECISIONS.index(got.precision)
    common = _PRECISIONS[min(kp, gp)]
    a, b = _parts(got, common), _parts(key, common)
    if a != b:
        side = "too early" if a < b else "too late"
        return Verdict(False, "wrong", f"{side}: {got.human()} ≠ {key.human()}", 0.0, 0, expected)
    if gp < kp:
        return Verdict(False, "date-less-precise", f"less precise than asked: give the {key.precision}",
                       0.0, 0, expected)  # fmt: skip
    if gp > kp:
        return Verdict(True, "date-more-precise", f"accepted: {got.human()} matches {key.human()}",
                       1.0, 0, expected)  # fmt: skip
    if typed.strip() == key.iso():
        return Verdict(True, "exact", "accepted", 1.0, 0, expected)
    return Verdict(True, "date", f"accepted: read as {got.human()}", 1.0, 0, expected)


# Without ';', each of these separates the gaps when it splits the line into exactly as many parts.
_CLOZE_SEPS = tuple(re.compile(p, re.IGNORECASE) for p in (",", r"\s*\n\s*", r"\s+/\s+", r"\s+and\s+"))


def _cloze_parts(typed: str, count: int) -> list[str]:
    if count == 1:
        return [typed]
    if ";" not in typed:
        for sep in _CLOZE_SEPS:
            split = sep.split(typed)
            if len(split) == count:
                return split
    parts = typed.split(";")
    while len(parts) > count and not parts[-1].strip():
        parts.pop()
    return parts


def _grade_cloze(
    card: ClozeCard, typed: str, policy: Policy, wrong: tuple[str, ...], expected: str
) -> Verdict:
    found = gaps(card.prompt)
    if not found:
        return Verdict(False, "wrong", "this card has no gaps", 0.0, 0, expected)
    extra = dict(card.accept)
    parts = _cloze_parts(typed, len(found))
    wrong_parts = [_cloze_parts(w, len(found)) for w in wrong]
    right = 0
    typos = 0
    rules: set[str] = set()
    notes: list[str] = []
    bad: list[str] = []
    for i, gap in enumerate(found):
        answers = (gap.answer, *extra.get(gap.number, ()))
        known = tuple(w[i] for w in wrong_parts if len(w) == len(found))
        prep = _prepare_text(answers, known, policy, gap.answer)
        part = parts[i] if i < len(parts) else ""
        v = _grade_short(part.strip(), prep) if part.strip() else Verdict(False, "empty")
        label = f"gap {i + 1}" if len(found) > 1 else ""
        if v.correct:
            right += 1
            typos += v.typos
            rules.add(v.rule)
            if v.rule in ("typo", "alternate") or (len(found) == 1 and v.rule != "exact"):
                why = v.note.removeprefix("accepted: ")
                notes.append(f"{label}: {why}" if label else why)
        else:
            bad.append(label or "the gap")
    if right == len(found) and len(parts) <= len(found):
        rule = next((r for r in ("typo", "alternate", "normalized") if r in rules), "exact")
        note = "accepted" + (": " + "; ".join(notes) if notes else "")
        return Verdict(True, rule, note, 1.0, typos, expected)
    score = right / len(found)
    if right == len(found):  # every gap right, but more parts than gaps were typed
        score = (len(found) - 1) / len(found)
        note = f"{len(parts)} answers for {len(found)} gaps: separate the gaps with ';'"
    else:
        note = f"{right} of {len(found)} gaps right: {_names(bad)} {'is' if len(bad) == 1 else 'are'} wrong"
        if len(parts) < len(found):
            note += f"; {_plural(len(parts), 'answer')} for {len(found)} gaps: separate the gaps with ';'"
        if len(found) == 1:
            note = ""
    v = Verdict(False, "partial" if score > 0 else "wrong", note, score, 0, expected)
    return _listed(v, typed, wrong, policy)


_ORDER_SEP = re.compile(r"(\s*(?:[,;>→\n]|->)\s*(?:and\s+)?|\s+and\s+)", re.IGNORECASE)


def split_answer(typed: str, kind: str) -> list[str]:
    """The pieces of a ``multi`` or ``order`` answer, split where grading splits it (Oxford comma too)."""
    sep = _ORDER_SEP if kind == "order" else _MULTI_SEP
    return [p for p in sep.split(typed)[::2] if p.strip()]


# Positions joined by hyphens: "1-2-3", "a - b - c".
_HYPHENED = re.compile(r"(?:\d{1,3}|[a-z])(?:\s*-\s*(?:\d{1,3}|[a-z]))+", re.IGNORECASE)


def _grade_order(
    card: OrderCard, typed: str, policy: Policy, shown: tuple[str, ...], wrong: tuple[str, ...], expected: str
) -> Verdict:
    items = card.items
    n = len(items)
    prep = _prepare_choices(shown, (), policy, expected)
    s = typed.strip()
    if _HYPHENED.fullmatch(s) and prep.matcher.literal.get(_literal_key(s)) is None:
        typed = s = " ".join(s.replace("-", " ").split())
    compact = len(s) == n and (
        (re.fullmatch(r"\d+", s) is not None and n <= 9)
        or (s.isascii() and s.isalpha() and len(set(s.casefold())) == n > 1)
    )
    if compact and prep.matcher.exact.get(normalize(s, prep.policy)) is None:
        typo_hits: list[_Hit] = []
        picks = [int(c) - 1 if c.isdigit() else ord(c) - ord("a") for c in s.casefold()]
        unknown, labels = [], True
        if any(not 0 <= p < n for p in picks):
            unknown = [s]
    else:
        picks, unknown, typo_hits, labels = _pieces(typed, _ORDER_SEP, prep, n)
    typos = sum(h.distance for h in typo_hits)
    seq = [shown[p] for p in picks if 0 <= p < n]
    if seq == list(items) and not unknown:
        rule = "typo" if typos else ("positions" if labels else "order")
        note = "accepted" if not typos else f"accepted: {_typo_list(typo_hits, prep)}"
        return _listed(Verdict(True, rule, note, 1.0, typos, expected), typed, wrong, policy)
    placed = sum(1 for a, b in zip(seq, items, strict=False) if a == b)
    # Extra pieces (unknown, or beyond the number of items) cost a place each: only the right order scores 1.
    extra = len(unknown) + max(0, len(seq) - n)
    score = min(max(0, placed - extra), n - 1) / n
    details = []
    left = list(seq)
    missing = []
    for item in items:
        if item in left:
            left.remove(item)
        else:
            missing.append(item)
    if missing:
        details.append(f"missing {_names(missing)}")
    twice = sorted({t for t in seq if seq.count(t) > items.count(t)})
    if twice:
        details.append(f"{_names(twice)} {'is' if len(twice) == 1 else 'are'} given twice")
    if unknown:
        odd = [repr(u) for u in unknown[:3]]
        details.append(f"{_names(odd)} {'is' if len(odd) == 1 else 'are'} not among the items")
    note = f"{placed} of {n} in the right place"
    if details:
        note += (", but " if placed == n else ": ") + "; ".join(details)
    v = Verdict(False, "partial" if score > 0 else "wrong", note, score, 0, expected)
    return _listed(v, typed, wrong, policy)
