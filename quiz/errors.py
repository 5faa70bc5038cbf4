"""Errors that reach the user. Standard library only: every layer may import this."""

from __future__ import annotations

from typing import NamedTuple


class QuizError(Exception):
    """Base for every error the user can fix; the CLI prints ``str(err)`` and exits 1."""


class Problem(NamedTuple):
    """One finding about a deck file, at a position (1-based line and column).

    A named tuple rather than a dataclass: ``quiz check`` makes one per warning (167,000 on
    a generated deck of 100,000 cards), and a tuple is made, pickled and read back in a
    fraction of the time.
    """

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" | "warning" (a likely mistake) | "advice" (style)

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}{hint}"

    def to_dict(self) -> dict[str, object]:
        """The problem as a JSON-ready mapping."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class DeckError(QuizError):
    """A deck could not be loaded; ``problems`` holds every error found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DeckNotFound(QuizError):
    """A deck id or path that names no deck."""


class StoreError(QuizError):
    """The score database cannot be used (corrupt, locked, read-only, newer schema)."""


class ExportError(QuizError):
    """A deck cannot be written in the asked format."""


class ImportFileError(QuizError):
    """A file cannot be read as a deck to import."""
