"""What ``quiz stats`` shows, computed from the store's aggregates. Pure: ``now`` is passed in.

Days are UTC calendar days throughout (streak, "due today", "due this week"), the same
days the database stores, so the numbers do not change with the machine's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from quiz.clock import utc_text
from quiz.model import LEECH_MISSES, Phase
from quiz.store.rows import DeckRows

SPARK = "▁▂▃▄▅▆▇█"
TREND_SESSIONS = 10
HARDEST = 5
#: Lines of the per-card table ``quiz stats DECK`` prints without ``--all`` (the most answered cards).
CARD_ROWS = 20


class CardStat(NamedTuple):
    """Answers given to one card (a named tuple: a deck may have 100,000 of them)."""

    card_id: str
    attempts: int
    correct: int
    misses: int  # wrong answers outside cram (what makes a leech)

    @property
    def accuracy(self) -> float | None:
        """Percent of answers that were right (None before any answer)."""
        return percent(self.correct, self.attempts)


@dataclass(frozen=True)
class TagStat:
    """Answers given to the cards of one tag."""

    tag: str
    cards: int
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        """Percent of answers that were right (None before any answer)."""
        return percent(self.correct, self.attempts)


@dataclass(frozen=True)
class TypedAnswer:
    """An answer typed for a card (a wrong one, or one the learner overrode), and how many times."""

    card_id: str
    typed: str
    times: int


@dataclass(frozen=True)
class DeckStats:
    """Everything ``quiz stats DECK`` reports about one deck."""

    deck_id: str
    title: str
    deck_found: bool  # False when only the history is known (the deck file is gone)
    sessions: int  # sessions with at least one answer
    best: float | None  # percent
    last: float | None
    average: float | None  # mean of the sessions' percentages
    trend: list[float]  # the last sessions' percentages, oldest first
    attempts: int
    correct: int
    new: int | None  # None when the deck's cards are unknown
    learning: int
    review: int
    due_today: int
    due_week: int
    reviews: int
    retention: float | None
    streak: int
    cards: list[CardStat] = field(default_factory=list)
    tags: list[TagStat] = field(default_factory=list)
    hardest: list[CardStat] = field(default_factory=list)
    wrong: list[TypedAnswer] = field(default_factory=list)
    #: Answers the grader refused and the learner overrode ("I was right"), by card, most frequent first.
    overridden: list[TypedAnswer] = field(default_factory=list)
    leeches: list[CardStat] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    #: Cards with at least one answer (``cards`` may list only some of them after a brief read).
    answered: int = 0

    @property
    def accuracy(self) -> float | None:
        """Percent of all answers that were right."""
        return percent(self.correct, self.attempts)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (card and tag lists carry their accuracy)."""
        # Field by field, not asdict(self): that would copy every card once more, only to be replaced.
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "answered"}
        out["trend"] = list(self.trend)
        out["wrong"] = [asdict(w) for w in self.wrong]
        out["overridden"] = [asdict(w) for w in self.overridden]
        out["orphans"] = list(self.orphans)
        out["accuracy"] = self.accuracy
        out["cards"] = [{**c._asdict(), "accuracy": c.accuracy} for c in self.cards]
        out["tags"] = [{**asdict(t), "accuracy": t.accuracy} for t in self.tags]
        out["hardest"] = [{**c._asdict(), "accuracy": c.accuracy} for c in self.hardest]
        out["leeches"] = [{**c._asdict(), "accuracy": c.accuracy} for c in self.leeches]
        return out


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, rounded to 0.1 (None when ``whole`` is 0)."""
    return round(100.0 * part / whole, 1) if whole else None


def sparkline(values: Sequence[float], low: float = 0.0, high: float = 100.0) -> str:
    """One block character per value, from ▁ (``low``) to █ (``high``)."""
    span = high - low or 1.0
    out = []
    for v in values:
        level = int((min(max(v, low), high) - low) / span * (len(SPARK) - 1) + 0.5)
        out.append(SPARK[level])
    return "".join(out)


def streak(days: Sequence[str], now: datetime) -> int:
    """Consecutive UTC days with answers, ending today, or yesterday if nothing yet today."""
    have = set(days)
    day = now.astimezone(timezone.utc).date()
    if day.isoformat() not in have:
        day -= timedelta(days=1)
    count = 0
    while day.isoformat() in have:
        count += 1
        day -= timedelta(days=1)
    return count


def day_start(day: date) -> str:
    """The first instant of a UTC day, as stored time text."""
    return utc_text(datetime.combine(day, time(0), tzinfo=timezone.utc))


def due_bounds(now: datetime) -> tuple[str, str]:
    """Stored-time text of the next UTC midnight and of UTC midnight seven days from today."""
    today = now.astimezone(timezone.utc).date()
    return day_start(today + timedelta(days=1)), day_start(today + timedelta(days=7))


def compute(
    rows: DeckRows,
    now: datetime,
    cards: Sequence[tuple[str, Sequence[str]]] | None = None,
    title: str = "",
) -> DeckStats:
    """The stats of a deck from its aggregates; ``cards`` are the deck's (id, tags) when it loads."""
    scored = [(s.correct, s.asked) for s in rows.sessions if s.asked > 0]
    pcts = [100.0 * c / a for c, a in scored]
    known = [cid for cid, _ in cards] if cards is not None else None
    in_deck = set(known) if known is not None else set(rows.cards) | set(rows.states)

    tomorrow, week = due_bounds(now)
    if rows.state_counts is not None:
        learning, review, due_today, due_week = rows.state_counts
    else:
        states = {cid: s for cid, s in rows.states.items() if cid in in_deck}
        learning = sum(1 for s in states.values() if s.phase in (Phase.LEARNING, Phase.RELEARNING))
        review = sum(1 for s in states.values() if s.phase == Phase.REVIEW)
        # Stored due times are fixed-width UTC text (utc_text), so text order is time order.
        due_today = sum(1 for s in states.values() if s.due_at < tomorrow)
        due_week = sum(1 for s in states.values() if s.due_at < week)

    per_card = {cid: CardStat(cid, t.attempts, t.correct, t.misses) for cid, t in rows.cards.items()}
    order = known if known is not None else sorted(per_card)
    card_list = [per_card.get(cid, CardStat(cid, 0, 0, 0)) for cid in order]
    tags: dict[str, list[int]] = {}
    for cid, card_tags in cards or ():
        stat = per_card.get(cid, CardStat(cid, 0, 0, 0))
        for tag in card_tags:
            total = tags.setdefault(tag, [0, 0, 0])
            total[0] += 1
            total[1] += stat.attempts
            total[2] += stat.correct
    hardest = sorted(
        (s for s in per_card.values() if s.card_id in in_deck and s.attempts >= 2 and s.correct < s.attempts),
        key=lambda s: (s.correct / s.attempts, -s.attempts, s.card_id),
    )[:HARDEST]
    reviews, right_reviews = rows.reviews.reviews, rows.reviews.correct
    if rows.totals is not None:
        attempts, correct, answered = rows.totals
    else:
        attempts = sum(s.attempts for s in per_card.values())
        correct = sum(s.correct for s in per_card.values())
        answered = sum(1 for c in card_list if c.attempts)
    return DeckStats(
        deck_id=rows.deck_id,
        title=title,
        deck_found=cards is not None,
        sessions=len(scored),
        best=round(max(pcts), 1) if pcts else None,
        last=round(pcts[-1], 1) if pcts else None,
        average=round(sum(pcts) / len(pcts), 1) if pcts else None,
        trend=[round(p, 1) for p in pcts[-TREND_SESSIONS:]],
        attempts=attempts,
        correct=correct,
        new=None if known is None else sum(1 for cid in known if cid not in rows.states),
        learning=learning,
        review=review,
        due_today=due_today,
        due_week=due_week,
        reviews=reviews,
        retention=percent(right_reviews, reviews),
        streak=streak(rows.days, now),
        cards=card_list,
        tags=[TagStat(t, n, a, c) for t, (n, a, c) in sorted(tags.items())],
        hardest=hardest,
        wrong=[TypedAnswer(w.card_id, w.typed, w.times) for w in rows.wrong],
        overridden=[TypedAnswer(o.card_id, o.typed, o.times) for o in rows.overridden],
        leeches=sorted(
            (s for s in per_card.values() if s.misses >= LEECH_MISSES), key=lambda s: (-s.misses, s.card_id)
        ),
        orphans=[] if known is None else sorted((set(rows.cards) | set(rows.states)) - set(known)),
        answered=answered,
    )
