"""Properties of grading that must hold for every card, policy and typed text (Hypothesis)."""

from __future__ import annotations

import calendar
import datetime
import random
import re
import unicodedata

import strategies as S
from hypothesis import example, given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from quiz.grading import grade, normalize, typo_budget
from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Example,
    MultiCard,
    NumberCard,
    OrderCard,
    PartialDate,
    Policy,
    ShortCard,
)

DEFAULT = Policy()


def _letter(i: int) -> str:
    return chr(ord("a") + i)


# --- normalisation -----------------------------------------------------------------------------


@given(S.any_text | S.tricky_text, S.policies)
@example("the the cat", Policy())
@example("İ\u0307", Policy())
@example("ΐ", Policy(accents="sensitive"))
def test_normalize_is_idempotent(text: str, policy: Policy) -> None:
    """Normalising an already normalised text changes nothing."""
    once = normalize(text, policy)
    assert normalize(once, policy) == once


@given(S.tricky_text, S.policies)
def test_normalize_keeps_letters_and_digits_of_every_script(text: str, policy: Policy) -> None:
    """Letters of any script and digits survive normalisation (only marks, punctuation and spacing go)."""
    kept = [c for c in text if unicodedata.category(c) in ("Lo",) and not unicodedata.decomposition(c)]
    out = normalize(text, policy)
    for c in kept:
        assert unicodedata.normalize("NFKC", c) in out or c in out


# --- never raises, deterministic ----------------------------------------------------------------


@given(S.any_card, S.any_text | S.tricky_text, S.policies)
@example(ShortCard(id="x", prompt="?", answer="Bern"), "\ud800", Policy())
@example(ShortCard(id="x", prompt="?", answer="Bern"), "\x00Bern\x00", Policy())
@example(DateCard(id="d", prompt="?", answer=PartialDate(2019, 12, 18)), "9999999999999-12-18", Policy())
@example(NumberCard(id="n", prompt="?", answer=1.0), "1e999999", Policy())
@example(OrderCard(id="o", prompt="?", items=("Yalta", "Potsdam")), "1 2 3", Policy()).via("the audit")
@example(OrderCard(id="o", prompt="?", items=("Yalta", "Potsdam")), "1 2 2", Policy()).via("the audit")
def test_grade_never_raises_and_is_deterministic(card: Card, typed: str, policy: Policy) -> None:
    """Whatever is typed, grading returns a sane verdict, the same one every time."""
    first = grade(card, typed, policy)
    assert first == grade(card, typed, policy)
    assert first.rule != "error"
    assert 0.0 <= first.score <= 1.0
    assert first.correct == (first.score == 1.0)
    assert first.expected == card.answer_text()


@given(S.any_card, S.policies)
def test_huge_input_is_graded_quickly_and_wrong(card: Card, policy: Policy) -> None:
    """A megabyte of input is refused without trouble."""
    verdict = grade(card, "ab,c " * 200_000, policy)
    assert not verdict.correct


# --- the key is always accepted -----------------------------------------------------------------


@given(S.short_cards(), S.policies)
@example(ShortCard(id="x", prompt="?", answer="!a", accept=("?",)), Policy())
def test_short_key_and_alternates_always_accepted(card: ShortCard, policy: Policy) -> None:
    """The key and every alternate are accepted, whatever the policy."""
    for text in (card.answer, *card.accept):
        assert grade(card, text, policy).correct, text


@given(S.short_cards(), S.policies, st.data())
def test_variants_the_policy_ignores_are_accepted(
    card: ShortCard, policy: Policy, data: st.DataObject
) -> None:
    """Changing only what the policy ignores (case, accents, spacing) keeps the answer right."""
    variant = card.answer
    if policy.case == "insensitive":
        variant = data.draw(st.sampled_from([variant.upper(), variant.lower(), variant.swapcase()]))
    if policy.accents == "insensitive":
        variant = unicodedata.normalize(
            "NFC", "".join(c for c in unicodedata.normalize("NFD", variant) if not 0x300 <= ord(c) <= 0x36F)
        )
    if policy.whitespace == "collapse":
        variant = "  " + re.sub(r"\s", " \t ", variant) + " \n"
    if normalize(variant, policy) == normalize(card.answer, policy):
        assert grade(card, variant, policy).correct
    # the variant may differ by what the policy keeps (e.g. upper-casing ß while keeping punctuation)


