"""The Anki export, proved by importing it into the real Anki (the ``anki`` package) with Anki's own calls."""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportCsvRequest
from click.testing import CliRunner
from conftest import DECKS, FIXTURES
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.deckio import load
from quiz.errors import ExportError
from quiz.formats.anki import deck_name, export_anki, note_guid, quoted_line, sides
from quiz.formats.anki_import import DATA_RE, card_data
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

ONE_OF_EACH = FIXTURES / "decks" / "valid" / "one-of-each-type.yaml"
DECK_FILES = sorted(DECKS.glob("*.yaml")) + ([ONE_OF_EACH] if ONE_OF_EACH.exists() else [])


def nfc(text: str) -> str:
    """NFC, the form Anki stores."""
    return unicodedata.normalize("NFC", text)


def html(text: str) -> str:
    """Plain text as the field Anki should store: NFC, ``& < >`` escaped, line breaks as ``<br>``."""
    out = nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def write(tmp: Path, deck: Deck, filename: str = "deck.anki.txt", **options: Any) -> Path:
    """The export of ``deck`` written where Anki can read it."""
    path = tmp / filename
    path.write_text(export_anki(deck, **options), encoding="utf-8", newline="")
    return path


def import_file(col: Collection, path: Path) -> Any:
    """Import like Anki's File → Import screen: the metadata Anki reads from the file, unchanged."""
    meta = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=meta)).log


def notes(col: Collection) -> dict[str, dict[str, Any]]:
    """Every note in the collection by guid: notetype, fields, tags and the decks of its cards."""
    out: dict[str, dict[str, Any]] = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        # The fields as Anki shows them; the hidden quiz data is checked on its own (test_quiz_data_*).
        out[note.guid] = {
            "notetype": note.note_type()["name"],
            "fields": [DATA_RE.sub("", f) for f in note.fields],
            "data": [card_data([f]) for f in note.fields],
            "tags": list(note.tags),
            "decks": {col.decks.name(card.did) for card in note.cards()},
            "cards": len(note.cards()),
        }
    return out


@pytest.fixture
def col(tmp_path: Path) -> Any:
    """A new, empty Anki collection."""
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def expected_tags(deck: Deck, card: Card) -> set[str]:
    """The tags a card should carry in Anki, compared ignoring case as Anki does."""
    tags = [*deck.tags, *card.tags, f"quiz::type::{card.kind.value}"]
    return {"_".join(nfc(t).split()).casefold() for t in tags}


def check_card_fields(card: Card, fields: list[str]) -> None:
    """The note's fields say what the card says, in the layout docs/anki.md promises."""
    front, back = fields
    if isinstance(card, ClozeCard):
        assert front == html(card.prompt)
        if card.explain:
            assert back.startswith(html(card.explain))
        return
    assert front.startswith(html(card.prompt))
    if isinstance(card, FlashCard):
        assert back.startswith(html(card.back))
    elif isinstance(card, ShortCard):
        assert back.startswith(html(card.answer))
        for alt in card.accept:
            assert html(alt) in back
    elif isinstance(card, ChoiceCard):
        for choice in card.choices:
            assert html(choice) in front
        assert html(card.answer) in back
    elif isinstance(card, MultiCard):
        for choice in card.choices:
            assert html(choice) in front
        for answer in card.answers:
            assert html(answer) in back
    elif isinstance(card, OrderCard):
        for n, item in enumerate(card.items, start=1):
            assert f"{n}. {html(item)}" in back
            assert html(item) in front
    elif isinstance(card, BoolCard):
        assert back.startswith("True" if card.answer else "False")
    elif isinstance(card, NumberCard | DateCard):
        assert back.startswith(html(card.answer_text()))
    if card.explain:
        assert back.endswith(html(card.explain))


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_every_shipped_deck_imports_into_anki_with_every_field_equal(
    deck_file: Path, tmp_path: Path, col: Collection
) -> None:
    """Each shipped deck becomes one note per card, with the right notetype, deck, tags and fields."""
    deck = load(deck_file)
    log = import_file(col, write(tmp_path, deck))
    assert len(log.new) == len(deck.cards)
    found = notes(col)
    assert len(found) == len(deck.cards)
    for card in deck.cards:
        note = found[note_guid(deck.id, card.id)]
        assert note["notetype"] == ("Cloze" if isinstance(card, ClozeCard) else "Basic")
        assert note["decks"] == {deck_name(deck)}
        assert {t.casefold() for t in note["tags"]} == expected_tags(deck, card)
        check_card_fields(card, note["fields"])
        assert note["fields"] == [html(s) for s in sides(card)]


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_importing_the_same_export_again_adds_nothing(
    deck_file: Path, tmp_path: Path, col: Collection
) -> None:
    """A second import of an unchanged export adds 0 notes and reports every note as a duplicate."""
    deck = load(deck_file)
    path = write(tmp_path, deck)
    import_file(col, path)
    log = import_file(col, path)
    assert len(log.new) == 0
    assert len(log.duplicate) == len(deck.cards)
    assert len(notes(col)) == len(deck.cards)


