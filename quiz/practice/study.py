"""A study session (``quiz study``): the due queue, ratings, FSRS schedules, learning steps, undo, leeches.

The policy only; the engine asks and records, the terminal shows. A card answered *again*
comes back in the same session, after the other cards or once its learning step has passed,
until it is recalled (as Anki does). See docs/study.md.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from quiz.clock import parse_time, utc_text
from quiz.model import (
    LEECH_MISSES,
    CardState,
    Deck,
    Mode,
    Outcome,
    Question,
    Rule,
    Verdict,
)

from . import schedule
from .engine import UNDO, Answered, Learner, Plan, Recorder, Settled, Step
from .select import shown_order

LEARN_AHEAD = timedelta(minutes=20)
"""With nothing else left, a missed card whose step ends within this long is asked at once (as Anki)."""

OVERRIDE_KEY = "r"
"""Typed at the rating prompt after a refusal: "I was right"."""


@dataclass
class Item:
    """A card waiting to be asked, and why (``due``, ``new``, ``ahead``, ``cram``, ``learn``)."""

    card_id: str
    kind: str
    due: datetime | None = None  # a missed card's step: not before then, unless nothing else is left


@dataclass
class _Done:
    card_id: str
    kind: str
    correct: bool
    before: CardState | None
    requeued: bool


def plan_items(
    card_ids: Sequence[str],
    due_times: Mapping[str, str],
    now: datetime,
    *,
    cram: bool,
    seed: int,
    new_per_day: int,
    new_seen_today: int,
    limit: int | None,
    ahead: bool,
    skip: set[str],
) -> list[Item]:
    """The cards to ask, in order: due, new and (with ``ahead``) later ones; or all, shuffled (cram)."""
    if cram:
        order = [cid for cid in card_ids if cid not in skip]
        random.Random(seed).shuffle(order)
        return [Item(cid, "cram") for cid in order[:limit]]
    picked = schedule.queue_due(
        card_ids,
        due_times,
        now,
        new_per_day=new_per_day,
        new_seen_today=new_seen_today,
        limit=limit,
        ahead=ahead,
        skip=skip,
    )
    now_text = utc_text(now)  # stored due times are fixed-width UTC text: they compare as times
    return [
        Item(cid, "new" if cid not in due_times else ("due" if due_times[cid] <= now_text else "ahead"))
        for cid in picked
    ]


def next_due(due_times: Mapping[str, str], ids: Iterable[str]) -> datetime | None:
    """The earliest due time among the cards ``ids`` (None when none is scheduled).

    Stored due times are fixed-width UTC text, which orders as the times do: only the
    earliest is parsed (not 100,000 of them).
    """
    wanted = set(ids)
    earliest = min((when for cid, when in due_times.items() if cid in wanted), default=None)
    return None if earliest is None else parse_time(earliest)


class StudyPlan(Plan):
    """The study queue: asks ``items``, rates and schedules each answer, brings missed cards back."""

    undo = True
    rates_flashcards = True

    def __init__(
        self,
        deck: Deck,
        items: list[Item],
        *,
        seed: int,
        now: Callable[[], datetime],
        cram: bool = False,
        states: dict[str, CardState] | None = None,
        misses: dict[str, int] | None = None,
        typical_ms: int | None = None,
        settings: schedule.Settings = schedule.DEFAULT,
        rng: random.Random | None = None,
    ) -> None:
        self.deck = deck
        self.todo = list(items)
        self.seed = seed
        self.rng = rng or random.Random(seed)  # shuffles choices; the seed also seeds interval fuzz
        self._now = now
        self.cram = cram
        self.mode = Mode.CRAM if cram else Mode.STUDY
        self.feedback_after_record = cram  # study shows the verdict with the rating prompt, before saving
        self.states = dict(states or {})
        self.misses = dict(misses or {})
        self.typical_ms = typical_ms
        self.settings = settings
        self.learning: list[Item] = []  # missed cards, soonest step first
        self.done: list[_Done] = []
        self._total = len(items)
        self._current: Item | None = None
        # The order each card's choices were last shown in, kept for a card asked again because its
        # answer was taken back (undo, a discarded answer): the learner sees the same question.
        self._shown: dict[str, tuple[str, ...] | None] = {}
        self._same_again: set[str] = set()

    @property
    def total(self) -> int:
        """How many cards the session set out to ask."""
        return self._total

    @property
    def left(self) -> int:
        """Cards still to be asked (a missed card waiting for its step counts)."""
        return len(self.todo) + len(self.learning)

    def _pick(self) -> Item | None:
        now = self._now()
        if self.learning and self.learning[0].due is not None and self.learning[0].due <= now:
            return self.learning.pop(0)
        if self.todo:
            return self.todo.pop(0)
        if self.learning and (self.learning[0].due is None or self.learning[0].due <= now + LEARN_AHEAD):
            return self.learning.pop(0)
        return None

    def next(self) -> Question | None:
        """A missed card whose step has passed, else the next card of the queue, else a missed card."""
        item = self._pick()
        self._current = item
        if item is None:
            return None
        card = self.deck.card(item.card_id)
        assert card is not None
        n = len(self.done) + 1
        if item.card_id in self._same_again:
            self._same_again.discard(item.card_id)
            shown = self._shown[item.card_id]
        else:
            shown = self._shown[item.card_id] = shown_order(card, self.rng)
        return Question(
            n,
            n + self.left,
            card,
            shown,
            round=1 if item.kind == "learn" else 0,
            kind=item.kind,
        )

    def put_back(self, question: Question) -> None:
        """The card was not answered: it is the next one."""
        if self._current is not None:
            self.todo.insert(0, self._current)
            self._same_again.add(self._current.card_id)
            self._current = None

    def settle(self, answered: Answered, learner: Learner) -> Settled | Step:
        """Read the rating (Enter: the one the verdict suggests) and compute the card's new schedule."""
        question, typed, verdict, at = answered.question, answered.typed, answered.verdict, answered.at
        card = question.card
        if self.cram and verdict is not None:
            return Settled(typed, verdict)
        suggested = schedule.GOOD
        if verdict is not None:
            suggested = schedule.rating_for(verdict, answered.elapsed_ms, self.typical_ms)
        preview = None
        if not self.cram:
            intervals = schedule.preview(
                self.states.get(card.id), self.deck.id, card.id, at, seed=self.seed, settings=self.settings
            )
            preview = {r: schedule.format_interval(i) for r, i in intervals.items()}
        overridden = False
        while True:
            line = learner.rate(question, verdict, suggested, preview)
            if line is None:
                return Step.END_OF_INPUT
            word = line.strip().lower()
            if word == UNDO:
                learner.say("discarded")
                return Step.AGAIN
            if word == OVERRIDE_KEY and verdict is not None and not verdict.correct:
                rating, overridden = schedule.GOOD, True
                break
            rating_or_none = schedule.parse_rating(line) if word else suggested
            if rating_or_none is None:
                learner.say("bad-rating", suggested)
                continue
            if not schedule.allowed(rating_or_none, verdict):
                learner.say("no-easy")
                continue
            rating = rating_or_none
            break
        if verdict is None:
            back = card.answer_text()
            verdict = Verdict(
                correct=rating > schedule.AGAIN, rule=Rule.SELF, score=float(rating > 1), expected=back
            )
            typed = schedule.RATINGS[rating]
        state = None
        if not self.cram:
            before = self.states.get(card.id)
            state = schedule.review(
                before, self.deck.id, card.id, rating, at, seed=self.seed, settings=self.settings
            )
        return Settled(typed, verdict, None if self.cram else rating, state, overridden)

    def recorded(self, outcome: Outcome, state: CardState | None, attempt_id: int) -> bool:
        """Keep the new schedule; a card rated again waits for its step; count a miss towards a leech."""
        card_id = outcome.question.card.id
        requeued = state is not None and outcome.rating == schedule.AGAIN
        before = self.states.get(card_id)
        self.done.append(_Done(card_id, outcome.question.kind, outcome.verdict.correct, before, requeued))
        if state is not None:
            self.states[card_id] = state
        if requeued:
            assert state is not None
            self.learning.append(Item(card_id, "learn", schedule.due_at(state)))
            self.learning.sort(key=lambda i: i.due or datetime.min)
        if not outcome.verdict.correct and not self.cram:
            self.misses[card_id] = self.misses.get(card_id, 0) + 1
            return self.misses[card_id] == LEECH_MISSES
        return False

    def take_back(self, recorder: Recorder, session_id: int) -> str | None:
        """Delete the last answer, put back the card's schedule as it was, and ask that card next."""
        if not self.done:
            return None
        undone = recorder.undo_last(session_id)
        last = self.done.pop()
        card_id = undone.card_id if undone is not None else last.card_id
        if not last.correct and not self.cram and self.misses.get(card_id):
            self.misses[card_id] -= 1
        if last.requeued:
            self.learning = [i for i in self.learning if i.card_id != card_id]
        if not self.cram:
            recorder.set_card_state(self.deck.id, card_id, last.before)
            if last.before is None:
                self.states.pop(card_id, None)
            else:
                self.states[card_id] = last.before
        self.todo.insert(0, Item(card_id, last.kind))
        if card_id in self._shown:
            self._same_again.add(card_id)
        return card_id


def schedules_after(due_times: dict[str, str], plan: StudyPlan, asked: Iterable[str]) -> dict[str, str]:
    """``due_times`` with the schedules of the cards ``asked`` as the session left them."""
    for cid in asked:  # an undo may have removed a card's state
        if cid in plan.states:
            due_times[cid] = plan.states[cid].due_at
        else:
            due_times.pop(cid, None)
    return due_times
