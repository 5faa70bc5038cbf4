"""The fast deck loader and the deck cache give exactly what the ordinary loader gives."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import pickle
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO
from hypothesis import example, given
from hypothesis import strategies as st

from quiz import deckio as decks
from quiz.deckio import _cache, _chunks, _file, _parallel, _parse
from quiz.errors import DeckError
from quiz.model import Card, CardBlockError, Deck, LazyCards


def _gen() -> Any:
    spec = importlib.util.spec_from_file_location("bench_gen", REPO / "bench" / "gen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _gen()
SAMPLE = GEN.deck_text(120)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every test file 'large', cut into many chunks and cached in many blocks, so the fast paths run."""
    monkeypatch.setattr(_parallel, "MIN_FAST_BYTES", 0)
    monkeypatch.setattr(_chunks, "CHUNK_BYTES", 700)
    monkeypatch.setattr(_parallel, "PIECE_CHARS", 250)  # a chunk composed a few cards at a time
    monkeypatch.setattr(_cache, "BLOCK_CARDS", 7)  # 120 cards: 18 blocks, the last one short


def _outcome(load: Any, path: Path) -> Any:
    try:
        deck = load(path)
    except DeckError as err:
        return ("error", [str(p) for p in err.problems])
    return ("deck", deck, deck.content_hash, deck.path, [(c.line, c.col) for c in deck.cards],
            [[(e.line, e.col) for e in c.accept_examples + c.reject_examples] for c in deck.cards])


def _reference(path: Path) -> Deck:
    """The one-process loader: ``decks.parse`` on the whole text (``decks.load`` itself is fast now)."""
    data = _file.read_bytes(path)  # a file that cannot be read: the message comes before any parsing
    return decks.parse(_file.decode(data, str(path)), str(path), hashlib.sha256(data).hexdigest())


def _same(path: Path) -> None:
    assert _outcome(decks.load, path) == _outcome(_reference, path)


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (FIXTURES / "decks" / "invalid").iterdir())
)
def test_invalid_fixture_same_errors(name: str) -> None:
    """Every broken fixture fails through the fast loader with the loader's exact messages."""
    _same(FIXTURES / "decks" / "invalid" / name)


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "decks" / "valid").iterdir()))
def test_valid_fixture_same_deck(name: str) -> None:
    """Every valid fixture loads to the same deck, card positions included."""
    _same(FIXTURES / "decks" / "valid" / name)


def test_generated_deck_same_deck_and_positions(tmp_path: Path) -> None:
    """A deck cut into many chunks parsed by two processes equals the ordinary load, line for line."""
    path = tmp_path / "big.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    deck = decks.load(path)
    assert len(deck.cards) == 120
    _head, chunks, _check = _chunks.split(SAMPLE)
    assert len(chunks) > 10  # the fast path itself, not the fallback, produced the deck
    assert any(len(_parallel._pieces(SAMPLE[start:end])) > 1 for start, end, _ in chunks)  # in pieces
    chunked, _parts = _parallel._parse_chunked(SAMPLE, str(path), deck.content_hash, 2, _ids_where)
    assert chunked == deck


def _ids_where(part: Deck) -> tuple[list[str], str, str]:
    return [c.id for c in part.cards], part.path, part.content_hash


#: Characters that start, or appear in, the texts YAML reads as other than a string (numbers, dates,
#: booleans, null, merge and value keys), and some that do not.
_YAML_ISH = "0123456789+-.:_ eExXoObB yYnNtTfFoO~<=!&*Zza,"


@given(written=st.text(st.sampled_from(_YAML_ISH), max_size=12))
@example(written="yes")
@example(written="~")
@example(written="=")
@example(written="")
def test_a_text_has_the_same_yaml_type_through_the_fast_loader(written: str) -> None:
    """Written plain or quoted, any text gets the tag PyYAML's own loader gives it ('yes' a boolean,
    '1e3' a float, '=' a value key, 'Paris' a string): the checks on tags see the same deck."""
    import yaml

    text = f"- {written}\n- '{written.replace(chr(39), chr(39) * 2)}'\n"
    try:
        expected = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        with pytest.raises(_chunks.Fallback):
            _parallel._compose(text, "deck.yaml")
        return
    assert _tree(_parallel._compose(text, "deck.yaml")) == _tree(expected)


def _tree(node: Any) -> Any:
    """A node tree as tags and texts, to compare."""
    if isinstance(node.value, str):
        return node.tag, node.value
    return node.tag, [_tree(n) if hasattr(n, "tag") else tuple(map(_tree, n)) for n in node.value]


