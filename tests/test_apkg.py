"""The .apkg export, proved by importing the package into the real Anki (the ``anki`` package)."""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner
from conftest import DECKS, FIXTURES
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_export_anki import html

from quiz.cli import cli
from quiz.deckio import load
from quiz.formats.anki_import import DATA_RE, card_data
from quiz.formats.apkg import write_apkg
from quiz.model import ChoiceCard, ClozeCard, Deck, FlashCard, ShortCard

ONE_OF_EACH = FIXTURES / "decks" / "valid" / "one-of-each-type.yaml"
DECK_FILES = [*sorted(DECKS.glob("*.yaml")), ONE_OF_EACH]
TYPE_IN = "Basic (type in the answer) (quiz)"
NOTETYPE_OF = {
    "short": TYPE_IN,
    "number": TYPE_IN,
    "date": TYPE_IN,
    "bool": TYPE_IN,
    "choice": "Basic (quiz)",
    "multi": "Basic (quiz)",
    "order": "Basic (quiz)",
    "card": "Basic (quiz)",
    "cloze": "Cloze (quiz)",
}


def export(deck: str | Path, out: Path, *args: str, now: str = "2026-01-01T09:00:00+00:00") -> Any:
    """Run ``quiz export DECK --format apkg -o OUT`` at the time ``now``."""
    result = CliRunner().invoke(
        cli, ["export", str(deck), "--format", "apkg", "-o", str(out), *args], env={"QUIZ_NOW": now}
    )
    assert result.exit_code == 0, result.output
    return result


def import_package(col: Collection, path: Path) -> Any:
    """Import like a double-click in Anki: the import screen's default options, unchanged."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def notes(col: Collection) -> dict[str, dict[str, Any]]:
    """Every note in the collection by guid: notetype, fields by name, tags, the decks of its cards."""
    found = [col.get_note(nid) for nid in col.find_notes("")]
    return {
        n.guid: {
            "notetype": n.note_type()["name"],
            # The fields as Anki shows them; the hidden quiz card data is checked on its own.
            "fields": {k: DATA_RE.sub("", v) for k, v in n.items()},
            "data": [card_data([v]) for _, v in n.items()],
            "tags": list(n.tags),
            "decks": {col.decks.name(card.did) for card in n.cards()},
            "cards": n.cards(),
        }
        for n in found
    }


@pytest.fixture
def col(tmp_path: Path) -> Any:
    """A new, empty Anki collection, closed after the test."""
    with closing(Collection(str(tmp_path / "collection.anki2"))) as collection:
        yield collection


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_every_shipped_deck_opens_in_anki_with_its_notes_decks_tags_and_note_types(
    deck_file: Path, tmp_path: Path, col: Collection
) -> None:
    """Each deck's package imports as one note per card, in the deck's Anki deck, tagged, of its type."""
    deck = load(deck_file)
    export(deck_file, tmp_path / "deck.apkg")
    with zipfile.ZipFile(tmp_path / "deck.apkg") as archive:  # no media: nothing but the notes
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert archive.read("media") == b"{}"
    log = import_package(col, tmp_path / "deck.apkg")
    assert len(log.new) == len(deck.cards)
    assert os.listdir(col.media.dir()) == []
    found = notes(col)
    assert set(found) == {f"quiz:{deck.id}:{card.id}" for card in deck.cards}
    for card in deck.cards:
        note = found[f"quiz:{deck.id}:{card.id}"]
        assert note["notetype"] == NOTETYPE_OF[card.kind.value]
        assert note["decks"] == {deck.title}
        tags = {t.casefold() for t in note["tags"]}
        assert tags == {
            "_".join(t.split()).casefold() for t in (*deck.tags, *card.tags, f"quiz::type::{card.kind}")
        }
        first = "Text" if isinstance(card, ClozeCard) else "Front"
        assert note["fields"][first].startswith(html(card.prompt))
    names = {n.name for n in col.models.all_names_and_ids()}
    assert {"Basic (quiz)", TYPE_IN, "Cloze (quiz)"} <= names
    assert col.decks.by_name(deck.title)["desc"] == html(deck.description)


def test_a_typed_card_asks_anki_to_type_the_answer_and_shows_alternates_after(
    tmp_path: Path, col: Collection
) -> None:
    """A short card renders with Anki's type-in field on the front, and alternates and explain on the back."""
    export(ONE_OF_EACH, tmp_path / "deck.apkg")
    import_package(col, tmp_path / "deck.apkg")
    note = notes(col)["quiz:every-type:capital"]
    assert note["fields"]["Back"] == "Bern"
    (card,) = note["cards"]
    assert "[[type:Back]]" in card.question()
    answer = card.answer()
    assert "[[type:Back]]" in answer
    assert "Also accepted:<br>- Berne" in answer
    assert "Bern is the federal city." in answer


