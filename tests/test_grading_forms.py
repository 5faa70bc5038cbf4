"""Fair grading, part two: distinguishing tokens, the forms people type, unreadable answers, reasons."""

from __future__ import annotations

import pytest
import roman
import strategies as S
from hypothesis import assume, example, given
from hypothesis import strategies as st

from quiz.deckio import parse, to_yaml
from quiz.grading import grade, normalize, parse_number
from quiz.grading.forms import canonical
from quiz.grading.typos import fixed_word
from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    DateCard,
    Example,
    MultiCard,
    NumberCard,
    PartialDate,
    Policy,
    ShortCard,
)

P = Policy()


def short(answer: str, *accept: str, person: bool = False, reject: tuple[str, ...] = ()) -> ShortCard:
    return ShortCard(
        id="s", prompt="?", answer=answer, accept=accept, person=person,
        reject_examples=tuple(Example(r) for r in reject),
    )  # fmt: skip


# --- 1. distinguishing tokens ------------------------------------------------------------------

_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def _token(kind: str, value: int) -> str:
    if kind == "letter":
        return "bcdefghjkmnopqrstuwyz"[value % 21].upper()
    if kind == "digits":
        return str(value)
    if kind == "roman":
        return str(roman.toRoman(value))
    if kind == "ordinal-word":
        return _ORDINALS[(value - 1) % 10]
    return f"{value}{_SUFFIX.get(value % 10 if value % 100 not in (11, 12, 13) else 0, 'th')}"


_kinds = st.sampled_from(["letter", "digits", "roman", "ordinal-word", "ordinal"])
_NAME_WORDS = ["Plan", "Type", "Model", "Henry", "Apollo", "Route", "Vitamin", "Battle", "Army", "Louis"]
_names = st.lists(st.sampled_from(_NAME_WORDS), min_size=1, max_size=3)


@given(_names, _kinds, st.integers(1, 10), st.integers(1, 10), st.booleans())
@example(["Plan"], "letter", 1, 2, False)
@example(["Henry"], "roman", 8, 7, False)
def test_a_distinguishing_token_changed_or_dropped_is_refused(
    words: list[str], kind: str, a: int, b: int, first: bool
) -> None:
    """For any key holding a lone letter, a number, a Roman numeral or an ordinal, typing another one
    of the same kind in its place, or leaving it out, is refused."""
    assume(a != b)
    tok, other = _token(kind, a), _token(kind, b)
    assume(normalize(tok, P) != normalize(other, P))
    key_words = [tok, *words] if first else [*words, tok]
    key = " ".join(key_words)
    swapped = " ".join(other if w == tok else w for w in key_words)
    dropped = " ".join(w for w in key_words if w != tok)
    card = short(key)
    assert grade(card, key, P).correct
    assert not grade(card, swapped, P).correct
    assert not grade(card, dropped, P).correct


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("Plan B", "Plan"), ("Plan B", "PlanC"), ("Type 2", "Type 1"), ("Henry VIII", "Henry VII"),
        ("Model S", "Model X"), ("World War I Memorial", "World War Memorial"),
        ("Second Battle of Bull Run", "Third Battle of Bull Run"), ("Apollo 11", "Apollo 13"),
        ("Plan", "Plan B"), ("Route 66", "Route sixty-seven"),
    ],
)  # fmt: skip
def test_distinguishing_tokens_examples(key: str, typed: str) -> None:
    """The token that tells two answers apart is never dropped, added, typo-corrected or swapped."""
    v = grade(short(key), typed, P)
    assert not v.correct and v.rule == "wrong" and v.note.startswith("not accepted")


def test_a_middle_initial_may_still_be_left_out() -> None:
    """A single letter between two words is a middle initial: left out or added, it is the same name."""
    assert grade(short("Joseph F. Dunford"), "Joseph Dunford", P).correct
    assert grade(short("Valery Gerasimov"), "Valery V. Gerasimov", P).correct


