"""One way to print untrusted text: control characters made visible, at the output boundary.

Text from a deck, a results file, an import or a learner can hold bytes a terminal obeys: ESC
sequences (OSC 52 writes the clipboard, ``CSI 2J`` clears the screen, ``OSC 0`` sets the title,
``SGR 8`` hides text), C1 controls (``U+009B`` is a one-character CSI), a lone carriage return
that rewrites the line, and bidi overrides that show text in another order than it is stored.

:func:`visible` writes each such character as the JSON escape of it (``\\u001b``, ``\\r``,
``\\u202e``), so the output says exactly what the text holds and stays valid JSON: a raw control
character can only stand inside a JSON string, where its escape means the same character.
:func:`guarded_output` routes ``sys.stdout`` and ``sys.stderr`` through it for the whole of a
command, so every text mode of every command (and every error message) is covered, not only the
lines someone remembered; JSON output keeps the exact text, escaped. The one kind of escape
sequence let through is the bold, colour and reset codes quiz itself uses (``ESC[1m``,
``ESC[31m`` … ``ESC[0m``): Click strips even those when the output is not a terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): "Trojan Source".
BIDI = tuple(range(0x202A, 0x202F)) + tuple(range(0x2066, 0x206A))
_SHORT = {0x08: "\\b", 0x0C: "\\f", 0x0D: "\\r"}
_CONTROLS = [c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0)) + list(BIDI)
_TABLE = {c: _SHORT.get(c, f"\\u{c:04x}") for c in _CONTROLS}
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS) + "]")
#: The SGR sequences click.style writes for the styles quiz uses (bold, the 8 + 8 colours, resets).
_OWN_STYLE = re.compile("\x1b\\[(?:0|1|22|39|3[0-7]|9[0-7])m")


def visible(text: str, *, keep_style: bool = False) -> str:
    """``text`` with every control character but newline and tab written as its JSON escape.

    C0 controls (ESC, BEL, backspace, a carriage return that is not followed by a line feed…),
    DEL, C1 controls and bidi overrides become ``\\u001b``-style text; ``CR LF`` becomes a plain
    line break. With ``keep_style`` quiz's own bold/colour/reset codes are kept as they are.
    """
    if not _UNSAFE.search(text):
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if keep_style and "\x1b" in text:
        pieces = _OWN_STYLE.split(text)
        codes = _OWN_STYLE.findall(text)
        out = [pieces[0].translate(_TABLE)]
        for code, piece in zip(codes, pieces[1:], strict=True):
            out.append(code)
            out.append(piece.translate(_TABLE))
        return "".join(out)
    return text.translate(_TABLE)


class VisibleBuffer:
    """The binary side of a :class:`VisibleStream`: bytes are read as UTF-8, made visible, written.

    (Click writes shell-completion answers as bytes; undecodable bytes pass through unchanged.)
    """

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, data: bytes) -> int:
        """Write ``data`` with its control characters made visible; the length given is returned."""
        text = bytes(data).decode("utf-8", "surrogateescape")
        self.raw.write(visible(text, keep_style=True).encode("utf-8", "surrogateescape"))
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class VisibleStream:
    """A text stream that writes through :func:`visible` (with quiz's own styles kept).

    It refuses bytes, and its ``buffer`` is a :class:`VisibleBuffer`, so nothing Click writes
    goes around it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters made visible; the length given is returned."""
        if not isinstance(text, str):
            raise TypeError("a text stream takes str")
        self.stream.write(visible(text, keep_style=True))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line through :meth:`write`."""
        for line in lines:
            self.write(line)

    @property
    def buffer(self) -> VisibleBuffer:
        """The binary stream under this one, through :func:`visible` too."""
        return VisibleBuffer(self.stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def write_data(text: str) -> None:
    """Write a file's text to stdout (``quiz export -o -``): exact through a pipe or into a file,
    where a program reads it; made visible like any other text when stdout is a terminal."""
    stream: Any = sys.stdout
    if isinstance(stream, VisibleStream) and not stream.isatty():
        stream = stream.stream
    stream.write(text)
    stream.flush()


@contextmanager
def guarded_output() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`VisibleStream` until the block ends."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, VisibleStream) and sys.stdout is not None:
        sys.stdout = VisibleStream(sys.stdout)
    if not isinstance(sys.stderr, VisibleStream) and sys.stderr is not None:
        sys.stderr = VisibleStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