def test_a_cloze_card_becomes_one_anki_card_per_gap_number(tmp_path: Path, col: Collection) -> None:
    """The cloze note type makes an Anki card for each gap number of the text."""
    deck = Deck("gaps", "Gaps", (ClozeCard("c", "{{c1::Bern}} is in {{c2::Switzerland}}, {{c1::yes}}"),))
    write_apkg(deck, tmp_path / "d.apkg", now=datetime.now(timezone.utc), memory_dir=tmp_path / "mem")
    import_package(col, tmp_path / "d.apkg")
    (note,) = notes(col).values()
    assert note["notetype"] == "Cloze (quiz)"
    assert len(note["cards"]) == 2
    assert "[...]" in note["cards"][0].question()


def edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    """The one-of-each-type deck with ``old`` replaced by ``new`` (which must be there once)."""
    text = ONE_OF_EACH.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_reimporting_an_edited_deck_updates_exactly_the_changed_notes(
    tmp_path: Path, col: Collection
) -> None:
    """After one prompt is edited, the new package updates that one note, adds none, keeps the rest."""
    export(ONE_OF_EACH, tmp_path / "v1.apkg")
    first = import_package(col, tmp_path / "v1.apkg")
    count = len(first.new)
    edited = edited_copy(
        tmp_path, "How far is Geneva from Bern, in km?", "How far is Geneva from Bern by road?"
    )
    export(edited, tmp_path / "v2.apkg", now="2026-01-02T09:00:00+00:00")
    second = import_package(col, tmp_path / "v2.apkg")
    assert len(second.new) == 0
    assert [n.fields[0] for n in second.updated] == ["How far is Geneva from Bern by road?(in km)"]
    assert len(second.duplicate) == count - 1
    assert len(notes(col)) == count
    assert notes(col)["quiz:every-type:distance"]["fields"]["Front"].startswith(
        "How far is Geneva from Bern by"
    )


def test_reimporting_a_deck_with_two_cards_changed_one_added_one_removed(
    tmp_path: Path, col: Collection
) -> None:
    """Two edited cards update their two notes, the new card adds one note, the removed card's
    note stays in Anki as it was, and nothing is doubled; the learner's review is kept."""
    export(ONE_OF_EACH, tmp_path / "v1.apkg")
    count = len(import_package(col, tmp_path / "v1.apkg").new)
    studied = col.get_card(notes(col)["quiz:every-type:first"]["cards"][0].id)
    studied.type, studied.queue, studied.ivl, studied.due = 2, 2, 12, 30
    col.update_card(studied)
    text = ONE_OF_EACH.read_text(encoding="utf-8")
    text = text.replace("It was their first meeting in person.", "It was their first meeting face to face.")
    text = text.replace("prompt: When did they meet?", "prompt: On which day did they meet?")
    start, end = text.index("  - id: sequence"), text.index("  - id: flash")
    text = text[:start] + text[end:] + "  - id: added\n    type: short\n    prompt: Who met Milley?\n"
    text += "    answer: Gerasimov\n"
    edited = tmp_path / "edited.yaml"
    edited.write_text(text, encoding="utf-8")
    export(edited, tmp_path / "v2.apkg", now="2026-01-02T09:00:00+00:00")
    log = import_package(col, tmp_path / "v2.apkg")
    assert [n.fields[0] for n in log.new] == ["Who met Milley?"]
    assert sorted(n.fields[0] for n in log.updated) == [
        "It was their first meeting face to face.True or false?",
        "On which day did they meet?",
    ]
    assert len(log.duplicate) == count - 3
    found = notes(col)
    assert len(found) == count + 1
    assert "quiz:every-type:sequence" in found  # Anki's import never deletes a note
    assert found["quiz:every-type:first"]["fields"]["Front"].startswith("It was their first meeting face")
    kept = col.get_card(studied.id)
    assert (kept.type, kept.ivl, kept.due) == (2, 12, 30)