@pytest.mark.parametrize(
    ("key", "typed", "correct"),
    [
        ("Strait of Hormuz", "Strait Hormus", True), ("Gulf of Mexico", "Gulf Mexcio", True),
        ("Mark A. Milley", "Mark Miley", True), ("Joseph F. Dunford", "Joseph Dunfrod", True),
        ("Valery V. Gerasimov", "Valery Gerasimov", True), ("Valery V. Gerasimov", "Valery Gerasimv", True),
        ("Charles V. Smith", "Charles Smith", True),
        # A letter that can be a numeral is one when the key does not write it as an initial.
        ("Charles V Smith", "Charles Smith", False), ("World War I Memorial", "World War Memorail", False),
        ("Type 2 diabetes", "Type diabets", False), ("Bank of England", "Bank in England", False),
        ("Tom and Jerry", "Tom or Jerry", False), ("Not Guilty", "Guilty", False),
    ],
)  # fmt: skip
def test_a_small_word_left_out_and_a_typo_beside_it(key: str, typed: str, correct: bool) -> None:
    """A left-out small word or middle initial and a misspelt word in the same answer are both forgiven
    (each within its own rule); a distinguishing word is still never left out."""
    assert grade(short(key), typed, P).correct is correct


_LONG_WORDS = ["Hormuz", "Mexico", "Gerasimov", "Dunford", "Pyongyang", "Helsinki", "Singapore", "Normandy"]


@given(
    st.sampled_from(_LONG_WORDS), st.sampled_from(_LONG_WORDS), st.sampled_from(["of", "the", "and", "F."]),
    st.integers(0, 4), st.sampled_from("xqz"),
)  # fmt: skip
def test_leaving_out_a_small_word_never_costs_the_typo_of_another(
    head: str, tail: str, small: str, at: int, letter: str
) -> None:
    """For any key 'A small B', 'A B' with one letter of B changed is accepted exactly when 'A small B'
    with that letter changed is: leaving out the small word does not use up B's typo."""
    key = f"{head} {small} {tail}"
    i = at % len(tail)
    misspelt = tail[:i] + letter + tail[i + 1 :]
    assume(misspelt.casefold() != tail.casefold())
    with_word = grade(short(key), f"{head} {small} {misspelt}", P).correct
    assert grade(short(key), f"{head} {misspelt}", P).correct is with_word


# --- 2. forms people type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("Henry VIII", "Henry 8"), ("Henry VIII", "Henry the Eighth"), ("Henry VIII", "henry 8th"),
        ("Super Bowl L", "Super Bowl 50"), ("Super Bowl 50", "Super Bowl L"), ("World War II", "World War 2"),
        ("World War Two", "World War II"), ("Apollo 11", "Apollo eleven"), ("Catch-22", "Catch twenty-two"),
        ("Second Battle of Bull Run", "2nd Battle of Bull Run"), ("21", "twenty-one"),
        ("Mount Everest", "Mt. Everest"), ("Mt. Everest", "Mount Everest"), ("St. Louis", "Saint Louis"),
        ("Saint Helena", "St Helena"), ("Baker Street", "Baker St."), ("Fort Sumter", "Ft. Sumter"),
        ("Gen. Patton", "General Patton"), ("Dr. Livingstone", "Doctor Livingstone"),
        ("United States", "U.S."), ("U.S. Army", "United States Army"), ("Mt Everest", "mount everst"),
    ],
)  # fmt: skip
def test_numerals_number_words_and_abbreviations_are_read_alike(key: str, typed: str) -> None:
    """Number words, Roman and Arabic numerals, and common abbreviations are other ways of writing the key."""
    v = grade(short(key), typed, P)
    assert v.correct, v
    assert v.rule in ("equivalent", "typo") and key in v.note


_FORMS = ["Mt.", "Mount", "St.", "Saint", "Ft.", "Fort", "Gen.", "General", "Dr.", "Doctor", "U.S.",
          "United States", "VIII", "8", "eight", "L", "50", "fifty"]  # fmt: skip


