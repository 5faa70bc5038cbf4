"""Example tests for every grading rule and the note a learner sees."""

from __future__ import annotations

import pytest

from quiz.grading import grade, normalize, parse_date, parse_number, typo_budget
from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Example,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    PartialDate,
    Policy,
    ShortCard,
)

P = Policy()
NAME = ShortCard(
    id="name", prompt="Who?", answer="Gerasimov", accept=("Valery Gerasimov",),
    reject_examples=(Example("Gerasimova"),),
)  # fmt: skip
CITY = ShortCard(id="city", prompt="Where?", answer="Bern", accept=("Berne",))
BAND = ShortCard(id="band", prompt="Band?", answer="The Beatles")
CAPITAL = ChoiceCard(
    id="cap", prompt="Capital?", choices=("Bern", "Geneva", "Zurich", "Basel"), answer="Bern"
)
NORDIC = MultiCard(
    id="nordic", prompt="Which?", choices=("Norway", "Sweden", "Finland", "Denmark"),
    answers=("Norway", "Sweden", "Finland"),
)  # fmt: skip
TRUE = BoolCard(id="t", prompt="True?", answer=True)
DIST = NumberCard(id="d", prompt="How far?", answer=1200, tolerance=5, unit="km")
SEVEN = NumberCard(id="s", prompt="How many?", answer=7, tolerance=10, tolerance_percent=True)
DECADES = NumberCard(id="dec", prompt="How long?", answer=7, unit="decades")
COLD = NumberCard(id="cold", prompt="How cold?", answer=-40, unit="°C")
SHARE = NumberCard(id="share", prompt="What share?", answer=15, unit="%")
MONTH = DateCard(id="m", prompt="When?", answer=PartialDate(2017, 2))
DAY = DateCard(id="day", prompt="When?", answer=PartialDate(2019, 12, 18))
MARCH4 = DateCard(id="m4", prompt="When?", answer=PartialDate(2019, 3, 4))
CLOZE = ClozeCard(
    id="c", prompt="Met in {{c1::Bern}} with {{c2::Gerasimov::a name}}.", accept=((1, ("Berne",)),)
)
ORDER = OrderCard(id="o", prompt="Order?", items=("Yalta", "Potsdam", "Helsinki", "Malta"))
FLASH = FlashCard(id="f", prompt="Front", back="Back side")


@pytest.mark.parametrize(
    ("card", "typed", "correct", "rule", "note"),
    [
        (NAME, "Gerasimov", True, "exact", "accepted"),
        (NAME, "gerasimov", True, "normalized", "accepted: ignoring case"),
        (NAME, "Gérasimov", True, "normalized", "accepted: ignoring accents"),
        (NAME, "  GERASIMOV ", True, "normalized", "accepted: ignoring case and spacing"),
        (NAME, "Gerasimv", True, "typo", "accepted: 1 typo (Gerasimov)"),
        (NAME, "valery gerasimov", True, "alternate", "accepted: 'Valery Gerasimov' is an alternate answer"),
        (NAME, "Valery Gerasimof", True, "typo", "accepted: 1 typo (Valery Gerasimov)"),
        (NAME, "Gerasimova", False, "listed-wrong",
         "not accepted: a different answer, not a way of writing Gerasimov"),
        (NAME, "Gerasimovaa", False, "wrong",
         "not accepted: 'gerasimovaa' is another word than 'gerasimov', not a typo (Gerasimov)"),
        (NAME, "", False, "empty", "no answer given"),
        (NAME, " \t\n", False, "empty", "no answer given"),
        (CITY, "Berm", False, "wrong",  # four letters: no typo allowed
         "not accepted: 'berm' is another word than 'bern', not a typo (Bern)"),
        (CITY, "BERNE!", True, "alternate", "accepted: 'Berne' is an alternate answer"),
        (BAND, "beatles", True, "normalized", "accepted: ignoring case and the leading article"),
        (BAND, "Beatles, The", False, "wrong",
         "not accepted: not the answer, and too far from it to be a typo"),
        (FLASH, "back side", True, "normalized", "accepted: ignoring case"),
        (CITY, "in Bern", True, "normalized", "accepted: ignoring the leading 'in'"),
        (CITY, "at Bern", True, "normalized", "accepted: ignoring the leading 'at'"),
        (CITY, "In Berne", True, "alternate", "accepted: 'Berne' is an alternate answer"),
        (ShortCard(id="s", prompt="?", answer="Syria"), "from Syria", True, "normalized",
         "accepted: ignoring the leading 'from'"),
        (ShortCard(id="s", prompt="?", answer="Syria"), "on the Syria", True, "normalized",
         "accepted: ignoring the leading 'on'"),
        (CITY, "in", False, "wrong", "not accepted: not the answer, and too far from it to be a typo"),
    ],
)
def test_short_answers(card: Card, typed: str, correct: bool, rule: str, note: str) -> None:
    """Short answers: exact, normalised, alternate, typo, listed wrong, empty; each with its note."""
    v = grade(card, typed, P)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)
    assert v.expected == card.answer_text()
    assert v.score == (1.0 if correct else 0.0)


def test_a_left_out_word_is_named_not_counted_as_typos() -> None:
    """Typing an alternate without one small word says which word, not 'N typos'."""
    card = ShortCard(id="t", prompt="?", answer="Chairman of the Joint Chiefs of Staff",
                     accept=("Chairman, Joint Chiefs of Staff",))  # fmt: skip
    v = grade(card, "chairman of joint chiefs of staff", P)
    assert (v.correct, v.note) == (True, "accepted: with an extra 'of' (Chairman, Joint Chiefs of Staff)")
    v = grade(ShortCard(id="g", prompt="?", answer="Valery Gerasimov"), "Valery V. Gerasimov", P)
    assert (v.correct, v.note) == (True, "accepted: with an extra 'v' (Valery Gerasimov)")
    hawaii = ShortCard(id="h", prompt="?", answer="Hawaiʻi")
    assert grade(hawaii, "Hawaii", P).note == "accepted: ignoring punctuation"


def test_typo_count_is_reported() -> None:
    """A typo verdict says how many edits it forgave."""
    assert grade(NAME, "Gerasimv", P).typos == 1
    long = ShortCard(id="l", prompt="?", answer="Helsinki summit")
    v = grade(long, "Helsinky sumit", P)
    assert (v.correct, v.typos, v.note) == (True, 2, "accepted: 2 typos (Helsinki summit)")


