"""Commands about the score database: ``where``, ``stats``, ``history``, ``reset``."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from quiz import clock
from quiz.cli.options import card_option, complete_deck, data_dir, data_dir_option, existing_store, use_color
from quiz.clock import parse_time
from quiz.deckio import load_ref
from quiz.errors import DeckError, DeckNotFound
from quiz.insight.stats import CARD_ROWS, HARDEST, DeckStats, compute, due_bounds, percent, sparkline
from quiz.model import LEECH_MISSES, Attempt, Deck, SessionRecord, plural
from quiz.model.names import did_you_mean
from quiz.store import DeckSummary, Store, db_path
from quiz.store.rows import DeckRows, Reviews
from quiz.ui.terminal import echo, terminal_width


def _heading(text: str, color: bool) -> str:
    return click.style(text, bold=True) if color else text


def _pct(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def _resolve(ref: str, store: Store | None, *, cached: bool = False) -> tuple[str, Deck | None]:
    """The deck id a DECK argument names, and the deck when its file loads (through the cache if ``cached``).

    A deck whose file is gone (or broken) is still found by its id in the history.
    """
    try:
        deck = load_ref(ref, cache_dir=data_dir() / "cache" if cached else None)
    except (DeckNotFound, DeckError):
        if store is not None and ref in store.deck_ids():
            return ref, None
        raise
    return deck.id, deck


# -- where -------------------------------------------------------------------------------
@click.command("where")
@click.option("--json", "as_json", is_flag=True, help="The paths as one JSON object.")
@data_dir_option
def where(as_json: bool) -> None:
    """Print where scores are kept: the data directory and the database file."""
    ctx = click.get_current_context()
    directory = data_dir(ctx)
    if ctx.find_root().meta.get("quiz.data_dir"):
        rule = "--data-dir"
    elif os.environ.get("QUIZ_HOME"):
        rule = "QUIZ_HOME"
    else:
        rule = "default"
    db = db_path(directory)
    if as_json:
        click.echo(
            json.dumps({"data_dir": str(directory), "database": str(db), "from": rule, "exists": db.exists()})
        )
        return
    why = {"--data-dir": "from --data-dir", "QUIZ_HOME": "from $QUIZ_HOME", "default": "the default"}[rule]
    echo(f"Data directory: {directory}  ({why})")
    if not db.exists():
        state = "not created yet"
    elif db.is_file() and db.stat().st_size == 0:
        state = "empty: no scores saved yet"
    else:
        state = f"{db.stat().st_size:,} bytes"
    echo(f"Database:       {db}  ({state})")


# -- stats --------------------------------------------------------------------------------
@click.command("stats")
@click.argument("deck", required=False, shell_complete=complete_deck)
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
@click.option("--plain", is_flag=True, help="No colour and no sparkline (numbers instead).")
@click.option(
    "--all", "all_cards", is_flag=True, help="List every answered card (default: the 20 most answered)."
)
@data_dir_option
def stats(deck: str | None, as_json: bool, plain: bool, all_cards: bool) -> None:
    """Show scores and progress: of DECK in detail, or one line per deck.

    Sessions, best / last / average score, the trend of the last 10 sessions,
    cards new / learning / review / due, retention, the streak of days, accuracy
    per card and per tag, the hardest cards, common wrong answers, overridden
    answers, leeches and orphans (cards with history that are no longer in the deck).
    """
    now = clock.now()
    store = existing_store(reading=True)
    try:
        if deck is None:
            summaries = store.summaries() if store else []
            _print_summaries(summaries, as_json)
            return
        deck_id, loaded = _resolve(deck, store, cached=True)
        if store is None:
            rows = DeckRows(deck_id, [], {}, [], [], Reviews(0, 0), {})
        elif loaded is None and not as_json and not all_cards:
            # Only what is printed: a few cards and deck-wide sums, not 100,000 rows.
            rows = store.deck_brief(deck_id, due_bounds(now), top=CARD_ROWS, hardest=HARDEST)
        else:
            rows = store.deck_rows(deck_id)
    finally:
        if store is not None:
            store.close()
    cards = list(zip(loaded.card_ids(), loaded.card_tags(), strict=True)) if loaded else None
    result = compute(rows, now, cards, loaded.title if loaded else "")
    if as_json:
        out: dict[str, Any] = result.to_dict()
        out["deck_file"] = loaded.path if loaded else None
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    _print_stats(result, color=use_color(plain), spark=not plain and sys.stdout.isatty(), all_cards=all_cards)


def _print_summaries(summaries: list[DeckSummary], as_json: bool) -> None:
    if as_json:
        decks = [
            {
                "deck_id": s.deck_id,
                "sessions": s.sessions,
                "attempts": s.attempts,
                "accuracy": percent(s.correct, s.attempts),
                "last": percent(s.last_correct, s.last_asked),
                "last_answer_at": s.last_at,
            }
            for s in summaries
        ]
        click.echo(json.dumps({"decks": decks}, ensure_ascii=False))
        return
    if not summaries:
        echo("No scores yet. Take a quiz with 'quiz run DECK' or study with 'quiz study DECK'.")
        return
    width = max(len(s.deck_id) for s in summaries)
    for s in summaries:
        last_day = s.last_at[:10] if s.last_at else "never"
        echo(
            f"{s.deck_id:<{width}}  {s.sessions:>4} {_noun(s.sessions, 'session')}  "
            f"{s.attempts:>6} {_noun(s.attempts, 'answer')}  "
            f"{_pct(percent(s.correct, s.attempts)):>6} right  "
            f"last {_pct(percent(s.last_correct, s.last_asked)):>5}  ({last_day})"
        )


def _noun(n: int, word: str) -> str:
    """``word`` or its plural for ``n``, padded to the plural's width so that columns line up."""
    return f"{word} " if n == 1 else f"{word}s"


