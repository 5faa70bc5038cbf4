"""The names nearest to a mistyped one, for "did you mean" hints (deck ids, card ids, tags, commands)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(typed: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``names`` closest to ``typed``, closest first.

    Whole names are compared, and so is each name's start of the same length as ``typed``: a
    mistyped beginning (``us-rusia`` for ``us-russia-military-talks-2019``) is what people type
    when they remember only the start of a long id.
    """
    want = typed.casefold()
    scored: dict[str, float] = {}
    for name in dict.fromkeys(names):
        low = name.casefold()
        whole = difflib.SequenceMatcher(None, want, low).ratio()
        start = difflib.SequenceMatcher(None, want, low[: len(want)]).ratio() if len(want) >= 3 else 0.0
        score = max(whole, start - 0.05)  # a prefix match ranks just below an equally close whole name
        if score >= 0.6:
            scored[name] = score
    return sorted(scored, key=lambda k: (-scored[k], k))[:n]


def did_you_mean(typed: str, names: Iterable[str], n: int = 3) -> str:
    """``did you mean 'a', 'b'?`` or the empty string when nothing is close."""
    close = nearest(typed, names, n)
    return ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?") if close else ""