def test_reject_argument_blocks_a_typo_that_is_as_close_to_a_wrong_answer() -> None:
    """A typo is refused when the input is at least as close to a known-wrong answer as to the key."""
    card = ShortCard(id="x", prompt="?", answer="Austria")
    assert grade(card, "Austrua", P).correct
    v = grade(card, "Austrua", P, reject=["Australia", "Austrub"])
    assert not v.correct
    assert grade(card, "Australia", P, reject=["Australia"]).rule == "listed-wrong"


@pytest.mark.parametrize(
    ("policy", "typed", "correct"),
    [
        (Policy(typos="off"), "Gerasimv", False),
        (Policy(typos=2), "Gersimv", True),
        (Policy(typos=1), "Gersimv", False),
        (Policy(case="sensitive", typos="off"), "gerasimov", False),
        (Policy(case="sensitive"), "gerasimov", True),  # one wrong letter case costs one typo
        (Policy(accents="sensitive", typos="off"), "Gérasimov", False),
        (Policy(accents="sensitive", typos="off"), "Gérasimov", False),
        (Policy(whitespace="keep", typos="off"), " Gerasimov", False),
        (Policy(punctuation="keep", typos="off"), "Gerasimov.", False),
        (Policy(punctuation="ignore"), "Gerasimov.", True),
    ],
)
def test_policy_changes_what_is_accepted(policy: Policy, typed: str, correct: bool) -> None:
    """Each policy key switches its normalisation step on or off."""
    assert grade(NAME, typed, policy).correct == correct


@pytest.mark.parametrize(
    ("text", "policy", "out"),
    [
        ("  Saint-Étienne  ", P, "saint etienne"),
        ("Don't", P, "dont"),
        ("U.S.A.", P, "usa"),
        ("The the cat", P, "cat"),
        ("in the Alps", P, "alps"),
        ("On", P, "on"),
        ("in Bern", Policy(articles="keep"), "in bern"),
        ("the", P, "the"),
        ("An Apple", Policy(articles="keep"), "an apple"),
        ("Straße", P, "strasse"),
        ("Ærø", P, "aero"),
        ("Łódź", P, "lodz"),
        ("ﬁnal", P, "final"),
        ("ﬁnal", Policy(unicode="nfc", case="sensitive"), "ﬁnal"),
        ("Москва!", P, "москва"),
        ("北京。", P, "北京"),
        ("مَرْحَبًا", P, "مرحبا"),
        ("が", P, "が"),  # kana voicing is a letter, not an accent
        ("a\u0000b\u200bc\ud800", P, "abc"),
        ("C++ & C#", P, "c++ c"),
        ("Hawaiʻi", P, "hawaii"),
        ("Bern", Policy(case="sensitive"), "Bern"),
    ],
)
def test_normalize_examples(text: str, policy: Policy, out: str) -> None:
    """The documented before → after examples of normalisation."""
    assert normalize(text, policy) == out


@pytest.mark.parametrize(
    ("length", "budget"), [(1, 0), (4, 0), (5, 1), (8, 1), (9, 2), (15, 2), (16, 3), (40, 3)]
)
def test_typo_table(length: int, budget: int) -> None:
    """The automatic typo budget grows with the key's normalised length."""
    assert typo_budget("x" * length, P) == budget
    assert typo_budget("x" * length, Policy(typos="off")) == 0
    assert typo_budget("x" * length, Policy(typos=4)) == budget
    assert typo_budget("x" * length, Policy(typos=1)) == min(1, budget)


@pytest.mark.parametrize(
    ("key", "typed", "note"),
    [
        ("North Carolina", "South Carolina",
         "not accepted: 'south' is another word than 'north', not a typo (North Carolina)"),
        ("South Carolina", "North Carolina",
         "not accepted: 'north' is another word than 'south', not a typo (South Carolina)"),
        ("Eastern Europe", "Western Europe",
         "not accepted: 'western' is another word than 'eastern', not a typo (Eastern Europe)"),
        ("East Asia, Middle East, Western Europe", "East Asia, Middle East, Eastern Europe",
         "not accepted: 'eastern' is another word than 'western', not a typo (East Asia, Middle East, "
         "Western Europe)"),
        ("great power competition", "great power cooperation",
         "not accepted: 'cooperation' is another word than 'competition', not a typo (great power "
         "competition)"),
        ("great power competition", "great power compensation",
         "not accepted: 'compensation' is another word than 'competition', not a typo (great power "
         "competition)"),
        ("great power competition", "great power completion",
         "not accepted: 'completion' is another word than 'competition', not a typo (great power "
         "competition)"),
        ("USS Ross", "USS Rose", "not accepted: 'rose' is another word than 'ross', not a typo (USS Ross)"),
        ("USS Ross", "USS Moss", "not accepted: 'moss' is another word than 'ross', not a typo (USS Ross)"),
        ("World War II", "World War III", "not accepted: 'iii' is not 'ii' (World War II)"),
        ("World War II", "World War I", "not accepted: 'i' is not 'ii' (World War II)"),
        ("World War II Memorial", "World War Memorial",
         "not accepted: 'ii' is left out (World War II Memorial)"),
        ("Kim Jong Un", "Kim Jong Il",
         "not accepted: 'il' is another word than 'un', not a typo (Kim Jong Un)"),
        ("North Korea", "South Korea",
         "not accepted: 'south' is another word than 'north', not a typo (North Korea)"),
        ("East Germany", "West Germany",
         "not accepted: 'west' is another word than 'east', not a typo (East Germany)"),
        ("military; confidential", "military; unconfidential",
         "not accepted: 'unconfidential' is another word than 'confidential', not a typo (military; "
         "confidential)"),
        ("constitutional", "unconstitutional",
         "not accepted: 'unconstitutional' is another word than 'constitutional', not a typo "
         "(constitutional)"),
        ("hypertension", "hypotension",
         "not accepted: 'hypotension' is another word than 'hypertension', not a typo (hypertension)"),
        ("Route 66 bridge", "Route 67 bridge", "not accepted: '67' is not '66' (Route 66 bridge)"),
        ("Upper Volta", "Lower Volta", "not accepted: not the answer, and too far from it to be a typo"),
        ("Mark Milley", "Mark Miley", "accepted: 1 typo (Mark Milley)"),
        ("Black Sea", "Blak Sea", "accepted: 1 typo (Black Sea)"),
        ("great power competition", "great power competion", "accepted: 2 typos (great power competition)"),
        ("Joe Dunford", "Joe Dunferd", "accepted: 1 typo (Joe Dunford)"),
        ("Chiefs of Staff", "Cheifs of Staff", "accepted: 1 typo (Chiefs of Staff)"),
        ("Potsdam", "Postdam", "accepted: 1 typo (Potsdam)"),
        ("Latvia", "Lativa", "accepted: 1 typo (Latvia)"),
        ("Syria", "Syira", "accepted: 1 typo (Syria)"),
        ("Black Sea", "Blacksea", "accepted: 1 typo (Black Sea)"),
        ("Strait of Hormuz", "Strait Hormuz", "accepted: without 'of' (Strait of Hormuz)"),
        ("Joseph F. Dunford Jr.", "Joseph Dunford Jr", "accepted: without 'f' (Joseph F. Dunford Jr.)"),
        ("Valery Gerasimov", "Valery Y. Gerasimov", "accepted: with an extra 'y' (Valery Gerasimov)"),
        ("World War I Memorial", "World War Memorial",  # a numeral is never left out
         "not accepted: 'i' is left out (World War I Memorial)"),
    ],
)
def test_typos_are_counted_per_word(key: str, typed: str, note: str) -> None:
    """A typo never changes a word into its opposite, a numeral or a negation; real slips still pass."""
    v = grade(ShortCard(id="k", prompt="?", answer=key), typed, P)
    assert (v.correct, v.note) == (note.startswith("accepted"), note)


