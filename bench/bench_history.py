"""Long history: 1,000,000 attempts over 100k cards in a real quiz database.

* ``quiz stats DECK`` in a fresh process (``--json`` shown beside it) (target ≤ 0.5 s);
  baseline: a fresh Python process that opens the same database and runs ``SELECT count(*) FROM attempts``.
* Picking the due cards for ``quiz study``: ``Store.due_times`` + ``schedule.queue_due``
  (target ≤ 0.3 s); baseline: the bare ``SELECT`` of the card_states rows.
* Recording one answer with its card state, commit included, 99th percentile of 500
  (target ≤ 5 ms); baseline: a bare ``INSERT`` + ``COMMIT`` on a WAL database with the
  store's pragmas.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import SIZES, args, env, machine_load, median_time, quiz_exe, report, run, sizes, workdir
from gen import ATTEMPTS_PER_CARD, card_ids, write_history

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def p99(samples: list[float]) -> float:
    """The 99th percentile."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(size: str, tmp: Path) -> dict[str, float]:
    """Every figure for one size."""
    from quiz.model import Attempt, CardState
    from quiz.practice import schedule
    from quiz.store import Store, db_path

    n = SIZES[size]
    home = tmp / size
    home.mkdir()
    db = db_path(home)
    ids = card_ids(n)
    t = time.perf_counter()
    info = write_history(db, "bench", ids, n * ATTEMPTS_PER_CARD)
    print(
        f"# {size}: wrote {info['attempts']:,} attempts over {n:,} cards in {time.perf_counter() - t:.1f} s"
    )
    e = env(QUIZ_HOME=str(home), QUIZ_NOW=NOW.isoformat())
    cwd_cmd = [quiz_exe(), "stats", "bench"]
    json_cmd = [quiz_exe(), "stats", "bench", "--json"]
    base_cmd = [
        sys.executable,
        "-c",
        f"import sqlite3; print(sqlite3.connect({str(db)!r})"
        ".execute('SELECT count(*) FROM attempts').fetchone())",
    ]
    run(cwd_cmd, e)
    repeat = 3 if size == "tiny" else 5
    stats_runs = [run(cwd_cmd, e) for _ in range(repeat)]
    stats_s = statistics.median(r.wall for r in stats_runs)
    stats_cpu = statistics.median(r.cpu for r in stats_runs)
    json_run = run(json_cmd, e)
    base_runs = [run(base_cmd, e) for _ in range(repeat)]
    base_s = statistics.median(r.wall for r in base_runs)
    base_cpu = statistics.median(r.cpu for r in base_runs)

    store = Store.open(db)
    queue_s = median_time(lambda: schedule.queue_due(ids, store.due_times("bench"), NOW), repeat)
    cpu = time.process_time()
    picked = schedule.queue_due(ids, store.due_times("bench"), NOW)
    queue_cpu = time.process_time() - cpu
    cpu = time.process_time()
    store.card_states("bench", picked)
    picked_states_cpu = time.process_time() - cpu
    old_s = median_time(  # the queue as it was first built: from every card's full state
        lambda: schedule.queue_due(
            ids, {c: st.due_at for c, st in store.card_states("bench").items()}, NOW
        ),
        1,
    )
    raw = sqlite3.connect(str(db))
    select_s = median_time(
        lambda: raw.execute(
            "SELECT deck_id, card_id, phase, due_at, data, reps, lapses FROM card_states WHERE deck_id = ?",
            ("bench",),
        ).fetchall(),
        repeat,
    )
    raw.close()
    session = store.start_session("bench", "study", 1, NOW)
    state = store.card_states("bench")[ids[0]]
    samples = []
    count = 100 if size == "tiny" else 500
    for i in range(count):
        at = NOW + timedelta(seconds=i)
        attempt = Attempt(
            session, "bench", ids[i % n], "Bern", True, "exact", 1.0, 1500, at.isoformat(), rating=3
        )
        new_state = CardState(
            "bench",
            ids[i % n],
            "review",
            (at + timedelta(days=3)).isoformat(timespec="microseconds"),
            state.data,
            state.reps + 1,
            state.lapses,
        )
        t = time.perf_counter()
        store.record(attempt, state=new_state)
        samples.append(time.perf_counter() - t)
    store.close()
    bare = sqlite3.connect(str(tmp / f"bare-{size}.db"), isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, card TEXT, typed TEXT, at TEXT)")
    bare_samples = []
    for i in range(count):
        t = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(
            "INSERT INTO t (card, typed, at) VALUES (?, ?, ?)", (ids[i % n], "Bern", NOW.isoformat())
        )
        bare.execute("COMMIT")
        bare_samples.append(time.perf_counter() - t)
    bare.close()
    return {
        "stats": stats_s,
        "stats_base": base_s,
        "stats_cpu": stats_cpu,
        "base_cpu": base_cpu,
        "json": json_run.wall,
        "json_cpu": json_run.cpu,
        "queue_cpu": queue_cpu,
        "queue": queue_s,
        "queue_old": old_s,
        "picked_states_cpu": picked_states_cpu,
        "select": select_s,
        "record_p99": p99(samples),
        "record_median": statistics.median(samples),
        "bare_p99": p99(bare_samples),
        "picked": len(picked),
    }


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "")
    tmp = workdir()
    print(f"# long history, load average {machine_load()}")
    results = {size: measure(size, tmp) for size in sizes(ns)}
    for size, r in results.items():
        n = SIZES[size]
        print(f"## {size}: {n * ATTEMPTS_PER_CARD:,} attempts, {n:,} cards, {r['picked']:,} cards picked")
        report(
            f"quiz stats ({size})",
            r["stats"],
            "s",
            r["stats_base"],
            "python + SELECT count(*)",
            "<= 0.5 s",
            r["stats"] <= 0.5,
            f"CPU {r['stats_cpu']:.2f} s (baseline {r['base_cpu']:.2f} s); "
            f"with --json: {r['json']:.2f} s, CPU {r['json_cpu']:.2f} s",
        )
        report(
            f"due cards, due_times + queue_due ({size})",
            r["queue"],
            "s",
            r["select"],
            "bare SELECT of card_states",
            "<= 0.3 s",
            r["queue"] <= 0.3,
            f"CPU {r['queue_cpu']:.2f} s; the states of all {r['picked']:,} picked cards: "
            f"{r['picked_states_cpu']:.2f} s CPU more; "
            f"old path (card_states + queue): {r['queue_old']:.2f} s",
        )
        report(
            f"record one answer p99 ({size})",
            r["record_p99"] * 1000,
            "ms",
            r["bare_p99"] * 1000,
            "bare INSERT+COMMIT p99",
            "<= 5 ms",
            r["record_p99"] <= 0.005,
            f"median {r['record_median'] * 1000:.2f} ms",
        )
    if len(results) > 1:
        for key in ("stats", "queue", "record_p99"):
            print(f"growth {key}: " + " -> ".join(f"{size} {r[key]:.4g} s" for size, r in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
