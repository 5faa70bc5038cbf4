"""Command ``study``: spaced repetition with FSRS (see docs/study.md).

Thin wiring: the study policy is :mod:`quiz.practice.study`, the session engine
:mod:`quiz.practice.engine`, its strings :mod:`quiz.ui.study`; interruption is handled by
:mod:`quiz.cli.sessions` as for ``quiz run``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from quiz import clock
from quiz.cli.options import (
    complete_deck,
    data_dir,
    data_dir_option,
    parse_steps_option,
    reask_option,
    use_color,
)
from quiz.ui.terminal import Signals, reconfigure_stdin

if TYPE_CHECKING:
    from quiz.model import Deck, Summary
    from quiz.practice.schedule import Settings


def _settings(steps: str | None, deck: Deck, parameters: Sequence[float] = ()) -> Settings:
    """The scheduler's settings: ``--steps``, else the deck's ``steps:``, else FSRS's defaults; the
    learner's own FSRS weights when ``quiz optimize`` fitted them (``parameters``)."""
    from quiz.practice import schedule

    base = replace(schedule.DEFAULT, parameters=tuple(parameters))
    text = steps or deck.steps
    if not text:
        return base
    try:
        return base.with_steps(schedule.parse_steps(text))
    except ValueError as err:
        raise click.ClickException(f"{deck.path or deck.id}: deck: steps: {err}") from None


@click.command("study")
@click.argument("deck", shell_complete=complete_deck)
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
@click.option(
    "--steps",
    metavar="STEPS",
    callback=parse_steps_option,
    help="Learning steps, e.g. '1m 10m': a missed card comes back after each (default: deck's, or 1m 10m).",
)
@reask_option
@click.option("--plain", is_flag=True, help="No colour and no symbols.")
@data_dir_option
def study(
    deck: str,
    new_per_day: int,
    limit: int | None,
    ahead: bool,
    cram: bool,
    skip_leeches: bool,
    seed: int | None,
    steps: str | None,
    reask: int,
    plain: bool,
) -> None:
    """Study DECK with spaced repetition: due cards first, then new ones.

    Each answer is rated again/hard/good/easy (typed answers get a suggested
    rating; Enter accepts it) and FSRS schedules the card's next review. Type
    'undo' to take back the last answer. See docs/study.md.
    """
    import random
    import statistics

    from quiz.cli.sessions import Driver, Saver
    from quiz.cli.study_io import StudyTerminal, width
    from quiz.deckio import load_ref
    from quiz.model import Ended, Mode
    from quiz.practice import Engine
    from quiz.practice.study import StudyPlan, next_due, plan_items, schedules_after
    from quiz.store import Store, db_path
    from quiz.ui import study as text
    from quiz.ui.render import pack, wrap

    reconfigure_stdin()
    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    now = clock.now()
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    color = use_color(plain)
    screen = width()

    def say(line: str) -> None:
        for part in wrap(line, screen, ""):
            click.echo(part)

    with Store.open(db_path(data_dir())) as store:
        # The queue comes from the due times alone; states are read only for the cards asked.
        due_times = store.due_times(loaded.id)
        skip = set(store.leeches(loaded.id)) if skip_leeches else set()
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        new_today, times = store.study_history(loaded.id, day_start)
        typical = int(statistics.median(times)) if len(times) >= 5 else None
        ids = list(loaded.card_ids())
        todo = plan_items(
            ids,
            due_times,
            now,
            cram=cram,
            seed=seed,
            new_per_day=new_per_day,
            new_seen_today=new_today,
            limit=limit,
            ahead=ahead,
            skip=skip,
        )
        if not todo:
            if cram:
                say("No cards to cram (every card is a leech and --skip-leeches is on).")
                return
            new_left = any(cid not in due_times and cid not in skip for cid in ids)
            upcoming = next_due(due_times, set(ids) - skip)
            say(text.nothing_due_line(upcoming, now, new_left, new_per_day))
            return
        asked = {item.card_id for item in todo}
        counts = {k: sum(1 for i in todo if i.kind == k) for k in ("due", "new", "ahead", "cram")}
        fitted = None if cram else store.fsrs_params(loaded.id)  # by 'quiz optimize'; None: the defaults
        plan = StudyPlan(
            loaded,
            todo,
            seed=seed,
            now=clock.now,
            cram=cram,
            states=store.card_states(loaded.id, asked),
            misses=store.leeches(loaded.id, misses=1, card_ids=asked),  # to tell when one becomes a leech
            typical_ms=typical,
            settings=_settings(steps, loaded, fitted.params if fitted is not None else ()),
        )
        signals = Signals()
        saver = Saver(store, signals)
        engine = Engine(
            loaded,
            plan,
            learner=StudyTerminal(color=color, plain=plain, width=screen),
            now=clock.now,
            recorder=saver,
            reask_unreadable=reask,
        )

        def start() -> int:
            parts = text.header_parts(loaded.title, counts, seed, cram)
            if fitted is not None:
                parts.append(f"FSRS fitted to your {fitted.reviews:,} reviews")
            for line in pack(parts, screen):
                click.echo(line)
            say("Type 'undo' to take back your last answer.")
            return store.start_session(
                loaded.id, Mode.CRAM if cram else Mode.STUDY, seed, now, deck_hash=loaded.content_hash
            )

        def finish(summary: Summary) -> None:
            finished = summary.ended == Ended.FINISHED
            click.echo()
            say(text.done_line(summary, plan.left, finished))
            if cram:
                say("The schedule was not changed (cram).")
                return
            if not finished:
                return
            upcoming = next_due(schedules_after(due_times, plan, asked), set(ids) - skip)
            if upcoming is not None:
                say(f"Next card due {text.when_text(upcoming, clock.now())}.")

        driver = Driver(
            what="study session",
            store=store,
            saver=saver,
            signals=signals,
            interactive=sys.stdin.isatty(),
            so_far=text.so_far_line,
        )
        driver.run(engine, start, finish)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (study,) if c.name}