@pytest.mark.parametrize(
    ("policy", "key", "typed", "correct"),
    [
        (Policy(typos=2), "Iran", "Iraq", False),
        (Policy(typos=1), "SC", "NC", False),
        (Policy(typos=1), "Helsinki", "Helsinky", True),
        (Policy(typos=1), "Helsinki summit", "Helsinky sumit", False),
        (Policy(typos=3), "Gerasimov", "Gersmov", True),
        (Policy(typos=3), "Gerasimov", "Gersmv", False),
    ],
)
def test_explicit_typos_caps_the_automatic_budget(
    policy: Policy, key: str, typed: str, correct: bool
) -> None:
    """`typos: N` forgives at most N edits and never more than the key's length allows."""
    assert grade(ShortCard(id="k", prompt="?", answer=key), typed, policy).correct == correct


@pytest.mark.parametrize(
    ("typed", "shown", "correct", "rule", "note"),
    [
        ("a", None, True, "letter", "accepted: letter a"),
        ("A.", None, True, "letter", "accepted: letter a"),
        ("(a)", None, True, "letter", "accepted: letter a"),
        ("a)", None, True, "letter", "accepted: letter a"),
        ("1", None, True, "number", "accepted: number 1"),
        ("b", None, False, "wrong", "not accepted: b is 'Geneva'"),
        ("e", None, False, "wrong", "not accepted: there is no choice e"),
        ("bern", None, True, "choice-text", "accepted: the text of choice a"),
        ("Geneva", None, False, "wrong", "not accepted: 'Geneva' is not the answer"),
        ("b", ("Geneva", "Bern", "Zurich", "Basel"), True, "letter", "accepted: letter b"),
        ("a", ("Geneva", "Bern", "Zurich", "Basel"), False, "wrong", "not accepted: a is 'Geneva'"),
        ("2", ("Geneva", "Bern", "Zurich", "Basel"), True, "number", "accepted: number 2"),
        (
            "bern",
            ("Geneva", "Bern", "Zurich", "Basel"),
            True,
            "choice-text",
            "accepted: the text of choice b",
        ),
    ],
)
def test_choice(typed: str, shown: tuple[str, ...] | None, correct: bool, rule: str, note: str) -> None:
    """Choice cards: letters and numbers of the shown order, or the choice's text."""
    v = grade(CAPITAL, typed, P, shown=shown)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)


def test_choice_typo_refused_when_as_close_to_another_choice() -> None:
    """A misspelt choice text is accepted only if it is closer to the answer than to every other choice."""
    card = ChoiceCard(id="c", prompt="?", choices=("Austria", "Australia", "Austrian"), answer="Austria")
    assert not grade(card, "Austrai", P).correct or grade(card, "Austrai", P).rule == "typo"
    v = grade(card, "Austriam", P)  # one edit from Austria and from Austrian
    assert not v.correct
    good = ChoiceCard(id="g", prompt="?", choices=("Helsinki", "Stockholm"), answer="Helsinki")
    assert grade(good, "Helsinky", P).note == "accepted: 1 typo (Helsinki)"


SERVICE = ChoiceCard(
    id="svc", prompt="Which service?", answer="U.S. Coast Guard (USCG)",
    choices=("U.S. Coast Guard (USCG)", "U.S. Navy", "Air Force", "Chief of the General Staff"),
)  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "correct", "note"),
    [
        ("Coast Guard", True, "accepted: matches choice 'U.S. Coast Guard (USCG)'"),
        ("the Coast Guard", True, "accepted: matches choice 'U.S. Coast Guard (USCG)'"),
        ("US Coast Guard cutter", True, "accepted: matches choice 'U.S. Coast Guard (USCG)'"),
        ("Navy", False, "not accepted: 'U.S. Navy' is not the answer"),
        ("the US", False,  # a word of two choices
         "not accepted: 'the US' does not name one of the choices; the answer is U.S. Coast Guard (USCG)"),
        ("U.S. Navy and Coast Guard", False,  # the words of two choices
         "not accepted: 'U.S. Navy and Coast Guard' names more than one choice; the answer is U.S. Coast "
         "Guard (USCG)"),
        ("of the", False,  # no word that means anything
         "not accepted: 'of the' does not name one of the choices; the answer is U.S. Coast Guard (USCG)"),
        ("USCG", True, "accepted: matches choice 'U.S. Coast Guard (USCG)'"),  # the alias in brackets
        ("U.S. Coast Gard", True, "accepted: matches choice 'U.S. Coast Guard (USCG)'"),
        ("Chief", False,  # one of three words that carry meaning
         "not accepted: 'Chief' does not name one of the choices; the answer is U.S. Coast Guard (USCG)"),
        ("General Staff", False, "not accepted: 'Chief of the General Staff' is not the answer"),
        ("not the Coast Guard", False,
         "not accepted: 'not the Coast Guard' does not name one of the choices; the answer is U.S. Coast "
         "Guard (USCG)"),
        ("Chief of the Russian General Staff", False,
         "not accepted: 'Chief of the General Staff' is not the answer"),
    ],
)
def test_choice_text_by_part_of_its_words(typed: str, correct: bool, note: str) -> None:
    """A text naming exactly one choice by some of its words, or holding all of them, picks that choice."""
    v = grade(SERVICE, typed, P)
    assert (v.correct, v.note) == (correct, note)


