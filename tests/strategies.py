"""Hypothesis strategies shared by the test suite: hostile text, policies, cards of every type, decks."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

from quiz.model import (
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Deck,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    PartialDate,
    Policy,
    ShortCard,
)

# Strings that YAML would read as something other than text if written bare.
YAML_SPECIAL = (
    "no", "No", "yes", "on", "off", "y", "n", "~", "null", "true", "False", "1e3", "0x1F", "0o17",
    "2017-02", "2019-12-18", "12:30", ".inf", "-.nan", "@x", "`x`", "&a", "*a", "!tag", "%x", "|", ">",
    "- x", "? x", "key: value", "#comment", "[a]", "{a: b}", "'", '"', "",
)  # fmt: skip

# Characters that tend to break things: accents (precomposed and combining), emoji (with ZWJ),
# right-to-left scripts and marks, quotes, brackets, '#', tabs and newlines, other scripts.
TRICKY = (
    "éÉàçñøØßæÆœłıİǅﬁ" + "\u0301\u0308\u0327\u030a" + "😀👍🏽👨\u200d👩\u200d👧🇨🇭"
    "עבריתالعربية\u200f\u200e\u202e" + "'\"‘’“”«»`´" + "()[]{}<>#&*|!?%@:;,.-_/\\"
    "\t\n\r \u00a0\u2009" + "Москва北京ひらがなガ한국어हिन्दी" + "0123456789"
)

tricky_text = st.text(st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=30)
# Any str at all, lone surrogates and control characters included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60) | st.sampled_from(
    YAML_SPECIAL
)
words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüé"), min_size=1, max_size=9)

_LABELISH = re.compile(r"[\W_]*(?:[^\W\d_]|\d{1,3})[\W_]*")


def _readable(text: str) -> bool:
    """Has something left to compare after the loosest normalisation."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


answer_text = (
    st.one_of(
        tricky_text,
        st.lists(words, min_size=1, max_size=4).map(" ".join),
        st.sampled_from(YAML_SPECIAL),
    )
    .map(str.strip)
    .filter(lambda s: bool(s.strip()) and _readable(s))
)


def _not_label(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return not _LABELISH.fullmatch(folded) and not _LABELISH.fullmatch(text.casefold())


# Choice texts: never a bare letter or number, which would read as a position.
choice_text = answer_text.filter(_not_label)

policies = st.builds(
    Policy,
    unicode=st.sampled_from(["nfkc", "nfc"]),
    case=st.sampled_from(["insensitive", "sensitive"]),
    accents=st.sampled_from(["insensitive", "sensitive"]),
    punctuation=st.sampled_from(["ignore", "keep"]),
    whitespace=st.sampled_from(["collapse", "keep"]),
    articles=st.sampled_from(["ignore", "keep"]),
    typos=st.sampled_from(["auto", "off", 0, 1, 2]),
    date_order=st.sampled_from(["mdy", "dmy"]),
    numerals=st.sampled_from(["any", "exact"]),
    abbreviations=st.sampled_from(["expand", "keep"]),
    initials=st.sampled_from(["accept", "refuse"]),
)

card_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)


def _loader_key(text: str) -> str:
    """How the deck loader tells choices apart (two choices with the same key are refused)."""
    return " ".join(text.split()).casefold()


def _distinct(texts: list[str]) -> bool:
    keys = [_loader_key(t) for t in texts]
    return len(set(keys)) == len(keys)


choice_lists = st.lists(choice_text, min_size=2, max_size=6, unique_by=_loader_key).filter(_distinct)


@st.composite
def short_cards(draw: st.DrawFn) -> ShortCard:
    """A short-answer card with 0–3 alternates."""
    return ShortCard(
        id=draw(card_ids),
        prompt=draw(tricky_text),
        answer=draw(answer_text),
        accept=tuple(draw(st.lists(answer_text, max_size=3))),
    )


