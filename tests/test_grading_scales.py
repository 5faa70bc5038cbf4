"""Fair grading: temperatures in any scale, magnitudes and money on number cards; numbers in initials,
an ordinal in front or at the end, and initials run together in people's names (docs/grading.md)."""

from __future__ import annotations

import pytest
import roman
from hypothesis import assume, example, given
from hypothesis import strategies as st

from quiz.grading import grade
from quiz.model import NumberCard, Policy, Rule, ShortCard

P = Policy()


def number(answer: float, unit: str = "", tolerance: float = 0.0) -> NumberCard:
    return NumberCard(id="n", prompt="?", answer=answer, unit=unit, tolerance=tolerance)


def short(answer: str, person: bool = False) -> ShortCard:
    return ShortCard(id="s", prompt="?", answer=answer, person=person)


# --- temperatures -----------------------------------------------------------------------------

# One temperature written in each scale: a whole number of degrees Celsius times 5 is a whole
# number of degrees Fahrenheit, and kelvin is Celsius + 273.15, so every form is exact.
_SCALES = {
    "C": ("°C", "C", "degC", "degrees Celsius", "celsius", "c"),
    "F": ("°F", "F", "degF", "degrees Fahrenheit", "fahrenheit", "f"),
    "K": ("K", "kelvin", "k"),
}


def _in(scale: str, celsius: int) -> str:
    value = {"C": celsius, "F": celsius * 9 // 5 + 32, "K": celsius + 273.15}[scale]
    return f"{value:g}"


_scale = st.sampled_from(sorted(_SCALES))


@given(st.integers(-60, 200).map(lambda c: c * 5), _scale, _scale, st.data())
@example(100, "C", "K", None)
@example(100, "C", "F", None)
def test_a_temperature_in_any_scale_is_the_same_temperature(c: int, card: str, typed: str, data) -> None:
    """For any temperature, a card in one scale accepts it typed in any scale, however the scale is
    written (symmetric: each card accepts the other's key), and refuses a temperature one degree
    off in the typed scale."""
    unit = data.draw(st.sampled_from(_SCALES[card])) if data else _SCALES[card][0]
    written = data.draw(st.sampled_from(_SCALES[typed])) if data else _SCALES[typed][0]
    space = data.draw(st.sampled_from(["", " "])) if data else " "
    key = float(_in(card, c))
    assert grade(number(key, unit), _in(card, c), P).correct  # the key itself
    v = grade(number(key, unit), f"{_in(typed, c)}{space}{written}", P)
    assert v.correct, v.note
    back = grade(number(float(_in(typed, c)), _SCALES[typed][0]), f"{_in(card, c)} {unit}", P)
    assert back.correct, back.note
    off = float(_in(typed, c)) + 1
    assert not grade(number(key, unit), f"{off:g} {written}", P).correct
    if float(_in(typed, c)) != key:  # the scale is a distinguishing token: the key's digits in another scale
        assert not grade(number(key, unit), f"{_in(card, c)} {written}", P).correct


def test_kelvin_on_a_temperature_card_is_never_a_thousand() -> None:
    v = grade(number(100, "°C"), "373 K", P)
    assert (v.correct, v.note) == (False, "too low: 99.85 ≠ 100 (373 K is 99.85 °C)")
    assert grade(number(100, "°C", tolerance=1), "373 K", P).correct
    assert grade(number(2000, ""), "2 K", P).correct  # no unit: K is a thousand
    v = grade(number(100, "°C"), "212 F", P)
    assert (v.correct, v.rule, v.note) == (True, Rule.UNIT, "accepted: 212 F is 100 °C")


def test_an_unreadable_temperature_says_which_scales_are_read() -> None:
    v = grade(number(100, "°C"), "hot", P)
    assert v.rule == Rule.UNREADABLE and v.note.endswith("in °C, °F or K")


def test_degrees_alone_are_the_cards_scale_and_another_kind_is_refused() -> None:
    assert grade(number(100, "°C"), "100°", P).correct
    assert grade(number(100, "°C"), "100 degrees", P).correct
    assert not grade(number(100, "°C"), "212 degrees", P).correct
    v = grade(number(100, "°C"), "100 km", P)
    assert not v.correct and "length" in v.note
    assert not grade(number(90, "degrees"), "90 C", P).correct  # an angle card is no temperature


# --- magnitudes and money ---------------------------------------------------------------------

_MAGNITUDES = {"k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6, " mn": 1e6, " mln": 1e6, " Mio": 1e6, " million": 1e6,
               "B": 1e9, " bn": 1e9, " billion": 1e9}  # fmt: skip
_money = st.sampled_from(["", "$", "USD", "dollars", "people"])


@given(
    st.integers(1, 999), st.sampled_from(sorted(_MAGNITUDES)), st.sampled_from(sorted(_MAGNITUDES)), _money
)
@example(15, "M", " bn", "")
def test_a_magnitude_letter_is_its_power_of_ten_where_the_unit_is_not_a_measure(
    tenths: int, suffix: str, other: str, unit: str
) -> None:
    """On a card with no unit, in money or counting things: '1.5M' is 1,500,000, and another
    magnitude, or other digits, is refused."""
    typed = f"{tenths / 10:g}{suffix}"
    key = tenths / 10 * _MAGNITUDES[suffix]
    v = grade(number(key, unit), typed, P)
    assert v.correct, v.note
    if _MAGNITUDES[other] != _MAGNITUDES[suffix]:
        assert not grade(number(key, unit), f"{tenths / 10:g}{other}", P).correct
    assert not grade(number(key, unit), f"{(tenths + 1) / 10:g}{suffix}", P).correct


def test_letters_that_are_units_stay_units() -> None:
    assert grade(number(1.5, "m"), "1.5M", P).correct  # metres, not a million
    assert grade(number(1.5, "km"), "1500m", P).correct
    assert not grade(number(1.5e6, "m"), "1.5M", P).correct


@given(st.integers(0, 10**9), st.sampled_from(["$", "€", "£", "¥", "₹"]), st.booleans())
def test_a_currency_sign_is_read_past_unless_the_card_names_another(
    value: int, sign: str, after: bool
) -> None:
    """Any currency sign before or after the number, on a card with no unit or in that currency, is
    read past; on a card in another sign's currency it is refused, with the reason."""
    typed = f"{value:,}{sign}" if after else f"{sign}{value:,}"
    assert grade(number(value), typed, P).correct
    assert grade(number(value, sign), typed, P).correct
    other = "€" if sign != "€" else "$"
    v = grade(number(value, other), typed, P)
    assert (
        not v.correct and v.note == f"not accepted: '{sign}' is another currency than the answer's ({other})"
    )
    assert not grade(number(value + 1), typed, P).correct
    assert grade(number(value), f"about {typed}", P).correct


# --- numbers in initials, ordinals in front -----------------------------------------------------

_WORDS = ["World", "War", "Super", "Bowl", "Grand", "Prix", "Vatican", "Council"]
_NAMEWORDS = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=3, unique=True)