def _print_stats(st: DeckStats, *, color: bool, spark: bool, all_cards: bool = False) -> None:
    title = f"{st.title} ({st.deck_id})" if st.title else st.deck_id
    echo(_heading(title, color))
    if not st.deck_found:
        echo("(the deck file was not found: history only)")
    echo(
        f"Sessions     {st.sessions}   best {_pct(st.best)}  last {_pct(st.last)}  average {_pct(st.average)}"
    )
    if st.trend:
        shown = sparkline(st.trend) if spark else " ".join(_pct(p) for p in st.trend)
        echo(f"Trend        {shown}  (last {plural(len(st.trend), 'session')}, oldest first)")
    echo(f"Answers      {st.attempts}, {_pct(st.accuracy)} right")
    cards = f"{st.new} new, " if st.new is not None else ""
    echo(
        f"Cards        {cards}{st.learning} learning, {st.review} review; "
        f"due today {st.due_today}, this week {st.due_week}"
    )
    echo(f"Retention    {_pct(st.retention)} of {st.reviews} study reviews")
    echo(f"Streak       {st.streak} day{'s' if st.streak != 1 else ''}")
    if st.hardest:
        echo("")
        echo(_heading(f"Hardest cards (lowest accuracy, 2+ answers, up to {HARDEST})", color))
        for c in st.hardest:
            echo(f"  {c.card_id}  {_pct(c.accuracy)}  ({c.correct} of {c.attempts})")
    if st.wrong:
        echo("")
        echo(_heading("Most common wrong answers", color))
        for w in st.wrong:
            click.echo(f"  {w.card_id}  {json.dumps(w.typed, ensure_ascii=False)}  ×{w.times}")
    if st.overridden:
        echo("")
        echo(
            _heading("Overridden answers (refused, then marked right; 'quiz suggest' proposes them)", color)
        )
        for o in st.overridden:
            click.echo(f"  {o.card_id}  {json.dumps(o.typed, ensure_ascii=False)}  ×{o.times}")
    if st.leeches:
        echo("")
        echo(_heading(f"Leeches (missed {LEECH_MISSES}+ times)", color))
        for c in st.leeches:
            echo(f"  {c.card_id}  missed {c.misses} times")
    if st.orphans:
        echo("")
        echo(
            _heading(
                "Orphans (history, but no longer in the deck; 'quiz reset --orphans' removes them)", color
            )
        )
        for cid in st.orphans:
            echo(f"  {cid}")
    if st.tags:
        echo("")
        width = max(len(t.tag) for t in st.tags)
        echo(_heading(f"{'By tag':<{width + 2}}  {'cards':>5}  {'answers':>7}  {'right':>6}", color))
        for t in st.tags:
            echo(f"  {t.tag:<{width}}  {t.cards:>5}  {t.attempts:>7}  {_pct(t.accuracy):>6}")
    answered = [c for c in st.cards if c.attempts]
    if answered:
        echo("")
        more = 0
        title = "By card"
        if not all_cards and st.answered > CARD_ROWS:
            # The most answered cards, in deck order: 100,000 lines would bury everything above.
            top = set(map(id, sorted(answered, key=lambda c: -c.attempts)[:CARD_ROWS]))
            more = st.answered - CARD_ROWS
            answered = [c for c in answered if id(c) in top]
            title = f"By card ({CARD_ROWS} most answered)"
        width = max(len(c.card_id) for c in answered)
        echo(_heading(f"{title:<{width + 2}}  {'answers':>7}  {'right':>6}", color))
        echo(
            "\n".join(f"  {c.card_id:<{width}}  {c.attempts:>7}  {_pct(c.accuracy):>6}" for c in answered)
        )
        if more:
            echo(f"  … and {more} more answered cards (--all lists every card)")