@given(S.short_cards(), st.data())
def test_case_accent_space_variants_accepted_by_default_policy(card: ShortCard, data: st.DataObject) -> None:
    """Under the default policy, an upper-cased, accent-stripped, re-spaced key is accepted."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", card.answer) if not 0x300 <= ord(c) <= 0x36F)
    variant = "  " + " ".join(stripped.upper().split()) + " "
    assert normalize(variant, DEFAULT) == normalize(card.answer, DEFAULT)
    assert grade(card, variant, DEFAULT).correct


@given(S.cloze_cards(), S.policies)
def test_cloze_gaps_typed_in_order_are_accepted(card: ClozeCard, policy: Policy) -> None:
    """Every gap's text, separated by ';', is accepted; so is any mix of alternates."""
    from quiz.model.cloze import gaps

    found = gaps(card.prompt)
    assert grade(card, "; ".join(g.answer for g in found), policy).correct
    extra = dict(card.accept)
    mixed = [extra.get(g.number, (g.answer,))[-1] for g in found]
    assert grade(card, "; ".join(mixed), policy).correct


@given(S.bool_cards, st.sampled_from(["t", "True", "YES", "y", "1", "correct", "Right"]))
def test_bool_true_words(card: BoolCard, word: str) -> None:
    """Every way of saying true is right exactly when the statement is true."""
    assert grade(card, word, DEFAULT).correct == card.answer


# --- choices and shown order --------------------------------------------------------------------


@given(S.choice_cards(), S.policies, st.randoms(use_true_random=False))
@example(ChoiceCard(id="c", prompt="?", choices=("then", "{a: b}"), answer="then"), DEFAULT, random.Random(0))
def test_choice_letters_follow_the_shown_order(card: ChoiceCard, policy: Policy, rng: random.Random) -> None:
    """For any shuffle, the right choice's letter and number are accepted and every other one rejected."""
    shown = list(card.choices)
    rng.shuffle(shown)
    for i, text in enumerate(shown):
        right = text == card.answer
        for typed in (_letter(i), _letter(i).upper() + ")", f"({i + 1})", str(i + 1)):
            assert grade(card, typed, policy, shown=shown).correct == right, (typed, shown)
    assert grade(card, card.answer, policy, shown=shown).correct


@given(S.choice_cards(), S.policies)
def test_choice_other_texts_are_never_accepted(card: ChoiceCard, policy: Policy) -> None:
    """No other choice's text is ever accepted, typos or not."""
    for text in card.choices:
        if text != card.answer:
            assert not grade(card, text, policy).correct


@given(S.multi_cards(), S.policies, st.randoms(use_true_random=False), st.data())
def test_multi_subsets_in_any_order(
    card: MultiCard, policy: Policy, rng: random.Random, data: st.DataObject
) -> None:
    """The right letters in any order are accepted for any shown order; any other set is not."""
    shown = list(card.choices)
    rng.shuffle(shown)
    right = [_letter(i) for i, c in enumerate(shown) if c in card.answers]
    rng.shuffle(right)
    sep = data.draw(st.sampled_from([", ", ",", " ", "; ", " and ", " & ", ", and "]))
    assert grade(card, sep.join(right), policy, shown=shown).correct
    other = data.draw(st.sets(st.sampled_from(range(len(shown))), min_size=1))
    letters = [_letter(i) for i in sorted(other)]
    expected = {shown[i] for i in other} == set(card.answers)
    verdict = grade(card, ", ".join(letters), policy, shown=shown)
    assert verdict.correct == expected
    assert 0.0 <= verdict.score <= 1.0


@given(S.multi_cards(), S.policies, st.randoms(use_true_random=False))
def test_multi_texts_in_any_order(card: MultiCard, policy: Policy, rng: random.Random) -> None:
    """The right choices' texts, in any order, are accepted."""
    texts = list(card.answers)
    rng.shuffle(texts)
    assert grade(card, "; ".join(texts), policy).correct


