"""Result files: written atomically, read back, and invalid or tampered files refused by name."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from quiz.insight.results import ResultFileError, check_writable, from_summary, load_result, write_result
from quiz.model import ChoiceCard, Deck, Options, Question, ShortCard
from quiz.practice import Session

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def sample_result_dict(tmp_path: Path) -> dict[str, Any]:
    """A valid result (3 questions, 2 right) written to disk and parsed as JSON."""
    cards = (
        ShortCard(id="city", prompt="Where?", answer="Bern"),
        ChoiceCard(id="pick", prompt="Pick", choices=("x", "y", "z"), answer="y"),
        ShortCard(id="who", prompt="Who?", answer="Milley"),
    )
    deck = Deck(id="d", title="Deck D", cards=cards, content_hash="abc123")
    typed = {"city": "Bern", "pick": "y", "who": "Dunford"}
    clock = iter(T0 + timedelta(seconds=i) for i in range(100))

    def ask(q: Question) -> str:
        return typed[q.card.id]

    def grade(card: Any, text: str, policy: Any, **kw: Any) -> Any:
        from quiz.model import Verdict

        ok = text == card.answer_text()
        return Verdict(ok, "exact" if ok else "wrong", "", float(ok), 0, card.answer_text())

    summary = Session(deck, Options(), random.Random(1), ask=ask, now=lambda: next(clock), grade=grade).run()
    result = from_summary(summary, learner="Ada", deck=deck, seed=1, started_at=T0, finished_at=T0)
    path = tmp_path / "ada.json"
    write_result(path, result)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_round_trip(tmp_path: Path) -> None:
    """A written result loads back with the same learner, deck, answers and totals."""
    data = sample_result_dict(tmp_path)
    r = load_result(tmp_path / "ada.json")
    assert (r.learner, r.deck_id, r.deck_title, r.deck_hash, r.seed) == ("Ada", "d", "Deck D", "abc123", 1)
    assert (r.correct, r.asked, r.total, r.score) == (2, 3, 3, 2.0)
    assert r.percent == pytest.approx(66.7)
    assert {a.card for a in r.answers} == {"city", "pick", "who"}
    assert next(a for a in r.answers if a.card == "pick").shown is not None
    assert r.to_dict() == data


def write(tmp_path: Path, data: object, name: str = "bad.json") -> Path:
    """``data`` as a JSON file."""
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def test_not_json_is_refused_with_the_file_name(tmp_path: Path) -> None:
    """A file that is not JSON is an error naming the file."""
    p = tmp_path / "junk.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(ResultFileError, match=r"junk\.json: not JSON"):
        load_result(p)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are refused, not crashed on."""
    p = tmp_path / "bin.json"
    p.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(ResultFileError, match=r"bin\.json"):
        load_result(p)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """A missing file is an error naming it."""
    with pytest.raises(ResultFileError, match=r"nope\.json: cannot read"):
        load_result(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("learner"), "'learner' is missing"),
        (lambda d: d.update(format="other"), "'format'"),
        (lambda d: d["deck"].pop("hash"), "deck: 'hash' is missing"),
        (lambda d: d["answers"][0].pop("typed"), "answer 1: 'typed' is missing"),
        (lambda d: d["answers"][0].update(correct="yes"), "answer 1: 'correct' has the wrong type"),
        (lambda d: d["answers"][0].update(score=True), "answer 1: 'score' has the wrong type"),
        (lambda d: d["totals"].update(correct=3), "totals say 3 correct but the answers have 2"),
        (lambda d: d["totals"].update(score=3.0), "totals say a score of 3"),
        (lambda d: d["totals"].update(asked=9), "totals say 9 asked"),
        (lambda d: d["answers"].pop(), "totals say"),
        (lambda d: d.update(answers="none"), "'answers' has the wrong type"),
    ],
)
def test_tampered_or_incomplete_files_are_refused(tmp_path: Path, mutate: Any, message: str) -> None:
    """A missing field, a wrong type or totals that do not match the answers are refused by file name."""
    data = sample_result_dict(tmp_path)
    mutate(data)
    p = write(tmp_path, data, "tampered.json")
    with pytest.raises(ResultFileError, match=r"tampered\.json") as info:
        load_result(p)
    assert message in str(info.value)


def test_a_flipped_verdict_is_caught(tmp_path: Path) -> None:
    """Marking a wrong answer correct without fixing the totals is detected."""
    data = sample_result_dict(tmp_path)
    wrong = next(a for a in data["answers"] if not a["correct"])
    wrong["correct"] = True
    with pytest.raises(ResultFileError, match="totals say 2 correct but the answers have 3"):
        load_result(write(tmp_path, data))


def test_newer_format_asks_for_an_upgrade(tmp_path: Path) -> None:
    """A file from a newer format version says to upgrade quiz."""
    data = sample_result_dict(tmp_path)
    data["version"] = 99
    with pytest.raises(ResultFileError, match="newer quiz"):
        load_result(write(tmp_path, data))


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    """A JSON list is not a result."""
    with pytest.raises(ResultFileError, match="not a JSON object"):
        load_result(write(tmp_path, [1, 2]))


def test_write_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    """Writing over an existing file replaces it whole and leaves no temporary file behind."""
    (tmp_path / "ada.json").write_text("old", encoding="utf-8")
    sample_result_dict(tmp_path)
    assert json.loads((tmp_path / "ada.json").read_text(encoding="utf-8"))["learner"] == "Ada"
    assert [p.name for p in tmp_path.iterdir()] == ["ada.json"]


def test_check_writable(tmp_path: Path) -> None:
    """A missing directory or a directory given as the file is refused before a quiz starts."""
    check_writable(tmp_path / "ok.json")
    with pytest.raises(ResultFileError, match="does not exist"):
        check_writable(tmp_path / "missing" / "r.json")
    with pytest.raises(ResultFileError, match="is a directory"):
        check_writable(tmp_path)
