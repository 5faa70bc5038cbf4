"""The deck loader: exact messages for invalid fixtures; valid and big inputs load or fail cleanly."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml
from conftest import DECKS, FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from quiz.deckio import MAX_BYTES, _file, _yaml, load, parse, schema_path
from quiz.errors import DeckError
from quiz.model import BoolCard, ChoiceCard, ClozeCard, DateCard, NumberCard, PartialDate, ShortCard

INVALID = FIXTURES / "decks" / "invalid"
VALID = FIXTURES / "decks" / "valid"

#: Each invalid fixture → every problem reported, as "line:col: error: message (hint)", in line order.
EXPECTED: dict[str, list[str]] = {
    "alias-bomb": [
        "4:4: error: anchors and aliases here expand to far more data than the file holds (this looks like an alias bomb; write the values out instead)",  # noqa: E501
    ],
    "bad-date-month-13": [
        "8:13: error: card 'q1': the date '2019-13' does not exist (months run from 01 to 12 and days to the end of the month)",  # noqa: E501
    ],
    "bad-date": [
        "8:13: error: card 'q1': the date 'December 2019' is not a valid date (write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-02)",  # noqa: E501
    ],
    "bad-deck-id": [
        "2:7: error: deck: id 'us russia talks' may only hold letters, digits, '.', '_' and '-' (it names the deck in scores and exports; e.g. us-russia-talks-2019)",  # noqa: E501
    ],
    "bad-grading-value": [
        "5:11: error: deck: grading 'case' cannot be 'ignore' (use insensitive or sensitive)",
    ],
    "bad-number": [
        "8:13: error: card 'q1': 'answer' is not a number (found 'about 130'; write e.g. 1200 or 1.5)",
    ],
    "bad-tolerance": [
        "9:16: error: card 'q1': 'tolerance' must be a number ≥ 0 or a percentage (found 'ten percent'; write e.g. 5 or 10%)",  # noqa: E501
    ],
    "binary": [
        "1:1: error: the file is binary, not a YAML deck (check the path)",
    ],
    "choice-answer-not-in-choices": [
        "9:13: error: card 'q1': the answer 'Zurich' is not one of the choices (copy the right choice's text into 'answer')",  # noqa: E501
    ],
    "cloze-accept-unknown-gap": [
        "9:7: error: card 'q1': accept: 'c2' is not a deletion in the text (the text has c1)",
    ],
    "cloze-empty-deletion": [
        "7:11: error: card 'q1': deletion c1 is empty (write the hidden text inside it)",
    ],
    "cloze-without-deletion": [
        "7:11: error: card 'q1': the cloze text has no deletion (mark the hidden part as {{c1::answer}})",
    ],
    "comments-only": [
        "1:1: error: the file holds only comments (a deck needs 'deck:' and 'cards:')",
    ],
    "custom-tag": [
        "8:13: error: card 'q1': the YAML tag '!city' is not allowed (decks are plain data: remove the tag)",
    ],
    "duplicate-card-id": [
        "9:9: error: card 2: duplicate id 'q1', first used at line 5 (give each card its own id; scores are kept by id)",  # noqa: E501
    ],
    "duplicate-choice": [
        "8:29: error: card 'q1': the choice 'bern' is listed twice (choices must differ by more than case and spacing)",  # noqa: E501
    ],
    "duplicate-id-broken-card": [
        "9:5: error: card 'q1': 'answer' is missing (every short card needs an answer)",
        "9:9: error: card 2: duplicate id 'q1', first used at line 5 (give each card its own id; scores are kept by id)",  # noqa: E501
    ],
    "duplicate-key-in-deck-meta": [
        "4:3: error: deck: duplicate key 'title', first at line 3 (YAML would silently keep only the last one; remove or rename one)",  # noqa: E501
    ],
    "duplicate-key": [
        "9:5: error: card 'q1': duplicate key 'answer', first at line 8 (YAML would silently keep only the last one; remove or rename one)",  # noqa: E501
    ],
    "empty": [
        "1:1: error: the file is empty (a deck needs 'deck:' and 'cards:')",
    ],
    "merge-key": [
        "10:5: error: card 'q2': merge keys ('<<') are not supported (write the keys out; an alias of a whole value, such as choices: *cities, still works)",  # noqa: E501
    ],
    "missing-answer": [
        "5:5: error: card 'meeting-city': 'answer' is missing (every short card needs an answer)",
    ],
    "missing-cards": [
        "1:1: error: the file has no 'cards:' section (a deck needs both 'deck:' and 'cards:')",
    ],
    "missing-deck-id": [
        "1:1: error: deck: 'id' is missing (add e.g. 'id: us-russia-talks-2019'; scores are kept by it)",
    ],
    "missing-deck": [
        "1:1: error: the file has no 'deck:' section (a deck needs both 'deck:' and 'cards:')",
    ],
    "multi-answer-not-in-choices": [
        "9:35: error: card 'q1': the answer 'Austria' is not one of the choices (copy the right choices' texts into 'answer')",  # noqa: E501
    ],
    "no-cards": [
        "4:8: error: the deck has no cards (add at least one card under 'cards:')",
    ],
    "not-utf8": [
        "3:13: error: the file is not UTF-8: byte 0xe9 cannot be decoded (save it as UTF-8 in your editor)",
    ],
    "python-tag": [
        "7:13: error: card 'q1': the YAML tag '!!python/object/apply:os.system' is not allowed (decks are plain data: remove the tag)",  # noqa: E501
    ],
    "several-errors": [
        "5:5: error: card 'q1': 'answer' is missing (every short card needs an answer)",
        "12:13: error: card 'q2': the answer 'Zurich' is not one of the choices (copy the right choice's text into 'answer')",  # noqa: E501
        "16:13: error: card 'q3': the date '2019-02-30' does not exist (months run from 01 to 12 and days to the end of the month)",  # noqa: E501
    ],
    "over-indented-key": [
        "8:12: error: YAML syntax: mapping values are not allowed in this context (this key is indented more than the line above: line it up with the keys of its card)",  # noqa: E501
    ],
    "tab-indent": [
        "6:1: error: YAML syntax: found a tab character that violates indentation (indent with spaces, not tabs)",  # noqa: E501
    ],
    "top-level-list": [
        "1:1: error: the file is not a deck: the top level must be a mapping with 'deck:' and 'cards:' (see docs/deck-format.md)",  # noqa: E501
    ],
    "top-level-scalar": [
        "1:1: error: the file is not a deck: the top level must be a mapping with 'deck:' and 'cards:' (see docs/deck-format.md)",  # noqa: E501
    ],
    "unknown-card-key-for-type": [
        "9:5: error: card 'q1': 'choices' does not belong in a short card ('choices' is for choice and multi cards; a short card has prompt, answer, accept, person, reverse)",  # noqa: E501
    ],
    "unknown-card-type": [
        "6:11: error: card 'q1': unknown card type 'shrot' (did you mean 'short'?)",
    ],
    "unknown-grading-key": [
        "5:5: error: deck: grading: unknown key 'typo' (did you mean 'typos'?)",
    ],
    "unknown-key": [
        "9:5: error: card 'q1': unknown key 'explian' (did you mean 'explain'?)",
    ],
    "unknown-top-level-key": [
        "4:1: error: top level: unknown key 'crads' (did you mean 'cards'?)",
    ],
    "utf16-bom": [
        "1:1: error: the file is UTF-16, not UTF-8 (save it as UTF-8 in your editor)",
    ],
    "wrong-type-field": [
        "8:14: error: card 'q1': 'choices' must be a list of texts (found 'Bern, Geneva'; write [first, second] or one '- ' line per item)",  # noqa: E501
    ],
    "wrong-type-tags": [
        "10:7: error: card 'q1': 'tags' must be a list of texts (found a mapping)",
    ],
    "yaml-syntax": [
        "9:1: error: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence at line 8, column 13; check indentation and quoting near this line)",  # noqa: E501
    ],
}


def _problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        load(path)
    shown = [str(p) for p in info.value.problems]
    prefix = f"{path}:"
    assert all(s.startswith(prefix) for s in shown)
    return [s[len(prefix) :] for s in shown]


def test_every_invalid_fixture_has_an_expected_message() -> None:
    """Each file in fixtures/decks/invalid is listed here, so none goes untested."""
    assert sorted(p.stem for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_message(name: str) -> None:
    """The fixture fails with exactly the expected file:line:col messages, all of them, in order."""
    assert _problems(INVALID / f"{name}.yaml") == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_same_with_pure_python_yaml(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml (the pure-Python loader), every fixture gives the same findings."""
    monkeypatch.setattr(_yaml, "yaml_module", lambda: (yaml, yaml.SafeLoader))
    got = _problems(INVALID / f"{name}.yaml")
    # the parsers word syntax errors differently
    if name in ("yaml-syntax", "tab-indent", "over-indented-key"):
        assert [g.split(" error: ")[0] for g in got] == [e.split(" error: ")[0] for e in EXPECTED[name]]
        assert got[0].endswith(EXPECTED[name][0][EXPECTED[name][0].rindex(" (") :])
    else:
        assert got == EXPECTED[name]