def test_an_edited_card_updates_its_note_instead_of_adding_one(tmp_path: Path, col: Collection) -> None:
    """Re-exporting after editing one prompt (the note's first field) updates that note in place."""
    deck = load(DECK_FILES[0])
    import_file(col, write(tmp_path, deck))
    card = deck.cards[0]
    edited = replace(deck, cards=(replace(card, prompt=card.prompt + " (edited)"), *deck.cards[1:]))
    log = import_file(col, write(tmp_path, edited, "edited.anki.txt"))
    assert len(log.new) == 0
    assert len(log.updated) == 1
    found = notes(col)
    assert len(found) == len(deck.cards)
    assert found[note_guid(deck.id, card.id)]["fields"][0].startswith(html(card.prompt + " (edited)"))


def test_a_bool_prompt_that_asks_true_or_false_is_not_asked_twice(tmp_path: Path, col: Collection) -> None:
    """'True or false: the meeting was secret.' arrives in Anki once, without a second 'True or false?'
    under it; a plain statement still gets the question."""
    deck = load(DECK_FILES[0])
    asking = BoolCard(id="asks", prompt="TRUE OR FALSE - the meeting was secret.", answer=True)
    plain = BoolCard(id="plain", prompt="The meeting was secret.", answer=False)
    import_file(col, write(tmp_path, replace(deck, cards=(asking, plain))))
    found = notes(col)
    assert found[note_guid(deck.id, "asks")]["fields"][0] == "TRUE OR FALSE - the meeting was secret."
    assert found[note_guid(deck.id, "plain")]["fields"][0] == "The meeting was secret.<br><br>True or false?"


def test_typed_export_makes_anki_check_the_answer_alone(tmp_path: Path, col: Collection) -> None:
    """With --typed, answer cards become 'Basic (type in the answer)' whose Back is only the answer."""
    deck = Deck(
        "typed",
        "Typed",
        (
            ShortCard("capital", "Capital of Switzerland?", answer="Bern", accept=("Berne",), explain="x"),
            NumberCard("far", "How far?", answer=1200, unit="km"),
            DateCard("when", "When?", answer=PartialDate(2019, 12)),
            FlashCard("flash", "Front", back="Back"),
            ClozeCard("gap", "{{c1::Bern}} is a city."),
        ),
    )
    import_file(col, write(tmp_path, deck, typed=True))
    found = notes(col)
    assert found["quiz:typed:capital"]["notetype"] == "Basic (type in the answer)"
    assert found["quiz:typed:capital"]["fields"] == ["Capital of Switzerland?", "Bern"]
    assert found["quiz:typed:far"]["fields"][1] == "1,200 km"
    assert found["quiz:typed:when"]["fields"][1] == "December 2019"
    assert found["quiz:typed:flash"]["notetype"] == "Basic"
    assert found["quiz:typed:gap"]["notetype"] == "Cloze"


def test_cloze_notes_get_one_anki_card_per_gap_number(tmp_path: Path, col: Collection) -> None:
    """A cloze card keeps its {{cN::...}} text, so Anki makes one card per gap number."""
    deck = Deck(
        "cz", "Cloze", (ClozeCard("s", "{{c1::Bern}} in {{c2::Switzerland::a country}}, {{c1::Bern}}"),)
    )
    import_file(col, write(tmp_path, deck))
    assert notes(col)["quiz:cz:s"]["cards"] == 2


def test_deck_name_option_and_subdecks_reach_anki(tmp_path: Path, col: Collection) -> None:
    """--deck-name with '::' puts the notes in that subdeck, creating its parents."""
    deck = Deck("d", "Title", (FlashCard("a", "front", back="back"),))
    import_file(col, write(tmp_path, deck, name=" Languages :: 日本語 "))
    assert notes(col)["quiz:d:a"]["decks"] == {"Languages::日本語"}
    assert {"Languages", "Languages::日本語"} <= {d.name for d in col.decks.all_names_and_ids()}


