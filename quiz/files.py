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
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import QuizError


class FileRefused(QuizError):
    """A file cannot be read or written as asked; the message says why and what to do."""


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
        raise FileRefused(f"cannot use '{path}': {_reason(err)}") from None


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
    path = check_output(target, inputs=inputs, protect=protect, force=force)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    existing = _stat(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as err:
        raise FileRefused(f"cannot write '{path}': {_reason(err)}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
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


def read_input(source: str | Path, *, limit: int, what: str = "file") -> bytes:
    """The bytes of an input file of at most ``limit`` bytes; anything else is a :class:`FileRefused`."""
    path = Path(source)
    found = _stat(path)
    if found is None:
        raise FileRefused(f"cannot read '{path}': no such {what}")
    kind = _kind(found.st_mode)
    if kind is not None:
        raise FileRefused(f"cannot read '{path}': it is {kind}, not a regular file")
    if found.st_size > limit:
        raise FileRefused(f"cannot read '{path}': larger than {limit:,} bytes, too large for a {what}")
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise FileRefused(f"cannot read '{path}': {_reason(err)}") from None
    if len(data) > limit:
        raise FileRefused(f"cannot read '{path}': larger than {limit:,} bytes, too large for a {what}")
    return data
