"""The deck writer builds PyYAML's node tree itself (and ``quiz import`` holds the cycle collector
off): the text it writes is, byte for byte, what ``yaml.dump`` with the writer's text styles
wrote before; and a notes file up to 4 x the deck size limit imports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from strategies import decks

from quiz.cli import cli
from quiz.deckio import MAX_BYTES, parse
from quiz.deckio._data import data_tree
from quiz.deckio._types import answer_types, looks_typed
from quiz.deckio.writer import deck_from_dict, deck_to_dict, yaml_text
from quiz.errors import DeckError
from quiz.model import CardType, Deck


def dumped(data: Any) -> str:
    """The deck writer as it was: ``yaml.dump`` with a representer for text."""
    base = getattr(yaml, "CSafeDumper", None) or yaml.SafeDumper

    class Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def text(dumper: Any, value: str) -> Any:
        typed = answer_types(value, True)[0] != [CardType.SHORT]
        style = "|" if "\n" in value else "'" if typed else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    out: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return out


@given(decks())
def test_a_deck_is_written_exactly_as_yaml_dump_wrote_it(deck: Deck) -> None:
    data = deck_to_dict(deck)
    assert yaml_text(data) == dumped(data)


scalars = (
    st.text()
    | st.sampled_from(["yes", " No ", "true", "1,200", "1_0", "2024-02-30", "١٢", "1e5", "nan", "-"])
    | st.booleans()
    | st.none()
    | st.integers()
    | st.floats()
)
plain_data = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.just(())
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(plain_data)
def test_any_plain_data_is_written_exactly_as_yaml_dump_wrote_it(data: Any) -> None:
    """Any text, number, list, mapping, and a list or mapping met twice (an anchor and alias)."""
    shared = [data, {"again": data}, data]
    assert yaml_text({"data": shared}) == dumped({"data": shared})


def test_data_yaml_dump_refuses_is_refused_the_same_way() -> None:
    for odd in ({1, 2}, b"bytes"):
        try:
            want: Any = dumped({"x": odd})
        except yaml.YAMLError as err:
            want = type(err)
        try:
            got: Any = yaml_text({"x": odd})
        except yaml.YAMLError as err:
            got = type(err)
        assert got == want


@given(st.text() | st.from_regex(r"\s*[+-]?[\d_,.eE١٣]{1,12}\s*", fullmatch=True))
def test_quoting_text_that_looks_typed_follows_the_loaders_rule(text: str) -> None:
    assert looks_typed(text) == (answer_types(text, True)[0] != [CardType.SHORT])


def test_a_notes_file_over_the_deck_limit_imports_and_one_over_four_times_it_is_refused(
    tmp_path: Path,
) -> None:
    """quiz's own export of a deck at the size limit is ~140 MB: a notes file up to 4 x the deck
    limit imports; a larger one, or a JSON deck over the deck limit, is one clear line."""
    notes = tmp_path / "big.txt"
    row = "#separator:tab\n#html:false\n" + "".join(
        f"question {i}\t{'an answer ' * 10_000}\n" for i in range(MAX_BYTES // 100_000 + 10)
    )
    notes.write_text(row, encoding="utf-8")
    assert notes.stat().st_size > MAX_BYTES
    got = CliRunner().invoke(cli, ["import", str(notes), "-o", str(tmp_path / "big.yaml")])
    assert got.exit_code == 0, got.output
    assert (tmp_path / "big.yaml").read_text(encoding="utf-8").count("- id: ") == MAX_BYTES // 100_000 + 10
    for name, size in (("huge.txt", 4 * MAX_BYTES + 1), ("big.json", MAX_BYTES + 1)):
        with (tmp_path / name).open("wb") as fh:
            fh.truncate(size)  # sparse: refused by its size before a byte is read
        got = CliRunner().invoke(cli, ["import", str(tmp_path / name), "-o", str(tmp_path / "x.yaml")])
        assert got.exit_code == 1
        assert f"larger than {size - 1:,} bytes, too large for a file to import" in got.output
        assert not (tmp_path / "x.yaml").exists()


def tree(node: Any) -> Any:
    """A node tree as plain data: kind, tag, positions, value and style (what the loader reads)."""
    kind = type(node).__name__
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if kind == "ScalarNode":
        return (kind, node.tag, where, node.value, node.style or None)
    if kind == "MappingNode":
        return (kind, node.tag, where, [(tree(k), tree(v)) for k, v in node.value])
    return (kind, node.tag, where, [tree(v) for v in node.value])


@given(plain_data | st.dictionaries(st.text(), plain_data, max_size=3))
def test_data_makes_the_node_tree_the_loader_composes_from_its_json(data: Any) -> None:
    """``deck_from_dict`` reads data as the loader reads its JSON text, without writing the text:
    the same nodes, tags, styles and positions, or (None) the text is composed instead."""
    built = data_tree(data)
    if built is not None:
        composed = yaml.compose(json.dumps(data, ensure_ascii=False), Loader=yaml.CSafeLoader)
        assert tree(built) == tree(composed)


def outcome(read: Any) -> Any:
    """What reading gives: the deck with each card's position, or the problems."""
    try:
        deck = read()
    except DeckError as err:
        return err.problems
    return deck, [(c.line, c.col) for c in deck.cards]


@given(decks())
def test_a_deck_from_data_is_the_deck_from_its_json_text(deck: Deck) -> None:
    data = deck_to_dict(deck)
    text = json.dumps(data, ensure_ascii=False)
    assert outcome(lambda: deck_from_dict(data, "d.json")) == outcome(lambda: parse(text, "d.json"))


@given(decks(), st.sampled_from(["id", "type", "answer", "prompt", "front", "text"]), plain_data)
def test_a_broken_deck_from_data_has_the_problems_of_its_json_text(deck: Deck, key: str, value: Any) -> None:
    data = deck_to_dict(deck)
    data["cards"][0][key] = value
    text = json.dumps(data, ensure_ascii=False)
    assert outcome(lambda: deck_from_dict(data, "d.json")) == outcome(lambda: parse(text, "d.json"))
