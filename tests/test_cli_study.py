"""`quiz study` through CliRunner over simulated days (QUIZ_NOW), on a small mixed deck."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES

from quiz import clock
from quiz.cli import cli
from quiz.model import Attempt
from quiz.practice import schedule
from quiz.store import Store, db_path

DECK = str(FIXTURES / "decks" / "valid" / "study-sample.yaml")
DECK_ID = "study-sample"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
MIN = timedelta(minutes=1)
# Deck order: capital-ch (short), largest-planet (choice a Mars / b Jupiter / c Venus),
# water-boils (bool), moon-distance (number), hello-de (flashcard).
RIGHT = {"capital-ch": "Bern", "largest-planet": "b", "water-boils": "true", "moon-distance": "384"}


KIND_ID = re.compile(r"^(due|new|ahead|cram|learn) · (\S+)$", flags=re.M)


def study(*args: str, lines: Sequence[str] = (), at: datetime = T0, seed: int = 7) -> Result:
    """Run ``quiz study`` on the sample deck at time ``at`` with ``lines`` as piped input."""
    text = "".join(f"{line}\n" for line in lines)
    return CliRunner().invoke(
        cli,
        ["study", DECK, "--seed", str(seed), "--plain", *args],
        input=text,
        env={"QUIZ_NOW": at.isoformat()},
    )


def store(home: Path) -> Store:
    """The learner's score database."""
    return Store.open(db_path(home))


def restore_state(s: Store, card_id: str) -> object:
    """The card's state replayed from its log of study answers (ratings, times, session seeds)."""
    seeds = {r.id: r.seed for r in s.sessions(DECK_ID)}
    log = [
        (a.rating, clock.parse_time(a.answered_at), seeds[a.session_id])
        for a in s.attempts(deck_id=DECK_ID, card_id=card_id)
        if a.rating is not None and not a.cram
    ]
    return schedule.rebuild(DECK_ID, card_id, log, seed=0)


def asked(result: Result) -> list[str]:
    """The card ids asked, in order, from the ``kind · id`` line above each question."""
    return [m[1] for m in KIND_ID.findall(result.output)]


def kinds(result: Result) -> list[str]:
    """Why each card was asked (due, new, ahead, cram), in order."""
    return [m[0] for m in KIND_ID.findall(result.output)]


def day_one(rating_for: dict[str, str] | None = None) -> list[str]:
    """Input answering every card right; ratings default to Enter (accept the suggestion)."""
    rating_for = rating_for or {}
    lines: list[str] = []
    for card_id, answer in RIGHT.items():
        lines += [answer, rating_for.get(card_id, "")]
    lines += ["", rating_for.get("hello-de", "")]  # flashcard: Enter shows the back, then the rating
    return lines


def test_day_one_asks_every_new_card_in_deck_order(quiz_home: Path) -> None:
    """A first session introduces the new cards in deck order and schedules each for 10 minutes."""
    result = study(lines=day_one())
    assert result.exit_code == 0, result.output
    assert asked(result) == ["capital-ch", "largest-planet", "water-boils", "moon-distance", "hello-de"]
    assert "again 1m · hard 6m · good 10m · easy" in result.output
    assert "Rating [good]: " in result.output
    assert "Done: 5 answered, 5 right." in result.output
    assert "Next card due in 10 minutes (2026-11-28 09:10 UTC)." in result.output
    with store(quiz_home) as s:
        states = s.card_states(DECK_ID)
        attempts = s.attempts(deck_id=DECK_ID)
    assert {cid: (st.phase, schedule.due_at(st)) for cid, st in states.items()} == {
        cid: ("learning", T0 + 10 * MIN) for cid in [*RIGHT, "hello-de"]
    }
    assert [(a.card_id, a.rating, a.correct, a.cram) for a in attempts][-1] == ("hello-de", 3, True, False)
    assert all(a.rating == 3 for a in attempts)


def test_nothing_due_says_when_and_offers_ahead(quiz_home: Path) -> None:
    """With every card in a learning step, the learner is told when to come back."""
    study(lines=day_one())
    result = study(at=T0 + 5 * MIN)
    assert result.exit_code == 0
    assert result.output == (
        "Nothing due. Next card due in 5 minutes (2026-11-28 09:10 UTC). Study early with --ahead.\n"
    )
    with store(quiz_home) as s:
        assert len(s.sessions(DECK_ID)) == 1  # no empty session was recorded


