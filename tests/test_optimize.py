"""``quiz optimize``: FSRS fitted to a generated review history of known parameters, through the CLI."""

from __future__ import annotations

import itertools
import math
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import fsrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.practice.optimize import Review, fit, simulate
from quiz.practice.schedule import DEFAULT_PARAMETERS
from quiz.store import Store, db_path

#: A learner who forgets faster than the FSRS defaults assume: lower first-day stabilities
#: (w0-w3) and a slower growth of stability after a recall (w8).
KNOWN = (0.3, 0.9, 1.6, 5.0, *DEFAULT_PARAMETERS[4:8], 1.5, *DEFAULT_PARAMETERS[9:])
#: The stated tolerance (docs/study.md), for a generated year of 2,000 cards (about 30,000
#: reviews): the growth of stability after a recall (w8) within 25 % of the known value; the
#: recall the fitted parameters predict at each later-day review within 0.02 (root mean square)
#: of what the known ones predict; and the stability after each review (the interval 'quiz
#: study' schedules) within 30 % of the known one's (median). Measured over 36 seeds: w8 at most
#: 16 % off, recall 0.007-0.017, stability 7-21 %; the FSRS defaults miss by 0.025 and 42 %.
#: w0-w3 alone are not pinned down by such a history (they trade off against the same-day
#: parameters: 40-125 % off on some seeds while the predictions hold), so none is required.
GROWTH, RMSE, INTERVAL = 0.25, 0.02, 0.30


