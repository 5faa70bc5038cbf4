"""Anki-style cloze deletions: ``{{c1::answer}}`` and ``{{c1::answer::hint}}``."""

from __future__ import annotations

import re
from dataclasses import dataclass

CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass(frozen=True)
class Gap:
    """One deletion: its number (c1 → 1), hidden text, optional hint and span in the text."""

    number: int
    answer: str
    hint: str
    start: int
    end: int


def gaps(text: str) -> list[Gap]:
    """Every deletion in ``text``, in reading order."""
    return [
        Gap(int(m.group(1)), m.group(2), m.group(3) or "", m.start(), m.end())
        for m in CLOZE_RE.finditer(text)
    ]


def blanked(text: str) -> str:
    """The text as a learner sees it: each gap shown as ``[1]`` (or ``[1: hint]``)."""
    out: list[str] = []
    pos = 0
    for i, g in enumerate(gaps(text), start=1):
        out.append(text[pos : g.start])
        out.append(f"[{i}: {g.hint}]" if g.hint else f"[{i}]")
        pos = g.end
    out.append(text[pos:])
    return "".join(out)


def revealed(text: str) -> str:
    """The text with every gap filled in."""
    return CLOZE_RE.sub(lambda m: m.group(2), text)
