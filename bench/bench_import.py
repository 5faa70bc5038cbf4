"""Import: ``quiz import`` of the notes file ``quiz export --format anki`` wrote of a generated deck
(``--kind realistic`` or ``templated``, or both), beside the real Anki importing that same file in
the same run (``_common.anki_import``). Target: ≤ 2x Anki's import (Anki keeps its notes in SQLite;
quiz also checks every card as a deck file is checked and writes the YAML deck).

The whole command in a fresh process, median of 3 (1 at ``tiny``); the deck written is checked to
be the deck exported (``quiz check`` of it reads the same number of cards). Peak memory: the
largest process's peak RSS.
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

#: Target, as a ratio to Anki's import of the same file.
IMPORT = 2.0


def measure(kind: str, size: str, tmp: Path) -> dict[str, float]:
    """Every figure for one kind and size, printed as it is measured."""
    n = SIZES[size]
    deck_file = write_deck(tmp / f"{kind}-{size}.yaml", n, kind=kind)
    e = env(QUIZ_HOME=str(tmp / f"home-{kind}-{size}"))
    repeat = 1 if size == "tiny" else 3
    anki = anki_import(deck_file, n, tmp, e)
    out = tmp / f"back-{kind}-{size}.yaml"
    cmd = [quiz_exe(), "import", str(anki.file), "-o", str(out), "--force", "--plain"]
    runs = [run(cmd, e) for _ in range(repeat)]
    checked = run([quiz_exe(), "check", str(out)], e)
    if checked.returncode != 0:
        raise SystemExit(f"quiz check {out} failed")
    peak = max(r.maxrss_mb for r in runs)
    ratio, _ = against_anki(
        f"quiz import of quiz export's notes file ({kind}, {size})",
        runs,
        anki,
        IMPORT,
        f"{anki.file.stat().st_size / 1e6:.1f} MB read, peak RSS {peak:.0f} MB",
    )
    return {"anki": anki.wall, "import": ratio * anki.wall, "ratio": ratio, "rss": peak}


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "", kind=True)
    tmp = workdir()
    print(f"# import from Anki notes, load average {machine_load()}", flush=True)
    for kind in kinds(ns):
        results = {size: measure(kind, size, tmp) for size in sizes(ns)}
        if len(results) > 1:
            for key in ("anki", "import", "ratio", "rss"):
                line = " -> ".join(f"{size} {r[key]:.3g}" for size, r in results.items())
                print(f"growth {kind} {key}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
