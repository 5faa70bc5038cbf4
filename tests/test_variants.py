"""Question variants: ``reverse: true`` asks a short card or a flashcard the other way round too."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from anki.collection import Collection, ImportCsvRequest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.deckio import load, parse
from quiz.deckio.writer import to_yaml
from quiz.store import db_path

SPANISH = """\
deck:
  id: spanish
  title: Spanish words
cards:
  - id: perro
    type: card
    front: perro
    back: dog
    reverse: true
  - id: gato
    type: short
    prompt: gato
    answer: cat
    accept: [kitty]
    reverse: true
  - id: casa
    type: short
    prompt: casa
    answer: house
"""


def deck_file(tmp_path: Path, text: str = SPANISH) -> Path:
    """The deck text written to a file."""
    path = tmp_path / "spanish.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_reversed_card_is_also_asked_the_other_way_round_with_its_own_id(tmp_path: Path) -> None:
    """A reversed short card becomes a second card: its answer is the question, its prompt the answer."""
    deck = load(deck_file(tmp_path))
    assert deck.card_ids() == ("perro", "perro~reverse", "gato", "gato~reverse", "casa")
    result = CliRunner().invoke(
        cli, ["run", str(tmp_path / "spanish.yaml"), "--card", "gato~reverse"], input="gato\n"
    )
    assert result.exit_code == 0, result.output
    assert "1/1  cat" in result.output
    assert "Score: 1/1" in result.output


def test_each_variant_keeps_its_own_scores_and_schedule(tmp_path: Path, quiz_home: Path) -> None:
    """Studied, a card and its reverse are asked apart (the reversed cards after the others) and
    each gets its own answers and its own FSRS state in the score database: gato right, its
    reverse missed."""
    path = deck_file(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["study", str(path), "--new", "5", "--limit", "5", "--seed", "3"],
        input="\ngood\ncat\n\nhouse\n\n\ngood\nwrong\n\n",
        env={"QUIZ_NOW": "2026-01-01T09:00:00+00:00"},
    )
    assert result.exit_code == 0, result.output
    asked = re.findall(r"^new · (\S+)$", result.output, re.MULTILINE)
    assert asked == ["perro", "gato", "casa", "perro~reverse", "gato~reverse"]
    with closing(sqlite3.connect(db_path(quiz_home))) as db:
        answers = db.execute("SELECT card_id, correct, rating FROM attempts ORDER BY id").fetchall()
        states = dict(db.execute("SELECT card_id, data FROM card_states WHERE deck_id = ?", ("spanish",)))
    assert [a for a in answers if a[0].startswith("gato")] == [("gato", 1, 3), ("gato~reverse", 0, 1)]
    assert set(states) == {"perro", "perro~reverse", "gato", "gato~reverse", "casa"}
    forward, backward = json.loads(states["gato"]), json.loads(states["gato~reverse"])
    assert forward["stability"] > backward["stability"]
    assert forward["due"] > backward["due"]


def test_check_refuses_a_reverse_question_with_two_answers(tmp_path: Path) -> None:
    """Two cards answered 'dog', one of them reversed: the reverse question 'dog' would have two answers."""
    text = SPANISH + "  - id: can\n    type: short\n    prompt: can\n    answer: Dog\n"
    result = CliRunner().invoke(cli, ["check", str(deck_file(tmp_path, text))])
    assert result.exit_code == 1
    assert (
        "spanish.yaml:20:5: error: card 'can': card 'perro' (line 5) has the same answer 'Dog', so the"
        " reverse question of card 'perro' would have two answers" in result.output
    )


def test_a_reversed_deck_is_written_back_without_its_variants(tmp_path: Path) -> None:
    """The YAML written from a loaded deck keeps 'reverse: true' and loads back to the same deck."""
    deck = load(deck_file(tmp_path))
    text = to_yaml(deck)
    assert "~reverse" not in text
    assert text.count("reverse: true") == 2
    again = tmp_path / "again.yaml"
    again.write_text(text, encoding="utf-8")
    assert load(again).cards == deck.cards


def test_the_anki_export_has_a_note_per_variant_and_imports_back_to_the_same_deck(
    tmp_path: Path,
) -> None:
    """Anki gets the reversed card as a note of its own; importing the file back gives the deck as written."""
    path = deck_file(tmp_path)
    out = tmp_path / "spanish.anki.txt"
    assert CliRunner().invoke(cli, ["export", str(path), "-o", str(out)]).exit_code == 0
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        meta = col.get_csv_metadata(str(out), None)
        col.import_csv(ImportCsvRequest(path=str(out), metadata=meta))
        guids = {col.get_note(n).guid for n in col.find_notes("")}
    finally:
        col.close()
    assert guids == {f"quiz:spanish:{i}" for i in ("perro", "perro~reverse", "gato", "gato~reverse", "casa")}
    back = tmp_path / "back.yaml"
    result = CliRunner().invoke(cli, ["import", str(out), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert load(back).cards == load(path).cards


CAPITALS = "deck:\n  id: capitals\n  title: Capitals\ncards:\n" + "".join(
    f"  - id: {country.lower()}\n    type: choice\n    prompt: What is the capital of {country}?\n"
    f"    answer: {city}\n    distractors: from-deck\n"
    for country, city in [
        ("France", "Paris"),
        ("Spain", "Madrid"),
        ("Italy", "Rome"),
        ("Germany", "Berlin"),
        ("Austria", "Vienna"),
    ]
)


def test_distractors_from_the_deck_are_the_other_cards_answers_and_the_same_every_time(
    tmp_path: Path,
) -> None:
    """Each card offers its answer and three other capitals, the same on every load and for every learner."""
    path = deck_file(tmp_path, CAPITALS)
    cards = load(path).cards
    capitals = {"Paris", "Madrid", "Rome", "Berlin", "Vienna"}
    for card in cards:
        assert len(card.choices) == 4 and card.answer in card.choices
        assert set(card.choices) <= capitals
    assert [c.choices for c in load(path).cards] == [c.choices for c in cards]
    moved = tmp_path / "elsewhere.yaml"
    moved.write_text(CAPITALS.replace("title: Capitals", "title: Capitals of Europe"), encoding="utf-8")
    assert [c.choices for c in load(moved).cards] == [c.choices for c in cards]
    shown = CliRunner().invoke(cli, ["show", str(path)]).output
    assert shown == CliRunner().invoke(cli, ["show", str(path)]).output
    assert "distractors: from-deck" in to_yaml(load(path)) and "choices" not in to_yaml(load(path))


def test_drawn_choices_are_fixed_values_on_every_machine_and_python(tmp_path: Path) -> None:
    """The capitals deck draws exactly these options: a class on any machine or Python sees them.

    The draw uses SHA-256 digests only (no random module, whose draws may change between
    Python versions), so these values are the same wherever quiz runs."""
    cards = {c.id: list(c.choices) for c in load(deck_file(tmp_path, CAPITALS)).cards}
    assert cards == {
        "france": ["Paris", "Vienna", "Rome", "Berlin"],
        "spain": ["Madrid", "Berlin", "Vienna", "Paris"],
        "italy": ["Berlin", "Rome", "Madrid", "Paris"],
        "germany": ["Berlin", "Paris", "Madrid", "Rome"],
        "austria": ["Vienna", "Berlin", "Paris", "Madrid"],
    }


ANSWERS = st.lists(
    st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8), min_size=2, max_size=9
).filter(lambda xs: len({" ".join(x.split()).casefold() for x in xs}) == len(xs))


def drawn(answers: list[str], order: list[int]) -> dict[str, list[str]]:
    """The options of a deck of from-deck cards q0, q1, … (answer i on card qi), written in ``order``."""
    text = "deck:\n  id: drawn\n  title: Drawn\ncards:\n" + "".join(
        f"  - id: q{i}\n    type: choice\n    prompt: Q{i}?\n"
        f"    answer: {json.dumps(answers[i], ensure_ascii=False)}\n    distractors: from-deck\n"
        for i in order
    )
    return {c.id: list(c.choices) for c in parse(text).cards}


@given(answers=ANSWERS, data=st.data())
def test_drawn_choices_do_not_depend_on_the_order_the_cards_are_written_in(
    answers: list[str], data: st.DataObject
) -> None:
    """Cards moved around in the file offer the same options; each offers its answer once and
    up to three other cards' answers."""
    order = data.draw(st.permutations(range(len(answers))))
    first = drawn(answers, list(range(len(answers))))
    assert drawn(answers, list(order)) == first
    for i, answer in enumerate(answers):
        options = first[f"q{i}"]
        assert options.count(answer) == 1
        assert len(options) == min(3, len(answers) - 1) + 1
        assert set(options) <= set(answers)