def test_problems_print_in_the_editor_format() -> None:
    """A problem prints as path:line:col: error: message (hint), which editors can jump to."""
    path = INVALID / "missing-answer.yaml"
    with pytest.raises(DeckError) as info:
        load(path)
    assert str(info.value) == (
        f"{path}:5:5: error: card 'meeting-city': 'answer' is missing (every short card needs an answer)"
    )


def test_alias_bomb_fixture_is_small() -> None:
    """The billion-laughs fixture is a few hundred bytes yet expands to a billion values."""
    assert (INVALID / "alias-bomb.yaml").stat().st_size < 1024


def test_self_referencing_alias_is_refused() -> None:
    """An anchor that contains itself is reported, not followed forever."""
    text = "deck: &d\n  id: x\n  title: x\n  loop: *d\ncards: []\n"
    with pytest.raises(DeckError) as info:
        parse(text, "loop.yaml")
    assert "anchors and aliases here expand to far more data" in str(info.value)


def test_short_aliases_still_work() -> None:
    """Reusing a list of choices through an anchor is fine."""
    text = (
        "deck: {id: x, title: X}\n"
        "cards:\n"
        "  - {id: a, type: choice, prompt: P, choices: &c [Bern, Geneva], answer: Bern}\n"
        "  - {id: b, type: choice, prompt: Q, choices: *c, answer: Geneva}\n"
    )
    deck = parse(text, "alias.yaml")
    assert [c.choices for c in deck.cards if isinstance(c, ChoiceCard)] == [("Bern", "Geneva")] * 2


