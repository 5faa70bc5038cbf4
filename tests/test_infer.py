"""Cards written without ``type:``: the type the keys and then the answer decide, through the real CLI
(``quiz check``, ``quiz check --explain-types``, ``quiz run`` with piped answers); ambiguous cards and
cards no type fits are errors at the card's position; removing ``type:`` never changes a type silently."""

from __future__ import annotations

import copy
import hashlib
import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import DECKS
from hypothesis import assume, given
from strategies import decks
from test_schema import EditorLoader

from quiz.cli import cli
from quiz.deckio import load, parse, schema_path
from quiz.deckio.writer import deck_to_dict, yaml_text
from quiz.errors import DeckError
from quiz.model import Deck

HEAD = "deck: {id: inferred, title: Inferred}\ncards:\n"


def _deck(tmp_path: Path, cards: str, name: str = "deck.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + textwrap.indent(textwrap.dedent(cards).strip("\n"), "  ") + "\n", encoding="utf-8")
    return path


def _quiz(*args: str, answers: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=answers, catch_exceptions=False)


def _explained(path: Path) -> list[dict[str, Any]]:
    """The ``--explain-types`` JSON lines of ``quiz check`` on ``path`` (which must load)."""
    result = _quiz("check", "--explain-types", "--json", str(path))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(line["severity"] != "error" for line in lines), result.stdout
    return [line for line in lines if "type" in line]


# (the card without type, its type, words of the reason)
RULES = [
    ("text: 'The {{c1::Eiffel}} tower'", "cloze", "'text' is only for cloze"),
    ("text: '{{c1::Bern}}'\naccept: {c1: [Berne]}", "cloze", "'text' is only for cloze"),
    ("front: gato\nback: cat", "card", "'front' is only for flashcards"),
    ("front: gato\nback: cat\nreverse: true", "card", "only for flashcards"),
    ("prompt: Order them\nitems: [a, b, c]", "order", "'items' is only for order"),
    ("prompt: Height?\nanswer: 330\nunit: m", "number", "'unit' is only for number"),
    ("prompt: Height?\nanswer: 330\ntolerance: 5%", "number", "'tolerance' is only for number"),
    ("prompt: Who?\nanswer: Lincoln\nperson: true", "short", "'person' is only for short"),
    ("prompt: Capital?\nanswer: Bern\naccept: [Berne]", "short", "fit only short"),
    ("prompt: Cat?\nanswer: gato\nreverse: true", "short", "fit only short"),
    ("prompt: Pick\nchoices: [a, b]\nanswer: a", "choice", "'choices' and one answer"),
    ("prompt: Pick\nchoices: [a, b]\nanswer: [a, b]", "multi", "'choices' and a list of answers"),
    ("prompt: Pick\nchoices: [a, b]\nanswer: [b]", "multi", "a list of answers"),
    ("prompt: Pick\nchoices: [a, b]\nanswer: a\nshuffle: false", "choice", "one answer"),
    ("prompt: Sky blue?\nanswer: true", "bool", "the answer true is true/false"),
    ("prompt: Sky green?\nanswer: FALSE", "bool", "true/false"),
    ("prompt: Boils at?\nanswer: 100", "number", "the answer 100 is a number"),
    ("prompt: Big?\nanswer: 1,200", "number", "is a number"),
    ("prompt: Small?\nanswer: -1.5", "number", "is a number"),
    ("prompt: Far?\nanswer: 1.2e3", "number", "is a number"),
    ("prompt: Landing?\nanswer: 1969-07-20", "date", "the answer 1969-07-20 is a date"),
    ("prompt: Month?\nanswer: 2017-02", "date", "is a date"),
    ("prompt: Capital?\nanswer: Bern", "short", "the answer is text"),
    ("prompt: Capital?\nanswer: 'Bern'", "short", "the answer is text"),
    ("prompt: Letter?\nanswer: y", "short", "the answer is text"),
    ("prompt: Time?\nanswer: '12:30'", "short", "the answer is text"),
    ("prompt: Song?\nanswer: |\n  two\n  lines", "short", "the answer is text"),
]


@pytest.mark.parametrize(
    ("card", "kind", "why"), RULES, ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(RULES)]
)
def test_each_rule_through_quiz_check(tmp_path: Path, card: str, kind: str, why: str) -> None:
    """`quiz check --explain-types` says the type each rule gives and why; the card gets that type's id."""
    card = card.replace("\n", "\n  ")
    path = _deck(tmp_path, f"- {card}")
    assert _quiz("check", str(path)).exit_code == 0
    (line,) = _explained(path)
    assert (line["type"], line["line"], line["col"]) == (kind, 3, 5)
    assert why in line["reason"]
    assert line["card"].startswith(f"{kind}-")  # a derived id starts with the type it was given
    assert line["message"] == f"card '{line['card']}' → {kind}, because {line['reason']}"