@st.composite
def choice_cards(draw: st.DrawFn) -> ChoiceCard:
    """A choice card; the answer is one of the choices."""
    choices = draw(choice_lists)
    return ChoiceCard(
        id=draw(card_ids),
        prompt=draw(tricky_text),
        choices=tuple(choices),
        answer=draw(st.sampled_from(choices)),
    )


@st.composite
def multi_cards(draw: st.DrawFn) -> MultiCard:
    """A multi card; the answers are a non-empty subset of the choices, in the choices' order."""
    choices = draw(choice_lists)
    picked = draw(st.sets(st.sampled_from(choices), min_size=1))
    return MultiCard(
        id=draw(card_ids),
        prompt=draw(tricky_text),
        choices=tuple(choices),
        answers=tuple(c for c in choices if c in picked),
    )


bool_cards = st.builds(BoolCard, id=card_ids, prompt=tricky_text, answer=st.booleans())


@st.composite
def number_cards(draw: st.DrawFn) -> NumberCard:
    """A number card with an integer or decimal key, an absolute or percent tolerance, maybe a unit."""
    answer = draw(
        st.integers(-(10**9), 10**9).map(float)
        | st.decimals(-(10**6), 10**6, places=2, allow_nan=False, allow_infinity=False).map(float)
    )
    percent = draw(st.booleans())
    tolerance = draw(st.sampled_from([0.0, 0.5, 1.0, 5.0, 10.0]))
    unit = draw(st.sampled_from(["", "km", "kg", "%", "people", "m²"]))
    return NumberCard(
        id=draw(card_ids),
        prompt=draw(tricky_text),
        answer=answer,
        tolerance=tolerance,
        tolerance_percent=percent,
        unit=unit,
    )


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    """A date known to the year, the month or the day (years 1000–2999)."""
    import datetime

    day = draw(st.dates(datetime.date(1000, 1, 1), datetime.date(2999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


date_cards = st.builds(DateCard, id=card_ids, prompt=tricky_text, answer=partial_dates())

gap_text = answer_text.filter(lambda s: "}}" not in s and "::" not in s and ";" not in s and "{{" not in s)


@st.composite
def cloze_cards(draw: st.DrawFn) -> ClozeCard:
    """A cloze card with 1–3 gaps, maybe with alternates for some gaps."""
    answers = draw(st.lists(gap_text, min_size=1, max_size=3))
    text = " … ".join(f"{{{{c{i}::{a}}}}}" for i, a in enumerate(answers, start=1))
    accept = tuple(
        (i, tuple(draw(st.lists(gap_text, min_size=1, max_size=2))))
        for i in range(1, len(answers) + 1)
        if draw(st.booleans())
    )
    return ClozeCard(id=draw(card_ids), prompt="Fill: " + text, accept=accept)


@st.composite
def order_cards(draw: st.DrawFn) -> OrderCard:
    """An order card with 2–6 distinct items."""
    items = draw(choice_lists)
    return OrderCard(id=draw(card_ids), prompt=draw(tricky_text), items=tuple(items))


flash_cards = st.builds(FlashCard, id=card_ids, prompt=tricky_text, back=answer_text)

any_card: st.SearchStrategy[Card] = st.one_of(
    short_cards(),
    choice_cards(),
    multi_cards(),
    bool_cards,
    number_cards(),
    date_cards,
    cloze_cards(),
    order_cards(),
    flash_cards,
)


@st.composite
def decks(draw: st.DrawFn, min_cards: int = 1, max_cards: int = 8) -> Deck:
    """A deck whose cards have unique ids."""
    cards = draw(st.lists(any_card, min_size=min_cards, max_size=max_cards, unique_by=lambda c: c.id))
    return Deck(
        id=draw(card_ids),
        title=draw(tricky_text.filter(str.strip)),
        cards=tuple(cards),
        description=draw(tricky_text),
        tags=tuple(draw(st.lists(words, max_size=3, unique=True))),
        grading=draw(policies),
    )
