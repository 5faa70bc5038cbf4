"""The two FSRS optimizers on one generated review history: time to fit and how close the fit is.

    python bench/bench_optimize.py [--reviews 100000] [--backend rs|torch|both]

The history comes from :func:`quiz.practice.optimize.simulate`: a learner whose memory follows
known parameters (``TRUE`` below), studying on fsrs's default schedule. ``rs`` is
fsrs-rs-python (``FSRS.compute_parameters``), ``torch`` the fsrs package's own
``Optimizer.compute_optimal_parameters`` (``fsrs[optimizer]``, needs torch). Each prints its
wall and CPU time and the fitted initial stabilities w0-w3 beside the true ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz.practice.optimize import fit, long_term_reviews, simulate
from quiz.practice.schedule import DEFAULT_PARAMETERS

#: The learner's true memory: the defaults with other initial stabilities and a faster growth.
TRUE = (0.6, 1.8, 4.5, 15.0, *DEFAULT_PARAMETERS[4:8], 2.1, *DEFAULT_PARAMETERS[9:])


def history(reviews: int) -> list:  # type: ignore[type-arg]
    """About ``reviews`` reviews: cards introduced 20 a day, studied for a year."""
    cards = max(20, reviews // 9)
    return simulate(
        TRUE, DEFAULT_PARAMETERS, cards=cards, days=365, seed=1, new_per_day=max(20, cards // 300)
    )


def fit_torch(revs: list) -> tuple[float, ...]:  # type: ignore[type-arg]
    """The fsrs package's optimizer on the same reviews."""
    import fsrs

    ids = {c: i + 1 for i, c in enumerate(sorted({r.card for r in revs}))}
    logs = [fsrs.ReviewLog(ids[r.card], fsrs.Rating(r.rating), r.at, None) for r in revs]
    return tuple(fsrs.Optimizer(logs).compute_optimal_parameters())


def main() -> None:
    """Generate, fit with each backend, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--backend", choices=["rs", "torch", "both"], default="both")
    opts = parser.parse_args()
    start = time.perf_counter()
    revs = history(opts.reviews)
    print(
        f"history: {len(revs):,} reviews ({long_term_reviews(revs):,} on a later day)"
        f" of {len({r.card for r in revs}):,} cards, generated in {time.perf_counter() - start:.1f} s"
    )
    print(f"true w0-w3:     {', '.join(f'{w:.3f}' for w in TRUE[:4])}")
    print(f"default w0-w3:  {', '.join(f'{w:.3f}' for w in DEFAULT_PARAMETERS[:4])}")
    backends = {"rs": fit, "torch": fit_torch}
    for name in ["rs", "torch"] if opts.backend == "both" else [opts.backend]:
        wall, cpu = time.perf_counter(), time.process_time()
        fitted = backends[name](revs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        shown = ", ".join(f"{w:.3f}" for w in fitted[:4])
        print(f"{name:6} fit: {wall:7.1f} s wall, {cpu:7.1f} s CPU; w0-w3: {shown}")


if __name__ == "__main__":
    main()