# -- valid fixtures --------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_fixture_loads(path: Path) -> None:
    """Every valid fixture loads with at least one card."""
    assert load(path).cards


def test_one_of_each_type_reads_every_key() -> None:
    """The all-types fixture yields one card of each of the nine types with every option read."""
    deck = load(VALID / "one-of-each-type.yaml")
    assert [c.kind.value for c in deck.cards] == [
        "short", "choice", "multi", "bool", "number", "date", "cloze", "order", "card",
    ]  # fmt: skip
    assert deck.grading.typos == 1 and deck.grading.date_order == "dmy"
    short, choice, _, boolean, number, date, cloze = deck.cards[:7]
    assert isinstance(short, ShortCard) and short.accept == ("Berne",)
    assert short.grading is not None and short.grading.typos == "off" and short.grading.date_order == "dmy"
    assert [e.text for e in short.reject_examples] == ["Geneva"]
    assert isinstance(choice, ChoiceCard) and choice.shuffle is False
    assert isinstance(boolean, BoolCard) and boolean.answer is True
    assert isinstance(number, NumberCard)
    assert (number.answer, number.tolerance, number.tolerance_percent, number.unit) == (1200, 10, True, "km")
    assert isinstance(date, DateCard) and date.answer == PartialDate(2019, 12, 18)
    assert isinstance(cloze, ClozeCard) and cloze.accept == ((1, ("Berne",)), (2, ("Swiss Confederation",)))


def test_ids_are_derived_from_type_and_prompt() -> None:
    """Cards without an id get a stable id from type and prompt, marked as generated."""
    first = load(VALID / "no-ids.yaml")
    again = load(VALID / "no-ids.yaml")
    assert [c.id for c in first.cards] == [c.id for c in again.cards]
    assert all(c.id_generated for c in first.cards)
    assert first.cards[0].id.startswith("short-") and first.cards[2].id.startswith("bool-")
    assert len({c.id for c in first.cards}) == 3  # same prompt, different type: different ids


def test_explicit_id_wins() -> None:
    """An explicit id is kept as written and not marked generated."""
    card = load(VALID / "one-of-each-type.yaml").cards[0]
    assert card.id == "capital" and not card.id_generated


