"""quiz import FILE.gift: a Moodle question bank becomes a deck; quiz's own GIFT export comes back equal."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DECKS, FIXTURES
from hypothesis import assume, example, given
from hypothesis import strategies as st
from strategies import bool_cards, choice_cards, decks, multi_cards, short_cards

from quiz.cli import cli
from quiz.deckio import deck_from_dict, deck_to_dict, load
from quiz.errors import DeckError
from quiz.formats.gift import export_gift
from quiz.formats.gift_import import read_gift, read_gift_file
from quiz.model import Card, Deck, ShortCard, options_of, question_text

BANK = FIXTURES / "gift" / "moodle-every-feature.gift"
ONE_OF_EACH = FIXTURES / "decks" / "valid" / "one-of-each-type.yaml"
DECK_FILES = [*sorted(DECKS.glob("*.yaml")), ONE_OF_EACH]


def cards_of(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """The imported cards by id, as YAML-shaped data."""
    return {c["id"]: c for c in deck_to_dict(read_gift_file(str(path)).deck)["cards"]}


def test_every_moodle_question_type_maps_as_documented() -> None:
    """True/false, choice, weighted multi, short with wildcards, numerical, matching, missing word, format."""
    cards = cards_of(BANK)
    tf1 = {"id": "TF1", "type": "bool", "prompt": "Grant was buried in a tomb in New York City."}
    assert cards["TF1"] == {**tf1, "answer": True, "tags": ["grant-s-tomb"]}
    assert cards["TF2"]["answer"] is False
    assert cards["MC1"]["type"] == "choice" and cards["MC1"]["answer"] == "yellow"
    assert cards["MC1"]["choices"] == ["yellow", "red", "blue"]
    assert cards["MC1"]["explain"] == "Yellow sits between them."  # general feedback
    assert cards["MC2"]["answer"] == "Grant"  # the 50% answer is a wrong choice in quiz
    assert cards["MC3"]["type"] == "multi" and cards["MC3"]["answer"] == ["Grant", "Grant's wife"]
    assert cards["MC4"]["answer"] == ["2", "3"]
    assert (cards["SA1"]["answer"], cards["SA1"]["accept"]) == (
        "Grant",
        ["Ulysses S. Grant", "Ulysses Grant"],
    )
    assert (cards["SA2"]["answer"], cards["SA2"]["accept"]) == ("four", ["4"])  # 50% 'for' dropped
    assert (cards["SA3"]["answer"], cards["SA3"]["accept"]) == ("Grant", ["Ulysses"])  # '*' wildcards
    assert "SA4" not in cards
    assert cards["MW1"]["prompt"] == "Moodle costs _____ to download from moodle.org."
    assert cards["MW2"] == {"id": "MW2", "type": "cloze", "text": "Two plus {{c1::two}} equals four.",
                            "accept": {"c1": ["2"]}, "tags": ["grant-s-tomb"]}  # fmt: skip
    assert (cards["NUM1"]["answer"], cards["NUM1"].get("tolerance")) == (1822, None)
    assert (cards["NUM2"]["answer"], cards["NUM2"]["tolerance"]) == (3.14159, 0.0005)
    assert (cards["NUM3"]["answer"], cards["NUM3"]["tolerance"]) == (3, 2)  # the range 1..5
    assert (cards["NUM4"]["answer"], cards["NUM4"].get("tolerance")) == (1822, None)
    assert [cards[f"MATCH1-{n}"]["answer"] for n in (1, 2, 3)] == ["cat food", "dog food", "grass"]
    assert cards["MATCH1-2"]["prompt"] == "Which animal eats which food?\n\ndog"
    assert cards["MATCH1-2"]["choices"] == ["cat food", "dog food", "grass"]
    assert cards["ESC1"]["prompt"] == "Which character opens a GIFT answer block: { or [?\nPick one."
    assert cards["ESC1"]["choices"] == ["{", "["]
    assert cards["ESC2"]["choices"] == ["true statement", "false # hash"]
    assert cards["FMT1"]["prompt"] == "Which is bold?" and cards["FMT1"]["answer"] == "this"
    assert cards["FMT2"]["prompt"] == "Which is *emphasised*?"
    assert cards["FMT3"]["answer"] is True and cards["FMT4"]["answer"] is False
    untitled = next(
        c for c in cards.values() if c["prompt" if "prompt" in c else "text"].startswith("What colour")
    )
    assert untitled["tags"] == ["second-category"] and untitled["accept"] == ["light blue"]
    for gone in ("MATCH2", "ESSAY", "DESC", "BROKEN"):
        assert not any(k.startswith(gone) for k in cards)


def test_what_did_not_map_is_listed_with_lines_and_reasons() -> None:
    """Each question left out, and each part dropped, is named with its line and why."""
    notes = [str(n) for n in read_gift_file(str(BANK)).notes]
    lines = BANK.read_text("utf-8").splitlines()

    def line_of(title: str) -> int:
        return next(i for i, text in enumerate(lines, start=1) if text.startswith(f"::{title}::"))

    expected = [
        (
            line_of("SA4"),
            "left out: no answer quiz can accept (the wildcard answer '*' (any answer) was dropped)",
        ),
        (line_of("MATCH2"), "left out: two pairs share a right-hand side"),
        (line_of("ESSAY"), "left out: an essay (graded by a person)"),
        (line_of("DESC"), "left out: a description (no answer block)"),
        (line_of("BROKEN"), "left out: the answer block '{' is not closed"),
        (line_of("MC2"), "changed: partial credit for 'Grant's wife' (50%) was dropped"),
        (line_of("MC4"), "changed: the weights 40%, 60% became equal shares"),
        (line_of("SA2"), "changed: the answer 'for' (50%) was dropped"),
        (line_of("SA3"), "changed: the wildcard answer '*Grant*' became 'Grant'"),
        (line_of("NUM4"), "changed: the answer '1822:2' (50%) was dropped"),
        (line_of("TF2"), "changed: feedback on each answer was dropped"),
    ]
    for line, text in expected:
        assert any(n.startswith(f"line {line}: {text}") for n in notes), (line, text, notes)
    assert sum(": left out: " in n for n in notes) == 5


def test_import_command_writes_a_checked_deck_and_lists_what_was_left_out(tmp_path: Path) -> None:
    """quiz import FILE.gift: a deck that passes 'quiz check', the list on stderr, the count at the end."""
    out = tmp_path / "bank.yaml"
    result = CliRunner().invoke(cli, ["import", str(BANK), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{BANK}: line " in result.stderr and ": left out: an essay" in result.stderr
    wrote = r"Wrote 25 cards to .*bank\.yaml \(deck id 'moodle-every-feature'\) \(5 questions left out\)"
    assert re.search(wrote, result.stderr)
    assert load(out).title == "Grant's tomb"  # the first category
    checked = CliRunner().invoke(cli, ["check", str(out)])
    assert checked.exit_code == 0, checked.output


def test_a_file_with_no_usable_question_is_an_error(tmp_path: Path) -> None:
    """Nothing to import: exit 1, one line, no empty deck written."""
    bad = tmp_path / "essays.gift"
    bad.write_text("::E1::Why? {}\n\n::E2::How? {}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "no question could be imported" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_gift_export_then_import_gives_the_same_cards(deck_file: Path) -> None:
    """quiz export --format gift then quiz import: the same deck, every card type and key."""
    deck = load(deck_file)
    again = read_gift(export_gift(deck), f"{deck.id}.gift").deck
    assert deck_to_dict(again) == deck_to_dict(deck)


def test_gift_export_without_quiz_comments_maps_as_moodle_would() -> None:
    """With the quiz comments removed (as Moodle keeps it), each GIFT question maps back by its own text."""
    deck = load(ONE_OF_EACH)
    text = "\n".join(ln for ln in export_gift(deck).splitlines() if not ln.startswith("// quiz:"))
    cards = {c["id"]: c for c in deck_to_dict(read_gift(text, "x.gift").deck)["cards"]}
    assert (cards["capital"]["answer"], cards["capital"]["accept"]) == ("Bern", ["Berne"])
    assert cards["capital"]["explain"] == "Bern is the federal city."
    assert (cards["host"]["type"], cards["host"]["answer"]) == ("choice", "Switzerland")
    assert (cards["hosts"]["type"], cards["hosts"]["answer"]) == (
        "multi",
        ["Azerbaijan", "Finland", "Turkey"],
    )
    assert (cards["first"]["type"], cards["first"]["answer"]) == ("bool", True)
    assert (cards["distance"]["answer"], cards["distance"]["tolerance"]) == (1200, 120)
    assert cards["meeting-date"]["type"] == "short"  # GIFT has no date question
    assert "order" not in {c["type"] for c in cards.values()}


def test_a_question_edited_after_export_is_read_as_gift(tmp_path: Path) -> None:
    """Editing an exported question in the file wins over the quiz comment, and is said."""
    deck = load(ONE_OF_EACH)
    text = export_gift(deck).replace("{=Bern =Berne", "{=Bern =Berne =Bärn")
    imported = read_gift(text, "x.gift")
    capital = imported.deck.card("capital")
    assert capital is not None and "Bärn" in capital.accept  # type: ignore[attr-defined]
    assert any("edited since 'quiz export'" in str(n) for n in imported.notes)


def test_a_bank_with_no_importable_question_says_why(tmp_path: Path) -> None:
    """Nothing imported: the error itself says why each question was left out (it used to say
    'see below' with nothing below) and how GIFT separates questions; no file is written."""
    bank = tmp_path / "bank.gift"
    bank.write_text("::Q1:: What is 2+2? {#4}\n::Q2:: Capital of France? {=Paris ~Lyon}\n", encoding="utf-8")
    out = tmp_path / "bank.yaml"
    result = CliRunner().invoke(cli, ["import", str(bank), "-o", str(out)])
    assert result.exit_code == 1
    assert "see below" not in result.output
    said = f"{bank}: no question could be imported (line 1: left out: more than one answer block"
    assert said in result.output
    assert result.stderr.count("\n") == 1  # one line
    assert "separated by a blank line" in result.output
    assert not out.exists()


def _text(value: Any) -> Any:
    """``value`` (deck data) without the characters YAML refuses (the strategies make them)."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    return value