def test_day_two_asks_only_due_cards_and_pins_the_fsrs_intervals(quiz_home: Path) -> None:
    """Cards rated easy on day one are not asked on day two; the rest graduate to 2 days."""
    study(lines=day_one({"largest-planet": "easy", "hello-de": "4"}))
    with store(quiz_home) as s:
        states = s.card_states(DECK_ID)
    assert states["largest-planet"].phase == "review"
    assert schedule.due_at(states["largest-planet"]) - T0 == 9 * DAY  # FSRS easy, fuzz seeded by 7
    day2 = T0 + DAY
    result = study(lines=["Bern", "", "true", "", "384", ""], at=day2, seed=8)
    assert result.exit_code == 0, result.output
    assert asked(result) == ["capital-ch", "water-boils", "moon-distance"]
    assert "due · capital-ch\n1/3  What is the capital of Switzerland?" in result.output
    with store(quiz_home) as s:
        states = s.card_states(DECK_ID)
    assert {
        cid: schedule.due_at(states[cid]) - day2 for cid in ("capital-ch", "water-boils", "moon-distance")
    } == {
        "capital-ch": 8 * DAY,  # a day late for a 10-minute step: FSRS grows stability a lot
        "water-boils": 7 * DAY,  # the same base interval, fuzzed per card
        "moon-distance": 9 * DAY,
    }
    third = study(at=day2 + timedelta(hours=1))
    assert (
        third.output
        == "Nothing due. Next card due in 6 days (2026-12-05 09:00 UTC). Study early with --ahead.\n"
    )


def answers(
    order: list[str], wrong: set[str] = frozenset(), ratings: dict[str, str] | None = None
) -> list[str]:
    """Input lines answering the cards of ``order`` (right unless in ``wrong``)."""
    ratings = ratings or {}
    lines: list[str] = []
    for card_id in order:
        first = "" if card_id == "hello-de" else ("wrong" if card_id in wrong else RIGHT[card_id])
        lines += [first, ratings.get(card_id, "")]
    return lines


def test_state_rebuilt_from_the_log_equals_the_stored_state_after_several_days(quiz_home: Path) -> None:
    """Replaying the attempt log (ratings, times, session seeds) gives every stored state exactly."""
    study(lines=day_one({"water-boils": "hard"}))
    now, sessions, lapsed = T0 + DAY, 1, set()
    for day in range(30):
        with store(quiz_home) as s:
            states = s.card_states(DECK_ID)
        due = {cid: state.due_at for cid, state in states.items()}
        order = schedule.queue_due([*RIGHT, "hello-de"], due, now)  # every card has a state: only due ones
        if order:
            # forget water-boils and hello-de once each, the first time they are asked in review
            lapse = {
                c for c in ("water-boils", "hello-de") if c in order and states[c].phase == "review"
            } - lapsed
            lapsed |= lapse
            lines = answers(order, wrong=lapse, ratings={"hello-de": "again"} if "hello-de" in lapse else {})
            again = [c for c in order if c in lapse]  # a card rated again comes back in the session
            result = study(lines=lines + answers(again), at=now, seed=100 + day)
            assert result.exit_code == 0, result.output
            assert asked(result) == order + again
            sessions += 1
        now += DAY
    with store(quiz_home) as s:
        states = s.card_states(DECK_ID)
        rebuilt = {cid: restore_state(s, cid) for cid in states}
        assert len(s.sessions(DECK_ID)) == sessions >= 5
    assert rebuilt == states
    assert states["water-boils"].lapses == 1
    assert states["hello-de"].lapses == 1


def test_typed_answer_suggests_a_rating_and_the_learner_may_override(quiz_home: Path) -> None:
    """A wrong answer suggests again; a right one good; 'easy' or a number overrides it."""
    result = study("--limit", "2", lines=["Berlin", "", "b", "easy"])
    assert result.exit_code == 0, result.output
    wrong = "  Wrong — not accepted: 'berlin' is another word than 'bern', not a typo (Bern)\n"
    assert wrong + "  Answer: Bern\n" in result.output
    assert "Rating [again]: " in result.output
    with store(quiz_home) as s:
        ratings = {a.card_id: a.rating for a in s.attempts(deck_id=DECK_ID)}
    assert ratings == {"capital-ch": 1, "largest-planet": 4}