def test_tags_with_spaces_and_odd_characters_arrive_as_single_tags(tmp_path: Path, col: Collection) -> None:
    """Spaces in a tag become '_' (Anki splits on spaces); '#', '::' and non-Latin tags stay whole."""
    card = FlashCard("a", "front", back="back", tags=("two words", "C#", "hier::child", "日本", "Dup", "dup"))
    deck = Deck("d", "Tags", (card,), tags=("deck tag",))
    import_file(col, write(tmp_path, deck))
    assert sorted(notes(col)["quiz:d:a"]["tags"], key=str.casefold) == [
        "C#",
        "deck_tag",
        "Dup",
        "hier::child",
        "quiz::type::card",
        "two_words",
        "日本",
    ]


def test_a_card_that_came_from_anki_keeps_its_anki_guid(tmp_path: Path, col: Collection) -> None:
    """A card id 'anki:<guid>' exports with that guid, even one starting with '#' (which must be quoted)."""
    deck = Deck("d", "Guids", (FlashCard("anki:#P){i(<afA", "front", back="back"),))
    log = import_file(col, write(tmp_path, deck))
    assert len(log.new) == 1
    assert list(notes(col)) == ["#P){i(<afA"]


def test_deck_names_anki_would_misread_are_refused() -> None:
    """A digits-only name (Anki reads it as a deck id) or an empty '::' part is an ExportError."""
    deck = Deck("d", "2024", (FlashCard("a", "front", back="back"),))
    with pytest.raises(ExportError, match="only digits"):
        export_anki(deck)
    with pytest.raises(ExportError, match="empty part"):
        export_anki(deck, name="Parent::")
    assert "Year::2024" in export_anki(deck, name="Year::2024")


def test_the_file_starts_with_every_header_anki_would_otherwise_guess() -> None:
    """The header block names the separator, html, the meta columns and update-on-match, in that order."""
    deck = Deck("d", "T", (FlashCard("a", "#front", back="back"),))
    lines = export_anki(deck).splitlines()
    assert lines[:8] == [
        "#separator:tab",
        "#html:true",
        "#guid column:1",
        "#notetype column:2",
        "#deck column:3",
        "#tags column:6",
        "#if matches:update current",
        "#columns:guid\tnotetype\tdeck\tfield 1\tfield 2\ttags",
    ]
    assert lines[8].startswith('"quiz:d:a"\t"Basic"')


