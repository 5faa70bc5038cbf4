"""What ``quiz run`` and ``quiz study`` share: storing answers under signal protection, and ending a session.

Interruption is handled here, once, for every kind of session: Ctrl-C and SIGTERM, the reader
of stdout going away (BrokenPipe), and a database error all stop the session the same way (the
answers already given are kept, the session is marked interrupted, stderr says how many were
saved); a closed stdin is the end of input, which the engine reports as a normal ending.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

import click

from quiz import clock
from quiz.errors import StoreError
from quiz.practice import Recorder
from quiz.ui.terminal import EXIT_INTERRUPTED, Signals

if TYPE_CHECKING:
    from quiz.model import Attempt, CardState, Summary
    from quiz.practice import Engine
    from quiz.store import Store


class Saver(Recorder):
    """The score database as the engine's recorder: each write held from signals until committed."""

    def __init__(self, store: Store | None, signals: Signals) -> None:
        self.store = store
        self.signals = signals
        self.saved = 0

    def record(self, attempt: Attempt, state: CardState | None = None) -> int:
        """Commit one answer (and the card's new state); count it."""
        if self.store is None:
            return 0
        with self.signals.saving():
            attempt_id = self.store.record(attempt, state=state)
            self.saved += 1
        return attempt_id

    def override_last(self, session_id: int) -> None:
        """Mark the session's last answer right: the learner overrode its refusal."""
        if self.store is not None:
            with self.signals.saving():
                self.store.override_last(session_id)

    def undo_last(self, session_id: int) -> Attempt | None:
        """Delete the session's last answer."""
        if self.store is None:
            return None
        with self.signals.saving():
            undone = self.store.undo_last(session_id)
            self.saved -= undone is not None
        return undone

    def set_card_state(self, deck_id: str, card_id: str, state: CardState | None) -> None:
        """Put back a card's schedule."""
        if self.store is not None:
            with self.signals.saving():
                self.store.set_card_state(deck_id, card_id, state)


def saved_message(saved: int, session_id: int | None) -> str:
    """``4 answers saved (session #12)``, or ``nothing saved (--no-save)``."""
    if session_id is None:
        return "nothing saved (--no-save)"
    return f"{saved} answer{'s' if saved != 1 else ''} saved (session #{session_id})"


def _silence_stdout() -> None:
    """The reader of stdout went away: send the rest to /dev/null so exiting does not fail."""
    import os

    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _terminal_gone(err: OSError) -> bool:
    """The reader of stdout went away, or the terminal itself did (EIO on a closed window)."""
    import errno

    return isinstance(err, BrokenPipeError) or err.errno == errno.EIO


def _err(text: str) -> None:
    """A line for the person on stderr, wrapped to the terminal when stderr is one."""
    from quiz.ui.render import wrap
    from quiz.ui.terminal import terminal_width

    width = terminal_width() if sys.stderr.isatty() else None
    for line in wrap(text, width, ""):
        click.echo(line, err=True)


class Driver:
    """Runs one session's engine and ends it, the same way for a quiz, an exam and a study session.

    ``start()`` opens the session (and prints its header); it returns the session id (None with
    nothing saved). ``finish(summary)`` prints the ending of a session that ran to its end or to
    the end of input. ``so_far(summary)`` is the line printed above "Interrupted — …".
    """

    def __init__(
        self,
        *,
        what: str,
        store: Store | None,
        saver: Saver,
        signals: Signals,
        interactive: bool,
        so_far: Callable[[Summary], str | None],
    ) -> None:
        self.what = what
        self.store = store
        self.saver = saver
        self.signals = signals
        self.interactive = interactive
        self.so_far = so_far
        self.session_id: int | None = None

    def _close(self, interrupted: bool) -> None:
        if self.store is not None and self.session_id is not None:
            self.store.finish_session(self.session_id, clock.now(), interrupted=interrupted)

    def run(
        self,
        engine: Engine,
        start: Callable[[], int | None],
        finish: Callable[[Summary], None],
    ) -> Summary:
        """Start, run and close the session; an interruption exits 130, a database error exits 1."""
        self.signals.install()
        try:
            try:
                with self.signals.saving():
                    self.session_id = start()
                if self.session_id is not None:
                    engine.session_id = self.session_id
                summary = engine.run()
                self.signals.ignore()
                # Input that ran out with questions left leaves a quiz unfinished; an exam ends there.
                self._close(interrupted=not summary.complete and not summary.exam)
                finish(summary)
                return summary
            except (KeyboardInterrupt, OSError) as err:
                self.signals.stopping = True  # first: the SIGHUP that follows a closed window is held
                # The terminal closed (its window shut: EIO before the SIGHUP comes) stops the session
                # as Ctrl-C does; another OSError is no interruption.
                if isinstance(err, OSError) and not _terminal_gone(err):
                    raise
                self.signals.ignore()
                if isinstance(err, BrokenPipeError):
                    _silence_stdout()
                try:
                    self._close(interrupted=True)
                except StoreError as store_err:
                    with suppress(OSError):
                        click.echo(f"Error: {store_err}", err=True)
                with suppress(OSError):  # nothing to tell when the terminal has gone
                    if self.interactive:
                        click.echo(err=True)  # the learner's half-typed line has no newline yet
                    line = self.so_far(engine.summary()) if engine.outcomes else None
                    if line and not isinstance(err, BrokenPipeError):
                        _err(line)
                    _err(f"Interrupted — {saved_message(self.saver.saved, self.session_id)}.")
                click.get_current_context().exit(EXIT_INTERRUPTED)
            except StoreError as err:
                self.signals.ignore()
                with suppress(StoreError):
                    self._close(interrupted=True)
                if self.session_id is None:  # the session could not even be started: nothing to count
                    raise click.ClickException(str(err)) from None
                raise click.ClickException(
                    f"{err}\nThe {self.what} stopped; "
                    f"{saved_message(self.saver.saved, self.session_id)} before the error."
                ) from None
        finally:
            self.signals.restore()
        raise AssertionError("unreachable")  # pragma: no cover - ctx.exit raises
