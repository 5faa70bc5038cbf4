"""The score commands through the CLI: where, stats, history, reset."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import cli, scores
from quiz.model import Attempt, CardState
from quiz.store import Store, db_path

DECK_YAML = """\
deck:
  id: capitals
  title: Capitals
cards:
  - id: swiss
    type: short
    prompt: Capital of Switzerland?
    answer: Bern
    tags: [europe]
  - id: austria
    type: short
    prompt: Capital of Austria?
    answer: Vienna
    tags: [europe]
  - id: peru
    type: short
    prompt: Capital of Peru?
    answer: Lima
"""

T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    """A deck file with three cards."""
    path = tmp_path / "capitals.yaml"
    path.write_text(DECK_YAML, encoding="utf-8")
    return path


def answer(s: Store, sid: int, card: str, correct: bool, deck: str = "capitals", typed: str = "x") -> None:
    """Record one answer a minute after T0."""
    when = (T0 + timedelta(minutes=1)).isoformat()
    s.record(
        Attempt(sid, deck, card, typed, correct, "exact" if correct else "wrong", float(correct), 1500, when)
    )


def fill(home: Path) -> dict[str, int]:
    """Two capitals sessions (one with an orphan card 'old'), one session of another deck."""
    ids: dict[str, int] = {}
    with Store.open(db_path(home)) as s:
        ids["first"] = s.start_session("capitals", "quiz", 11, T0)
        answer(s, ids["first"], "swiss", True, typed="Bern")
        answer(s, ids["first"], "austria", False, typed="Salzburg")
        answer(s, ids["first"], "old", False, typed="Oslo")
        s.finish_session(ids["first"], T0 + timedelta(minutes=3, seconds=5))
        ids["second"] = s.start_session("capitals", "study", 12, T0 + timedelta(hours=1))
        s.record(
            Attempt(
                ids["second"],
                "capitals",
                "swiss",
                "",
                True,
                "self",
                1.0,
                800,
                (T0 + timedelta(hours=1)).isoformat(),
                rating=3,
            ),
            state=CardState("capitals", "swiss", "review", (T0 + timedelta(days=3)).isoformat(), "{}"),
        )
        s.finish_session(ids["second"], T0 + timedelta(hours=1, minutes=1), interrupted=True)
        ids["other"] = s.start_session("geo", "quiz", 13, T0)
        answer(s, ids["other"], "swiss", True, deck="geo")
        s.finish_session(ids["other"], T0 + timedelta(minutes=1))
    return ids


def run(*args: str, input: str | None = None) -> click.testing.Result:
    """Invoke ``quiz`` with these arguments."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# -- where --------------------------------------------------------------------------------------
def test_where_names_quiz_home(quiz_home: Path) -> None:
    """With QUIZ_HOME set, where prints it, the database inside it, and the rule that chose it."""
    result = run("where")
    assert result.exit_code == 0
    assert f"Data directory: {quiz_home}  (from $QUIZ_HOME)" in result.output
    assert f"Database:       {quiz_home / 'quiz.db'}  (not created yet)" in result.output
    assert not quiz_home.exists()


def test_where_data_dir_option_wins(tmp_path: Path) -> None:
    """--data-dir, before or after the command name, overrides QUIZ_HOME."""
    for args in (
        ["--data-dir", str(tmp_path / "x"), "where", "--json"],
        ["where", "--json", "--data-dir", str(tmp_path / "x")],
    ):
        got = json.loads(run(*args).output)
        assert got == {
            "data_dir": str(tmp_path / "x"),
            "database": str(tmp_path / "x" / "quiz.db"),
            "from": "--data-dir",
            "exists": False,
        }


def test_where_default_is_the_app_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without QUIZ_HOME or --data-dir, the platform's app directory is used."""
    monkeypatch.delenv("QUIZ_HOME")
    got = json.loads(run("where", "--json").output)
    assert got["from"] == "default"
    assert got["data_dir"] == click.get_app_dir("quiz")


# -- stats ----------------------------------------------------------------------------------------
def test_stats_without_database_creates_nothing(quiz_home: Path) -> None:
    """Before any quiz, stats says so and does not create the database."""
    result = run("stats")
    assert result.exit_code == 0 and "No scores yet" in result.output
    assert not db_path(quiz_home).exists()


