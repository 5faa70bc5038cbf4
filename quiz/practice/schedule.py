"""Spaced repetition: the only module that imports ``fsrs``. Pure: ``now`` is passed in, UTC-aware.

A card with no :class:`~quiz.models.CardState` is *new*. Reviewing it creates a state in the
``learning`` phase (steps of 1 and 10 minutes), then ``review`` (intervals in whole days, as FSRS
computes them for 90 % retention), and after a lapse ``relearning`` (one 10-minute step).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import fsrs
import fsrs.scheduler

from quiz.model import CardState, Phase, Verdict
from quiz.model.variants import REVERSE_SUFFIX

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS: dict[int, str] = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
DEFAULT_NEW_PER_DAY = 20
LEECH_MISSES = 8
SLOW_FACTOR = 2.5  # a right answer slower than this many times the learner's median is rated Hard

_PHASES = {
    fsrs.State.Learning: Phase.LEARNING,
    fsrs.State.Review: Phase.REVIEW,
    fsrs.State.Relearning: Phase.RELEARNING,
}
_FUZZ_LOCK = threading.Lock()


@dataclass(frozen=True)
class Settings:
    """What a scheduler is built from: learning and relearning steps, FSRS weights, retention.

    The defaults are FSRS 6's: steps of 1 and 10 minutes, one relearning step of 10 minutes,
    the published weights and 90 % desired retention. ``parameters`` empty means the defaults
    (an optimiser may supply a learner's own weights).
    """

    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    parameters: tuple[float, ...] = ()
    desired_retention: float = 0.9

    def with_steps(self, steps: Sequence[timedelta]) -> Settings:
        """These settings with ``steps`` as learning steps and the last of them as the relearning step."""
        return replace(self, learning_steps=tuple(steps), relearning_steps=tuple(steps[-1:]))


DEFAULT = Settings()


@lru_cache(maxsize=8)
def _scheduler(settings: Settings = DEFAULT) -> fsrs.Scheduler:
    """An FSRS scheduler for ``settings``, fuzz on."""
    extra: dict[str, Any] = {"parameters": settings.parameters} if settings.parameters else {}
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        enable_fuzzing=True,
        **extra,
    )


_STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """``"1m 10m"`` or ``"30s,5m,1h"`` → the steps; ValueError with the reason otherwise.

    Each step is a whole number followed by ``s``, ``m``, ``h`` or ``d``; steps are separated by
    spaces or commas, at least one, each longer than the one before, none over a day.
    """
    words = text.replace(",", " ").split()
    if not words:
        raise ValueError("no steps given (write them like '1m 10m')")
    steps: list[timedelta] = []
    for word in words:
        number, unit = word[:-1], word[-1:].lower()
        if not number.isdigit() or unit not in _STEP_UNITS or int(number) == 0:
            raise ValueError(f"'{word}' is not a step (write a whole number and s, m, h or d, e.g. 10m)")
        step = timedelta(seconds=int(number) * _STEP_UNITS[unit])
        if step > timedelta(days=1):
            raise ValueError(f"'{word}' is over a day (steps are for the same day; FSRS plans the rest)")
        if steps and step <= steps[-1]:
            raise ValueError(f"'{word}' is not longer than the step before it (steps grow)")
        steps.append(step)
    return tuple(steps)


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is a bug in the caller."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware UTC time")
    return moment.astimezone(timezone.utc)


def _digest(*parts: object) -> int:
    """A stable integer from ``parts`` (``hash()`` of a str changes between processes)."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@contextmanager
def _seeded_fuzz(key: int) -> Iterator[None]:
    """Make fsrs's interval fuzz draw from ``random.Random(key)`` for the duration.

    fsrs 6 fuzzes with the module-level ``random()`` it imported from :mod:`random` and offers
    no way to pass a generator. Swapping that one name (under a lock, restored afterwards) keeps
    the fuzz fsrs defines while making it a function of (seed, card, review count): a replay of
    the log gives the same state, and tests see the same intervals every run.
    """
    if not callable(getattr(fsrs.scheduler, "random", None)):
        raise RuntimeError("fsrs.scheduler no longer fuzzes through 'random'; update quiz.schedule")
    rng = random.Random(key)
    with _FUZZ_LOCK:
        saved = fsrs.scheduler.random  # type: ignore[attr-defined]
        fsrs.scheduler.random = rng.random  # type: ignore[attr-defined]
        try:
            yield
        finally:
            fsrs.scheduler.random = saved  # type: ignore[attr-defined]


def _fsrs_card(state: CardState | None, deck_id: str, card_id: str, now: datetime) -> fsrs.Card:
    if state is None:
        return fsrs.Card(card_id=_digest(deck_id, card_id) >> 12, due=now)
    return fsrs.Card.from_dict(json.loads(state.data))


def _review(
    state: CardState | None,
    deck_id: str,
    card_id: str,
    rating: int,
    now: datetime,
    seed: int,
    settings: Settings = DEFAULT,
) -> CardState:
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    now = _utc(now)
    reps = state.reps if state is not None else 0
    card = _fsrs_card(state, deck_id, card_id, now)
    with _seeded_fuzz(_digest(seed, deck_id, card_id, reps)):
        card, _log = _scheduler(settings).review_card(card, fsrs.Rating(rating), review_datetime=now)
    lapsed = state is not None and state.phase == Phase.REVIEW and rating == AGAIN
    return CardState(
        deck_id=deck_id,
        card_id=card_id,
        phase=_PHASES[card.state],
        due_at=card.due.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        data=json.dumps(card.to_dict(), sort_keys=True),
        reps=reps + 1,
        lapses=(state.lapses if state is not None else 0) + int(lapsed),
    )


def review(
    state: CardState | None,
    deck_id: str,
    card_id: str,
    rating: int,
    now: datetime,
    *,
    seed: int,
    settings: Settings = DEFAULT,
) -> CardState:
    """The card's state after answering it at ``now`` with ``rating`` (1 again … 4 easy)."""
    return _review(state, deck_id, card_id, rating, now, seed, settings)


def due_at(state: CardState) -> datetime:
    """When the card is next due (UTC)."""
    return _utc(datetime.fromisoformat(state.due_at))


def preview(
    state: CardState | None,
    deck_id: str,
    card_id: str,
    now: datetime,
    *,
    seed: int,
    settings: Settings = DEFAULT,
) -> dict[int, timedelta]:
    """The interval each rating 1..4 would give, exactly as :func:`review` would schedule it."""
    now = _utc(now)
    return {r: due_at(_review(state, deck_id, card_id, r, now, seed, settings)) - now for r in RATINGS}


def _trim(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_interval(interval: timedelta) -> str:
    """A short interval for the rating line: ``30s``, ``10m``, ``1.5h``, ``4d``, ``3.2mo``, ``1.1y``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return f"{max(0, round(seconds))}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    days = seconds / 86400
    if days < 1:
        return f"{_trim(seconds / 3600)}h"
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{_trim(days / 30)}mo"
    return f"{_trim(days / 365)}y"


def rating_for(verdict: Verdict, elapsed_ms: int, typical_ms: int | None) -> int:
    """The rating a graded typed answer suggests: wrong → again; right → good, or hard if shaky.

    Shaky means it needed typo tolerance, or took more than 2.5× the learner's median answer time
    for the deck (when one is known). Easy is never suggested: only the learner can say so.
    """
    if not verdict.correct:
        return AGAIN
    if verdict.typos > 0:
        return HARD
    if typical_ms is not None and typical_ms > 0 and elapsed_ms > SLOW_FACTOR * typical_ms:
        return HARD
    return GOOD


def allowed(rating: int, verdict: Verdict | None) -> bool:
    """Whether the learner may give ``rating``: a typed answer graded wrong cannot be rated easy."""
    return not (verdict is not None and not verdict.correct and rating == EASY)


def parse_rating(text: str) -> int | None:
    """``1``-``4`` or ``again``/``hard``/``good``/``easy`` (any prefix of one letter up) → the rating."""
    word = text.strip().lower()
    if word in {"1", "2", "3", "4"}:
        return int(word)
    for value, name in RATINGS.items():
        if word and name.startswith(word):
            return value
    return None


def rebuild(
    deck_id: str,
    card_id: str,
    reviews: Sequence[tuple[int, datetime] | tuple[int, datetime, int]],
    *,
    seed: int,
    settings: Settings = DEFAULT,
) -> CardState | None:
    """Replay a card's review log (rating, time[, seed]) into its state; ``None`` with no reviews.

    A review may carry the seed of the session it was given in (fuzz depends on it); reviews
    without one use ``seed``. Reviews are applied oldest first.
    """
    state: CardState | None = None
    for entry in sorted(reviews, key=lambda r: _utc(r[1])):
        review_seed = entry[2] if len(entry) == 3 else seed
        state = _review(state, deck_id, card_id, entry[0], entry[1], review_seed, settings)
    return state


def _utc_text(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="microseconds")


def _new_cards(ids: Sequence[str], due_times: Mapping[str, str]) -> Iterator[str]:
    """The new cards in deck order, the reversed variants (``<id>~reverse``) after all the others:
    as Anki asks a note's first card before its reverse, so that a card and its reverse are not
    asked one right after the other (the second would only repeat the first's answer)."""
    flipped: list[str] = []
    for cid in ids:
        if cid not in due_times:
            if cid.endswith(REVERSE_SUFFIX):
                flipped.append(cid)
            else:
                yield cid
    yield from flipped


def queue_due(
    card_ids_in_deck_order: Sequence[str],
    due_times: Mapping[str, str],
    now: datetime,
    *,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
    new_seen_today: int = 0,
    limit: int | None = None,
    ahead: bool = False,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """The cards to study now: due (most overdue first), then new up to today's limit, then ahead.

    ``due_times`` maps each scheduled card to its due time as stored UTC text (``Store.due_times``);
    a card without one is new. A card is due once its due time has passed. New cards come in deck
    order (reversed variants after the others, :func:`_new_cards`), at most
    ``new_per_day - new_seen_today`` of them. With ``ahead``, cards not yet due
    follow, soonest first. ``skip`` removes cards (leeches); ``limit`` caps the whole list. No
    state is built or parsed: fixed-width UTC text compares and sorts as the times do.
    """
    now_text = _utc_text(now)
    ids = [cid for cid in card_ids_in_deck_order if cid not in skip] if skip else card_ids_in_deck_order
    # Only the due cards are sorted (and the later ones with ``ahead``), by due time and then deck
    # order; new ones are taken in order. A pair is made only for a due card: a third of them.
    get = due_times.get
    due_at = [(w, i) for i, c in enumerate(ids) if (w := get(c)) and w <= now_text]
    due = [ids[i] for _, i in sorted(due_at)]
    wanted = max(0, new_per_day - new_seen_today)
    new = list(itertools.islice(_new_cards(ids, due_times), wanted)) if wanted else []
    later: list[str] = []
    if ahead:
        later_at = [(w, i) for i, c in enumerate(ids) if (w := get(c)) and w > now_text]
        later = [ids[i] for _, i in sorted(later_at)]
    picked = due + new + later
    return picked if limit is None else picked[: max(0, limit)]


# -- the memory model, for simulating and fitting (quiz optimize) ---------------------------
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)


def clamp_parameters(values: Sequence[float]) -> tuple[float, ...]:
    """``values`` within the bounds the FSRS scheduler accepts, each rounded to 4 places."""
    low, high = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS, fsrs.scheduler.UPPER_BOUNDS_PARAMETERS
    return tuple(round(min(max(float(w), lo), hi), 4) for w, lo, hi in zip(values, low, high, strict=True))


class Memory:
    """FSRS with given parameters and no fuzz: a learner's memory to simulate, or a schedule to follow.

    Cards are opaque here (FSRS's own objects); :meth:`new` makes one, :meth:`review` answers it,
    :meth:`due` and :meth:`recall` read it.
    """

    def __init__(self, parameters: Sequence[float], retention: float = 0.9) -> None:
        self._scheduler = fsrs.Scheduler(
            parameters=tuple(parameters), desired_retention=retention, enable_fuzzing=False
        )

    def new(self, number: int, at: datetime) -> Any:
        """A card not seen yet, numbered ``number``, due at ``at``."""
        return fsrs.Card(card_id=number, due=at)

    def review(self, card: Any, rating: int, at: datetime) -> Any:
        """The card after a review rated ``rating`` (1 again … 4 easy) at ``at``."""
        return self._scheduler.review_card(card, fsrs.Rating(rating), review_datetime=at)[0]

    def due(self, card: Any) -> datetime:
        """When the card is next due."""
        when: datetime = card.due
        return when

    def recall(self, card: Any, at: datetime) -> float:
        """The probability the card is recalled at ``at``."""
        return float(self._scheduler.get_card_retrievability(card, at))