STRESS = ChoiceCard(
    id="stress", prompt="Since when?", answer="The end of the Cold War",
    choices=("The end of the Cold War", "The end of World War II", "The Korean War"),
)  # fmt: skip
POST = ChoiceCard(
    id="post", prompt="Post?", answer="Chief of the General Staff",
    choices=("Chief of the General Staff", "Minister of Defence", "Commander of the Navy"),
)  # fmt: skip


@pytest.mark.parametrize(
    ("card", "typed", "correct"),
    [
        (STRESS, "the end of the war", False),  # 'end' and 'war' are words of two choices
        (STRESS, "end of the war", False),
        (STRESS, "the cold war", True),
        (POST, "Deputy Chief of the General Staff", False),  # another post than the choice's
        (POST, "Vice Chief of the General Staff", False),
        (POST, "acting Chief of the General Staff", False),
        (POST, "Chief of the Russian General Staff", True),
    ],
)
def test_choice_by_words_refuses_what_names_two_choices_or_another_post(
    card: ChoiceCard, typed: str, correct: bool
) -> None:
    """Small words do not keep a text from naming two choices, and a deputy's post is not the choice's."""
    assert grade(card, typed, P).correct is correct


def test_an_added_ex_makes_another_person() -> None:
    """'ex' before a title is not a small word that may be added: an ex-chairman is not the chairman."""
    card = ShortCard(id="post", prompt="Post?", answer="Chairman of the Joint Chiefs")
    assert not grade(card, "ex chairman of the joint chiefs", P).correct
    assert grade(card, "the chairman of the joint chiefs", P).correct


def test_a_left_out_small_word_does_not_spend_the_typo_budget() -> None:
    """Leaving out 'the' in a long title is named, even when its four characters exceed the typo budget."""
    card = ShortCard(id="post", prompt="Post?", answer="Chairman of the Joint Chiefs")
    v = grade(card, "chairman of joint chiefs", P)
    assert (v.correct, v.note) == (True, "accepted: without 'the' (Chairman of the Joint Chiefs)")
    v = grade(card, "chairman of joint cheifs", P)
    assert (v.correct, v.note) == (True, "accepted: without 'the', 1 typo (Chairman of the Joint Chiefs)")
    assert not grade(card, "chair of joint chiefs", P).correct


def test_a_word_that_is_a_known_wrong_answer_is_no_typo() -> None:
    """'Valery Gerasimova' is refused when 'Gerasimova' is a known wrong answer, though one edit away."""
    v = grade(NAME, "Valery Gerasimova", P)
    assert (v.correct, v.rule) == (False, "wrong")
    assert grade(NAME, "Valery Gerasimv", P).note == "accepted: 1 typo (Valery Gerasimov)"


def test_multi_and_order_notes_name_a_left_out_word() -> None:
    """A multi or order text without one small word says which word, not 'N typos'."""
    card = MultiCard(
        id="air", prompt="Which?", choices=("Buzzing ships", "Crowding U.S. planes", "Jamming GPS signals"),
        answers=("Buzzing ships", "Crowding U.S. planes"),
    )  # fmt: skip
    v = grade(card, "buzzing ships and crowding planes", P)
    assert (v.correct, v.note) == (True, "accepted: all 2 right, without 'us' (Crowding U.S. planes)")
    v = grade(card, "buzing ships, crowding planes", P)
    assert v.note == "accepted: all 2 right, without 'us', 1 typo (Buzzing ships, Crowding U.S. planes)"
    order = OrderCard(id="o", prompt="Order?", items=("Crowding U.S. planes", "Buzzing ships", "Jamming GPS"))
    v = grade(order, "crowding planes, buzzing ships, jamming gps", P)
    assert (v.correct, v.note) == (True, "accepted: without 'us' (Crowding U.S. planes)")


def test_choice_with_an_alias_takes_its_main_text_with_typos() -> None:
    """A choice that gives an alias in brackets is still picked by its main text with a typo ('airforce')."""
    card = ChoiceCard(
        id="af", prompt="?", choices=("Air Force (USAF)", "Army", "Navy"), answer="Air Force (USAF)"
    )
    v = grade(card, "airforce", P)
    assert (v.correct, v.note) == (True, "accepted: matches choice 'Air Force (USAF)'")
    assert not grade(card, "arm", P).correct


def test_order_letters_run_together() -> None:
    """'cbda' gives an order by letters run together, like '3241' by numbers; letters out of range do not."""
    card = OrderCard(id="o", prompt="Order?", items=("Hearing", "Takes office", "Protest", "Bern"))
    shown = ("Bern", "Takes office", "Hearing", "Protest")
    v = grade(card, "CBDA", P, shown=shown)
    assert (v.correct, v.rule) == (True, "positions")
    assert grade(card, "cbad", P, shown=shown).score == 0.5
    assert not grade(card, "cbde", P, shown=shown).correct
    assert not grade(card, "cbdd", P, shown=shown).correct


def test_a_name_suffix_may_be_left_out_or_added() -> None:
    """'Jr.' and 'Sr.' may be left out of a name or added to it, and the note says so."""
    card = ShortCard(id="d", prompt="Who?", answer="Joseph F. Dunford Jr.", accept=("Joe Dunford",))
    v = grade(card, "Joseph F Dunford", P)
    assert (v.correct, v.note) == (True, "accepted: without 'jr' (Joseph F. Dunford Jr.)")
    v = grade(card, "joe dunford jr", P)
    assert (v.correct, v.note) == (True, "accepted: with an extra 'jr' (Joe Dunford)")