@given(_NAMEWORDS, st.integers(1, 60), st.integers(1, 60))
@example(["World", "War"], 2, 1)
@example(["World", "War"], 1, 2)
def test_a_number_in_initials_is_written_whole(words: list[str], n: int, m: int) -> None:
    """The initials of 'Words N' (N a Roman numeral) are the words' first letters then N, in Roman
    numerals or digits, with or without a space; never N's first letter alone, never another number."""
    assume(n != m)
    key = " ".join(words) + " " + roman.toRoman(n)
    letters = "".join(w[0] for w in words)
    for typed in (letters + roman.toRoman(n), f"{letters}{n}", f"{letters} {roman.toRoman(n)}"):
        assert grade(short(key), typed, P).correct, typed
    for typed in (letters + roman.toRoman(m), f"{letters}{m}", letters + roman.toRoman(n)[0] * (n > 3)):
        assume(typed.casefold() != (letters + roman.toRoman(n)).casefold())
        assert not grade(short(key), typed, P).correct, typed


_ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"]


@given(_NAMEWORDS, st.integers(1, 10), st.integers(1, 10), st.booleans())
@example(["World", "War"], 2, 1, False)
def test_an_ordinal_in_front_is_the_number_at_the_end(words: list[str], n: int, m: int, swap: bool) -> None:
    """'Second World War' and 'World War II' are one answer, both ways; another number is not."""
    assume(n != m)
    front = f"{_ORDINALS[n - 1]} {' '.join(words)}"
    end = f"{' '.join(words)} {roman.toRoman(n)}"
    key, typed = (end, front) if swap else (front, end)
    assert grade(short(key), typed, P).correct
    assert grade(short(typed), key, P).correct
    assert not grade(short(key), f"{_ORDINALS[m - 1]} {' '.join(words)}", P).correct
    assert not grade(short(key), f"{' '.join(words)} {roman.toRoman(m)}", P).correct