@pytest.mark.parametrize("layout", ["chunked", "small", "anchored"])
def test_load_parts_runs_work_once_per_card_in_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """``load_parts`` gives the deck and what ``work`` made of each part: every card once, in
    file order, each part named by the file and its hash, whichever way the file was parsed."""
    text = SAMPLE
    if layout == "small":
        monkeypatch.setattr(_parallel, "MIN_FAST_BYTES", 1 << 30)
    if layout == "anchored":  # an anchor: the whole file goes through the ordinary loader
        text = SAMPLE.replace("tags: [bench]", "tags: [&b bench]")
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    deck, parts = _parallel.load_parts(path, _ids_where)
    assert len(parts) == (1 if layout != "chunked" else len(_chunks.split(text)[1]))
    assert [i for ids, _, _ in parts for i in ids] == [c.id for c in deck.cards]
    assert {(shown, digest) for _, shown, digest in parts} == {(str(path), deck.content_hash)}
    assert deck == decks.load(path)
    _same(path)


def test_duplicate_id_across_chunks_is_reported_like_the_loader(tmp_path: Path) -> None:
    """Two cards with one id in different chunks give the loader's duplicate-id error."""
    path = tmp_path / "dup.yaml"
    path.write_text(SAMPLE.replace("id: c000100", "id: c000002"), encoding="utf-8")
    outcome = _outcome(decks.load, path)
    assert outcome[0] == "error" and "duplicate id 'c000002'" in outcome[1][0]
    _same(path)


@pytest.mark.parametrize("stray", ["extra: 1\n", "---\n", " - x: 1\n", "  x: 1\n", "  -x\n", "x\r\n"])
def test_a_line_outside_the_cards_is_found_before_chunks_are_trusted(tmp_path: Path, stray: str) -> None:
    """A line between cards that belongs to no card sends the file to the ordinary loader."""
    text = SAMPLE.replace("  - id: c000050\n", stray + "  - id: c000050\n")
    _head, _cut, check = _chunks.split(text)
    with pytest.raises(_chunks.Fallback):
        check()
    path = tmp_path / "stray.yaml"
    path.write_text(text, encoding="utf-8")
    _same(path)


def test_comments_and_blank_lines_between_cards_are_not_strays() -> None:
    """Comments at any indentation and blank lines between cards keep the fast path."""
    extra = "# a note\n\n   \n  # another\n #\n\n"
    _head, _cut, check = _chunks.split(SAMPLE.replace("  - id: c000050\n", extra + "  - id: c000050\n"))
    check()


def test_both_processes_parse_chunks_and_the_order_is_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are shared between the two processes, yet the cards come back in file order."""
    import os
    import time

    pids: list[int] = []
    parse_chunk = _parallel._parse_chunk

    def noting(*args: Any) -> Deck:
        if os.getpid() == parent:
            pids.append(parent)
            time.sleep(0.02)  # a busy core: the child must take its share meanwhile
        return parse_chunk(*args)

    parent = os.getpid()
    monkeypatch.setattr(_parallel, "_parse_chunk", noting)
    path = tmp_path / "big.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    chunks = len(_chunks.split(SAMPLE)[1])
    deck = decks.load(path)
    assert [c.id for c in deck.cards] == [f"c{i:06d}" for i in range(120)]
    assert 0 < len(pids) < chunks  # the child parsed the rest


def test_a_failed_child_costs_only_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the helper process dies, the deck is read again a chunk at a time (never as one
    whole-file tree) and is the same."""
    path = tmp_path / "big.yaml"
    path.write_text(SAMPLE, encoding="utf-8")

    def no_whole_tree(*args: Any) -> Any:
        raise AssertionError("the whole file was composed at once")

    with monkeypatch.context() as patch:
        patch.setattr(_parallel.forked, "start", lambda work: lambda: None)
        patch.setattr(_parse, "compose", no_whole_tree)
        fast = _outcome(decks.load, path)
    assert fast[0] == "deck" and fast == _outcome(_reference, path)