@given(
    st.sampled_from(_FORMS),
    st.sampled_from(["Everest", "Louis Blues", "Sumter", "Patton", "Henry", "Super Bowl"]),
    st.booleans(),
)
def test_the_new_equivalences_are_symmetric(form: str, name: str, before: bool) -> None:
    """If typing A is accepted for the key B, typing B is accepted for the key A."""
    partner = {"Mt.": "Mount", "St.": "Saint", "Ft.": "Fort", "Gen.": "General", "Dr.": "Doctor",
               "U.S.": "United States", "VIII": "8", "eight": "VIII", "L": "50", "fifty": "L"}  # fmt: skip
    partner.update({v: k for k, v in list(partner.items())})
    other = partner.get(form, form)
    a = f"{form} {name}" if before else f"{name} {form}"
    b = f"{other} {name}" if before else f"{name} {other}"
    assume(not (form in ("St.", "Saint", "Dr.", "Doctor") and not before))  # as the last word: Street, Drive
    assert grade(short(a), b, P).correct == grade(short(b), a, P).correct


@given(S.answer_text, S.policies)
@example("Ç", Policy(case="sensitive", accents="insensitive", numerals="any"))  # folds to C: 100
@example("C'", Policy(case="sensitive", punctuation="ignore", numerals="any"))
@example("Second World War", P)  # an ordinal in front moves to the end once
@example("First XI", P)
def test_canonical_form_is_idempotent(text: str, policy: Policy) -> None:
    """Reading numerals and abbreviations twice changes nothing more than reading them once."""
    once = canonical(text, policy)
    assert canonical(once, policy) == once


def test_initials_of_a_long_name_are_accepted_one_way() -> None:
    """NATO for North Atlantic Treaty Organization; four words whose initials spell a key are not the key."""
    v = grade(short("North Atlantic Treaty Organization"), "NATO", P)
    assert (v.correct, v.rule) == (True, "equivalent")
    assert grade(short("Union of Soviet Socialist Republics"), "USSR", P).correct
    assert not grade(short("Cold War"), "CW", P).correct  # two words: too few to be known by initials
    assert not grade(short("NATO"), "Not A True Organization", P).correct
    assert not grade(short("North Atlantic Treaty Organization"), "NAT", P).correct


@pytest.mark.parametrize(
    ("policy", "key", "typed"),
    [
        (Policy(numerals="exact"), "Henry VIII", "Henry 8"),
        (Policy(numerals="exact"), "Apollo 11", "Apollo eleven"),
        (Policy(abbreviations="keep"), "Mount Everest", "Mt. Everest"),
        (Policy(initials="refuse"), "North Atlantic Treaty Organization", "NATO"),
    ],
)
def test_an_author_can_switch_each_form_off(policy: Policy, key: str, typed: str) -> None:
    """numerals: exact, abbreviations: keep and initials: refuse each turn their reading off."""
    assert grade(short(key), typed, P).correct
    assert not grade(short(key), typed, policy).correct


@pytest.mark.parametrize(
    ("text", "value"),
    [("twenty-one", 21), ("Seven", 7), ("a hundred", 100), ("one hundred and five", 105),
     ("three point five", 3.5), ("seven million", 7e6), ("2 million", 2e6), ("zero", 0)],
)  # fmt: skip
def test_number_words_are_read_on_number_cards(text: str, value: float) -> None:
    """A number card reads numbers written in words."""
    assert parse_number(text) == value


DECADES = NumberCard(id="d", prompt="?", answer=7, unit="decades")
METRES = NumberCard(id="m", prompt="?", answer=3000, unit="m", tolerance=10)
COUNTRIES = NumberCard(id="c", prompt="?", answer=5, unit="countries")


