"""Fuzzing the shipped decks: any random damage gives a clean load or a clear, positioned DeckError."""

from __future__ import annotations

import copy
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from conftest import DECKS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.deckio import load
from quiz.errors import DeckError
from quiz.model import Deck

#: The loaded profile's example count (dev or ci); each test below takes at most this many.
PROFILE_EXAMPLES = settings().max_examples
SHIPPED = sorted(DECKS.glob("*.yaml"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED}

NODE_OPS = ("delete", "dup-key", "dup-card", "retype", "swap", "alias")
BYTE_OPS = ("truncate", "tab", "control", "bad-byte")
RETYPES = ("list", "mapping", "int", "float", "null", "bool", "empty", "python-tag")
#: Bytes inserted by "control" and "bad-byte": C0 controls, DEL, C1 (as UTF-8) and undecodable bytes.
CONTROL = ("\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\u0085", "\u2028", "\ufeff", "\r")
BAD_BYTES = (b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")
YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True)
class Mutation:
    """One random change: what to do, and two numbers that pick where and how."""

    op: str
    at: int
    how: int


mutations = st.builds(
    Mutation,
    op=st.sampled_from(NODE_OPS + BYTE_OPS),
    at=st.integers(min_value=0, max_value=10_000),
    how=st.integers(min_value=0, max_value=10_000),
)


def _walk(node: Any) -> list[Any]:
    """Every node of the tree, in document order (each once)."""
    out: list[Any] = []
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        if isinstance(n, yaml.SequenceNode):
            stack.extend(reversed(n.value))
        elif isinstance(n, yaml.MappingNode):
            for k, v in reversed(n.value):
                stack.extend((v, k))
    return out


def _maps(root: Any) -> list[yaml.MappingNode]:
    return [n for n in _walk(root) if isinstance(n, yaml.MappingNode) and n.value]


def _scalar(value: str, tag: str = "str") -> yaml.ScalarNode:
    return yaml.ScalarNode(f"tag:yaml.org,2002:{tag}", value)


def _retyped(kind: str, old: Any) -> Any:
    """A value of another YAML type in place of ``old``."""
    if kind == "list":
        return yaml.SequenceNode("tag:yaml.org,2002:seq", [copy.deepcopy(old), _scalar("x")])
    if kind == "mapping":
        return yaml.MappingNode("tag:yaml.org,2002:map", [(_scalar("k"), copy.deepcopy(old))])
    if kind == "int":
        return _scalar("42", "int")
    if kind == "float":
        return _scalar("-1.5e300", "float")
    if kind == "null":
        return _scalar("~", "null")
    if kind == "bool":
        return _scalar("false", "bool")
    if kind == "empty":
        return _scalar("", "null")
    return yaml.ScalarNode("tag:yaml.org,2002:python/object/apply:os.system", "echo hacked")


def mutate_nodes(root: Any, m: Mutation) -> None:
    """Apply a node-level mutation to the composed tree in place."""
    maps = _maps(root)
    if m.op == "dup-card":
        seqs = [n for n in _walk(root) if isinstance(n, yaml.SequenceNode) and n.value]
        if not seqs:
            return
        cards = max(seqs, key=lambda s: len(s.value))  # the card list is the longest sequence
        item = cards.value[m.at % len(cards.value)]
        copied = item if m.how % 2 else copy.deepcopy(item)  # the same node serialises as an alias
        cards.value.insert(m.how % (len(cards.value) + 1), copied)
        return
    if m.op == "alias":
        scalars = [n for n in _walk(root) if isinstance(n, yaml.ScalarNode)]
        targets = [n for n in _walk(root) if not isinstance(n, yaml.ScalarNode) or n.value]
        target = targets[m.how % len(targets)]
        if not scalars or not targets:
            return
        victim = scalars[m.at % len(scalars)]
        for mp in maps:
            mp.value = [(k, target if v is victim else v) for k, v in mp.value]
        for sq in (n for n in _walk(root) if isinstance(n, yaml.SequenceNode)):
            sq.value = [target if v is victim else v for v in sq.value]
        return
    if not maps:  # earlier changes left nothing to change
        return
    mp = maps[m.at % len(maps)]
    i = m.how % len(mp.value)
    if m.op == "delete":
        del mp.value[i]
    elif m.op == "dup-key":
        key, value = mp.value[i]
        mp.value.insert((m.how // 7) % (len(mp.value) + 1), (copy.deepcopy(key), copy.deepcopy(value)))
    elif m.op == "retype":
        key, value = mp.value[i]
        mp.value[i] = (key, _retyped(RETYPES[(m.how // 7) % len(RETYPES)], value))
    elif m.op == "swap":
        other = maps[m.how % len(maps)]
        j = (m.how // 7) % len(other.value)
        (k1, v1), (k2, v2) = mp.value[i], other.value[j]
        mp.value[i], other.value[j] = (k1, v2), (k2, v1)


def mutate_bytes(data: bytes, m: Mutation) -> bytes:
    """Apply a byte-level mutation to the file's bytes."""
    at = m.at * len(data) // 10_000
    if m.op == "truncate":
        return data[:at]
    if m.op == "tab":
        line_start = data.rfind(b"\n", 0, at) + 1
        return data[:line_start] + b"\t" + data[line_start:]
    if m.op == "control":
        return data[:at] + CONTROL[m.how % len(CONTROL)].encode("utf-8") + data[at:]
    return data[:at] + BAD_BYTES[m.how % len(BAD_BYTES)] + data[at:]


def mutated(name: str, changes: list[Mutation]) -> bytes:
    """The shipped deck ``name`` with every change applied, node changes first, as file bytes."""
    node_changes = [m for m in changes if m.op in NODE_OPS]
    text = TEXTS[name]
    if node_changes:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
        for m in node_changes:
            mutate_nodes(root, m)
        text = yaml.serialize(root, Dumper=yaml.CSafeDumper, allow_unicode=True, width=100)
    data = text.encode("utf-8")
    for m in changes:
        if m.op in BYTE_OPS:
            data = mutate_bytes(data, m)
    return data


def check_clear_error_or_clean_load(path: Path, data: bytes) -> Deck | DeckError:
    """load() gives a deck or a DeckError whose every problem has the path, a position and a message."""
    try:
        return load(path)
    except DeckError as err:
        assert err.problems
        # Lines as YAML counts them: CR, LF, CR LF, NEL, LS and PS each end a line.
        lines = len(YAML_BREAKS.split(data.decode("utf-8", "replace"))) + 1
        for p in err.problems:
            assert p.path == str(path)
            assert 1 <= p.line <= lines + 1, (p, lines)
            assert p.col >= 1, p
            assert p.message.strip(), p
            assert "\n" not in p.message
        return err


decks_and_changes = st.tuples(st.sampled_from(sorted(TEXTS)), st.lists(mutations, min_size=1, max_size=3))


@settings(max_examples=min(PROFILE_EXAMPLES, 150), suppress_health_check=[HealthCheck.too_slow])
@given(decks_and_changes)
@example(("us-russia-military-talks-2019.yaml", [Mutation("alias", 5, 0)]))
@example(("us-russia-military-talks-2019.yaml", [Mutation("retype", 0, 7 * 7)]))  # !!python/object
@example(("us-russia-incidents-2019.yaml", [Mutation("dup-card", 3, 1)]))  # the same card as an alias
@example(("us-russia-incidents-2019.yaml", [Mutation("truncate", 0, 0)]))  # an empty file
@example(("us-russia-incidents-2019.yaml", [Mutation("bad-byte", 5000, 4)]))  # a UTF-16 surrogate
@example(  # a U+2028 line separator: positions count it as a line break, as YAML does
    ("us-russia-military-talks-2019.yaml", [Mutation("truncate", 9693, 0), Mutation("control", 0, 152)])
)
@example(("us-russia-incidents-2019.yaml", [Mutation("delete", 0, 0)] * 3))  # nothing left to change
def test_damaged_shipped_deck_loads_or_fails_clearly(case: tuple[str, list[Mutation]]) -> None:
    """Whatever is deleted, duplicated, retyped, swapped, aliased, cut or inserted, load() never crashes."""
    name, changes = case
    data = mutated(name, changes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        check_clear_error_or_clean_load(path, data)


def test_each_mutation_kind_changes_the_outcome() -> None:
    """Every kind of damage is caught by the loader on at least one spot (the fuzzer is not toothless)."""
    name = "us-russia-military-talks-2019.yaml"
    caught: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        for op in NODE_OPS + BYTE_OPS:
            for at in range(0, 10_000, 397):
                data = mutated(name, [Mutation(op, at, at * 7 + 3)])
                path.write_bytes(data)
                if isinstance(check_clear_error_or_clean_load(path, data), DeckError):
                    caught.add(op)
                    break
    assert caught == set(NODE_OPS + BYTE_OPS)


def test_unchanged_round_trip_still_loads() -> None:
    """A shipped deck's node tree re-serialised unchanged loads the same cards (the harness is sound)."""
    for name, text in TEXTS.items():
        again = yaml.serialize(yaml.compose(text, Loader=yaml.CSafeLoader), Dumper=yaml.SafeDumper)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_text(again, encoding="utf-8")
            original = Path(tmp) / f"orig-{name}"
            original.write_text(text, encoding="utf-8")
            assert load(path).cards == load(original).cards


@settings(max_examples=min(PROFILE_EXAMPLES, 25), suppress_health_check=[HealthCheck.too_slow])
@given(decks_and_changes)
def test_quiz_check_on_a_damaged_deck_exits_0_or_1(case: tuple[str, list[Mutation]]) -> None:
    """`quiz check` on a damaged deck exits 0 (clean) or 1 (problems listed), never with a traceback."""
    name, changes = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(mutated(name, changes))
        result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert f"{path}:" in result.output
