"""The one session engine: ask, grade, record, give feedback; for quizzes, exams and study.

What differs between a quiz and a study session (which card comes next, whether an answer is
rated and scheduled, what happens to a missed card) is a :class:`Plan`; everything else is
here, once. Pure: the caller injects how a question is asked and feedback shown (a
:class:`Learner`), how an answer is stored (a :class:`Recorder`), the clock and the grader.
Nothing here reads the terminal, opens a database or imports click.

Exceptions raised by the injected parts (an interrupt, a closed output, a store error)
propagate out of :meth:`Engine.run`; :meth:`Engine.summary` still describes every answer that
was recorded, and nothing is recorded after its feedback was shown, so the caller can close
the session in one place (``quiz.cli.sessions``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from quiz.model import (
    Attempt,
    CardState,
    Deck,
    Ended,
    FlashCard,
    Mode,
    Outcome,
    Question,
    Rule,
    Summary,
    Verdict,
    self_rated,
)

if TYPE_CHECKING:
    from quiz.model import Card, Policy

GradeFn = Callable[..., Verdict]
"""``grade(card, typed, policy, *, shown=..., reject=...) -> Verdict`` (quiz.grading.grade)."""

KNEW = ("y", "yes", "1")
DID_NOT_KNOW = ("n", "no", "0")
UNDO = "undo"


class Step(Enum):
    """What became of one question: answered, input ended, to be asked again, or an undo."""

    DONE = "done"
    END_OF_INPUT = "end-of-input"
    AGAIN = "again"  # ask the same card again (an answer discarded, nothing to undo)
    UNDO = "undo"  # take back the session's last answer, then ask that card again


@dataclass(frozen=True)
class Answered:
    """What the learner gave for a question, before it is settled: the text, its verdict, when."""

    question: Question
    typed: str
    verdict: Verdict | None  # None: a flashcard whose rating is its answer (study)
    elapsed_ms: int
    at: datetime


@dataclass(frozen=True)
class Settled:
    """An answer ready to be stored: its verdict, rating and the card's new schedule."""

    typed: str
    verdict: Verdict
    rating: int | None = None
    state: CardState | None = None
    overridden: bool = False


class Learner:
    """How the engine talks to the learner. The defaults do nothing; the terminal overrides them.

    ``ask`` and ``reveal`` return None at end of input.
    """

    def ask(self, question: Question) -> str | None:
        """Show ``question`` and read the answer."""
        return None

    def reveal(self, question: Question) -> str | None:
        """Show a flashcard's front, then (after whatever line is read) its back."""
        return ""

    def unreadable(self, question: Question, typed: str, verdict: Verdict) -> None:
        """Say that ``typed`` could not be read and which forms are (``verdict.note``); it is asked again."""

    def rate(
        self, question: Question, verdict: Verdict | None, suggested: int, preview: dict[int, str] | None
    ) -> str | None:
        """Study: show the verdict (typed cards) and the interval of each rating; read the rating line."""
        return ""

    def say(self, message: str, *args: object) -> None:
        """A short message of the study session (``message`` names it; see ``quiz.ui.study``)."""

    def feedback(self, outcome: Outcome) -> None:
        """The verdict, after the answer was recorded (never in an exam)."""

    def offer_override(self, outcome: Outcome) -> bool:
        """After a refusal: True when the learner says "I was right"."""
        return False

    def overridden(self, outcome: Outcome) -> None:
        """The refusal was overridden: the answer now counts as right."""

    def recorded(self, outcome: Outcome, state: CardState | None, leech: bool) -> None:
        """Study: the card's next review, and whether it just became a leech."""


class Recorder:
    """Where answers go (the score database, through the CLI). The defaults keep nothing."""

    def record(self, attempt: Attempt, state: CardState | None = None) -> int:
        """Store one answer (and the card's new state) at once; the answer's id."""
        return 0

    def override_last(self, session_id: int) -> None:
        """Mark the session's last answer right because the learner overrode its refusal."""

    def undo_last(self, session_id: int) -> Attempt | None:
        """Delete the session's last answer; it, or None when the session has none."""
        return None

    def set_card_state(self, deck_id: str, card_id: str, state: CardState | None) -> None:
        """Put back a card's schedule (None: the card is new again)."""