@pytest.mark.parametrize(
    ("card", "typed", "correct", "rule", "note"),
    [
        (METRES, "3 km", True, "unit", "accepted: 3 km is 3,000 m"),
        (METRES, "3 kilometres", True, "unit", "accepted: 3 kilometres is 3,000 m"),
        (METRES, "3 kilometers", True, "unit", "accepted: 3 kilometers is 3,000 m"),
        (METRES, "3.005 km", True, "tolerance", "accepted: within ±10 of 3,000 (3.005 km is 3,005 m)"),
        (METRES, "2 km", False, "wrong", "too low: 2,000 is not within ±10 of 3,000 (2 km is 2,000 m)"),
        (METRES, "3 kg", False, "wrong", "not accepted: '3 kg' is a mass; the answer is a length in m"),
        (DECADES, "70 years", True, "unit", "accepted: 70 years is 7 decades"),
        (DECADES, "7 years", False, "wrong", "too low: 0.7 ≠ 7 (7 years is 0.7 decades)"),
        (NumberCard(id="y", prompt="?", answer=70, unit="years"), "7 decades", True, "unit",
         "accepted: 7 decades is 70 years"),
        (COUNTRIES, "5 km", False, "wrong",
         "not accepted: '5 km' is a length; the answer is a number of countries"),
        (COUNTRIES, "five", True, "number", "accepted: five is 5 countries"),
    ],
)  # fmt: skip
def test_units_on_number_cards(card: Card, typed: str, correct: bool, rule: str, note: str) -> None:
    """An equal quantity in another unit of the same kind is accepted; another kind of unit is refused."""
    v = grade(card, typed, P)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)


GERASIMOV = short("Valery Gerasimov", person=True, reject=("Gerasimova",))


@pytest.mark.parametrize(
    ("card", "typed", "correct"),
    [
        (GERASIMOV, "Gerasimov", True), (GERASIMOV, "Gerasimov, Valery", True),
        (GERASIMOV, "Gen. Gerasimov", True), (GERASIMOV, "General Valery Gerasimov", True),
        (GERASIMOV, "gerasimof", True), (GERASIMOV, "Shoigu", False), (GERASIMOV, "Valery", False),
        (GERASIMOV, "Gerasimova", False), (GERASIMOV, "Shoigu, Valery", False),
        (short("Charles de Gaulle", person=True), "de Gaulle", True),
        (short("Charles de Gaulle", person=True), "General de Gaulle", True),
        (short("Charles de Gaulle", person=True), "De Gaulle, Charles", True),
        (short("Valery Gerasimov"), "Gerasimov", False),  # not a person card: the whole name is asked
        (GERASIMOV, "V. Gerasimov", True), (GERASIMOV, "V Gerasimov", True),
        (GERASIMOV, "Gen. V. Gerasimov", True),
        (GERASIMOV, "S. Gerasimov", False), (GERASIMOV, "V. Shoigu", False),
        (short("Mark A. Milley", person=True), "M. A. Milley", True),
        (short("Mark A. Milley", person=True), "M. J. Milley", False),
    ],
)  # fmt: skip
def test_person_names(card: Card, typed: str, correct: bool) -> None:
    """On a person card the surname alone, 'Surname, Given', a title in front and initials for the
    given names are accepted; another surname, or an initial that is not the given name's, is not."""
    v = grade(card, typed, P)
    assert v.correct == correct, v
    assert v.note


NORDIC = MultiCard(id="n", prompt="?", choices=("Norway", "Sweden", "Finland", "Denmark", "Iceland"),
                   answers=("Norway", "Finland", "Denmark"))  # fmt: skip


@pytest.mark.parametrize(("typed", "correct"), [("acd", True), ("dca", True), ("ac", False), ("abcd", False)])
def test_multi_letters_run_together(typed: str, correct: bool) -> None:
    """Multi-select letters may be typed run together, in any order."""
    assert grade(NORDIC, typed, P).correct == correct


def test_a_word_made_of_choice_letters_is_still_read_as_text() -> None:
    """Letters run together are not read when they spell a choice's text."""
    card = MultiCard(id="m", prompt="?", choices=("abe", "bob", "c", "d", "e"), answers=("abe",))
    assert grade(card, "abe", P).correct


@pytest.mark.parametrize(
    ("typed", "correct", "rule"),
    [("General Gerasimov", True, "pattern"), ("Gen. V. Gerasimov", True, "pattern"),
     ("Gerasimov", False, "wrong"), ("General Shoigu", False, "wrong"), ("5*", True, "alternate")],
)  # fmt: skip
def test_moodle_wildcards_in_accept(typed: str, correct: bool, rule: str) -> None:
    """In accept, '*' matches any text and '\\*' is a star."""
    card = short("Valery Gerasimov", "Gen*Gerasimov", "5\\*")
    v = grade(card, typed, P)
    assert (v.correct, v.rule) == (correct, rule)


