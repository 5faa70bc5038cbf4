"""The sentences a learner reads in a verdict's ``note``: typos forgiven, differences ignored, lists."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz.distance import OSA

from quiz.model import Policy, Rule, Verdict, plural

from .forms import canonical
from .normalize import PREPOSITIONS, normalize
from .typos import Hit, fixed_word


def join_names(texts: Sequence[str]) -> str:
    quoted = list(texts)
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def unsure(typed: str, forms: str, expected: str) -> Verdict | None:
    """An answer that ends in '?' asks rather than answers: unreadable, with the forms that are read."""
    text = typed.strip()
    if not text.endswith("?"):
        return None
    note = f"not read as an answer: '{text[:40]}' asks a question; {forms}"
    return Verdict(correct=False, rule=Rule.UNREADABLE, note=note, expected=expected)


def typo_note(hit: Hit, text: str) -> str:
    """``accepted: 1 typo (Gerasimov)``, ``accepted: without 'of' (Strait of Hormuz)``."""
    parts = [f"without '{w}'" for w in hit.dropped] + [f"with an extra '{w}'" for w in hit.added]
    letters = hit.distance - sum(len(w) + 1 for w in (*hit.dropped, *hit.added))
    if letters > 0 or not parts:
        parts.append(plural(max(letters, hit.distance if not parts else letters), "typo"))
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
def why_normalized(typed: str, key: str, policy: Policy) -> str:
    """Which ignored differences made ``typed`` equal ``key``, as a learner reads it."""
    needed = [label for label, p in _strict_variants(policy) if normalize(typed, p) != normalize(key, p)]
    if "the leading article" in needed:
        first = normalize(typed, replace(policy, articles="keep")).split()[:1]
        if first and first[0].casefold() in PREPOSITIONS:
            needed[needed.index("the leading article")] = f"the leading '{first[0].casefold()}'"
    if not needed:
        return "accepted: same answer, written differently"
    return "accepted: ignoring " + join_names(needed)


def typo_list(hits: Sequence[Hit], texts: Sequence[str]) -> str:
    """``2 typos (Norway, Sweden)``, ``without 'us' (Crowding U.S. planes)``."""
    parts = [f"without '{w}'" for h in hits for w in h.dropped]
    parts += [f"with an extra '{w}'" for h in hits for w in h.added]
    letters = sum(h.distance - sum(len(w) + 1 for w in (*h.dropped, *h.added)) for h in hits)
    if letters > 0 or not parts:
        parts.append(plural(max(letters, 1), "typo"))
    return f"{', '.join(parts)} ({', '.join(texts[h.index] for h in hits)})"


# The policy keys that make a card stricter than the default, and how a refusal names them.
_MATTERS = (
    ("accents", "insensitive", "accents matter on this card"),
    ("case", "insensitive", "capitals matter on this card"),
    ("punctuation", "ignore", "punctuation matters on this card"),
    ("articles", "ignore", "the leading article matters on this card"),
    ("whitespace", "collapse", "spacing matters on this card"),
    ("unicode", "nfkc", "character forms matter on this card"),
    ("numerals", "any", "numbers are written as in the answer on this card"),
    ("abbreviations", "expand", "abbreviations are written out as in the answer on this card"),
)


@functools.lru_cache(maxsize=4096)
def why_wrong(typed: str, keys: tuple[str, ...], policy: Policy, expected: str) -> str:
    """Why a typed text matches none of ``keys``: the stricter policy key it breaks, the distinguishing
    word it changes or leaves out, or how far it is from the answer."""
    for name, loose, reason in _MATTERS:
        if getattr(policy, name) != loose:
            lenient = replace(policy, **{name: loose})  # type: ignore[arg-type]
            if any(canonical(typed, lenient) == canonical(k, lenient) for k in keys):
                return f"not accepted: {reason}"
    typed_words = normalize(typed, policy).split()
    for key in keys:
        key_words = normalize(key, policy).split()
        missing = [w for w in key_words if fixed_word(w) and w not in typed_words]
        other = [w for w in typed_words if fixed_word(w) and w not in key_words]
        rest_t = [w for w in typed_words if w not in other]
        rest_k = [w for w in key_words if w not in missing]
        if missing and rest_t == rest_k:
            if other:
                return f"not accepted: '{' '.join(other)}' is not '{' '.join(missing)}' ({expected})"
            return f"not accepted: '{' '.join(missing)}' is left out ({expected})"
        if len(key_words) == len(typed_words):
            pairs = [(t, k) for t, k in zip(typed_words, key_words, strict=True) if t != k]
            # A one-word answer is near only when at least half its letters stay ('idk' is not near 'is');
            # in a longer answer the words kept around it make the change one word (Kim Jong Il).
            if len(pairs) == 1:
                t, k = pairs[0]
                limit = max(2, len(k) // 3)
                if OSA.distance(t, k) <= (limit if len(key_words) > 1 else min(limit, len(k) // 2)):
                    return f"not accepted: '{t}' is another word than '{k}', not a typo ({expected})"
    return "not accepted: not the answer, and too far from it to be a typo"