def test_drawn_distractors_make_a_choice_card(tmp_path: Path) -> None:
    """`distractors: from-deck` is only for choice cards."""
    cards = "\n".join(
        f"- {{prompt: 'Capital of {c}?', answer: {a}, distractors: from-deck}}"
        for c, a in (("France", "Paris"), ("Spain", "Madrid"), ("Italy", "Rome"))
    )
    path = _deck(tmp_path, cards)
    explained = _explained(path)
    assert [e["type"] for e in explained] == ["choice"] * 3
    assert all("'distractors' is only for choice" in e["reason"] for e in explained)


# (the answer as written, the types named, in that order)
AMBIGUOUS = [
    ("2019", ["number", "date"]),
    ("yes", ["bool", "short"]),
    ("No", ["bool", "short"]),
    ("off", ["bool", "short"]),
    ('"2019-06-01"', ["date", "short"]),
    ("'42'", ["number", "short"]),
    ("'true'", ["bool", "short"]),
    ("'2019'", ["number", "date", "short"]),
    ("!!str 2019", ["number", "date", "short"]),
]


@pytest.mark.parametrize(("answer", "kinds"), AMBIGUOUS)
def test_an_ambiguous_card_is_an_error_at_the_card_naming_the_types(
    tmp_path: Path, answer: str, kinds: list[str]
) -> None:
    """A card the rules cannot decide fails `quiz check` at file:line:col of the card, naming every
    type that fits and the `type:` to write; the other cards are fine."""
    path = _deck(tmp_path, f"- prompt: Fine\n  answer: Bern\n- id: q2\n  prompt: Which?\n  answer: {answer}")
    result = _quiz("check", str(path))
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    names = ", ".join(kinds[:-1]) + f" or {kinds[-1]}"
    assert line.startswith(f"{path}:5:5: error: card 'q2': the type cannot be told: ")
    assert f"it fits a {names} card" in line
    assert "(write " + " or ".join(f"'type: {k}'" for k in kinds) + ")" in line


def test_writing_type_settles_an_ambiguous_card(tmp_path: Path) -> None:
    """The hint works: with `type:` the same answers load as the type written."""
    for answer, kinds in AMBIGUOUS:
        for kind in kinds:
            if kind == "short" and answer.startswith("!!"):
                continue
            path = _deck(tmp_path, f"- type: {kind}\n  prompt: Which?\n  answer: {answer}")
            assert load(path).cards[0].kind.value == kind, (answer, kind)


NO_FIT = [
    (
        "text: 'a {{c1::b}}'\nfront: c",
        "no card type fits the keys 'text', 'front'; nearest: cloze (has no 'front')",
    ),
    ("prompt: Which?", "no card type fits the keys 'prompt'; nearest: "),
    ("prompt: A?\nanswer: b\nitems: [c, d]", "nearest: order (has no 'answer'); short, bool"),
    ("front: a\nanswer: b", "nearest: "),
    ("prompt: A?\nanswer: [b, c]", "no card type has an answer that is a list"),
    ("prompt: A?\nanswer: {b: c}", "no card type has an answer that is a mapping"),
]