@given(answers=ANSWERS)
def test_a_card_added_changes_another_cards_options_by_at_most_its_own_answer(answers: list[str]) -> None:
    """Adding a from-deck card to a deck puts its answer among some cards' options (taking one
    other answer's place) and leaves every other option as it was."""
    *old, new = answers
    if len(old) < 2:
        return
    before = drawn(old, list(range(len(old))))
    after = drawn(answers, list(range(len(answers))))
    for card, options in before.items():
        gained = set(after[card]) - set(options)
        assert gained <= {new}
        assert len(set(options) - set(after[card])) <= (1 if len(old) > 3 else 0)


def test_a_drawn_choice_is_answered_by_letter_like_a_written_one(tmp_path: Path) -> None:
    """The drawn options are lettered and graded as any choice card's."""
    path = deck_file(tmp_path, CAPITALS)
    card = load(path).cards[0]
    letter = "abcd"[card.choices.index("Paris")]
    result = CliRunner().invoke(
        cli, ["run", str(path), "--card", "france", "--no-shuffle"], input=f"{letter}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Score: 1/1" in result.output


def test_check_refuses_distractors_with_nothing_to_draw_or_beside_choices(tmp_path: Path) -> None:
    """A lone from-deck card, choices beside it, or another value: one error each at its place."""
    text = (
        "deck:\n  id: bad\n  title: Bad\ncards:\n"
        "  - id: a\n    type: choice\n    prompt: A?\n    answer: Paris\n    distractors: from-deck\n"
        "  - id: b\n    type: choice\n    prompt: B?\n    answer: X\n    choices: [X, Y]\n"
        "    distractors: from-deck\n"
        "  - id: c\n    type: choice\n    prompt: C?\n    answer: X\n    distractors: from-elsewhere\n"
    )
    result = CliRunner().invoke(cli, ["check", str(deck_file(tmp_path, text))])
    assert result.exit_code == 1
    lines = [ln.split("spanish.yaml:")[1] for ln in result.output.splitlines() if "error:" in ln]
    assert lines == [
        "5:5: error: card 'a': 'distractors: from-deck' has no other answer to draw choices from"
        " (give more choice cards 'distractors: from-deck' with other answers, or list 'choices')",
        "14:14: error: card 'b': 'choices' and 'distractors: from-deck' do not go together"
        " (list the choices, or let them be drawn from the other cards' answers)",
        "20:18: error: card 'c': 'distractors' can only be 'from-deck' (or list the choices under 'choices')",
    ]


VARIED = SPANISH + CAPITALS.split("cards:\n", 1)[1]


@pytest.mark.parametrize("fmt,suffix", [("anki", ".anki.txt"), ("gift", ".gift"), ("json", ".json")])
def test_every_export_quiz_imports_gives_back_reversed_and_drawn_cards_as_written(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    """Exported and imported again, a deck with reversed cards and drawn choices is the deck it was:
    'reverse: true' and 'distractors: from-deck' come back, not a second copy of each variant."""
    path = deck_file(tmp_path, VARIED)
    out = tmp_path / f"varied{suffix}"
    result = CliRunner().invoke(cli, ["export", str(path), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.yaml"
    result = CliRunner().invoke(cli, ["import", str(out), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert "edited" not in result.output
    assert load(back).cards == load(path).cards


@given(
    cards=st.lists(
        st.tuples(st.from_regex(r"[a-z]{1,4}", fullmatch=True), st.booleans()), unique_by=lambda c: c[0]
    ),
    new=st.integers(0, 30),
)
def test_new_reversed_cards_come_after_every_other_new_card(cards: list[tuple[str, bool]], new: int) -> None:
    """Whatever the deck, study's new cards are the written ones in deck order, then the reversed ones
    in deck order: a card is never followed by its own reverse unless nothing else is left."""
    from datetime import datetime, timezone

    from quiz.practice.schedule import queue_due

    ids = [cid for card, flipped in cards for cid in ((card, f"{card}~reverse") if flipped else (card,))]
    picked = queue_due(ids, {}, datetime(2026, 1, 1, tzinfo=timezone.utc), new_per_day=new)
    written = [c for c in ids if not c.endswith("~reverse")]
    assert picked == (written + [c for c in ids if c.endswith("~reverse")])[:new]