EDITS = [
    ("    type: short\n", "    type: shrot\n"),
    ("    answer: true\n", "    answer: maybe\n"),
    ('    prompt: "', '    promt: "'),
    ("    tags: [", "    tags: [x, x, &a y, *a, "),
    ("  - id: c0000", "cards:\n  - id: c0000"),
    ("  - id: c0000", "\tbad: 1\n  - id: c0000"),
    ("  - id: c0000", "deck: {}\n  - id: c0000"),
    ("  - id: c0000", "  - [not, a, card]\n  - id: c0000"),
    ("    explain: ", "    explain: 'unterminated\n    explain: "),
    ("\n", "\r"),
    ("\n", "\r\n"),
    ("    type: bool\n", "    type: bool\n    grading: {typos: many}\n"),
    ("  - id: c0000", "  - id: 'c0000 '\n    type: card\n    front: F\n    back: B\n  - id: c0000"),
    ("  - id: c0000", "  - id: c000001\n    type: card\n    front: F\n    back: B\n  - id: c0000"),
    ("  - id: c0000", "  - type: card\n    front: F\n    back: B\n  - id: c0000"),
]


@given(edit=st.sampled_from(EDITS), which=st.integers(min_value=1, max_value=40))
def test_edited_deck_same_outcome(
    tmp_path_factory: pytest.TempPathFactory, edit: tuple[str, str], which: int
) -> None:
    """Breaking (or reformatting) any one card anywhere gives the same deck or the same errors."""
    old, new = edit
    parts = SAMPLE.split(old)
    n = min(which, len(parts) - 1)
    text = old.join(parts[:n]) + new + old.join(parts[n:])
    path = tmp_path_factory.mktemp("edit") / "deck.yaml"
    path.write_bytes(text.encode("utf-8"))
    _same(path)


ID_LESS = "  - type: card\n    front: The same front\n    back: B\n"


@pytest.mark.parametrize("broken", ["few", "many", "derived-duplicates"])
def test_a_broken_large_deck_is_reported_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    """A large deck with problems in many chunks gets the loader's exact errors (numbering,
    duplicates across chunks, the 200-problem cap) without the whole file ever being one tree."""
    text = GEN.deck_text(800)
    if broken == "few":
        text = text.replace("id: c000700", "id: c000003").replace("type: order", "type: ordr", 1)
    elif broken == "many":
        text = text.replace("    type: short\n", "    type: shrot\n")  # 240 cards
    else:
        text = text.replace("  - id: c000010\n", ID_LESS + "  - id: c000010\n")
        text = text.replace("  - id: c000600\n", ID_LESS + ID_LESS + "  - id: c000600\n")
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(_chunks.split(text)[1]) > 20

    def no_whole_tree(*args: Any) -> Any:
        raise AssertionError("the whole file was composed at once")

    with monkeypatch.context() as patch:
        patch.setattr(_parse, "compose", no_whole_tree)
        fast = _outcome(decks.load, path)
    assert fast == _outcome(_reference, path)
    assert fast[0] == "error" and len(fast[1]) >= 2
    if broken == "many":
        assert fast[1][-1].endswith("more problems not shown (fix these first)")


def test_unreadable_paths_give_the_loader_messages(tmp_path: Path) -> None:
    """A directory or a missing file gives the loader's own message through both entry points."""
    for target in (tmp_path, tmp_path / "missing.yaml"):
        with pytest.raises(DeckError) as fast:
            _cache.load_cached(target, tmp_path / "cache")
        with pytest.raises(DeckError) as plain:
            decks.load(target)
        assert [str(p) for p in fast.value.problems] == [str(p) for p in plain.value.problems]


def test_cache_serves_the_second_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second load of an unchanged file comes from the cache, with the path it was asked by."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    first = _cache.load_cached(path, cache)
    assert _cache.cache_path(path, cache).is_file()

    def no_parse(*_: object, **__: object) -> Deck:
        raise AssertionError("parsed again")

    monkeypatch.setattr(_parallel, "parse_keyed", no_parse)
    second = _cache.load_cached(path, cache)
    assert second == first and second.path == str(path) and second.content_hash == first.content_hash
    assert [c.line for c in second.cards] == [c.line for c in first.cards]


def test_cache_is_invalidated_when_the_file_changes(tmp_path: Path) -> None:
    """Editing the deck gives the edited deck, never the cached one."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    _cache.load_cached(path, cache)
    path.write_text(SAMPLE.replace("Benchmark deck", "Edited deck"), encoding="utf-8")
    assert _cache.load_cached(path, cache).title.startswith("Edited deck")
    path.write_text(SAMPLE.replace("type: short", "type: shrot", 1), encoding="utf-8")
    with pytest.raises(DeckError):
        _cache.load_cached(path, cache)


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"quiz-deck-cache 1\n" + b"0" * 129, None],
)
def test_corrupt_or_stale_cache_is_ignored_and_rewritten(tmp_path: Path, damage: bytes | None) -> None:
    """A truncated, foreign or stale cache file only costs a re-parse, and is replaced."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    good = _cache.load_cached(path, cache)
    file = _cache.cache_path(path, cache)
    if damage is None:  # a valid header with a body cut short
        damage = file.read_bytes()[:300]
    file.write_bytes(damage)
    assert _cache.load_cached(path, cache) == good
    assert file.read_bytes() != damage


