"""``quiz import``: Anki notes files (made by the real Anki) and plain CSV become decks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportCsvRequest
from click.testing import CliRunner
from conftest import DECKS, FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.deckio import load
from quiz.errors import ImportFileError
from quiz.formats.anki import export_anki
from quiz.formats.anki_import import DATA_RE, html_to_text, read_anki, read_anki_file
from quiz.model import ClozeCard, Deck, FlashCard, ShortCard

ONE_OF_EACH = FIXTURES / "decks" / "valid" / "one-of-each-type.yaml"
DECK_FILES = sorted(DECKS.glob("*.yaml")) + ([ONE_OF_EACH] if ONE_OF_EACH.exists() else [])


def anki_export(col: Collection, path: Path, *, with_html: bool = True, full: bool = True) -> str:
    """The collection as Anki's own "Notes in Plain Text" export."""
    col.export_note_csv(
        out_path=str(path),
        limit=None,
        with_html=with_html,
        with_tags=full,
        with_deck=full,
        with_notetype=full,
        with_guid=full,
    )
    return path.read_text(encoding="utf-8")


def without_data(text: str) -> str:
    """An Anki file without the hidden quiz data comments (what Anki shows and matches notes by)."""
    return DATA_RE.sub("", text)


def add(col: Collection, notetype: str, deck: str, tags: list[str], **fields: str) -> Any:
    """Add one note the way a user does in Anki's editor."""
    note = col.new_note(col.models.by_name(notetype))
    for key, value in fields.items():
        note[key.replace("_", " ")] = value
    note.tags = tags
    col.add_note(note, col.decks.id(deck))
    return note


@pytest.fixture
def col(tmp_path: Path) -> Any:
    """A new, empty Anki collection."""
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def test_notes_made_in_anki_become_cards_with_their_guids_as_ids(tmp_path: Path, col: Collection) -> None:
    """Basic → flashcard, Cloze → cloze, reversed Basic → flashcard; HTML becomes text; guids become ids."""
    basic = add(
        col, "Basic", "Maths", ["math", "Zeta"], Front="What is <b>2+2</b>?", Back="4 &amp; more<br>line"
    )
    cloze = add(col, "Cloze", "Maths::Geo", [], Text="{{c1::Bern}} is in {{c2::CH}}", Back_Extra="x # y")
    rev = add(col, "Basic (optional reversed card)", "Maths", [], Front='a "q"', Back="b\tc", Add_Reverse="y")
    path = tmp_path / "notes.txt"
    anki_export(col, path)
    deck = read_anki_file(path)
    by_id = {c.id: c for c in deck.cards}
    assert deck.id == "notes"
    assert deck.title == "Maths"
    assert by_id[f"anki:{basic.guid}"] == FlashCard(
        f"anki:{basic.guid}", "What is 2+2?", back="4 & more\nline", tags=("math", "Zeta")
    )
    assert by_id[f"anki:{cloze.guid}"] == ClozeCard(
        f"anki:{cloze.guid}", "{{c1::Bern}} is in {{c2::CH}}", explain="x # y"
    )
    assert by_id[f"anki:{rev.guid}"] == FlashCard(f"anki:{rev.guid}", 'a "q"', back="b\tc")


def test_a_reexport_of_imported_anki_notes_updates_them_in_anki(tmp_path: Path, col: Collection) -> None:
    """Importing Anki's export, editing a card and exporting back updates the same notes: 0 added."""
    add(col, "Basic", "Words", ["x"], Front="front & <b>bold</b>", Back="back")
    add(col, "Cloze", "Words", [], Text="The {{c1::cat}} sat.", Back_Extra="")
    anki_export(col, tmp_path / "notes.txt")
    deck = read_anki_file(tmp_path / "notes.txt")
    edited = Deck(
        deck.id, deck.title, (FlashCard(deck.cards[0].id, "front & bold", back="new back"), deck.cards[1])
    )
    out = tmp_path / "back.anki.txt"
    out.write_text(export_anki(edited), encoding="utf-8")
    log = col.import_csv(ImportCsvRequest(path=str(out), metadata=col.get_csv_metadata(str(out), None))).log
    assert len(log.new) == 0
    assert len(col.find_notes("")) == 2
    assert len(col.find_notes("back:new*")) == 1
    # quiz adds its type tag, so the untouched cloze note is updated with it too.
    assert len(col.find_notes("tag:quiz::type::cloze")) == 1


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_quiz_to_anki_to_quiz_gives_the_same_anki_file(
    deck_file: Path, tmp_path: Path, col: Collection
) -> None:
    """Export a shipped deck, import it into Anki, export from Anki, import to quiz, export: same file."""
    first = export_anki(load(deck_file))
    (tmp_path / "first.anki.txt").write_text(first, encoding="utf-8")
    meta = col.get_csv_metadata(str(tmp_path / "first.anki.txt"), None)
    col.import_csv(ImportCsvRequest(path=str(tmp_path / "first.anki.txt"), metadata=meta))
    anki_export(col, tmp_path / "from-anki.txt")
    again = read_anki_file(tmp_path / "from-anki.txt")
    assert again.id == load(deck_file).id
    assert export_anki(again) == first


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_export_import_export_without_anki_is_stable(deck_file: Path) -> None:
    """quiz export → quiz import → quiz export gives the same Anki file, with the original card ids."""
    deck = load(deck_file)
    first = export_anki(deck)
    again = read_anki(first, "x.anki.txt")
    assert [c.id for c in again.cards] == [c.id for c in deck.cards]
    assert export_anki(again) == first


TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\t\n"#<>&;,'), min_size=1
).filter(lambda t: t.strip() != "")


@settings(max_examples=100)
@given(front=TEXT, back=TEXT)
def test_any_text_survives_export_import_export(front: str, back: str) -> None:
    """Whatever the text, importing an export and exporting again gives the same file."""
    deck = Deck("d", "T", (FlashCard("a", front, back=back), ShortCard("b", back, answer=front)))
    first = export_anki(deck)
    assert export_anki(read_anki(first)) == first
    assert export_anki(read_anki(export_anki(deck, typed=True)), typed=True) == export_anki(deck, typed=True)


def test_anki_export_without_html_or_meta_columns_is_read_as_plain_text(
    tmp_path: Path, col: Collection
) -> None:
    """With html off and no guid/notetype columns, fields are taken as written and notes as Basic."""
    add(col, "Basic", "Default", [], Front="a &amp; b", Back="c<br>d")
    anki_export(col, tmp_path / "plain.txt", with_html=False, full=False)
    deck = read_anki_file(tmp_path / "plain.txt")
    assert [(c.prompt, c.answer_text()) for c in deck.cards] == [("a & b", "c d")]


def test_as_short_makes_typed_answer_cards_and_typed_notes_always_are(tmp_path: Path) -> None:
    """--as short turns Basic notes into short cards; 'Basic (type in the answer)' notes always are."""
    text = (
        "#separator:comma\n#html:true\n#notetype column:1\n"
        "Basic,Capital?,Bern\nBasic (type in the answer),Typed?,yes\n"
    )
    default = read_anki(text)
    assert [type(c) for c in default.cards] == [FlashCard, ShortCard]
    short = read_anki(text, as_type="short")
    assert [type(c) for c in short.cards] == [ShortCard, ShortCard]
    assert short.cards[0].answer_text() == "Bern"


def test_a_plain_two_column_csv_becomes_flashcards() -> None:
    """question,answer rows (comma or tab, quoted or not, no title row) become flashcards with stable ids."""
    deck = read_anki('"Capital, of CH?",Bern\nSecond,"two\nlines"\n', "capitals.csv")
    assert deck.id == "capitals"
    assert [(c.prompt, c.answer_text()) for c in deck.cards] == [
        ("Capital, of CH?", "Bern"),
        ("Second", "two\nlines"),
    ]
    assert read_anki("a\tb, c\n", "t.tsv").cards[0].answer_text() == "b, c"
    assert read_anki("q,a\n", "x.csv").cards[0].id == read_anki("q,a\n", "x.csv").cards[0].id


def test_header_lines_set_deck_notetype_and_tags_for_every_row() -> None:
    """#notetype:, #deck: and #tags: apply to every row; a row starting with '#' is a comment, as in Anki."""
    text = "#separator:Semicolon\n#notetype:cloze\n#deck:Geo\n#tags:g1 g2\n{{c1::Bern}};extra\n#skip;me\n"
    deck = read_anki(text)
    assert deck.title == "Geo"
    assert deck.tags == ("g1", "g2")
    assert deck.cards == (ClozeCard(deck.cards[0].id, "{{c1::Bern}}", explain="extra"),)


