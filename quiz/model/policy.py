"""The grading policy: how typed answers are normalised and compared. Deck-wide; a card may override."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

Typos = Literal["auto", "off"] | int


@dataclass(frozen=True)
class Policy:
    """How typed answers are normalised and compared (deck-wide, a card may override keys)."""

    unicode: Literal["nfkc", "nfc"] = "nfkc"
    case: Literal["insensitive", "sensitive"] = "insensitive"
    accents: Literal["insensitive", "sensitive"] = "insensitive"
    punctuation: Literal["ignore", "keep"] = "ignore"
    whitespace: Literal["collapse", "keep"] = "collapse"
    articles: Literal["ignore", "keep"] = "ignore"
    typos: Typos = "auto"
    date_order: Literal["mdy", "dmy"] = "mdy"
    numerals: Literal["any", "exact"] = "any"
    abbreviations: Literal["expand", "keep"] = "expand"
    initials: Literal["accept", "refuse"] = "accept"

    def __hash__(self) -> int:
        """The hash of the fields, computed once per object: a policy is part of the key of
        grading's caches, looked up several times for every answer graded."""
        try:
            return self.__dict__["_hash"]  # type: ignore[no-any-return]
        except KeyError:
            value = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", value)
            return value

    def __getstate__(self) -> dict[str, object]:
        """The fields alone (a string's hash differs from one process to the next)."""
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def to_dict(self) -> dict[str, object]:
        """Every key and value, as written in YAML."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def diff(self, base: Policy) -> dict[str, object]:
        """The keys whose value differs from ``base`` (what a card override must write)."""
        return {k: v for k, v in self.to_dict().items() if getattr(base, k) != v}

    def merged(self, overrides: dict[str, object]) -> Policy:
        """A copy with ``overrides`` applied (keys already validated by the loader)."""
        return replace(self, **overrides)  # type: ignore[arg-type]


POLICY_CHOICES: dict[str, tuple[str, ...]] = {
    "unicode": ("nfkc", "nfc"),
    "case": ("insensitive", "sensitive"),
    "accents": ("insensitive", "sensitive"),
    "punctuation": ("ignore", "keep"),
    "whitespace": ("collapse", "keep"),
    "articles": ("ignore", "keep"),
    "typos": ("auto", "off"),  # or a whole number of edits
    "date_order": ("mdy", "dmy"),
    "numerals": ("any", "exact"),  # number words and Roman numerals read as numbers
    "abbreviations": ("expand", "keep"),  # Mt. = Mount, St. = Saint, U.S. = United States ...
    "initials": ("accept", "refuse"),  # NATO for a name of three words or more
}