def test_reimporting_the_same_deck_again_changes_nothing(tmp_path: Path, col: Collection) -> None:
    """An export of an unchanged deck, a day later, updates no note and adds none."""
    export(ONE_OF_EACH, tmp_path / "v1.apkg")
    count = len(import_package(col, tmp_path / "v1.apkg").new)
    export(ONE_OF_EACH, tmp_path / "v2.apkg", now="2026-01-02T09:00:00+00:00")
    log = import_package(col, tmp_path / "v2.apkg")
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, count)


def test_subdeck_tags_and_deck_name_make_anki_subdecks(tmp_path: Path, col: Collection) -> None:
    """A card tagged ``subdeck::Places`` lands in ``<deck name>::Places``, and the tag is not kept."""
    edited = edited_copy(
        tmp_path, "tags: [where, series]", "tags: [where, series, 'subdeck::Places::Earlier']"
    )
    export(edited, tmp_path / "d.apkg", "--deck-name", "History :: Talks")
    import_package(col, tmp_path / "d.apkg")
    found = notes(col)
    assert found["quiz:every-type:hosts"]["decks"] == {"History::Talks::Places::Earlier"}
    assert not any(t.casefold().startswith("subdeck") for t in found["quiz:every-type:hosts"]["tags"])
    assert found["quiz:every-type:capital"]["decks"] == {"History::Talks"}


def test_without_genanki_the_command_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the apkg extra missing, the export fails with one line naming the pip command, exit 1."""
    monkeypatch.setitem(sys.modules, "genanki", None)
    result = CliRunner().invoke(
        cli, ["export", str(ONE_OF_EACH), "--format", "apkg", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the .apkg export needs genanki: pip install 'quiz[apkg]'"
    ]
    assert not (tmp_path / "x").exists()


def test_the_package_is_named_after_the_deck_and_not_written_to_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without -o the package is <deck-id>.apkg; '-o -' is a usage error (a zip is no terminal text)."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", str(ONE_OF_EACH), "--format", "apkg"])
    assert result.exit_code == 0
    assert (tmp_path / "every-type.apkg").read_bytes()[:2] == b"PK"
    assert "Wrote 9 cards of 'every-type' to every-type.apkg" in result.output
    result = CliRunner().invoke(cli, ["export", str(ONE_OF_EACH), "--format", "apkg", "-o", "-"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["export", str(ONE_OF_EACH), "--format", "apkg", "--typed"])
    assert result.exit_code == 2


TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(["\n", "<", "&", "é"]), min_size=1
)


@settings(max_examples=10, deadline=None)
@given(front=TEXT.filter(str.strip), back=TEXT.filter(str.strip), answer=TEXT.filter(str.strip))
@example(front="<b>not bold</b> & {{c1::x}}", back="line\nbreak", answer="a\tb")
def test_arbitrary_text_arrives_in_anki_intact(front: str, back: str, answer: str) -> None:
    """Any card text comes out of Anki's package import equal to the deck's text (NFC, HTML-escaped)."""
    deck = Deck(
        "prop", "Property", (FlashCard("flash", front, back=back), ShortCard("short", front, answer=answer))
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.apkg"
        write_apkg(deck, path, now=datetime.now(timezone.utc), memory_dir=Path(tmp) / "mem")
        col = Collection(str(Path(tmp) / "c.anki2"))
        try:
            import_package(col, path)
            found = notes(col)
        finally:
            col.close()
    assert found["quiz:prop:flash"]["fields"] == {"Front": html(front), "Back": html(back)}
    assert found["quiz:prop:short"]["fields"]["Front"] == html(front)
    assert found["quiz:prop:short"]["fields"]["Back"] == html(answer)


def test_the_package_carries_each_card_for_quiz_import(tmp_path: Path, col: Collection) -> None:
    """Every note of the package holds its quiz card in a hidden comment, outside a type-in note's Back."""
    deck = load(ONE_OF_EACH)
    path = tmp_path / "d.apkg"
    write_apkg(deck, path, now=datetime.now(timezone.utc), memory_dir=tmp_path / "mem")
    import_package(col, path)
    found = notes(col)
    assert len(found) == len(deck.cards)
    for note in found.values():
        carried = [d for d in note["data"] if d is not None]
        assert len(carried) == 1, note["fields"]


