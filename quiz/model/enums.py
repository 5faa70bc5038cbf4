"""``StrEnum`` on every supported Python: members are their string values (JSON and SQLite see text)."""

from __future__ import annotations

import enum
import sys

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10

    class StrEnum(str, enum.Enum):
        """A str enum whose ``str()`` and ``format()`` are its value (as ``enum.StrEnum``)."""

        def __str__(self) -> str:
            return str(self.value)

        __format__ = str.__format__  # type: ignore[assignment]


__all__ = ["StrEnum"]
