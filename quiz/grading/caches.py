"""How much grading has memoised, and letting go of it.

Grading keeps bounded caches (normalised texts, prepared answers, parsed forms) so that a card
graded again costs little; filled, they hold about 50 MB. ``quiz check`` empties them between
the parts of a large deck once they hold more than it needs (:func:`held`, :func:`forget`), so
that each of its two processes holds a part's worth, not 50 MB, while the deck is parsed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any


def _caches() -> Iterator[Any]:
    """Every ``functools`` cache of the grading modules loaded so far."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == __package__ or name.startswith(f"{__package__}.")):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                yield value


def held() -> int:
    """How many results the grading caches hold, all together."""
    return sum(cache.cache_info().currsize for cache in _caches())


def forget() -> int:
    """Empty every grading cache (they refill as needed); how many there were."""
    emptied = 0
    for cache in _caches():
        cache.cache_clear()
        emptied += 1
    return emptied