def test_stats_summary_one_line_per_deck(quiz_home: Path) -> None:
    """Without DECK: one line per deck with history."""
    fill(quiz_home)
    lines = run("stats").output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("capitals") and "2 sessions" in lines[0] and "4 answers" in lines[0]
    assert lines[1].startswith("geo") and "1 session " in lines[1] and "1 answer " in lines[1]
    assert lines[0].index("answer") == lines[1].index("answer")  # the columns still line up
    got = json.loads(run("stats", "--json").output)
    assert [(d["deck_id"], d["attempts"], d["accuracy"]) for d in got["decks"]] == [
        ("capitals", 4, 50.0),
        ("geo", 1, 100.0),
    ]


def test_stats_deck_json(quiz_home: Path, deck_file: Path) -> None:
    """stats DECK --json reports the deck's numbers, its orphans and its file."""
    fill(quiz_home)
    got = json.loads(run("stats", str(deck_file), "--json").output)
    assert got["deck_id"] == "capitals" and got["deck_file"] == str(deck_file)
    assert (got["sessions"], got["best"], got["last"], got["average"]) == (2, 100.0, 100.0, 66.7)
    assert got["trend"] == [33.3, 100.0]
    assert (got["new"], got["review"], got["due_today"], got["due_week"]) == (2, 1, 0, 1)
    assert got["orphans"] == ["old"]
    assert got["streak"] >= 1
    assert [(c["card_id"], c["attempts"], c["accuracy"]) for c in got["cards"]] == [
        ("swiss", 2, 100.0),
        ("austria", 1, 0.0),
        ("peru", 0, None),
    ]
    assert [(t["tag"], t["cards"], t["attempts"]) for t in got["tags"]] == [("europe", 2, 3)]
    assert [(w["card_id"], w["typed"]) for w in got["wrong"]] == [("austria", "Salzburg"), ("old", "Oslo")]


def test_stats_deck_text_is_plain_when_piped(quiz_home: Path, deck_file: Path) -> None:
    """Piped output shows the trend as numbers, not blocks, and lists orphans."""
    fill(quiz_home)
    out = run("stats", str(deck_file)).output
    assert out.startswith("Capitals (capitals)\n")
    assert "Trend        33.3% 100%  (last 2 sessions, oldest first)" in out
    assert "Cards        2 new, 0 learning, 1 review; due today 0, this week 1" in out
    assert "\n  old\n" in out
    assert not any(ch in out for ch in "▁▂▃▄▅▆▇█") and "\x1b[" not in out


def test_stats_of_a_deck_whose_file_is_gone(quiz_home: Path) -> None:
    """A deck id with history but no file still shows its history."""
    fill(quiz_home)
    result = run("stats", "geo")
    assert result.exit_code == 0
    assert "history only" in result.output and "Sessions     1" in result.output


def test_stats_of_an_unknown_deck_is_an_error(quiz_home: Path) -> None:
    """A name that is neither a deck nor in the history is a one-line error."""
    fill(quiz_home)
    result = run("stats", "nowhere")
    assert result.exit_code == 1 and result.output.startswith("Error: no deck with id 'nowhere'")


def test_a_broken_database_is_a_one_line_error(quiz_home: Path) -> None:
    """A quiz.db that is not a database gives 'Error: ...' with the path, and is kept."""
    quiz_home.mkdir()
    path = db_path(quiz_home)
    path.write_bytes(b"not a database at all" * 50)
    for command in (["stats"], ["history"], ["reset", "capitals", "--yes"]):
        result = run(*command)
        assert result.exit_code == 1
        assert (
            result.output.count("\n") == 1 and str(path) in result.output and "move it aside" in result.output
        )
    assert path.read_bytes() == b"not a database at all" * 50


# -- history ---------------------------------------------------------------------------------------
def test_history_lists_sessions_newest_first(quiz_home: Path) -> None:
    """Each session: id, start, deck, mode, score, duration, and the interrupted flag."""
    ids = fill(quiz_home)
    lines = run("history").output.splitlines()
    assert lines[0].split() == ["id", "started", "(UTC)", "deck", "mode", "score", "time"]
    assert lines[1].split()[0] == str(ids["second"]) and lines[1].endswith("interrupted")
    first = next(line for line in lines if line.split()[0] == str(ids["first"]))
    assert "capitals" in first and "1/3 33.3%" in first and "3m05s" in first
    assert len(lines) == 4


