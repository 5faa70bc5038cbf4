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

from gen import KINDS, SIZES  # noqa: E402


def args(description: str, default: str = "100k", kind: bool = False) -> argparse.Namespace:
    """``--size tiny|1k|10k|100k`` (and ``--growth`` to also run 1k and 10k); with ``kind``,
    ``--kind realistic|templated|both`` (the generated deck's cards: :data:`gen.KINDS`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", choices=list(SIZES), default=default)
    parser.add_argument("--growth", action="store_true", help="also measure 1k and 10k, for the growth line")
    if kind:
        parser.add_argument(
            "--kind",
            choices=[*KINDS, "both"],
            default="realistic",
            help="cards shaped like the shipped decks' (realistic), one prompt pattern (templated), or both",
        )
    return parser.parse_args()


def kinds(ns: argparse.Namespace) -> list[str]:
    """The deck kinds to run: the one asked, or every one with ``--kind both``."""
    return list(KINDS) if ns.kind == "both" else [ns.kind]


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
    tree_pss_mb: float = 0.0


def run(
    cmd: Sequence[str],
    environ: dict[str, str] | None = None,
    check: bool = True,
    timeout: float | None = None,
    memory: bool = True,
) -> Run:
    """Run ``cmd`` and measure it: wall and CPU time (user + system of the process and every
    child it waited for, from ``wait4``), the peak RSS of its largest process (``wait4``, as
    ``/usr/bin/time -v`` reports it), and with ``memory`` the peak over time of the process tree's
    RSS summed and PSS summed (sampled every 20 ms; PSS counts a page shared by a forked child once
    in all, RSS once per process). Reading the tree's memory takes CPU from the command (several ms
    a sample on a 300 MB process tree, on a machine of two cores that a parallel command uses
    both of): time a command in runs with ``memory=False``, its memory in a run of its own."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=environ)
        peak = [0.0]
        peak_pss = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02 if memory else 0.5):
                if memory:
                    rss, pss = _tree_memory(proc.pid)
                    peak[0] = max(peak[0], rss)
                    peak_pss[0] = max(peak_pss[0], pss)
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
                float("inf"), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0], -9, b"",
                peak_pss[0],
            )  # fmt: skip
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if check and proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} exited {proc.returncode}: {stderr.decode(errors='replace')[-2000:]}"
        )
    return Run(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        peak[0],
        proc.returncode,
        stdout,
        peak_pss[0],
    )


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc; just ``pid`` elsewhere)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def _tree_memory(pid: int) -> tuple[float, float]:
    """RSS and PSS in MB of ``pid`` and its descendants, each summed (0 where /proc is missing)."""
    rss = pss = 0.0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
    return rss, pss


#: The real Anki importing a notes file, timed inside its process (Anki's start-up left out):
#: an empty collection, ``Collection.get_csv_metadata`` then ``import_csv``. Prints the seconds
#: (wall and CPU) and the number of notes added.
ANKI_IMPORT = (
    "import sys, time, tempfile, pathlib\n"
    "from anki.collection import Collection, ImportCsvRequest\n"
    "col = Collection(str(pathlib.Path(tempfile.mkdtemp()) / 'c.anki2'))\n"
    "t, c = time.perf_counter(), time.process_time()\n"
    "meta = col.get_csv_metadata(sys.argv[1], None)\n"
    "log = col.import_csv(ImportCsvRequest(path=sys.argv[1], metadata=meta)).log\n"
    "print(time.perf_counter() - t, time.process_time() - c, len(log.new))\n"
    "col.close()\n"
)


@dataclass
class Anki:
    """The baseline: the real Anki importing what ``quiz export --format anki`` wrote of a deck."""

    wall: float
    cpu: float
    notes: int
    file: Path


def anki_import(deck_file: Path, n: int, tmp: Path, environ: dict[str, str]) -> Anki:
    """Export ``deck_file`` with the real ``quiz export --format anki`` (its own data directory),
    then import that file into an empty Anki collection, in this run. Every benchmark of issue 16
    compares with this; it stops the script if Anki did not add ``n`` notes."""
    out = tmp / f"{deck_file.stem}.anki.txt"
    home = tmp / f"anki-home-{deck_file.stem}"
    run(
        [quiz_exe(), "export", str(deck_file), "--format", "anki", "-o", str(out)],
        {**environ, "QUIZ_HOME": str(home)},
    )
    done = run([sys.executable, "-c", ANKI_IMPORT, str(out)], environ, memory=False)
    wall, cpu, notes = done.stdout.split()
    if int(notes) != n:
        raise SystemExit(f"Anki imported {notes} notes of {out}, expected {n}")
    return Anki(float(wall), float(cpu), int(notes), out)


def against_anki(
    name: str,
    runs: Sequence[Run],
    anki: Anki,
    target: float,
    extra: str = "",
) -> tuple[float, bool]:
    """Print the median of ``runs`` beside Anki's import in this run: ratio of wall times, target
    ratio, met or not, and CPU (median, and its ratio to Anki's). Returns (ratio, met)."""
    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    lo, hi = min(r.wall for r in runs), max(r.wall for r in runs)
    spread = f"median of {len(runs)} ({lo:.2f}-{hi:.2f} s); " if len(runs) > 1 else ""
    ratio = wall / anki.wall if anki.wall else float("inf")
    cpu_ratio = cpu / anki.cpu if anki.cpu else float("inf")
    met = ratio <= target
    report(
        name,
        wall,
        "s",
        anki.wall,
        "Anki importing quiz export's file",
        f"<= {target:g}x",
        met,
        f"{spread}CPU {cpu:.2f} s vs Anki {anki.cpu:.2f} s ({cpu_ratio:.2f}x)"
        + (f"; {extra}" if extra else ""),
    )
    return ratio, met


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