def test_an_answer_accepted_as_a_typo_suggests_hard(quiz_home: Path) -> None:
    """Right only thanks to typo tolerance: the suggested rating is hard, and Enter takes it."""
    result = study("--limit", "1", lines=["Bernn", ""])
    assert "  Right — accepted: 1 typo" in result.output
    assert "Rating [hard]: " in result.output
    with store(quiz_home) as s:
        assert [a.rating for a in s.attempts(deck_id=DECK_ID)] == [2]


def test_a_much_slower_answer_than_usual_suggests_hard(
    quiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A right answer taking over 2.5x the learner's median time for the deck is rated hard."""
    _misses(quiz_home, "moon-distance", 5)  # five past answers of 900 ms: the median
    ticks = iter(range(1000))
    monkeypatch.setattr(clock, "now", lambda: T0 + next(ticks) * timedelta(seconds=3))
    result = study("--limit", "1", lines=["Bern", ""])  # the clock moves 3 s between asking and answering
    assert "Rating [hard]: " in result.output


def test_a_bad_rating_is_asked_again(quiz_home: Path) -> None:
    """Anything but 1-4 or the words is refused with a hint, and the rating is asked again."""
    result = study("--limit", "1", lines=["Bern", "great", "2"])
    assert "Type 1-4 or again/hard/good/easy (Enter: good)." in result.output
    with store(quiz_home) as s:
        assert [a.rating for a in s.attempts(deck_id=DECK_ID)] == [2]


def test_undo_at_the_next_answer_takes_back_the_last_grade(quiz_home: Path) -> None:
    """'undo' removes the last saved answer, restores the card's state and asks it again."""
    result = study("--limit", "2", lines=["Bern", "", "undo", "Berlin", "", "b", ""])
    assert result.exit_code == 0, result.output
    assert "Undid your last answer (capital-ch); asking it again." in result.output
    # capital-ch, now answered wrong (again), comes back after the other card; input ends there.
    assert asked(result) == ["capital-ch", "largest-planet", "capital-ch", "largest-planet", "capital-ch"]
    with store(quiz_home) as s:
        attempts = s.attempts(deck_id=DECK_ID)
        states = s.card_states(DECK_ID)
        assert restore_state(s, "capital-ch") == states["capital-ch"]
    assert [(a.card_id, a.correct, a.rating) for a in attempts] == [
        ("capital-ch", False, 1),
        ("largest-planet", True, 3),
    ]
    assert schedule.due_at(states["capital-ch"]) == T0 + MIN  # again, not the undone good (10m)


def test_undo_on_a_card_reviewed_before_restores_its_earlier_state(quiz_home: Path) -> None:
    """Undoing a review of a card studied yesterday puts back yesterday's schedule, not a new card."""
    study(lines=day_one())
    with store(quiz_home) as s:
        before = s.card_states(DECK_ID)["capital-ch"]
    result = study("--limit", "2", lines=["Bern", "", "undo"], at=T0 + DAY, seed=9)
    assert result.exit_code == 0, result.output
    with store(quiz_home) as s:
        assert s.card_states(DECK_ID)["capital-ch"] == before


def test_undo_at_the_rating_prompt_discards_this_answer(quiz_home: Path) -> None:
    """At the rating prompt 'undo' forgets the answer just given and asks the card again."""
    result = study("--limit", "1", lines=["Berlin", "undo", "Bern", ""])
    assert "Answer discarded; asking it again." in result.output
    with store(quiz_home) as s:
        assert [(a.typed, a.rating) for a in s.attempts(deck_id=DECK_ID)] == [("Bern", 3)]


CHOICES = re.compile(r"^ +([a-z])\) (.+)$", flags=re.M)
SHUFFLED = """\
deck:
  id: shuffled
  title: Shuffled
cards:
  - id: planet
    type: choice
    prompt: Which is the largest planet?
    choices: [Mars, Jupiter, Venus, Saturn, Mercury, Neptune]
    answer: Jupiter
  - id: boils
    type: bool
    prompt: At sea level, water boils at 100 °C.
    answer: true
"""


@pytest.mark.parametrize("seed", range(6))
def test_a_card_asked_again_after_undo_shows_its_choices_in_the_same_order(
    quiz_home: Path, tmp_path: Path, seed: int
) -> None:
    """Undo asks the same question again: its shuffled choices keep the order the learner answered."""
    deck = tmp_path / "shuffled.yaml"
    deck.write_text(SHUFFLED, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["study", str(deck), "--seed", str(seed), "--plain"],
        input="b\n\nundo\nb\n\n",
        env={"QUIZ_NOW": T0.isoformat()},
    )
    assert result.exit_code == 0, result.output
    assert asked(result)[:3] == ["planet", "boils", "planet"]
    first, again = result.output.split("Undid your last answer (planet)")
    assert len(CHOICES.findall(again)) == 6
    assert CHOICES.findall(first) == CHOICES.findall(again)


def test_undo_with_nothing_to_undo(quiz_home: Path) -> None:
    """Undo before any answer says so and asks the same card."""
    result = study("--limit", "1", lines=["undo", "Bern", ""])
    assert "Nothing to undo yet in this session." in result.output
    assert asked(result) == ["capital-ch", "capital-ch"]


def test_cram_logs_attempts_but_never_touches_the_schedule(quiz_home: Path) -> None:
    """--cram asks every card in seeded random order, logs cram attempts, writes no state."""
    lines = ["x", "", "x", "x", "x", "", ""]  # typed cards need no rating; the flashcard does
    first = study("--cram", lines=lines)
    again = study("--cram", lines=lines)
    assert first.exit_code == 0, first.output
    assert "The schedule was not changed (cram)." in first.output
    assert sorted(asked(first)) == sorted([*RIGHT, "hello-de"])
    assert asked(first) == asked(again)  # same seed, same order
    with store(quiz_home) as s:
        assert s.card_states(DECK_ID) == {}
        attempts = s.attempts(deck_id=DECK_ID)
        modes = {r.mode for r in s.sessions(DECK_ID)}
    assert len(attempts) == 10
    assert all(a.cram and a.rating is None for a in attempts)
    assert modes == {"cram"}
    assert "again 1m" not in first.output  # no intervals: nothing is scheduled


def test_cram_limit(quiz_home: Path) -> None:
    """--cram --limit N asks N cards."""
    result = study("--cram", "--limit", "2", lines=["x", "x", "", ""])
    assert len(asked(result)) == 2


def test_new_cards_per_day_limit(quiz_home: Path) -> None:
    """--new N introduces at most N new cards per UTC day; the rest wait for tomorrow."""
    first = study("--new", "2", lines=["Bern", "", "b", ""])
    assert asked(first) == ["capital-ch", "largest-planet"]
    later = study("--new", "2", at=T0 + 30 * MIN)
    assert "Study: Study sample · 2 due · seed 7" in later.output  # back after their 10 minutes
    result = study("--new", "2", at=T0 + 30 * MIN, lines=["Bern", "", "b", ""])
    assert result.exit_code == 0
    done = study("--new", "2", at=T0 + 40 * MIN)
    assert done.output.startswith("Nothing due. Today's new cards are done (--new 2); more tomorrow.")
    tomorrow = study("--new", "2", at=T0 + DAY)
    assert "Study: Study sample · 2 new · seed 7" in tomorrow.output


def test_ahead_adds_cards_not_yet_due_after_the_due_ones(quiz_home: Path) -> None:
    """A due card comes first; --ahead adds cards not yet due, the soonest first; --limit caps."""
    study(lines=day_one({"capital-ch": "again", "water-boils": "hard"}))
    plain = study(at=T0 + 2 * MIN)  # end of input at once: nothing answered
    assert asked(plain) == ["capital-ch"]
    result = study("--ahead", "--limit", "3", at=T0 + 3 * MIN, lines=["Bern", "", "true", "", "b", ""])
    assert asked(result) == ["capital-ch", "water-boils", "largest-planet"]
    assert kinds(result) == ["due", "ahead", "ahead"]


def _misses(home: Path, card_id: str, n: int) -> None:
    with store(home) as s:
        sid = s.start_session(DECK_ID, "study", 1, T0 - DAY)
        for i in range(n):
            s.record(
                Attempt(
                    sid,
                    DECK_ID,
                    card_id,
                    "Paris",
                    False,
                    "wrong",
                    0.0,
                    900,
                    (T0 - DAY + i * MIN).isoformat(),
                    rating=1,
                )
            )
        s.finish_session(sid, T0 - DAY + n * MIN)


def test_skip_leeches_leaves_out_cards_missed_eight_times(quiz_home: Path) -> None:
    """A card missed 8 times is skipped with --skip-leeches and asked without it."""
    _misses(quiz_home, "capital-ch", 8)
    skipped = study("--skip-leeches", "--limit", "1", lines=["b", ""])
    assert asked(skipped) == ["largest-planet"]
    kept = study("--limit", "1", lines=["Bern", ""], at=T0 + MIN)
    assert asked(kept) == ["capital-ch"]


def test_the_eighth_miss_flags_a_leech(quiz_home: Path) -> None:
    """Missing a card for the eighth time says it is now a leech."""
    _misses(quiz_home, "capital-ch", 7)
    result = study("--limit", "1", lines=["Paris", ""])
    assert "'capital-ch' is now a leech (missed 8 times)" in result.output


def test_cram_misses_do_not_make_leeches(quiz_home: Path) -> None:
    """Wrong answers while cramming are not counted towards a leech."""
    _misses(quiz_home, "capital-ch", 7)
    result = study("--cram", lines=["x", "x", "x", "x", "", "again"])
    assert "capital-ch" in asked(result)
    assert "leech" not in result.output
    with store(quiz_home) as s:
        assert s.leeches(DECK_ID) == {}


def test_end_of_input_ends_cleanly_and_keeps_answers(quiz_home: Path) -> None:
    """When piped input runs out, answers so far are kept, the session is unfinished, the exit status 0."""
    result = study(lines=["Bern", ""])
    assert result.exit_code == 0
    assert "Done: 1 answered, 1 right; stopped at end of input with 4 left." in result.output
    with store(quiz_home) as s:
        [session] = s.sessions(DECK_ID)
    assert session.finished_at is not None and session.interrupted
    assert session.asked == 1


def test_ctrl_c_saves_answers_and_exits_130(quiz_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C keeps every answer already rated, marks the session interrupted, exits 130."""
    answers = iter(["Bern", ""])

    def read(prompt: str) -> str | None:
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr("quiz.cli.study_io._read_line", read)
    result = study()
    assert result.exit_code == 130
    assert "Interrupted — 1 answer saved (session #1)." in result.output
    with store(quiz_home) as s:
        [session] = s.sessions(DECK_ID)
        assert len(s.attempts(deck_id=DECK_ID)) == 1
    assert session.interrupted


def test_flashcard_back_is_shown_then_rated(quiz_home: Path) -> None:
    """A flashcard shows its front, Enter shows the back, and the learner rates it."""
    result = study(lines=day_one({"hello-de": "again"}))
    out = result.output
    assert out.index("Hello (in German)") < out.index("Answer: Hallo") < out.rindex("Rating [good]: again")
    with store(quiz_home) as s:
        last = s.attempts(deck_id=DECK_ID)[-1]
    assert (last.card_id, last.typed, last.correct, last.rating) == ("hello-de", "again", False, 1)


def test_bad_quiz_now_is_a_clear_error(quiz_home: Path) -> None:
    """QUIZ_NOW without a zone is refused with a one-line message, exit 1."""
    result = CliRunner().invoke(cli, ["study", DECK], env={"QUIZ_NOW": "2026-11-28T09:00:00"})
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: QUIZ_NOW='2026-11-28T09:00:00' is not an ISO-8601 time with a zone"
    )


def test_unknown_deck_is_an_error(quiz_home: Path) -> None:
    """A deck that does not exist is reported, not a traceback."""
    result = CliRunner().invoke(cli, ["study", "no-such-deck"])
    assert result.exit_code == 1
    assert result.output.startswith("Error:")


def test_study_is_in_help() -> None:
    """`quiz study --help` documents the options."""
    result = CliRunner().invoke(cli, ["study", "--help"])
    for option in (
        "--new",
        "--limit",
        "--ahead",
        "--cram",
        "--skip-leeches",
        "--seed",
        "--plain",
        "--data-dir",
    ):
        assert option in result.output


def test_closed_stdin_ends_cleanly(quiz_home: Path) -> None:
    """`quiz study` started with stdin closed (`0<&-`) ends at once with its summary, no traceback."""
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        ["bash", "-c", 'exec "$0" -m quiz study "$1" 0<&-', sys.executable, DECK],
        capture_output=True, text=True, env={**os.environ, "QUIZ_HOME": str(quiz_home)}, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "stopped at end of input" in proc.stdout


# -- study that teaches (issue 18, part 1) -------------------------------------------------------
def test_a_missed_card_comes_back_in_the_session_until_recalled(quiz_home: Path) -> None:
    """A card answered wrong is asked again after the other cards, and again, until it is right."""
    lines = ["Berlin", "", "b", "", "Paris", "", "Bern", ""]
    result = study("--limit", "2", lines=lines)
    assert result.exit_code == 0, result.output
    assert asked(result) == ["capital-ch", "largest-planet", "capital-ch", "capital-ch"]
    assert kinds(result) == ["new", "new", "learn", "learn"]
    assert "Again in this session: in 1 minute, or after the other cards." in result.output
    assert "Done: 4 answered, 2 right." in result.output
    with store(quiz_home) as s:
        attempts = s.attempts(deck_id=DECK_ID)
        state = s.card_states(DECK_ID)["capital-ch"]
        [session] = s.sessions(DECK_ID)
    assert [(a.card_id, a.rating, a.first) for a in attempts] == [
        ("capital-ch", 1, True),
        ("largest-planet", 3, True),
        ("capital-ch", 1, False),
        ("capital-ch", 3, False),
    ]
    assert state.phase == "learning" and schedule.due_at(state) == T0 + 10 * MIN  # recalled: next step
    assert (session.asked, session.correct, session.interrupted) == (2, 1, False)


def test_steps_option_and_deck_steps_set_the_learning_steps(quiz_home: Path, tmp_path: Path) -> None:
    """--steps replaces FSRS's 1m/10m learning steps; a deck's steps: key does the same; --steps wins."""
    result = study("--limit", "1", "--steps", "2m 30m", lines=["Bern", ""])
    assert "again 2m · hard" in result.output and "good 30m" in result.output
    text = Path(DECK).read_text(encoding="utf-8").replace("deck:\n", "deck:\n  steps: 5m 1h\n", 1)
    text = text.replace(f"id: {DECK_ID}", "id: stepped", 1)
    deck = tmp_path / "stepped.yaml"
    deck.write_text(text, encoding="utf-8")
    own = CliRunner().invoke(
        cli, ["study", str(deck), "--limit", "1", "--plain", "--seed", "1"], input="Bern\n\n",
        env={"QUIZ_NOW": (T0 + DAY).isoformat()},
    )  # fmt: skip
    assert "again 5m · hard" in own.output and "good 1h" in own.output, own.output
    bad = study("--steps", "10m 5m")
    assert bad.exit_code == 2 and "not longer than the step before it" in bad.output


def test_a_wrong_typed_answer_cannot_be_rated_easy(quiz_home: Path) -> None:
    """After a wrong answer 'easy' is refused with a hint and asked again; no easy in the preview."""
    result = study("--limit", "1", lines=["Berlin", "easy", "hard"])
    assert "A wrong answer cannot be rated easy" in result.output
    assert "again 1m · hard" in result.output and "easy" not in result.output.split("Rating [again]")[0][-80:]
    with store(quiz_home) as s:
        assert [(a.correct, a.rating) for a in s.attempts(deck_id=DECK_ID)] == [(False, 2)]


def test_override_at_the_rating_prompt_counts_the_answer_right(quiz_home: Path) -> None:
    """'r' after a refusal says "I was right": stored right with rating good, and the card is not re-asked."""
    result = study("--limit", "1", lines=["Bern, Switzerland?", "r"])
    assert "r: I was right" in result.output
    assert "Counted as right (overridden by you)." in result.output
    assert "Done: 1 answered, 1 right." in result.output
    with store(quiz_home) as s:
        [attempt] = s.attempts(deck_id=DECK_ID)
    assert (attempt.typed, attempt.correct, attempt.rating) == ("Bern, Switzerland?", True, 3)


def test_an_unreadable_answer_is_asked_again_not_stored(quiz_home: Path) -> None:
    """A bool answered 'maybe' says which forms are read and asks again; only the readable answer is kept."""
    lines = ["Bern", "", "b", "", "maybe", "true", ""]
    result = study("--limit", "3", lines=lines)
    assert "Not understood: answer true or false. Try again." in result.output
    assert asked(result) == ["capital-ch", "largest-planet", "water-boils"]
    with store(quiz_home) as s:
        assert [a.typed for a in s.attempts(deck_id=DECK_ID)] == ["Bern", "b", "true"]


def test_a_deck_with_bad_steps_is_reported_at_the_key(tmp_path: Path) -> None:
    """'steps: soon' in a deck is an error at its file:line:col with an example, from quiz check."""
    text = Path(DECK).read_text(encoding="utf-8").replace("deck:\n", "deck:\n  steps: soon\n", 1)
    deck = tmp_path / "bad-steps.yaml"
    deck.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(deck)])
    assert result.exit_code == 1
    assert f"{deck}:2:10: error: deck: steps 'soon' are not steps (e.g. '1m 10m')" in result.output
