"""What learners typed, read the way grading reads it: options picked, items ordered, near misses.

The report never parses an answer on its own: a choice is the option ``quiz.grading.grade``
accepts for it, pieces are split with ``quiz.grading.split_answer``, texts compared with
``quiz.grading.normalize`` and ``typo_budget``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quiz.insight.results import ResultAnswer
from quiz.model import Card, ChoiceCard, ClozeCard, MultiCard, Policy, ShortCard

#: A looser policy than any a deck can set: used to find rejected answers that look right.
LOOSE = Policy(
    unicode="nfkc",
    case="insensitive",
    accents="insensitive",
    punctuation="ignore",
    whitespace="collapse",
    articles="ignore",
    typos="auto",
)


@dataclass(frozen=True)
class Candidate:
    """A rejected answer that looks right: a candidate for the card's ``accept:`` list."""

    typed: str
    count: int
    why: str


def option_index(piece: str, shown: Sequence[str], policy: Policy) -> int | None:
    """The one option grading accepts ``piece`` for (as a choice card shown ``shown``), else None."""
    from quiz.grading import grade

    if not piece.strip():
        return None
    choices = tuple(shown)
    hits = [
        i
        for i, text in enumerate(choices)
        if grade(
            ChoiceCard(id="-", prompt="-", choices=choices, answer=text, shuffle=False),
            piece,
            policy,
            shown=choices,
        ).correct
    ]
    return hits[0] if len(hits) == 1 else None


def _confirmed_multi(typed: str, picks: list[str], shown: tuple[str, ...], policy: Policy) -> bool:
    from quiz.grading import grade

    card = MultiCard(id="-", prompt="-", choices=shown, answers=tuple(picks), shuffle=False)
    return grade(card, typed, policy, shown=shown).correct


def picked_options(typed: str, shown: Sequence[str], multi: bool, policy: Policy = LOOSE) -> list[str]:
    """The options a typed choice answer names, as grading reads it, in the order typed."""
    from quiz.grading import split_answer

    whole = option_index(typed, shown, policy)
    if whole is not None:
        return [shown[whole]]
    if not multi:
        return []
    pieces = split_answer(typed, "multi")
    readings = [pieces] + ([pieces[0].split()] if len(pieces) == 1 else [])
    found: list[list[str]] = []
    for reading in readings:
        picks: list[str] = []
        for piece in reading:
            i = option_index(piece, shown, policy)
            if i is not None and shown[i] not in picks:
                picks.append(shown[i])
        if picks and _confirmed_multi(typed, picks, tuple(shown), policy):
            return picks
        found.append(picks)
    return next((f for f in found if f), [])


def ordered_items(typed: str, shown: Sequence[str], policy: Policy = LOOSE) -> list[str]:
    """The items an order answer names, in the typed order: by letter, number (``312``) or text."""
    from quiz.grading import choice_label, split_answer

    pieces = split_answer(typed.strip(), "order")
    if len(pieces) == 1:
        one = pieces[0]
        if one.isdigit() and len(one) == len(shown) and option_index(one, shown, policy) is None:
            pieces = list(one)
        elif all(choice_label(w, len(shown)) is not None for w in one.split()):
            pieces = one.split()
    out = []
    for piece in pieces:
        i = option_index(piece, shown, policy)
        out.append(shown[i] if i is not None else piece.strip())
    return out


def picked_text(answer: ResultAnswer, policy: Policy = LOOSE) -> str:
    """What a choice, multi or order answer names, as option texts (empty for other types)."""
    if answer.shown is None:
        return ""
    if answer.type in ("choice", "multi"):
        return ", ".join(picked_options(answer.typed, answer.shown, answer.type == "multi", policy))
    if answer.type == "order":
        return " → ".join(ordered_items(answer.typed, answer.shown, policy))
    return ""


def _why_close(typed: str, key: str) -> str | None:
    """Why a rejected ``typed`` looks like ``key``, or None."""
    from rapidfuzz.distance import OSA

    from quiz.grading import normalize, typo_budget

    t, k = normalize(typed, LOOSE), normalize(key, LOOSE)
    if not t or not k:
        return None
    if t == k:
        return f"the same as '{key}' under a looser policy"
    budget = typo_budget(k, LOOSE)
    if budget:
        d = OSA.distance(t, k, score_cutoff=budget + 1)
        if d <= budget + 1:
            return f"{d} edit{'s' if d != 1 else ''} from '{key}'"
    tw, kw = t.split(), k.split()
    if set(tw) < set(kw) and max(len(w) for w in tw) >= 4:
        return f"part of '{key}'"
    if set(kw) < set(tw) and max(len(w) for w in kw) >= 4:
        return f"contains '{key}'"
    return None


def _gap_parts(typed: str, count: int) -> list[str]:
    if count == 1:
        return [typed]
    if ";" not in typed and len(typed.split(",")) == count:
        return typed.split(",")
    return typed.split(";")


def _keys(card: Card | None, answer: ResultAnswer) -> list[list[str]]:
    """The accepted texts of each gap (one 'gap' for a short card): from the deck, else the key."""
    if isinstance(card, ShortCard):
        return [[card.answer, *card.accept]]
    if isinstance(card, ClozeCard):
        from quiz.model.cloze import gaps

        extra = dict(card.accept)
        return [[g.answer, *extra.get(g.number, ())] for g in gaps(card.prompt)]
    if answer.type == "cloze" and answer.expected:
        return [[part.strip()] for part in answer.expected.split(";")]
    return [[answer.expected]] if answer.expected else []


def _same(typed: str, key: str) -> bool:
    from quiz.grading import normalize

    return normalize(typed, Policy()) == normalize(key, Policy())


def candidates_for(card: Card | None, answers: Sequence[ResultAnswer]) -> list[Candidate]:
    """Rejected answers of a short or cloze question that are close to the key or an alternate."""
    found: dict[str, tuple[str, int, str]] = {}
    for a in answers:
        if a.correct or a.rule in ("listed-wrong", "empty") or a.type not in ("short", "cloze"):
            continue
        keys = _keys(card, a)
        if not keys:
            continue
        parts = _gap_parts(a.typed, len(keys))
        if len(parts) != len(keys):
            continue
        reasons = []
        for n, (part, accepted) in enumerate(zip(parts, keys, strict=True), start=1):
            if any(_same(part, k) for k in accepted):
                continue
            why = next((w for w in (_why_close(part, k) for k in accepted) if w), None)
            if why is None:
                continue
            reasons.append(f"gap {n}: {why}" if len(keys) > 1 else why)
        if not reasons:
            continue
        norm = " ".join(a.typed.split()).casefold()
        typed, count, why = found.get(norm, (a.typed.strip(), 0, "; ".join(reasons)))
        found[norm] = (typed, count + 1, why)
    ranked = sorted(found.values(), key=lambda c: -c[1])
    return [Candidate(t, n, w) for t, n, w in ranked]
