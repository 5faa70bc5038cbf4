"""quiz report's computations: option mapping, accept candidates, edge cases, skipped files."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.insight.report import build_report
from quiz.insight.report_answers import ordered_items, picked_options
from quiz.insight.report_figures import item_figures
from quiz.insight.report_html import to_html
from quiz.insight.report_text import to_csv
from quiz.insight.results import Result, from_summary, load_result, write_result
from quiz.model import ChoiceCard, Deck, Options, OrderCard, Question, ShortCard
from quiz.practice import Session

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
DECK = Deck(
    id="d",
    title="Deck D",
    cards=(
        ShortCard(
            id="who", prompt="Who chaired the Joint Chiefs?", answer="Gerasimov", accept=("Valery Gerasimov",)
        ),
        ChoiceCard(
            id="pick",
            prompt="Which country?",
            choices=("Switzerland", "Austria", "Finland"),
            answer="Switzerland",
            shuffle=False,
        ),
    ),
    path="d.yaml",
    content_hash="hash-1",
)


def make_result(learner: str, typed: dict[str, str], deck: Deck = DECK) -> Result:
    """A result of a real session (real grading) where ``typed`` gives each card's answer."""
    clock = iter(T0 + timedelta(seconds=2 * i) for i in range(100))

    def ask(q: Question) -> str:
        return typed[q.card.id]

    session = Session(
        deck, Options(shuffle=False, exam=True), random.Random(1), ask=ask, now=lambda: next(clock)
    )
    summary = session.run()
    return from_summary(summary, learner=learner, deck=deck, seed=1, started_at=T0, finished_at=T0)


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.sampled_from([0.0, 0.5, 1.0]), st.booleans()),
        min_size=2,
        max_size=40,
    )
)
def test_discrimination_index_and_efficiency_stay_in_range(rows: list[tuple[float, float, bool]]) -> None:
    """A correlation stays within ±100 %; no covariance beats the sorted pairing (efficiency <= 100 %)."""
    attempts = [{"q": a, "r": b, **({"s": 1.0} if c else {})} for a, b, c in rows]
    figures, _ = item_figures(attempts, "q", None)
    if figures.discrimination_index is not None:
        assert -100.0 - 1e-9 <= figures.discrimination_index <= 100.0 + 1e-9
    if figures.discriminative_efficiency is not None:
        assert figures.discriminative_efficiency <= 100.0 + 1e-9
    assert figures.facility is not None and 0.0 <= figures.facility <= 100.0


def test_picked_options_by_letter_number_text_and_typo() -> None:
    """A typed choice answer maps to the option as shown: letter, number, text or a typo of it."""
    shown = ("Finland", "Switzerland", "Austria")
    assert picked_options("b", shown, multi=False) == ["Switzerland"]
    assert picked_options("3", shown, multi=False) == ["Austria"]
    assert picked_options("finland", shown, multi=False) == ["Finland"]
    assert picked_options("Switzerlnd", shown, multi=False) == ["Switzerland"]
    assert picked_options("Norway", shown, multi=False) == []
    assert picked_options("a, c", shown, multi=True) == ["Finland", "Austria"]
    assert picked_options("a c", shown, multi=True) == ["Finland", "Austria"]
    assert picked_options("Austria and Finland", shown, multi=True) == ["Austria", "Finland"]
    assert picked_options("Finland, Switzerland, and Austria", shown, multi=True) == list(shown)


def test_ordered_items_by_letters_digits_and_text() -> None:
    """An order answer maps to the items in the typed order."""
    shown = ("Earth", "Mercury", "Venus")
    assert ordered_items("b, c, a", shown) == ["Mercury", "Venus", "Earth"]
    assert ordered_items("231", shown) == ["Mercury", "Venus", "Earth"]
    assert ordered_items("Mercury > Venus > Earth", shown) == ["Mercury", "Venus", "Earth"]
    assert ordered_items("Mercury, Venus, and Earth", shown) == ["Mercury", "Venus", "Earth"]


def test_report_numbers_and_candidates() -> None:
    """Scores, share right, option picks, the most common wrong answer and accept candidates."""
    results = [
        ("a.json", make_result("Ada", {"who": "Gerasimov", "pick": "a"})),
        ("b.json", make_result("Bob", {"who": "Grasimoff", "pick": "b"})),  # 3 edits: rejected
        ("c.json", make_result("Cy", {"who": "Shoigu", "pick": "Austria"})),
        ("d.json", make_result("Di", {"who": "Grasimoff", "pick": "c"})),
    ]
    report = build_report(results, DECK)
    assert [(x.name, x.correct, x.total, x.percent) for x in report.learners] == [
        ("Ada", 2, 2, 100.0), ("Bob", 0, 2, 0.0), ("Cy", 0, 2, 0.0), ("Di", 0, 2, 0.0),
    ]  # fmt: skip
    who, pick = report.questions
    assert (who.card, who.correct, who.answered, who.share) == ("who", 1, 4, 0.25)
    assert who.wrong[0] == ("Grasimoff", 2)
    assert [(c.typed, c.count, c.why) for c in who.candidates] == [
        ("Grasimoff", 2, "3 edits from 'Gerasimov'")
    ]
    assert pick.options == (("Switzerland", 1), ("Austria", 2), ("Finland", 1))
    assert pick.wrong == (("Austria", 2), ("Finland", 1))
    # Right only for Ada, the only one right elsewhere: Moodle's discrimination index is 100 %.
    assert who.figures is not None and who.figures.discrimination_index == pytest.approx(100.0)
    assert who.avg_time_s == 2.0
    assert report.warnings == ()


