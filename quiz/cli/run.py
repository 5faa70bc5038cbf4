"""``quiz run DECK``: a quiz session at a terminal, through a pipe, or as JSON lines.

Wires the pure loop in :mod:`quiz.session` to the terminal (or stdin/stdout), the clock,
the score database and signals. See ``docs/quiz-sessions.md``.
"""

from __future__ import annotations

import json
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import click

from quiz import clock
from quiz.cli.options import data_dir, data_dir_option, use_color
from quiz.ui.terminal import EXIT_INTERRUPTED, Signals, enable_line_editing, read_line, reconfigure_stdin

if TYPE_CHECKING:
    from quiz.model import Attempt, Deck, Outcome, Question, Summary

EXIT_FAILED_EXAM = 1


class _IO:
    """How questions are shown and answers read: terminal, plain pipe, or JSON lines."""

    def __init__(self, *, interactive: bool, as_json: bool, color: bool, plain: bool) -> None:
        self.interactive = interactive
        self.as_json = as_json
        self.color = color
        self.plain = plain
        self.width: int | None = None
        if interactive:
            import shutil

            self.width = max(40, min(100, shutil.get_terminal_size().columns - 2))
            enable_line_editing()

    # -- output --------------------------------------------------------------------------
    def out(self, text: str = "") -> None:
        """A line of human text (never in JSON mode)."""
        if not self.as_json:
            click.echo(text)

    def event(self, data: dict[str, object]) -> None:
        """A JSON event line (JSON mode only)."""
        if self.as_json:
            click.echo(json.dumps(data, ensure_ascii=False))

    def note(self, text: str) -> None:
        """A message for the person, on stdout; on stderr in JSON mode."""
        click.echo(text, err=self.as_json)

    # -- input ---------------------------------------------------------------------------
    def read(self, prompt: str = "") -> str | None:
        """One answer; None at end of input."""
        return read_line(prompt, interactive=self.interactive)

    def echo(self, typed: str | None) -> str | None:
        """Through a pipe, show what was read, as a terminal would have."""
        if typed is not None:
            self.out("> " + typed)
        return typed

    # -- the session's callables ---------------------------------------------------------
    def show_question(self, q: Question) -> None:
        """Print (or emit) the question."""
        from quiz.ui.render import question_event, question_lines

        if self.as_json:
            self.event(question_event(q))
            return
        if not q.first and q.n == 1:
            self.out()
            missed = f"{q.total} question{'s' if q.total != 1 else ''}"
            self.out(f"Again, the {missed} you missed:")
        self.out()
        for line in question_lines(q, self.color, self.width):
            self.out(line)

    def reveal(self, q: Question) -> bool:
        """Show a flashcard's front, wait for Enter at a terminal, then show its back."""
        from quiz.ui.render import FLASH_REVEAL, flash_reveal_lines, progress, reveal_event

        self.show_question(q)
        indent = " " * (len(progress(q)) + 2)
        if self.interactive and self.read(f"{indent}{FLASH_REVEAL} ") is None:
            return False
        if self.as_json:
            self.event(reveal_event(q))
        else:
            for line in flash_reveal_lines(q, self.color, self.width):
                self.out(line)
        return True

    def ask(self, q: Question) -> str | None:
        """Show ``q`` (unless a flashcard, already shown by :meth:`reveal`) and read the answer."""
        from quiz.model import FlashCard
        from quiz.practice import DID_NOT_KNOW, KNEW

        if not isinstance(q.card, FlashCard):
            self.show_question(q)
            if not self.interactive:
                return self.echo(self.read())
            typed = self.read("> ")
            if typed is not None and not typed.strip():
                # An Enter pressed by mistake should not cost the question.
                click.echo("  (nothing typed: type an answer, or press Enter again to skip it)")
                typed = self.read("> ")
            return typed
        if not self.interactive:
            return self.echo(self.read())
        while True:
            said = self.read("> ")
            if said is None or said.strip().lower() in KNEW + DID_NOT_KNOW:
                return said
            click.echo("Please answer y (I knew it) or n (I did not).")

    def feedback(self, outcome: Outcome) -> None:
        """The verdict, right after the answer (not in exam mode)."""
        from quiz.ui.render import verdict_event, verdict_lines

        if self.as_json:
            self.event(verdict_event(outcome))
            return
        for line in verdict_lines(outcome, self.color, self.plain, width=self.width):
            self.out(line)

    def start(
        self, deck: Deck, seed: int, session_id: int | None, total: int, exam: bool, pass_mark: float
    ) -> None:
        """The seed and the deck title, or the start event."""
        from quiz.ui.render import seed_line, session_header, start_event

        if self.as_json:
            self.event(start_event(deck, seed, session_id, total, exam))
            return
        self.out(seed_line(seed))
        self.out(session_header(deck, total, exam, pass_mark, self.color))

    def finish(self, summary: Summary, session_id: int | None) -> None:
        """The exam review (exam mode) and the summary."""
        from quiz.ui.render import exam_review_lines, summary_event, summary_lines, verdict_event

        if self.as_json:
            if summary.exam:
                for o in summary.outcomes:
                    self.event(verdict_event(o))
            self.event(summary_event(summary, session_id))
            return
        self.out()
        if summary.exam and summary.outcomes:
            self.out("Your answers:")
            self.out()
            for line in exam_review_lines(summary, self.color, self.plain, self.width):
                self.out(line)
        for line in summary_lines(summary, self.color, self.plain, self.width):
            self.out(line)


