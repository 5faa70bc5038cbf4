"""Order cards: items given by position (``2 1 3``, ``bac``) or by text, in order."""

from __future__ import annotations

import re

from quiz.model import OrderCard, Policy, Rule, Verdict

from .normalize import normalize
from .notes import join_names, typo_list
from .pieces import ORDER_SEP, split_picks
from .text import listed, partly, prepare_choices
from .typos import Hit, literal_key

_HYPHENED = re.compile(r"(?:\d{1,3}|[a-z])(?:\s*-\s*(?:\d{1,3}|[a-z]))+", re.IGNORECASE)


def grade_order(
    card: OrderCard, typed: str, policy: Policy, shown: tuple[str, ...], wrong: tuple[str, ...], expected: str
) -> Verdict:
    items = card.items
    n = len(items)
    prep = prepare_choices(shown, (), policy, expected)
    s = typed.strip()
    if _HYPHENED.fullmatch(s) and prep.matcher.literal.get(literal_key(s)) is None:
        typed = s = " ".join(s.replace("-", " ").split())
    compact = len(s) == n and (
        (re.fullmatch(r"\d+", s) is not None and n <= 9)
        or (s.isascii() and s.isalpha() and len(set(s.casefold())) == n > 1)
    )
    if compact and prep.matcher.exact.get(normalize(s, prep.policy)) is None:
        typo_hits: list[Hit] = []
        picks = [int(c) - 1 if c.isdigit() else ord(c) - ord("a") for c in s.casefold()]
        unknown, labels = [], True
        if any(not 0 <= p < n for p in picks):
            unknown = [s]
    else:
        picks, unknown, typo_hits, labels = split_picks(typed, ORDER_SEP, prep, n)
    typos = sum(h.distance for h in typo_hits)
    seq = [shown[p] for p in picks if 0 <= p < n]
    if seq == list(items) and not unknown:
        rule = Rule.TYPO if typos else (Rule.POSITIONS if labels else Rule.ORDER)
        note = "accepted" if not typos else f"accepted: {typo_list(typo_hits, prep.texts)}"
        return listed(
            Verdict(
                correct=True,
                rule=rule,
                note=note,
                score=1.0,
                typos=typos,
                expected=expected,
            ),
            typed,
            wrong,
            policy,
        )
    placed = sum(1 for a, b in zip(seq, items, strict=False) if a == b)
    # Extra pieces (unknown, or beyond the number of items) cost a place each: only the right order scores 1.
    extra = len(unknown) + max(0, len(seq) - n)
    score = min(max(0, placed - extra), n - 1) / n
    details = []
    left = list(seq)
    missing = []
    for item in items:
        if item in left:
            left.remove(item)
        else:
            missing.append(item)
    if missing:
        details.append(f"missing {join_names(missing)}")
    twice = sorted({t for t in seq if seq.count(t) > items.count(t)})
    if twice:
        details.append(f"{join_names(twice)} {'is' if len(twice) == 1 else 'are'} given twice")
    if unknown:
        odd = [repr(u) for u in unknown[:3]]
        details.append(f"{join_names(odd)} {'is' if len(odd) == 1 else 'are'} not among the items")
    note = f"{placed} of {n} in the right place"
    if details:
        note += (", but " if placed == n else ": ") + "; ".join(details)
    return listed(partly(score, note, expected), typed, wrong, policy)
