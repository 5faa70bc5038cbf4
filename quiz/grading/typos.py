"""Typo tolerance: the budget, the per-word rules that keep distinguishing words intact, and the
matcher that finds which candidate text a typed answer means (docs/grading.md, Typos)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz.distance import OSA

from quiz.model import Policy

from .forms import is_number_word
from .normalize import normalize


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
ROMAN = re.compile(r"(?=[ivxlcdm])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
# Words that may be left out or added without changing the answer (with any word of one or two letters).
SMALL_WORDS = frozenset(["the", "and", "for", "von", "van", "der", "den", "del", "les"])
# ... except these, which change it.
_MEANINGFUL_SMALL = frozenset(["no", "not", "non", "un", "ex"])
# Parts of a name that never tell two people apart in a quiz answer.
_NAME_SUFFIXES = frozenset(["jr", "sr"])


def fixed_word(w: str) -> bool:
    """A word that tells answers apart, so no edit may touch it, drop it or swap it: a lone letter
    (Plan B), a word with a digit (Type 2, 3rd), a Roman numeral (VIII) or a number word, cardinal
    or ordinal (seven, second)."""
    if not w.isalpha():
        return any(c.isdigit() for c in w)
    return len(w) == 1 or ROMAN.fullmatch(w) is not None or is_number_word(w)


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


def word_edits(typed: str, key: str, policy: Policy) -> int | None:
    """Edits between two words when within the key word's own budget; None when not a typo."""
    if typed == key:
        return 0
    a, b = typed.casefold(), key.casefold()
    if fixed_word(a) or fixed_word(b) or _opposites(a, b):
        return None
    budget = typo_budget(key, policy)
    d = OSA.distance(typed, key, score_cutoff=budget)
    return d if d <= budget else None


def droppable(word: str) -> bool:
    w = word.casefold()
    if w in _MEANINGFUL_SMALL or fixed_word(w):
        return False
    return len(w) <= 2 or w in SMALL_WORDS


_NUMERAL_LETTERS = frozenset("ivxlcdm")


def _initials(words: list[str], start: int, end: int) -> bool:
    """``words[start:end]`` are single letters between two other words: middle initials (Valery V.
    Gerasimov), which may be left out or added; at either end a letter distinguishes (Plan B)."""
    return start > 0 and end < len(words) and all(len(w) == 1 and w.isalpha() for w in words[start:end])


#: A lone letter written with a full stop (the 'V.' of 'Valery V. Gerasimov'): an initial, not a numeral.
_WRITTEN_INITIAL = re.compile(r"(?<![^\W\d_])([^\W\d_])\.")


_NO_INITIALS: frozenset[str] = frozenset()


def written_initials(text: str) -> frozenset[str]:
    """The lone letters ``text`` writes with a full stop, case folded: initials, whatever the letter."""
    if "." not in text:  # most texts: no search needed (a third of preparing a card's key)
        return _NO_INITIALS
    return frozenset(m.casefold() for m in _WRITTEN_INITIAL.findall(text))


def _loose(words: list[str], i: int, key: bool, initials: frozenset[str]) -> bool:
    """``words[i]`` may be left out (of the key) or added (to the typed text): a small word, or a
    middle initial; a key letter that can be a Roman numeral (World War I Memorial) only when the key
    writes it with a full stop (Valery V. Gerasimov)."""
    w = words[i]
    if droppable(w):
        return True
    if not _initials(words, i, i + 1):
        return False
    return not key or w.casefold() not in _NUMERAL_LETTERS or w.casefold() in initials


#: The largest run of words lined up word by word (key words × typed words); a longer one is refused.
_ALIGN_CELLS = 64