def test_export_command_writes_the_anki_file_named_after_the_deck(
    tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'quiz export DECK' writes <deck-id>.anki.txt in the current directory, which Anki imports."""
    deck = load(DECK_FILES[0])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", str(DECK_FILES[0])])
    assert result.exit_code == 0, result.output
    log = import_file(col, tmp_path / f"{deck.id}.anki.txt")
    assert len(log.new) == len(deck.cards)


# Characters that break naive writers: separators, quotes, line breaks, a leading '#',
# HTML specials, emoji, combining accents (NFD), right-to-left text.
TRICKY = st.sampled_from(
    [
        "\t",
        ",",
        ";",
        '"',
        "'",
        "\n",
        "\r\n",
        "#",
        "<",
        ">",
        "&",
        "&amp;",
        "<br>",
        "😀",
        "e\u0301",
        "A\u030a",
        "שלום",
        "مرحبا",
        "{{c1::x}}",
        " ",
        "|",
        ":",
        "\\",
        "a",
        "Z",
        "日本語",
        "\u00a0",
    ]
)
TEXT = (
    st.lists(TRICKY | st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=25)
    .map("".join)
    .filter(lambda t: t.strip() != "")
)


@settings(max_examples=15, deadline=None)
@given(front=TEXT, back=TEXT, answer=TEXT, text=TEXT)
@example(front="#hash leading", back='"quoted"', answer="a\tb", text="line\nbreak")
def test_arbitrary_text_arrives_in_anki_intact(front: str, back: str, answer: str, text: str) -> None:
    """Any card text comes out of Anki's import equal to the deck's text (as NFC, HTML-escaped)."""
    gap = "".join(text.replace("{", "(").replace("}", ")").replace("::", ": :").split()) or "x"
    deck = Deck(
        "prop",
        "Property",
        (
            FlashCard("flash", front, back=back),
            ShortCard("short", front, answer=answer),
            ClozeCard("cloze", f"{front.replace('{', '(')} {{{{c1::{gap}}}}}", explain=back),
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), deck)
        col = Collection(str(Path(tmp) / "c.anki2"))
        try:
            log = import_file(col, path)
            found = notes(col)
        finally:
            col.close()
    assert len(log.new) == 3
    assert found["quiz:prop:flash"]["fields"] == [html(front), html(back)]
    assert found["quiz:prop:short"]["fields"] == [html(front), html(answer)]
    assert found["quiz:prop:cloze"]["fields"] == [html(deck.cards[2].prompt), html(back)]


CELL = st.text(st.characters(blacklist_categories=("Cs",))) | st.sampled_from(
    ['"', '""', '"a"', "\t", "\r\n", "#x"]
)


@given(cells=st.lists(CELL, min_size=1, max_size=7))
def test_each_row_is_written_exactly_as_the_csv_module_writes_it(cells: list[str]) -> None:
    """The file's rows are the csv module's own (every cell quoted, tabs between) and read back the same."""
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(cells)
    line = quoted_line(tuple(cells))
    assert line == buf.getvalue()
    assert next(csv.reader(io.StringIO(line, newline=""), delimiter="\t")) == cells


def test_only_the_first_note_carries_the_whole_deck_and_a_new_description_updates_only_it(
    tmp_path: Path, col: Collection
) -> None:
    """Every note carries its card and the deck's tags, grading and steps; the title, description
    and source ride on the first note only, so editing them updates one note in Anki, not all."""
    deck = replace(load(ONE_OF_EACH), steps="1m 10m")
    log = import_file(col, write(tmp_path, deck))
    assert len(log.new) == len(deck.cards)
    found = notes(col)
    datas = [next(d for d in found[note_guid(deck.id, c.id)]["data"] if d) for c in deck.cards]
    assert datas[0]["deck"]["description"] == deck.description
    assert datas[0]["deck"]["title"] == deck.title
    for data in datas[1:]:
        assert data["deck"] == {
            "tags": list(deck.tags),
            "grading": deck.grading.diff(Policy()),
            "steps": "1m 10m",
        }
    log = import_file(col, write(tmp_path, replace(deck, description="Now described otherwise.")))
    assert len(log.updated) == 1 and len(log.new) == 0
    assert log.updated[0].fields[0] == html(sides(deck.cards[0])[0])


def test_a_large_deck_exported_by_two_processes_gives_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second half made by a forked child (from the warm deck cache, which builds each card only
    where it is used) gives the very bytes one process writes, and Anki imports every card."""
    from quiz import forked
    from quiz.deckio import load_ref
    from quiz.deckio.writer import to_yaml
    from quiz.formats.anki import write_anki
    from quiz.model import LazyCards

    one = load(ONE_OF_EACH)
    cards = tuple(replace(c, id=f"{c.id}-{i}") for i in range(300) for c in one.cards)
    (tmp_path / "big.yaml").write_text(to_yaml(replace(one, cards=cards)), encoding="utf-8")
    load_ref(str(tmp_path / "big.yaml"), cache_dir=tmp_path / "cache")
    deck = load_ref(str(tmp_path / "big.yaml"), cache_dir=tmp_path / "cache")
    assert isinstance(deck.cards, LazyCards) and len(deck.cards) == 2700
    alone, shared = io.BytesIO(), io.BytesIO()
    write_anki(deck, alone, parallel_from=None)
    children: list[object] = []
    start = forked.start
    monkeypatch.setattr(forked, "start", lambda work: children.append(work) or start(work))
    write_anki(deck, shared, parallel_from=2)
    assert len(children) == 1  # the real fork did happen
    failed = io.BytesIO()
    monkeypatch.setattr(forked, "start", lambda work: start(lambda: 1 // 0))
    write_anki(deck, failed, parallel_from=2)  # a child that dies: this process makes its half too
    assert failed.getvalue() == alone.getvalue()
    refused = io.BytesIO()

    def no_fork(work: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forked, "start", no_fork)
    write_anki(deck, refused, parallel_from=2)  # no process to spare: this one makes every row
    assert refused.getvalue() == alone.getvalue()
    monkeypatch.undo()
    import tempfile

    def no_room(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_room)
    no_spill = io.BytesIO()
    write_anki(deck, no_spill, parallel_from=2)  # no temporary file for the child: one process
    assert no_spill.getvalue() == alone.getvalue()
    monkeypatch.undo()
    assert shared.getvalue() == alone.getvalue()
    assert shared.getvalue().decode() == export_anki(load(tmp_path / "big.yaml"))
    path = tmp_path / "big.anki.txt"
    path.write_bytes(shared.getvalue())
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        assert len(import_file(col, path).new) == 2700
    finally:
        col.close()
