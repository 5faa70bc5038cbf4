"""Python's cycle collector held off while a large deck is built or written.

Building a deck, its node tree or its data makes hundreds of thousands of small objects that
form no cycle (plain trees); the collector would walk every live object again and again as
they pile up: three quarters of the time of ``quiz import`` at 10,000 cards. Nothing it could
free is made meanwhile, so holding it off changes no result, only the time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_held() -> Iterator[None]:
    """Hold the cycle collector off inside the block (as it was after: nesting is fine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
