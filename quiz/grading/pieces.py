"""Reading a multi or order answer: choice letters and numbers, separators, and the choices a typed
list names (texts may hold a separator, be run together with spaces, or carry a bracketed alias)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz.distance import OSA

from quiz.model import Rule

from .normalize import normalize
from .text import Prepared
from .typos import Hit, literal_key, typo_budget, typo_match

LABEL_RE = re.compile(r"\(?\s*([a-z]|\d{1,3})\s*[).:]?")


def read_label(token: str, count: int) -> tuple[int, Rule] | None:
    """(index, kind) for a letter ``b``, ``(b)``, ``B.`` or a number ``2``, ``2)`` within ``count``."""
    m = LABEL_RE.fullmatch(token.strip().casefold())
    if not m:
        return None
    t = m.group(1)
    if t.isdigit():
        i = int(t) - 1
        return (i, Rule.NUMBER) if 0 <= i < count else None
    i = ord(t) - ord("a")
    return (i, Rule.LETTER) if i < count else None


def choice_label(token: str, count: int) -> int | None:
    """The 0-based position a letter (``b``, ``(b)``, ``B.``) or number (``2)``) names among ``count``."""
    found = read_label(token, count)
    return None if found is None else found[0]


ALIAS_RE = re.compile(r"\(([^()]+)\)\s*$")


def alias_choice(typed_norm: str, prep: Prepared) -> int | None:
    """The one choice whose bracketed alias, or whose text before it (with typos), ``typed_norm`` is."""
    found = set()
    if "(" not in "".join(prep.texts):
        return None
    for i, full in enumerate(prep.texts):
        alias = ALIAS_RE.search(full)
        if alias is None:
            continue
        main = normalize(full[: alias.start()], prep.policy)
        if typed_norm in (normalize(alias[1], prep.policy), main):
            found.add(prep.matcher.groups[i])
        elif m := typo_match(typed_norm, main, typo_budget(main, prep.policy), prep.policy):
            g = prep.matcher.groups
            others = (t for j, t in enumerate(prep.matcher.texts) if g[j] != g[i])
            if all(OSA.distance(typed_norm, t, score_cutoff=m.distance) > m.distance for t in others):
                found.add(g[i])
    return found.pop() if len(found) == 1 else None


MULTI_SEP = re.compile(r"(\s*[,;&/]\s*(?:and\s+)?|\s+and\s+)", re.IGNORECASE)


def split_picks(
    typed: str, sep: re.Pattern[str], prep: Prepared, count: int
) -> tuple[list[int], list[str], list[Hit], bool]:
    """Picked indices (typed order), unknown pieces, typo matches, whether any letter/number was used."""
    exact = _segment_exact(typed, sep, prep, count)
    if exact is not None:
        return exact[0], [], [], exact[1]
    parts = sep.split(typed)
    pieces, seps = parts[0::2], parts[1::2]
    longest = max((len(sep.findall(t)) for t in prep.texts), default=0)
    picks: list[int] = []
    unknown: list[str] = []
    typos: list[Hit] = []  # typo matches, in typed order
    labels = False
    i = 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + longest + 1), i + 1, -1):
            if not pieces[j - 1].strip():  # a span never ends on a separator
                continue
            joined = pieces[i] + "".join(seps[k] + pieces[k + 1] for k in range(i, j - 1))
            idx = prep.matcher.literal.get(literal_key(joined))
            if idx is not None:
                picks.append(prep.matcher.groups[idx])
                i = j
                break
        else:
            piece = pieces[i].strip()
            i += 1
            if not piece:
                continue
            n = normalize(piece, prep.policy)
            literal = prep.matcher.literal.get(literal_key(piece))
            if literal is not None:
                picks.append(prep.matcher.groups[literal])
                continue
            label = read_label(piece, count)
            if label is not None:
                picks.append(label[0])
                labels = True
                continue
            words = piece.split()
            labels_ = [read_label(w, count) for w in words]
            if len(words) > 1 and any(labels_) and all(len(w) <= 3 for w in words):
                # "a b x": letters and numbers with a stray word among them
                picks.extend(lab[0] for lab in labels_ if lab)
                unknown.extend(w for w, lab in zip(words, labels_, strict=True) if not lab)
                labels = True
                continue
            # Texts separated by spaces only: "Yalta Potsdam Malta", "Cold War Space Race".
            found = _texts_in_a_row(words, prep) if len(words) > 1 else None
            if found is not None:
                picks.extend(found)
                continue
            hit = prep.matcher.find(n)
            if hit is None and (g := alias_choice(n, prep)) is not None:
                hit = Hit(g, g, 0)
            if hit is None:
                unknown.append(piece)
            else:
                picks.append(hit.group)
                if hit.distance:
                    typos.append(hit)
    return picks, unknown, typos, labels


def _resolve_exact(
    segment: str, sep: re.Pattern[str], prep: Prepared, count: int
) -> tuple[list[int], bool] | None:
    """The choices one separator-free stretch names without typos, and whether by letter/number."""
    text = segment.strip()
    if not text:
        return [], False
    literal = prep.matcher.literal.get(literal_key(text))
    if literal is not None:
        return [prep.matcher.groups[literal]], False
    if sep.search(text):
        return None  # a text holding a separator must be typed as written (case and spacing aside)
    label = read_label(text, count)
    if label is not None:
        return [label[0]], True
    words = text.split()
    if len(words) > 1 and all(len(w) <= 4 for w in words):
        # Short tokens are choices named so (texts first) or letters/numbers, read before normalising
        # (which would drop an "a").
        picks = _short_tokens(words, prep, count)
        if picks is not None:
            return picks
    idx = prep.matcher.exact.get(normalize(text, prep.policy))
    if idx is not None and idx >= 0:
        return [prep.matcher.groups[idx]], False
    if len(words) > 1:
        found = _texts_in_a_row(words, prep)
        if found is not None:
            return found, False
    return None


def _short_tokens(words: Sequence[str], prep: Prepared, count: int) -> tuple[list[int], bool] | None:
    """Each word as a choice's literal text, else as a letter or number; None if one is neither."""
    picks: list[int] = []
    labels = False
    for w in words:
        literal = prep.matcher.literal.get(literal_key(w))
        if literal is not None:
            picks.append(prep.matcher.groups[literal])
            continue
        lab = read_label(w, count)
        if lab is None:
            return None
        picks.append(lab[0])
        labels = True
    return picks, labels


