"""Shared helpers of the benchmark scripts: arguments, timing of subprocesses, the report lines."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

from gen import SIZES  # noqa: E402


def args(description: str, default: str = "100k") -> argparse.Namespace:
    """``--size tiny|1k|10k|100k`` (and ``--growth`` to also run 1k and 10k)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", choices=list(SIZES), default=default)
    parser.add_argument("--growth", action="store_true", help="also measure 1k and 10k, for the growth line")
    return parser.parse_args()


def sizes(ns: argparse.Namespace) -> list[str]:
    """The sizes to run: the one asked, and with ``--growth`` the smaller real ones too."""
    if ns.growth and ns.size != "tiny":
        return [s for s in ("1k", "10k", "100k") if SIZES[s] <= SIZES[ns.size]]
    return [ns.size]


def quiz_exe() -> str:
    """The installed ``quiz`` console script of this interpreter's environment."""
    here = Path(sys.executable).parent / "quiz"
    return str(here) if here.exists() else shutil.which("quiz") or "quiz"


def workdir() -> Path:
    """A fresh temporary directory for generated files, removed when the script ends."""
    import atexit

    path = Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def env(**extra: str) -> dict[str, str]:
    """The environment for measured runs: byte-code writing allowed, no colour."""
    out = dict(os.environ)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out["NO_COLOR"] = "1"
    out.update(extra)
    return out


@dataclass
class Run:
    """One measured subprocess: wall seconds, CPU seconds, peak memory."""

    wall: float
    cpu: float
    maxrss_mb: float
    tree_rss_mb: float
    returncode: int
    stdout: bytes


def run(
    cmd: Sequence[str],
    environ: dict[str, str] | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> Run:
    """Run ``cmd`` and measure it: wall and CPU time, the peak RSS of its largest process
    (``wait4``, as ``/usr/bin/time -v`` reports it) and of its process tree summed (sampled)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=environ)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], _tree_rss(proc.pid))
                if timeout is not None and time.perf_counter() - start > timeout:
                    subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)
                    proc.kill()
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if timeout is not None and wall > timeout:
            return Run(
                float("inf"), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0], -9, b""
            )
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if check and proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} exited {proc.returncode}: {stderr.decode(errors='replace')[-2000:]}"
        )
    return Run(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0], proc.returncode, stdout
    )


def _tree_rss(pid: int) -> float:
    """RSS in MB of ``pid`` and its children (Linux /proc; 0 elsewhere)."""
    total = 0.0
    try:
        pids = [pid]
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        for p in pids:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return total


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def machine_load() -> str:
    """The 1-minute load average and the machine's speed just now (other work skews wall-clock
    figures, and on a shared virtual machine the same work takes up to twice as long at busy
    moments): the best of three timings of a fixed pure-Python loop of 3 million steps."""
    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except OSError:
        load = "?"
    return f"{load}; speed: 3M-step loop {_loop_seconds() * 1000:.0f} ms"


def _loop_seconds() -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def report(
    name: str,
    figure: float,
    unit: str,
    baseline: float,
    baseline_name: str,
    target: str,
    met: bool,
    extra: str = "",
) -> None:
    """Print one result line: figure, baseline, ratio, target, met or not."""
    ratio = figure / baseline if baseline else float("inf")
    status = "MET" if met else "MISSED"
    print(
        f"{name}: {figure:.4g} {unit} | baseline {baseline_name}: {baseline:.4g} {unit} | "
        f"ratio {ratio:.2f}x | target {target} | {status}{' | ' + extra if extra else ''}",
        flush=True,
    )