def test_a_literal_star_matters_when_punctuation_is_kept() -> None:
    """'\\*' in accept is a star, not a pattern: with punctuation kept, '5' is not '5*'."""
    card = short("five", "5\\*")
    assert grade(card, "5*", Policy(punctuation="keep")).correct
    assert not grade(card, "55", Policy(punctuation="keep")).correct


# --- 3. unreadable is not wrong ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "typed", "forms"),
    [
        (BoolCard(id="b", prompt="?", answer=True), "maybe", "true or false"),
        (BoolCard(id="b", prompt="?", answer=True), "true?", "true or false"),
        (METRES, "pi", "in words (twenty-one)"),
        (METRES, "about forty?", "in digits"),
        (DateCard(id="d", prompt="?", answer=PartialDate(2019, 12)), "sometime", "July 1969 or 1969-07"),
        (DateCard(id="d", prompt="?", answer=PartialDate(2019, 12)), "Dec 2019?", "July 1969 or 1969-07"),
    ],
)
def test_unreadable_answers_say_which_forms_are_read(card: Card, typed: str, forms: str) -> None:
    """A bool, number or date that cannot be read is unreadable (to ask again), and says what is read."""
    v = grade(card, typed, P)
    assert (v.correct, v.rule) == (False, "unreadable")
    assert forms in v.note


# --- 4. every verdict says why -----------------------------------------------------------------


@given(S.any_card, S.any_text | S.tricky_text, S.policies)
@example(ShortCard(id="x", prompt="?", answer="Bern"), "Paris", Policy())
@example(ChoiceCard(id="c", prompt="?", choices=("a x", "b x"), answer="a x"), "x", Policy())
def test_every_verdict_says_why(card: Card, typed: str, policy: Policy) -> None:
    """No verdict, right or wrong, comes without a reason."""
    assert grade(card, typed, policy).note


def test_a_known_wrong_answer_does_not_reveal_the_reject_list() -> None:
    """A listed wrong answer is refused without saying that the author listed it."""
    v = grade(GERASIMOV, "Gerasimova", P)
    assert (v.correct, v.rule) == (False, "listed-wrong")
    assert "known" not in v.note and "Gerasimova" not in v.note


@pytest.mark.parametrize(
    ("policy", "typed", "reason"),
    [
        (Policy(accents="sensitive", typos="off"), "Zurich", "accents matter on this card"),
        (Policy(case="sensitive", typos="off"), "zürich", "capitals matter on this card"),
    ],
)
def test_a_stricter_policy_names_itself_in_the_refusal(policy: Policy, typed: str, reason: str) -> None:
    """A refusal caused by a card's stricter policy says which difference matters."""
    assert grade(short("Zürich"), typed, policy).note == f"not accepted: {reason}"


@pytest.mark.parametrize(
    ("policy", "key", "typed", "reason"),
    [
        (Policy(numerals="exact"), "Henry VIII", "Henry 8",
         "numbers are written as in the answer on this card"),
        (Policy(abbreviations="keep"), "Mount Everest", "Mt. Everest",
         "abbreviations are written out as in the answer on this card"),
    ],
)  # fmt: skip
def test_a_form_switched_off_names_itself_in_the_refusal(
    policy: Policy, key: str, typed: str, reason: str
) -> None:
    """A refusal because the card switched a form off says so."""
    assert grade(short(key), typed, policy).note == f"not accepted: {reason}"


def test_a_deck_marks_a_person_card_and_keeps_the_mark() -> None:
    """'person: true' in YAML makes the surname enough, and writing the deck back keeps it."""
    text = (
        "deck: {id: d, title: D}\n"
        "cards:\n"
        "  - {id: chief, type: short, prompt: Who?, answer: Valery Gerasimov, person: true}\n"
    )
    deck = parse(text, "d.yaml")
    card = deck.cards[0]
    assert isinstance(card, ShortCard) and card.person
    assert grade(card, "Gerasimov", deck.policy(card)).correct
    again = parse(to_yaml(deck), "d.yaml").cards[0]
    assert isinstance(again, ShortCard) and again.person


