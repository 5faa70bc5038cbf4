"""Short answers (and flashcard backs, cloze gaps): the key, its alternates, typos, known-wrong answers."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quiz.model import Policy, Rule, Verdict

from .forms import canonical, initials_of
from .names import as_written_forward, given_initials, run_together, surnames, wrong_initial
from .normalize import normalize
from .notes import typo_note, why_normalized, why_wrong
from .typos import Hit, Matcher, distinct_policy

# ---------------------------------------------------------------------------------------------
# Per-card preparation (cached: a card is graded many times with the same policy)


@dataclass(frozen=True)
class Prepared:
    policy: Policy
    matcher: Matcher
    texts: tuple[str, ...]  # raw candidate texts, same order as matcher.texts
    expected: str
    wrong_norm: frozenset[str]
    wrong: tuple[str, ...] = ()  # the known wrong answers as written
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()  # accept patterns with '*', and as written
    person: bool = False


@functools.lru_cache(maxsize=4096)
def prepare_text(
    answers: tuple[str, ...], wrong: tuple[str, ...], policy: Policy, expected: str, person: bool = False
) -> Prepared:
    """What grading a short answer needs, computed once per card and policy: ``answers`` is the key
    and its alternates (an alternate with ``*`` is a pattern), ``wrong`` the known wrong answers."""
    texts = (answers[0], *(a.replace("\\*", "*") for a in answers[1:] if not _is_pattern(a)))
    policy = _nonempty_policy(texts, policy)
    matcher = Matcher.build(texts, [0] * len(texts), wrong, policy)
    # Each pattern twice: as the policy normalises, and with leading articles kept (a piece that is
    # an article must still be there to match: 'a*a' for 'a a a').
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    if any(_is_pattern(a) for a in answers[1:]):  # few cards have one: replace() is costly
        kept = replace(policy, articles="keep")
        patterns = tuple(
            (p, a) for a in answers[1:] if _is_pattern(a) for p in (_pattern(a, policy), _pattern(a, kept))
        )
    return Prepared(policy, matcher, texts, expected, matcher.wrong_set, wrong, patterns, person)


_STAR = re.compile(r"(?<!\\)\*")


def _is_pattern(text: str) -> bool:
    return _STAR.search(text) is not None


def _pattern(text: str, policy: Policy) -> re.Pattern[str]:
    """A Moodle-style pattern: ``*`` any text (none too), ``\\*`` a star; each piece normalised."""
    pieces = [normalize(p.replace("\\*", "*"), policy) for p in _STAR.split(text)]
    return re.compile(".*".join(re.escape(p) for p in pieces), re.DOTALL)


def _nonempty_policy(texts: Sequence[str], policy: Policy) -> Policy:
    if all(normalize(t, policy) for t in texts):
        return policy
    return replace(policy, punctuation="keep")


@functools.lru_cache(maxsize=4096)
def prepare_choices(
    shown: tuple[str, ...], wrong: tuple[str, ...], policy: Policy, expected: str
) -> Prepared:
    policy = distinct_policy(shown, policy)
    matcher = Matcher.build(shown, range(len(shown)), wrong, policy)
    return Prepared(policy, matcher, shown, expected, matcher.wrong_set)


def known_wrong(typed: str, expected: str) -> Verdict:
    """The verdict for an answer the card lists as wrong."""
    return Verdict(
        correct=False,
        rule=Rule.LISTED_WRONG,
        note=f"not accepted: a different answer, not a way of writing {expected}",
        expected=expected,
    )


def partly(score: float, note: str, expected: str) -> Verdict:
    """The verdict for a partly right multi, cloze or order answer (``score`` 0 is plain wrong)."""
    return Verdict(
        correct=False,
        rule=Rule.PARTIAL if score > 0 else Rule.WRONG,
        note=note,
        score=score,
        expected=expected,
    )


_LENIENT = frozenset({Rule.TYPO, Rule.TOLERANCE, Rule.DATE_MORE_PRECISE})


@functools.lru_cache(maxsize=4096)
def _wrong_forms(wrong: tuple[str, ...], policy: Policy) -> frozenset[str]:
    """The known-wrong answers as ``policy`` normalises them: worked out once per card, not once for
    every answer graded (``quiz check`` grades about seven for each card)."""
    return frozenset(normalize(w, policy) for w in wrong)


def listed(v: Verdict, typed: str, wrong: Sequence[str], policy: Policy) -> Verdict:
    """A lenient or wrong verdict becomes listed-wrong when the typed text is a known-wrong answer."""
    if v.correct and v.rule not in _LENIENT:
        return v
    if not wrong or v.rule in (Rule.EMPTY, Rule.LISTED_WRONG, Rule.DATE_LESS_PRECISE):
        return v
    if not v.correct and v.score > 0:
        return v  # partial credit and its note say more than "a known wrong answer"
    n = normalize(typed, policy)
    if n and n in _wrong_forms(tuple(wrong), policy):
        if not v.correct and v.note:  # its own reason ('too high: ...') says more
            # As dataclasses.replace, without its walk over the fields (a verdict is a few entries).
            return Verdict(**{**v.__dict__, "rule": Rule.LISTED_WRONG})
        return known_wrong(typed, v.expected)
    return v


def grade_short(typed: str, prep: Prepared, explain: bool = True) -> Verdict:
    """A typed text against the key and alternates: as written, normalised, with typos, in other forms
    (numbers, numerals, abbreviations, initials), by an accept pattern, or as a person's name. Without
    ``explain``, a normalised match's note does not say what was ignored (see ``grading.grade``)."""
    answers = prep.texts
    if typed == answers[0]:
        return Verdict(correct=True, rule=Rule.EXACT, note="accepted", score=1.0, expected=prep.expected)
    n = normalize(typed, prep.policy)
    hit = prep.matcher.find(n)
    if hit is None:
        if n in prep.wrong_norm:
            return known_wrong(typed, prep.expected)
        return _other_forms(typed, n, prep)
    text = answers[hit.index]
    if hit.distance:
        return _right(Rule.TYPO, typo_note(hit, text), prep, hit.distance)
    if hit.index == 0 or prep.matcher.texts[hit.index] == prep.matcher.texts[0]:
        note = why_normalized(typed, text, prep.policy) if explain else "accepted"
        return _right(Rule.NORMALIZED, note, prep)
    return _right(Rule.ALTERNATE, f"accepted: '{text}' is an alternate answer", prep)