def test_listed_wrong_answers_are_not_candidates() -> None:
    """An answer the author listed as wrong is never suggested for accept:."""
    from dataclasses import replace

    from quiz.model import Example

    card = replace(DECK.cards[0], reject_examples=(Example("Grasimoff"),))
    deck = replace(DECK, cards=(card, DECK.cards[1]))
    result = make_result("Bob", {"who": "Grasimoff", "pick": "a"}, deck)
    assert result.answers[0].rule == "listed-wrong"
    report = build_report([("b.json", result)], deck)
    assert report.questions[0].candidates == ()


def test_part_of_an_alternate_is_a_candidate() -> None:
    """A rejected answer that is part of the key ('Valery' of 'Valery Gerasimov') is flagged."""
    report = build_report([("a.json", make_result("Ada", {"who": "Valery", "pick": "a"}))], DECK)
    (candidate,) = report.questions[0].candidates
    assert candidate.why == "part of 'Valery Gerasimov'"


def test_other_deck_version_is_warned() -> None:
    """Results whose deck hash differs from the deck file get a warning naming the file."""
    from dataclasses import replace

    result = make_result("Ada", {"who": "Gerasimov", "pick": "a"})
    report = build_report([("ada.json", result)], replace(DECK, content_hash="hash-2"))
    assert report.warnings == (
        "ada.json: results from a different version of the deck (its content hash differs from d.yaml)",
    )


def test_order_answers_show_items() -> None:
    """A wrong order answer is shown as the items it named, whatever order they were shown in."""
    deck = Deck(id="o", title="O", cards=(OrderCard(id="seq", prompt="Order", items=("x1", "y2", "z3")),))
    result = make_result("Ada", {"seq": "z3, y2, x1"}, deck)
    report = build_report([("a.json", result)], deck)
    assert report.questions[0].wrong == (("z3 → y2 → x1", 1),)


def test_csv_and_html_escape_text() -> None:
    """CSV has one row per learner and question; HTML escapes a learner's name."""
    results = [("a.json", make_result("<b>Ada</b>", {"who": "Gerasimov", "pick": "a"}))]
    report = build_report(results, DECK)
    lines = to_csv(report).splitlines()
    assert lines[0].startswith("learner,file,card,type,typed,picked,correct")
    assert lines[2] == "<b>Ada</b>,a.json,pick,choice,a,Switzerland,1,1,2.000,2,2,100,2,1"
    page = to_html(report)
    assert "&lt;b&gt;Ada&lt;/b&gt;" in page and "<b>Ada" not in page
    assert "<script" not in page


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "not JSON"),
        (b'{"format": "quiz-result", "version": 1}', "'learner' is missing"),
    ],
)
def test_invalid_files_are_skipped_by_name(tmp_path: Path, content: bytes, why: str) -> None:
    """An invalid file is named on stderr and skipped; the report of the others is produced, exit 3."""
    good = tmp_path / "ada.json"
    write_result(good, make_result("Ada", {"who": "Gerasimov", "pick": "a"}))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = CliRunner().invoke(cli, ["report", str(good), str(bad), "--json"])
    assert result.exit_code == 3, result.output
    assert f"skipped: {bad}: {why}" in result.stderr
    assert [x["name"] for x in json.loads(result.stdout)["learners"]] == ["Ada"]


def test_tampered_score_is_skipped(tmp_path: Path) -> None:
    """A file whose score does not match its answers is skipped by name."""
    path = tmp_path / "eve.json"
    write_result(path, make_result("Eve", {"who": "Shoigu", "pick": "b"}))
    data = json.loads(path.read_text("utf-8"))
    data["totals"]["correct"] = 2
    path.write_text(json.dumps(data), "utf-8")
    good = tmp_path / "ada.json"
    write_result(good, make_result("Ada", {"who": "Gerasimov", "pick": "a"}))
    result = CliRunner().invoke(cli, ["report", str(path), str(good)])
    assert result.exit_code == 3
    assert f"skipped: {path}: totals say 2 correct but the answers have 0" in result.stderr
    assert "Ada" in result.stdout and "Eve" not in result.stdout


def test_no_readable_file_exits_1(tmp_path: Path) -> None:
    """When no file can be read, the report fails with exit 1."""
    bad = tmp_path / "bad.json"
    bad.write_text("[]", "utf-8")
    result = CliRunner().invoke(cli, ["report", str(bad), str(tmp_path / "missing.json")])
    assert result.exit_code == 1
    assert f"skipped: {bad}: not a JSON object" in result.stderr
    assert f"skipped: {tmp_path / 'missing.json'}: cannot read the file" in result.stderr
    assert "no result file could be read" in result.stderr


def test_loaded_results_round_trip_into_the_report(tmp_path: Path) -> None:
    """A result written to disk and read back gives the same report as the one in memory."""
    result = make_result("Ada", {"who": "Gerasimoff", "pick": "b"})
    path = tmp_path / "ada.json"
    write_result(path, result)
    assert (
        build_report([("x", load_result(path))], DECK).to_dict()
        == build_report([("x", result)], DECK).to_dict()
    )