def test_multi_and_order_choices_by_their_alias_or_main_text() -> None:
    """In multi and order answers a choice with a bracketed alias is named by the alias or the text before."""
    card = MultiCard(
        id="m", prompt="?", choices=("Turkey (Türkiye)", "Finland", "Austria", "Germany"),
        answers=("Turkey (Türkiye)", "Finland", "Austria"),
    )  # fmt: skip
    assert grade(card, "turkiye, finland, austria", P).correct
    assert grade(card, "Finland, Austria and Turkey", P).correct
    assert grade(card, "turky, finland, austria", P).correct
    assert grade(card, "austria finland turkey", P).correct  # texts in a row, separated by spaces
    assert grade(card, "Finland Türkiye Austria", P).correct
    assert not grade(card, "turkey, finland, germany", P).correct
    order = OrderCard(id="o", prompt="?", items=("Turkey (Türkiye)", "Finland", "Austria"))
    assert grade(order, "turkey, finland, austria", P).correct


def test_choice_literally_named_like_a_letter() -> None:
    """A choice whose text is a letter or number is matched by its text, not read as a position."""
    card = ChoiceCard(id="c", prompt="?", choices=("4", "2", "3"), answer="2")
    assert grade(card, "2", P).correct
    assert not grade(card, "1", P).correct


@pytest.mark.parametrize(
    ("typed", "correct", "rule", "note", "score"),
    [
        ("a b c", True, "any-order", "accepted: all 3 right", 1.0),
        ("c, a, b", True, "any-order", "accepted: all 3 right", 1.0),
        ("3;1;2", True, "any-order", "accepted: all 3 right", 1.0),
        ("Finland and Norway & Sweden", True, "any-order", "accepted: all 3 right", 1.0),
        ("Norwy, Swedn, Finland", True, "typo", "accepted: all 3 right, 2 typos (Norway, Sweden)", 1.0),
        ("norway, sweden", False, "partial", "2 of 3 right: missing Finland", 2 / 3),
        ("a b c d", False, "partial", "3 of 3 right, but Denmark is not right", 2 / 3),
        ("a, d", False, "wrong", "1 of 3 right: missing Sweden and Finland; Denmark is not right", 0.0),
        ("a b x", False, "partial", "2 of 3 right: missing Finland; 'x' is not right", 1 / 3),
        ("Norway, Sweden, and Finland", True, "any-order", "accepted: all 3 right", 1.0),
        ("Norway, Sweden and Finland", True, "any-order", "accepted: all 3 right", 1.0),
        ("a, b, and c", True, "any-order", "accepted: all 3 right", 1.0),
        ("Norway; Sweden; and Finland", True, "any-order", "accepted: all 3 right", 1.0),
    ],
)
def test_multi(typed: str, correct: bool, rule: str, note: str, score: float) -> None:
    """Multi cards: any order and separator; partial credit is (right − wrong) / answers."""
    v = grade(NORDIC, typed, P)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)
    assert v.score == pytest.approx(score)


def test_multi_letters_are_read_before_articles_are_dropped() -> None:
    """'a c' for choices named A to D picks A and C ('a' is not an article there)."""
    card = MultiCard(id="ab", prompt="?", choices=("A", "B", "C", "D"), answers=("A", "C"))
    assert grade(card, "a c", P).correct
    assert grade(card, "A and C", P).correct
    v = grade(card, "a b", P)
    assert (v.correct, v.note) == (False, "1 of 2 right: missing C; B is not right")


def test_multi_word_choice_texts_separated_by_spaces() -> None:
    """Choice texts of several words typed one after another with spaces are told apart."""
    card = MultiCard(
        id="cw", prompt="?", choices=("Cold War", "Arms Race", "Space Race", "Iron Curtain"),
        answers=("Cold War", "Space Race"),
    )  # fmt: skip
    assert grade(card, "Cold War Space Race", P).correct
    assert grade(card, "space race cold war", P).correct
    v = grade(card, "Cold War Arms Race", P)
    assert (v.correct, v.note) == (False, "1 of 2 right: missing Space Race; Arms Race is not right")


def test_multi_choice_text_holding_a_separator() -> None:
    """A choice whose text contains ',' or 'and' is still read as one choice."""
    card = MultiCard(
        id="m", prompt="?", choices=("Bosnia and Herzegovina", "Croatia", "Washington, D.C."),
        answers=("Bosnia and Herzegovina", "Washington, D.C."),
    )  # fmt: skip
    assert grade(card, "Washington, D.C., Bosnia and Herzegovina", P).correct
    assert not grade(card, "Croatia, Bosnia and Herzegovina", P).correct
    assert grade(card, "Washington, D.C., and Bosnia and Herzegovina", P).correct
    assert grade(card, "Bosnia and Herzegovina, and Washington, D.C.", P).correct


def test_an_answer_with_its_own_short_form_in_brackets() -> None:
    """'Chairman of the Joint Chiefs of Staff (CJCS)': the answer with another right form of it in
    brackets is right; a wrong text in the brackets is not (no hedging by brackets)."""
    card = ShortCard(
        id="t", prompt="?", answer="Chairman of the Joint Chiefs of Staff",
        accept=("CJCS", "Joint Chiefs chairman"),
        reject_examples=(Example("Vice Chairman of the Joint Chiefs of Staff"),),
    )  # fmt: skip
    right = ("Chairman of the Joint Chiefs of Staff (CJCS)", "CJCS (Chairman of the Joint Chiefs of Staff)",
             "chairman of the joint chiefs of staf (cjcs)", "CJCS (Joint Chiefs chairman)")  # fmt: skip
    for typed in right:
        v = grade(card, typed, P)
        assert v.correct, (typed, v.note)
    wrong = ("Chairman of the Joint Chiefs of Staff (Vice Chairman of the Joint Chiefs of Staff)",
             "Chairman of the Joint Chiefs of Staff (Army Chief of Staff)", "CJCS (or Army Chief of Staff)",
             "Vice Chairman of the Joint Chiefs of Staff (CJCS)")  # fmt: skip
    for typed in wrong:
        assert not grade(card, typed, P).correct, typed
    assert grade(CITY, "Bern (Berne)", P).note == "accepted: 'Bern' and 'Berne' both name Bern"


