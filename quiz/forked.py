"""Work done in a forked child process, so that a CPU-bound step can use the second core."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """``fork`` exists and this process runs a single thread.

    Forking a process that runs other threads can copy a lock one of them holds.
    """
    return hasattr(os, "fork") and threading.active_count() == 1


def _die_with(parent: int) -> None:
    """Have this (forked) process killed when ``parent`` dies, however it dies (even by SIGKILL).

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; if the parent is already gone, exit now. Elsewhere
    the child runs to the end of its work, which its parent no longer reads.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    # Set too late? The parent died between fork and prctl: this child was handed to init.
    if os.getppid() != parent:
        os._exit(1)


def start(work: Callable[[], T]) -> Callable[..., T | None]:
    """Run ``work`` in a forked child now (copy-on-write: nothing is copied up front).

    The returned function waits for the child and gives what ``work`` returned, or None if
    the child failed; ``collect(cancel=True)`` stops the child at once instead (when its
    result is no longer wanted, as on Ctrl-C) and gives None. Call it exactly once: it also
    reaps the child.
    """
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: work, send the result pickled, exit without cleanup
        status = 1
        try:
            _die_with(parent)
            os.close(read_fd)
            result = work()
            with os.fdopen(write_fd, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)

    def collect(cancel: bool = False) -> T | None:
        if cancel:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.close(read_fd)
            os.waitpid(pid, 0)
            return None
        try:
            with os.fdopen(read_fd, "rb") as inp:
                # Our own child wrote this moment ago through a private pipe.
                found: T = pickle.load(inp)
                return found
        except (EOFError, pickle.UnpicklingError):
            return None
        except BaseException:  # interrupted while waiting: the result will not be used
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            raise
        finally:
            os.waitpid(pid, 0)

    return collect