# --- people's initials run together ----------------------------------------------------------

_GIVEN = st.sampled_from(["Mark", "Anne", "Joseph", "Valery", "Lloyd", "Kim"])
_SURNAMES = st.sampled_from(["Milley", "Dunford", "Gerasimov", "Austin"])


@given(_GIVEN, _GIVEN, _SURNAMES, st.sampled_from(["{}{} {}", "{}.{}. {}", "{}. {}. {}", "Gen. {}{} {}"]))
@example("Mark", "Anne", "Milley", "{}{} {}")
def test_initials_run_together_name_the_person_and_only_in_order(
    first: str, middle: str, surname: str, form: str
) -> None:
    """For a person card 'Given Middle Surname' (or 'Given Surname'), the initials in order, run
    together or not, with the surname are the person; another first initial is not."""
    for key in (f"{first} {middle[0]}. {surname}", f"{first} {middle} {surname}", f"{first} {surname}"):
        card = short(key, person=True)
        v = grade(card, form.format(first[0], middle[0], surname), P)
        assert v.correct, (key, v.note)
        if first[0] != middle[0]:
            assert not grade(card, form.format(middle[0], first[0], surname), P).correct
        wrong = "Q" if first[0] != "Q" else "Z"
        assert not grade(card, form.format(wrong, middle[0], surname), P).correct


@pytest.mark.parametrize("typed", ["A. Milley", "A Milley", "AM Milley", "M.A. Miller-Smith"])
def test_an_initial_that_is_not_the_persons_is_refused(typed: str) -> None:
    assert not grade(short("Mark Milley", person=True), typed, P).correct


def test_a_short_given_name_is_a_name_not_initials() -> None:
    """Two letters written as a name (Al) are a given name; in capitals or with stops, initials."""
    assert not grade(short("Abe Lincoln", person=True), "Al Lincoln", P).correct
    assert grade(short("Abe Lincoln", person=True), "A.L. Lincoln", P).correct
    assert grade(short("Mark Milley", person=True), "Milley, M.A.", P).correct


@pytest.mark.parametrize(
    ("key", "typed", "note"),
    [
        ("Valery Gerasimov", "S. Gerasimov", "not accepted: 's' is not the initial of 'valery' (Valery Gerasimov)"),  # noqa: E501
        ("Mark A. Milley", "MB Milley", "not accepted: 'b' is not the initial 'a' (Mark A. Milley)"),
        ("Mark Milley", "MAB Milley", "not accepted: more initials than 'mark' (Mark Milley)"),
        ("Mark A. Milley", "Milley, Mark", "accepted: 'Milley, Mark' read as 'Mark Milley', without 'a' (Mark A. Milley)"),  # noqa: E501
        ("Joe Biden", "Biden Jr", "accepted: the surname is enough, with an extra 'jr' (Joe Biden)"),
    ],
)
def test_a_name_verdict_says_which_initial_or_word(key: str, typed: str, note: str) -> None:
    assert grade(short(key, person=True), typed, P).note == note


def test_a_unit_is_read_as_typed_then_in_lowercase() -> None:
    """pint's case matters where it tells units apart (C coulomb, c the speed of light); a unit in
    capitals that is not of the card's kind is read in lowercase (KM); the degree sign is an angle."""
    assert grade(number(5, "coulomb"), "5 C", P).correct
    assert grade(number(3000, "m"), "3 KM", P).correct
    assert grade(number(90, "degrees"), "90°", P).correct
    assert not grade(number(90, "degrees"), "90 C", P).correct


def test_initials_read_numbers_but_not_abbreviations() -> None:
    """An ordinal word counts as its number in initials (Second World War: WWII), but an abbreviation
    is not spelt out to make initials: 'USA' (the country) is not the U.S. Army."""
    assert grade(short("Second World War"), "WWII", P).correct
    assert not grade(short("U.S. Army"), "USA", P).correct


def test_initials_with_another_number_say_so() -> None:
    v = grade(short("World War II"), "WWI", P)
    assert (v.correct, v.note) == (False, "not accepted: WWI has another number than World War II")