# -- history --------------------------------------------------------------------------------
def _clock(text: str | None) -> str:
    return "-" if text is None else f"{text[:10]} {text[11:16]}"


def _duration(rec: SessionRecord) -> float | None:
    if rec.finished_at is None:
        return None
    return (parse_time(rec.finished_at) - parse_time(rec.started_at)).total_seconds()


def _span(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 60}m{whole % 60:02d}s"


def _session_dict(rec: SessionRecord) -> dict[str, object]:
    return {
        "id": rec.id,
        "deck_id": rec.deck_id,
        "mode": rec.mode,
        "seed": rec.seed,
        "started_at": rec.started_at,
        "finished_at": rec.finished_at,
        "duration_s": _duration(rec),
        "interrupted": rec.interrupted,
        "correct": rec.correct,
        "asked": rec.asked,
        "percent": percent(rec.correct, rec.asked),
        "learner": rec.learner,
    }


def _attempt_dict(a: Attempt) -> dict[str, object]:
    return {
        "id": a.id,
        "card_id": a.card_id,
        "typed": a.typed,
        "correct": a.correct,
        "rule": a.rule,
        "score": a.score,
        "time_ms": a.time_ms,
        "answered_at": a.answered_at,
        "rating": a.rating,
        "cram": a.cram,
        "first": a.first,
        "overridden": a.overridden,
    }


