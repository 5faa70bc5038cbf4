"""``quiz run DECK``: a quiz session at a terminal, through a pipe, or as JSON lines.

Wires the session engine (:mod:`quiz.practice`) to the terminal (or stdin/stdout), the clock,
the score database and signals (:mod:`quiz.cli.sessions`). See ``docs/quiz-sessions.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz import clock
from quiz.cli.options import (
    card_option,
    complete_deck,
    complete_tag,
    data_dir,
    data_dir_option,
    reask_option,
    use_color,
)
from quiz.ui.terminal import Signals, reconfigure_stdin

if TYPE_CHECKING:
    from quiz.model import Outcome, Summary
    from quiz.store import Store

EXIT_FAILED_EXAM = 1


def _resumed_deck(recorded: str, deck_id: str, results_file: str) -> str:
    """The deck of a resumed exam: the path its results file records, as given (from here) or
    from the results file's folder (the learner may resume from elsewhere), else its id."""
    if recorded:
        path = Path(recorded)
        if path.exists():
            return recorded
        beside = Path(results_file).parent / path
        if not path.is_absolute() and beside.exists():
            return str(beside)
    return deck_id


@click.command("run")
@click.argument("deck", required=False, shell_complete=complete_deck)
@click.option("--count", type=click.IntRange(min=1), help="Ask at most N questions.")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Only cards tagged TAG (repeatable: any of).",
    shell_complete=complete_tag,
)
@card_option("Only this card (repeatable).")
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
@click.option("--force", is_flag=True, help="Replace an existing --results file.")
@reask_option
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
    force: bool,
    resume: str | None,
    reask: int,
) -> None:
    """Take a quiz on DECK: each answer is graded, explained and saved.

    At a terminal, type each answer and press Enter. Through a pipe, one answer per
    line is read from stdin and end of input ends the session. Exit codes: 0 done (or
    exam passed), 1 exam failed or an error, 2 bad usage, 130 interrupted.
    """
    import random
    import secrets

    from quiz.cli.run_io import QuizTerminal
    from quiz.cli.sessions import Driver, Saver
    from quiz.deckio import load_ref
    from quiz.errors import DeckNotFound

    # Imported now, not at the first answer: an interrupt that lands inside a compiled
    # extension's module initialisation makes Python exit by SIGINT instead of with 130.
    from quiz.grading import grade
    from quiz.insight import results_log as rlog
    from quiz.insight.results import check_writable
    from quiz.model import Ended, Mode, Options
    from quiz.practice import SelectionError, Session
    from quiz.ui.render import so_far_line

    ctx = click.get_current_context()
    prior = rlog.resume_from(resume) if resume else None
    given = deck
    if prior is not None:  # everything that chose the questions comes from the file
        deck = deck or _resumed_deck(prior.deck_path, prior.deck_id, str(resume))
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
    try:
        loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    except DeckNotFound as err:
        if prior is None or given:
            raise
        where = f"at '{prior.deck_path}'" if prior.deck_path else f"'{prior.deck_id}'"
        raise DeckNotFound(
            f"{err}; the exam's deck was {where}: give it, as in 'quiz run DECK --resume {resume}'"
        ) from None
    if seed is None:
        seed = secrets.randbelow(900_000) + 100_000
    options = Options(
        count=count,
        tags=tags,
        card_ids=card_ids,
        shuffle=not no_shuffle,
        exam=exam,
        retry_wrong=retry_wrong,
        pass_mark=pass_mark,
        reask_unreadable=reask,
    )
    if prior is not None:
        options = rlog.options_from(prior, options)
    reconfigure_stdin()
    interactive = sys.stdin.isatty() and not as_json
    plain = plain or not interactive
    color = use_color(plain) and not as_json
    io = QuizTerminal(interactive=interactive, as_json=as_json, color=color, plain=plain)
    signals = Signals()
    store: Store | None = None
    saver = Saver(None, signals)
    log: rlog.ResultsLog | None = None

    def written(outcome: Outcome) -> None:
        if log is not None:  # the results file, rewritten after every answer
            log.record(outcome, clock.now())

    try:
        session = Session(
            loaded, options, random.Random(seed), now=clock.now, learner=io, recorder=saver, grade=grade,
            after_record=written,
        )  # fmt: skip
    except SelectionError as err:
        raise click.UsageError(str(err)) from None
    if results:
        # Refused here: the deck, a non-regular file, an unwritable folder. An existing results file
        # is refused by ResultsLog below (saying what it holds and how to continue it) unless --force.
        check_writable(results, inputs=(str(loaded.path),), force=True)
        if prior is not None:
            rlog.check_same_deck(prior, loaded, results)
    if not no_save:
        from quiz.store import Store, db_path

        store = saver.store = Store.open(db_path(data_dir()))
    started = clock.now()

    def start() -> int | None:
        session_id = None
        if store is not None:
            mode = Mode.EXAM if exam else Mode.QUIZ
            session_id = store.start_session(
                loaded.id, mode, seed, started, deck_hash=loaded.content_hash, learner=name or ""
            )
        io.start(loaded, seed, session_id, len(session.questions), exam, pass_mark)
        return session_id

    def finish(summary: Summary) -> None:
        if log is not None:
            log.finish(summary.ended, clock.now())
            summary = log.summary(summary)
        io.finish(summary, driver.session_id)
        if log is not None:
            io.note(f"Result written to {results}")

    driver = Driver(
        what="exam" if exam else "quiz",
        store=store,
        saver=saver,
        signals=signals,
        interactive=interactive,
        so_far=so_far_line,
    )
    try:
        if results:  # the results file, valid after every answer (docs/instructors.md)
            log = rlog.ResultsLog(results, learner=name or "", deck=loaded, seed=seed, options=options,
                                  questions=session.questions, started_at=started, prior=prior,
                                  force=force)  # fmt: skip
            for _ in range(rlog.answered_already(session.questions, prior, results) if prior else 0):
                session.quiz.next()  # --resume: the questions answered before are not asked again
        summary = driver.run(session, start, finish)
    except (click.exceptions.Exit, click.ClickException):
        if log is not None and log.state == rlog.IN_PROGRESS:  # interrupted, or a database error
            log.finish(Ended.INTERRUPTED, clock.now())
        raise
    finally:
        if store is not None:
            store.close()
    if log is not None:
        summary = log.summary(summary)
    if exam and not summary.passed:
        ctx.exit(EXIT_FAILED_EXAM)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (run,) if c.name}