def test_html_fields_become_plain_text() -> None:
    """<br> and <div> become line breaks, tags are dropped, entities are read, &nbsp; is a space."""
    assert html_to_text("a<br>b<br/>c") == "a\nb\nc"
    assert html_to_text("<div>one</div><div>two</div>") == "one\ntwo"
    assert html_to_text("<b>x</b>&nbsp;&amp;&lt;br&gt;") == "x &<br>"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("caf\xe9,cr\xe8me\n".encode("latin-1"), "x.csv:1: the file is not UTF-8"),
        (b"PK\x03\x04\x14\x00\x08\x00\x99", "x.csv:1: the file is a zip archive (an Anki package"),
        (b"#separator:comma\n#html:true\n", "has no notes"),
        (b"", "has no notes"),
        (b"#separator:comma\nq1,a1\nq2,a2,extra\n", "x.csv:3: this row has 3 columns, the file has 2"),
        (
            b"#separator:comma\n#notetype column:1\nImage Occlusion,a,b\n",
            "x.csv:3: unknown notetype 'Image Occlusion'",
        ),
        (b"one,two,three\n", "must have 2 columns"),
        (b"#separator:comma\n#notetype:Basic\nfront,\n", "x.csv:3: the Back field is empty"),
        (b"#separator:comma\n#notetype:Cloze\nno gap here,\n", "no deletion"),
        (b"#separator:comma\n#guid column:1\ng1,q,a\ng1,q2,a2\n", "x.csv:4: the guid 'g1' is also on line 3"),
    ],
)
def test_bad_files_give_one_line_errors_with_the_line(tmp_path: Path, content: bytes, message: str) -> None:
    """Each bad input is an ImportFileError naming the file and line, never a traceback."""
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        read_anki_file(path)
    assert message in str(err.value).replace(str(tmp_path) + "/", "")
    assert "\n" not in str(err.value)


def test_import_command_writes_a_deck_that_passes_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'quiz import' writes <deck-id>.yaml, 'quiz check' accepts it, and it refuses to overwrite it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "words.csv").write_text("hola,hello\nadiós,goodbye\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "words.csv", "--title", "Spanish", "--as", "short"])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 cards to words.yaml" in result.output
    checked = runner.invoke(cli, ["check", "words.yaml"])
    assert checked.exit_code == 0, checked.output
    deck = load(tmp_path / "words.yaml")
    assert (deck.title, [c.answer_text() for c in deck.cards]) == ("Spanish", ["hello", "goodbye"])
    again = runner.invoke(cli, ["import", "words.csv"])
    assert again.exit_code == 1
    assert "already exists; pass --force" in again.output


def test_import_command_reports_bad_files_as_errors(tmp_path: Path) -> None:
    """A bad file makes 'quiz import' print 'Error: ...' and exit 1."""
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe bad")
    result = CliRunner().invoke(cli, ["import", str(path), "-o", "-"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not UTF-8" in result.output


def test_deck_id_option_is_checked_and_keeps_anki_guids() -> None:
    """--deck-id must be a valid id; guids quiz wrote for another deck id are kept as 'anki:' ids."""
    text = export_anki(Deck("old", "T", (FlashCard("a", "q", back="a"),)))
    with pytest.raises(ImportFileError, match="--deck-id 'bad id'"):
        read_anki(text, deck_id="bad id")
    renamed = read_anki(text, deck_id="new")
    assert renamed.cards[0].id == "anki:quiz:old:a"
    # The same note for Anki (guid, fields, tags); only the hidden quiz data names the new deck.
    assert without_data(export_anki(renamed)) == without_data(text)
    assert renamed.cards[0] == FlashCard("anki:quiz:old:a", "q", back="a")


# -- quiz's own exports come back as the cards they were -------------------------------------------
EVERY_TYPE_FROM_ANKI = FIXTURES / "anki" / "every-type-from-anki.txt"


def test_an_anki_export_of_every_card_type_reimports_as_the_same_deck() -> None:
    """The file real Anki exported (every card type, policies, alternates) imports as the deck it was."""
    from quiz.deckio import deck_to_dict

    warnings: list[str] = []
    deck = read_anki_file(EVERY_TYPE_FROM_ANKI, warnings=warnings)
    assert deck_to_dict(deck) == deck_to_dict(load(ONE_OF_EACH))
    assert warnings == []
    kinds = {c.kind.value for c in deck.cards}
    assert kinds == {"short", "choice", "multi", "bool", "number", "date", "cloze", "order", "card"}


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=[p.name for p in DECK_FILES])
def test_export_anki_export_import_gives_the_same_cards(
    deck_file: Path, tmp_path: Path, col: Collection
) -> None:
    """quiz export --typed → Anki's import → Anki's plain-text export → quiz import: the same deck, every
    key, and no card said to be edited."""
    from quiz.deckio import deck_to_dict

    deck = load(deck_file)
    first = tmp_path / "first.anki.txt"
    first.write_text(export_anki(deck, typed=True), encoding="utf-8")
    meta = col.get_csv_metadata(str(first), None)
    col.import_csv(ImportCsvRequest(path=str(first), metadata=meta))
    anki_export(col, tmp_path / "from-anki.txt")
    out = tmp_path / "again.yaml"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "from-anki.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "edited in Anki" not in result.stderr  # no note was: none is reported
    assert deck_to_dict(load(out)) == deck_to_dict(deck)


def test_notes_edited_in_anki_or_stripped_of_html_are_reported(tmp_path: Path, col: Collection) -> None:
    """An edited quiz note keeps quiz's card with a warning; an export without HTML says the data is lost."""
    deck = load(ONE_OF_EACH)
    first = tmp_path / "first.anki.txt"
    first.write_text(export_anki(deck), encoding="utf-8")
    col.import_csv(ImportCsvRequest(path=str(first), metadata=col.get_csv_metadata(str(first), None)))
    note = next(n for n in map(col.get_note, col.find_notes("")) if n.guid == "quiz:every-type:capital")
    note["Front"] = "Capital city of Switzerland?"
    col.update_note(note)
    anki_export(col, tmp_path / "edited.txt")
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "edited.txt"), "-o", str(tmp_path / "e.yaml")])
    assert result.exit_code == 0, result.output
    assert "card 'capital' was edited in Anki since the export (front)" in result.stderr
    assert load(tmp_path / "e.yaml").card("capital") == deck.card("capital")

    anki_export(col, tmp_path / "plain.txt", with_html=False)
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "plain.txt"), "-o", str(tmp_path / "p.yaml")])
    assert result.exit_code == 0, result.output
    assert "this note was a quiz 'choice' card but carries no quiz data" in result.stderr


