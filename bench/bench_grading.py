"""Grading: short-answer verdicts per second with typo tolerance on (``quiz.grading.grade``).

Timed in CPU seconds of this process (``time.process_time``), so other work on the
machine does not count against it.

Answers typed to the short cards of a generated deck: a quarter exact, a quarter in
other case and accents, a quarter with one typo, a quarter wrong. Target ≥ 50,000
verdicts/s. Baseline: ``rapidfuzz.distance.Levenshtein.distance`` alone on the same
(typed, answer) pairs, the one comparison typo tolerance cannot avoid.
"""

from __future__ import annotations

import random
import sys
import time

from _common import SIZES, args, machine_load, report, sizes, workdir
from gen import deck_text


def typed_answers(answers: list[str], seed: int = 7) -> list[str]:
    """What learners type: exact, re-cased, one typo, or wrong, in turn."""
    rng = random.Random(seed)
    out = []
    for i, answer in enumerate(answers):
        kind = i % 4
        if kind == 0:
            out.append(answer)
        elif kind == 1:
            out.append(answer.upper() if i % 8 == 1 else answer.lower())
        elif kind == 2 and len(answer) > 3:
            at = rng.randrange(1, len(answer) - 1)
            out.append(answer[:at] + answer[at + 1 :])  # one letter left out
        else:
            out.append(rng.choice(["Paris", "London", "Moscow", "nothing", "Lisbonne"]))
    return out


def measure(size: str) -> dict[str, float]:
    """Every figure for one size."""
    from rapidfuzz.distance import Levenshtein

    from quiz.deckio import parse
    from quiz.grading import grade
    from quiz.model import ShortCard

    deck = parse(deck_text(max(SIZES[size], 400)), "bench.yaml")
    cards = [c for c in deck.cards if isinstance(c, ShortCard)]
    policies = [deck.policy(c) for c in cards]
    assert all(p.typos != "off" for p in policies)
    typed = typed_answers([c.answer for c in cards])
    rounds = max(1, 50_000 // len(cards))
    t = time.process_time()
    correct = 0
    for _ in range(rounds):
        for card, answer, policy in zip(cards, typed, policies, strict=True):
            correct += grade(card, answer, policy).correct
    quiz_s = time.process_time() - t
    pairs = [(answer, card.answer) for card, answer in zip(cards, typed, strict=True)]
    distance = Levenshtein.distance
    t = time.process_time()
    for _ in range(rounds):
        for a, b in pairs:
            distance(a, b)
    base_s = time.process_time() - t
    n = len(cards) * rounds
    return {"rate": n / quiz_s, "base_rate": n / base_s, "n": n, "accepted": correct / n}


def main() -> int:
    """Measure and print."""
    ns = args(__doc__ or "")
    workdir()
    print(f"# grading, load average {machine_load()}")
    results = {size: measure(size) for size in sizes(ns)}
    for size, r in results.items():
        report(
            f"short-answer verdicts/s ({size}, {int(r['n']):,} verdicts)",
            1 / r["rate"] * 1e6,
            "µs/verdict",
            1 / r["base_rate"] * 1e6,
            "Levenshtein.distance alone",
            ">= 50,000 verdicts/s",
            r["rate"] >= 50_000,
            f"{r['rate']:,.0f} verdicts/s; {r['accepted']:.0%} accepted",
        )
    if len(results) > 1:
        print("growth: " + " -> ".join(f"{size} {r['rate']:,.0f}/s" for size, r in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