@pytest.mark.parametrize(("card", "message"), NO_FIT)
def test_a_card_no_type_fits_names_the_nearest(tmp_path: Path, card: str, message: str) -> None:
    """Keys no type has together (or an answer no type takes) is an error at the card: nearest types, why."""
    path = _deck(tmp_path, "- id: odd\n  " + card.replace("\n", "\n  "))
    result = _quiz("check", str(path))
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{path}:3:5: error: card 'odd': ")
    assert message in line
    assert "(write 'type:" in line or "needs 'choices'" in line


def test_nearest_types_say_what_each_lacks(tmp_path: Path) -> None:
    """With `prompt` alone, every type that has a prompt is as near; each says what it needs."""
    path = _deck(tmp_path, "- prompt: Which?")
    (line,) = _quiz("check", str(path)).stdout.splitlines()
    assert "nearest: short, bool, number, date (needs 'answer'); order (needs 'items')" in line


def test_a_misspelt_key_is_reported_once(tmp_path: Path) -> None:
    """A misspelt key is an unknown key; the card is not also said to fit no type."""
    path = _deck(tmp_path, "- promt: Capital?\n  answer: Bern")
    result = _quiz("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:3:5: error: card 1: unknown key 'promt' (did you mean 'prompt'?)"
    ]


def test_explain_types_text_github_and_summary(tmp_path: Path) -> None:
    """Text: one `file:line: card 'ID' → TYPE, because ...` line per card without type (cards with
    type: are not listed); GitHub: a ::notice; the summary counts them; without the flag, nothing."""
    path = _deck(
        tmp_path,
        "- {id: a, prompt: Capital?, answer: Bern}\n- {id: b, type: bool, prompt: B?, answer: no}\n"
        "- {id: c, front: gato, back: cat}",
    )
    result = _quiz("check", "--explain-types", str(path))
    assert result.exit_code == 0
    explained = [ln for ln in result.stdout.splitlines() if "→" in ln]
    assert explained == [
        f"{path}:3: card 'a' → short, because the answer is text (not true/false, a number or a date)",
        f"{path}:5: card 'c' → card, because 'front' is only for flashcards (card)",
    ]
    assert ", 2 types inferred" in result.stderr
    github = _quiz("check", "--explain-types", "--format", "github", str(path)).stdout.splitlines()
    assert (
        f"::notice file={path},line=5,col=5,title=quiz check::"
        "card 'c' → card, because 'front' is only for flashcards (card)" in github
    )
    plain = _quiz("check", str(path))
    assert "→" not in plain.stdout and "inferred" not in plain.stderr


def test_explain_types_json_fields(tmp_path: Path) -> None:
    """--json: one object per inferred card with card, type and reason (and path, line, col)."""
    path = _deck(tmp_path, "- {id: n, prompt: Boils?, answer: 100}")
    (line,) = _explained(path)
    assert {k: line[k] for k in ("path", "line", "col", "card", "type", "reason")} == {
        "path": str(path),
        "line": 3,
        "col": 5,
        "card": "n",
        "type": "number",
        "reason": "the answer 100 is a number",
    }


RUN_CARDS = """
- {id: n, prompt: 'Boiling point of water?', answer: 100, unit: °C}
- {id: b, prompt: 'Is Bern the capital of Switzerland?', answer: true}
- {id: d, prompt: 'Moon landing?', answer: 1969-07-20}
- {id: c, prompt: 'Pick Bern', choices: [Bern, Zurich], answer: Bern, shuffle: false}
- {id: m, prompt: 'Pick both', choices: [Bern, Zurich, Basel], answer: [Bern, Basel], shuffle: false}
- {id: s, prompt: 'Capital of Switzerland?', answer: Bern}
- {id: z, text: 'The capital is {{c1::Bern}}'}
"""


