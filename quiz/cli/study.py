"""Command ``study``: spaced repetition with FSRS (see docs/study.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import click

from quiz import clock
from quiz.cli.options import data_dir, data_dir_option, use_color
from quiz.ui.terminal import EXIT_INTERRUPTED, Signals, enable_line_editing, read_line, reconfigure_stdin

if TYPE_CHECKING:
    import random

    from quiz.model import Card, CardState, Deck, Question, Verdict
    from quiz.store import Store

UNDO = "undo"


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


def _width() -> int | None:
    """Wrap questions to the terminal (None through a pipe: one line each)."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return None
    import shutil

    enable_line_editing()
    return max(40, min(100, shutil.get_terminal_size().columns - 2))


def _read_line(prompt: str) -> str | None:
    """One line from the learner (None at end of input); a pipe's line is echoed as a transcript."""
    if sys.stdin.isatty():
        return read_line(prompt, interactive=True)
    click.echo(prompt, nl=False)
    text = read_line(interactive=False)
    click.echo("" if text is None else text)
    return text


@dataclass
class _Item:
    card_id: str
    kind: str  # "due" | "new" | "ahead" | "cram"


@dataclass
class _Done:
    card_id: str
    kind: str
    attempt_id: int
    correct: bool


@dataclass
class _Study:
    """One study (or cram) session: asks, rates, records, undoes."""

    store: Store
    deck: Deck
    session_id: int
    seed: int
    rng: random.Random
    cram: bool
    color: bool
    plain: bool
    width: int | None
    now: Callable[[], datetime]
    states: dict[str, CardState]
    misses: dict[str, int]
    typical_ms: int | None
    todo: list[_Item]
    params: tuple[float, ...] | None = None  # fitted by 'quiz optimize'; None: the FSRS defaults
    signals: Signals = field(default_factory=Signals)
    done: list[_Done] = field(default_factory=list)
    kind: str = ""  # of the card being asked

    def say(self, text: str, role: str = "") -> None:
        """Print a line in the style named ``role`` (render.STYLES) when colour is on."""
        from quiz.ui.render import styled

        click.echo(styled(text, role, self.color))

    def run(self) -> bool:
        """Ask until the queue is empty (True) or input ends (False)."""
        while self.todo:
            item = self.todo.pop(0)
            outcome = self.ask(item, len(self.done) + 1, len(self.done) + len(self.todo) + 1)
            if outcome == "eof":
                self.todo.insert(0, item)
                return False
            if outcome in ("undo-current", "undo-previous"):
                self.todo.insert(0, item)
            if outcome == "undo-previous":
                self.undo()
        return True

    def ask(self, item: _Item, n: int, total: int) -> str:
        """Ask one card; ``done``, ``eof``, ``undo-current`` (re-ask it) or ``undo-previous``."""
        from quiz.model import FlashCard, Question
        from quiz.practice import shown_order
        from quiz.ui.render import progress, question_lines, styled

        card = self.deck.card(item.card_id)
        assert card is not None
        self.kind = item.kind
        question = Question(n, total, card, shown_order(card, self.rng))
        indent = " " * (len(progress(question)) + 2)
        click.echo()
        click.echo(styled(f"{item.kind} · {card.id}", "hint", self.color))
        for text in question_lines(question, self.color, self.width):
            click.echo(text)
        asked_at = self.now()
        if isinstance(card, FlashCard):
            line = _read_line(f"{indent}(press Enter to see the answer) ")
            if line is None:
                return "eof"
            if line.strip().lower() == UNDO:
                return self._undo_request()
            click.echo(f"{indent}Answer: {styled(card.back, 'answer', self.color)}")
            return self._rate(question, asked_at, None, "")
        typed = _read_line("> ")
        if typed is None:
            return "eof"
        if typed.strip().lower() == UNDO:
            return self._undo_request()
        verdict = self._grade(card, typed, question.shown)
        self._feedback(question, typed, verdict)
        return self._rate(question, asked_at, verdict, typed)

    def _undo_request(self) -> str:
        if not self.done:
            self.say("Nothing to undo yet in this session.")
            return "undo-current"
        return "undo-previous"

    def _grade(self, card: Card, typed: str, shown: tuple[str, ...] | None) -> Verdict:
        from quiz.grading import grade

        reject = tuple(e.text for e in card.reject_examples)
        return grade(card, typed, self.deck.policy(card), shown=shown, reject=reject)

    def _feedback(self, question: Question, typed: str, verdict: Verdict) -> None:
        from quiz.model import Outcome
        from quiz.ui.render import verdict_lines

        outcome = Outcome(question, typed, verdict, 0, "")
        for line in verdict_lines(outcome, self.color, self.plain, width=self.width):
            click.echo(line)

    def _rate(self, question: Question, asked_at: datetime, verdict: Verdict | None, typed: str) -> str:
        """Ask for (or confirm) the rating, then save the answer and the card's new state."""
        from quiz.practice import schedule

        card = question.card

        answered = self.now()
        elapsed = max(0, int((answered - asked_at).total_seconds() * 1000))
        if verdict is None:
            suggested = schedule.GOOD
        else:
            suggested = schedule.rating_for(verdict, elapsed, self.typical_ms)
        name = schedule.RATINGS
        if self.cram and verdict is not None:
            rating: int | None = None
        else:
            if not self.cram:
                old, deck_id = self.states.get(card.id), self.deck.id
                shown = schedule.preview(old, deck_id, card.id, answered, seed=self.seed, params=self.params)
                intervals = " · ".join(f"{name[r]} {schedule.format_interval(shown[r])}" for r in name)
                self.say(f"  {intervals}", "hint")
            while True:
                line = _read_line(f"  Rating [{name[suggested]}]: ")
                if line is None:
                    return "eof"
                if line.strip().lower() == UNDO:
                    self.say("  Answer discarded; asking it again.")
                    return "undo-current"
                rating = schedule.parse_rating(line) if line.strip() else suggested
                if rating is not None:
                    break
                self.say(f"  Type 1-4 or again/hard/good/easy (Enter: {name[suggested]}).")
        if verdict is None:
            assert rating is not None
            correct, rule, score, typed = rating > schedule.AGAIN, "self", float(rating > 1), name[rating]
        else:
            correct, rule, score = verdict.correct, verdict.rule, verdict.score
        self._save(card, typed, correct, rule, score, elapsed, answered, rating)
        return "done"

    def _save(
        self,
        card: Card,
        typed: str,
        correct: bool,
        rule: str,
        score: float,
        elapsed: int,
        answered: datetime,
        rating: int | None,
    ) -> None:
        from quiz.model import Attempt
        from quiz.practice import schedule

        attempt = Attempt(
            session_id=self.session_id,
            deck_id=self.deck.id,
            card_id=card.id,
            typed=typed,
            correct=correct,
            rule=rule,
            score=score,
            time_ms=elapsed,
            answered_at=answered.isoformat(timespec="microseconds"),
            rating=None if self.cram else rating,
            cram=self.cram,
        )
        state = None
        if not self.cram:
            assert rating is not None
            old, deck_id, seed = self.states.get(card.id), self.deck.id, self.seed
            state = schedule.review(old, deck_id, card.id, rating, answered, seed=seed, params=self.params)
        with self.signals.saving():
            attempt_id = self.store.record(attempt, state=state)
        self.done.append(_Done(card.id, self.kind, attempt_id, correct))
        if state is not None:
            self.states[card.id] = state
            self.say(f"  Next review {when_text(schedule.due_at(state), answered)}.", "hint")
        if not correct and not self.cram:
            self.misses[card.id] = self.misses.get(card.id, 0) + 1
            if self.misses[card.id] == schedule.LEECH_MISSES:
                self.say(
                    f"'{card.id}' is now a leech (missed {schedule.LEECH_MISSES} times):"
                    " rewrite it, or leave it out with --skip-leeches.",
                    "note",
                )

    def undo(self) -> None:
        """Remove the session's last saved answer, restore that card's state, and ask it next."""
        undone = self.store.undo_last(self.session_id)
        last = self.done.pop()
        card_id = undone.card_id if undone is not None else last.card_id
        if not last.correct and not self.cram and self.misses.get(card_id):
            self.misses[card_id] -= 1
        if not self.cram:
            restored = restore_state(self.store, self.deck.id, card_id, self.params)
            self.store.set_card_state(self.deck.id, card_id, restored)
            if restored is None:
                self.states.pop(card_id, None)
            else:
                self.states[card_id] = restored
        self.say(f"Undid your last answer ({card_id}); asking it again.")
        self.todo.insert(0, _Item(card_id, last.kind))


