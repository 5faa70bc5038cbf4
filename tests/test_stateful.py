"""A stateful test of sessions and the score database: answer, interrupt, reopen, continue.

Hypothesis drives a real SQLite file through the session and store API in any order:
start a session, answer (right or wrong, graded by the real grader), override a
refusal ("I was right"), retry a missed card, run a whole session through the real
quiz loop, interrupt, close without finishing, reopen the file. After every step the
stored scores, the attempts, the summary tables and what ``quiz stats`` reports must
agree with the answers given.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from strategies import tricky_text

from quiz.cli import cli
from quiz.deckio import load_ref
from quiz.insight.stats import compute
from quiz.model import (
    Attempt,
    BoolCard,
    ClozeCard,
    DateCard,
    FlashCard,
    MultiCard,
    Options,
    OrderCard,
    Question,
)
from quiz.practice import Session
from quiz.store import SUMMARY_TABLES, Store, db_path
from quiz.ui.render import letter

DECK = load_ref("us-russia-military-talks-2019")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def right_answer(q: Question) -> str:
    """What a learner who knows everything types for ``q``."""
    card = q.card
    if isinstance(card, FlashCard):
        return "y"
    if isinstance(card, (MultiCard, OrderCard)):
        assert q.shown is not None
        wanted = card.answers if isinstance(card, MultiCard) else card.items
        return ", ".join(letter(q.shown.index(a)) for a in wanted)
    if isinstance(card, BoolCard):
        return "true" if card.answer else "false"
    if isinstance(card, DateCard):
        return card.answer.iso()
    if isinstance(card, ClozeCard):
        return card.answer_text()
    return card.answer_text()


@dataclass
class Given:
    """What the model remembers of one session: every verdict, in order, and how it ended."""

    verdicts: list[tuple[str, bool, bool]] = field(default_factory=list)  # (typed, first, correct)
    finished: bool = False
    interrupted: bool = False

    @property
    def score(self) -> tuple[int, int]:
        """(correct first tries, first tries): what the stored score must be."""
        firsts = [correct for _typed, first, correct in self.verdicts if first]
        return sum(firsts), len(firsts)


class SessionsAndStore(RuleBasedStateMachine):
    """Sessions over one real database file, with the store closed and reopened at random."""

    def __init__(self) -> None:
        super().__init__()
        self.home = Path(tempfile.mkdtemp(prefix="quiz-stateful-"))
        self.store = Store.open(db_path(self.home))
        self.clock = T0
        self.given: dict[int, Given] = {}
        self.current: int | None = None
        self.session: Session | None = None
        self.todo: list[Question] = []
        self.missed: list[Question] = []
        self.overridden = 0

    def now(self) -> datetime:
        """A clock that moves on a second at every look."""
        self.clock += timedelta(seconds=1)
        return self.clock

    def teardown(self) -> None:
        """Close the store and remove its directory."""
        self.store.close()
        shutil.rmtree(self.home, ignore_errors=True)

    # -- rules ------------------------------------------------------------------------
    @precondition(lambda self: self.current is None)
    @rule(seed=st.integers(0, 2**32), count=st.integers(1, 6))
    def start(self, seed: int, count: int) -> None:
        """Start a new session (as `quiz run` does: the row first, then the questions)."""
        self.session = Session(
            DECK, Options(count=count), random.Random(seed), ask=lambda q: None, now=self.now
        )
        self.current = self.store.start_session(
            DECK.id, "quiz", seed, self.now(), deck_hash=DECK.content_hash
        )
        self.session.session_id = self.current
        self.given[self.current] = Given()
        self.todo = list(self.session.questions)
        self.missed = []

    def _answer(self, q: Question, typed: str) -> bool:
        """Grade ``typed`` with the real grader and record it as Session.run does; the verdict."""
        assert self.session is not None and self.current is not None
        verdict = self.session.grade(q, typed)
        self.store.record(
            Attempt(
                session_id=self.current,
                deck_id=DECK.id,
                card_id=q.card.id,
                typed=typed,
                correct=verdict.correct,
                rule=verdict.rule,
                score=verdict.score,
                time_ms=1000,
                answered_at=self.now().isoformat(),
                first=q.first,
            )
        )
        self.given[self.current].verdicts.append((typed, q.first, verdict.correct))
        if not verdict.correct:
            self.missed.append(q)
        return verdict.correct

    @precondition(lambda self: self.current is not None and bool(self.todo))
    @rule(right=st.booleans(), wrong=tricky_text)
    def answer(self, right: bool, wrong: str) -> None:
        """Answer the next question, with the key answer or with any text."""
        q = self.todo.pop(0)
        correct = self._answer(q, right_answer(q) if right else wrong)
        if right:
            assert correct, f"the key answer to {q.card.id} was refused"

    @precondition(lambda self: self.current is not None and bool(self.missed))
    @rule(right=st.booleans())
    def retry(self, right: bool) -> None:
        """Answer a missed card again (a --retry-wrong round: not a first try)."""
        first = self.missed.pop(0)
        q = Question(1, 1, first.card, first.shown, round=first.round + 1)
        self._answer(q, right_answer(q) if right else "certainly not this")

    @precondition(
        lambda self: (
            self.current is not None
            and bool(self.given[self.current].verdicts)
            and not self.given[self.current].verdicts[-1][2]
        )
    )
    @rule()
    def override(self) -> None:
        """ "I was right" after a refusal: the last answer becomes right everywhere, marked overridden."""
        assert self.current is not None
        given = self.given[self.current]
        last = self.store.override_last(self.current)
        assert last is not None and last.correct and last.overridden
        typed, first, _ = given.verdicts[-1]
        assert last.typed == typed
        given.verdicts[-1] = (typed, first, True)
        self.overridden += 1
        if self.missed and self.missed[-1].card.id == last.card_id:
            self.missed.pop()  # right now: nothing to retry

    @precondition(lambda self: self.current is not None)
    @rule()
    def finish(self) -> None:
        """Finish the session; interrupted when questions were left unanswered."""
        assert self.current is not None
        interrupted = bool(self.todo)
        self.store.finish_session(self.current, self.now(), interrupted=interrupted)
        self.given[self.current].finished = True
        self.given[self.current].interrupted = interrupted
        self.current = None

    @precondition(lambda self: self.current is not None)
    @rule()
    def interrupt(self) -> None:
        """Ctrl-C: the session is marked interrupted, whatever was left."""
        assert self.current is not None
        self.store.finish_session(self.current, self.now(), interrupted=True)
        self.given[self.current].finished = True
        self.given[self.current].interrupted = True
        self.current = None

    @rule()
    def reopen(self) -> None:
        """Close the file (a crash leaves the current session unfinished) and open it again."""
        self.store.close()
        self.store = Store.open(db_path(self.home))
        self.current = None

    @precondition(lambda self: self.current is None)
    @rule(
        seed=st.integers(0, 2**32),
        rights=st.lists(st.booleans(), max_size=8),
        ending=st.sampled_from(["end-of-input", "interrupt"]),
        retry=st.booleans(),
    )
    def whole_session(self, seed: int, rights: list[bool], ending: str, retry: bool) -> None:
        """A session through the real quiz loop (Session.run), ended by end of input or Ctrl-C."""
        answers = iter(rights)

        def ask(q: Question) -> str | None:
            right = next(answers, None)
            if right is None:
                if ending == "interrupt":
                    raise KeyboardInterrupt
                return None
            return right_answer(q) if right else "no idea"

        sid = self.store.start_session(DECK.id, "quiz", seed, self.now())
        given = self.given[sid] = Given()

        def record(a: Attempt) -> None:
            self.store.record(a)
            given.verdicts.append((a.typed, a.first, a.correct))

        session = Session(
            DECK,
            Options(count=4, retry_wrong=retry),
            random.Random(seed),
            ask=ask,
            now=self.now,
            record=record,
            session_id=sid,
        )
        try:
            summary = session.run()
        except KeyboardInterrupt:
            summary = session.summary("interrupted")
        complete = summary.complete and summary.ended == "finished"
        self.store.finish_session(sid, self.now(), interrupted=not complete)
        given.finished, given.interrupted = True, not complete
        assert (summary.correct, summary.asked) == given.score

    @rule()
    def stats_command_agrees(self) -> None:
        """`quiz stats DECK --json` reports the attempts and right answers the table holds."""
        result = CliRunner().invoke(
            cli, ["stats", DECK.id, "--json", "--data-dir", str(self.home)], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        shown = json.loads(result.output)
        verdicts = [v for g in self.given.values() for v in g.verdicts]
        assert shown["attempts"] == len(verdicts)
        assert shown["correct"] == sum(correct for _t, _f, correct in verdicts)
        assert shown["sessions"] == sum(1 for g in self.given.values() if g.score[1] > 0)

    # -- invariants ---------------------------------------------------------------------
    @invariant()
    def stored_score_is_the_first_try_verdicts(self) -> None:
        """Each session's stored correct/asked equals its correct first-try verdicts / first tries."""
        records = {r.id: r for r in self.store.sessions()}
        assert set(records) == set(self.given)
        for sid, given in self.given.items():
            rec = records[sid]
            assert (rec.correct, rec.asked) == given.score, (sid, rec, given)
            assert (rec.finished_at is not None) == given.finished
            assert rec.interrupted == given.interrupted

    @invariant()
    def nothing_answered_is_lost(self) -> None:
        """Every answer given is stored, in order, with its verdict."""
        stored = [(a.session_id, a.typed, a.first, a.correct) for a in self.store.attempts()]
        expected = [(sid, *v) for sid, g in sorted(self.given.items()) for v in g.verdicts]
        assert sorted(stored, key=lambda s: s[0]) == expected

    @invariant()
    def summaries_equal_the_log(self) -> None:
        """The summary tables kept by every write (overrides included) equal a rebuild from the log."""
        conn = self.store.connection

        def tables() -> list[list[tuple[object, ...]]]:
            return [sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in SUMMARY_TABLES]

        kept = tables()
        self.store.rebuild_summaries()
        assert tables() == kept
        assert sum(o.times for o in self.store.overridden(DECK.id)) == self.overridden - sum(
            1 for a in self.store.attempts() if a.overridden and not a.typed.strip()
        )

    @invariant()
    def stats_agree_with_the_attempts_table(self) -> None:
        """The numbers `quiz stats` computes equal counts straight from the attempts table."""
        result = compute(self.store.deck_rows(DECK.id), self.clock, [(c.id, c.tags) for c in DECK.cards])
        conn = self.store.connection
        attempts, correct = conn.execute(
            "SELECT count(*), coalesce(sum(correct), 0) FROM attempts"
        ).fetchone()
        assert (result.attempts, result.correct) == (attempts, correct)
        per_card = dict(conn.execute("SELECT card_id, count(*) FROM attempts GROUP BY card_id").fetchall())
        assert {c.card_id: c.attempts for c in result.cards if c.attempts} == per_card
        scored = conn.execute("SELECT count(*) FROM sessions WHERE asked > 0").fetchone()[0]
        assert result.sessions == scored


# Every answer is an fsync (synchronous=FULL), so runs are few and short; a local run of
# 300 x 40 steps found nothing.
SessionsAndStore.TestCase.settings = settings(
    max_examples=min(settings().max_examples, 20), stateful_step_count=20, deadline=None
)
test_sessions_and_store = SessionsAndStore.TestCase
