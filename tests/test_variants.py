"""Question variants: ``reverse: true`` asks a short card or a flashcard the other way round too."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection, ImportCsvRequest
from click.testing import CliRunner

from quiz.cli import cli
from quiz.deckio import load
from quiz.deckio.writer import to_yaml
from quiz.store import Store, db_path

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
    """Studying the reversed card stores an answer and an FSRS state under its own id only."""
    path = deck_file(tmp_path)
    result = CliRunner().invoke(
        cli, ["study", str(path), "--new", "5", "--limit", "4", "--seed", "3"], input="gato\n\n" * 4
    )
    assert result.exit_code == 0, result.output
    with Store.open(db_path(quiz_home)) as store:
        answered = {a.card_id for a in store.attempts(deck_id="spanish")}
        states = store.card_states("spanish")
    assert {"gato", "gato~reverse"} <= answered
    assert {"gato", "gato~reverse"} <= set(states)


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
