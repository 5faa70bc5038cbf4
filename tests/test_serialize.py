"""Deck ↔ data ↔ YAML: writing a deck out and reading it back gives the same deck."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DECKS, FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from quiz.deckio import load, parse
from quiz.deckio.writer import deck_from_dict, deck_to_dict, to_yaml
from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    DateCard,
    Deck,
    Example,
    FlashCard,
    NumberCard,
    OrderCard,
    PartialDate,
    Policy,
    ShortCard,
)

DECK_FILES = sorted((FIXTURES / "decks" / "valid").glob("*.yaml")) + sorted(DECKS.glob("*.yaml"))


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.stem)
def test_yaml_round_trip_of_fixtures(path: Path) -> None:
    """Every valid fixture and shipped deck, written with to_yaml and parsed again, is the same deck."""
    deck = load(path)
    again = parse(to_yaml(deck), "again.yaml")
    assert again == deck
    assert [c.id for c in again.cards] == [c.id for c in deck.cards]


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.stem)
def test_dict_round_trip_of_fixtures(path: Path) -> None:
    """deck_from_dict(deck_to_dict(deck)) is the same deck."""
    deck = load(path)
    assert deck_from_dict(deck_to_dict(deck)) == deck


def test_special_strings_survive_a_round_trip() -> None:
    """Answers like no, ~ and 2017-02 come back as the same text after writing YAML."""
    deck = load(FIXTURES / "decks" / "valid" / "yaml-special-strings.yaml")
    again = parse(to_yaml(deck))
    by_id = {c.id: c for c in again.cards}
    assert isinstance(by_id["no"], ShortCard) and by_id["no"].answer == "no"
    assert isinstance(by_id["tilde"], ShortCard) and by_id["tilde"].answer == "~"
    assert isinstance(by_id["month"], ShortCard) and by_id["month"].answer == "2017-02"


def test_defaults_are_left_out() -> None:
    """deck_to_dict writes only what differs from the defaults, as an author would."""
    data = deck_to_dict(load(FIXTURES / "decks" / "valid" / "minimal.yaml"))
    assert data == {
        "deck": {"id": "minimal", "title": "Minimal"},
        "cards": [{"id": data["cards"][0]["id"], "type": "card", "front": "Front", "back": "Back"}],
    }


# -- generated decks ------------------------------------------------------------------
ALPHABET = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff\x85") | (
    st.sampled_from(list("\t#:'\"[]{}é\u0301ש🇷"))
)
WORDS = st.sampled_from(["no", "yes", "~", "null", "1e3", "2017-02", "true", "0x10", "- a", "&x", "*y", "!t"])
TEXT = (st.text(ALPHABET, min_size=1, max_size=30) | WORDS).filter(lambda t: t.strip() == t and t != "")
SIMPLE = TEXT.filter(lambda t: "\t" not in t)


@st.composite
def cards(draw: st.DrawFn, n: int) -> Card:
    """One card of a random simple type with id ``c{n}``."""
    common = {
        "id": f"c{n}",
        "prompt": draw(TEXT),
        "explain": draw(st.sampled_from(["", "Because."]) | TEXT),
        "tags": tuple(draw(st.lists(SIMPLE, max_size=3))),
        "accept_examples": tuple(Example(t) for t in draw(st.lists(TEXT, max_size=2))),
        "grading": draw(st.none() | st.just(Policy(typos="off", case="sensitive"))),
    }
    kind = draw(st.sampled_from(["short", "choice", "bool", "number", "date", "order", "card"]))
    if kind == "short":
        return ShortCard(**common, answer=draw(TEXT), accept=tuple(draw(st.lists(TEXT, max_size=3))))
    if kind == "choice":
        choices = draw(
            st.lists(TEXT, min_size=2, max_size=5, unique_by=lambda t: " ".join(t.split()).casefold())
        )
        return ChoiceCard(
            **common,
            choices=tuple(choices),
            answer=draw(st.sampled_from(choices)),
            shuffle=draw(st.booleans()),
        )
    if kind == "bool":
        return BoolCard(**common, answer=draw(st.booleans()))
    if kind == "number":
        value = draw(st.integers(-(10**12), 10**12) | st.floats(-1e9, 1e9, allow_nan=False, width=32))
        tolerance = draw(st.sampled_from([0, 0.5, 5, 10]))
        return NumberCard(
            **common,
            answer=float(value),
            tolerance=float(tolerance),
            tolerance_percent=draw(st.booleans()) and tolerance > 0,
            unit=draw(st.sampled_from(["", "km"])),
        )
    if kind == "date":
        year = draw(st.integers(1000, 9999))
        month = draw(st.none() | st.integers(1, 12))
        day = draw(st.none() | st.integers(1, 28)) if month else None
        return DateCard(**common, answer=PartialDate(year, month, day))
    if kind == "order":
        return OrderCard(**common, items=tuple(draw(st.lists(TEXT, min_size=2, max_size=4))))
    return FlashCard(**common, back=draw(TEXT))


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    """A deck of 1-5 generated cards with unique ids."""
    count = draw(st.integers(1, 5))
    return Deck(
        id=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)),
        title=draw(TEXT),
        cards=tuple(draw(cards(n)) for n in range(count)),
        description=draw(st.sampled_from(["", "About things."])),
        tags=tuple(draw(st.lists(SIMPLE, max_size=2))),
        grading=draw(st.sampled_from([Policy(), Policy(typos=2, date_order="dmy")])),
    )


@given(decks())
def test_generated_deck_yaml_round_trip(deck: Deck) -> None:
    """Any simple deck written with to_yaml reads back as the same deck."""
    assert parse(to_yaml(deck), "gen.yaml") == deck


@given(decks())
def test_generated_deck_dict_round_trip(deck: Deck) -> None:
    """Any simple deck survives deck_to_dict → deck_from_dict."""
    assert deck_from_dict(deck_to_dict(deck)) == deck
