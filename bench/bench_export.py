"""Export: 100k cards to the Anki import file (``quiz.formats.anki.export_anki``), written to disk.

Target ≤ 1.5 s for 100k cards (the deck already loaded). Baseline: ``csv.writer`` writing
the same number of rows of plain strings of the same widths to a file. The whole
``quiz export DECK --format anki`` command (deck load included, as shipped) is shown beside it.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from _common import SIZES, args, env, machine_load, median_time, quiz_exe, report, run, sizes, workdir
from gen import write_deck


def measure(size: str, tmp: Path) -> dict[str, float]:
    """Every figure for one size."""
    from quiz.deckio import load
    from quiz.formats.anki import export_anki

    n = SIZES[size]
    deck_file = write_deck(tmp / f"deck-{size}.yaml", n)
    deck = load(deck_file)
    out = tmp / f"deck-{size}.txt"
    repeat = 1 if size == "tiny" else 3

    def export() -> None:
        out.write_text(export_anki(deck), encoding="utf-8")

    export_s = median_time(export, repeat)
    cpu = time.process_time()
    export()
    export_cpu = time.process_time() - cpu
    with out.open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")]
    plain = [[f"{c:<{len(c)}}" for c in row] for row in rows]  # the same strings, as plain values
    base_file = tmp / f"plain-{size}.csv"

    def baseline() -> None:
        with base_file.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t").writerows(plain)

    base_s = median_time(baseline, repeat)
    cli = run(
        [quiz_exe(), "export", str(deck_file), "--format", "anki", "-o", str(tmp / "cli.txt")],
        env(QUIZ_HOME=str(tmp / "home")),
        check=False,
    )
    return {
        "export": export_s,
        "export_cpu": export_cpu,
        "base": base_s,
        "rows": len(rows),
        "cli": cli.wall,
        "cli_rc": cli.returncode,
    }


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "")
    tmp = workdir()
    print(f"# export to Anki, load average {machine_load()}")
    results = {size: measure(size, tmp) for size in sizes(ns)}
    for size, r in results.items():
        report(
            f"export_anki + write ({size}, {int(r['rows']):,} rows)",
            r["export"],
            "s",
            r["base"],
            "csv.writer, same rows",
            "<= 1.5 s",
            r["export"] <= 1.5,
            f"CPU {r['export_cpu']:.2f} s; whole 'quiz export' command: {r['cli']:.2f} s "
            f"(exit {int(r['cli_rc'])})",
        )
    if len(results) > 1:
        print("growth export: " + " -> ".join(f"{size} {r['export']:.3g} s" for size, r in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
