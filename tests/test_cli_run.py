"""``quiz run`` driven through a pipe (CliRunner input): answers, the database, JSON, exams, results."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz.cli import cli
from quiz.deckio import load_ref
from quiz.insight.results import load_result
from quiz.model import BoolCard, ClozeCard, DateCard, Deck, FlashCard, MultiCard, Options, OrderCard, Question
from quiz.practice import Session
from quiz.store import Store, db_path
from quiz.ui.render import letter

DECK = "us-russia-military-talks-2019"


def deck() -> Deck:
    """The shipped deck the tests take."""
    return load_ref(DECK)


def plan(seed: int, **options: object) -> list[Question]:
    """The questions ``quiz run --seed SEED`` asks, in order, with choices as shown."""
    s = Session(
        deck(),
        Options(**options),  # type: ignore[arg-type]
        random.Random(seed),
        ask=lambda q: None,
        now=lambda: datetime.now(timezone.utc),
    )
    return s.questions


def right_answer(q: Question) -> str:
    """What a learner who knows everything types for ``q``."""
    card = q.card
    if isinstance(card, FlashCard):
        return "y"
    if isinstance(card, MultiCard):
        assert q.shown is not None
        return ", ".join(letter(q.shown.index(a)) for a in card.answers)
    if isinstance(card, OrderCard):
        assert q.shown is not None
        return ", ".join(letter(q.shown.index(item)) for item in card.items)
    if isinstance(card, BoolCard):
        return "true" if card.answer else "false"
    if isinstance(card, DateCard):
        return card.answer.iso()
    if isinstance(card, ClozeCard):
        return card.answer_text()
    return card.answer_text()


def run(args: list[str], answers: list[str] | bytes | str | None = None) -> Result:
    """Invoke ``quiz run`` with ``answers`` on stdin, one per line."""
    if isinstance(answers, list):
        answers = "".join(a + "\n" for a in answers)
    return CliRunner().invoke(cli, ["run", *args], input=answers, catch_exceptions=False)


def events(result: Result) -> list[dict[str, object]]:
    """Every stdout line parsed as JSON (fails if any line is not JSON)."""
    return [json.loads(line) for line in result.stdout.splitlines()]


def stored(home: Path) -> tuple[list, list]:  # type: ignore[type-arg]
    """The sessions and attempts in the database under ``home``."""
    with Store.open(db_path(home)) as store:
        return store.sessions(), store.attempts()


def test_whole_piped_session_all_right_is_saved(quiz_home: Path) -> None:
    """Answering every question right through a pipe scores 100% and stores every attempt."""
    questions = plan(11)
    result = run([DECK, "--seed", "11"], [right_answer(q) for q in questions])
    assert result.exit_code == 0, result.output
    n = len(questions)
    assert "seed 11 — repeat with --seed 11" in result.stdout
    assert f"1/{n}" in result.stdout and f"{n}/{n}" in result.stdout
    assert f"Score: {n}/{n} (100%)" in result.stdout
    assert "\x1b[" not in result.stdout
    sessions, attempts = stored(quiz_home)
    assert len(sessions) == 1
    s = sessions[0]
    assert (s.deck_id, s.mode, s.seed, s.correct, s.asked, s.interrupted) == (DECK, "quiz", 11, n, n, False)
    assert s.finished_at is not None and s.deck_hash == deck().content_hash
    assert [a.card_id for a in attempts] == [q.card.id for q in questions]
    assert all(a.correct and a.first and a.session_id == s.id for a in attempts)


def test_wrong_answers_are_shown_with_the_right_answer_and_missed_in_summary(quiz_home: Path) -> None:
    """A wrong answer shows 'Wrong', the right answer and the explanation; the summary lists it."""
    card = deck().card("meeting-city")
    assert card is not None
    result = run([DECK, "--card", "meeting-city"], ["Geneva"])
    assert result.exit_code == 0
    assert "Wrong" in result.stdout
    assert "Answer: Bern" in result.stdout
    assert " ".join(card.explain.split()) in result.stdout
    assert "Missed:" in result.stdout and "meeting-city" in result.stdout
    assert "Score: 0/1 (0%)" in result.stdout


def test_accepted_variant_is_right_with_the_reason(quiz_home: Path) -> None:
    """A right answer written differently is accepted and the note says why."""
    result = run([DECK, "--card", "gerasimov-name"], ["Valery Gerasimof"])
    assert result.exit_code == 0
    assert "Right" in result.stdout and "typo" in result.stdout


def test_json_mode_prints_only_json_events(quiz_home: Path) -> None:
    """--json writes one JSON object per line: start, question/verdict pairs, summary."""
    questions = plan(3, count=5)
    answers = [right_answer(q) if i % 2 == 0 else "nonsense" for i, q in enumerate(questions)]
    result = run([DECK, "--seed", "3", "--count", "5", "--json", "--reask", "0"], answers)
    assert result.exit_code == 0
    evs = events(result)
    assert evs[0]["event"] == "start"
    assert (evs[0]["deck"], evs[0]["seed"], evs[0]["total"]) == (DECK, 3, 5)
    assert isinstance(evs[0]["session"], int)
    kinds = [e["event"] for e in evs if e["event"] != "reveal"]
    assert kinds == ["start"] + ["question", "verdict"] * 5 + ["summary"]
    asked = [e for e in evs if e["event"] == "question"]
    assert [e["card"] for e in asked] == [q.card.id for q in questions]
    for e, q in zip(asked, questions, strict=True):
        shown = list(q.shown) if q.shown is not None else None
        assert (e["choices"] if not isinstance(q.card, OrderCard) else e["items"]) == shown
        assert e["type"] == q.card.kind.value
    verdicts = [e for e in evs if e["event"] == "verdict"]
    assert [v["correct"] for v in verdicts] == [i % 2 == 0 for i in range(5)]
    assert verdicts[1]["typed"] == "nonsense"
    summary = evs[-1]
    assert summary["correct"] == 3 and summary["asked"] == 5 and summary["percent"] == 60.0
    assert summary["session"] == evs[0]["session"]


def test_json_errors_go_to_stderr(quiz_home: Path) -> None:
    """With --json an error leaves stdout empty."""
    result = run(["no-such-deck", "--json"], [])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no deck with id 'no-such-deck'" in result.stderr


def test_same_seed_asks_the_same_questions_in_the_same_order(quiz_home: Path) -> None:
    """Repeating --seed repeats the order of questions and of choices."""
    first = events(run([DECK, "--seed", "99", "--json", "--no-save"], ["x"] * 60))
    second = events(run([DECK, "--seed", "99", "--json", "--no-save"], ["x"] * 60))
    pick = [(e["card"], e["choices"], e["items"]) for e in first if e["event"] == "question"]
    assert pick == [(e["card"], e["choices"], e["items"]) for e in second if e["event"] == "question"]
    other = events(run([DECK, "--seed", "100", "--json", "--no-save"], ["x"] * 60))
    assert pick != [(e["card"], e["choices"], e["items"]) for e in other if e["event"] == "question"]


def test_no_save_writes_nothing(quiz_home: Path) -> None:
    """--no-save leaves the data directory untouched (no database is created)."""
    result = run([DECK, "--no-save", "--count", "3"], ["a", "b", "c"])
    assert result.exit_code == 0
    assert not db_path(quiz_home).exists()
    assert not quiz_home.exists() or not any(quiz_home.iterdir())


def test_end_of_input_ends_cleanly_and_marks_the_session_interrupted(quiz_home: Path) -> None:
    """When input ends early: exit 0, a summary, the answers given saved, the session marked interrupted."""
    questions = plan(4)
    result = run([DECK, "--seed", "4"], [right_answer(q) for q in questions[:3]])
    assert result.exit_code == 0
    assert f"Input ended after 3 of {len(questions)} questions." in result.stdout
    assert "Score: 3/3 (100%)" in result.stdout
    sessions, attempts = stored(quiz_home)
    assert sessions[0].interrupted and sessions[0].finished_at is not None
    assert len(attempts) == 3


def test_closed_stdin_at_the_first_question(quiz_home: Path) -> None:
    """No input at all: a clean summary and exit 0, no traceback."""
    result = run([DECK], "")
    assert result.exit_code == 0
    assert "Input ended after 0 of" in result.stdout
    assert "Traceback" not in result.output


def test_exam_hides_verdicts_until_the_end_and_fails_with_exit_1(quiz_home: Path) -> None:
    """--exam shows no verdict until the end, then reviews every answer; exit 1 below the pass mark."""
    result = run([DECK, "--exam", "--count", "4", "--seed", "1", "--reask", "0"], ["x"] * 4)
    assert result.exit_code == 1
    out = result.stdout
    assert out.index("Your answers:") > out.index("4/4")
    assert "Wrong" not in out[: out.index("Your answers:")]
    assert out.count("Wrong") == 4
    assert "FAILED" in out and "pass mark 60%" in out
    sessions, _ = stored(quiz_home)
    assert sessions[0].mode == "exam"


def test_exam_passed_exits_0(quiz_home: Path) -> None:
    """An exam at or above the pass mark exits 0 and says PASSED."""
    questions = plan(2, count=5, exam=True)
    answers = [right_answer(q) for q in questions[:3]] + ["x", "x"]
    result = run([DECK, "--exam", "--count", "5", "--seed", "2", "--pass-mark", "60"], answers)
    assert result.exit_code == 0
    assert "PASSED" in result.stdout


def test_json_exam_sends_verdicts_after_the_last_question(quiz_home: Path) -> None:
    """In --json --exam the verdict events all follow the last question event."""
    result = run([DECK, "--exam", "--json", "--count", "3", "--seed", "5", "--reask", "0"], ["x"] * 3)
    kinds = [e["event"] for e in events(result) if e["event"] != "reveal"]
    assert kinds == ["start", "question", "question", "question", "verdict", "verdict", "verdict", "summary"]
    assert result.exit_code == 1


def test_retry_wrong_repeats_missed_and_scores_first_tries(quiz_home: Path) -> None:
    """--retry-wrong asks missed questions again; the repeats are stored but only first tries score."""
    questions = plan(8, count=3, retry_wrong=True)
    first = [right_answer(questions[0]), "x", right_answer(questions[2])]
    result = run(
        [DECK, "--count", "3", "--seed", "8", "--retry-wrong", "--json", "--reask", "0"],
        [*first, "still wrong", "?"],
    )
    evs = events(result)
    asked = [(e["card"], e["retry"]) for e in evs if e["event"] == "question"]
    qid = questions[1].card.id
    # Asked again until input ends: the third repeat is never answered.
    assert asked[3:] == [(qid, True), (qid, True), (qid, True)]
    _, attempts = stored(quiz_home)
    assert [a.first for a in attempts] == [True, True, True, False, False]
    assert evs[-1]["correct"] == 2 and evs[-1]["asked"] == 3


def test_retry_wrong_with_right_repeat_finishes(quiz_home: Path) -> None:
    """Once every missed question is answered right, the session ends with the first-try score."""
    questions = plan(8, count=2, retry_wrong=True)
    answers = ["x", right_answer(questions[1]), right_answer(questions[0])]
    result = run([DECK, "--count", "2", "--seed", "8", "--retry-wrong", "--reask", "0"], answers)
    assert result.exit_code == 0
    assert "Again, the 1 question you missed:" in result.stdout
    assert "again 1/1" in result.stdout
    assert "Score: 1/2 (50%)" in result.stdout
    sessions, _ = stored(quiz_home)
    assert not sessions[0].interrupted


def test_results_file_describes_the_session(quiz_home: Path, tmp_path: Path) -> None:
    """--name and --results write a JSON file with the deck hash, every answer and totals that add up."""
    out = tmp_path / "ada.json"
    questions = plan(21, count=4, exam=True)
    answers = [right_answer(q) for q in questions[:3]] + ["wrong"]
    result = run(
        [DECK, "--exam", "--count", "4", "--seed", "21", "--name", "Ada", "--results", str(out)], answers
    )
    assert result.exit_code == 0, result.output
    assert f"Result written to {out}" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "quiz-result" and data["version"] == 1
    assert data["learner"] == "Ada"
    d = deck()
    assert data["deck"] == {"id": d.id, "title": d.title, "hash": d.content_hash}
    assert data["seed"] == 21 and data["mode"] == "exam" and data["passed"] is True
    assert [a["card"] for a in data["answers"]] == [q.card.id for q in questions]
    assert [a["typed"] for a in data["answers"]] == answers
    assert [a["shown"] for a in data["answers"]] == [list(q.shown) if q.shown else None for q in questions]
    assert data["totals"] == {"correct": 3, "asked": 4, "total": 4, "score": 3.0, "percent": 75.0}
    assert data["started_at"].endswith("Z") and data["finished_at"].endswith("Z")
    loaded = load_result(out)
    assert loaded.learner == "Ada" and loaded.correct == 3
    assert not list(tmp_path.glob(".ada.json.*"))  # no temporary file left behind
    sessions, _ = stored(quiz_home)
    assert sessions[0].learner == "Ada"


def test_results_into_a_missing_directory_fails_before_the_quiz(quiz_home: Path, tmp_path: Path) -> None:
    """A results path that cannot be written is an error before any question is asked."""
    result = run([DECK, "--name", "Ada", "--results", str(tmp_path / "nope" / "r.json")], ["x"])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert "1/" not in result.stdout
    assert not db_path(quiz_home).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "--count"),
        (["--card", "meeting-cty"], "did you mean 'meeting-city'"),
        (["--tag", "no-such-tag"], "tagged 'no-such-tag'"),
        (["--results", "r.json"], "--results needs --name"),
        (["--exam", "--retry-wrong"], "--retry-wrong cannot be used with --exam"),
        (["--pass-mark", "101"], "--pass-mark"),
    ],
)
def test_bad_usage_exits_2(quiz_home: Path, args: list[str], message: str) -> None:
    """Impossible options are usage errors (exit 2) and nothing is saved."""
    result = run([DECK, *args], ["x"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not db_path(quiz_home).exists()


def test_hostile_input_is_graded_not_crashed(quiz_home: Path) -> None:
    """Invalid UTF-8, control characters and a very long line are graded like any answer."""
    data = b"\xff\xfe bad \xc3\x28\n" + b"\x00\x07\x1b[2J\ttab\n" + b"x" * 200_000 + b"\n"
    result = run([DECK, "--count", "3", "--json", "--reask", "0"], data)
    assert result.exit_code == 0
    verdicts = [e for e in events(result) if e["event"] == "verdict"]
    assert len(verdicts) == 3
    assert "\ufffd" in str(verdicts[0]["typed"])
    assert len(str(verdicts[2]["typed"])) == 200_000
    _, attempts = stored(quiz_home)
    assert len(attempts) == 3


def test_crlf_line_endings_are_stripped(quiz_home: Path) -> None:
    """An answer ending in CR LF is read without the CR."""
    result = run([DECK, "--card", "meeting-city", "--json"], b"Bern\r\n")
    verdict = next(e for e in events(result) if e["event"] == "verdict")
    assert verdict["typed"] == "Bern" and verdict["correct"] is True


def test_flashcard_through_a_pipe_takes_one_line(quiz_home: Path) -> None:
    """A flashcard's back is shown, then one line y/n says whether it was known."""
    result = run([DECK, "--card", "cold-war-precedent", "--json"], ["y"])
    evs = events(result)
    assert [e["event"] for e in evs] == ["start", "question", "reveal", "verdict", "summary"]
    assert evs[3]["correct"] is True and evs[3]["rule"] == "known"