def _right(rule: Rule, note: str, prep: Prepared, typos: int = 0) -> Verdict:
    return Verdict(correct=True, rule=rule, note=note, score=1.0, typos=typos, expected=prep.expected)


@functools.lru_cache(maxsize=1024)
def _forms(texts: tuple[str, ...], wrong: tuple[str, ...], policy: Policy) -> Matcher:
    """The matcher for the candidate texts and wrong answers in canonical form (forms.canonical)."""
    canon = [canonical(t, policy) for t in texts]
    return Matcher.build(canon, [0] * len(texts), [canonical(w, policy) for w in wrong], policy)


_RUN_INITIALS = re.compile(r"^([^\W\d_]{2,}) (\d+|[ivxlcdm]+)$")
# The number that ends initials (wwii, ww2): what tells 'WWI' from 'WWII'.
_NUMBER_END = re.compile(r"(?:\d+|[ivxlcdm]+)$")


@functools.lru_cache(maxsize=4096)
def _initials(
    texts: tuple[str, ...], norms: tuple[str, ...], policy: Policy
) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """For each candidate text: the initials it may be written as, and whether it holds a number.
    Numbers are read as numbers (Second World War: ww2) but abbreviations are not spelt out (U.S. Army
    has no initials: 'USA' is the country)."""
    numbered = replace(policy, abbreviations="keep")
    out = []
    for text, norm in zip(texts, norms, strict=True):
        numeric = canonical(text, numbered)
        out.append(((*initials_of(norm), *initials_of(numeric)), any(c.isdigit() for c in numeric)))
    return tuple(out)