def _line_up(
    kw: list[str], tw: list[str], ks: range, ts: range, policy: Policy, initials: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Key words ``kw[ks]`` and typed words ``tw[ts]`` paired word by word, each pair within its own
    typo budget, the extra words left out (more key words) or added (more typed words), never both:
    (left out, added), or None. So 'Strait Hormus' is 'Strait of Hormuz' without 'of', one typo."""
    if len(ks) * len(ts) > _ALIGN_CELLS:
        return None
    drop = len(ks) > len(ts)
    # reach[i, j]: the extra words lining up kw[i:ks.stop] with tw[j:ts.stop], or None (filled from the end).
    reach: dict[tuple[int, int], tuple[str, ...] | None] = {(ks.stop, ts.stop): ()}
    for i in range(ks.stop, ks.start - 1, -1):
        for j in range(ts.stop, ts.start - 1, -1):
            if (i, j) in reach:
                continue
            found: tuple[str, ...] | None = None
            if i < ks.stop and j < ts.stop and word_edits(tw[j], kw[i], policy) is not None:
                found = reach[i + 1, j + 1]
            if found is None and drop and i < ks.stop and _loose(kw, i, True, initials):
                rest = reach[i + 1, j]
                found = None if rest is None else (kw[i], *rest)
            if found is None and not drop and j < ts.stop and _loose(tw, j, False, initials):
                rest = reach[i, j + 1]
                found = None if rest is None else (tw[j], *rest)
            reach[i, j] = found
    extra = reach[ks.start, ts.start]
    if extra is None:
        return None
    return (extra, ()) if drop else ((), extra)


@dataclass(frozen=True)
class _Typo:
    distance: int
    dropped: tuple[str, ...] = ()  # key words the typed text leaves out
    added: tuple[str, ...] = ()  # words the typed text adds


def typo_match(
    typed: str, key: str, budget: int, policy: Policy, initials: frozenset[str] = frozenset()
) -> _Typo | None:
    """How ``typed`` is a misspelling of ``key`` within ``budget`` (per word too), or None.

    ``initials``: the lone letters the key as written gives with a full stop (:func:`written_initials`)."""
    # A key word left out (three letters and a space at most), or an added name suffix ('jr'), is named,
    # not spent from the budget.
    slack = 4 * abs(key.count(" ") - typed.count(" "))
    d = OSA.distance(typed, key, score_cutoff=budget + slack)
    if d > budget + slack:
        return None
    if " " not in typed and " " not in key and typed.isalpha() and key.isalpha():
        a, b = typed.casefold(), key.casefold()  # one word each: the whole-text budget is the word's
        return None if fixed_word(a) or fixed_word(b) or _opposites(a, b) else _Typo(d)
    tw, kw = typed.split(), key.split()
    if len(tw) == len(kw):
        total = 0
        for t, k in zip(tw, kw, strict=True):
            e = word_edits(t, k, policy)
            if e is None:
                return None
            total += e
        return _Typo(d) if total <= budget else None
    dropped: list[str] = []
    added: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, kw, tw, autojunk=False).get_opcodes():
        if op == "delete":
            if not all(_loose(kw, i, True, initials) for i in range(i1, i2)):
                return None
            dropped.extend(kw[i1:i2])
        elif op == "insert":
            if not all(_loose(tw, j, False, initials) for j in range(j1, j2)):
                return None
            added.extend(tw[j1:j2])
        elif op == "replace":
            if i2 - i1 == j2 - j1:
                if any(word_edits(t, k, policy) is None for t, k in zip(tw[j1:j2], kw[i1:i2], strict=True)):
                    return None
            elif (lined := _line_up(kw, tw, range(i1, i2), range(j1, j2), policy, initials)) is not None:
                dropped.extend(lined[0])  # misspelt words beside a left-out or added one
                added.extend(lined[1])
            elif any(fixed_word(w.casefold()) for w in kw[i1:i2]):
                if "".join(tw[j1:j2]) != "".join(kw[i1:i2]):
                    return None  # run together (PlanB), a distinguishing word must stay as it is
            elif word_edits("".join(tw[j1:j2]), "".join(kw[i1:i2]), policy) is None:
                return None  # words run together or split apart, with at most the joined word's typos
    if d - sum(len(w) + 1 for w in (*dropped, *(w for w in added if w in _NAME_SUFFIXES))) > budget:
        return None
    return _Typo(d, tuple(dropped), tuple(added))


# ---------------------------------------------------------------------------------------------
# Matching a text against candidates, with typo tolerance that never lands on a wrong answer


@dataclass(frozen=True)
class Hit:
    group: int  # which meaning (an answer, a choice, an item)
    index: int  # which candidate text matched
    distance: int  # 0: equal after normalisation
    dropped: tuple[str, ...] = ()  # small words of the key left out
    added: tuple[str, ...] = ()  # small words typed in addition


def literal_key(text: str) -> str:
    """How the deck loader tells choices apart: spacing collapsed, case folded."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Matcher:
    """Normalised candidate texts, each with a meaning (group) and a typo budget, plus wrong texts."""

    texts: tuple[str, ...]
    groups: tuple[int, ...]
    budgets: tuple[int, ...]
    wrong: tuple[str, ...]
    exact: dict[str, int]  # normalised text → candidate index (-1: texts of two meanings collide)
    wrong_set: frozenset[str]
    literal: dict[str, int]  # the text as written (spacing collapsed, case folded) → candidate index
    policy: Policy
    initials: tuple[frozenset[str], ...] = ()  # each text's letters written with a full stop ('V.')

    @staticmethod
    def build(
        texts: Sequence[str], groups: Sequence[int], wrong: Sequence[str], policy: Policy, typos: bool = True
    ) -> Matcher:
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
        literal = {literal_key(t): i for i, t in reversed(list(enumerate(texts)))}
        initials = tuple(written_initials(t) for t in texts)
        return Matcher(
            norm, tuple(groups), budgets, wrong_n, exact, frozenset(wrong_n), literal, policy, initials
        )

    def find(self, typed_norm: str, allowed: frozenset[int] | None = None) -> Hit | None:
        """The meaning ``typed_norm`` stands for; typo matches only in ``allowed`` groups (None: any)."""
        i = self.exact.get(typed_norm)
        if i is not None:
            return Hit(self.groups[i], i, 0) if i >= 0 else None
        if typed_norm in self.wrong_set or not typed_norm:
            return None
        best = self.closest(typed_norm, allowed)
        if best is None:
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

    def closest(self, typed_norm: str, allowed: frozenset[int] | None = None) -> Hit | None:
        """The candidate ``typed_norm`` is the closest misspelling of, within its budget; None when
        there is none, or two meanings are as close."""
        best: Hit | None = None
        tie = False
        for i, (text, budget) in enumerate(zip(self.texts, self.budgets, strict=True)):
            if budget <= 0 or (allowed is not None and self.groups[i] not in allowed):
                continue
            cutoff = budget if best is None else min(budget, best.distance)
            if best is not None:
                # A match's distance is the whole texts' distance: one that cannot beat the best (or,
                # for another meaning, tie with it) changes nothing, so the costly match is skipped.
                limit = best.distance - (self.groups[i] == best.group)
                if limit < 0 or OSA.distance(typed_norm, text, score_cutoff=limit) > limit:
                    continue
            m = typo_match(typed_norm, text, cutoff, self.policy, self.initials[i])
            if m is None:
                continue
            d = m.distance
            if best is None or d < best.distance:
                best, tie = Hit(self.groups[i], i, d, m.dropped, m.added), False
            elif d == best.distance and self.groups[i] != best.group:
                tie = True
        return None if best is None or tie else best


_STRICTER = (
    {"punctuation": "keep"},
    {"articles": "keep"},
    {"accents": "sensitive"},
    {"case": "sensitive"},
    {"unicode": "nfc"},
    {"whitespace": "keep"},
)


def distinct_policy(texts: Sequence[str], policy: Policy) -> Policy:
    """``policy``, made stricter step by step until no text normalises to nothing or to another's form."""
    for change in ((), *_STRICTER):
        if change:
            policy = replace(policy, **change)  # type: ignore[arg-type]
        norm = [normalize(t, policy) for t in texts]
        if all(norm) and len(set(norm)) == len(norm):
            return policy
    return policy
