"""Every string ``quiz study`` shows: the header, the rating line, schedules in words, the ending."""

from __future__ import annotations

from datetime import datetime, timedelta

from quiz.model import LEECH_MISSES, Summary

RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
EASY = 4


def in_words(delta: timedelta) -> str:
    """``12 minutes``, ``5 hours``, ``3 days`` (rounded; at least one minute)."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 3600:
        n, unit = max(1, -(-int(seconds) // 60)), "minute"
    elif seconds < 86400:
        n, unit = round(seconds / 3600), "hour"
    else:
        n, unit = round(seconds / 86400), "day"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def when_text(when: datetime, now: datetime) -> str:
    """``in 3 days (2026-12-01 09:00 UTC)``, or ``now`` once that time has come."""
    if when <= now:
        return "now"
    return f"in {in_words(when - now)} ({when.strftime('%Y-%m-%d %H:%M')} UTC)"


def header_parts(title: str, counts: dict[str, int], seed: int, cram: bool) -> list[str]:
    """``Study: Title``, ``2 due, 3 new``, ``seed 7`` (joined by `` · ``; or ``Cram (the schedule …): …``)."""
    what = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    mode = "Cram (the schedule is not changed)" if cram else "Study"
    return [f"{mode}: {title}", what, f"seed {seed}"]


def preview_parts(preview: dict[int, str], wrong: bool) -> list[str]:
    """``again 1m``, ``hard 6m``, …; after a wrong answer no easy, and ``r: I was right``."""
    parts = [f"{RATING_NAMES[r]} {text}" for r, text in preview.items() if not (wrong and r == EASY)]
    if wrong:
        parts.append("r: I was right")
    return parts


def again_line(step: timedelta) -> str:
    """A card rated again comes back in this session: after its step, or once the other cards are done."""
    return f"  Again in this session: in {in_words(step)}, or after the other cards."


def rating_prompt(suggested: int) -> str:
    """``  Rating [good]: ``: Enter takes the suggestion."""
    return f"  Rating [{RATING_NAMES[suggested]}]: "


MESSAGES = {
    "undone": "Undid your last answer ({}); asking it again.",
    "nothing-to-undo": "Nothing to undo yet in this session.",
    "discarded": "  Answer discarded; asking it again.",
    "bad-rating": "  Type 1-4 or again/hard/good/easy (Enter: {}).",
    "no-easy": "  A wrong answer cannot be rated easy: type again, hard or good (or r if you were right).",
}


def message(name: str, *args: object) -> str:
    """The study message called ``name`` (a rating given as a number is named)."""
    shown = [RATING_NAMES.get(a, a) if isinstance(a, int) else a for a in args]
    return MESSAGES[name].format(*shown)


def leech_line(card_id: str) -> str:
    """Said when an answer makes a card a leech."""
    return (
        f"'{card_id}' is now a leech (missed {LEECH_MISSES} times):"
        " rewrite it, or leave it out with --skip-leeches."
    )


def done_line(summary: Summary, left: int, finished: bool) -> str:
    """``Done: 5 answered, 4 right.`` (``; stopped at end of input with N left`` when input ran out)."""
    right = sum(o.verdict.correct for o in summary.outcomes)
    stopped = "" if finished else f"; stopped at end of input with {left} left"
    return f"Done: {len(summary.outcomes)} answered, {right} right{stopped}."


def so_far_line(summary: Summary) -> str:
    """What an interrupted study session had done (printed above "Interrupted — …")."""
    right = sum(o.verdict.correct for o in summary.outcomes)
    return f"So far: {len(summary.outcomes)} answered, {right} right."


def nothing_due_line(next_due: datetime | None, now: datetime, new_left: bool, new_per_day: int) -> str:
    """Why there is nothing to study, and when to come back."""
    parts = ["Nothing due."]
    if new_left:
        parts.append(f"Today's new cards are done (--new {new_per_day}); more tomorrow.")
    if next_due is not None:
        parts.append(f"Next card due {when_text(next_due, now)}. Study early with --ahead.")
    return " ".join(parts)
