"""FSRS tuned to the learner: fit the 21 FSRS parameters to a review history, and weigh the change.

The fit runs in ``fsrs-rs-python`` (the Rust FSRS, the one Anki uses), an optional extra
(``pip install 'quiz[optimize]'``): without it :func:`fit` raises :class:`OptimizerMissing`
saying how to install it. bench/README.md has the figures that chose it over the fsrs
package's own optimizer (which needs torch).

The rest is pure and uses FSRS through :class:`quiz.practice.schedule.Memory`:
:func:`simulate` plays a learner whose memory follows given parameters through a schedule
(tests recover known parameters from it; :func:`forecast` weighs old against new parameters).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from quiz.clock import parse_time
from quiz.errors import QuizError
from quiz.model import Attempt

from .schedule import DEFAULT_PARAMETERS, Memory, clamp_parameters

INSTALL_HINT = "quiz optimize needs fsrs-rs-python: pip install 'quiz[optimize]'"
#: Fewer reviews than this (after a first sight, on another day) cannot support a fit.
MIN_REVIEWS = 400
RETENTION = 0.9
_DAY = timedelta(days=1)


class OptimizerMissing(QuizError):
    """The optional optimizer package is not installed."""


@dataclass(frozen=True)
class Review:
    """One rated study answer: which card, the rating (1 again … 4 easy) and when (UTC)."""

    card: str
    rating: int
    at: datetime


@dataclass(frozen=True)
class Forecast:
    """What a schedule costs and gives over ``days``: reviews per day and the share recalled."""

    days: int
    reviews_per_day: float
    retention: float


def reviews(attempts: Iterable[Attempt]) -> list[Review]:
    """The study reviews among ``attempts``: those with a rating, cram practice left out."""
    return [
        Review(a.card_id, a.rating, parse_time(a.answered_at))
        for a in attempts
        if a.rating is not None and not a.cram
    ]


def long_term_reviews(reviews: Iterable[Review]) -> int:
    """How many reviews came on a later UTC day than the same card's previous one (what a fit uses)."""
    last: dict[str, int] = {}
    count = 0
    for r in sorted(reviews, key=lambda r: r.at):
        day = _day(r.at)
        if r.card in last and day > last[r.card]:
            count += 1
        last[r.card] = day
    return count


def _day(moment: datetime) -> int:
    return moment.astimezone(timezone.utc).toordinal()


def _items(reviews: Iterable[Review], rs: Any) -> list[Any]:
    """The training items: for each card, each prefix of its history that ends on a later day."""
    by_card: dict[str, list[Review]] = defaultdict(list)
    for r in reviews:
        by_card[r.card].append(r)
    items: list[Any] = []
    for history in by_card.values():
        history.sort(key=lambda r: r.at)
        steps: list[Any] = []
        previous: int | None = None
        for r in history:
            day = _day(r.at)
            gap = 0 if previous is None else day - previous
            steps.append(rs.FSRSReview(r.rating, gap))
            previous = day
            if len(steps) > 1 and gap > 0:
                items.append(rs.FSRSItem(list(steps)))
    return items


def require_optimizer() -> Any:
    """The optimizer module (fsrs_rs_python); :class:`OptimizerMissing` saying how to install it."""
    try:
        import fsrs_rs_python
    except ImportError:
        raise OptimizerMissing(INSTALL_HINT) from None
    return fsrs_rs_python


def fit(reviews: Sequence[Review]) -> tuple[float, ...]:
    """The FSRS parameters that best predict the recalls in ``reviews`` (needs the optimize extra)."""
    rs = require_optimizer()
    fitted = rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(_items(reviews, rs))
    # Within the bounds the fsrs scheduler accepts (the two implementations share them).
    return clamp_parameters(fitted)


def simulate(
    memory: Sequence[float],
    schedule: Sequence[float],
    *,
    cards: int,
    days: int,
    seed: int,
    new_per_day: int = 20,
    start: datetime = datetime(2025, 1, 1, 9, tzinfo=timezone.utc),
) -> list[Review]:
    """A learner whose memory follows ``memory``, studying as ``schedule`` says, for ``days`` days.

    ``cards`` cards are introduced ``new_per_day`` a day. At each review the card is recalled with
    the probability the ``memory`` parameters give (again otherwise; recalled: hard 15 %, good
    75 %, easy 10 %); a new card's first rating is again 20 %, hard 10 %, good 60 %, easy 10 %.
    Reviews happen when the ``schedule`` parameters make the card due, a few hours either way.
    """
    rng = random.Random(seed)
    truth, plan = Memory(memory, RETENTION), Memory(schedule, RETENTION)
    end = start + days * _DAY
    out: list[Review] = []
    for n in range(cards):
        at = start + (n // max(1, new_per_day)) * _DAY + timedelta(minutes=rng.randrange(0, 600))
        if at >= end:
            break
        key = f"c{n}"
        known, planned = truth.new(n + 1, at), plan.new(n + 1, at)
        rating = rng.choices((1, 2, 3, 4), (20, 10, 60, 10))[0]
        while at < end:
            out.append(Review(key, rating, at))
            known = truth.review(known, rating, at)
            planned = plan.review(planned, rating, at)
            at = max(plan.due(planned), at + timedelta(minutes=1)) + timedelta(minutes=rng.randrange(0, 240))
            recall = truth.recall(known, at)
            rating = rng.choices((2, 3, 4), (15, 75, 10))[0] if rng.random() < recall else 1
    return out


def forecast(memory: Sequence[float], schedule: Sequence[float], *, cards: int, days: int = 365) -> Forecast:
    """Reviews per day and the share of later-day reviews recalled, for ``cards`` new cards.

    The cards are introduced 20 a day and scheduled by ``schedule``; the learner's memory is taken
    to follow ``memory`` (the fitted parameters: the best estimate of it). At most 300 cards are
    simulated and the workload scaled up; the same seed for both schedules, so a difference
    between two forecasts is the parameters' alone.
    """
    truth = Memory(memory, RETENTION)
    sample = max(1, min(cards, 300))
    simulated = simulate(memory, schedule, cards=sample, days=days, seed=7, new_per_day=20)
    by_card: dict[str, list[Review]] = defaultdict(list)
    for r in simulated:
        by_card[r.card].append(r)
    recalled, counted = 0.0, 0
    for history in by_card.values():
        card = truth.new(1, history[0].at)
        for i, r in enumerate(history):
            if i and _day(r.at) > _day(history[i - 1].at):
                recalled += truth.recall(card, r.at)
                counted += 1
            card = truth.review(card, r.rating, r.at)
    per_day = len(simulated) * (cards / sample) / days
    return Forecast(days, per_day, recalled / counted if counted else math.nan)