@given(S.order_cards(), S.policies, st.randoms(use_true_random=False))
@example(OrderCard(id="o", prompt="?", items=("0A", ">0A")), DEFAULT, random.Random(0))
@example(OrderCard(id="o", prompt="?", items=("0A", "0A>")), DEFAULT, random.Random(0))
@example(OrderCard(id="o", prompt="?", items=("A:A", "0A")), DEFAULT, random.Random(0))
def test_order_positions_follow_the_shown_order(card: OrderCard, policy: Policy, rng: random.Random) -> None:
    """Positions refer to the shown order; the right sequence of positions and of texts is accepted."""
    shown = list(card.items)
    rng.shuffle(shown)
    positions = [str(shown.index(item) + 1) for item in card.items]
    assert grade(card, " ".join(positions), policy, shown=shown).correct
    assert grade(card, ", ".join(positions), policy, shown=shown).correct
    assert grade(card, " ; ".join(card.items), policy, shown=shown).correct
    if shown != list(card.items):
        wrong = [str(i + 1) for i in range(len(shown))]
        assert not grade(card, " ".join(wrong), policy, shown=shown).correct


# --- typos never land on a wrong answer ---------------------------------------------------------


def _edit(text: str, seed: int) -> str:
    """``text`` with one insertion, deletion or substitution chosen by ``seed``."""
    rng = random.Random(seed)
    i = rng.randint(0, len(text))
    c = rng.choice("abcdefghijklmnopqrstuvwxyzé ")
    kind = rng.choice(["insert", "delete", "replace"])
    if kind == "insert" or not text:
        return text[:i] + c + text[i:]
    i = min(i, len(text) - 1)
    return text[:i] + ("" if kind == "delete" else c) + text[i + 1 :]


@given(S.choice_cards(), S.policies, st.integers(0, 2**32))
def test_a_typo_never_picks_another_choice(card: ChoiceCard, policy: Policy, seed: int) -> None:
    """A typo is accepted only when the input is strictly closer to the answer than to any other choice."""
    typed = _edit(random.Random(seed).choice(card.choices), seed)
    verdict = grade(card, typed, policy)
    if verdict.rule == "typo":
        n = normalize(typed, policy)
        d = OSA.distance(n, normalize(card.answer, policy))
        assert d == verdict.typos
        for other in card.choices:
            if other != card.answer:
                assert OSA.distance(n, normalize(other, policy)) > d


@given(S.short_cards(), st.lists(S.answer_text, min_size=1, max_size=3), S.policies, st.integers(0, 2**32))
@example(ShortCard(id="x", prompt="?", answer="Gerasimov"), ["Gerasimova"], Policy(), 0).via("the issue")
def test_a_typo_never_accepts_a_reject_example(
    card: ShortCard, rejects: list[str], policy: Policy, seed: int
) -> None:
    """Reject examples (and texts at least as close to them) are never accepted through a typo."""
    card = ShortCard(
        id=card.id, prompt=card.prompt, answer=card.answer, accept=card.accept,
        reject_examples=tuple(Example(r) for r in rejects),
    )  # fmt: skip
    # An alternate with an unescaped '*' is a pattern (a reject example it matches stays refused);
    # '\*' is a literal star.
    texts = (card.answer, *(t.replace("\\*", "*") for t in card.accept if not re.search(r"(?<!\\)\*", t)))
    accepted = {normalize(t, policy) for t in texts}
    for r in rejects:
        verdict = grade(card, r, policy)
        assert verdict.correct == (normalize(r, policy) in accepted)
    typed = _edit(random.Random(seed).choice([card.answer, *rejects]), seed)
    verdict = grade(card, typed, policy)
    if verdict.rule == "typo":
        n = normalize(typed, policy)
        for r in rejects:
            nr = normalize(r, policy)
            if nr and nr not in accepted:
                assert OSA.distance(n, nr) > verdict.typos


@given(S.words, S.words, S.policies)
def test_typo_acceptance_is_symmetric(a: str, b: str, policy: Policy) -> None:
    """Distance is symmetric and the key's length sets the budget: keys in one band accept alike."""
    na, nb = normalize(a, policy), normalize(b, policy)
    if typo_budget(na, policy) != typo_budget(nb, policy):
        return
    one = grade(ShortCard(id="a", prompt="?", answer=a), b, policy).correct
    two = grade(ShortCard(id="b", prompt="?", answer=b), a, policy).correct
    assert one == two