def test_yaml_special_strings_stay_text() -> None:
    """no, ~, null, 1e3, 2017-02 and friends load as the text written, not booleans, nulls or numbers."""
    deck = load(VALID / "yaml-special-strings.yaml")
    by_id = {c.id: c for c in deck.cards}
    assert isinstance(by_id["no"], ShortCard)
    assert by_id["no"].answer == "no"
    assert by_id["no"].accept == ("yes", "no", "~", "null", "off", "on")
    assert isinstance(by_id["tilde"], ShortCard) and by_id["tilde"].answer == "~"
    assert isinstance(by_id["sci"], ShortCard) and by_id["sci"].answer == "1e3"
    assert by_id["sci"].accept == ("1000", "0x10", "1_000", ".5")
    assert isinstance(by_id["month"], ShortCard) and by_id["month"].answer == "2017-02"
    assert isinstance(by_id["day"], ShortCard) and by_id["day"].answer == "2019-12-18"
    null_word = by_id["null-word"]
    assert isinstance(null_word, ChoiceCard) and null_word.choices == ("null", "yes", "no", "true", "1.0")
    assert null_word.answer == "null"
    assert isinstance(by_id["yes-bool"], BoolCard) and by_id["yes-bool"].answer is True
    assert isinstance(by_id["hash"], ShortCard) and by_id["hash"].answer == "#1 # not a comment"


def test_unicode_is_kept_exactly() -> None:
    """Accents, right-to-left text, emoji and combining marks load unchanged."""
    deck = load(VALID / "unicode.yaml")
    by_id = {c.id: c for c in deck.cards}
    assert deck.title == "Ünïcödé — accents, RTL, emoji"
    assert isinstance(by_id["zurich"], ShortCard) and by_id["zurich"].accept == ("Zurich", "Zu\u0308rich")
    assert isinstance(by_id["rtl"], ShortCard) and by_id["rtl"].answer == "שלום"
    assert by_id["combining"].prompt == "The café (cafe\u0301) is in {{c1::Genève}}."
    assert by_id["gerasimov"].answer_text() == "Valery Gerasimov 🇷🇺"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 file saved with a byte-order mark loads like one without."""
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (VALID / "minimal.yaml").read_bytes())
    assert load(path).id == "minimal"


def test_shipped_decks_load() -> None:
    """Every deck in decks/ loads without errors."""
    files = sorted(DECKS.glob("*.yaml"))
    assert files
    for f in files:
        assert load(f).cards


@pytest.mark.parametrize(
    "path", sorted(DECKS.glob("*.yaml")) + sorted((FIXTURES / "decks" / "valid").glob("*.yaml"))
)
def test_loaded_cards_are_the_cards_their_constructor_makes(path: Path) -> None:
    """Cards the loader builds (without the dataclass constructor) compare, hash, print and copy
    like cards built field by field."""
    for card in load(path).cards:
        made = type(card)(**{f.name: getattr(card, f.name) for f in dataclasses.fields(card)})
        assert made == card and hash(made) == hash(card) and repr(made) == repr(card)
        assert dataclasses.replace(card, prompt="changed") == dataclasses.replace(made, prompt="changed")
        assert (card.line, card.col, card.id_generated) == (made.line, made.col, made.id_generated)
        with pytest.raises(dataclasses.FrozenInstanceError):
            card.prompt = "x"  # type: ignore[misc]


def test_schema_path_points_at_the_schema() -> None:
    """schema_path() names the JSON Schema file of a checkout."""
    assert schema_path().name == "deck.schema.json" and schema_path().is_file()


# -- big and strange inputs ----------------------------------------------------------
def test_directory_is_not_a_deck(tmp_path: Path) -> None:
    """Loading a directory says so at position 1:1."""
    with pytest.raises(DeckError) as info:
        load(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}:1:1: error: this is a directory, not a deck file "
        "(name a .yaml file, or run 'quiz check' on it)"
    )


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist gives a one-line error."""
    path = tmp_path / "nope.yaml"
    with pytest.raises(DeckError) as info:
        load(path)
    assert str(info.value) == f"{path}:1:1: error: no such file (check the path)"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the OS refuses to open gives a one-line permission error.

    The tests may run as root, which reads a chmod 000 file anyway, so the
    refusal is simulated at os.open, for this file only.
    """
    path = tmp_path / "locked.yaml"
    path.write_text("deck: {}\n")
    real_open = os.open

    def refuse(file: object, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DeckError) as info:
        load(path)
    assert str(info.value) == (
        f"{path}:1:1: error: the file cannot be read (permission denied) (check its permissions)"
    )


def test_ten_thousand_cards_load(tmp_path: Path) -> None:
    """A generated deck of 10,000 cards loads completely."""
    lines = ["deck:", "  id: big", "  title: Big", "cards:"]
    for n in range(10_000):
        lines += [f"  - id: q{n}", "    type: short", f"    prompt: Question {n}?", f"    answer: A{n}"]
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n")
    deck = load(path)
    assert len(deck.cards) == 10_000 and deck.cards[-1].id == "q9999"


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_a_clear_error(tmp_path: Path, opener: str) -> None:
    """Thousands of levels of nesting give one clear error, not a RecursionError."""
    path = tmp_path / "deep.yaml"
    if opener == "- ":
        path.write_text("".join("  " * i + "-\n" for i in range(2_000)))
    else:
        path.write_text(opener * 10_000)
    problems = _problems(path)
    assert len(problems) == 1
    assert "error: the YAML is nested too deeply (a deck is at most six levels deep)" in problems[0]


def test_deep_nesting_with_pure_python_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml, deep nesting still ends in the same clear error."""
    monkeypatch.setattr(_yaml, "yaml_module", lambda: (yaml, yaml.SafeLoader))
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 10_000 + "]" * 10_000)
    assert _problems(path) == [
        "1:1: error: the YAML is nested too deeply (a deck is at most six levels deep)"
    ]