def _file_deck(deck: Deck) -> Deck | None:
    """``deck`` as a deck file can hold it (None if it cannot): what 'quiz export' is given."""
    try:
        return deck_from_dict(_text(deck_to_dict(deck)))
    except DeckError:
        return None


file_decks = decks().map(_file_deck).filter(lambda d: d is not None)


@given(file_decks)
@example(Deck(id="d", title="D", cards=(ShortCard(id="s", prompt="a\u2028b", answer="x\u2028y"),)))
def test_any_deck_survives_gift_export_and_import(deck: Deck) -> None:
    """Any deck (every card type, hostile text, any policy) comes back from its GIFT export equal."""
    again = read_gift(export_gift(deck), "x.gift").deck
    assert deck_to_dict(again)["cards"] == deck_to_dict(deck)["cards"]


@given(st.lists(st.one_of(short_cards(), choice_cards(), multi_cards(), bool_cards), min_size=1, max_size=4,
                unique_by=lambda c: c.id))  # fmt: skip
@example([ShortCard(id="s", prompt="5 * 3?", answer="5*3", accept=("*", "x \\* y"))])
def test_gift_text_alone_maps_back_to_the_same_answers(cards: list[Card]) -> None:
    """Without quiz's comments (as Moodle keeps a bank), GIFT's own text carries each short, choice,
    multi and true/false card's prompt, answers, alternates and choices: every escape survives."""
    made = _file_deck(Deck(id="d", title="D", cards=tuple(cards)))
    assume(made is not None)
    assert made is not None
    cards = list(made.cards)
    deck = made
    text = "\n".join(ln for ln in export_gift(deck).split("\n") if not ln.startswith("// quiz:"))
    again = read_gift(text, "x.gift").deck.cards  # ids are made from the titles, so compared in order
    assert len(again) == len(cards)
    for card, back in zip(cards, again, strict=True):
        assert type(back) is type(card)
        assert _words(question_text(back)) == _words(question_text(card))
        assert _words(back.answer_text()) == _words(card.answer_text())
        alternates = dict.fromkeys(_words(a) for a in getattr(card, "accept", ()))
        alternates.pop(_words(card.answer_text()), None)  # an alternate that is the answer says nothing
        assert [_words(a) for a in getattr(back, "accept", ())] == list(alternates)
        assert [_words(o) for o in options_of(back) or ()] == [_words(o) for o in options_of(card) or ()]


