"""Every benchmark script still runs (on the tiny size), so the benchmarks cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO

SCRIPTS = [
    "bench_startup.py",
    "bench_load.py",
    "bench_history.py",
    "bench_export.py",
    "bench_grading.py",
    "bench_import.py",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_runs_on_tiny_size(script: str) -> None:
    """The script exits 0 and prints each figure with its baseline, ratio and target."""
    env = {k: v for k, v in os.environ.items() if k != "QUIZ_HOME"}
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), "--size", "tiny"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [ln for ln in out.stdout.splitlines() if "| baseline " in ln]
    assert lines, out.stdout
    for line in lines:
        assert " | ratio " in line and " | target " in line, line
        assert "| MET" in line or "| MISSED" in line, line


@pytest.mark.parametrize("script", ["bench_load.py", "bench_export.py"])
def test_issue_16_benchmarks_run_on_both_kinds_beside_anki(script: str) -> None:
    """With ``--kind both`` every figure is printed for the realistic and the templated deck, each
    beside the real Anki's import of the same deck measured in the same run."""
    env = {k: v for k, v in os.environ.items() if k != "QUIZ_HOME"}
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), "--size", "tiny", "--kind", "both"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [ln for ln in out.stdout.splitlines() if "| baseline Anki importing quiz export's file: " in ln]
    for kind in ("realistic", "templated"):
        mine = [ln for ln in lines if f"({kind}, tiny)" in ln]
        assert len(mine) >= 2, out.stdout
        for line in mine:
            assert " | ratio " in line and " | target <= " in line and " CPU " in line, line
    assert len(lines) % 2 == 0 and len(lines) >= 4, out.stdout


def test_generator_writes_a_deck_that_loads(tmp_path: object) -> None:
    """``bench/gen.py deck`` writes a deck of the asked size that the loader accepts without errors."""
    from pathlib import Path

    from quiz.deckio import load

    path = Path(str(tmp_path)) / "deck.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "gen.py"), "deck", str(path), "tiny"],
        check=True,
        capture_output=True,
    )
    deck = load(path)
    assert len(deck.cards) == 60
    assert {c.kind.value for c in deck.cards} == {
        "short",
        "choice",
        "multi",
        "bool",
        "number",
        "date",
        "cloze",
        "order",
        "card",
    }


@pytest.mark.parametrize("kind", ["realistic", "templated"])
def test_generated_decks_are_clean_and_distinct(tmp_path: object, kind: str) -> None:
    """The realistic and templated decks load, every prompt is distinct, and every author's example
    grades the way it says (so ``quiz check`` times clean decks, as instructors write them)."""
    from pathlib import Path

    from quiz.deckio import load
    from quiz.insight.lint import run_examples

    path = Path(str(tmp_path)) / "deck.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "gen.py"), "deck", str(path), "680", kind],
        check=True,
        capture_output=True,
    )
    deck = load(path)
    assert len(deck.cards) == 680
    assert len({c.prompt for c in deck.cards}) == 680
    assert run_examples(deck) == []
    if kind == "realistic":
        size = path.stat().st_size / 680
        assert 500 <= size <= 700, size
        assert {c.kind.value for c in deck.cards} == {
            "short",
            "choice",
            "multi",
            "bool",
            "number",
            "date",
            "cloze",
            "order",
            "card",
        }
        assert all(c.explain and c.tags for c in deck.cards)