def test_history_filters_and_limits(quiz_home: Path, deck_file: Path) -> None:
    """DECK keeps that deck's sessions; --limit keeps the newest N."""
    ids = fill(quiz_home)
    got = json.loads(run("history", str(deck_file), "--json").output)
    assert [s["id"] for s in got["sessions"]] == [ids["second"], ids["first"]]
    got = json.loads(run("history", "--json", "--limit", "1").output)
    assert [s["id"] for s in got["sessions"]] == [ids["second"]]
    assert got["sessions"][0]["interrupted"] is True and got["sessions"][0]["duration_s"] == 60.0
    assert run("history", "--limit", "0").exit_code == 2


def test_history_session_lists_every_answer(quiz_home: Path) -> None:
    """--session ID shows each answer with card, typed text, verdict (and rule when it says more) and time."""
    ids = fill(quiz_home)
    out = run("history", "--session", str(ids["first"])).output.splitlines()
    assert out[0].startswith(f"Session {ids['first']}: capitals, quiz")
    # Issue 18: the rule is named only when it adds to the word (no "right (exact)", no "wrong (wrong)").
    assert out[1].split() == ["1.", "swiss", '"Bern"', "right", "1.5s"]
    assert out[2].split() == ["2.", "austria", '"Salzburg"', "wrong", "1.5s"]
    got = json.loads(run("history", "--session", str(ids["first"]), "--json").output)
    assert [a["typed"] for a in got["attempts"]] == ["Bern", "Salzburg", "Oslo"]
    assert got["session"]["correct"] == 1 and got["session"]["asked"] == 3


def test_history_unknown_session(quiz_home: Path) -> None:
    """An unknown session id is a one-line error."""
    fill(quiz_home)
    result = run("history", "--session", "999")
    assert result.exit_code == 1 and "no session 999" in result.output


def overridden_session(home: Path, deck: str = "capitals") -> int:
    """A quiz session whose one answer, 'Berne' to swiss, was refused and then overridden."""
    with Store.open(db_path(home)) as s:
        sid = s.start_session(deck, "quiz", 21, T0)
        answer(s, sid, "swiss", False, deck=deck, typed="Berne")
        s.override_last(sid)
        s.finish_session(sid, T0 + timedelta(minutes=1))
    return sid


def test_history_shows_an_overridden_answer_as_such(quiz_home: Path) -> None:
    """An overridden answer reads 'right (overridden; graded wrong)'; --json marks it "overridden": true."""
    sid = overridden_session(quiz_home)
    out = run("history", "--session", str(sid)).output.splitlines()
    assert out[0].endswith("score 1/1, 1m00s")
    assert out[1].split() == ["1.", "swiss", '"Berne"', "right", "(overridden;", "graded", "wrong)", "1.5s"]
    got = json.loads(run("history", "--session", str(sid), "--json").output)
    assert [(a["correct"], a["overridden"], a["rule"]) for a in got["attempts"]] == [(True, True, "wrong")]
    ids = fill(quiz_home)
    plain = json.loads(run("history", "--session", str(ids["first"]), "--json").output)
    assert [a["overridden"] for a in plain["attempts"]] == [False, False, False]