class Plan:
    """What a kind of session decides: the next card, how an answer is settled, what follows it."""

    mode: Mode = Mode.QUIZ
    exam: bool = False
    pass_mark: float = 60.0
    overrides: bool = True  # whether "I was right" is offered after a refusal
    undo: bool = False  # whether 'undo' typed at a prompt takes back the last answer
    rates_flashcards: bool = False  # study: a flashcard's rating is its answer (no y/n)
    feedback_after_record: bool = True  # quiz: the verdict is shown once the answer is stored

    @property
    def total(self) -> int:
        """How many questions were planned at the start."""
        raise NotImplementedError

    def next(self) -> Question | None:
        """The next question, or None when the session is over."""
        raise NotImplementedError

    def put_back(self, question: Question) -> None:
        """``question`` was not answered (end of input, an undo): it is the next one again."""

    def settle(self, answered: Answered, learner: Learner) -> Settled | Step:
        """The answer as stored (study: rated and scheduled), or a :class:`Step` the learner asked for."""
        assert answered.verdict is not None
        return Settled(answered.typed, answered.verdict)

    def recorded(self, outcome: Outcome, state: CardState | None, attempt_id: int) -> bool:
        """Note an answer that was stored; True when it made its card a leech."""
        return False

    def take_back(self, recorder: Recorder, session_id: int) -> str | None:
        """Undo the last answer (study); the card id asked again, or None when there is none."""
        return None


def self_verdict(card: FlashCard, typed: str) -> Verdict:
    """A flashcard's verdict from the learner's own y/n: known counts as right."""
    said = typed.strip().lower()
    if said in KNEW:
        return Verdict(correct=True, rule=Rule.KNOWN, score=1.0, expected=card.back)
    if said in DID_NOT_KNOW:
        return Verdict(correct=False, rule=Rule.UNKNOWN, expected=card.back)
    return Verdict(
        correct=False, rule=Rule.UNCLEAR, note="not y or n: counted as not known", expected=card.back
    )


def as_right(verdict: Verdict) -> Verdict:
    """``verdict`` turned right by the learner's override (full credit, the reason kept)."""
    return replace(verdict, correct=True, score=1.0)