def test_json_export_imports_as_the_same_deck(tmp_path: Path) -> None:
    """quiz import reads what quiz export --format json writes: the same deck."""
    from quiz.deckio import deck_to_dict

    runner = CliRunner()
    out = tmp_path / "deck.json"
    assert runner.invoke(cli, ["export", str(ONE_OF_EACH), "--format", "json", "-o", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["import", str(out), "-o", str(tmp_path / "back.yaml")])
    assert result.exit_code == 0, result.output
    assert deck_to_dict(load(tmp_path / "back.yaml")) == deck_to_dict(load(ONE_OF_EACH))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"deck": {"id": "x"', "bad.json:1:20: not valid JSON"),
        ('{"format": "quiz-result", "version": 1}', "this is a learner's result file, not a deck"),
        ("[1, 2]", "not a quiz deck in JSON: it needs 'deck' and 'cards'"),
        ('{"deck": {"id": "x", "title": "T"},\n "cards": [{"id": "a", "type": "short"}]}', "bad.json:2:"),
    ],
)
def test_bad_json_imports_say_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    """A JSON file that is not a deck gets one line saying what it is instead, with line and column."""
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("title", ["question,answer", "Front,Back", "TERM,Definition", "Prompt:,Answer:"])
def test_a_csv_title_row_is_not_a_card(tmp_path: Path, title: str) -> None:
    """A spreadsheet's row naming the columns is skipped; the rows under it are the cards."""
    src = tmp_path / "my.csv"
    src.write_text(f"{title}\nCapital of Spain?,Madrid\nfront,back side\n", encoding="utf-8")
    out = tmp_path / "my.yaml"
    result = CliRunner().invoke(cli, ["import", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    cards = load(out).cards
    expected = [("Capital of Spain?", "Madrid"), ("front", "back side")]
    assert [(c.prompt, c.answer_text()) for c in cards] == expected


def test_a_csv_of_only_a_title_row_has_no_notes(tmp_path: Path) -> None:
    """Only a title row: one clear line, no deck written."""
    src = tmp_path / "h.csv"
    src.write_text("Front,Back\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(src), "-o", str(tmp_path / "h.yaml")])
    assert result.exit_code == 1
    assert "the file has no notes (only a row naming the columns)" in result.output
    assert not (tmp_path / "h.yaml").exists()


def test_notes_whose_first_note_was_deleted_in_anki_keep_their_grading_tags_and_steps(
    tmp_path: Path, col: Collection
) -> None:
    """The deck's whole metadata rides on the first note: without it (deleted in Anki) the other
    cards come back the same, graded and studied the same; only the description and source are lost."""
    from dataclasses import replace

    from quiz.deckio import deck_to_dict

    deck = replace(load(ONE_OF_EACH), steps="1m 10m")
    first = tmp_path / "first.anki.txt"
    first.write_text(export_anki(deck), encoding="utf-8")
    col.import_csv(ImportCsvRequest(path=str(first), metadata=col.get_csv_metadata(str(first), None)))
    gone = next(n for n in col.find_notes("") if col.get_note(n).guid == f"quiz:{deck.id}:{deck.cards[0].id}")
    col.remove_notes([gone])
    anki_export(col, tmp_path / "from-anki.txt")
    again = read_anki_file(tmp_path / "from-anki.txt")
    expected = replace(deck, cards=tuple(deck.cards[1:]), description="", source="")
    assert deck_to_dict(again) == deck_to_dict(expected)
    for card in again.cards:
        assert again.policy(card) == deck.policy(deck.card(card.id))