_OPPOSITE_PAIRS = [
    ("north", "south"), ("east", "west"), ("western", "eastern"), ("northern", "southern"),
    ("upper", "lower"),
    ("i", "ii"), ("ii", "iii"), ("iv", "v"), ("xiv", "xv"), ("1941", "1914"), ("66", "67"),
    ("hypertension", "hypotension"), ("confidential", "unconfidential"), ("possible", "impossible"),
    ("legal", "illegal"), ("regular", "irregular"), ("proliferation", "nonproliferation"),
    ("agree", "disagree"), ("accurate", "inaccurate"), ("confliction", "deconfliction"),
    ("escalation", "deescalation"), ("aircraft", "antiaircraft"),
]  # fmt: skip


@given(
    st.lists(S.words, max_size=3), st.lists(S.words, max_size=3), st.sampled_from(_OPPOSITE_PAIRS),
    st.booleans(), S.policies,
)  # fmt: skip
@example(["great", "power"], [], ("competition", "cooperation"), False, Policy())
@example([], ["korea"], ("north", "south"), True, Policy(typos=3))
@example(["world", "war"], [], ("ii", "iii"), False, Policy())
@example(["kim", "jong"], [], ("un", "il"), False, Policy())
@example(["enhance"], [], ("confliction", "deconfliction"), True, Policy())
@example([], [], ("escalation", "deescalation"), False, Policy())
def test_typos_never_accept_a_word_level_opposite(
    before: list[str], after: list[str], pair: tuple[str, str], flip: bool, policy: Policy
) -> None:
    """Typo tolerance never accepts a direction, numeral or negated word in place of the key's word."""
    key_word, typed_word = reversed(pair) if flip else pair
    key = " ".join([*before, key_word, *after])
    typed = " ".join([*before, typed_word, *after])
    verdict = grade(ShortCard(id="k", prompt="?", answer=key), typed, policy)
    assert not verdict.correct, (key, typed, verdict)


# --- numbers ------------------------------------------------------------------------------------


def _number_forms(card: NumberCard) -> list[str]:
    value = card.answer
    forms = [repr(value), f"{value:.12e}", f"{value:,}"]
    if value.is_integer():
        n = int(value)
        forms += [str(n), f"{n:,}", f"{n:,}".replace(",", " "), f"{n:_}", f"{n:+d}"]
        if abs(n) >= 1000 and n % 100 == 0:
            forms.append(f"{n / 1000:g}k")
    else:
        forms.append(f"{value:,.2f}")
        forms.append(f"{value:.2f}".replace(".", ","))
    if card.unit:
        forms += [f"{forms[0]} {card.unit}", f"{forms[0]}{card.unit.upper()}"]
    return forms


@given(S.number_cards())
@example(NumberCard(id="n", prompt="?", answer=1200.0, unit="km"))
@example(NumberCard(id="n", prompt="?", answer=-0.5))
@example(NumberCard(id="n", prompt="?", answer=10000001.0))
def test_every_format_of_the_number_is_accepted(card: NumberCard) -> None:
    """The key written with separators, exponent, sign or unit is accepted."""
    for form in _number_forms(card):
        assert grade(card, form, DEFAULT).correct, form


@given(S.number_cards(), st.floats(1.001, 1000))
@example(NumberCard(id="n", prompt="?", answer=3000019.0), 1.001).via("rounding slack was relative 1e-9")
def test_numbers_outside_the_tolerance_are_rejected(card: NumberCard, factor: float) -> None:
    """A value beyond the tolerance is wrong, above or below."""
    tol = abs(card.answer) * card.tolerance / 100 if card.tolerance_percent else card.tolerance
    step = max(tol, 1e-3) * factor + 1e-3
    for value in (card.answer + step, card.answer - step):
        if abs(value - card.answer) > tol * 1.0001 + 1e-6:
            assert not grade(card, repr(value), DEFAULT).correct, value


# --- dates --------------------------------------------------------------------------------------


