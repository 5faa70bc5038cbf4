"""Stopping on SIGTERM and SIGHUP as on Ctrl-C: an exception, so every cleanup path runs.

A signal that asks the program to end (``kill``, a closed terminal, a service manager stopping a
job) raises :class:`Stopped`, a :class:`KeyboardInterrupt`: whatever already handles Ctrl-C (a quiz
session closing as interrupted, a forked helper killed, a temporary file removed) handles these
too, and the entry point prints one line naming the signal and exits 130. Installed by the entry
point before the command-line modules are imported, so start-up is covered as well.
"""

from __future__ import annotations

import signal
from types import FrameType

#: The signals that stop quiz with a word (SIGINT keeps Python's own KeyboardInterrupt).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """The program was asked to end by a signal other than Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


def install() -> None:
    """Make SIGTERM and SIGHUP raise :class:`Stopped` (main thread only; a no-op elsewhere)."""
    try:
        for sig in SIGNALS:
            signal.signal(sig, _raise)
    except ValueError:
        pass


def hold() -> None:
    """Ignore SIGINT, SIGTERM and SIGHUP from now on: the program is saying why it stops."""
    try:
        for sig in (signal.SIGINT, *SIGNALS):
            signal.signal(sig, signal.SIG_IGN)
    except ValueError:
        pass
