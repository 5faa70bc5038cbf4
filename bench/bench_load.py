"""Large deck load: a generated deck of mixed card types (100k cards ≈ 16.5 MB of YAML).

* ``quiz check DECK`` cold (``check`` never uses the cache): the loader parses chunks on two
  processes with the GC paused (``quiz.deckio._parallel.parse_bytes``), then lints. Target ≤ 6 s and
  peak memory ≤ 300 MB (RSS of the largest process, from ``wait4`` as
  ``/usr/bin/time -v`` reports it; the sum over both processes is shown beside it).
* ``quiz show DECK --json`` and starting ``quiz run`` warm (second run, file unchanged),
  through the compiled cache (``quiz.deckio._cache.load_cached``). Target ≤ 0.5 s.
* Baseline: the real Anki importing the same cards from the Anki file ``quiz export``
  writes (``quiz.formats.anki``), into an empty collection (``Collection.get_csv_metadata``
  then ``import_csv``), timed inside its process (Anki's start-up left out).

Every figure runs the real ``quiz`` command line (``quiz.deckio.load`` parses through
``_parallel.parse_bytes``; ``show``/``run`` load through ``_cache.load_cached`` in the data
directory), except "load cold", which is ``quiz.deckio.load`` alone in a fresh process.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from _common import SIZES, args, env, machine_load, quiz_exe, report, run, sizes, workdir
from gen import write_deck

LOAD = (
    "import sys, quiz.deckio as d\n"
    "deck = d.load(sys.argv[1])\n"
    "print(len(deck.cards))\n"
)
ANKI = (
    "import sys, time, tempfile, pathlib\n"
    "from anki.collection import Collection, ImportCsvRequest\n"
    "col = Collection(str(pathlib.Path(tempfile.mkdtemp()) / 'c.anki2'))\n"
    "t = time.perf_counter()\n"
    "meta = col.get_csv_metadata(sys.argv[1], None)\n"
    "log = col.import_csv(ImportCsvRequest(path=sys.argv[1], metadata=meta)).log\n"
    "print(time.perf_counter() - t, len(log.new))\n"
    "col.close()\n"
)


def measure(size: str, tmp: Path) -> dict[str, float]:
    """Every figure for one size."""
    from quiz.deckio import load as load_deck
    from quiz.formats.anki import export_anki

    n = SIZES[size]
    deck_file = write_deck(tmp / f"deck-{size}.yaml", n)
    home = tmp / f"home-{size}"
    e = env(QUIZ_HOME=str(home))
    python = sys.executable
    limit = 60.0
    load = run([python, "-c", LOAD, str(deck_file)], e)
    repeat = repeat_of(size)
    # Medians of three: the shared machine's speed varies by a fifth from one minute to the next.
    check_cmd = [quiz_exe(), "check", str(deck_file)]
    checks = [run(check_cmd, e, check=False, timeout=limit) for _ in range(repeat)]
    run([quiz_exe(), "show", str(deck_file), "--json"], e)  # fills the cache
    show_runs = [run([quiz_exe(), "show", str(deck_file), "--json"], e) for _ in range(repeat)]
    quiz_cmd = [quiz_exe(), "run", str(deck_file), "--count", "1", "--no-save", "--plain", "--seed", "1"]
    quiz_runs = [run(quiz_cmd, e, check=False) for _ in range(repeat)]
    anki_file = tmp / f"deck-{size}.txt"
    anki_file.write_text(export_anki(load_deck(deck_file)), encoding="utf-8")
    anki = run([python, "-c", ANKI, str(anki_file)], e)
    anki_s, added = anki.stdout.split()
    if int(added) != n:
        raise SystemExit(f"Anki imported {added} notes, expected {n}")
    return {
        "load": load.wall,
        "load_cpu": load.cpu,
        "load_rss": load.maxrss_mb,
        "load_tree": load.tree_rss_mb,
        "check": statistics.median(r.wall for r in checks),
        "check_min": min(r.wall for r in checks),
        "check_max": max(r.wall for r in checks),
        "check_cpu": statistics.median(r.cpu for r in checks),
        "check_rss": max(r.maxrss_mb for r in checks),
        "check_tree": max(r.tree_rss_mb for r in checks),
        "show_warm": statistics.median(r.wall for r in show_runs),
        "show_cpu": statistics.median(r.cpu for r in show_runs),
        "quiz_warm": statistics.median(r.wall for r in quiz_runs),
        "quiz_cpu": statistics.median(r.cpu for r in quiz_runs),
        "anki": float(anki_s),
        "anki_total": anki.wall,
        "bytes": deck_file.stat().st_size,
    }


def repeat_of(size: str) -> int:
    """How many times the repeated figures are taken."""
    return 1 if size == "tiny" else 3


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "")
    tmp = workdir()
    print(f"# large deck load, load average {machine_load()}")
    results = {size: measure(size, tmp) for size in sizes(ns)}
    for size, r in results.items():
        print(f"## {size}: {SIZES[size]:,} cards, {r['bytes'] / 1e6:.1f} MB of YAML")
        base = r["anki"]
        report(
            f"load cold, quiz.deckio.load ({size})",
            r["load"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s, <= 300 MB",
            r["load"] <= 6 and r["load_rss"] <= 300,
            f"peak {r['load_rss']:.0f} MB per process, {r['load_tree']:.0f} MB both; "
            f"CPU {r['load_cpu']:.2f} s",
        )
        report(
            f"quiz check cold ({size})",
            r["check"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s, <= 300 MB",
            r["check"] <= 6 and r["check_rss"] <= 300,
            f"median of {repeat_of(size)} ({r['check_min']:.2f}-{r['check_max']:.2f} s); "
            f"peak {r['check_rss']:.0f} MB per process, {r['check_tree']:.0f} MB both; "
            f"CPU {r['check_cpu']:.2f} s",
        )
        report(
            f"quiz show --json warm, cached ({size})",
            r["show_warm"],
            "s",
            base,
            "Anki CSV import",
            "<= 0.5 s",
            r["show_warm"] <= 0.5,
            f"CPU {r['show_cpu']:.2f} s",
        )
        report(
            f"quiz run start warm, cached ({size})",
            r["quiz_warm"],
            "s",
            base,
            "Anki CSV import",
            "<= 0.5 s",
            r["quiz_warm"] <= 0.5,
            f"CPU {r['quiz_cpu']:.2f} s",
        )
    if len(results) > 1:
        for key in ("load", "load_cpu", "check", "check_cpu", "show_warm", "quiz_warm", "quiz_cpu", "anki"):
            print(f"growth {key}: " + " -> ".join(f"{size} {r[key]:.3g} s" for size, r in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
