"""Any deck a file can hold comes back equal from quiz's Anki notes export and its JSON export.

The decks are generated (every card type, hostile text, per-card grading policies); the GIFT
round trip is in test_gift_import.py, with the same decks.
"""

from __future__ import annotations

from hypothesis import example, given
from test_gift_import import file_decks

from quiz.deckio import deck_to_dict
from quiz.formats.anki import export_anki
from quiz.formats.anki_import import read_anki
from quiz.formats.plain import export_json, read_json_deck
from quiz.model import Deck, ShortCard


@given(file_decks)
@example(Deck(id="d", title="D", cards=(ShortCard(id="s", prompt="a\u2028b", answer="x\u2028y"),)))
def test_any_deck_survives_the_anki_notes_export(deck: Deck) -> None:
    """Types, answers, alternates and grading policy come back from Anki's notes file as they were."""
    again = read_anki(export_anki(deck, name="Quiz deck"), "x.anki.txt")
    assert deck_to_dict(again)["cards"] == deck_to_dict(deck)["cards"]
    assert again.id == deck.id


@given(file_decks)
def test_any_deck_survives_the_json_export(deck: Deck) -> None:
    """JSON import reads exactly what JSON export writes: the whole deck, its own keys included."""
    assert deck_to_dict(read_json_deck(export_json(deck), "x.json")) == deck_to_dict(deck)