def test_reversed_cards_and_drawn_choices_are_notes_of_their_own(tmp_path: Path, col: Collection) -> None:
    """A reversed card's variant is its own note (type-in for a short card) and a from-deck
    choice card shows the choices it drew, as quiz shows them."""
    from test_variants import VARIED

    path = tmp_path / "varied.yaml"
    path.write_text(VARIED, encoding="utf-8")
    deck = load(path)
    export(path, tmp_path / "v.apkg")
    import_package(col, tmp_path / "v.apkg")
    found = notes(col)
    assert set(found) == {f"quiz:spanish:{card.id}" for card in deck.cards}
    flipped = found["quiz:spanish:gato~reverse"]
    assert flipped["notetype"] == TYPE_IN
    assert (flipped["fields"]["Front"], flipped["fields"]["Back"]) == ("cat", "gato")
    assert "[[type:Back]]" in flipped["cards"][0].question()
    card = found["quiz:spanish:perro~reverse"]
    assert (card["fields"]["Front"], card["fields"]["Back"]) == ("dog", "perro")
    for choice in (c for c in deck.cards if isinstance(c, ChoiceCard)):
        front = found[f"quiz:spanish:{choice.id}"]["fields"]["Front"]
        lettered = (f"{'abcd'[i]}) {c}" for i, c in enumerate(choice.choices))
        assert front.endswith("<br><br>" + "<br>".join(lettered))


def test_html_and_script_in_a_card_arrive_as_text_not_markup(tmp_path: Path, col: Collection) -> None:
    """A prompt with a script tag and an image with an onerror handler is shown as text by Anki."""
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & <b>bold</b>?"
    deck = Deck("evil", "Evil", (ShortCard("s", hostile, answer="<i>safe</i>", explain="<u>why</u>"),))
    write_apkg(deck, tmp_path / "e.apkg", now=datetime.now(timezone.utc), memory_dir=tmp_path / "mem")
    import_package(col, tmp_path / "e.apkg")
    (note,) = notes(col).values()
    shown = note["cards"][0].question() + note["cards"][0].answer()
    assert "<script" not in shown and "<img" not in shown and "<b>" not in shown and "<i>" not in shown
    assert "&lt;script&gt;alert('x')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in shown
    assert note["fields"]["Back"] == "&lt;i&gt;safe&lt;/i&gt;"
    assert "&lt;u&gt;why&lt;/u&gt;" in note["fields"]["Extra"]


@pytest.mark.parametrize("deck_file", [ONE_OF_EACH, "varied"])
def test_notes_from_the_package_come_back_to_quiz_through_ankis_text_export(
    deck_file: Path | str, tmp_path: Path, col: Collection
) -> None:
    """The package's own note types are read by 'quiz import': Anki's "Notes in Plain Text" export
    of an imported package gives back every card as written, none said to be edited."""
    from test_import import anki_export
    from test_variants import VARIED

    if deck_file == "varied":
        deck_file = tmp_path / "varied.yaml"
        deck_file.write_text(VARIED, encoding="utf-8")
    export(deck_file, tmp_path / "d.apkg")
    import_package(col, tmp_path / "d.apkg")
    anki_export(col, tmp_path / "from-anki.txt")
    back = tmp_path / "back.yaml"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "from-anki.txt"), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert "edited" not in result.stderr
    written = {card.id: card for card in load(deck_file).cards}
    assert {card.id: card for card in load(back).cards} == written  # Anki lists the notes in its own order