@pytest.mark.parametrize(
    ("card", "right", "wrong"),
    [
        ("n", "100", "90"),
        ("b", "true", "false"),
        ("d", "20 July 1969", "1970"),
        ("c", "a", "b"),
        ("m", "a, c", "a"),
        ("s", "Bern", "Basel"),
        ("z", "Bern", "Basel"),
    ],
)
def test_quiz_run_grades_inferred_cards_as_their_type(
    tmp_path: Path, card: str, right: str, wrong: str
) -> None:
    """`quiz run` with piped answers asks and grades each card as the type it was given."""
    path = _deck(tmp_path, RUN_CARDS)
    result = _quiz("run", str(path), "--card", card, "--json", answers=right + "\n")
    assert result.exit_code == 0, result.output
    events = [json.loads(ln) for ln in result.stdout.splitlines()]
    verdicts = [e for e in events if e.get("event") == "verdict"]
    assert [v["correct"] for v in verdicts] == [True], events
    result = _quiz("run", str(path), "--card", card, "--json", answers=wrong + "\n")
    events = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert [e["correct"] for e in events if e.get("event") == "verdict"] == [False]


def test_removing_type_keeps_derived_ids(tmp_path: Path) -> None:
    """A card without id keeps its derived id when `type:` is removed (its type is inferred the same)."""
    typed = _deck(
        tmp_path,
        "- {type: number, prompt: Boils?, answer: 100}\n- {type: card, front: gato, back: cat}",
        "typed.yaml",
    )
    bare = _deck(tmp_path, "- {prompt: Boils?, answer: 100}\n- {front: gato, back: cat}", "bare.yaml")
    assert (
        [c.id for c in load(typed).cards]
        == [c.id for c in load(bare).cards]
        == [
            "number-" + hashlib.sha256(b"number\0Boils?").hexdigest()[:10],
            "card-" + hashlib.sha256(b"card\0gato").hexdigest()[:10],
        ]
    )


#: sha256 of each shipped deck's card ids (one per line), as loaded before type inference existed.
SHIPPED_IDS = {
    "us-russia-incidents-2019.yaml": "178229c8cddb4b2babebe034c00f05c1b09135c6ba6e9570c6ca58c6cb21126e",
    "us-russia-military-talks-2019.yaml": "7443cce6b91d6949507bc8f96df1275226691f6be4af5b1b9e3c25c3740e0cd2",
}


def test_shipped_decks_load_with_the_same_ids() -> None:
    """Every shipped deck loads to the very card ids it had before inference."""
    files = sorted(DECKS.glob("*.yaml"))
    got = {f.name: hashlib.sha256("\n".join(c.id for c in load(f).cards).encode()).hexdigest() for f in files}
    assert got == SHIPPED_IDS


def _strip_types(data: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for card in out["cards"]:
        card.pop("type", None)
    return out


def _same_or_ambiguous(original: Deck) -> None:
    """``original`` written without ``type:`` loads as ``original``, or fails only with ambiguity
    errors at cards, each naming the card's written type among those that fit."""
    bare = yaml_text(_strip_types(deck_to_dict(original)))
    try:
        again = parse(bare, "bare.yaml")
    except DeckError as err:
        written = [c for c in original.cards if not c.variant_of]
        starts = [n for n, text in enumerate(bare.splitlines(), start=1) if text.startswith("- ")]
        assert err.problems
        for p in err.problems:
            assert "the type cannot be told" in p.message, p
            assert f"'type: {written[starts.index(p.line)].kind.value}'" in p.hint, (p, bare)
        return
    assert [c.kind for c in again.cards] == [c.kind for c in original.cards]
    assert again.cards == original.cards


def test_shipped_decks_without_type_load_the_same_or_say_which() -> None:
    """Each shipped deck with every `type:` removed loads to the same cards (same types, same ids),
    or fails only on cards the rules cannot decide, each naming its written type as one that fits."""
    for f in sorted(DECKS.glob("*.yaml")):
        _same_or_ambiguous(load(f))


@given(decks())
def test_removing_type_never_changes_a_type_silently(deck: Deck) -> None:
    """For any valid deck written by quiz, removing every `type:` gives each card its written type,
    or reports the card as ambiguous naming its type: never another type silently."""
    try:
        typed = parse(yaml_text(deck_to_dict(deck)), "typed.yaml")
    except DeckError:
        assume(False)  # only valid decks: the strategies may draw, e.g., an empty prompt
        raise
    _same_or_ambiguous(typed)


def test_the_writer_keeps_type_and_quotes_text_that_would_read_as_a_value(tmp_path: Path) -> None:
    """`quiz show --json`/import/new keep `type:`; written YAML quotes text like 2017-02, 1,200 or yes,
    so each stays that text when read back (with or without `type:`)."""
    texts = ["2017-02", "1,200", "yes", "true", "2019", "1e3", "-1.5", "Bern"]
    cards = "\n".join(
        f"- {{id: s{i}, type: short, prompt: 'Q{i}', answer: '{t}'}}" for i, t in enumerate(texts)
    )
    deck = load(_deck(tmp_path, cards))
    data = deck_to_dict(deck)
    assert all(c["type"] == "short" for c in data["cards"])
    written = yaml_text(data)
    for t in texts[:-1]:
        assert f"answer: '{t}'" in written
    assert "answer: Bern" in written
    assert [c.answer for c in parse(written).cards] == texts  # type: ignore[attr-defined]
    assert yaml.safe_load(written)["cards"][0]["answer"] == "2017-02"


@pytest.fixture(scope="module")
def schema() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))