@pytest.mark.parametrize(
    ("card", "typed"),
    [(short("United States"), "USA"), (short("United States"), "United States of America"),
     (DECADES, "seventy years"), (METRES, "three kilometres")],
)  # fmt: skip
def test_more_forms_found_by_hand(card: Card, typed: str) -> None:
    """Forms a learner typed by hand that were refused at first: the USA, number words before a unit."""
    assert grade(card, typed, P).correct


_given_names = st.sampled_from(["Valery", "Joseph", "Mark", "Anna", "Li", "Sergei", "Angela"])
_surnames = st.sampled_from(["Gerasimov", "Dunford", "Milley", "Merkel", "Shoigu", "Kowalski", "Okafor"])


@given(_given_names, _surnames, _surnames, st.sampled_from(["", "Gen. ", "President ", "Dr "]))
def test_a_person_is_named_by_the_surname_and_never_by_another(
    given_name: str, surname: str, other: str, title: str
) -> None:
    """On a person card the surname alone, 'Surname, Given' and a title in front are the person;
    another surname, however written, is not."""
    card = short(f"{given_name} {surname}", person=True)
    for typed in (surname, f"{surname}, {given_name}", f"{title}{surname}", f"{title}{given_name} {surname}"):
        assert grade(card, typed, P).correct, typed
    assume(other != surname)
    for typed in (other, f"{other}, {given_name}", f"{title}{other}", f"{title}{given_name} {other}"):
        assert not grade(card, typed, P).correct, typed


@given(st.lists(S.words, min_size=3, max_size=6))
@example(["aa", "aa", "b"])
def test_the_initials_of_a_long_answer_are_accepted(words: list[str]) -> None:
    """Any answer of three words or more (none a link word, none a number) is accepted as its initials."""
    key = " ".join(w.capitalize() for w in words)
    initials = "".join(normalize(w, P)[0] for w in words)
    assume(len(normalize(key, P).split()) == len(words) and initials.isalpha())
    assume(not any(len(w) > 1 and fixed_word(w) for w in normalize(key, P).split()[1:]))
    link = {"of", "and", "the", "for", "in", "on", "at", "to", "a", "an", "de", "du"}
    assume(not link & set(normalize(key, P).split()))
    assert grade(short(key), initials.upper(), P).correct


@given(st.permutations(range(5)), st.integers(1, 5))
def test_multi_letters_run_together_in_any_order(order: list[int], count: int) -> None:
    """Any order of exactly the right letters, typed run together, is right; a subset is not."""
    right = sorted(order[:count])
    card = MultiCard(id="m", prompt="?", choices=("Oslo", "Rome", "Bern", "Riga", "Baku"),
                     answers=tuple(("Oslo", "Rome", "Bern", "Riga", "Baku")[i] for i in right))  # fmt: skip
    letters = "".join("abcde"[i] for i in order[:count])
    assume(len(letters) > 1)
    assert grade(card, letters, P).correct
    assert not grade(card, letters[:-1], P).correct


@given(S.words, S.words, S.words)
@example("a", "a", "a")  # a piece that is an article: found by Hypothesis
def test_a_star_in_accept_matches_any_text(head: str, middle: str, tail: str) -> None:
    """'head*tail' in accept matches head, any text, then tail."""
    card = short("zzzz qqqq", f"{head}*{tail}")
    assume(normalize(head, P) and normalize(tail, P))
    assert grade(card, f"{head} {middle} {tail}", P).correct


@given(
    given_name=st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=3, max_size=8),
    surname=st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=10),
    initial=st.sampled_from("bcdfghjklmnpqrstvwxz"),
)
def test_an_initial_is_accepted_only_for_the_given_name_it_stands_for(
    given_name: str, surname: str, initial: str
) -> None:
    """'X. Surname' on a person card is right exactly when X is the given name's first letter."""
    card = short(f"{given_name.title()} {surname.title()}", person=True)
    v = grade(card, f"{initial.upper()}. {surname.title()}", P)
    assert v.correct == (initial == given_name[0]), v
