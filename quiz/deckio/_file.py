"""A deck file's bytes and its text: what is read, and why a file is not a deck's text."""

from __future__ import annotations

import errno
import re
from pathlib import Path

from quiz.errors import DeckError, Problem
from quiz.files import FileRefused, read_regular, wide_unicode

#: The largest deck file read: 100,000 hand-written cards (about 600 bytes each) fit.
MAX_BYTES = 64 * 1024 * 1024
#: A line whose first character that is not a space is neither a comment's ``#`` nor a line
#: break: proof that a file holds more than comments without splitting all of its lines.
_CONTENT_LINE = re.compile(r"^[^\S\n]*[^\s#]", re.MULTILINE)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a deck file, or a :class:`DeckError` saying why it cannot be read.

    Read through :func:`quiz.files.read_regular`: a FIFO, a socket or a device is refused before
    a byte is read (a FIFO would wait for a writer for ever, ``/dev/zero`` never ends).
    """
    shown = str(path)

    def fail(message: str, hint: str) -> DeckError:
        return DeckError([Problem(shown, 1, 1, message, hint)])

    try:
        return read_regular(path, limit=MAX_BYTES, what="deck")
    except FileRefused as err:
        if err.kind == "a folder":
            raise fail(
                "this is a directory, not a deck file", "name a .yaml file, or run 'quiz check' on it"
            ) from None
        if err.kind:
            raise fail(f"this is {err.kind}, not a deck file", "name a .yaml file") from None
        if err.code == errno.ELOOP:
            raise fail(
                "this is a symbolic link loop, not a deck file", "point the link at a deck file"
            ) from None
        if err.reason == "no such file":
            raise fail("no such file", "check the path") from None
        if err.code in (errno.EACCES, errno.EPERM):
            raise fail("the file cannot be read (permission denied)", "check its permissions") from None
        if err.reason.startswith("larger than"):
            raise fail(
                f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB, too large for a deck",
                "split it into several decks",
            ) from None
        raise fail(f"the file cannot be read ({err.reason})", "check the path") from None


def decode(data: bytes, path: str) -> str:
    """The file's text, or a :class:`DeckError` saying why it is not a UTF-8 text file."""
    wide = wide_unicode(data)
    if wide:
        raise DeckError(
            [Problem(path, 1, 1, f"the file is {wide}, not UTF-8", "save it as UTF-8 in your editor")]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        raise DeckError([Problem(path, 1, 1, "the file is binary, not a YAML deck", "check the path")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        raise DeckError(
            [
                Problem(
                    path,
                    line,
                    col,
                    f"the file is not UTF-8: byte 0x{data[err.start]:02x} cannot be decoded",
                    "save it as UTF-8 in your editor",
                )
            ]
        ) from None
    if not text.strip():
        raise DeckError([Problem(path, 1, 1, "the file is empty", "a deck needs 'deck:' and 'cards:'")])
    if not _CONTENT_LINE.search(text) and all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise DeckError(
            [Problem(path, 1, 1, "the file holds only comments", "a deck needs 'deck:' and 'cards:'")]
        )
    return text