def review_log(store: Store, deck_id: str, card_id: str) -> list[tuple[int, datetime, int]]:
    """A card's study reviews (rating, time, session seed), oldest first, from the attempt log."""
    from quiz.clock import parse_time

    seeds = {s.id: s.seed for s in store.sessions(deck_id)}
    return [
        (a.rating, parse_time(a.answered_at), seeds.get(a.session_id, 0))
        for a in store.attempts(deck_id=deck_id, card_id=card_id)
        if a.rating is not None and not a.cram
    ]


def restore_state(
    store: Store, deck_id: str, card_id: str, params: tuple[float, ...] | None = None
) -> CardState | None:
    """The card's state rebuilt from its remaining review log (None: it is new again)."""
    from quiz.practice import schedule

    return schedule.rebuild(deck_id, card_id, review_log(store, deck_id, card_id), seed=0, params=params)


def _history(store: Store, deck_id: str, now: datetime) -> tuple[int, int | None]:
    """(new cards first studied today (UTC), the median of the last 200 answer times, or None)."""
    from statistics import median

    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    past = store.study_history(deck_id, day_start)
    return past.new_today, (int(median(past.times)) if len(past.times) >= 5 else None)


def _next_due(due_times: dict[str, str], ids: set[str]) -> datetime | None:
    """The earliest due time among the cards ``ids`` (None when none is scheduled).

    Stored due times are fixed-width UTC text, which orders as the times do: only the
    earliest is parsed (not 100,000 of them).
    """
    from quiz.clock import parse_time

    earliest = min((when for cid, when in due_times.items() if cid in ids), default=None)
    return None if earliest is None else parse_time(earliest)