def test_multi_picks_separated_by_slashes() -> None:
    """'Turkey/Finland/Austria' lists three picks as ',' does; a choice holding a '/' stays one."""
    assert grade(NORDIC, "Norway/Sweden/Finland", P).correct
    assert grade(NORDIC, "norway / sweden / finland", P).correct
    assert grade(NORDIC, "a/b/c", P, shown=list(NORDIC.choices)).correct
    v = grade(NORDIC, "Norway/Sweden", P)
    assert (v.correct, v.note) == (False, "2 of 3 right: missing Finland")
    card = MultiCard(id="m", prompt="?", choices=("TCP/IP", "UDP", "HTTP/2"), answers=("TCP/IP", "HTTP/2"))
    assert grade(card, "TCP/IP, HTTP/2", P).correct
    assert grade(card, "TCP/IP/HTTP/2", P).correct
    assert not grade(card, "TCP/IP/UDP", P).correct


@pytest.mark.parametrize(
    ("typed", "correct", "note"),
    [
        ("true", True, "accepted"),
        ("T", True, "accepted: 'T' means true"),
        ("yes", True, "accepted: 'yes' means true"),
        ("y", True, "accepted: 'y' means true"),
        ("1", True, "accepted: '1' means true"),
        ("Correct", True, "accepted: 'Correct' means true"),
        ("right", True, "accepted: 'right' means true"),
        ("no", False, "not accepted: the statement is true"),
        ("wrong", False, "not accepted: the statement is true"),
        ("maybe", False, "not understood: answer true or false"),
        ("yeah", True, "accepted: 'yeah' means true"),
        ("ture", True, "accepted: 'ture' means true"),
        ("tru", True, "accepted: 'tru' means true"),
        ("nope", False, "not accepted: the statement is true"),
        ("flase", False, "not accepted: the statement is true"),
        ("not true", False, "not accepted: the statement is true"),
        ("trust", False, "not understood: answer true or false"),
    ],
)
def test_bool(typed: str, correct: bool, note: str) -> None:
    """Bool cards accept every usual way of saying true or false."""
    v = grade(TRUE, typed, P)
    assert (v.correct, v.note) == (correct, note)
    assert v.rule in ("bool", "wrong", "unreadable")


@pytest.mark.parametrize(
    ("card", "typed", "correct", "rule", "note"),
    [
        (DIST, "1,200 km", True, "exact", "accepted"),
        (DIST, "1200", True, "number", "accepted: 1200 is 1,200 km"),
        (DIST, "1 200", True, "number", "accepted: 1 200 is 1,200 km"),
        (DIST, "1.2e3", True, "number", "accepted: 1.2e3 is 1,200 km"),
        (DIST, "1.2k", True, "number", "accepted: 1.2k is 1,200 km"),
        (DIST, "1200KM", True, "number", "accepted: 1200KM is 1,200 km"),
        (DIST, "+1200", True, "number", "accepted: +1200 is 1,200 km"),
        (DIST, "1.200,5", True, "tolerance", "accepted: within ±5 of 1,200"),
        (DIST, "1205", True, "tolerance", "accepted: within ±5 of 1,200"),
        (DIST, "1206", False, "wrong", "too high: 1,206 is not within ±5 of 1,200"),
        (DIST, "1194", False, "wrong", "too low: 1,194 is not within ±5 of 1,200"),
        (DIST, "1.200", False, "wrong", "too low: 1.2 is not within ±5 of 1,200"),
        (DIST, "abc", False, "unreadable",
         "not a number I can read: 'abc'; write it in digits (1200, 1,200, 1.5 or 1.2e3) "
         "or in words (twenty-one), in km"),
        (SEVEN, "seven", True, "number", "accepted: seven is 7"),
        (SEVEN, "7,7", True, "tolerance", "accepted: within 10% of 7"),
        (SEVEN, "7.71", False, "wrong", "too high: 7.71 is not within 10% of 7"),
        (NumberCard(id="z", prompt="?", answer=3), "4", False, "wrong", "too high: 4 ≠ 3"),
        (DIST, "1,200 km.", True, "number", "accepted: 1,200 km. is 1,200 km"),
        (SEVEN, "Seven.", True, "number", "accepted: Seven. is 7"),
        (SEVEN, "7!", True, "number", "accepted: 7! is 7"),
        (DECADES, "7 decades.", True, "number", "accepted: 7 decades. is 7 decades"),
        (DECADES, "70 years", True, "unit", "accepted: 70 years is 7 decades"),  # the same quantity
        (DECADES, "7decads", False, "unreadable",
         "not accepted: give the number in decades, not in 'decads'"),
        (COLD, "–40", True, "number", "accepted: –40 is -40 °C"),
        (COLD, "\u201240 °C", True, "number", "accepted: \u201240 °C is -40 °C"),
        (SHARE, "15 percent", True, "number", "accepted: 15 percent is 15 %"),
        (SHARE, "15 per cent", True, "number", "accepted: 15 per cent is 15 %"),
        (SHARE, "15%", True, "number", "accepted: 15% is 15 %"),
        (SEVEN, "under 7", False, "wrong", "not accepted: 'under 7' is not a value"),
        (SEVEN, "less than 8", False, "wrong", "not accepted: 'less than 8' is not a value"),
    ],
)
def test_number(card: Card, typed: str, correct: bool, rule: str, note: str) -> None:
    """Number cards: separators, exponent, k, words, unit; absolute and percent tolerance."""
    v = grade(card, typed, P)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [("3 year", "years", 3), ("1 year", "years", 1), ("7 decade", "decades", 7),
     ("5 country", "countries", 5), ("2 day", "days", 2), ("3 months", "years", None),
     ("3 yearss", "years", None), ("4 km", "km", 4)],
)  # fmt: skip
def test_number_with_its_unit_in_the_singular(text: str, unit: str, value: float | None) -> None:
    """A plural unit may be typed in the singular ('3 year' for years), never as another unit."""
    assert parse_number(text, unit) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,200,000", 1.2e6), ("1.200.000", 1.2e6), ("1'200", 1200), ("1_200", 1200), ("−5", -5),
     ("2 million", 2e6), ("1,2", 1.2), ("1,20,0", None), ("1e999", None), ("nan", None), ("", None)],
)  # fmt: skip
def test_parse_number(text: str, value: float | None) -> None:
    """Typed numbers read as documented (comma groups thousands when followed by three digits)."""
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("card", "typed", "policy", "correct", "rule", "note"),
    [
        (MONTH, "2017-02", P, True, "exact", "accepted"),
        (MONTH, "Feb 2017", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "February 2017", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "02/2017", P, True, "date", "accepted: read as February 2017"),
        (
            MONTH,
            "14 February 2017",
            P,
            True,
            "date-more-precise",
            "accepted: 14 February 2017 matches February 2017",
        ),
        (MONTH, "2017", P, False, "date-less-precise", "less precise than asked: give the month"),
        (MONTH, "Feb 2016", P, False, "wrong", "too early: February 2016 ≠ February 2017"),
        (MONTH, "March 2017", P, False, "wrong", "too late: March 2017 ≠ February 2017"),
        (MONTH, "Feb", P, False, "date-less-precise", "less precise than asked: give the year"),
        (MONTH, "soon", P, False, "unreadable",
         "not a date I can read: write a month and year, e.g. July 1969 or 1969-07"),
        (DAY, "Dec. 18, 2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "18 December 2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "12/18/2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "18/12/2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "18.12.2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "the 18th of December 2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "Wednesday, 18 December 2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "12/18/19", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "December 2019", P, False, "date-less-precise", "less precise than asked: give the day"),
        (DAY, "Dec 17 2019", P, False, "wrong", "too early: 17 December 2019 ≠ 18 December 2019"),
        (MARCH4, "03/04/2019", P, True, "date", "accepted: read as 4 March 2019"),
        (
            MARCH4,
            "03/04/2019",
            Policy(date_order="dmy"),
            False,
            "wrong",
            "too late: 3 April 2019 ≠ 4 March 2019",
        ),
        (MARCH4, "04/03/2019", Policy(date_order="dmy"), True, "date", "accepted: read as 4 March 2019"),
        (MARCH4, "4.3.2019", P, True, "date", "accepted: read as 4 March 2019"),  # dots: day first
        (MARCH4, "3.4.2019", P, False, "wrong", "too late: 3 April 2019 ≠ 4 March 2019"),
        (MONTH, "feb. '17", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "Feb '17", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "Feb ’17", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "2/17", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "Febuary 2017", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "Feburary 2017", P, True, "date", "accepted: read as February 2017"),
        (MONTH, "February of 2017", P, True, "date", "accepted: read as February 2017"),
        (DAY, "Ocotber 2019", P, False, "wrong", "too early: October 2019 ≠ 18 December 2019"),
        (DAY, "2/17", P, False, "date-less-precise", "less precise than asked: give the year"),
        (DAY, "Dec 18, '19", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "Dec 18, 19", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "Decmber 18 2019", P, True, "date", "accepted: read as 18 December 2019"),
        (DAY, "Decmbr 18", P, False, "unreadable",
         "not a date I can read: write a day, e.g. 20 July 1969 or 1969-07-20"),
    ],
)
def test_date(card: Card, typed: str, policy: Policy, correct: bool, rule: str, note: str) -> None:
    """Date cards compare at the key's precision; day/month order follows date_order when ambiguous."""
    v = grade(card, typed, policy)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)


