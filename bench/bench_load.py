"""Large deck load: a generated deck of mixed card types (100k cards ≈ 16.5 MB of YAML).

* ``quiz check DECK`` cold (first run, no cache): as shipped (``quiz.decks.load``), and with
  the fast loader wired in (``quiz.deckcache.load_fast``: chunks on two processes, GC paused).
  Target ≤ 6 s and peak memory ≤ 300 MB (RSS of the largest process, from ``wait4`` as
  ``/usr/bin/time -v`` reports it; the sum over both processes is shown beside it).
* ``quiz show DECK --json`` and starting ``quiz run`` warm (second run, file unchanged),
  with ``quiz.deckcache.load_cached`` wired in. Target ≤ 0.5 s.
* Baseline: the real Anki importing the same cards from the Anki file ``quiz export``
  writes (``quiz.exports.anki``), into an empty collection (``Collection.get_csv_metadata``
  then ``import_csv``), timed inside its process (Anki's start-up left out).

"Wired in" runs the real ``quiz`` command line with ``quiz.decks.load`` / ``load_ref``
replaced by the deckcache functions, exactly as the commands will call them once wired.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from _common import SIZES, args, env, machine_load, quiz_exe, report, run, sizes, workdir
from gen import write_deck

FAST = (
    "import sys, quiz.decks as d, quiz.deckcache as c\n"
    "d.load = c.load_fast\n"
    "from quiz.cli import main\n"
    "sys.argv[0] = 'quiz'\n"
    "main()\n"
)
LOAD = (
    "import sys, quiz.decks as d, quiz.deckcache as c\n"
    "deck = (c.load_fast if sys.argv[1] == 'fast' else d.load)(sys.argv[2])\n"
    "print(len(deck.cards))\n"
)
NO_NEAR_DUPLICATES = "import quiz.lint as l\nl._near_duplicates = lambda decks: []\n"
CACHED = (
    "import os, sys, pathlib, quiz.decks as d, quiz.deckcache as c\n"
    "d.load_ref = lambda ref: c.load_cached(d.resolve(ref), pathlib.Path(os.environ['QUIZ_HOME']) / 'cache')\n"
    "from quiz.cli import main\n"
    "sys.argv[0] = 'quiz'\n"
    "main()\n"
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
    from quiz.decks import load
    from quiz.exports.anki import export_anki

    n = SIZES[size]
    deck_file = write_deck(tmp / f"deck-{size}.yaml", n)
    home = tmp / f"home-{size}"
    e = env(QUIZ_HOME=str(home))
    python = sys.executable
    limit = 60.0
    load_shipped = run([python, "-c", LOAD, "shipped", str(deck_file)], e)
    load_fast = run([python, "-c", LOAD, "fast", str(deck_file)], e)
    shipped = run([quiz_exe(), "check", str(deck_file)], e, check=False, timeout=limit)
    fast = run([python, "-c", FAST, "check", str(deck_file)], e, check=False, timeout=limit)
    fast_nodup = run([python, "-c", NO_NEAR_DUPLICATES + FAST, "check", str(deck_file)], e, check=False)
    run([python, "-c", CACHED, "show", str(deck_file), "--json"], e)  # fills the cache
    repeat = 1 if size == "tiny" else 3
    show_runs = [run([python, "-c", CACHED, "show", str(deck_file), "--json"], e) for _ in range(repeat)]
    show_warm = statistics.median(r.wall for r in show_runs)
    show_cpu = statistics.median(r.cpu for r in show_runs)
    quiz_cmd = [python, "-c", CACHED, "run", str(deck_file), "--count", "1", "--no-save", "--plain", "--seed", "1"]
    quiz_runs = [run(quiz_cmd, e, check=False) for _ in range(repeat)]
    quiz_warm = statistics.median(r.wall for r in quiz_runs)
    quiz_cpu = statistics.median(r.cpu for r in quiz_runs)
    show_shipped = run([quiz_exe(), "show", str(deck_file), "--json"], e).wall
    anki_file = tmp / f"deck-{size}.txt"
    anki_file.write_text(export_anki(load(deck_file)), encoding="utf-8")
    anki = run([python, "-c", ANKI, str(anki_file)], e)
    anki_s, added = anki.stdout.split()
    if int(added) != n:
        raise SystemExit(f"Anki imported {added} notes, expected {n}")
    return {
        "load_shipped": load_shipped.wall,
        "load_shipped_cpu": load_shipped.cpu,
        "load_shipped_rss": load_shipped.maxrss_mb,
        "load_fast": load_fast.wall,
        "load_fast_cpu": load_fast.cpu,
        "load_fast_rss": load_fast.maxrss_mb,
        "load_fast_tree": load_fast.tree_rss_mb,
        "nodup": fast_nodup.wall,
        "nodup_cpu": fast_nodup.cpu,
        "nodup_rss": fast_nodup.maxrss_mb,
        "shipped": shipped.wall,
        "shipped_rss": shipped.maxrss_mb,
        "shipped_cpu": shipped.cpu,
        "fast": fast.wall,
        "fast_rss": fast.maxrss_mb,
        "fast_tree": fast.tree_rss_mb,
        "fast_cpu": fast.cpu,
        "show_warm": show_warm, "show_cpu": show_cpu, "quiz_cpu": quiz_cpu,
        "quiz_warm": quiz_warm,
        "show_shipped": show_shipped,
        "anki": float(anki_s),
        "anki_total": anki.wall,
        "bytes": deck_file.stat().st_size,
    }


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
            f"load cold, quiz.decks.load as shipped ({size})",
            r["load_shipped"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s, <= 300 MB",
            r["load_shipped"] <= 6 and r["load_shipped_rss"] <= 300,
            f"peak {r['load_shipped_rss']:.0f} MB, CPU {r['load_shipped_cpu']:.2f} s",
        )
        report(
            f"load cold, deckcache.load_fast ({size})",
            r["load_fast"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s, <= 300 MB",
            r["load_fast"] <= 6 and r["load_fast_rss"] <= 300,
            f"peak {r['load_fast_rss']:.0f} MB per process, {r['load_fast_tree']:.0f} MB both; "
            f"CPU {r['load_fast_cpu']:.2f} s",
        )
        report(
            f"quiz check cold, fast loader, near-duplicate lint left out ({size})",
            r["nodup"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s, <= 300 MB",
            r["nodup"] <= 6 and r["nodup_rss"] <= 300,
            f"peak {r['nodup_rss']:.0f} MB, CPU {r['nodup_cpu']:.2f} s",
        )
        report(
            f"quiz check cold, as shipped ({size})",
            r["shipped"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s",
            r["shipped"] <= 6 and r["shipped_rss"] <= 300,
            f"peak {r['shipped_rss']:.0f} MB, CPU {r['shipped_cpu']:.2f} s",
        )
        report(
            f"quiz check cold, fast loader ({size})",
            r["fast"],
            "s",
            base,
            "Anki CSV import",
            "<= 6 s, <= 300 MB",
            r["fast"] <= 6 and r["fast_rss"] <= 300,
            f"peak {r['fast_rss']:.0f} MB per process, {r['fast_tree']:.0f} MB both; CPU {r['fast_cpu']:.2f} s",
        )
        report(
            f"quiz show --json warm, cached ({size})",
            r["show_warm"],
            "s",
            base,
            "Anki CSV import",
            "<= 0.5 s",
            r["show_warm"] <= 0.5,
            f"CPU {r['show_cpu']:.2f} s; as shipped (no cache): {r['show_shipped']:.2f} s",
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
        for key in (
            "load_shipped",
            "load_fast",
            "nodup",
            "shipped",
            "fast",
            "show_warm",
            "quiz_warm",
            "anki",
        ):
            print(f"growth {key}: " + " -> ".join(f"{size} {r[key]:.3g} s" for size, r in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
