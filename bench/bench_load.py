"""Large deck load (issue 16): a generated deck of ``--kind realistic`` cards (shaped like the shipped
decks' own: about 590 bytes a card, 59 MB for 100k) or ``templated`` ones (times tables and vocabulary),
or both, each beside the real Anki importing the same cards in the same run.

* ``quiz check DECK`` cold (``check`` never uses the cache): parse on two processes, run the
  authors' examples, lint. Target ≤ 1.5× Anki.
* The first ``quiz run DECK --count 1`` of a deck never loaded (its deck cache deleted and a comment
  line appended before each run: the whole deck is parsed and cached). Target ≤ 1.0× Anki.
* The first ``quiz run DECK --count 1`` after an edit in the middle of the deck (a word added to a
  prompt and a comment line above it, so half the cards move down a line), with the cache of the
  deck before the edit: only the chunks of the file that changed are parsed. Target ≤ 1.0× Anki.
* A warm ``quiz run DECK --card ID`` (the file unchanged since the last run: the compiled cache).
  Target ≤ 0.1× Anki.
* ``quiz export DECK --format anki`` of the cached deck (as after any earlier command). Target ≤ 0.3×
  Anki (``bench_export.py`` measures it alone, and checks that the file is the one Anki imported).
* Peak memory over all processes of ``check`` and the first run: the PSS of the process tree
  summed (a page shared by the forked parser counts once), sampled every 20 ms; the RSS sum and
  the largest process's RSS are printed beside it. Target ≤ 300 MB.
* Baseline: ``quiz export DECK --format anki`` writes the deck's notes file, and the real Anki
  imports it into an empty collection (``Collection.get_csv_metadata`` then ``import_csv``),
  timed inside its process (Anki's start-up left out): ``_common.anki_import``.

Every figure is the real ``quiz`` command line in a fresh process, median of 3 (1 at ``tiny``),
``--no-save --plain``, stdin closed. Ratios are of wall times; CPU is user + system of every process.
"""

from __future__ import annotations

import shutil
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
CHECK, FIRST_RUN, WARM, EXPORT = 1.5, 1.0, 0.1, 0.3
MEMORY_MB = 300.0
LIMIT_S = 600.0