@pytest.mark.parametrize(
    ("typed", "correct", "note"),
    [
        ("'14", True, "accepted: read as 2014"),
        ("the start of 2014", True, "accepted: read as 2014"),
        ("start of 2014", True, "accepted: read as 2014"),
        ("beginning of 2014", True, "accepted: read as 2014"),
        ("end of 2014", True, "accepted: read as 2014"),
        ("early-2014", True, "accepted: read as 2014"),
        ("late-2014", True, "accepted: read as 2014"),
        ("14", False, "give the full year: 14 is read as the year 14"),
        ("2015", False, "too late: 2015 ≠ 2014"),
    ],
)
def test_year_forms(typed: str, correct: bool, note: str) -> None:
    """A year written '14, or after 'the start of' or 'early-', is read; a bare 14 asks for the full year."""
    v = grade(DateCard(id="y", prompt="?", answer=PartialDate(2014)), typed, P)
    assert (v.correct, v.note) == (correct, note)


def test_two_digit_years_take_the_century_nearest_the_key() -> None:
    """'12/7/41' is 1941 for a 1941 key and 2041 for a 2041 key."""
    assert parse_date("12/7/41", "mdy", 1941) == PartialDate(1941, 12, 7)
    assert parse_date("12/7/41", "mdy", 2030) == PartialDate(2041, 12, 7)
    assert grade(DateCard(id="p", prompt="?", answer=PartialDate(1941, 12, 7)), "12/7/41", P).correct
    assert grade(DateCard(id="p", prompt="?", answer=PartialDate(1941, 12, 7)), "Dec 7, 41", P).correct
    assert grade(DateCard(id="p", prompt="?", answer=PartialDate(1941, 12, 7)), "7 Dec '41", P).correct


ALT = "'Berne' is an alternate answer"


@pytest.mark.parametrize(
    ("typed", "correct", "rule", "note", "score"),
    [
        ("Bern; Gerasimov", True, "exact", "accepted", 1.0),
        ("Bern, Gerasimov", True, "exact", "accepted", 1.0),
        ("berne;gerasimv", True, "typo", f"accepted: gap 1: {ALT}; gap 2: 1 typo (Gerasimov)", 1.0),
        ("Bern", False, "partial", "1 of 2 gaps right: gap 2 is wrong; 1 answer for 2 gaps: separate the gaps with ';'", 0.5),  # noqa: E501
        ("Bern and Gerasimov", True, "exact", "accepted", 1.0),
        ("Bern / Gerasimov", True, "exact", "accepted", 1.0),
        ("Bern\nGerasimov", True, "exact", "accepted", 1.0),
        ("Bern Gerasimov", False, "wrong", "0 of 2 gaps right: gap 1 and gap 2 are wrong; 1 answer for 2 gaps: separate the gaps with ';'", 0.0),  # noqa: E501
        ("Geneva; Gerasimov", False, "partial", "1 of 2 gaps right: gap 1 is wrong", 0.5),
        ("Geneva; Lavrov", False, "wrong", "0 of 2 gaps right: gap 1 and gap 2 are wrong", 0.0),
    ],
)  # fmt: skip
def test_cloze(typed: str, correct: bool, rule: str, note: str, score: float) -> None:
    """Cloze gaps are typed in reading order, separated by ';', each graded as a short answer."""
    v = grade(CLOZE, typed, P)
    assert (v.correct, v.rule, v.note, v.score) == (correct, rule, note, score)