def test_an_override_in_quiz_study_is_stored_and_shown(
    quiz_home: Path, deck_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'r' (I was right) at study's rating prompt after a refusal is stored: history shows the answer as
    overridden and right, stats lists it, and suggest proposes it."""
    monkeypatch.setenv("QUIZ_NOW", T0.isoformat())
    result = run("study", str(deck_file), "--new", "1", input="Berne town\nr\n")
    assert result.exit_code == 0, result.output
    assert "Counted as right" in result.output
    with Store.open(db_path(quiz_home)) as s:
        (stored,) = s.attempts()
    assert (stored.typed, stored.correct, stored.overridden) == ("Berne town", True, True)
    lines = run("history", "--session", str(stored.session_id)).output.splitlines()
    assert "right (overridden; graded wrong)" in lines[1]
    assert json.loads(run("stats", str(deck_file), "--json").output)["overridden"] == [
        {"card_id": stored.card_id, "typed": "Berne town", "times": 1}
    ]
    assert yaml.safe_load(run("suggest", str(deck_file)).output) == [
        {"id": stored.card_id, "accept": ["Berne town"]}
    ]


def test_stats_lists_overridden_answers_per_card(quiz_home: Path, deck_file: Path) -> None:
    """stats DECK lists each card's overridden answers (text and --json); they are not wrong answers."""
    overridden_session(quiz_home)
    overridden_session(quiz_home)
    out = run("stats", str(deck_file)).output
    assert "Overridden answers" in out
    assert '  swiss  "Berne"  ×2' in out.splitlines()
    assert "Most common wrong answers" not in out
    got = json.loads(run("stats", str(deck_file), "--json").output)
    assert got["overridden"] == [{"card_id": "swiss", "typed": "Berne", "times": 2}]
    assert got["wrong"] == []
    assert (got["attempts"], got["correct"]) == (2, 2)
    brief = run("stats", "capitals").output  # the deck file is not found: history only
    assert '  swiss  "Berne"  ×2' in brief.splitlines()


def test_suggest_prints_yaml_an_author_can_paste(quiz_home: Path, deck_file: Path) -> None:
    """Overridden answers and answers refused for several learners become a card's accept: entries, as
    YAML that loads back to exactly those answers; an answer the deck accepts now is left out."""
    overridden_session(quiz_home)
    with Store.open(db_path(quiz_home)) as s:
        for learner in ("ana", "ben", "cy"):
            sid = s.start_session("capitals", "quiz", 1, T0, learner=learner)
            answer(s, sid, "austria", False, typed="Wien")
            answer(s, sid, "peru", False, typed="Lima ")  # the deck accepts it now (spaces)
        lone = s.start_session("capitals", "quiz", 1, T0, learner="dee")
        answer(s, lone, "peru", False, typed="Cusco")  # one learner only
    result = run("suggest", str(deck_file))
    assert result.exit_code == 0, result.output
    snippets = yaml.safe_load(result.output)
    assert snippets == [{"id": "swiss", "accept": ["Berne"]}, {"id": "austria", "accept": ["Wien"]}]
    assert "# overridden 1 time" in result.output and "# refused for 3 learners" in result.output
    got = json.loads(run("suggest", str(deck_file), "--json").output)
    assert [(e["card_id"], e["answer"], e["overridden"], e["learners"]) for e in got["suggestions"]] == [
        ("swiss", "Berne", 1, 0),
        ("austria", "Wien", 0, 3),
    ]
    assert got["deck_id"] == "capitals" and got["deck_file"] == str(deck_file)
    fewer = yaml.safe_load(run("suggest", str(deck_file), "--min-learners", "4").output)
    assert fewer == [{"id": "swiss", "accept": ["Berne"]}]


def test_suggest_escapes_what_a_learner_typed(quiz_home: Path, deck_file: Path) -> None:
    """A typed answer with terminal escapes, a newline or YAML syntax is printed escaped and quoted:
    no control character reaches the terminal, and the snippet loads back to the exact text."""
    typed = "\x1b]52;c;SGVsbG8=\x07Bern\n- id: evil #"
    with Store.open(db_path(quiz_home)) as s:
        sid = s.start_session("capitals", "quiz", 1, T0)
        answer(s, sid, "swiss", False, typed=typed)
        s.override_last(sid)
    out = run("suggest", str(deck_file)).output
    assert not any(ch in out for ch in "\x1b\x07\r")
    assert yaml.safe_load(out) == [{"id": "swiss", "accept": [typed]}]


def test_suggest_lists_other_card_types_as_comments(quiz_home: Path, tmp_path: Path) -> None:
    """A number or cloze card has no accept: list to paste into: its refused answers are comments that
    say what to do, and the YAML holds only the short cards' entries."""
    deck = tmp_path / "mixed.yaml"
    deck.write_text(
        "deck:\n  id: mixed\n  title: Mixed\ncards:\n"
        "  - {id: pi, type: number, prompt: Pi?, answer: 3.14}\n"
        "  - {id: gap, type: cloze, text: 'The capital is {{c1::Bern}}.'}\n"
        "  - {id: swiss, type: short, prompt: Capital?, answer: Bern}\n",
        encoding="utf-8",
    )
    with Store.open(db_path(quiz_home)) as s:
        for card, typed in (("pi", "22/7"), ("gap", "Berne"), ("swiss", "Berne")):
            sid = s.start_session("mixed", "quiz", 1, T0)
            answer(s, sid, card, False, deck="mixed", typed=typed)
            s.override_last(sid)
    out = run("suggest", str(deck)).output
    assert yaml.safe_load(out) == [{"id": "swiss", "accept": ["Berne"]}]
    comments = [line for line in out.splitlines() if line.startswith("# card")]
    assert "is a number card, which has no accept: list" in comments[0]
    assert "is a cloze card" in comments[1] and "accept: entry" in comments[1]
    assert "#   22/7  (overridden 1 time)" in out.splitlines()
    got = json.loads(run("suggest", str(deck), "--json").output)
    assert [(e["card_id"], e["type"], e["accept"]) for e in got["suggestions"]] == [
        ("pi", "number", False),
        ("gap", "cloze", False),
        ("swiss", "short", True),
    ]


def test_suggest_with_nothing_to_propose(quiz_home: Path, deck_file: Path) -> None:
    """Without a database, or with nothing refused, suggest says so and exits 0, creating nothing."""
    result = run("suggest", str(deck_file))
    assert result.exit_code == 0 and "No answers to suggest for 'capitals'" in result.output
    assert not quiz_home.exists()
    fill(quiz_home)
    assert "No answers to suggest" in run("suggest", str(deck_file)).output


# -- reset ---------------------------------------------------------------------------------------------
def test_reset_refuses_without_a_terminal_or_yes(quiz_home: Path, deck_file: Path) -> None:
    """Piped, without --yes, reset refuses and removes nothing."""
    fill(quiz_home)
    result = run("reset", str(deck_file), input="y\n")
    assert result.exit_code == 1 and "add --yes" in result.output
    with Store.open(db_path(quiz_home)) as s:
        assert len(s.attempts()) == 5


def test_reset_deck_never_touches_another_deck(quiz_home: Path, deck_file: Path) -> None:
    """reset --yes forgets one deck's answers, schedules and sessions; the other deck keeps all."""
    ids = fill(quiz_home)
    result = run("reset", str(deck_file), "--yes")
    assert result.exit_code == 0
    assert result.output == "Removed 4 answers, 1 card schedule and 2 sessions of deck 'capitals'.\n"
    with Store.open(db_path(quiz_home)) as s:
        assert [a.deck_id for a in s.attempts()] == ["geo"]
        assert [r.id for r in s.sessions()] == [ids["other"]]


def test_reset_one_card(quiz_home: Path, deck_file: Path) -> None:
    """--card forgets only that card; the session scores are recounted."""
    ids = fill(quiz_home)
    result = run("reset", str(deck_file), "--card", "austria", "--yes")
    assert (
        result.output
        == "Removed 1 answer, 0 card schedules and 0 sessions of card austria of deck 'capitals'.\n"
    )
    with Store.open(db_path(quiz_home)) as s:
        assert "austria" not in {a.card_id for a in s.attempts()}
        first = s.session(ids["first"])
        assert first is not None and (first.correct, first.asked) == (1, 2)


def test_reset_orphans(quiz_home: Path, deck_file: Path) -> None:
    """--orphans forgets cards with history that are not in the deck file."""
    fill(quiz_home)
    result = run("reset", str(deck_file), "--orphans", "--yes")
    assert result.output == (
        "Removed 1 answer, 0 card schedules and 0 sessions of 1 orphan card of deck 'capitals' (old).\n"
    )
    again = run("reset", str(deck_file), "--orphans", "--yes")
    assert again.output.startswith("No orphans in deck 'capitals'")


def test_reset_card_and_orphans_together_is_bad_usage(quiz_home: Path, deck_file: Path) -> None:
    """--card and --orphans cannot be combined."""
    assert run("reset", str(deck_file), "--card", "swiss", "--orphans").exit_code == 2


def test_reset_asks_at_a_terminal(quiz_home: Path, deck_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a terminal reset asks first; 'n' keeps everything, 'y' removes."""
    fill(quiz_home)
    monkeypatch.setattr(scores, "_stdin_is_tty", lambda: True)
    no = run("reset", str(deck_file), input="n\n")
    assert no.exit_code == 1
    assert "Forget 4 answers, 1 card schedule and 2 sessions of deck 'capitals'? [y/N]" in no.output
    assert "nothing removed" in no.output
    with Store.open(db_path(quiz_home)) as s:
        assert len(s.attempts(deck_id="capitals")) == 4
    yes = run("reset", str(deck_file), input="y\n")
    assert yes.exit_code == 0 and "Removed 4 answers" in yes.output


def test_reset_with_nothing_to_remove(quiz_home: Path, deck_file: Path) -> None:
    """A deck without history, or no database at all: nothing to remove, exit 0, no question."""
    assert run("reset", str(deck_file)).output == "Nothing to remove: no scores have been saved yet.\n"
    misspelt = run("reset", "capitalz")  # no scores yet, and still the deck's name is checked
    assert misspelt.exit_code == 1 and "no deck with id 'capitalz'" in misspelt.output
    assert not db_path(quiz_home).exists()
    fill(quiz_home)
    result = run("reset", str(deck_file), "--card", "peru")
    assert result.exit_code == 0 and result.output.startswith("Nothing to remove for card peru")


def test_stats_reads_quiz_now(quiz_home: Path, deck_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QUIZ_NOW moves the stats clock like the study clock: three days on, the review card is due today."""
    fill(quiz_home)
    monkeypatch.setenv("QUIZ_NOW", (T0 + timedelta(days=3)).isoformat())
    got = json.loads(run("stats", str(deck_file), "--json").output)
    assert (got["due_today"], got["streak"]) == (1, 0)


def test_overview_and_deck_stats_count_the_same_sessions(quiz_home: Path, deck_file: Path) -> None:
    """A session with no answer (ended at once) is left out of both the one-line and the detailed stats."""
    with Store.open(db_path(quiz_home)) as s:
        sid = s.start_session("capitals", "quiz", 1, T0)
        answer(s, sid, "swiss", True)
        s.finish_session(sid, T0 + timedelta(minutes=2))
        empty = s.start_session("capitals", "study", 2, T0 + timedelta(minutes=5))
        s.finish_session(empty, T0 + timedelta(minutes=5), interrupted=True)
    runner = CliRunner()
    overview = json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    detail = json.loads(runner.invoke(cli, ["stats", str(deck_file), "--json"]).output)
    (line,) = [d for d in overview["decks"] if d["deck_id"] == "capitals"]
    assert line["sessions"] == detail["sessions"] == 1


def test_stats_lists_the_20_most_answered_cards_unless_all(quiz_home: Path) -> None:
    """Past 20 answered cards, the per-card table shows the 20 most answered; --all shows every one."""
    with Store.open(db_path(quiz_home)) as s:
        sid = s.start_session("many", "quiz", 1, T0)
        for i in range(25):
            for _ in range(1 + (i >= 5)):  # c05..c24 answered twice, c00..c04 once
                answer(s, sid, f"c{i:02d}", True, deck="many")
    out = run("stats", "many").output
    table = out[out.index("By card") :].splitlines()
    assert table[0].startswith("By card (20 most answered)")
    assert [line.split()[0] for line in table[1:21]] == [f"c{i:02d}" for i in range(5, 25)]
    assert table[21] == "  … and 5 more answered cards (--all lists every card)"
    every = run("stats", "many", "--all").output
    assert [line.split()[0] for line in every[every.index("By card") :].splitlines()[1:]] == [
        f"c{i:02d}" for i in range(25)
    ]


@settings(max_examples=30)
@given(
    st.lists(
        st.tuples(st.integers(0, 29), st.booleans(), st.booleans(), st.sampled_from(["quiz", "study"])),
        min_size=1,
        max_size=150,
    ),
    st.lists(st.tuples(st.integers(0, 29), st.sampled_from(["learning", "review"]), st.integers(-3, 9))),
)
def test_stats_text_of_a_history_reads_few_rows_and_prints_the_same(
    answers: list[tuple[int, bool, bool, str]], states: list[tuple[int, str, int]]
) -> None:
    """`quiz stats ID` (history only) prints from a brief read exactly what it prints from every row."""
    import contextlib
    import io
    import tempfile

    from quiz.insight.stats import CARD_ROWS, HARDEST, compute, due_bounds

    now = datetime(2026, 5, 10, 12, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "quiz.db") as s:
        sessions = {mode: s.start_session("gone", mode, 1, now) for mode in ("quiz", "study")}
        for n, (card, correct, cram, mode) in enumerate(answers):
            at = (now - timedelta(days=n % 4, minutes=n)).isoformat()
            s.record(
                Attempt(sessions[mode], "gone", f"k{card:02d}", "x", correct, "r", 1.0, 10, at, cram=cram),
                state=None,
            )
        for card, phase, days in states:
            due = (now + timedelta(days=days)).isoformat()
            s.set_card_state("gone", f"k{card:02d}", CardState("gone", f"k{card:02d}", phase, due, "{}"))
        full = compute(s.deck_rows("gone"), now)
        brief = compute(s.deck_brief("gone", due_bounds(now), top=CARD_ROWS, hardest=HARDEST), now)
    printed = []
    for result in (full, brief):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            scores._print_stats(result, color=False, spark=False)
        printed.append(out.getvalue())
    assert printed[0] == printed[1]
    assert brief.answered == full.answered == len({a[0] for a in answers})


# -- a data directory or database that is not usable (issue 19 part 5) ---------------------------------
def unusable(kind: str, tmp_path: Path) -> Path:
    """A QUIZ_HOME that cannot be a directory: a file, a symlink loop, a path through a file, a dead link."""
    if kind == "file":
        path = tmp_path / "home-file"
        path.write_text("not a directory\n", encoding="utf-8")
    elif kind == "loop":
        path = tmp_path / "loop-a"
        path.symlink_to(tmp_path / "loop-b")
        (tmp_path / "loop-b").symlink_to(path)
    elif kind == "through-file":
        (tmp_path / "plain").write_text("x", encoding="utf-8")
        path = tmp_path / "plain" / "home"
    else:
        path = tmp_path / "dangling"
        path.symlink_to(tmp_path / "nowhere")
    return path


COMMANDS_WITH_DATA = [
    ["where"],
    ["where", "--json"],
    ["stats"],
    ["stats", "capitals"],
    ["history"],
    ["reset", "capitals", "--yes"],
    ["suggest", "DECK"],
    ["run", "DECK"],
    ["study", "DECK"],
    ["show", "DECK"],
    ["export", "DECK", "--format", "csv"],
]


@pytest.mark.parametrize("kind", ["file", "loop", "through-file", "dangling"])
@pytest.mark.parametrize("args", COMMANDS_WITH_DATA, ids=" ".join)
def test_a_quiz_home_that_is_not_a_directory_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, args: list[str]
) -> None:
    """QUIZ_HOME naming a file, a symlink loop, a path through a file or a dangling link is one
    'Error:' line naming QUIZ_HOME and the fix (exit 1) for every command that uses it, and nothing
    is created."""
    home = unusable(kind, tmp_path)
    monkeypatch.setenv("QUIZ_HOME", str(home))
    deck = tmp_path / "capitals.yaml"
    deck.write_text(DECK_YAML, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(cli, [str(deck) if a == "DECK" else a for a in args], input="Bern\n")
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: QUIZ_HOME={home} ")
    assert "set QUIZ_HOME to a directory" in result.output and len(result.output.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_data_dir_option_that_is_a_loop_is_a_clear_error(tmp_path: Path, quiz_home: Path) -> None:
    """--data-dir naming a symlink loop is one 'Error:' line, before or after the command name."""
    loop = unusable("loop", tmp_path)
    for args in (["--data-dir", str(loop), "stats"], ["history", "--data-dir", str(loop)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert (
            result.output
            == f"Error: --data-dir {loop} is a symbolic link loop; give --data-dir a directory\n"
        )


def test_a_zero_byte_database_is_no_database_for_read_only_commands(quiz_home: Path, deck_file: Path) -> None:
    """An empty quiz.db reads as 'nothing saved yet' in stats, history, where and reset, and stays empty:
    no schema is written into it and no -wal or -shm file appears."""
    quiz_home.mkdir()
    db = db_path(quiz_home)
    db.touch()
    assert run("stats").output.startswith("No scores yet.")
    assert json.loads(run("stats", "--json").output) == {"decks": []}
    assert json.loads(run("stats", str(deck_file), "--json").output)["attempts"] == 0
    assert run("history").output == "No sessions yet.\n"
    assert run("where").output.splitlines()[1] == f"Database:       {db}  (empty: no scores saved yet)"
    assert (
        run("reset", str(deck_file), "--yes").output == "Nothing to remove: no scores have been saved yet.\n"
    )
    assert db.stat().st_size == 0
    assert sorted(p.name for p in quiz_home.iterdir()) == ["quiz.db"]


@pytest.mark.parametrize("version", [-1, -5])
def test_a_negative_user_version_through_the_cli(quiz_home: Path, version: int) -> None:
    """A database whose user_version is negative gives one 'Error:' line and no traceback (exit 1)."""
    import sqlite3

    quiz_home.mkdir()
    conn = sqlite3.connect(db_path(quiz_home))
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not a quiz database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
