"""Export (issue 16): ``quiz export DECK --format anki`` of a generated deck of ``--kind realistic`` or
``templated`` cards (or both), beside the real Anki importing that same file in the same run.

* ``quiz export`` with the deck unchanged since an earlier command (the compiled deck cache, as
  after ``quiz check``/``run``/a previous export). Target ≤ 0.3× Anki's import.
* ``quiz export`` just after an edit (a comment line appended to a deck cached before it: the
  changed part of the file is parsed again and the cache rewritten). Shown beside it against the
  first-run target, ≤ 1.0× (it is a first command on a changed deck).
* Baseline: ``_common.anki_import``: Anki importing the notes file ``quiz export`` wrote, into an
  empty collection, timed inside its process.

The whole command in a fresh process, median of 3 (1 at ``tiny``); ratios are of wall times.
"""

from __future__ import annotations

import sys
from pathlib import Path

from _common import (
    SIZES,
    against_anki,
    anki_import,
    args,
    env,
    kinds,
    machine_load,
    quiz_exe,
    run,
    sizes,
    workdir,
)
from gen import write_deck

#: Targets of issue 16, as ratios to Anki's import of the same cards.
EXPORT, FIRST = 0.3, 1.0


def measure(kind: str, size: str, tmp: Path) -> dict[str, float]:
    """Every figure for one kind and size, printed as it is measured."""
    n = SIZES[size]
    deck_file = write_deck(tmp / f"{kind}-{size}.yaml", n, kind=kind)
    e = env(QUIZ_HOME=str(tmp / f"home-{kind}-{size}"))
    repeat = 1 if size == "tiny" else 3
    anki = anki_import(deck_file, n, tmp, e)
    out = tmp / f"out-{kind}-{size}.txt"
    cmd = [quiz_exe(), "export", str(deck_file), "--format", "anki", "-o", str(out)]
    run(cmd, e)  # the deck cached as it was before the edits
    firsts = []
    for i in range(repeat):
        with deck_file.open("a", encoding="utf-8") as fh:
            fh.write(f"# edit {i}\n")  # an edit: the cache holds the file as it was before it
        firsts.append(run(cmd, e, memory=False))
    warms = [run(cmd, e, memory=False) for _ in range(repeat)]
    if out.read_bytes() != anki.file.read_bytes():
        raise SystemExit(f"{out} differs from the file Anki imported")
    size_mb = out.stat().st_size / 1e6
    ratio, _ = against_anki(
        f"quiz export --format anki, deck cached ({kind}, {size})",
        warms,
        anki,
        EXPORT,
        f"{size_mb:.1f} MB written",
    )
    first_ratio, _ = against_anki(
        f"quiz export --format anki after an edit, cache of the deck before it ({kind}, {size})",
        firsts,
        anki,
        FIRST,
    )
    return {"anki": anki.wall, "export": ratio * anki.wall, "ratio": ratio, "first": first_ratio * anki.wall}


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "", kind=True)
    tmp = workdir()
    print(f"# export to Anki, load average {machine_load()}", flush=True)
    for kind in kinds(ns):
        results = {size: measure(kind, size, tmp) for size in sizes(ns)}
        if len(results) > 1:
            for key in ("anki", "export", "ratio", "first"):
                line = " -> ".join(f"{size} {r[key]:.3g}" for size, r in results.items())
                print(f"growth {kind} {key}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
