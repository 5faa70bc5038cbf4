"""The other export formats: question,answer CSV, lossless JSON, Moodle GIFT, and the export command."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DECKS, FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.deckio import load
from quiz.deckio.writer import deck_from_dict
from quiz.formats.gift import escape, export_gift
from quiz.formats.plain import export_csv, export_json
from quiz.model import (
    BoolCard,
    ChoiceCard,
    ClozeCard,
    Deck,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    ShortCard,
)

ONE_OF_EACH = FIXTURES / "decks" / "valid" / "one-of-each-type.yaml"
DECK_FILES = sorted(DECKS.glob("*.yaml")) + ([ONE_OF_EACH] if ONE_OF_EACH.exists() else [])
TRICKY = 'Tab\there, "quotes", semi; #hash\nnew line <b>&amp; e\u0301 שלום 😀'


def gift_unescape(text: str) -> str:
    """Read GIFT's backslash escapes back (``\\n`` is a line break)."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text, flags=re.DOTALL)


def test_csv_has_one_question_answer_row_per_card_and_no_title_row() -> None:
    """Each card is one row of two cells, read back intact by any CSV reader, with no header row."""
    deck = Deck(
        "d",
        "T",
        (
            FlashCard("f", TRICKY, back="back"),
            ShortCard("s", "Capital?", answer="Bern", accept=("Berne",)),
            ClozeCard("c", "{{c1::Bern}} is in {{c2::CH::country}}."),
        ),
    )
    rows = list(csv.reader(io.StringIO(export_csv(deck))))
    assert rows[0] == [TRICKY.replace("e\u0301", "é"), "back"]
    assert rows[1] == ["Capital?", "Bern\n\nAlso accepted:\n- Berne"]
    assert rows[2] == ["[1] is in [2: country].", "Bern is in CH."]
    assert len(rows) == 3


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_json_export_loads_back_to_the_same_deck(deck_file: Path) -> None:
    """The JSON export of every shipped deck is lossless: reading it back gives an equal deck."""
    deck = load(deck_file)
    assert deck_from_dict(json.loads(export_json(deck))) == deck


@given(st.text(min_size=1).filter(lambda t: t.strip() != ""))
def test_gift_escaping_hides_every_special_character(text: str) -> None:
    """Escaped text has no bare ``~ = # { } :`` or line break, and unescapes to the NFC text."""
    escaped = escape(text)
    bare = re.sub(r"\\.", "", escaped, flags=re.DOTALL)
    assert not set(bare) & set("~=#{}:\\\n\r")
    assert gift_unescape(escaped) == unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace(
        "\r", "\n"
    )


def test_gift_writes_a_question_per_card_type_it_has() -> None:
    """Short, choice, multi, bool, number and cloze cards become questions; order and flashcards do not."""
    deck = Deck(
        "d",
        "Title: one",
        (
            ShortCard("s", "Capital {of} CH?", answer="Bern", accept=("Berne",), explain="Yes = yes"),
            ChoiceCard("c", "Pick", choices=("a", "b"), answer="b"),
            MultiCard("m", "Many", choices=("a", "b", "c"), answers=("a", "c")),
            BoolCard("b", "Sky is green", answer=False),
            NumberCard("n", "How far?", answer=1200, tolerance=10, tolerance_percent=True, unit="km"),
            ClozeCard("z", "{{c1::Bern}} in {{c2::CH}}"),
            OrderCard("o", "Order", items=("1", "2")),
            FlashCard("f", "Front", back="Back"),
        ),
    )
    text = export_gift(deck)
    assert "$CATEGORY: Title\\: one" in text
    assert "::s::Capital \\{of\\} CH?{=Bern =Berne####Yes \\= yes}" in text
    assert "::c::Pick{~a =b}" in text
    assert "::m::Many{~%50%a ~%-100%b ~%50%c}" in text
    assert "::b::Sky is green{FALSE}" in text
    assert "::n::How far? (in km){#1200:120}" in text
    assert "::z c1::{=Bern} in CH" in text
    assert "::z c2::Bern in {=CH}" in text
    assert "// skipped order card 'o'" in text
    assert "// skipped flashcard 'f'" in text


def test_export_command_names_files_after_the_deck_and_writes_stdout_with_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each format has its default file name; '-o -' prints the file instead."""
    monkeypatch.chdir(tmp_path)
    deck = load(DECK_FILES[0])
    runner = CliRunner()
    for fmt, suffix in (("anki", ".anki.txt"), ("csv", ".csv"), ("json", ".json"), ("gift", ".gift.txt")):
        result = runner.invoke(cli, ["export", str(DECK_FILES[0]), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert (tmp_path / f"{deck.id}{suffix}").is_file()
    printed = runner.invoke(cli, ["export", str(DECK_FILES[0]), "--format", "json", "-o", "-"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout)["deck"]["id"] == deck.id


def test_anki_only_options_are_refused_for_other_formats() -> None:
    """--typed or --deck-name with --format csv is a usage error (exit 2)."""
    result = CliRunner().invoke(cli, ["export", str(DECK_FILES[0]), "--format", "csv", "--typed"])
    assert result.exit_code == 2
    assert "only apply to --format anki" in result.output


def test_export_of_a_deck_that_anki_would_misplace_is_a_clear_error() -> None:
    """A digits-only Anki deck name fails with 'Error:' and exit 1 instead of a file Anki would misread."""
    result = CliRunner().invoke(cli, ["export", str(DECK_FILES[0]), "--deck-name", "2024", "-o", "-"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "only digits" in result.output