def test_cache_from_another_loader_version_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache written by another version of the loader is parsed again."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    _cache.load_cached(path, cache)
    calls: list[int] = []
    real = _parallel.parse_keyed

    def counting(*args: Any, **kwargs: Any) -> tuple[Deck, list[Any]]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_parallel, "parse_keyed", counting)
    monkeypatch.setattr(_cache, "loader_fingerprint", lambda: "f" * 64)
    _cache.load_cached(path, cache)
    assert calls == [1]


def test_cache_refuses_to_unpickle_other_classes(tmp_path: Path) -> None:
    """A cache file naming any callable outside quiz's models is refused, not run."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    good = _cache.load_cached(path, cache)
    file = _cache.cache_path(path, cache)
    header = file.read_bytes()[: len(_cache.CACHE_MAGIC) + 129]
    marker = tmp_path / "ran"
    evil = pickle.dumps(_Evil(str(marker)))
    file.write_bytes(header + evil)
    assert _cache.load_cached(path, cache) == good
    assert not marker.exists()


def test_cache_reader_accepts_model_classes_only() -> None:
    """The cache's unpickler rebuilds model objects but refuses a helper imported into quiz.models."""
    import io

    from quiz.model import Policy

    policy = Policy(typos=2)
    assert _cache._ModelUnpickler(io.BytesIO(pickle.dumps(policy))).load() == policy
    with pytest.raises(pickle.UnpicklingError):
        _cache._ModelUnpickler(io.BytesIO(b"cquiz.models\nreplace\n.")).load()
    with pytest.raises(pickle.UnpicklingError):
        _cache._ModelUnpickler(io.BytesIO(b"cos\nsystem\n.")).load()


class _Evil:
    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (Path.touch, (Path(self.target),))  # type: ignore[return-value]


def test_unwritable_cache_dir_still_loads(tmp_path: Path) -> None:
    """A cache directory that cannot be created only costs speed."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert len(_cache.load_cached(path, blocker / "cache").cards) == 120


def test_load_goes_through_the_fast_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``decks.load`` parses through ``_parallel.parse_bytes`` and gives the one-process deck."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    calls: list[str] = []
    real = _parallel.parse_bytes

    def spy(data: bytes, shown: str, digest: str, **kw: Any) -> Deck:
        calls.append(shown)
        return real(data, shown, digest, **kw)

    monkeypatch.setattr(_parallel, "parse_bytes", spy)
    assert _outcome(decks.load, path) == _outcome(_reference, path)
    assert calls == [str(path)]


def test_load_ref_uses_the_cache_only_when_given(tmp_path: Path) -> None:
    """``load_ref`` writes the cache in ``cache_dir`` when given one, and nothing without it."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    plain = decks.load_ref(str(path))
    assert not cache.exists()
    cached = decks.load_ref(str(path), cache_dir=cache)
    assert _cache.cache_path(path, cache).is_file()
    assert cached == plain and decks.load_ref(str(path), cache_dir=cache) == plain


def test_commands_that_use_a_deck_cache_it_and_check_does_not(tmp_path: Path) -> None:
    """``quiz show`` fills the cache in the data directory; ``quiz check`` writes nothing there."""
    from click.testing import CliRunner

    from quiz.cli import cli

    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    home = tmp_path / "home"
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(home), "check", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert not (home / "cache").exists()
    first = runner.invoke(cli, ["--data-dir", str(home), "show", str(path), "--json"])
    assert first.exit_code == 0, first.output
    assert _cache.cache_path(path, home / "cache").is_file()
    second = runner.invoke(cli, ["--data-dir", str(home), "show", str(path), "--json"])
    assert second.output == first.output