def _nothing_due(
    deck: Deck, due_times: dict[str, str], skip: set[str], now: datetime, new_left: bool, new_per_day: int
) -> str:
    parts = ["Nothing due."]
    if new_left:
        parts.append(f"Today's new cards are done (--new {new_per_day}); more tomorrow.")
    upcoming = _next_due(due_times, set(deck.card_ids()) - skip)
    if upcoming is not None:
        parts.append(f"Next card due {when_text(upcoming, now)}. Study early with --ahead.")
    return " ".join(parts)


@click.command("study")
@click.argument("deck")
@click.option(
    "--new",
    "new_per_day",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="New cards to introduce per day (UTC day).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Ask at most N cards in this session.")
@click.option("--ahead", is_flag=True, help="Also study cards not yet due, the soonest first.")
@click.option(
    "--cram", is_flag=True, help="Practise every card in random order without changing the schedule."
)
@click.option("--skip-leeches", is_flag=True, help="Leave out cards missed 8 times or more.")
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**63 - 1),
    help="Seed for the order (cram), shuffled choices and interval fuzz.",
)
@click.option("--plain", is_flag=True, help="No colour and no symbols.")
@data_dir_option
@click.pass_context
def study(
    ctx: click.Context,
    deck: str,
    new_per_day: int,
    limit: int | None,
    ahead: bool,
    cram: bool,
    skip_leeches: bool,
    seed: int | None,
    plain: bool,
) -> None:
    """Study DECK with spaced repetition: due cards first, then new ones.

    Each answer is rated again/hard/good/easy (typed answers get a suggested
    rating; Enter accepts it) and FSRS schedules the card's next review. Type
    'undo' to take back the last answer. See docs/study.md.
    """
    import random

    from quiz.clock import utc_text
    from quiz.deckio import load_ref
    from quiz.practice import schedule
    from quiz.store import Store, db_path

    reconfigure_stdin()
    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    now = clock.now()
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    color = use_color(plain)
    with Store.open(db_path(data_dir())) as store:
        # The queue comes from the due times alone; states are read only for the cards asked.
        due_times = store.due_times(loaded.id)
        skip = set(store.leeches(loaded.id)) if skip_leeches else set()
        new_today, typical = _history(store, loaded.id, now)
        ids = list(loaded.card_ids())
        if cram:
            order = [cid for cid in ids if cid not in skip]
            random.Random(seed).shuffle(order)
            todo = [_Item(cid, "cram") for cid in order[:limit]]
        else:
            picked = schedule.queue_due(
                ids,
                due_times,
                now,
                new_per_day=new_per_day,
                new_seen_today=new_today,
                limit=limit,
                ahead=ahead,
                skip=skip,
            )
            now_text = utc_text(now)  # stored due times are fixed-width UTC text: they compare as times
            todo = [
                _Item(
                    cid,
                    "new" if cid not in due_times else ("due" if due_times[cid] <= now_text else "ahead"),
                )
                for cid in picked
            ]
        if not todo:
            if cram:
                click.echo("No cards to cram (every card is a leech and --skip-leeches is on).")
                return
            new_left = any(cid not in due_times and cid not in skip for cid in ids)
            click.echo(_nothing_due(loaded, due_times, skip, now, new_left, new_per_day))
            return
        asked = {item.card_id for item in todo}
        states = store.card_states(loaded.id, asked)
        misses = store.leeches(loaded.id, misses=1, card_ids=asked)  # to tell when one becomes a leech
        counts = {k: sum(1 for i in todo if i.kind == k) for k in ("due", "new", "ahead", "cram")}
        what = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        mode = "Cram (the schedule is not changed)" if cram else "Study"
        fitted = None if cram else store.fsrs_params(loaded.id)
        tuned = f" · FSRS fitted to your {fitted.reviews:,} reviews" if fitted is not None else ""
        click.echo(f"{mode}: {loaded.title} · {what} · seed {seed}{tuned}")
        click.echo("Type 'undo' to take back your last answer.")
        session_id = store.start_session(
            loaded.id, "cram" if cram else "study", seed, now, deck_hash=loaded.content_hash
        )
        run = _Study(
            store=store,
            deck=loaded,
            session_id=session_id,
            seed=seed,
            rng=random.Random(seed),
            cram=cram,
            color=color,
            plain=plain,
            width=_width(),
            now=clock.now,
            states=states,
            misses=misses,
            typical_ms=typical,
            todo=todo,
            params=fitted.params if fitted is not None else None,
        )
        run.signals.install()
        try:
            finished = run.run()
        except (KeyboardInterrupt, click.Abort):
            run.signals.ignore()
            store.finish_session(session_id, clock.now(), interrupted=True)
            saved = len(run.done)
            plural = "s" if saved != 1 else ""
            click.echo(f"\nInterrupted — {saved} answer{plural} saved (session #{session_id}).", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        finally:
            run.signals.restore()
        # Input that ran out with cards left is an unfinished session, as in `quiz run`.
        store.finish_session(session_id, clock.now(), interrupted=not finished)
        right = sum(d.correct for d in run.done)
        click.echo()
        left = "" if finished else f"; stopped at end of input with {len(run.todo)} left"
        click.echo(f"Done: {len(run.done)} answered, {right} right{left}.")
        if cram:
            click.echo("The schedule was not changed (cram).")
            return
        for cid in asked:  # their schedules now, as the session left them (an undo may have removed one)
            if cid in run.states:
                due_times[cid] = run.states[cid].due_at
            else:
                due_times.pop(cid, None)
        upcoming = _next_due(due_times, set(ids) - skip) if finished else None
        if upcoming is not None:
            click.echo(f"Next card due {when_text(upcoming, clock.now())}.")


COMMANDS: dict[str, click.Command] = {c.name: c for c in (study,) if c.name}
