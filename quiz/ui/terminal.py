"""What ``quiz run`` and ``quiz study`` share about the terminal: reading answers and signals."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

import click

EXIT_INTERRUPTED = 130


class Signals:
    """SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt, except while an answer is being saved.

    A signal that arrives during :meth:`saving` is held until the commit is done, so the
    count of saved answers the learner is told is exact.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, *((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()))

    def __init__(self) -> None:
        self.critical = False
        self.stopping = False
        self.pending: int | None = None
        self.old: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        # Only the first signal interrupts: a second Ctrl-C must not cut the closing short.
        if self.critical or self.stopping:
            self.pending = signum
            return
        self.stopping = True
        raise KeyboardInterrupt

    def install(self) -> None:
        """Route SIGINT and SIGTERM to an interrupt (main thread only)."""
        try:
            for sig in self.SIGNALS:
                self.old[sig] = signal.signal(sig, self._handle)
        except ValueError:  # not the main thread: leave the defaults alone
            pass

    def ignore(self) -> None:
        """Ignore further signals while the session is being closed."""
        for sig in self.old:
            signal.signal(sig, signal.SIG_IGN)

    def restore(self) -> None:
        """Put back the handlers found at :meth:`install`."""
        for sig, handler in self.old.items():
            signal.signal(sig, handler)
        self.old.clear()

    @contextmanager
    def saving(self) -> Iterator[None]:
        """Hold signals while an answer is committed; raise the held one afterwards."""
        self.critical = True
        try:
            yield
        finally:
            self.critical = False
        if self.pending is not None and not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt


def reconfigure_stdin() -> None:
    """A closed stdin reads as empty; invalid UTF-8 on stdin becomes U+FFFD instead of a crash."""
    if sys.stdin is None:  # started with stdin closed (`0<&-`): there is no answer to read
        from io import StringIO

        sys.stdin = StringIO()
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        with suppress(ValueError, OSError):
            reconfigure(errors="replace")


MAX_WIDTH = 100


def terminal_width() -> int:
    """The width to wrap text to: the terminal's real width less one column (at most 100, at least 20).

    One column is left free so a line that fills the width never makes the terminal wrap it again.
    """
    import shutil

    return max(20, min(MAX_WIDTH, shutil.get_terminal_size().columns - 1))


def fit(text: str, width: int | None = None) -> str:
    """``text`` with each line longer than ``width`` wrapped under its own indent plus four spaces.

    Spaces inside a line (table columns) are kept; a line that fits is returned unchanged; a styled
    line that does not fit loses its style rather than being cut inside an escape sequence.
    """
    import textwrap

    width = width or terminal_width()
    out: list[str] = []
    for line in text.split("\n"):
        plain = click.unstyle(line)
        if len(plain) <= width:
            out.append(line)
            continue
        indent = plain[: len(plain) - len(plain.lstrip(" "))]
        wrapper = textwrap.TextWrapper(
            width=width,
            initial_indent=indent,
            subsequent_indent=indent + "    ",
            replace_whitespace=False,
            break_on_hyphens=False,
            break_long_words=True,
        )
        out.extend(wrapper.wrap(plain.lstrip(" ")) or [""])
    return "\n".join(out)


def echo(text: str = "") -> None:
    """Print a line of a report (``list``, ``show``, ``preview``, ``stats``, ``history``, ``where``):
    at a terminal, wrapped to its width by :func:`fit`; into a pipe or a file, exactly as given."""
    click.echo(fit(text) if sys.stdout.isatty() else text)


def enable_line_editing() -> None:
    """Arrow keys and history for ``input()`` where the platform has readline."""
    with suppress(ImportError):
        import readline  # noqa: F401


#: The longest line read from a pipe as one answer (characters): 4 MB, 4,000 times a long answer.
MAX_LINE = 4 * 1024 * 1024
#: The streams whose input ended at such a line (the rest of the line is still unread).
_ENDED: list[Any] = []


def read_line(prompt: str = "", *, interactive: bool) -> str | None:
    """One answer: ``input()`` at a terminal, a line of stdin otherwise; None at end of input.

    A line from a pipe longer than :data:`MAX_LINE` is not an answer: it ends the input (one
    line on stderr says so), as end of input does, so the answers before it are kept and the
    memory used stays bounded, however long the line.
    """
    if interactive:
        try:
            return input(prompt)
        except EOFError:
            try:
                click.echo()
            except OSError:  # the terminal itself is gone (its window closed): stopped, not ended
                raise KeyboardInterrupt from None
            return None
    if any(stream is sys.stdin for stream in _ENDED):
        return None
    line = sys.stdin.readline(MAX_LINE + 1)
    if not line:
        return None
    if len(line) > MAX_LINE and not line.endswith("\n"):
        _ENDED.append(sys.stdin)
        click.echo(
            f"Input ended: a line of more than {MAX_LINE:,} characters on stdin is not an answer "
            "(the answers before it are kept).",
            err=True,
        )
        return None
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line