@click.command("history")
@click.argument("deck", required=False, shell_complete=complete_deck)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show this many sessions."
)
@click.option("--session", "session_id", type=int, help="List every answer of this session.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@data_dir_option
def history(deck: str | None, limit: int, session_id: int | None, as_json: bool) -> None:
    """List past sessions (newest first), of DECK or of every deck.

    Each line: session id, start (UTC), deck, mode, score, duration, and whether
    the session was interrupted. With --session ID, every answer of that session.
    """
    store = existing_store(reading=True)
    try:
        if session_id is not None:
            rec = store.session(session_id) if store else None
            if rec is None:
                raise click.ClickException(
                    f"no session {session_id} (run 'quiz history' to see the session ids)"
                )
            assert store is not None
            _print_session(rec, store.attempts(session_id=session_id), as_json)
            return
        deck_id = _resolve(deck, store)[0] if deck is not None else None
        records = store.sessions(deck_id, limit=limit) if store else []
    finally:
        if store is not None:
            store.close()
    if as_json:
        click.echo(json.dumps({"sessions": [_session_dict(r) for r in records]}, ensure_ascii=False))
        return
    if not records:
        echo("No sessions yet." if deck is None else f"No sessions of '{deck_id}' yet.")
        return
    width = max(len(r.deck_id) for r in records)
    blocks: list[str] = []
    header = f"{'id':>5}  {'started (UTC)':<16}  {'deck':<{width}}  {'mode':<5}  {'score':>11}  {'time':>7}"
    table = [header]
    for r in records:
        score = f"{r.correct}/{r.asked} {_pct(percent(r.correct, r.asked))}"
        flag = "  interrupted" if r.interrupted else ("  unfinished" if r.finished_at is None else "")
        table.append(
            f"{r.id:>5}  {_clock(r.started_at):<16}  {r.deck_id:<{width}}  {r.mode:<5}  {score:>11}"
            f"  {_span(_duration(r)):>7}{flag}"
        )
        stacked = (
            f"{r.id:>5}  {_clock(r.started_at)} UTC  {r.mode}\n       {r.deck_id}\n"
            f"       {score}  {_span(_duration(r))}{flag}"
        )
        blocks.append(stacked)
    narrow = sys.stdout.isatty() and max(map(len, table)) > terminal_width()
    # Too narrow for the table at a terminal: each session as a block of short lines; a pipe gets the table.
    for line in blocks if narrow else table:
        echo(line)


def _print_session(rec: SessionRecord, attempts: list[Attempt], as_json: bool) -> None:
    if as_json:
        click.echo(
            json.dumps(
                {"session": _session_dict(rec), "attempts": [_attempt_dict(a) for a in attempts]},
                ensure_ascii=False,
            )
        )
        return
    flag = ", interrupted" if rec.interrupted else ""
    echo(
        f"Session {rec.id}: {rec.deck_id}, {rec.mode}, started {_clock(rec.started_at)} UTC, "
        f"score {rec.correct}/{rec.asked}, {_span(_duration(rec))}{flag}"
    )
    if not attempts:
        echo("No answers.")
        return
    from quiz.ui.render import verdict_label

    width = max(len(a.card_id) for a in attempts)
    for n, a in enumerate(attempts, start=1):
        verdict = verdict_label(a.correct, a.rule, a.overridden)
        extra = "" if a.first else "  (retry)"
        extra += "  (cram)" if a.cram else ""
        click.echo(
            f"{n:>4}. {a.card_id:<{width}}  {json.dumps(a.typed, ensure_ascii=False)}  {verdict}"
            f"  {a.time_ms / 1000:.1f}s{extra}"
        )


# -- reset ----------------------------------------------------------------------------------
def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


@click.command("reset")
@click.argument("deck", shell_complete=complete_deck)
@card_option("Forget only this card (repeatable).")
@click.option("--orphans", is_flag=True, help="Forget only cards that are no longer in the deck.")
@click.option(
    "--yes", "-y", is_flag=True, help="Do not ask for confirmation (needed when not at a terminal)."
)
@data_dir_option
def reset(deck: str, card_ids: tuple[str, ...], orphans: bool, yes: bool) -> None:
    """Forget the scores of DECK: every session, answer and schedule, or only some cards.

    Asks for confirmation first. Never touches another deck.
    """
    if card_ids and orphans:
        raise click.UsageError("use --card or --orphans, not both")
    store = existing_store()
    if store is None:
        _resolve(deck, None)  # a misspelt or broken DECK is said as such, scores or not
        echo("Nothing to remove: no scores have been saved yet.")
        return
    with store:
        deck_id, loaded = _resolve(deck, store)
        targets: list[str] | None = list(card_ids) or None
        what = f"deck '{deck_id}'"
        if card_ids:
            what = f"card{'s' if len(card_ids) > 1 else ''} {', '.join(card_ids)} of deck '{deck_id}'"
        if orphans:
            if loaded is None:
                raise click.ClickException(
                    f"cannot tell orphans without the deck file of '{deck_id}' "
                    "(name the deck file, or use --card)"
                )
            targets = sorted(store.card_ids(deck_id) - set(loaded.card_ids()))
            if not targets:
                echo(f"No orphans in deck '{deck_id}': every card with history is in the deck.")
                return
            what = f"{plural(len(targets), 'orphan card')} of deck '{deck_id}' ({', '.join(targets)})"
        preview = store.forget(deck_id, targets, dry_run=True)
        if preview.total == 0:
            known = set(store.card_ids(deck_id)) | set(loaded.card_ids() if loaded is not None else ())
            hints = [did_you_mean(c, known) for c in card_ids if c not in known]
            extra = f" ({'; '.join(h for h in hints if h)})" if any(hints) else ""
            echo(f"Nothing to remove for {what}{extra}.")
            return
        summary = _removed_text(preview.attempts, preview.states, preview.sessions)
        if not yes:
            if not _stdin_is_tty():
                raise click.ClickException(
                    f"not resetting {what} without confirmation (input is not a terminal); add --yes"
                )
            if not click.confirm(f"Forget {summary} of {what}?", default=False):
                raise click.ClickException("nothing removed")
        removed = store.forget(deck_id, targets)
    echo(f"Removed {_removed_text(removed.attempts, removed.states, removed.sessions)} of {what}.")


def _removed_text(attempts: int, states: int, sessions: int) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{n(attempts, 'answer')}, {n(states, 'card schedule')} and {n(sessions, 'session')}"


COMMANDS: dict[str, click.Command] = {c.name: c for c in (where, stats, history, reset) if c.name}
