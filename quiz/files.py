"""One way to write an output file and one way to read an input file.

Writing: the text goes to a temporary file in the target's folder, is flushed and synced, then
renamed over the target, so a full disk, a size limit or a crash leaves either the old file or the
new one, never a half-written one. The target is refused when it is not a regular file (a device,
a FIFO, a folder), when it is one of the command's own inputs, or when it exists and the caller
protects it (a deck, a results file) and ``force`` is not given.

Reading: a path that is not a regular file is refused before it is opened (a FIFO would block, a
device never ends), and at most ``limit`` bytes are read.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import QuizError

_WRITTEN: list[str] = []


def written() -> list[str]:
    """The files :func:`write_atomic` has written whole in this process, in order (for a last word)."""
    return list(_WRITTEN)


class FileRefused(QuizError):
    """A file cannot be read or written as asked; the message says why and what to do.

    ``reason`` is the why alone ("the file name is too long"), for callers that word their own message.
    """

    def __init__(self, message: str, reason: str = "", *, kind: str = "", code: int = 0) -> None:
        super().__init__(message)
        self.reason = reason or message
        #: What the path is when it is not a regular file ("a FIFO (named pipe)"), else "".
        self.kind = kind
        #: The system's errno when the system refused the file, else 0.
        self.code = code


def describe(err: OSError) -> str:
    """Why the system refused a file, in words ("the file name is too long", "the disk is full")."""
    return _reason(err)


def _reason(err: OSError) -> str:
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if err.errno == errno.EFBIG:
        return "the file would exceed the size limit"
    if err.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.EROFS:
        return "the file system is read-only"
    if err.errno == errno.ELOOP:
        return "too many symbolic links"
    return err.strerror or type(err).__name__


def _kind(mode: int) -> str | None:
    """What a non-regular file is, for a message (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise FileRefused(f"cannot use '{path}': {_reason(err)}", _reason(err), code=err.errno or 0) from None


def check_output(
    target: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
    protect: str = "",
    force: bool = False,
) -> Path:
    """The target path, after refusing what must not be written over (see the module docstring).

    ``protect`` names what an existing target holds ("a results file", "a deck") when it must not
    be replaced without ``force``; empty when replacing an existing regular file is expected.
    """
    path = Path(target)
    found = _stat(path)
    if found is None:
        parent = path.parent if str(path.parent) else Path(".")
        folder = _stat(parent)
        if folder is None or not stat.S_ISDIR(folder.st_mode):
            raise FileRefused(f"cannot write '{path}': the folder '{parent}' does not exist")
        return path
    kind = _kind(found.st_mode)
    if kind is not None:
        raise FileRefused(f"cannot write '{path}': it is {kind}, not a regular file (name a file)")
    for source in inputs:
        other = _stat(Path(source))
        if other is not None and (other.st_dev, other.st_ino) == (found.st_dev, found.st_ino):
            raise FileRefused(f"cannot write '{path}': it is an input of this command (name another file)")
    if protect and not force:
        raise FileRefused(f"'{path}' already exists and is {protect}: name another file, or add --force")
    return path


#: Suffixes of deck files, and the marker every results file holds near its start.
DECK_SUFFIXES = (".yaml", ".yml")
RESULTS_MARKER = b'"quiz-result"'


def holds(target: str | Path) -> str:
    """What an existing ``target`` holds that must not be replaced without ``--force``, or "".

    "a deck" for a .yaml/.yml file, "a results file" for a file that starts like one (the
    format marker in its first 4 KB); "" for anything else, or when there is no such file.
    """
    path = Path(target)
    found = _stat(path)
    if found is None or _kind(found.st_mode) is not None:
        return ""
    if path.suffix.lower() in DECK_SUFFIXES:
        return "a deck"
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return ""
    return "a results file" if RESULTS_MARKER in head else ""


def write_atomic(
    target: str | Path,
    data: str | bytes,
    *,
    inputs: Iterable[str | Path] = (),
    protect: str = "",
    force: bool = False,
) -> None:
    """Write ``data`` (text as UTF-8) to ``target`` atomically, after :func:`check_output`.

    On any failure the target is as it was and the temporary file is gone.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open_atomic(target, inputs=inputs, protect=protect, force=force) as out:
        out.write(payload)


@contextmanager
def open_atomic(
    target: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
    protect: str = "",
    force: bool = False,
) -> Iterator[BinaryIO]:
    """A binary file to write ``target`` piece by piece, atomically, after :func:`check_output`:
    what is written goes to a temporary file in the target's folder, which replaces the target
    only when the ``with`` block ends without an exception (the rest as :func:`write_atomic`)."""
    path = check_output(target, inputs=inputs, protect=protect, force=force)
    existing = _stat(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as err:
        raise FileRefused(f"cannot write '{path}': {_reason(err)}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise FileRefused(f"cannot write '{path}': {_reason(err)}; it was left as it was") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    _WRITTEN.append(str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_regular(source: str | Path, *, limit: int, what: str = "file") -> bytes:
    """The bytes of ``source`` when it is a regular file of at most ``limit`` bytes; otherwise a
    :class:`FileRefused` whose ``reason`` says why ("it is a FIFO (named pipe)", "the file name is too long").

    The one way quiz reads an input file (decks, imports, results files, the deck cache). What the
    path names is checked before it is opened, and again on the opened file (``O_NONBLOCK``: opening
    a FIFO never waits for a writer; the file cannot be swapped for one in between), so a FIFO, a
    socket or a device such as ``/dev/zero`` is refused without a byte read; at most ``limit`` + 1
    bytes are read, whatever the file claims its size is.
    """
    path = Path(source)
    found = _stat(path)
    if found is None:
        raise FileRefused(f"cannot read '{path}': no such {what}", "no such file")
    _refuse_kind(path, found)
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise FileRefused(
            f"cannot read '{path}': {_reason(err)}", _reason(err), code=err.errno or 0
        ) from None
    try:
        opened = os.fstat(fd)
        _refuse_kind(path, opened)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        too_big = f"larger than {limit:,} bytes, too large for a {what}"
        if opened.st_size > limit:
            raise FileRefused(f"cannot read '{path}': {too_big}", too_big)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise FileRefused(
            f"cannot read '{path}': {_reason(err)}", _reason(err), code=err.errno or 0
        ) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"cannot read '{path}': {too_big}", too_big)
    return data


def _refuse_kind(path: Path, found: os.stat_result) -> None:
    kind = _kind(found.st_mode)
    if kind is not None:
        raise FileRefused(
            f"cannot read '{path}': it is {kind}, not a regular file", f"it is {kind}", kind=kind
        )


def wide_unicode(data: bytes) -> str:
    """ "UTF-32" or "UTF-16" when ``data`` is text in one of them (by its byte-order mark, or,
    without one, by the zero bytes of ASCII characters in its first four bytes); "" otherwise.

    UTF-32's marks begin like UTF-16's (``FF FE 00 00``), so they are told first.
    """
    head = data[:4]
    if head in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    zeros = tuple(byte == 0 for byte in head)
    if zeros in ((False, True, True, True), (True, True, True, False)):
        return "UTF-32"
    if zeros in ((False, True, False, True), (True, False, True, False)):
        return "UTF-16"
    return ""


class JSONRefused(ValueError):
    """JSON text quiz will not parse: nested too deeply, or a number too long to be a real figure."""


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def parse_json(text: str, *, max_depth: int = 32, max_digits: int = 30) -> object:
    """``json.loads`` with limits: at most ``max_depth`` nested arrays/objects, numbers of at most
    ``max_digits`` digits, no NaN or Infinity (:class:`JSONRefused`; bad JSON is ``json.JSONDecodeError``).

    Without them a file nested 100,000 deep is a RecursionError and a 5,000-digit integer a
    ValueError from deep inside Python, instead of a sentence about the file.
    """
    import json

    if text.count("[") + text.count("{") > max_depth:  # only then can it be too deep
        depth = 0
        for token in _BRACKETS.finditer(text):
            mark = token.group()
            if mark in "[{":
                depth += 1
                if depth > max_depth:
                    raise JSONRefused(f"nested more than {max_depth} levels deep")
            elif mark in "]}":
                depth -= 1

    def number(kind: type[int] | type[float]) -> Callable[[str], object]:
        def parse(literal: str) -> object:
            if sum(c.isdigit() for c in literal) > max_digits:
                raise JSONRefused(f"a number of {len(literal):,} characters (at most {max_digits} digits)")
            return kind(literal)

        return parse

    def constant(name: str) -> object:
        raise JSONRefused(f"'{name}' is not a number JSON allows")

    return json.loads(text, parse_int=number(int), parse_float=number(float), parse_constant=constant)
