"""Cloze cards: the typed line split into one answer per gap, each graded as a short answer."""

from __future__ import annotations

import functools
import re

from quiz.model import ClozeCard, Policy, Rule, Verdict, plural
from quiz.model.cloze import Gap, gaps

from .notes import join_names
from .text import grade_short, listed, partly, prepare_text

_CLOZE_SEPS = tuple(re.compile(p, re.IGNORECASE) for p in (",", r"\s*\n\s*", r"\s+/\s+", r"\s+and\s+"))


# Gap verdicts whose note the cloze verdict repeats (the first of them present names the whole).
_TOLD = (Rule.TYPO, Rule.NAME, Rule.EQUIVALENT, Rule.PATTERN, Rule.ALTERNATE)


def _cloze_parts(typed: str, count: int) -> list[str]:
    if count == 1:
        return [typed]
    if ";" not in typed:
        for sep in _CLOZE_SEPS:
            split = sep.split(typed)
            if len(split) == count:
                return split
    parts = typed.split(";")
    while len(parts) > count and not parts[-1].strip():
        parts.pop()
    return parts


@functools.lru_cache(maxsize=1024)
def _gaps(prompt: str) -> tuple[Gap, ...]:
    """The gaps of a cloze text, found once per text rather than for every answer graded."""
    return tuple(gaps(prompt))


@functools.lru_cache(maxsize=1024)
def _wrong_parts(wrong: tuple[str, ...], count: int) -> tuple[tuple[str, ...], ...]:
    """Each known-wrong answer split into one part per gap, once per card."""
    return tuple(tuple(_cloze_parts(w, count)) for w in wrong)


def grade_cloze(
    card: ClozeCard, typed: str, policy: Policy, wrong: tuple[str, ...], expected: str, explain: bool = True
) -> Verdict:
    found = _gaps(card.prompt)
    if not found:
        return Verdict(correct=False, rule=Rule.WRONG, note="this card has no gaps", expected=expected)
    extra = dict(card.accept)
    parts = _cloze_parts(typed, len(found))
    wrong_parts = _wrong_parts(wrong, len(found))
    right = 0
    typos = 0
    rules: set[str] = set()
    notes: list[str] = []
    bad: list[str] = []
    gap_note = ""
    for i, gap in enumerate(found):
        answers = (gap.answer, *extra.get(gap.number, ()))
        known = tuple(w[i] for w in wrong_parts if len(w) == len(found))
        prep = prepare_text(answers, known, policy, gap.answer)
        part = parts[i] if i < len(parts) else ""
        v = (
            grade_short(part.strip(), prep, explain)
            if part.strip()
            else Verdict(correct=False, rule=Rule.EMPTY, note="no answer given")
        )
        label = f"gap {i + 1}" if len(found) > 1 else ""
        if v.correct:
            right += 1
            typos += v.typos
            rules.add(v.rule)
            if v.rule in _TOLD or (len(found) == 1 and v.rule != Rule.EXACT):
                why = v.note.removeprefix("accepted: ")
                notes.append(f"{label}: {why}" if label else why)
        else:
            bad.append(label or "the gap")
            gap_note = v.note or "no answer given"
    if right == len(found) and len(parts) <= len(found):
        rule = next((r for r in (*_TOLD, Rule.NORMALIZED) if r in rules), Rule.EXACT)
        note = "accepted" + (": " + "; ".join(notes) if notes else "")
        return Verdict(correct=True, rule=rule, note=note, score=1.0, typos=typos, expected=expected)
    score = right / len(found)
    if right == len(found):  # every gap right, but more parts than gaps were typed
        score = (len(found) - 1) / len(found)
        note = f"{len(parts)} answers for {len(found)} gaps: separate the gaps with ';'"
    else:
        note = (
            f"{right} of {len(found)} gaps right: {join_names(bad)} {'is' if len(bad) == 1 else 'are'} wrong"
        )
        if len(parts) < len(found):
            note += f"; {plural(len(parts), 'answer')} for {len(found)} gaps: separate the gaps with ';'"
        if len(found) == 1:
            note = gap_note
    return listed(partly(score, note, expected), typed, wrong, policy)
