"""A quiz or an exam (``quiz run``): the cards chosen by the options, in a seeded order, retry rounds."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from quiz.model import Attempt, CardState, Deck, Mode, Options, Outcome, Question

from .engine import Engine, GradeFn, Learner, Plan, Recorder
from .select import select_cards, shown_order


class QuizPlan(Plan):
    """Every chosen card once, in order; with ``retry_wrong``, the missed ones again, round after round."""

    def __init__(self, deck: Deck, options: Options, rng: random.Random) -> None:
        self.options = options
        self.rng = rng
        self.mode = Mode.EXAM if options.exam else Mode.QUIZ
        self.exam = options.exam
        self.pass_mark = options.pass_mark
        self.cards = select_cards(deck, options, rng)
        total = len(self.cards)
        self.questions = [
            Question(i, total, card, shown_order(card, rng, options.shuffle))
            for i, card in enumerate(self.cards, start=1)
        ]
        self._round = list(self.questions)
        self._round_no = 0
        self._wrong: list[Question] = []

    @property
    def total(self) -> int:
        """How many questions the quiz has (retry rounds not counted)."""
        return len(self.questions)

    def next(self) -> Question | None:
        """The next question of this round, or the first of the next retry round."""
        if not self._round and self._wrong and self.options.retry_wrong and not self.exam:
            self._round_no += 1
            wrong = [q.card for q in self._wrong]
            self._wrong = []
            shuffle = self.options.shuffle
            self._round = [
                Question(i, len(wrong), card, shown_order(card, self.rng, shuffle), self._round_no)
                for i, card in enumerate(wrong, start=1)
            ]
        return self._round.pop(0) if self._round else None

    def put_back(self, question: Question) -> None:
        """Input ended before ``question`` was answered: the session stops there."""
        self._round.insert(0, question)
        self._wrong = []

    def recorded(self, outcome: Outcome, state: CardState | None, attempt_id: int) -> bool:
        """A missed question is asked again in the next retry round."""
        if not outcome.verdict.correct:
            self._wrong.append(outcome.question)
        return False


class _Callbacks(Learner):
    def __init__(
        self,
        ask: Callable[[Question], str | None],
        feedback: Callable[[Outcome], object] | None,
        reveal: Callable[[Question], bool] | None,
    ) -> None:
        self._ask = ask
        self._feedback = feedback
        self._reveal = reveal

    def ask(self, question: Question) -> str | None:
        return self._ask(question)

    def reveal(self, question: Question) -> str | None:
        if self._reveal is None:
            return ""
        return "" if self._reveal(question) else None

    def feedback(self, outcome: Outcome) -> None:
        if self._feedback is not None:
            self._feedback(outcome)


class _RecordFn(Recorder):
    def __init__(self, record: Callable[[Attempt], object]) -> None:
        self._record = record

    def record(self, attempt: Attempt, state: CardState | None = None) -> int:
        self._record(attempt)
        return 0


class Session(Engine):
    """One run through a deck (``quiz run``): ``run()`` asks every planned question and returns the summary.

    ``ask(question)`` returns the typed answer, or None at end of input. ``record``
    is called with each :class:`Attempt` before ``feedback`` shows the verdict, so
    an interruption never loses an answer the learner has seen judged. ``reveal``
    shows a flashcard's back (False: end of input). ``feedback`` is not called in
    exam mode. Exceptions from the callables (an interrupt, a store error) propagate;
    :meth:`summary` still describes what was answered. ``learner`` and ``recorder``,
    when given, replace the callables (the terminal passes them).
    """

    def __init__(
        self,
        deck: Deck,
        options: Options,
        rng: random.Random,
        *,
        ask: Callable[[Question], str | None] | None = None,
        now: Callable[[], datetime],
        record: Callable[[Attempt], object] | None = None,
        feedback: Callable[[Outcome], object] | None = None,
        reveal: Callable[[Question], bool] | None = None,
        grade: GradeFn | None = None,
        session_id: int = 0,
        learner: Learner | None = None,
        recorder: Recorder | None = None,
        after_record: Callable[[Outcome], object] | None = None,
    ) -> None:
        self.options = options
        self.rng = rng
        self.quiz = QuizPlan(deck, options, rng)
        self.cards = self.quiz.cards
        self.questions = self.quiz.questions
        if learner is None:
            learner = _Callbacks(ask or (lambda q: None), feedback, reveal)
        if recorder is None and record is not None:
            recorder = _RecordFn(record)
        super().__init__(
            deck,
            self.quiz,
            learner=learner,
            now=now,
            recorder=recorder,
            grade=grade,
            session_id=session_id,
            reask_unreadable=options.reask_unreadable,
            after_record=after_record,
        )