def _other_forms(typed: str, n: str, prep: Prepared) -> Verdict:
    policy = prep.policy
    if policy.numerals == "any" or policy.abbreviations == "expand":
        forms = _forms(prep.texts, prep.wrong, policy)
        c = canonical(typed, policy)
        hit = forms.find(c) if c != n or forms.texts != prep.matcher.texts else None
        if hit is not None:
            read = f"accepted: '{typed.strip()}' is another way of writing {prep.texts[hit.index]}"
            if hit.distance:
                why = typo_note(hit, prep.texts[hit.index]).removeprefix("accepted: ")
                return _right(Rule.TYPO, f"{read}, {why.rsplit(' (', 1)[0]}", prep, hit.distance)
            return _right(Rule.EQUIVALENT, read, prep)
    run = _RUN_INITIALS.sub(r"\1\2", n)  # 'ww ii', 'ww 2': initials then a number
    other_number = ""
    if policy.initials == "accept" and run.isalnum() and len(run) >= 3:
        letters = _NUMBER_END.sub("", run)
        for i, (spelt, numbered) in enumerate(_initials(prep.texts, prep.matcher.texts, policy)):
            if run in spelt:
                note = f"accepted: {typed.strip()}, the initials of {prep.texts[i]}"
                return _right(Rule.EQUIVALENT, note, prep)
            if numbered and any(_NUMBER_END.sub("", f) == letters for f in spelt):
                other_number = f"not accepted: {typed.strip()} has another number than {prep.texts[i]}"
    kept = normalize(typed, replace(policy, articles="keep")) if prep.patterns else ""
    for i, (pattern, written) in enumerate(prep.patterns):
        if n and pattern.fullmatch(kept if i % 2 else n) and n not in prep.wrong_norm:
            return _right(Rule.PATTERN, f"accepted: matches '{written}'", prep)
    bracketed = _both_forms(typed, prep)
    if bracketed is not None:
        return bracketed
    note = ""
    if prep.person:
        verdict = _as_name(typed, prep)
        if verdict is not None:
            return verdict
        forward = as_written_forward(typed, policy)[0]
        initial = wrong_initial(forward, prep.matcher.texts[0], run_together(typed))
        note = f"not accepted: {initial} ({prep.expected})" if initial else ""
    note = note or other_number or why_wrong(typed, prep.texts, policy, prep.expected)
    return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=prep.expected)


# An answer followed by one bracketed text: 'Chairman of the Joint Chiefs of Staff (CJCS)'.
_BRACKETED = re.compile(r"(.*[^\s(])\s*\(([^()]*[^\s()][^()]*)\)")


def _both_forms(typed: str, prep: Prepared) -> Verdict | None:
    """The answer with another right form of it in brackets; None unless both parts are right alone."""
    m = _BRACKETED.fullmatch(typed.strip())
    if m is None:
        return None
    main, aside = (grade_short(part.strip(), prep) for part in m.groups())
    if not (main.correct and aside.correct):
        return None
    typos = main.typos + aside.typos
    note = f"accepted: '{m[1].strip()}' and '{m[2].strip()}' both name {prep.expected}"
    return _right(Rule.TYPO if typos else Rule.EQUIVALENT, note, prep, typos)


def _as_name(typed: str, prep: Prepared) -> Verdict | None:
    """A person's name typed as the surname alone, "Surname, Given", or with a title in front."""
    forward, changes = as_written_forward(typed, prep.policy)
    if not forward or forward in prep.wrong_norm:
        return None
    hit = prep.matcher.find(forward) if changes else None
    key = prep.matcher.texts[0]
    if hit is None:
        names = surnames(key)
        surname_of = Matcher.build(names, [0] * len(names), tuple(prep.wrong_norm), prep.policy)
        m = surname_of.find(forward)
        if m is None:
            initials, said = given_initials(forward, key, run_together(typed))
            m = surname_of.find(said) if initials else None
            if m is None:
                return None
            changes = ", ".join(filter(None, [changes, initials]))
            why = changes + (f", {_slips(m)}" if m.distance else "")
            return _right(Rule.NAME, f"accepted: {why} ({prep.texts[0]})", prep, m.distance)
        why = "the surname is enough" + (f", {changes}" if changes else "")
        if m.distance:
            why += f", {_slips(m)}"
        return _right(Rule.NAME, f"accepted: {why} ({prep.texts[0]})", prep, m.distance)
    why = changes + (f", {_slips(hit)}" if hit.distance else "")
    return _right(Rule.NAME, f"accepted: {why} ({prep.texts[hit.index]})", prep, hit.distance)


def _slips(hit: Hit) -> str:
    """What a typo match forgave, as in a typo's note: ``1 typo``, ``without 'a'``."""
    return typo_note(hit, "").removeprefix("accepted: ").removesuffix(" ()")