def test_no_anchor_skips_the_alias_walk_and_an_anchor_still_finds_a_bomb(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A text without ``&`` is not walked for alias bombs; a real bomb is still refused."""
    walked: list[object] = []
    real = _parse.alias_bomb

    def spy(root: object, budget: int) -> object:
        walked.append(root)
        return real(root, budget)

    monkeypatch.setattr(_parse, "alias_bomb", spy)
    decks.parse(SAMPLE, "d.yaml")
    assert walked == []
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
        f" *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    with pytest.raises(DeckError) as err:
        decks.parse(bomb, "bomb.yaml")
    assert walked and "alias bomb" in str(err.value.problems[0])


def test_a_cached_deck_reads_exactly_like_the_parsed_one(tmp_path: Path) -> None:
    """Every field of every card, positions and defaults included, is the same after a warm load."""
    import dataclasses

    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    parsed = _cache.load_cached(path, cache)
    cached = _cache.load_cached(path, cache)
    assert len(cached.cards) == len(parsed.cards) == 120
    for warm, cold in zip(cached.cards, parsed.cards, strict=True):
        assert type(warm) is type(cold)
        for f in dataclasses.fields(cold):
            assert getattr(warm, f.name) == getattr(cold, f.name), (cold.id, f.name)
        assert dataclasses.asdict(warm) == dataclasses.asdict(cold)
        assert hash(warm) == hash(cold) and repr(warm) == repr(cold)
        assert dataclasses.replace(warm, explain="x") == dataclasses.replace(cold, explain="x")
    assert any(not c.explain for c in cached.cards) and any(c.explain for c in cached.cards)


def _cached_pair(tmp_path: Path) -> tuple[Path, Path, Deck, Deck]:
    """A deck file, its cache file, the deck parsed (no cache) and the deck from the cache (warm);
    the first load through the cache (which writes it) is checked to equal the parsed deck too."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    cold = _cache.load_cached(path, cache)
    parsed = decks.load(path)
    assert cold == parsed and [c.line for c in cold.cards] == [c.line for c in parsed.cards]
    return path, _cache.cache_path(path, cache), parsed, _cache.load_cached(path, cache)


def test_a_warm_load_builds_no_card_until_one_is_used_and_equals_the_parsed_deck(tmp_path: Path) -> None:
    """The cached deck has the parsed deck's ids, tags and cards, and builds a block only when it is read."""
    import copy

    _path, _file, parsed, cached = _cached_pair(tmp_path)
    assert isinstance(parsed.cards, tuple) and isinstance(cached.cards, LazyCards)
    lazy = cached.cards
    assert len(lazy) == 120 and lazy.blocks_built() == 0
    assert cached.card_ids() == parsed.card_ids() and cached.card_tags() == parsed.card_tags()
    assert lazy.blocks_built() == 0
    assert cached.card("c000050") == parsed.card("c000050") and lazy.blocks_built() == 1
    assert cached.card("no-such-card") is None and parsed.card("no-such-card") is None
    blocks = len(_chunks.split(SAMPLE)[1])  # a block per part the file was parsed in
    assert f"120 cards, 1 of {blocks} blocks built" in repr(lazy)
    assert cached == parsed and parsed == cached and lazy == parsed.cards and parsed.cards == lazy
    assert lazy == list(parsed.cards) and lazy != parsed.cards[:-1] and lazy != "text"
    assert hash(cached) == hash(parsed) and lazy.blocks_built() == blocks
    for copied in (pickle.loads(pickle.dumps(cached)), copy.deepcopy(cached), copy.copy(cached)):
        assert copied == parsed
    assert isinstance(pickle.loads(pickle.dumps(cached)).cards, tuple)
    assert [c.line for c in cached.cards] == [c.line for c in parsed.cards]


@given(
    start=st.none() | st.integers(-130, 130),
    stop=st.none() | st.integers(-130, 130),
    step=st.none() | st.integers(-9, 9).filter(bool),
    index=st.integers(-130, 130),
    cuts=st.sets(st.integers(1, 119)),
)
def test_lazy_cards_index_and_slice_like_the_tuple(
    start: int | None, stop: int | None, step: int | None, index: int, cuts: set[int]
) -> None:
    """Any index or slice of a lazy card list gives what the tuple of the same cards gives, with
    blocks of one size or of any sizes (a deck cached a parsed part per block)."""
    cards = CARDS.cards
    ends = [0, *sorted(cuts), 120]
    uneven = [pickle.dumps(list(cards[lo:hi])) for lo, hi in itertools.pairwise(ends)]
    sizes = [hi - lo for lo, hi in itertools.pairwise(ends)]
    lazy = LazyCards(CARDS.card_ids(), CARDS.card_tags(), BLOCKS, 7, pickle.loads)
    assert LazyCards(CARDS.card_ids(), CARDS.card_tags(), uneven, sizes, pickle.loads) == cards
    assert LazyCards(CARDS.card_ids(), CARDS.card_tags(), uneven, sizes, pickle.loads)[index % 120] == cards[
        index % 120
    ]
    assert lazy[start:stop:step] == cards[start:stop:step]
    uneven_lazy = LazyCards(CARDS.card_ids(), CARDS.card_tags(), uneven, sizes, pickle.loads)
    assert uneven_lazy[start:stop:step] == cards[start:stop:step]
    if -len(cards) <= index < len(cards):
        assert lazy[index] == cards[index]
    else:
        with pytest.raises(IndexError):
            lazy[index]
    assert list(reversed(lazy)) == list(reversed(cards)) and cards[3] in lazy


CARDS = decks.parse(SAMPLE, "sample.yaml")
BLOCKS = [pickle.dumps(list(CARDS.cards[lo : lo + 7])) for lo in range(0, 120, 7)]


def test_the_first_load_after_an_edit_builds_no_card_until_one_is_used(tmp_path: Path) -> None:
    """Each process pickles the cards it parsed as a block of the cache: the deck handed back
    after writing the cache builds a block only when one of its cards is used, as a warm one."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    cold = _cache.load_cached(path, tmp_path / "cache")
    assert isinstance(cold.cards, LazyCards) and cold.cards.blocks_built() == 0
    assert cold.card_ids() == CARDS.card_ids() and cold.card("c000050") == CARDS.card("c000050")
    assert cold.cards.blocks_built() == 1
    assert cold.cards == CARDS.cards


def test_a_deck_read_whole_is_cached_in_blocks_of_its_own(tmp_path: Path) -> None:
    """A file the chunk cutter declines (an anchor) is parsed whole and cached in blocks of
    ``BLOCK_CARDS``; the warm load equals it card for card."""
    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE.replace("tags: [bench]", "tags: [&b bench]"), encoding="utf-8")
    cold = _cache.load_cached(path, tmp_path / "cache")
    assert isinstance(cold.cards, tuple) and cold == decks.load(path)
    warm = _cache.load_cached(path, tmp_path / "cache")
    assert isinstance(warm.cards, LazyCards) and f"0 of {-(-120 // 7)} blocks built" in repr(warm.cards)
    assert warm == cold


def test_a_damaged_cache_file_is_parsed_again_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flipping one byte anywhere in the cached cards is caught by the checksum: the file is parsed again."""
    path, file, parsed, _cached = _cached_pair(tmp_path)
    data = bytearray(file.read_bytes())
    calls: list[int] = []
    real = _parallel.parse_keyed

    def counting(*args: Any, **kwargs: Any) -> tuple[Deck, list[Any]]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_parallel, "parse_keyed", counting)
    for at in (len(data) // 2, len(data) - 3, len(_cache.CACHE_MAGIC) + 140):
        damaged = data.copy()
        damaged[at] ^= 0x20
        file.write_bytes(bytes(damaged))
        before = len(calls)
        again = _cache.load_cached(path, tmp_path / "cache")
        assert len(calls) == before + 1 and again == parsed  # parsed, not read from the cache
        assert file.read_bytes() != bytes(damaged)
        assert _cache.load_cached(path, tmp_path / "cache") == parsed and len(calls) == before + 1


def _rewrite_blocks(file: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    """Replace the blocks of a cache file, with a matching index and checksum (as someone tampering would)."""
    import io

    data = file.read_bytes()
    start = len(_cache.CACHE_MAGIC) + 128 + 9
    stream = io.BytesIO(data[start:])
    meta, ids, tags, size, lengths, marks = pickle.load(stream)
    at = start + stream.tell()
    blocks = []
    for length in lengths:
        blocks.append(data[at : at + length])
        at += length
    blocks = change(blocks)
    index = pickle.dumps((meta, ids, tags, size, [len(b) for b in blocks], marks))
    payload = b"".join([index, *blocks])
    file.write_bytes(data[: start - 9] + f"{zlib.crc32(payload):08x}\n".encode() + payload)


def test_a_tampered_block_cannot_name_another_class_and_says_so(tmp_path: Path) -> None:
    """A block rewritten to name another callable is refused when used, with a clear error; nothing runs."""
    path, file, parsed, _cached = _cached_pair(tmp_path)
    marker = tmp_path / "ran"
    _rewrite_blocks(file, lambda blocks: [pickle.dumps([_Evil(str(marker))]), *blocks[1:]])
    deck = _cache.load_cached(path, tmp_path / "cache")
    assert deck.cards[50] == parsed.cards[50]  # the other blocks are intact
    with pytest.raises(CardBlockError, match=r"cannot build cards 1-\d+ of .*\.deck .*delete that file"):
        deck.cards[0]
    assert not marker.exists()


def test_a_block_holding_other_cards_is_an_error_not_the_wrong_cards(tmp_path: Path) -> None:
    """Blocks swapped in a cache file (index and checksum made to match) never give another card."""
    path, file, _parsed, _cached = _cached_pair(tmp_path)
    _rewrite_blocks(file, lambda blocks: [blocks[1], blocks[0], *blocks[2:]])
    deck = _cache.load_cached(path, tmp_path / "cache")
    with pytest.raises(CardBlockError, match="are not the cards its index names"):
        deck.card("c000003")
    _rewrite_blocks(file, lambda blocks: [pickle.dumps([Deck(id="d", title="t", cards=())]), *blocks[1:]])
    with pytest.raises(CardBlockError, match="something other than cards"):
        list(_cache.load_cached(path, tmp_path / "cache").cards)


def test_a_broken_block_is_an_error_message_at_the_command_line(tmp_path: Path) -> None:
    """``quiz show`` on a deck whose cache block is broken says what to delete, without a traceback."""
    from click.testing import CliRunner

    from quiz.cli import cli

    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    home = tmp_path / "home"
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(home), "show", str(path)]).exit_code == 0
    _rewrite_blocks(_cache.cache_path(path, home / "cache"), lambda b: [b[1], b[0], *b[2:]])
    result = runner.invoke(cli, ["--data-dir", str(home), "show", str(path)])
    assert result.exit_code == 1 and "delete that file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_cache_file_of_the_old_format_is_parsed_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version-1 cache (one pickle of the whole deck) is stale: the file is parsed and rewritten."""
    path, file, parsed, _cached = _cached_pair(tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    header = f"quiz-deck-cache 1\n{digest}{_cache.loader_fingerprint()}\n".encode()
    file.write_bytes(header + pickle.dumps(parsed))
    calls: list[str] = []
    real = _parallel.parse_keyed

    def counting(*args: Any, **kwargs: Any) -> tuple[Deck, list[Any]]:
        calls.append("parsed")
        return real(*args, **kwargs)

    monkeypatch.setattr(_parallel, "parse_keyed", counting)
    assert _cache.load_cached(path, tmp_path / "cache") == parsed and calls == ["parsed"]
    assert file.read_bytes().startswith(_cache.CACHE_MAGIC)


def test_a_warm_one_card_quiz_builds_one_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``quiz run --count 1`` on a cached deck unpickles only the block of the card it asks."""
    from click.testing import CliRunner

    from quiz.cli import cli

    path = tmp_path / "deck.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    home = tmp_path / "home"
    argv = ["--data-dir", str(home), "run", str(path), "--count", "1", "--seed", "5", "--plain", "--no-save"]
    runner = CliRunner()
    cold = runner.invoke(cli, argv, input="")
    built: list[int] = []
    real = _cache._load_block

    def counting(data: bytes | memoryview) -> list[Card]:
        built.append(len(data))
        return real(data)

    monkeypatch.setattr(_cache, "_load_block", counting)
    warm = runner.invoke(cli, argv, input="")
    assert len(built) == 1
    assert warm.output == cold.output and "1/1" in warm.output
    study = runner.invoke(cli, ["--data-dir", str(home), "study", str(path), "--limit", "1"], input="")
    assert study.exit_code == 0, study.output
    assert len(built) == 2  # the one card studied


def test_the_cache_fingerprint_reads_every_module_that_builds_a_deck() -> None:
    """Editing any private module of the loader (or a model file) makes old cache files stale."""
    here = REPO / "quiz"
    private = {f"deckio/{p.name}" for p in (here / "deckio").glob("_*.py") if p.name != "__init__.py"}
    sources = set(_cache._SOURCES)
    assert private <= sources
    assert all((here / name).is_file() for name in sources)


def _card_spans(text: str) -> list[tuple[int, int]]:
    """Where each card item of a generated deck starts and ends."""
    starts = [m.start() + 1 for m in re.finditer(r"\n  - ", text)]
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _edit(text: str, op: str, at: int) -> str:
    """``text`` with one edit an author makes, at the card ``at`` picks."""
    spans = _card_spans(text)
    start, end = spans[at % len(spans)]
    card = text[start:end]
    if op == "comment":  # a line more above every later card
        return text[:start] + "  # checked against the source\n" + text[start:]
    if op == "drop" and len(spans) > 1:  # a card taken out: its lines gone from the count
        return text[:start] + text[end:]
    if op == "copy":  # a card added after this one, under a new id
        return text[:end] + re.sub(r"id: c\d+", f"id: added{at}", card, count=1) + text[end:]
    if op == "word":  # a prompt reworded, the lines the same
        return text[:start] + card.replace('prompt: "', 'prompt: "Reworded: ', 1) + text[start:] [len(card):]
    if op == "title":  # the text before the cards: every chunk depends on it
        return text.replace("title: Benchmark", "title: Edited benchmark", 1)
    return text + "# the end\n"


@given(
    edits=st.lists(
        st.tuples(st.sampled_from(["comment", "drop", "copy", "word", "title", "tail"]), st.integers(0, 999)),
        min_size=1,
        max_size=3,
    )
)
def test_after_any_edit_the_cache_gives_what_parsing_the_file_gives(edits: list[tuple[str, int]]) -> None:
    """Chunks unchanged by an edit keep their cached cards; the deck loaded after the edit (and the
    warm deck after it) is the parsed file's, every card's and example's line and column included."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path, cache = Path(tmp) / "deck.yaml", Path(tmp) / "cache"
        text = SAMPLE
        path.write_text(text, encoding="utf-8")
        _cache.load_cached(path, cache)
        for op, at in edits:
            text = _edit(text, op, at)
            path.write_text(text, encoding="utf-8")
            expected = _outcome(_reference, path)
            assert _outcome(lambda p: _cache.load_cached(p, cache), path) == expected
            assert _outcome(lambda p: _cache.load_cached(p, cache), path) == expected  # warm


def _parsed_chunks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The chunks parsed from now on (in this process: the child process is not started)."""
    parsed: list[str] = []
    real = _parallel._parse_chunk

    def noting(head: str, body: str, pad: int, shown: str) -> Deck:
        parsed.append(body)
        return real(head, body, pad, shown)

    monkeypatch.setattr(_parallel.forked, "can_fork", lambda: False)
    monkeypatch.setattr(_parallel, "_parse_chunk", noting)
    return parsed


@pytest.mark.parametrize("op", ["comment", "word", "copy", "drop"])
def test_an_edit_parses_only_the_chunk_it_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, op: str
) -> None:
    """One card edited in the middle of a large deck: only its chunk is parsed again, whether the
    lines below it moved or not, and the cards below have their new lines."""
    path, cache = tmp_path / "deck.yaml", tmp_path / "cache"
    path.write_text(SAMPLE, encoding="utf-8")
    _cache.load_cached(path, cache)
    parsed = _parsed_chunks(monkeypatch)
    edited = _edit(SAMPLE, op, 40)
    path.write_text(edited, encoding="utf-8")
    deck = _cache.load_cached(path, cache)
    # The chunk the edit fell in, and at most one more: a card added may itself end a chunk, or
    # an edit move the end of its chunk (the next one then ends where it did).
    before = {SAMPLE[start:end] for start, end, _ in _chunks.split(SAMPLE)[1]}
    assert 1 <= len(parsed) <= 2 and not before & set(parsed)
    assert len(_chunks.split(edited)[1]) > 10
    assert _outcome(lambda p: deck, path) == _outcome(_reference, path)
    parsed.clear()
    path.write_text(_edit(edited, "title", 0), encoding="utf-8")
    _cache.load_cached(path, cache)
    assert len(parsed) == len(_chunks.split(edited)[1])  # the deck's own fields changed: every chunk


def test_an_edit_that_repeats_a_kept_cards_id_is_the_loaders_error(tmp_path: Path) -> None:
    """A card added with the id of a card in an unchanged chunk: the same duplicate-id error as
    parsing the file, not a deck with two cards of one id."""
    path, cache = tmp_path / "deck.yaml", tmp_path / "cache"
    path.write_text(SAMPLE, encoding="utf-8")
    _cache.load_cached(path, cache)
    start, end = _card_spans(SAMPLE)[3]
    path.write_text(SAMPLE + SAMPLE[start:end], encoding="utf-8")
    with pytest.raises(DeckError) as err:
        _cache.load_cached(path, cache)
    assert ("error", [str(p) for p in err.value.problems]) == _outcome(_reference, path)
    assert "c000003" in str(err.value.problems[0])