def _words(text: str) -> str:
    """``text`` as GIFT keeps it: its words (not a no-break space or a run of spaces), in NFC."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_questions_run_together_are_told_to_take_a_blank_line(tmp_path: Path) -> None:
    """Two questions on consecutive lines are one block to GIFT: the note says to add a blank line;
    two answer blocks in one line's question say only that quiz asks one question per card."""
    bank = tmp_path / "bank.gift"
    bank.write_text("::A:: One? {T}\n::B:: Two? {F}\n\n::C:: Pick {=a ~b} and {=c ~d}.\n\n::D:: Ok? {T}\n")
    result = CliRunner().invoke(cli, ["import", str(bank), "-o", str(tmp_path / "bank.yaml")])
    assert result.exit_code == 0, result.output
    said = f"{bank}: line 1: left out: more than one answer block: if the next line starts another question, "
    assert said + "put a blank line before it" in result.stderr
    said = f"{bank}: line 4: left out: more than one answer block (quiz asks one question per card)"
    assert said in result.stderr


def test_moodle_id_numbers_and_tags_become_card_ids_and_tags() -> None:
    """Moodle's '// [id:...] [tag:...]' comment before a question (its export writes one) gives the
    card its id and tags; '\\]' is a ']' inside one; other comments are only comments."""
    bank = (
        "$CATEGORY: $course$/top/Geo\n\n"
        "// question: 12  name: Capital\n// [id:geo-ch-1] [tag:Geography] [tag:easy]\n"
        "::Capital::What is the capital of Switzerland?{=Bern}\n\n"
        "// [tag:a\\]b]\n::Q2::The Sun is a star.{T}\n\n"
        "// a plain comment\n::Q3::Water boils at 50 °C.{F}\n"
    )
    cards = {c["id"]: c for c in deck_to_dict(read_gift(bank, "x.gift").deck)["cards"]}
    assert list(cards) == ["geo-ch-1", "Q2", "Q3"]
    assert cards["geo-ch-1"]["tags"] == ["geo", "geography", "easy"]
    assert cards["Q2"]["tags"] == ["geo", "a-b"] and cards["Q3"]["tags"] == ["geo"]


def test_card_ids_and_tags_survive_a_trip_through_moodle() -> None:
    """The export gives each question Moodle's id number and tags, so a bank Moodle exports again
    (without quiz's comments) comes back with the same card ids and tags."""
    deck = load(ONE_OF_EACH)
    text = "\n".join(ln for ln in export_gift(deck).split("\n") if not ln.startswith("// quiz:"))
    assert "// [id:hosts] [tag:where] [tag:series]\n::hosts::" in text
    again = {c.id: c for c in read_gift(text, "x.gift").deck.cards}
    category = next(iter(again.values())).tags[0]  # the deck's title, as Moodle's category
    for card in deck.cards:
        if card.kind.value in ("order", "card"):  # GIFT has no such question
            continue
        ids = [card.id] if card.kind.value != "cloze" else [f"{card.id}-c1", f"{card.id}-c2"]
        assert all(again[i].tags == (category, *card.tags) for i in ids)
