"""Progress of long work on a terminal: a tqdm bar on stderr, shown after half a second, then cleared.

Checking, exporting or importing a large deck and a long class report take seconds. While they
run, a person at a terminal sees a bar (or a counter, while the total is not known yet) on
stderr; it appears only once the work has taken :data:`DELAY` seconds (quick work shows
nothing) and is erased when the work ends, so what the command prints is exactly what it prints
without a bar. There is no bar at all (:func:`wanted`) when stderr is not a terminal, with
``--json`` or ``--plain``, with ``NO_COLOR`` or ``CI`` set, or on a ``TERM=dumb`` terminal.

The floors below (deckio, formats, insight) never import this: they take an optional callback
``progress(done, total)`` (None costs nothing), and a command passes :attr:`Progress.callback`.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from .safe import VisibleStream

#: Seconds of work before the bar appears; ``$QUIZ_PROGRESS_DELAY`` sets another (tests and
#: demonstrations use 0, so the bar shows however fast the machine is).
DELAY = 0.5
DELAY_ENV = "QUIZ_PROGRESS_DELAY"


def delay(environ: Mapping[str, str] | None = None) -> float:
    """:data:`DELAY`, or the number of seconds in ``$QUIZ_PROGRESS_DELAY`` (a bad value is ignored)."""
    text = (os.environ if environ is None else environ).get(DELAY_ENV, "")
    try:
        value = float(text)
    except ValueError:
        return DELAY
    return value if 0 <= value <= 3600 else DELAY


#: Seconds between two redraws of the bar.
REDRAW = 0.1
#: What the bar says: no rate, as the units (parts, cards, files) differ from one work to the next.
FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]"

Callback = Callable[[int, int], None]


def wanted(
    *,
    as_json: bool = False,
    plain: bool = False,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether to show progress: ``stream`` (stderr) is a terminal, neither ``--json`` nor
    ``--plain`` was given, ``NO_COLOR`` is not set, ``CI`` is not set (or is ``false``/``0``),
    and ``TERM`` is not ``dumb``."""
    env = os.environ if environ is None else environ
    if as_json or plain or "NO_COLOR" in env or env.get("TERM") == "dumb":
        return False
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    out = sys.stderr if stream is None else stream
    try:
        return bool(out is not None and out.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


@functools.cache
def _bar_class() -> Any:
    """tqdm without its monitor thread: a command that forks (the parallel parse) stays one thread.

    Made (and tqdm imported, about 20 ms) only when a bar is shown: never in a pipe or a test."""
    from tqdm import tqdm

    class Bar(tqdm):  # type: ignore[type-arg]
        monitor_interval = 0

    return Bar


class Progress:
    """A bar on stderr for one piece of long work, as a context manager; :attr:`callback` is the
    ``progress(done, total)`` to hand to the work (None when no bar is wanted)."""

    def __init__(self, label: str, *, show: bool) -> None:
        self.label = label
        self.show = show
        self._bar: Any = None
        self._pid = os.getpid()
        self._last = 0.0
        self._delay = delay()

    def __enter__(self) -> Progress:
        if self.show:
            stream: Any = sys.stderr
            if isinstance(stream, VisibleStream):  # the bar's own \r and codes, not untrusted text
                stream = stream.stream
            bar_class = _bar_class()
            bar_class.set_lock(threading.RLock())  # not tqdm's default multiprocessing lock
            self._bar = bar_class(
                desc=self.label,
                bar_format=FORMAT,
                file=stream,
                leave=False,
                delay=self._delay,
                mininterval=REDRAW,
                dynamic_ncols=True,
                disable=False,
            )
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Erase the bar if it was ever drawn (leave=False); no more is shown after this."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    @property
    def callback(self) -> Callback | None:
        """``progress(done, total)`` for the work, or None when there is no bar."""
        return self.update if self.show else None

    def describe(self, label: str) -> None:
        """Say what is being done now (such as the file being checked)."""
        self.label = label
        if self._bar is not None:
            self._bar.set_description_str(label, refresh=False)
            self._last = 0.0  # the next update redraws the bar with it

    def update(self, done: int, total: int) -> None:
        """``done`` of ``total`` units are done. Calls from another process (a forked child sharing
        the work) are ignored: the parent draws the bar."""
        bar = self._bar
        if bar is None or total <= 0 or os.getpid() != self._pid:
            return
        bar.total = total
        bar.n = min(done, total)
        now = bar._time()  # tqdm's clock, which its start_t is on
        if now - bar.start_t >= self._delay and (now - self._last >= REDRAW or done >= total):
            self._last = now
            bar.refresh()
            bar.last_print_t = now  # drawn: close() now erases it