def test_a_database_that_is_not_ours_is_an_error(quiz_home: Path) -> None:
    """A foreign file where the database should be: one-line error, exit 1, file untouched."""
    quiz_home.mkdir(parents=True)
    db = db_path(quiz_home)
    db.write_bytes(b"not a database at all" * 100)
    result = run([DECK], ["x"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert db.read_bytes() == b"not a database at all" * 100


def test_store_error_mid_session_stops_cleanly(quiz_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database error while saving stops the quiz with exit 1; answers saved before are kept."""
    from quiz.errors import StoreError

    real = Store.record
    calls = 0

    def failing(self: Store, attempt: object, **kw: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise StoreError(f"{self.path}: database or disk is full (free some space)")
        return real(self, attempt, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record", failing)
    result = run([DECK, "--count", "5", "--reask", "0"], ["x"] * 5)
    assert result.exit_code == 1
    assert "disk is full" in result.stderr
    assert "2 answers saved" in result.stderr
    monkeypatch.setattr(Store, "record", real)
    sessions, attempts = stored(quiz_home)
    assert len(attempts) == 2 and sessions[0].interrupted


def test_help_lists_the_options() -> None:
    """`quiz run --help` documents every option."""
    result = CliRunner().invoke(cli, ["run", "--help"])
    options = "--count --tag --card --seed --no-shuffle --exam --pass-mark --retry-wrong --no-save"
    for option in (options + " --json --plain --name --results --data-dir").split():
        assert option in result.output


def test_an_unreadable_answer_is_asked_again_and_not_stored(quiz_home: Path) -> None:
    """A bool answered 'maybe': an 'unreadable' event saying what is read, asked again, one answer stored."""
    result = run([DECK, "--card", "first-in-switzerland", "--json"], ["maybe", "false"])
    assert result.exit_code == 0, result.output
    evs = events(result)
    assert [e["event"] for e in evs] == ["start", "question", "unreadable", "verdict", "summary"]
    unread = evs[2]
    assert (unread["card"], unread["typed"], unread["n"]) == ("first-in-switzerland", "maybe", 1)
    assert "true or false" in str(unread["note"])
    assert evs[3]["typed"] == "false" and evs[3]["correct"] is True
    _, attempts = stored(quiz_home)
    assert [(a.typed, a.correct) for a in attempts] == [("false", True)]


def test_reask_sets_how_often_an_unreadable_answer_is_asked_again(quiz_home: Path) -> None:
    """--reask 2 asks twice more; after that the answer is graded as it is (wrong, rule unreadable)."""
    result = run([DECK, "--card", "first-in-switzerland", "--reask", "2"], ["maybe", "perhaps", "dunno"])
    out = result.stdout
    assert out.count("Not understood: answer true or false. Try again.") == 2
    assert out.count("1/1  True or false: earlier") == 1  # shown once
    assert "Score: 0/1 (0%)" in out
    _, attempts = stored(quiz_home)
    assert [(a.typed, a.rule) for a in attempts] == [("dunno", "unreadable")]


def test_no_override_is_offered_through_a_pipe(quiz_home: Path) -> None:
    """Through a pipe one line stays one answer: a refusal is not followed by the override prompt."""
    cards = ["--card", "meeting-city", "--card", "first-in-switzerland"]
    result = run([DECK, *cards, "--no-shuffle"], ["Geneva", "false"])
    assert "I was right" not in result.output
    _, attempts = stored(quiz_home)
    assert [a.typed for a in attempts] == ["Geneva", "false"]


def test_an_exam_asks_no_flashcard_so_self_rating_cannot_pass_it(tmp_path: Path) -> None:
    """A flashcard's own "I knew it" cannot be marked: an exam leaves flashcards out, so saying
    "y" to them cannot turn a wrong answer into a pass; flashcards alone are refused."""
    deck = tmp_path / "fc.yaml"
    deck.write_text(
        "deck: {id: fc, title: FC}\ncards:\n"
        "  - {id: peru, type: short, prompt: Capital of Peru?, answer: Lima}\n"
        "  - {id: f1, type: card, front: One, back: Uno}\n"
        "  - {id: f2, type: card, front: Two, back: Dos}\n",
        encoding="utf-8",
    )
    env = {"QUIZ_HOME": str(tmp_path / "home")}
    args = ["run", str(deck), "--exam", "--no-shuffle", "--plain"]
    ran = CliRunner().invoke(cli, args, "Quito\ny\ny\n", env=env)
    assert ran.exit_code == 1, ran.output  # failed: 0 of 1 marked question
    assert "FAILED (0% of 1 question, pass mark 60%)" in ran.output and "Uno" not in ran.output
    only = CliRunner().invoke(
        cli, ["run", str(deck), "--exam", "--card", "f1", "--card", "f2", "--plain"], "y\ny\n", env=env
    )
    assert only.exit_code == 2  # a selection that cannot be an exam: bad usage, as an unknown tag
    assert "every card chosen from deck 'fc' is a self-rated flashcard (run it without --exam)" in only.output