class Engine:
    """One session: :meth:`run` asks until the plan has no question left or input ends.

    ``after_record`` (optional) is called with each outcome once its answer is stored and
    its feedback given: the hook for anything that must follow every answer (an exam's
    result file written as it goes, for example).
    """

    def __init__(
        self,
        deck: Deck,
        plan: Plan,
        *,
        learner: Learner,
        now: Callable[[], datetime],
        recorder: Recorder | None = None,
        grade: GradeFn | None = None,
        session_id: int = 0,
        reask_unreadable: int = 1,
        after_record: Callable[[Outcome], object] | None = None,
    ) -> None:
        self.deck = deck
        self.plan = plan
        self.learner = learner
        self._now = now
        self.recorder = recorder or Recorder()
        self._grade = grade
        self.session_id = session_id
        self.reask_unreadable = reask_unreadable
        self.after_record = after_record
        self.outcomes: list[Outcome] = []
        self.saved = 0
        self.started: datetime | None = None
        self.finished: datetime | None = None

    def policy(self, card: Card) -> Policy:
        """The grading policy of ``card``."""
        return self.deck.policy(card)

    def grade(self, question: Question, typed: str) -> Verdict:
        """The verdict on ``typed`` for ``question`` (flashcards: the learner's own y/n)."""
        card = question.card
        if self_rated(card):
            return self_verdict(card, typed)
        if self._grade is None:
            from quiz.grading import grade as default_grade

            self._grade = default_grade
        reject = tuple(e.text for e in card.reject_examples)
        return self._grade(card, typed, self.policy(card), shown=question.shown, reject=reject)

    def run(self) -> Summary:
        """Ask every question the plan gives; the summary (``ended`` says why it stopped)."""
        self.started = self._now()
        ended = Ended.FINISHED
        while (question := self.plan.next()) is not None:
            step = self._one(question)
            if step is Step.END_OF_INPUT:
                self.plan.put_back(question)
                ended = Ended.END_OF_INPUT
                break
            if step is Step.AGAIN:
                self.plan.put_back(question)
            elif step is Step.UNDO:
                self.plan.put_back(question)
                card_id = self.plan.take_back(self.recorder, self.session_id)
                if card_id is not None:
                    self.outcomes.pop()
                    self.saved -= 1
                    self.learner.say("undone", card_id)
        self.finished = self._now()
        return self.summary(ended)

    def _wants_undo(self, typed: str) -> bool:
        return self.plan.undo and typed.strip().lower() == UNDO

    def _undo_step(self) -> Step:
        if not self.outcomes:
            self.learner.say("nothing-to-undo")
            return Step.AGAIN
        return Step.UNDO

    def _answer(self, question: Question) -> tuple[str, Verdict | None] | Step:
        """What the learner answered and its verdict (None: a flashcard the plan rates)."""
        card = question.card
        if self_rated(card):
            line = self.learner.reveal(question)
            if line is None:
                return Step.END_OF_INPUT
            if self._wants_undo(line):
                return self._undo_step()
            if self.plan.rates_flashcards:
                return "", None
        typed = self.learner.ask(question)
        if typed is None:
            return Step.END_OF_INPUT
        if self._wants_undo(typed):
            return self._undo_step()
        verdict = self.grade(question, typed)
        tries = 0
        while verdict.rule == Rule.UNREADABLE and tries < self.reask_unreadable:
            tries += 1
            self.learner.unreadable(question, typed, verdict)
            again = self.learner.ask(question)
            if again is None:
                return Step.END_OF_INPUT
            if self._wants_undo(again):
                return self._undo_step()
            typed, verdict = again, self.grade(question, again)
        return typed, verdict

    def _one(self, question: Question) -> Step:
        asked_at = self._now()
        answer = self._answer(question)
        if isinstance(answer, Step):
            return answer
        typed, verdict = answer
        answered = self._now()
        time_ms = max(0, int((answered - asked_at).total_seconds() * 1000))
        settled = self.plan.settle(Answered(question, typed, verdict, time_ms, answered), self.learner)
        if isinstance(settled, Step):
            return settled
        verdict = as_right(settled.verdict) if settled.overridden else settled.verdict
        outcome = Outcome(
            question,
            settled.typed,
            verdict,
            time_ms,
            answered.isoformat(),
            overridden=settled.overridden,
            rating=settled.rating,
        )
        attempt_id = self.recorder.record(self._attempt(outcome), settled.state)
        self.saved += 1
        self.outcomes.append(outcome)
        if self.plan.feedback_after_record and not self.plan.exam:
            self.learner.feedback(outcome)
            if self._may_override(outcome) and self.learner.offer_override(outcome):
                self.recorder.override_last(self.session_id)
                outcome = replace(outcome, verdict=as_right(outcome.verdict), overridden=True)
                self.outcomes[-1] = outcome
                self.learner.overridden(outcome)
        leech = self.plan.recorded(outcome, settled.state, attempt_id)
        self.learner.recorded(outcome, settled.state, leech)
        if self.after_record is not None:
            self.after_record(outcome)
        return Step.DONE

    def _may_override(self, outcome: Outcome) -> bool:
        return (
            self.plan.overrides
            and not self.plan.exam
            and not outcome.verdict.correct
            and not self_rated(outcome.question.card)
        )

    def _attempt(self, outcome: Outcome) -> Attempt:
        v = outcome.verdict
        return Attempt(
            session_id=self.session_id,
            deck_id=self.deck.id,
            card_id=outcome.question.card.id,
            typed=outcome.typed,
            correct=v.correct,
            rule=v.rule,
            score=v.score,
            time_ms=outcome.time_ms,
            answered_at=outcome.answered_at,
            rating=outcome.rating,
            cram=self.plan.mode == Mode.CRAM,
            first=outcome.question.first,
            overridden=outcome.overridden,
        )

    def summary(self, ended: Ended = Ended.INTERRUPTED) -> Summary:
        """The summary of what has been answered so far (only first tries count in the score)."""
        firsts = [o for o in self.outcomes if o.question.first]
        correct = sum(o.verdict.correct for o in firsts)
        asked = len(firsts)
        total = self.plan.total
        start = self.started or self._now()
        end = self.finished or self._now()
        passed: bool | None = None
        if self.plan.exam:
            passed = total > 0 and 100.0 * correct / total >= self.plan.pass_mark
        return Summary(
            total=total,
            asked=asked,
            correct=correct,
            score=round(sum(o.verdict.score for o in firsts), 6),
            percent=round(100.0 * correct / asked, 1) if asked else 0.0,
            duration_s=round(max(0.0, (end - start).total_seconds()), 3),
            outcomes=tuple(self.outcomes),
            missed=tuple(o for o in firsts if not o.verdict.correct),
            ended=ended,
            exam=self.plan.exam,
            pass_mark=self.plan.pass_mark,
            passed=passed,
        )
