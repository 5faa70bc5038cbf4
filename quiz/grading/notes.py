"""The sentences a learner reads in a verdict's ``note``: typos forgiven, differences ignored, lists."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

from quiz.model import Policy

from .normalize import PREPOSITIONS, normalize
from .typos import Hit


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def join_names(texts: Sequence[str]) -> str:
    quoted = list(texts)
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


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
