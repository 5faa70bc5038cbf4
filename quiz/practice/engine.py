"""The quiz loop: choose and order cards, ask, grade, record, give feedback.

Pure: the caller injects the random generator (seeded from ``--seed``), the clock,
the way questions are asked and answers recorded. Nothing here reads the terminal,
opens a database or imports click.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Sequence
from datetime import datetime

from quiz.errors import QuizError
from quiz.model import (
    Attempt,
    Card,
    ChoiceCard,
    Deck,
    Ended,
    FlashCard,
    MultiCard,
    Options,
    OrderCard,
    Outcome,
    Policy,
    Question,
    Summary,
    Verdict,
)

GradeFn = Callable[..., Verdict]
"""``grade(card, typed, policy, *, shown=..., reject=...) -> Verdict`` (quiz.grading.grade)."""

KNEW = ("y", "yes", "1")
DID_NOT_KNOW = ("n", "no", "0")


class SelectionError(QuizError):
    """The options choose no card, or name a card the deck does not have."""



def select_cards(deck: Deck, options: Options, rng: random.Random) -> list[Card]:
    """The cards to ask, in the order to ask them.

    ``--card`` ids and ``--tag`` tags add up (a card is chosen if it has any of the
    tags or is named); neither means every card. With ``options.count``, that many are drawn
    at random by ``rng`` (the first ones in file order when ``options.shuffle`` is False);
    without it, all of them, shuffled by ``rng`` unless ``options.shuffle`` is False.
    """
    ids = deck.card_ids()
    known = set(ids) if options.card_ids else set()
    for card_id in options.card_ids:
        if card_id not in known:
            close = difflib.get_close_matches(card_id, ids, n=3, cutoff=0.5)
            hint = (
                ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?")
                if close
                else ("run 'quiz show " + deck.id + "' to see the card ids")
            )
            raise SelectionError(f"deck '{deck.id}' has no card '{card_id}' ({hint})")
    # Work on positions, and build only the cards chosen: a cached deck builds its cards on first use.
    # The draw depends only on how many cards there are, so a seed picks what it picked as cards.
    chosen: Sequence[int]
    if options.card_ids or options.tags:
        wanted_ids = set(options.card_ids)
        wanted_tags = set(options.tags)
        chosen = [
            i
            for i, (cid, tags) in enumerate(zip(ids, deck.card_tags(), strict=True))
            if cid in wanted_ids or wanted_tags & set(tags)
        ]
    else:
        chosen = range(len(ids))
    if not chosen:
        deck_tags = sorted({t for tags in deck.card_tags() for t in tags})
        hint = ("its tags: " + ", ".join(deck_tags)) if deck_tags else "its cards have no tags"
        tags = ", ".join(f"'{t}'" for t in options.tags)
        raise SelectionError(f"no card in deck '{deck.id}' is tagged {tags} ({hint})")
    if options.count is not None and options.count < len(chosen):
        # Draw only the cards asked for: shuffling 100,000 cards to ask 10 costs a tenth of a second.
        chosen = rng.sample(chosen, options.count) if options.shuffle else chosen[: options.count]
    elif options.shuffle:
        chosen = list(chosen)
        rng.shuffle(chosen)
    cards = deck.cards
    return [cards[i] for i in chosen]


def shown_order(card: Card, rng: random.Random, shuffle: bool = True) -> tuple[str, ...] | None:
    """The choices (choice, multi) or items (order) in the order they are shown; else None.

    Choices keep the file order when ``shuffle`` is False or the card says
    ``shuffle: false``. Order items are always shuffled, and never shown already in
    the right order when that can be avoided.
    """
    if isinstance(card, (ChoiceCard, MultiCard)):
        choices = list(card.choices)
        if shuffle and card.shuffle:
            rng.shuffle(choices)
        return tuple(choices)
    if isinstance(card, OrderCard):
        items = list(card.items)
        right = list(card.items)
        if len(set(items)) > 1:
            rng.shuffle(items)
            if items == right:
                # A rotation by one is never the identity when two items differ.
                items = items[1:] + items[:1]
        return tuple(items)
    return None


def self_verdict(card: FlashCard, typed: str) -> Verdict:
    """A flashcard's verdict from the learner's own y/n: known counts as right."""
    said = typed.strip().lower()
    if said in KNEW:
        return Verdict(True, "known", "", 1.0, 0, card.back)
    if said in DID_NOT_KNOW:
        return Verdict(False, "unknown", "", 0.0, 0, card.back)
    return Verdict(False, "unclear", "not y or n: counted as not known", 0.0, 0, card.back)


def _iso(t: datetime) -> str:
    return t.isoformat()


class Session:
    """One run through a deck: ``run()`` asks every planned question and returns the summary.

    ``ask(question)`` returns the typed answer, or None at end of input. ``record``
    is called with each :class:`Attempt` before ``feedback`` shows the verdict, so
    an interruption never loses an answer the learner has seen judged. ``reveal``
    shows a flashcard's back (False: end of input). ``feedback`` is not called in
    exam mode. Exceptions from the callables (an interrupt, a store error) propagate;
    :meth:`summary` still describes what was answered.
    """

    def __init__(
        self,
        deck: Deck,
        options: Options,
        rng: random.Random,
        *,
        ask: Callable[[Question], str | None],
        now: Callable[[], datetime],
        record: Callable[[Attempt], object] | None = None,
        feedback: Callable[[Outcome], object] | None = None,
        reveal: Callable[[Question], bool] | None = None,
        grade: GradeFn | None = None,
        session_id: int = 0,
    ) -> None:
        self.deck = deck
        self.options = options
        self.rng = rng
        self.cards = select_cards(deck, options, rng)
        total = len(self.cards)
        self.questions = [
            Question(i, total, card, shown_order(card, rng, options.shuffle))
            for i, card in enumerate(self.cards, start=1)
        ]
        self._ask = ask
        self._now = now
        self._record = record
        self._feedback = feedback
        self._reveal = reveal
        self._grade = grade
        self.session_id = session_id
        self.outcomes: list[Outcome] = []
        self.started: datetime | None = None
        self.finished: datetime | None = None

    @property
    def saved(self) -> int:
        """How many answers have been recorded."""
        return len(self.outcomes)

    def policy(self, card: Card) -> Policy:
        """The grading policy of ``card``."""
        return self.deck.policy(card)

    def grade(self, question: Question, typed: str) -> Verdict:
        """The verdict on ``typed`` for ``question`` (flashcards: the learner's own y/n)."""
        card = question.card
        if isinstance(card, FlashCard):
            return self_verdict(card, typed)
        if self._grade is None:
            from quiz.grading import grade as default_grade

            self._grade = default_grade
        reject = tuple(e.text for e in card.reject_examples)
        return self._grade(card, typed, self.policy(card), shown=question.shown, reject=reject)

    def _one(self, question: Question) -> Outcome | None:
        asked_at = self._now()
        if isinstance(question.card, FlashCard) and self._reveal is not None and not self._reveal(question):
            return None
        typed = self._ask(question)
        if typed is None:
            return None
        verdict = self.grade(question, typed)
        answered = self._now()
        time_ms = max(0, int((answered - asked_at).total_seconds() * 1000))
        outcome = Outcome(question, typed, verdict, time_ms, _iso(answered))
        if self._record is not None:
            self._record(
                Attempt(
                    session_id=self.session_id,
                    deck_id=self.deck.id,
                    card_id=question.card.id,
                    typed=typed,
                    correct=verdict.correct,
                    rule=verdict.rule,
                    score=verdict.score,
                    time_ms=time_ms,
                    answered_at=outcome.answered_at,
                    first=question.first,
                )
            )
        self.outcomes.append(outcome)
        if self._feedback is not None and not self.options.exam:
            self._feedback(outcome)
        return outcome

    def run(self) -> Summary:
        """Ask every question (then the missed ones again with ``retry_wrong``); the summary."""
        self.started = self._now()
        ended = Ended.FINISHED
        todo = self.questions
        round_no = 0
        while todo:
            wrong: list[Card] = []
            for question in todo:
                outcome = self._one(question)
                if outcome is None:
                    ended = Ended.END_OF_INPUT
                    break
                if not outcome.verdict.correct:
                    wrong.append(question.card)
            if ended != Ended.FINISHED or not self.options.retry_wrong or self.options.exam:
                break
            round_no += 1
            todo = [
                Question(i, len(wrong), card, shown_order(card, self.rng, self.options.shuffle), round_no)
                for i, card in enumerate(wrong, start=1)
            ]
        self.finished = self._now()
        return self.summary(ended)

    def summary(self, ended: Ended = Ended.INTERRUPTED) -> Summary:
        """The summary of what has been answered so far."""
        firsts = [o for o in self.outcomes if o.question.first]
        correct = sum(o.verdict.correct for o in firsts)
        asked = len(firsts)
        total = len(self.questions)
        start = self.started or self._now()
        end = self.finished or self._now()
        passed: bool | None = None
        if self.options.exam:
            passed = total > 0 and 100.0 * correct / total >= self.options.pass_mark
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
            exam=self.options.exam,
            pass_mark=self.options.pass_mark,
            passed=passed,
        )
