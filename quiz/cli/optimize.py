"""Command ``optimize``: fit FSRS to the learner's own study history (see docs/study.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from quiz import clock
from quiz.cli.options import data_dir, data_dir_option

if TYPE_CHECKING:
    from quiz.practice.optimize import Forecast
    from quiz.store import Store


def _deck_ids(ref: str | None, store: Store) -> list[tuple[str, int | None]]:
    """(deck id, its number of cards when its file loads) for DECK, or every deck with history."""
    from quiz.deckio import load_ref
    from quiz.errors import DeckError, DeckNotFound

    if ref is None:
        return [(deck_id, None) for deck_id in store.deck_ids()]
    try:
        deck = load_ref(ref, cache_dir=data_dir() / "cache")
    except (DeckNotFound, DeckError):
        if ref in store.deck_ids():  # a deck whose file is gone still has its history
            return [(ref, None)]
        raise
    return [(deck.id, len(deck.cards))]


def _row(label: str, f: Forecast) -> str:
    return f"    {label:<22}{f.reviews_per_day:>10.1f}{f.retention * 100:>11.1f} %"


def _change(before: Forecast, after: Forecast) -> str:
    if before.reviews_per_day <= 0:
        return ""
    change = (after.reviews_per_day / before.reviews_per_day - 1) * 100
    work = f"{abs(change):.0f} % {'fewer' if change < 0 else 'more'} reviews a day"
    if not round(change):
        work = "about as many reviews a day"
    return f"  → {work}; recalled at review {before.retention * 100:.1f} % → {after.retention * 100:.1f} %."


def _one(store: Store, deck_id: str, cards: int | None, *, dry_run: bool) -> None:
    from quiz.practice.optimize import (
        MIN_REVIEWS,
        fit,
        forecast,
        long_term_reviews,
        require_optimizer,
        reviews,
    )
    from quiz.practice.schedule import DEFAULT_PARAMETERS

    found = reviews(store.attempts(deck_id=deck_id))
    usable = long_term_reviews(found)
    if usable < MIN_REVIEWS:
        click.echo(
            f"{deck_id}: {usable:,} reviews on a later day than the card's last one; fitting needs at least "
            f"{MIN_REVIEWS:,}. Keep studying: 'quiz study' goes on with the FSRS defaults."
        )
        return
    require_optimizer()  # only now: counting the reviews needs no extra
    fitted = fit(found)
    stored = store.fsrs_params(deck_id)
    current, label = (stored.params, "fitted before") if stored else (DEFAULT_PARAMETERS, "FSRS defaults")
    count = cards if cards is not None else len({r.card for r in found})
    before = forecast(fitted, current, cards=count)
    after = forecast(fitted, fitted, cards=count)
    click.echo(f"{deck_id}: fitted to {len(found):,} reviews ({usable:,} on a later day) of {count:,} cards.")
    click.echo(f"  Over a year, {count:,} cards studied from new, your memory as fitted:")
    click.echo(f"    {'':<22}{'reviews/day':>10}{'recalled':>13}")
    click.echo(_row(label, before))
    click.echo(_row("fitted to you", after))
    click.echo(_change(before, after))
    if dry_run:
        click.echo("  Not stored (--dry-run).")
        return
    store.set_fsrs_params(deck_id, fitted, clock.now(), len(found))
    click.echo(f"  Stored: 'quiz study {deck_id}' schedules with them from now on.")


@click.command("optimize")
@click.argument("deck", required=False)
@click.option("--dry-run", is_flag=True, help="Fit and show the expected change, but store nothing.")
@click.option(
    "--reset", is_flag=True, help="Forget the fitted parameters: study with the FSRS defaults again."
)
@data_dir_option
def optimize(deck: str | None, dry_run: bool, reset: bool) -> None:
    """Fit FSRS to your own study reviews of DECK (or every deck) for 'quiz study'.

    Needs at least 400 reviews that came on a later day than the card's previous
    one (study answers with a rating; cram practice does not count), and the
    optional extra: pip install 'quiz[optimize]'. Shows the expected reviews a
    day and share recalled with the parameters used so far and with the fitted
    ones, then stores the fitted ones with the deck's scores. See docs/study.md.
    """
    from quiz.store import Store, db_path

    if reset and dry_run:
        raise click.UsageError("--reset and --dry-run do not go together")
    path = db_path(data_dir())
    if not path.exists():
        if deck is not None:  # a misspelt or broken DECK is said as such, history or not
            from quiz.deckio import load_ref

            load_ref(deck, cache_dir=data_dir() / "cache")
        click.echo("No study history yet: study with 'quiz study DECK' first.")
        return
    with Store.open(path) as store:
        targets = _deck_ids(deck, store)
        if not targets:
            click.echo("No study history yet: study with 'quiz study DECK' first.")
        for deck_id, cards in targets:
            if reset:
                gone = store.clear_fsrs_params(deck_id)
                click.echo(f"{deck_id}: {'back to' if gone else 'already on'} the FSRS defaults.")
            else:
                _one(store, deck_id, cards, dry_run=dry_run)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (optimize,) if c.name}