def test_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    """A file over the limit (64 MB) is refused with a size message instead of being parsed."""
    path = tmp_path / "huge.yaml"
    chunk = b"# padding line of a very large file\n" * 1000
    with path.open("wb") as fh:
        while fh.tell() <= MAX_BYTES + 1024 * 1024:
            fh.write(chunk)
    assert _problems(path) == [
        f"1:1: error: the file is larger than {MAX_BYTES // (1024 * 1024)} MB, too large for a deck "
        "(split it into several decks)"
    ]


def test_file_just_under_the_limit_is_parsed(tmp_path: Path) -> None:
    """A file at the size limit is read and parsed (here: found to be only comments)."""
    path = tmp_path / "edge.yaml"
    line = b"#" * 1023 + b"\n"
    path.write_bytes(line * (MAX_BYTES // len(line)))
    assert _problems(path) == ["1:1: error: the file holds only comments (a deck needs 'deck:' and 'cards:')"]


def test_a_deck_larger_than_the_old_16_mb_limit_loads(tmp_path: Path) -> None:
    """A 20 MB deck file (100,000 hand-written cards are about 60 MB) is read and loaded."""
    path = tmp_path / "big.yaml"
    padding = b"# " + b"x" * 1021 + b"\n"
    with path.open("wb") as fh:
        fh.write(b"deck: {id: big, title: Big}\ncards:\n")
        fh.write(b"  - {id: c1, type: bool, prompt: Sky blue?, answer: true}\n")
        fh.write(padding * (20 * 1024))
    assert path.stat().st_size > 20 * 1024 * 1024 and MAX_BYTES >= 100_000 * 600
    deck = load(path)
    assert [c.id for c in deck.cards] == ["c1"]


def test_control_characters_are_reported(tmp_path: Path) -> None:
    """A control character in the text is reported at its position."""
    path = tmp_path / "ctrl.yaml"
    path.write_text("deck:\n  id: x\n  title: a\x07b\ncards: []\n")
    problems = _problems(path)
    assert problems[0].startswith("3:11: error: YAML cannot read the text")


def test_many_problems_are_capped(tmp_path: Path) -> None:
    """A file with hundreds of errors reports the first 200 and says how many more there are."""
    lines = ["deck: {id: x, title: X}", "cards:"]
    lines += [f"  - {{id: q{n}, type: nope}}" for n in range(300)]
    path = tmp_path / "many.yaml"
    path.write_text("\n".join(lines) + "\n")
    problems = _problems(path)
    assert len(problems) == 201
    assert problems[-1].endswith("error: 100 more problems not shown (fix these first)")


@given(st.text(alphabet=" \t\n\r\x0b\x0c\x85\u2028#ax", max_size=40))
def test_only_comments_is_told_by_every_line_break_python_knows(text: str) -> None:
    """A file is 'only comments' exactly when each of its lines (split at any line break) is
    blank or starts with '#', whatever shortcut finds that out."""
    only_comments = bool(text.strip()) and all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    )
    try:
        _file.decode(text.encode("utf-8"), "d.yaml")
        told = False
    except DeckError as err:
        told = "only comments" in err.problems[0].message
    assert told == only_comments