def _silence_stdout() -> None:
    """The reader of stdout went away: send the rest to /dev/null so exiting does not fail."""
    import os

    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _saved_message(saved: int, session_id: int | None) -> str:
    if session_id is None:
        return "nothing saved (--no-save)"
    return f"{saved} answer{'s' if saved != 1 else ''} saved (session #{session_id})"


@click.command("run")
@click.argument("deck", required=False)
@click.option("--count", type=click.IntRange(min=1), help="Ask at most N questions.")
@click.option(
    "--tag", "tags", multiple=True, metavar="TAG", help="Only cards tagged TAG (repeatable: any of)."
)
@click.option("--card", "card_ids", multiple=True, metavar="ID", help="Only this card (repeatable).")
@click.option("--seed", type=click.IntRange(min=0, max=2**63 - 1), help="Repeat an earlier order.")
@click.option("--no-shuffle", is_flag=True, help="Ask in file order and show choices as written.")
@click.option("--exam", is_flag=True, help="No feedback until the end; pass or fail against --pass-mark.")
@click.option(
    "--pass-mark",
    type=click.FloatRange(0, 100),
    default=60,
    show_default=True,
    metavar="PERCENT",
    help="Exam pass mark.",
)
@click.option("--retry-wrong", is_flag=True, help="Ask missed questions again at the end until right.")
@click.option("--no-save", is_flag=True, help="Do not record anything in the score database.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines on stdout, one event each.")
@click.option("--plain", is_flag=True, help="No colour and no symbols.")
@click.option("--name", metavar="NAME", help="The learner's name (kept with the session and in --results).")
@click.option(
    "--results",
    type=click.Path(dir_okay=False, writable=False),
    metavar="FILE",
    help="Write the result as a JSON file as you go (needs --name).",
)
@click.option(
    "--resume",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Continue the unfinished exam in results FILE: same questions, same order.",
)
@data_dir_option
def run(
    deck: str,
    count: int | None,
    tags: tuple[str, ...],
    card_ids: tuple[str, ...],
    seed: int | None,
    no_shuffle: bool,
    exam: bool,
    pass_mark: float,
    retry_wrong: bool,
    no_save: bool,
    as_json: bool,
    plain: bool,
    name: str | None,
    results: str | None,
    resume: str | None,
) -> None:
    """Take a quiz on DECK: each answer is graded, explained and saved.

    At a terminal, type each answer and press Enter. Through a pipe, one answer per
    line is read from stdin and end of input ends the session. Exit codes: 0 done (or
    exam passed), 1 exam failed or an error, 2 bad usage, 130 interrupted.
    """
    import random
    import secrets

    from quiz.deckio import load_ref
    from quiz.errors import QuizError, StoreError

    # Imported now, not at the first answer: an interrupt that lands inside a compiled
    # extension's module initialisation makes Python exit by SIGINT instead of with 130.
    from quiz.grading import grade
    from quiz.insight import results_log as rlog
    from quiz.insight.results import check_writable
    from quiz.model import Ended, Options
    from quiz.practice import SelectionError, Session

    ctx = click.get_current_context()
    prior = rlog.resume_from(resume) if resume else None
    if prior is not None:  # everything that chose the questions comes from the file
        deck = deck or prior.deck_path or prior.deck_id
        name, seed, results = prior.learner, prior.seed, resume
        exam, retry_wrong = prior.mode == "exam", False
    if deck is None:
        raise click.UsageError("Missing argument 'DECK' (or give --resume FILE).")
    if results and not name:
        raise click.UsageError("--results needs --name NAME (the learner's name, written in the file)")
    if exam and retry_wrong:
        raise click.UsageError(
            "--retry-wrong cannot be used with --exam (an exam shows no verdict until the end)"
        )
    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    if seed is None:
        seed = secrets.randbelow(900_000) + 100_000
    options = rlog.options_from(prior) if prior is not None else Options(
        count=count,
        tags=tags,
        card_ids=card_ids,
        shuffle=not no_shuffle,
        exam=exam,
        retry_wrong=retry_wrong,
        pass_mark=pass_mark,
    )
    reconfigure_stdin()
    interactive = sys.stdin.isatty() and not as_json
    plain = plain or not interactive
    io = _IO(interactive=interactive, as_json=as_json, color=use_color(plain) and not as_json, plain=plain)
    signals = Signals()
    store: Any = None

    saved = 0
    log: Any = None

    def record(attempt: Attempt) -> None:
        nonlocal saved
        with signals.saving():
            if store is not None:
                store.record(attempt)
                saved += 1
            if log is not None:  # the results file, valid after every answer
                log.record(attempt, clock.now())

    try:
        session = Session(
            loaded,
            options,
            random.Random(seed),
            ask=io.ask,
            now=clock.now,
            record=record,
            feedback=io.feedback,
            reveal=io.reveal,
            grade=grade,
        )
    except SelectionError as err:
        raise click.UsageError(str(err)) from None
    if results:
        check_writable(results)
        if prior is not None:
            rlog.check_same_deck(prior, loaded, results)

    session_id: int | None = None
    if not no_save:
        from quiz.store import Store, db_path

        store = Store.open(db_path(data_dir()))
    signals.install()
    try:
        try:
            if results:  # opened once the database is: no file is left for an exam that cannot start
                log = rlog.ResultsLog(results, learner=name or "", deck=loaded, seed=seed, options=options,
                                      questions=session.questions, started_at=clock.now(), prior=prior)
                if prior is not None:
                    session.questions = rlog.still_to_ask(session.questions, prior, results)
            started = clock.now()
            if store is not None:
                with signals.saving():
                    session_id = store.start_session(
                        loaded.id,
                        "exam" if exam else "quiz",
                        seed,
                        started,
                        deck_hash=loaded.content_hash,
                        learner=name or "",
                    )
                session.session_id = session_id
            io.start(loaded, seed, session_id, len(session.questions), exam, pass_mark)
            summary = session.run()
            signals.ignore()
            finished = clock.now()
            if store is not None and session_id is not None:
                store.finish_session(session_id, finished, interrupted=not summary.complete)
            if log is not None:
                log.finish(summary.ended, finished)
                summary = log.summary(summary)
            io.finish(summary, session_id)
            if log is not None:
                io.note(f"Result written to {results}")
        except (KeyboardInterrupt, BrokenPipeError) as err:
            signals.ignore()
            if isinstance(err, BrokenPipeError):
                _silence_stdout()
            if store is not None and session_id is not None:
                try:
                    store.finish_session(session_id, clock.now(), interrupted=True)
                except StoreError as store_err:
                    click.echo(f"Error: {store_err}", err=True)
            if log is not None:
                with suppress(QuizError):
                    log.finish(Ended.INTERRUPTED, clock.now())
            if interactive:
                click.echo(err=True)  # the learner's half-typed line has no newline yet
            click.echo(f"Interrupted — {_saved_message(saved, session_id)}.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except StoreError as err:
            signals.ignore()
            if store is not None and session_id is not None:
                with suppress(StoreError):
                    store.finish_session(session_id, clock.now(), interrupted=True)
            if session_id is None:  # the session could not even be started: nothing to count
                raise click.ClickException(str(err)) from None
            raise click.ClickException(
                f"{err}\nThe quiz stopped; {_saved_message(saved, session_id)} before the error."
            ) from None
    finally:
        signals.restore()
        if store is not None:
            store.close()
    if exam and not summary.passed:
        ctx.exit(EXIT_FAILED_EXAM)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (run,) if c.name}
