"""quiz report's item analysis against figures computed apart from it: by hand and with numpy.

The definitions are Moodle's (docs/report.md). numpy is a test-only dependency: the package
computes the figures with plain Python, and these tests recompute them with numpy's own
variance, correlation and moment functions from the marks in the result files.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from classroom import make_class, make_deck, take_exam
from click.testing import CliRunner

from quiz.cli import cli


def report_json(deck: Path, files: list[Path]) -> dict:  # type: ignore[type-arg]
    """``quiz report FILES --deck DECK --json``, parsed."""
    result = CliRunner().invoke(cli, ["report", *map(str, files), "--deck", str(deck), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# Four learners, three short cards of the 'quiz new' deck, marks worked out by hand in docs/report.md:
#   learner  capital  ocean  boiling  total
#   A        1        1      1        3
#   B        1        0      1        2
#   C        0        1      0        1
#   D        0        0      0        0
HAND = {
    "A": ("Bern", "Pacific", "100"),
    "B": ("Bern", "Atlantic", "100"),
    "C": ("Geneva", "Pacific", "90"),
    "D": ("Geneva", "Atlantic", "90"),
}


def hand_class(tmp_path: Path) -> tuple[Path, list[Path]]:
    """The four learners above, each a real exam limited to three cards."""
    deck = make_deck(tmp_path)
    files = []
    for name, typed in HAND.items():
        out = tmp_path / f"{name}.json"
        result = CliRunner().invoke(
            cli,
            [
                "run",
                str(deck),
                "--exam",
                "--no-shuffle",
                "--name",
                name,
                "--results",
                str(out),
                "--card",
                "capital-switzerland",
                "--card",
                "largest-ocean",
                "--card",
                "boiling-point",
            ],
            input="\n".join(typed) + "\n",
        )
        assert out.exists(), result.output
        files.append(out)
    return deck, files


def test_figures_of_a_class_worked_by_hand(tmp_path: Path) -> None:
    """Facility, SD, discrimination, efficiency, weight and the test figures match the hand-worked table."""
    deck, files = hand_class(tmp_path)
    report = report_json(deck, files)
    q = {x["card"]: x for x in report["questions"]}
    capital = q["capital-switzerland"]
    assert capital["facility"] == pytest.approx(50.0)
    assert capital["sd"] == pytest.approx(100 * math.sqrt(1 / 3))  # 57.74
    assert capital["discrimination_index"] == pytest.approx(100 / math.sqrt(2))  # 70.71
    assert capital["discriminative_efficiency"] == pytest.approx(100.0)
    roots = math.sqrt(2 / 3) * 2 + math.sqrt(1 / 3)
    assert capital["effective_weight"] == pytest.approx(100 * math.sqrt(2 / 3) / roots)  # 36.94
    assert q["largest-ocean"]["effective_weight"] == pytest.approx(100 * math.sqrt(1 / 3) / roots)  # 26.12
    # The ocean question: marks 1,0,1,0 against the rest 2,2,0,0: r = 0.
    assert q["largest-ocean"]["discrimination_index"] == pytest.approx(0.0, abs=1e-9)
    exam = report["exam"]
    assert (exam["attempts"], exam["questions"]) == (4, 3)
    assert exam["mean"] == pytest.approx(50.0) and exam["median"] == pytest.approx(50.0)
    assert exam["sd"] == pytest.approx(43.033, abs=1e-3)
    assert exam["skewness"] == pytest.approx(0.0, abs=1e-9)
    assert exam["kurtosis"] == pytest.approx(-1.2)
    assert exam["cic"] == pytest.approx(60.0)  # 3/2 * (1 - 1 / (5/3))
    assert exam["error_ratio"] == pytest.approx(100 * math.sqrt(0.4))  # 63.25
    assert exam["standard_error"] == pytest.approx(100 * math.sqrt(0.4) * 43.033 / 100, abs=1e-3)


def test_figures_of_a_class_of_24_match_numpy(tmp_path: Path) -> None:
    """A class of 24 with partial marks: every figure equals numpy's, computed from the files' marks."""
    deck, files = make_class(tmp_path, size=24, incomplete=1)
    report = report_json(deck, files)
    finished = [json.loads(f.read_text("utf-8")) for f in files]
    finished = [r for r in finished if r["complete"]]
    cards = [a["card"] for a in finished[0]["answers"] if a["type"] != "card"]  # flashcards: self-rated
    marks = np.array(
        [[next(a["score"] for a in r["answers"] if a["card"] == c) for c in cards] for r in finished]
    )
    assert marks.shape == (23, 8) and 0 < marks.mean() < 1
    assert any(0 < m < 1 for m in marks.flat), "partial marks count as fractions"
    n, p = marks.shape
    totals = marks.sum(axis=1)
    q = {x["card"]: x for x in report["questions"]}
    covs_total = []
    for j, card in enumerate(cards):
        x, rest = marks[:, j], totals - marks[:, j]
        figures = q[card]
        assert figures["attempts"] == n
        assert figures["facility"] == pytest.approx(100 * x.mean())
        assert figures["sd"] == pytest.approx(100 * x.std(ddof=1))
        if x.std() and rest.std():
            assert figures["discrimination_index"] == pytest.approx(100 * np.corrcoef(x, rest)[0, 1])
        best = np.cov(np.sort(x), np.sort(rest))[0, 1]
        if best:
            assert figures["discriminative_efficiency"] == pytest.approx(100 * np.cov(x, rest)[0, 1] / best)
        covs_total.append(np.cov(x, totals)[0, 1])
    roots = sum(math.sqrt(c) for c in covs_total if c >= 0)
    for card, c in zip(cards, covs_total, strict=True):
        expected = 100 * math.sqrt(c) / roots if c >= 0 else None
        assert q[card]["effective_weight"] == (pytest.approx(expected) if expected is not None else None)
    assert "photosynthesis" not in q  # an exam asks no flashcard (self-rated: nothing to mark)

    pct = 100 * totals / p
    m = pct - pct.mean()
    m2, m3, m4 = (m**2).mean(), (m**3).mean(), (m**4).mean()
    g1, g2 = m3 / m2**1.5, m4 / m2**2 - 3
    exam = report["exam"]
    assert exam["attempts"] == n and exam["questions"] == p
    assert exam["mean"] == pytest.approx(pct.mean())
    assert exam["median"] == pytest.approx(float(np.median(pct)))
    assert exam["sd"] == pytest.approx(pct.std(ddof=1))
    assert exam["skewness"] == pytest.approx(math.sqrt(n * (n - 1)) / (n - 2) * g1)  # adjusted Fisher-Pearson
    assert exam["kurtosis"] == pytest.approx(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))
    alpha = p / (p - 1) * (1 - marks.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    assert exam["cic"] == pytest.approx(100 * alpha)
    assert exam["error_ratio"] == pytest.approx(100 * math.sqrt(1 - alpha))
    assert exam["standard_error"] == pytest.approx(math.sqrt(1 - alpha) * pct.std(ddof=1))


def test_choice_options_are_counted_as_grading_reads_them(tmp_path: Path) -> None:
    """How often each option was picked: by text, letter (as that learner saw it) or a typo of it."""
    deck = make_deck(tmp_path)
    files = []
    for name, typed in (("A", "Pacific"), ("B", "atlantc"), ("C", "Indian"), ("D", "Saturn")):
        files.append(take_exam(deck, tmp_path / f"{name}.json", name, ["Bern", typed]))
    q = {x["card"]: x for x in report_json(deck, files)["questions"]}["largest-ocean"]
    assert {o["option"]: o["count"] for o in q["options"]} == {
        "Pacific": 1,
        "Atlantic": 1,
        "Indian": 1,
        "Arctic": 0,
    }
    assert q["other"] == 1