def _schema_errors(validator: jsonschema.Draft202012Validator, path: Path) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)
    return [e.message for e in validator.iter_errors(data)]


def test_the_schema_accepts_every_rule_without_type(
    tmp_path: Path, schema: jsonschema.Draft202012Validator
) -> None:
    """docs/deck.schema.json lets an editor accept each card the rules give a type (anyOf the types)."""
    for n, (card, _, _) in enumerate(RULES):
        path = _deck(tmp_path, "- " + card.replace("\n", "\n  "), f"rule{n}.yaml")
        assert _schema_errors(schema, path) == [], card


@pytest.mark.parametrize(("card", "message"), NO_FIT)
def test_the_schema_refuses_a_card_no_type_fits(
    tmp_path: Path, schema: jsonschema.Draft202012Validator, card: str, message: str
) -> None:
    """A card without type whose keys (or list answer) fit no type fails the schema as it fails the loader."""
    path = _deck(tmp_path, "- " + card.replace("\n", "\n  "))
    assert _schema_errors(schema, path) != []


def test_the_new_deck_template_has_a_card_without_type(tmp_path: Path) -> None:
    """`quiz new` shows a card without `type:`; --explain-types names it, and the deck passes --strict."""
    path = tmp_path / "new.yaml"
    assert _quiz("new", str(path)).exit_code == 0
    assert _quiz("check", "--strict", str(path)).exit_code == 0
    assert [(e["card"], e["type"]) for e in _explained(path)] == [("photosynthesis", "card")]


def test_a_large_deck_without_types_loads_the_same_in_parts(tmp_path: Path) -> None:
    """A deck big enough to be parsed in two processes infers each card as a whole-file parse does,
    and `quiz check --explain-types` lists every card once."""
    kinds = [
        "{{id: n{i}, prompt: 'How many {i}?', answer: {i}.5}}",
        "{{id: s{i}, prompt: 'Word {i}?', answer: word{i}}}",
        "{{id: f{i}, front: 'front {i}', back: 'back {i}'}}",
        "{{id: z{i}, text: 'gap {{{{c1::w{i}}}}}'}}",
    ]
    cards = "\n".join("- " + kinds[i % 4].format(i=i) for i in range(6000))
    path = _deck(tmp_path, cards)
    assert path.stat().st_size > 256 * 1024
    whole = parse(path.read_text(encoding="utf-8"), str(path))
    loaded = load(path)
    assert loaded.cards == whole.cards
    assert [c.type_reason for c in loaded.cards] == [c.type_reason for c in whole.cards]
    explained = _explained(path)
    assert [e["card"] for e in explained] == [c.id for c in whole.cards]
    assert {e["type"] for e in explained} == {"number", "short", "card", "cloze"}
