"""Generators for the benchmarks: large YAML decks and long score histories.

``write_deck(path, n)`` writes a deck of ``n`` cards of every type with realistic
text lengths, straight as YAML text (``yaml.dump`` takes minutes at 100k cards).
``write_history(db, deck_id, card_ids, attempts)`` fills a real quiz database
(``quiz.store.Store.open``) with sessions and attempts in one transaction.

Run as a script: ``python bench/gen.py deck OUT.yaml N`` or
``python bench/gen.py history DB DECK.yaml ATTEMPTS``.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SIZES = {"tiny": 60, "1k": 1_000, "10k": 10_000, "100k": 100_000}
#: Attempts per card in a long history (1M attempts over 100k cards).
ATTEMPTS_PER_CARD = 10

COMMON = [
    "treaty", "general", "minister", "meeting", "border", "capital", "river", "empire", "summit",
    "alliance", "army", "navy", "council", "senate", "charter", "republic", "province", "harbour",
    "fortress", "coast", "island", "valley", "mountain", "desert", "frontier", "spokesperson",
    "destroyer", "aircraft", "incident", "embassy", "protest", "agreement", "confidential", "strategy",
    "defence", "hearing", "operation", "command", "chief", "staff", "joint", "forces", "north", "south",
    "east", "west", "first", "second", "last", "ancient", "modern", "century", "decade", "signed",
    "negotiated", "declared", "occupied", "liberated", "founded", "elected", "appointed", "resigned",
    "crossed",
]
SYLLABLES = [
    "ka", "lo", "mi", "ra", "ten", "vor", "du", "sel", "an", "bri", "cho", "fen", "gal", "hus", "im",
    "jor", "kel", "lun", "mar", "nor", "pel", "quin", "ros", "tav", "ul",
]


def _vocabulary(size: int = 6000, seed: int = 3) -> list[str]:
    """Common words first, then made-up words: prompts over a Zipf-like vocabulary, as real decks have."""
    rng = random.Random(seed)
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


WORDS = _vocabulary()
#: Cumulative Zipf weights (rank r is picked in proportion to 1/r).
CUM_WEIGHTS = list(itertools.accumulate(1 / (r + 1) for r in range(len(WORDS))))
NAMES = [
    "Bern",
    "Geneva",
    "Helsinki",
    "Vienna",
    "Baku",
    "Gerasimov",
    "Dunford",
    "Milley",
    "Zurich",
    "Lisbon",
    "Oslo",
    "Warsaw",
    "Prague",
    "Kyiv",
    "Tbilisi",
    "Ankara",
    "Athens",
    "Madrid",
    "Dublin",
    "Riga",
    "Tallinn",
    "Vilnius",
    "Sofia",
    "Bucharest",
    "Belgrade",
]
ACCENTED = ["Zürich", "Genève", "Kraków", "São Paulo", "Reykjavík", "Malmö", "Besançon"]
TYPES = ("short", "short", "short", "choice", "multi", "bool", "number", "date", "cloze", "order", "card")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are a subset of YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    words = rng.choices(WORDS, cum_weights=CUM_WEIGHTS, k=n)
    words[0] = words[0].capitalize()
    if n > 4:
        words[rng.randrange(1, n)] = rng.choice(NAMES)
    return " ".join(words)


def _card(rng: random.Random, i: int) -> str:
    """One card; about 155 bytes on average, like flashcards imported from Anki plus richer quiz cards."""
    kind = TYPES[i % len(TYPES)]
    lines = [f"  - id: c{i:06d}", f"    type: {kind}"]
    prompt = _sentence(rng, 3, 8) + "?"
    name = rng.choice(NAMES + ACCENTED)
    if kind == "short":
        lines += [f"    prompt: {_q(prompt)}", f"    answer: {_q(name)}"]
        if i % 3 == 0:
            lines.append(f"    accept: [{_q(name.lower())}]")
        if i % 7 == 0:
            lines.append(
                f"    examples: {{accept: [{_q(name.upper())}], reject: [{_q('Nowhere' + str(i))}]}}"
            )
    elif kind in ("choice", "multi"):
        choices = [_q(c) for c in rng.sample(NAMES, 4)]
        lines.append(f"    prompt: {_q(prompt)}")
        lines.append(f"    choices: [{', '.join(choices)}]")
        if kind == "choice":
            lines.append(f"    answer: {choices[1]}")
        else:
            lines.append(f"    answer: [{choices[0]}, {choices[2]}]")
    elif kind == "bool":
        lines += [
            f"    prompt: {_q(_sentence(rng, 4, 9) + '.')}",
            f"    answer: {rng.choice(['true', 'false'])}",
        ]
    elif kind == "number":
        lines += [f"    prompt: {_q(prompt)}", f"    answer: {rng.randint(1, 100_000)}"]
        if i % 2:
            lines.append(f"    tolerance: {rng.choice(['5', '10%'])}")
    elif kind == "date":
        y, m, d = rng.randint(1800, 2025), rng.randint(1, 12), rng.randint(1, 28)
        answer = rng.choice([f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}"])
        lines += [f"    prompt: {_q(prompt)}", f'    answer: "{answer}"']
    elif kind == "cloze":
        text = f"{_sentence(rng, 3, 6)} {{{{c1::{name}}}}} {_sentence(rng, 2, 4)}."
        lines.append(f"    text: {_q(text)}")
    elif kind == "order":
        lines.append(f"    prompt: {_q(prompt)}")
        lines.append(f"    items: [{', '.join(_q(w) for w in rng.sample(WORDS, 4))}]")
    else:
        lines += [f"    front: {_q(prompt)}", f"    back: {_q(_sentence(rng, 1, 4))}"]
    if i % 5 == 0:
        lines.append(f"    explain: {_q(_sentence(rng, 6, 14) + '.')}")
    if i % 2 == 0:
        lines.append(f"    tags: [{rng.choice(['who', 'where', 'when', 'incidents'])}]")
    return "\n".join(lines) + "\n"


def deck_text(n: int, seed: int = 1, deck_id: str = "bench") -> str:
    """The YAML text of a deck of ``n`` cards of every type (deterministic for a seed)."""
    rng = random.Random(seed)
    head = (
        "deck:\n"
        f"  id: {deck_id}\n"
        f"  title: Benchmark deck of {n} cards\n"
        "  description: Generated by bench/gen.py.\n"
        "  tags: [bench]\n"
        "  grading:\n"
        "    typos: auto\n"
        "cards:\n"
    )
    return head + "".join(_card(rng, i) for i in range(n))


def write_deck(path: Path, n: int, seed: int = 1, deck_id: str = "bench") -> Path:
    """Write a deck of ``n`` cards to ``path`` and return it."""
    path.write_text(deck_text(n, seed, deck_id), encoding="utf-8")
    return path


def card_ids(n: int) -> list[str]:
    """The ids ``write_deck`` gives its ``n`` cards."""
    return [f"c{i:06d}" for i in range(n)]


def write_history(
    db: Path, deck_id: str, ids: list[str], attempts: int, seed: int = 1, per_session: int = 50
) -> dict[str, Any]:
    """Fill the quiz database at ``db`` with ``attempts`` answers to ``ids`` over a year.

    Uses the store's own schema (``Store.open`` creates it) and bulk-inserts sessions,
    attempts and card states in one transaction, then rebuilds the summary tables from
    them (``Store.rebuild_summaries``). Returns what was written.
    """
    from quiz.store import Store

    rng = random.Random(seed)
    store = Store.open(db)
    conn = store.connection
    columns = {
        table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        for table in ("sessions", "attempts", "card_states")
    }
    start = datetime(2025, 11, 1, tzinfo=timezone.utc)
    span = 365 * 86400
    n_sessions = max(1, attempts // per_session)
    session_rows = []
    for s in range(1, n_sessions + 1):
        at = start + timedelta(seconds=span * s / n_sessions)
        row = {
            "id": s,
            "deck_id": deck_id,
            "mode": "study" if s % 3 else "quiz",
            "seed": s,
            "started_at": _utc(at),
            "finished_at": _utc(at + timedelta(minutes=10)),
            "interrupted": 0,
            "correct": int(per_session * 0.8),
            "asked": per_session,
            "deck_hash": "0" * 64,
            "learner": "",
        }
        session_rows.append(row)
    t0 = time.perf_counter()
    _insert(conn, "sessions", columns["sessions"], session_rows)

    def attempt_rows() -> Any:
        for a in range(attempts):
            s = a // per_session + 1
            card = ids[rng.randrange(len(ids))] if a >= len(ids) else ids[a]
            correct = rng.random() < 0.8
            at = start + timedelta(seconds=span * a / attempts)
            yield {
                "session_id": min(s, n_sessions),
                "deck_id": deck_id,
                "card_id": card,
                "typed": "Bern" if correct else "Geneva",
                "correct": int(correct),
                "rule": "exact" if correct else "wrong",
                "score": 1.0 if correct else 0.0,
                "time_ms": rng.randint(800, 20_000),
                "answered_at": _utc(at),
                "rating": (3 if correct else 1) if s % 3 else None,
                "cram": 0,
                "first": 1,
            }

    _insert(conn, "attempts", columns["attempts"], attempt_rows())
    if columns["card_states"]:
        now = start + timedelta(seconds=span)
        states = []
        for i, cid in enumerate(ids):
            due = now + timedelta(days=rng.uniform(-30, 60))
            states.append(
                {
                    "deck_id": deck_id,
                    "card_id": cid,
                    "phase": "review" if i % 5 else "learning",
                    "due_at": _utc(due),
                    "data": json.dumps(
                        {
                            "card_id": i + 1,
                            "state": 2,
                            "step": None,
                            "stability": 12.5,
                            "difficulty": 5.1,
                            "due": due.isoformat(),
                            "last_review": now.isoformat(),
                        }
                    ),
                    "reps": ATTEMPTS_PER_CARD,
                    "lapses": 2,
                }
            )
        _insert(conn, "card_states", columns["card_states"], states)
    conn.execute("COMMIT")
    t1 = time.perf_counter()
    store.rebuild_summaries()  # the bulk insert bypassed Store.record, which keeps them
    store.close()
    return {
        "sessions": n_sessions,
        "attempts": attempts,
        "cards": len(ids),
        "seconds": time.perf_counter() - t0,
        "summaries_seconds": time.perf_counter() - t1,
    }


def _utc(when: datetime) -> str:
    """The store's fixed-width UTC text."""
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _insert(conn: Any, table: str, columns: list[str], rows: Any) -> None:
    """Bulk insert the dict rows' values for the table's known columns (others default)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    cols = [c for c in columns if c in first]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"

    def values() -> Any:
        yield tuple(first[c] for c in cols)
        for row in rows:
            yield tuple(row[c] for c in cols)

    if not conn.in_transaction:
        conn.execute("BEGIN")
    conn.executemany(sql, values())


def main(argv: list[str]) -> int:
    """Command line: ``deck OUT N`` or ``history DB DECK_ID N_CARDS ATTEMPTS``."""
    if len(argv) >= 3 and argv[0] == "deck":
        n = SIZES.get(argv[2]) or int(argv[2])
        t0 = time.perf_counter()
        write_deck(Path(argv[1]), n)
        print(f"wrote {n} cards to {argv[1]} in {time.perf_counter() - t0:.2f} s")
        return 0
    if len(argv) >= 5 and argv[0] == "history":
        info = write_history(Path(argv[1]), argv[2], card_ids(int(argv[3])), int(argv[4]))
        print(f"wrote {info}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