def edit_middle(deck_file: Path, i: int) -> None:
    """An author's edit in the middle of the deck: a word added to the prompt of the card halfway
    through and a comment line above it, so every card below it moves down a line."""
    text = deck_file.read_text(encoding="utf-8")
    at = text.index("\n  - ", len(text) // 2) + 1
    end = text.find("\n  - ", at)
    card = text[at:end].replace('prompt: "', f'prompt: "(edit {i}) ', 1)
    deck_file.write_text(f"{text[:at]}  # checked, edit {i}\n{card}{text[end:]}", encoding="utf-8")


def measure(kind: str, size: str, tmp: Path) -> dict[str, float]:
    """Every figure for one kind and size, printed as it is measured."""
    n = SIZES[size]
    deck_file = write_deck(tmp / f"{kind}-{size}.yaml", n, kind=kind)
    e = env(QUIZ_HOME=str(tmp / f"home-{kind}-{size}"))
    repeat = 1 if size == "tiny" else 3
    anki = anki_import(deck_file, n, tmp, e)
    print(f"## {kind} {size}: {n:,} cards, {deck_file.stat().st_size / 1e6:.1f} MB of YAML", flush=True)
    check_cmd = [quiz_exe(), "check", str(deck_file)]
    checks = [run(check_cmd, e, check=False, timeout=LIMIT_S, memory=False) for _ in range(repeat)]
    if any(r.returncode not in (0, 1) for r in checks):
        raise SystemExit(f"quiz check {deck_file} exited {[r.returncode for r in checks]}")
    quiz = [quiz_exe(), "run", str(deck_file), "--no-save", "--plain", "--seed", "1"]
    cache = Path(e["QUIZ_HOME"]) / "cache"
    firsts = []
    for i in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)  # a deck never loaded: no cache of it at all
        with deck_file.open("a", encoding="utf-8") as fh:
            fh.write(f"# edit {i}\n")
        firsts.append(run([*quiz, "--count", "1"], e, check=False, timeout=LIMIT_S, memory=False))
    edits = []
    for i in range(repeat):
        edit_middle(deck_file, i)  # the cache holds the file as it was before this edit
        edits.append(run([*quiz, "--count", "1"], e, check=False, timeout=LIMIT_S, memory=False))
    card = f"c{n // 2:06d}"
    warms = [run([*quiz, "--card", card], e, check=False, memory=False) for _ in range(repeat)]
    out = tmp / f"out-{kind}-{size}.txt"
    export_cmd = [quiz_exe(), "export", str(deck_file), "-o", str(out)]
    exports = [run(export_cmd, e, memory=False) for _ in range(repeat)]
    # Memory in runs of their own (sampling it slows the command): check, a first run of the deck
    # never loaded, a first run after an edit.
    shutil.rmtree(cache, ignore_errors=True)
    sized = [run(check_cmd, e, check=False, timeout=LIMIT_S)]
    sized.append(run([*quiz, "--count", "1"], e, check=False, timeout=LIMIT_S))
    edit_middle(deck_file, repeat)
    sized.append(run([*quiz, "--count", "1"], e, check=False, timeout=LIMIT_S))
    check_ratio, check_met = against_anki(f"quiz check cold ({kind}, {size})", checks, anki, CHECK)
    first_ratio, first_met = against_anki(
        f"quiz run first, deck never loaded, no cache ({kind}, {size})", firsts, anki, FIRST_RUN
    )
    edit_ratio, edit_met = against_anki(
        f"quiz run first after an edit, cache of the deck before it ({kind}, {size})", edits, anki, FIRST_RUN
    )
    warm_ratio, warm_met = against_anki(f"quiz run --card warm, cached ({kind}, {size})", warms, anki, WARM)
    export_ratio, export_met = against_anki(
        f"quiz export --format anki, deck cached ({kind}, {size})", exports, anki, EXPORT
    )
    pss = max(r.tree_pss_mb for r in sized)
    rss = max(r.tree_rss_mb for r in sized)
    print(
        f"peak memory, all processes of check and first run ({kind}, {size}): {pss:.0f} MB PSS summed "
        f"| baseline none | ratio - | target <= {MEMORY_MB:.0f} MB | "
        f"{'MET' if pss <= MEMORY_MB else 'MISSED'} "
        f"| check {sized[0].tree_pss_mb:.0f} MB, first run {sized[1].tree_pss_mb:.0f} MB, "
        f"after an edit {sized[2].tree_pss_mb:.0f} MB; RSS summed {rss:.0f} MB",
        flush=True,
    )
    return {
        "anki": anki.wall,
        "check": check_ratio * anki.wall,
        "check_ratio": check_ratio,
        "first": first_ratio * anki.wall,
        "first_ratio": first_ratio,
        "edit": edit_ratio * anki.wall,
        "edit_ratio": edit_ratio,
        "warm": warm_ratio * anki.wall,
        "warm_ratio": warm_ratio,
        "export": export_ratio * anki.wall,
        "export_ratio": export_ratio,
        "pss": pss,
        "met": float(check_met and first_met and edit_met and warm_met and export_met and pss <= MEMORY_MB),
    }


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "", kind=True)
    tmp = workdir()
    print(f"# large deck load, load average {machine_load()}", flush=True)
    for kind in kinds(ns):
        results = {size: measure(kind, size, tmp) for size in sizes(ns)}
        if len(results) > 1:
            keys = ("anki", "check", "check_ratio", "first", "first_ratio", "edit", "edit_ratio")
            keys += ("warm", "export", "export_ratio", "pss")
            for key in keys:
                line = " -> ".join(f"{size} {r[key]:.3g}" for size, r in results.items())
                print(f"growth {kind} {key}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