def _texts_in_a_row(words: Sequence[str], prep: Prepared) -> list[int] | None:
    """Choice texts typed one after another with spaces ("Cold War Space Race"), exactly; None if not."""
    longest = max((len(t.split()) for t in prep.matcher.texts), default=1)
    memo: dict[int, list[int] | None] = {len(words): []}
    aliases: dict[str, int] = {}  # a choice's bracketed alias and its text before it (-1: two choices')
    for i, full in enumerate(prep.texts):
        if alias := ALIAS_RE.search(full):
            g = prep.matcher.groups[i]
            for form in (normalize(alias[1], prep.policy), normalize(full[: alias.start()], prep.policy)):
                if form not in prep.matcher.exact:
                    aliases[form] = g if aliases.get(form, g) == g else -1
    aliases = {k: v for k, v in aliases.items() if v >= 0}

    # ``again`` is ``solve`` itself, passed in: a closure that named itself would be a reference
    # cycle, left for the garbage collector (which quiz check pauses while it grades).
    def solve(i: int, again: Callable[[int, Any], list[int] | None]) -> list[int] | None:
        if i in memo:
            return memo[i]
        memo[i] = None
        for j in range(min(len(words), i + longest), i, -1):  # longest text first
            text = normalize(" ".join(words[i:j]), prep.policy)
            idx = prep.matcher.exact.get(text)
            group = prep.matcher.groups[idx] if idx is not None and idx >= 0 else aliases.get(text)
            if group is not None:
                rest = again(j, again)
                if rest is not None:
                    memo[i] = [group, *rest]
                    break
        return memo[i]

    return solve(0, solve) if len(words) <= 200 else None


def _segment_exact(
    typed: str, sep: re.Pattern[str], prep: Prepared, count: int
) -> tuple[list[int], bool] | None:
    """Split ``typed`` at separators so every stretch names choices exactly (a text may hold a separator)."""
    matches = list(sep.finditer(typed))
    if len(matches) > 60:  # segmenting is quadratic; long inputs go to the simple reading
        return None
    starts = [0] + [m.end() for m in matches]
    ends = [m.start() for m in matches] + [len(typed)]
    memo: dict[int, tuple[list[int], bool] | None] = {}

    def solve(
        k: int, again: Callable[[int, Any], tuple[list[int], bool] | None]
    ) -> tuple[list[int], bool] | None:
        if k in memo:
            return memo[k]
        memo[k] = None
        for t in range(len(ends) - 1, k - 1, -1):  # longest stretch first
            if ends[t] < starts[k]:
                continue
            got = _resolve_exact(typed[starts[k] : ends[t]], sep, prep, count)
            if got is None:
                continue
            rest = ([], False) if t == len(matches) else again(t + 1, again)
            if rest is not None:
                memo[k] = (got[0] + rest[0], got[1] or rest[1])
                break
        return memo[k]

    return solve(0, solve)  # as above: no reference cycle


ORDER_SEP = re.compile(r"(\s*(?:[,;>→\n]|->)\s*(?:and\s+)?|\s+and\s+)", re.IGNORECASE)


def split_answer(typed: str, kind: str) -> list[str]:
    """The pieces of a ``multi`` or ``order`` answer, split where grading splits it (Oxford comma too)."""
    sep = ORDER_SEP if kind == "order" else MULTI_SEP
    return [p for p in sep.split(typed)[::2] if p.strip()]