def test_cloze_with_one_gap_takes_the_whole_line() -> None:
    """A single gap's answer may itself contain ';'."""
    card = ClozeCard(id="c", prompt="Say {{c1::yes; no}}")
    assert grade(card, "yes; no", P).correct


@pytest.mark.parametrize(
    ("typed", "shown", "correct", "rule", "note"),
    [
        ("1 2 3 4", None, True, "positions", "accepted"),
        ("1234", None, True, "positions", "accepted"),
        ("a, b, c, d", None, True, "positions", "accepted"),
        ("Yalta > Potsdam > Helsinki > Malta", None, True, "order", "accepted"),
        ("yalta, potsdm, helsinki, malta", None, True, "typo", "accepted: 1 typo (Potsdam)"),
        ("2 3 4 1", ("Malta", "Yalta", "Potsdam", "Helsinki"), True, "positions", "accepted"),
        ("2 1 3 4", None, False, "partial", "2 of 4 in the right place"),
        ("1, 2, 3", None, False, "partial", "3 of 4 in the right place: missing Malta"),
        ("1 1 3 4", None, False, "partial",
         "3 of 4 in the right place: missing Potsdam; Yalta is given twice"),
        ("Yalta, Potsdam, Helsinki, and Malta", None, True, "order", "accepted"),
        ("Yalta, Potsdam, Helsinki and Malta", None, True, "order", "accepted"),
        ("1, 2, 3, and 4", None, True, "positions", "accepted"),
        ("1-2-3-4", None, True, "positions", "accepted"),
        ("a - b - c - d", None, True, "positions", "accepted"),
        ("2-1-3-4", None, False, "partial", "2 of 4 in the right place"),
        ("1 2 3 4 5", None, False, "partial", "4 of 4 in the right place, but '5' is not among the items"),
        ("1 2 3 4 4", None, False, "partial", "4 of 4 in the right place, but Malta is given twice"),
    ],
)
def test_order(typed: str, shown: tuple[str, ...] | None, correct: bool, rule: str, note: str) -> None:
    """Order cards: positions of the shown order or the items' texts; partial credit per place."""
    v = grade(ORDER, typed, P, shown=shown)
    assert (v.correct, v.rule, v.note) == (correct, rule, note)
    assert (v.score == 1.0) == correct


def test_order_item_texts_holding_and_or_a_hyphen() -> None:
    """Items whose text holds 'and' or '-' are still read as one item."""
    card = OrderCard(id="h", prompt="?", items=("Trinidad and Tobago", "Saint-Étienne", "Rome"))
    assert grade(card, "Trinidad and Tobago, Saint-Étienne and Rome", P).correct
    assert grade(card, "Trinidad and Tobago, Saint-Étienne, and Rome", P).correct


def test_order_of_years_reads_years_as_texts() -> None:
    """Items that are numbers are matched by text before being read as positions."""
    card = OrderCard(id="y", prompt="?", items=("1914", "1939", "1945"))
    assert grade(card, "1914, 1939, 1945", P).correct
    assert grade(card, "1 2 3", P).correct
    small = OrderCard(id="n", prompt="?", items=("3", "1", "2"))
    assert grade(small, "3 1 2", P).correct
    assert grade(small, "3, 1, 2", P).correct
    assert not grade(small, "1 2 3", P).correct


def test_reject_examples_of_the_card_are_always_wrong() -> None:
    """A reject example is wrong even where tolerance would accept it (listed-wrong)."""
    card = NumberCard(id="n", prompt="?", answer=100, tolerance=10, reject_examples=(Example("105"),))
    assert grade(card, "105", P).rule == "listed-wrong"
    assert grade(card, "100", P).correct


def test_a_listed_wrong_answer_keeps_its_partial_credit_and_precision_note() -> None:
    """A reject example that is partly right keeps its score; a too-vague date still says what is missing."""
    hosts = MultiCard(
        id="h", prompt="?", choices=("Turkey", "Finland", "Austria", "Sweden"),
        answers=("Turkey", "Finland", "Austria"), reject_examples=(Example("Turkey, Finland"),),
    )  # fmt: skip
    v = grade(hosts, "Turkey, Finland", P)
    assert (v.correct, v.rule, v.note) == (False, "partial", "2 of 3 right: missing Austria")
    assert v.score == pytest.approx(2 / 3)
    day = DateCard(
        id="d", prompt="?", answer=PartialDate(2019, 12, 18), reject_examples=(Example("December 2019"),)
    )
    v = grade(day, "December 2019", P)
    assert (v.rule, v.note) == ("date-less-precise", "less precise than asked: give the day")
    assert grade(day, "2019-12-17", P, reject=["2019-12-17"]).rule == "listed-wrong"


@pytest.mark.parametrize("typed", ["", "\x00", "\ud800", "x" * 1_000_000, "\t\n\r", "{{c1::x}}", "🇨🇭" * 500])
@pytest.mark.parametrize("card", [NAME, CAPITAL, NORDIC, TRUE, DIST, MONTH, CLOZE, ORDER, FLASH])
def test_hostile_input_never_raises(card: Card, typed: str) -> None:
    """Empty, huge, control and surrogate input gives a wrong verdict, never an exception."""
    v = grade(card, typed, P)
    assert not v.correct and v.rule != "error"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("early 2014", (2014, None)), ("in 2014", (2014, None)), ("mid-2014", (2014, None)),
     ("around Feb 2017", (2017, 2)), ("late 2013", (2013, None))],
)
def test_date_hedges_are_read_past(typed: str, expected: tuple[int, int | None]) -> None:
    """A learner who writes 'early 2014' (as the article does) gives the year 2014."""
    got = parse_date(typed)
    assert got is not None and (got.year, got.month) == expected


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("over 7", 7.0),
        ("about 3", 3.0),
        ("~5", 5.0),
        ("about seven", 7.0),
        ("c. 1200", 1200.0),
        ("under 7", None),
    ],
)
def test_number_hedges(typed: str, value: float | None) -> None:
    """'about 3' reads as 3; 'under 7' says the value is something else and is not read as 7."""
    assert parse_number(typed) == value