def _date_forms(d: PartialDate, order: str) -> list[str]:
    import calendar

    forms = [d.iso(), d.human()]
    if d.month is not None and d.day is None:
        name = calendar.month_name[d.month]
        forms += [f"{name[:3]} {d.year}", f"{d.month:02d}/{d.year}", f"{name.upper()} {d.year}"]
    if d.day is not None and d.month is not None:
        name = calendar.month_name[d.month]
        mdy = f"{d.month}/{d.day}/{d.year}"
        dmy = f"{d.day}.{d.month}.{d.year}"
        forms += [
            f"{name[:3]}. {d.day}, {d.year}",
            f"{d.day} {name} {d.year}",
            f"the {d.day}th of {name} {d.year}",
            mdy if order == "mdy" or d.day > 12 else dmy,
            dmy if order == "dmy" or d.day > 12 else mdy,
        ]
    return forms


@given(S.partial_dates(), st.sampled_from(["mdy", "dmy"]))
@example(PartialDate(2017, 2), "mdy")
@example(PartialDate(2019, 12, 18), "dmy")
def test_every_format_of_the_date_is_accepted(key: PartialDate, order: str) -> None:
    """The key written in any supported form is accepted; a more precise agreeing date too."""
    card = DateCard(id="d", prompt="?", answer=key)
    policy = Policy(date_order=order)  # type: ignore[arg-type]
    for form in _date_forms(key, order):
        assert grade(card, form, policy).correct, form
    if key.day is None:
        finer = PartialDate(key.year, key.month or 1, 1)
        verdict = grade(card, finer.iso(), policy)
        assert verdict.correct and verdict.rule == "date-more-precise"


@given(st.dates(datetime.date(1000, 1, 1), datetime.date(2999, 12, 30)), st.integers(1, 27))
@example(datetime.date(2019, 12, 18), 1)
def test_two_days_given_as_one_answer_are_never_accepted(key: datetime.date, step: int) -> None:
    """A range or a pair of days ('Dec 18-19 2019', '2019-12-18/19') hedges between two answers: not right."""
    card = DateCard(id="d", prompt="?", answer=PartialDate(key.year, key.month, key.day))
    other = key + datetime.timedelta(days=step)
    mon, y, m = calendar.month_name[key.month], key.year, key.month
    for a, b in ((key.day, other.day), (other.day, key.day)):
        for form in (f"{mon[:3]} {a}-{b} {y}", f"{mon} {a}/{b} {y}", f"{a}-{b} {mon} {y}",
                     f"{a}/{b} {mon} {y}", f"{y}-{m:02d}-{a:02d}/{b:02d}", f"{y}/{m}/{a}-{b}"):
            assert not grade(card, form, DEFAULT).correct, form
    for form in (f"{key.isoformat()} - {other.isoformat()}", f"{other.isoformat()}/{key.isoformat()}"):
        assert not grade(card, form, DEFAULT).correct, form


@given(S.partial_dates(), S.partial_dates(), st.sampled_from(["mdy", "dmy"]))
def test_other_dates_are_rejected(key: PartialDate, other: PartialDate, order: str) -> None:
    """A date that contradicts the key, or says less than it, is wrong."""
    card = DateCard(id="d", prompt="?", answer=key)
    policy = Policy(date_order=order)  # type: ignore[arg-type]
    prec = ("year", "month", "day")
    common = prec[min(prec.index(key.precision), prec.index(other.precision))]
    parts = {"year": 1, "month": 2, "day": 3}[common]
    full = lambda d: (d.year, d.month or 0, d.day or 0)  # noqa: E731
    agree = full(key)[:parts] == full(other)[:parts]
    coarser = prec.index(other.precision) < prec.index(key.precision)
    for form in _date_forms(other, order):
        assert grade(card, form, policy).correct == (agree and not coarser), form


_LOWER = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(_LOWER.filter(lambda s: len(s) > 1), _LOWER)
@example("isis", "idk").via("'idk' was called another word than the alternate 'is'")
def test_a_word_is_called_a_near_miss_only_when_most_of_it_is_right(key: str, typed: str) -> None:
    """'another word than X, not a typo' is said of a word that keeps at least half of X's letters in
    place; 'idk' for 'IS' (ISIS) is simply not the answer."""
    card = ShortCard(id="s", prompt="?", answer=key.upper(), accept=(key[: len(key) // 2].upper(),))
    verdict = grade(card, typed, DEFAULT)
    for k in (key, key[: len(key) // 2]):
        if f"another word than '{k}'" in verdict.note:
            assert OSA.distance(typed, k) <= len(k) // 2, verdict.note