def write_deck(path: Path, cards: int) -> Path:
    """A deck 'memory' of flashcards c0, c1, … (the ids :func:`simulate` gives its cards)."""
    lines = ["deck:", "  id: memory", "  title: Memory", "cards:"]
    for n in range(cards):
        lines += [f"  - id: c{n}", "    type: card", f"    front: Front {n}", f"    back: Back {n}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def store_history(home: Path, reviews: Sequence[Review], *, cram: bool = False) -> None:
    """The reviews as one study session's rated answers in the real score database."""
    with Store.open(db_path(home)) as store:
        session = store.start_session("memory", "study", 1, reviews[0].at)
        rows = [
            (session, "memory", r.card, "", r.rating > 1, "self", 1.0, 9, r.at.isoformat(), r.rating, cram)
            for r in reviews
        ]
        conn = store.connection
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO attempts (session_id, deck_id, card_id, typed, correct, rule, score, time_ms,"
            " answered_at, rating, cram) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
        store.rebuild_summaries()


def gaps(reviews: Sequence[Review], a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """How far apart two parameter sets are on a history: the root mean square difference of the
    recall they predict at each later-day review, and the median relative difference of the
    stability (the interval at 90 % retention) they give after each review."""
    first, second = (fsrs.Scheduler(parameters=tuple(p), enable_fuzzing=False) for p in (a, b))
    by_card: dict[str, list[Review]] = defaultdict(list)
    for r in reviews:
        by_card[r.card].append(r)
    total, count, stability = 0.0, 0, []
    for history in by_card.values():
        x = y = fsrs.Card(card_id=1, due=history[0].at)
        for i, r in enumerate(history):
            if i and r.at.date() > history[i - 1].at.date():
                gap = first.get_card_retrievability(x, r.at) - second.get_card_retrievability(y, r.at)
                total += gap**2
                count += 1
            x, _ = first.review_card(x, fsrs.Rating(r.rating), review_datetime=r.at)
            y, _ = second.review_card(y, fsrs.Rating(r.rating), review_datetime=r.at)
            stability.append(abs(math.log(x.stability / y.stability)))
    return math.sqrt(total / count), math.exp(statistics.median(stability)) - 1


def assert_recovered(reviews: Sequence[Review], fitted: Sequence[float]) -> tuple[float, float]:
    """The fitted parameters are within the stated tolerance of the known ones; their gaps."""
    assert abs(fitted[8] - KNOWN[8]) <= GROWTH * KNOWN[8], (fitted[8], KNOWN[8])
    recall, interval = gaps(reviews, fitted, KNOWN)
    assert recall <= RMSE and interval <= INTERVAL, (recall, interval)
    return recall, interval


def test_optimize_recovers_known_parameters_from_a_generated_history(tmp_path: Path, quiz_home: Path) -> None:
    """30,000 reviews of a learner of known parameters give back those parameters within the tolerance."""
    reviews = simulate(KNOWN, DEFAULT_PARAMETERS, cards=2000, days=365, seed=3)
    deck = write_deck(tmp_path / "memory.yaml", 2000)
    store_history(quiz_home, reviews)
    result = CliRunner().invoke(cli, ["optimize", str(deck)])
    assert result.exit_code == 0, result.output
    assert f"memory: fitted to {len(reviews):,} reviews" in result.output
    assert "FSRS defaults" in result.output and "fitted to you" in result.output
    assert "Stored: 'quiz study memory' schedules with them from now on." in result.output
    with Store.open(db_path(quiz_home)) as store:
        stored = store.fsrs_params("memory")
    assert stored is not None and stored.reviews == len(reviews)
    recall, interval = assert_recovered(reviews, stored.params)
    default_recall, default_interval = gaps(reviews, DEFAULT_PARAMETERS, KNOWN)
    assert recall < default_recall and interval < default_interval


@settings(max_examples=2, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_tolerance_holds_for_any_generated_history_not_one_seed(seed: int) -> None:
    """Whatever the seed of the generated learner, the fit is within the stated tolerance."""
    reviews = simulate(KNOWN, DEFAULT_PARAMETERS, cards=2000, days=365, seed=seed)
    assert_recovered(reviews, fit(reviews))


def test_too_few_reviews_are_counted_and_nothing_is_stored(tmp_path: Path, quiz_home: Path) -> None:
    """A short history is not fitted: the command says how many reviews there are and how many it needs."""
    reviews = simulate(KNOWN, DEFAULT_PARAMETERS, cards=20, days=30, seed=1)
    deck = write_deck(tmp_path / "memory.yaml", 20)
    store_history(quiz_home, reviews)
    result = CliRunner().invoke(cli, ["optimize", str(deck)])
    assert result.exit_code == 0
    assert "fitting needs at least 400" in result.output
    later = sum(1 for a, b in itertools.pairwise(reviews) if a.card == b.card and b.at.date() > a.at.date())
    assert result.output.startswith(f"memory: {later:,} reviews on a later day")
    with Store.open(db_path(quiz_home)) as store:
        assert store.fsrs_params("memory") is None


def test_cram_answers_are_not_reviews(tmp_path: Path, quiz_home: Path) -> None:
    """Cram practice, which does not touch the schedule, is not part of the history that is fitted."""
    reviews = simulate(KNOWN, DEFAULT_PARAMETERS, cards=300, days=200, seed=2)
    store_history(quiz_home, reviews, cram=True)
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 0
    assert result.output.startswith("memory: 0 reviews on a later day")


def test_dry_run_stores_nothing_and_reset_goes_back_to_the_defaults(tmp_path: Path, quiz_home: Path) -> None:
    """--dry-run shows the fit without storing it; --reset forgets stored parameters."""
    reviews = simulate(KNOWN, DEFAULT_PARAMETERS, cards=400, days=200, seed=4)
    deck = write_deck(tmp_path / "memory.yaml", 400)
    store_history(quiz_home, reviews)
    result = CliRunner().invoke(cli, ["optimize", str(deck), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Not stored (--dry-run)." in result.output
    with Store.open(db_path(quiz_home)) as store:
        assert store.fsrs_params("memory") is None
    assert CliRunner().invoke(cli, ["optimize", str(deck)]).exit_code == 0
    again = CliRunner().invoke(cli, ["optimize", str(deck)])
    assert "fitted before" in again.output  # the second fit is weighed against the first
    result = CliRunner().invoke(cli, ["optimize", str(deck), "--reset"])
    assert result.output == "memory: back to the FSRS defaults.\n"
    with Store.open(db_path(quiz_home)) as store:
        assert store.fsrs_params("memory") is None


def next_review_days(output: str) -> int:
    """The days until the next review that a study session printed after its one answer."""
    found = re.search(r"Next review in (\d+) days", output)
    assert found is not None, output
    return int(found.group(1))


def test_study_schedules_with_the_stored_parameters(tmp_path: Path, quiz_home: Path) -> None:
    """After parameters are stored, a new card rated easy is due after about their w3 days (60), not 8."""
    deck = write_deck(tmp_path / "memory.yaml", 1)
    env = {"QUIZ_NOW": "2026-01-01T09:00:00+00:00"}
    runner = CliRunner()
    other = ["--data-dir", str(tmp_path / "other")]
    default = runner.invoke(cli, ["study", str(deck), "--seed", "1", *other], input="\neasy\n", env=env)
    assert next_review_days(default.output) <= 12
    with Store.open(db_path(quiz_home)) as store:
        tuned = (*DEFAULT_PARAMETERS[:3], 60.0, *DEFAULT_PARAMETERS[4:])
        store.set_fsrs_params("memory", tuned, datetime(2026, 1, 1, tzinfo=timezone.utc), 1234)
    result = runner.invoke(cli, ["study", str(deck), "--seed", "1"], input="\neasy\n", env=env)
    assert result.exit_code == 0, result.output
    assert "FSRS fitted to your 1,234 reviews" in result.output
    assert 54 <= next_review_days(result.output) <= 66  # 60 days, give or take the interval fuzz


def test_without_the_optimizer_the_command_says_how_to_install_it(
    tmp_path: Path, quiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the optimize extra missing, a history too short still gets its count (no extra needed
    for that); one long enough to fit gets one line naming the pip command, exit 1, nothing stored."""
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)
    store_history(quiz_home, simulate(KNOWN, DEFAULT_PARAMETERS, cards=5, days=5, seed=1))
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 0
    assert "fitting needs at least 400" in result.output
    store_history(quiz_home, simulate(KNOWN, DEFAULT_PARAMETERS, cards=300, days=200, seed=2))
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 1
    assert result.output == "Error: quiz optimize needs fsrs-rs-python: pip install 'quiz[optimize]'\n"
    with Store.open(db_path(quiz_home)) as store:
        assert store.fsrs_params("memory") is None


def test_optimize_without_any_history_says_to_study_first() -> None:
    """Before any study session there is nothing to fit, and the command says so."""
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 0
    assert result.output == "No study history yet: study with 'quiz study DECK' first.\n"
    misspelt = CliRunner().invoke(cli, ["optimize", "us-rusia-incidents-2019"])
    assert misspelt.exit_code == 1 and "no deck with id 'us-rusia-incidents-2019'" in misspelt.output
