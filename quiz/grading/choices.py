"""Choice and multi cards: a choice picked by letter, number or text; a set of choices."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from quiz.model import ChoiceCard, MultiCard, Policy, Rule, Verdict, letter

from .normalize import normalize
from .notes import join_names, typo_list, typo_note
from .pieces import ALIAS_RE, LABEL_RE, MULTI_SEP, read_label, split_picks
from .text import Prepared, known_wrong, listed, partly, prepare_choices
from .typos import SMALL_WORDS, Hit, droppable, literal_key, typo_budget, typo_match, word_edits


def grade_choice(
    card: ChoiceCard,
    typed: str,
    policy: Policy,
    shown: tuple[str, ...],
    wrong: tuple[str, ...],
    expected: str,
) -> Verdict:
    right = shown.index(card.answer) if card.answer in shown else -1
    prep = prepare_choices(shown, wrong, policy, expected)
    n = normalize(typed, prep.policy)
    # A choice literally named "b" or "2" is matched by its text; otherwise letters and numbers are positions.
    literal = prep.matcher.literal.get(literal_key(typed))
    label = None if literal is not None else read_label(typed, len(shown))
    if label is not None:
        i, kind = label
        shown_as = letter(i) if kind == Rule.LETTER else str(i + 1)
        if i == right:
            return Verdict(
                correct=True,
                rule=kind,
                note=f"accepted: {kind} {shown_as}",
                score=1.0,
                expected=expected,
            )
        return Verdict(
            correct=False,
            rule=Rule.WRONG,
            note=f"not accepted: {shown_as} is '{shown[i]}'",
            expected=expected,
        )
    if literal is None and LABEL_RE.fullmatch(typed.strip().casefold()):
        note = f"not accepted: there is no choice {typed.strip()}"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    hit = (
        Hit(prep.matcher.groups[literal], literal, 0)
        if literal is not None
        else prep.matcher.find(n, allowed=frozenset({right}))
    )
    if hit is None:
        if n in prep.wrong_norm:
            return known_wrong(typed, expected)
        named = _choices_by_words(n, prep)
        if len(named) != 1:
            which = "does not name one of the choices" if not named else "names more than one choice"
            note = f"not accepted: '{typed.strip()[:40]}' {which}; the answer is {expected}"
            return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
        part = named.pop()
        if part != right:
            note = f"not accepted: '{shown[part]}' is not the answer"
            return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
        note = f"accepted: matches choice '{shown[right]}'"
        return Verdict(correct=True, rule=Rule.CHOICE_TEXT, note=note, score=1.0, expected=expected)
    if hit.group != right:
        note = f"not accepted: '{shown[hit.group]}' is not the answer"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    if hit.distance:
        return Verdict(
            correct=True,
            rule=Rule.TYPO,
            note=typo_note(hit, shown[right]),
            score=1.0,
            typos=hit.distance,
            expected=expected,
        )
    return Verdict(
        correct=True,
        rule=Rule.CHOICE_TEXT,
        note=f"accepted: the text of choice {letter(right)}",
        score=1.0,
        expected=expected,
    )


# ", and" (the Oxford comma) is one separator; a choice whose text holds one is read whole (segmenting).
_NEGATING = frozenset(["not", "no", "never", "nor", "neither", "except"])
# Words that, added to a post or a name, make it another one (a deputy chief is not the chief).
_OTHER_POST = frozenset(["deputy", "vice", "assistant", "acting", "former", "ex", "lieutenant", "sub"])


def _has_word(words: set[str], word: str, policy: Policy) -> bool:
    return word in words or any(word_edits(word, w, policy) is not None for w in words)


def _choices_by_words(typed_norm: str, prep: Prepared) -> set[int]:
    """The choices the typed words name (part of their words, all of them, or an alias)."""
    typed = set(typed_norm.split())
    if not typed or typed & _NEGATING or not any(len(w) >= 3 and w not in SMALL_WORDS for w in typed):
        return set()
    policy = prep.policy
    found = set()
    for i, text in enumerate(prep.matcher.texts):
        words = set(text.split())
        alias = ALIAS_RE.search(prep.texts[i])
        main_text = normalize(prep.texts[i][: alias.start()], policy) if alias else text
        main = set(main_text.split())
        key = {w for w in main if len(w) >= 3 and w not in SMALL_WORDS}
        if alias and normalize(alias[1], policy) == typed_norm:
            found.add(prep.matcher.groups[i])
        elif alias and (m := typo_match(typed_norm, main_text, typo_budget(main_text, policy), policy)):
            # The text without its alias, with typos ('airforce'), unless another choice is as close.
            g = prep.matcher.groups
            others = (t for j, t in enumerate(prep.matcher.texts) if g[j] != g[i])
            if all(OSA.distance(typed_norm, t, score_cutoff=m.distance) > m.distance for t in others):
                found.add(prep.matcher.groups[i])
        elif all(_has_word(words, w, policy) for w in typed if not droppable(w)):
            # Part of the choice's words: at least half of those that carry meaning.
            if 2 * sum(1 for w in key if _has_word(typed, w, policy)) >= len(key):
                found.add(prep.matcher.groups[i])
        elif main and all(_has_word(typed, w, policy) for w in main) and not (typed - words) & _OTHER_POST:
            found.add(prep.matcher.groups[i])
    return found


def _run_together(s: str, prep: Prepared, count: int) -> list[int] | None:
    """Choice letters typed without separators (``acd``): each a different letter among the shown
    choices, and the whole no choice's text (nor one misspelt); None when ``s`` is not that."""
    if not (1 < len(s) <= count and s.isascii() and s.isalpha() and len(set(s.casefold())) == len(s)):
        return None
    picks = [ord(c) - ord("a") for c in s.casefold()]
    if any(p >= count for p in picks) or prep.matcher.find(normalize(s, prep.policy)) is not None:
        return None
    return picks


def grade_multi(
    card: MultiCard, typed: str, policy: Policy, shown: tuple[str, ...], wrong: tuple[str, ...], expected: str
) -> Verdict:
    prep = prepare_choices(shown, (), policy, expected)
    letters = _run_together(typed.strip(), prep, len(shown))
    unknown: list[str] = []
    typo_hits: list[Hit] = []
    if letters is not None:
        picks = letters
    else:
        picks, unknown, typo_hits, _ = split_picks(typed, MULTI_SEP, prep, len(shown))
    typos = sum(h.distance for h in typo_hits)
    picked = set(picks)
    right = {i for i, c in enumerate(shown) if c in card.answers}
    got = picked & right
    bad = picked - right
    total = len(right) or 1
    score = max(0.0, (len(got) - len(bad) - len(unknown)) / total)
    if picked == right and not unknown:
        note = f"accepted: all {len(right)} right"
        if typos:
            note += f", {typo_list(typo_hits, prep.texts)}"
        v = Verdict(
            correct=True,
            rule=Rule.TYPO if typos else Rule.ANY_ORDER,
            note=note,
            score=1.0,
            typos=typos,
            expected=expected,
        )
        return listed(v, typed, wrong, policy)
    parts = [f"{len(got)} of {len(right)} right"]
    missing = [shown[i] for i in sorted(right - picked)]
    extra = [shown[i] for i in sorted(bad)] + [f"'{u}'" for u in unknown[:3]]
    details = []
    if missing:
        details.append(f"missing {join_names(missing)}")
    if extra:
        details.append(f"{join_names(extra)} {'is' if len(extra) == 1 else 'are'} not right")
    note = parts[0] + (", but " if got == right else ": ") + "; ".join(details) if details else parts[0]
    return listed(partly(score, note, expected), typed, wrong, policy)
