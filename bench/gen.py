"""Generators for the benchmarks: large YAML decks and long score histories.

``write_deck(path, n)`` writes a deck of ``n`` cards of every type with realistic
text lengths, straight as YAML text (``yaml.dump`` takes minutes at 100k cards).
``write_history(db, deck_id, card_ids, attempts)`` fills a real quiz database
(``quiz.store.Store.open``) with sessions and attempts in one transaction.

Run as a script: ``python bench/gen.py deck OUT.yaml N [realistic|templated|light]`` or
``python bench/gen.py history DB DECK.yaml ATTEMPTS``.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SIZES = {"tiny": 60, "1k": 1_000, "10k": 10_000, "100k": 100_000}
#: Attempts per card in a long history (1M attempts over 100k cards).
ATTEMPTS_PER_CARD = 10

COMMON = [
    "treaty",
    "general",
    "minister",
    "meeting",
    "border",
    "capital",
    "river",
    "empire",
    "summit",
    "alliance",
    "army",
    "navy",
    "council",
    "senate",
    "charter",
    "republic",
    "province",
    "harbour",
    "fortress",
    "coast",
    "island",
    "valley",
    "mountain",
    "desert",
    "frontier",
    "spokesperson",
    "destroyer",
    "aircraft",
    "incident",
    "embassy",
    "protest",
    "agreement",
    "confidential",
    "strategy",
    "defence",
    "hearing",
    "operation",
    "command",
    "chief",
    "staff",
    "joint",
    "forces",
    "north",
    "south",
    "east",
    "west",
    "first",
    "second",
    "last",
    "ancient",
    "modern",
    "century",
    "decade",
    "signed",
    "negotiated",
    "declared",
    "occupied",
    "liberated",
    "founded",
    "elected",
    "appointed",
    "resigned",
    "crossed",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vor",
    "du",
    "sel",
    "an",
    "bri",
    "cho",
    "fen",
    "gal",
    "hus",
    "im",
    "jor",
    "kel",
    "lun",
    "mar",
    "nor",
    "pel",
    "quin",
    "ros",
    "tav",
    "ul",
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


# --- decks like the shipped ones -----------------------------------------------------------------

#: Deck kinds every benchmark runs on: cards shaped like the shipped decks' (``realistic``) and
#: cards made from one prompt pattern with a varying number or word (``templated``).
KINDS = ("realistic", "templated")
#: The shipped decks' mix of card types (68 cards: 14 short, 13 choice, 11 bool, 8 multi, 7 date,
#: 6 cloze, 4 number, 3 flashcards, 2 order), interleaved so that every run of 68 cards has it.
MIX = (
    ("short",) * 14 + ("choice",) * 13 + ("bool",) * 11 + ("multi",) * 8 + ("date",) * 7
    + ("cloze",) * 6 + ("number",) * 4 + ("card",) * 3 + ("order",) * 2
)  # fmt: skip
REALISTIC_TYPES = tuple(MIX[(i * 37) % len(MIX)] for i in range(len(MIX)))  # 37 is prime to 68
TOPICS = [
    "who", "where", "when", "people", "series", "incidents", "context", "syria", "places", "dates",
    "talks", "navy", "air", "treaties", "leaders", "history", "defense", "figures", "terms", "events",
]  # fmt: skip
#: Real names used as wrong answers: far (in edits) from every made-up name.
WRONG = [
    "Joe Dunford", "Mark Esper", "Valery Gerasimov", "Sergei Shoigu", "Martin Dempsey", "Mark Milley",
    "Vladimir Putin", "Bashar Assad", "Jim Mattis", "Lloyd Austin", "Colin Powell", "Ash Carter",
    "Dwight Eisenhower", "George Marshall", "Omar Bradley", "Chuck Hagel",
]  # fmt: skip
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .'()-]*[A-Za-z0-9.)]")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "t", "f"}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]  # fmt: skip


def _s(text: str) -> str:
    """A YAML flow scalar: plain where that is safe (as people write them), else double-quoted."""
    if _PLAIN.fullmatch(text) and text.casefold() not in _YAML_WORDS and ": " not in text:
        return text
    return _q(text)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(_s(t) for t in items) + "]"


def _block(key: str, text: str, indent: int = 4) -> list[str]:
    """``key: text`` on one line, or folded (``>-``) over lines of up to 88 columns, as shipped decks are."""
    pad = " " * indent
    if len(text) + len(key) + indent + 2 <= 96:
        return [f"{pad}{key}: {_s(text)}"]
    lines, line = [f"{pad}{key}: >-"], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) + indent + 2 > 88:
            lines.append(f"{pad}  {line}")
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(f"{pad}  {line}")
    return lines


def _name_word(i: int, syllables: int = 4) -> str:
    """A made-up word that no other ``i`` gives (the syllables are a prefix code)."""
    out = []
    for _ in range(syllables):
        i, r = divmod(i, len(SYLLABLES))
        out.append(SYLLABLES[r])
    return "".join(out).capitalize()


def _text(rng: random.Random, chars: int, end: str, unique: str = "") -> str:
    """A sentence of about ``chars`` characters from the Zipf vocabulary (``unique`` among its words)."""
    words: list[str] = []
    size = len(unique) + 1 if unique else 0
    while size < chars:
        w = rng.choices(WORDS, cum_weights=CUM_WEIGHTS)[0]
        words.append(w)
        size += len(w) + 1
    if unique:
        words.insert(rng.randrange(len(words) + 1), unique)
    words[0] = words[0].capitalize()
    return " ".join(words) + end


def _spread(i: int) -> str:
    """A made-up word of five syllables for ``i``, far in edits from the words of ``i + 1``
    (so that no wrong choice is a typo away from the right one)."""
    return _name_word(i * 2_654_435_761 % len(SYLLABLES) ** 5, 5)


def _person(i: int) -> tuple[str, str]:
    """A made-up person's first name and surname, unique to ``i``."""
    return _name_word(i * 7 + 3, 2), _name_word(i, 4)


def _typo(word: str) -> str:
    """One letter of ``word`` changed (a vowel for another), as a learner mistypes it."""
    for at in range(len(word) // 2, len(word)):
        if word[at] in "aeiou":
            return word[:at] + ("o" if word[at] != "o" else "e") + word[at + 1 :]
    return word[:-1] + ("x" if word[-1] != "x" else "z")


def _realistic_card(rng: random.Random, i: int) -> str:
    """One card shaped like a shipped card of its type: the same fields, about as many alternates
    and examples, an explanation of about 120 characters; about 590 bytes on average."""
    kind = REALISTIC_TYPES[i % len(REALISTIC_TYPES)]
    first, last = _person(i)
    full = f"{first} {last}"
    uniq = _name_word(i + 400_000, 4)
    lines = [f"  - id: c{i:06d}", f"    type: {kind}"]
    accept: list[str] = []
    reject: list[str] = []
    wrong = [WRONG[(i + k * 5) % len(WRONG)] for k in range(5)]
    if kind == "short":
        lines += _block("prompt", _text(rng, 78, "?", uniq))
        lines.append(f"    answer: {_s(full)}")
        lines.append(
            "    accept: "
            + _flow([last, f"Gen. {full}", f"General {full}", f"Gen. {last}", f"{first[0]}. {last}"])
        )
        accept = [
            full.lower(),
            last,
            full.upper(),
            f"{first} {_typo(last)}",
            f"gen. {last.lower()}",
            f"General {full}",
        ]
        reject = wrong
    elif kind == "choice":
        lines += _block("prompt", _text(rng, 58, "?", uniq))
        choices = [_text(rng, 18, "", _spread(i * 4 + k + 900_000)) for k in range(4)]
        answer = choices[rng.randrange(4)]
        lines.append("    choices: " + _flow(choices))
        lines.append(f"    answer: {_s(answer)}")
        accept = [answer, answer.lower(), "abcd"[choices.index(answer)]]
        reject = [c for c in choices if c != answer][:2]
    elif kind == "bool":
        lines += _block("prompt", "True or false: " + _text(rng, 78, ".", uniq))
        value = rng.random() < 0.5
        lines.append(f"    answer: {'true' if value else 'false'}")
        yes, no = ["true", "t", "yes", "y"], ["false", "f", "no"]
        accept, reject = (yes, no) if value else (no, yes)
    elif kind == "multi":
        lines += _block("prompt", _text(rng, 76, "? Pick all that apply.", uniq))
        choices = [_text(rng, 24, "", _spread(i * 5 + k + 1_400_000)) for k in range(5)]
        right = sorted(rng.sample(range(5), rng.choice((2, 3))))
        wrong_one = next(k for k in range(5) if k not in right)
        lines.append("    choices:")
        lines += [f"      - {_s(c)}" for c in choices]
        lines.append("    answer: " + _flow([choices[k] for k in right]))
        accept = [
            ", ".join(choices[k] for k in right),
            ", ".join(choices[k].lower() for k in reversed(right)),
        ]
        reject = [
            choices[right[0]],
            ", ".join(choices[k] for k in (*right[:1], wrong_one)),
            choices[wrong_one],
        ]
    elif kind == "number":
        lines += _block("prompt", _text(rng, 104, "?", uniq))
        value = rng.randint(2, 9_999)
        unit = rng.choice(["days", "years", "countries", "ships", "meetings", "decades"])
        lines += [f"    answer: {value}", f"    unit: {unit}"]
        accept = [str(value), f"{value} {unit}", f"{value}.0", f"{value:,}"]
        reject = [str(value - 1), str(value + 2), str(value * 10)]
    elif kind == "date":
        lines += _block("prompt", _text(rng, 72, "?", uniq))
        y, m, d = rng.randint(1900, 2024), rng.randint(1, 12), rng.randint(1, 28)
        month = _MONTHS[m - 1]
        if i % 3 == 0:
            lines.append(f"    answer: {y}")
            accept, reject = [str(y), f" {y}"], [str(y - 1), str(y + 1), str(y + 2)]
        elif i % 3 == 1:
            lines.append(f'    answer: "{y}-{m:02d}"')
            accept = [f"{y}-{m:02d}", f"{month[:3]} {y}", f"{month} {y}"]
            reject = [f"{y}-{m % 12 + 1:02d}", str(y), f"{month} {y + 1}"]
        else:
            lines.append(f"    answer: {y}-{m:02d}-{d:02d}")
            accept = [f"{y}-{m:02d}-{d:02d}", f"{month[:3]} {d} {y}", f"{month} {d}, {y}", f"{d} {month} {y}",
                      f"{m}/{d}/{y}"]  # fmt: skip
            reject = [
                f"{y}-{m:02d}-{d + 1:02d}",
                f"{month} {y}",
                f"{m}/{d}/{y - 1}",
                f"{y}-{m % 12 + 1:02d}-{d:02d}",
            ]
    elif kind == "cloze":
        text = f"{_text(rng, 70, '', uniq)} {{{{c1::{full}::a name}}}} {_text(rng, 30, '.')}"
        lines += _block("text", text)
        lines.append("    accept: {c1: " + _flow([last, f"Gen. {last}"]) + "}")
        accept, reject = [full, last.lower(), f"{first} {_typo(last)}"], wrong[:3]
    elif kind == "order":
        lines += _block("prompt", _text(rng, 58, ", earliest first.", uniq))
        items = [_text(rng, 24, "", _spread(i * 5 + k + 2_000_000)) for k in range(5)]
        lines.append("    items:")
        lines += [f"      - {_s(t)}" for t in items]
        swapped = [items[1], items[0], *items[2:]]
        accept = [", ".join(items), ", ".join(t.lower() for t in items)]
        reject = [", ".join(swapped), ", ".join(items[::-1])]
    else:
        lines += _block("front", _text(rng, 88, "?", uniq))
        lines += _block("back", _text(rng, 155, "."))
    lines += _block("explain", _text(rng, 117, "."))
    lines.append("    tags: " + _flow(rng.sample(TOPICS, rng.choice((2, 2, 2, 3)))))
    if accept or reject:
        lines.append("    examples:")
        lines.append("      accept: " + _flow(accept))
        lines.append("      reject: " + _flow(reject))
    return "\n".join(lines) + "\n\n"


ANIMALS = [
    "dog", "cat", "horse", "cow", "bird", "fish", "mouse", "sheep", "goat", "pig", "duck", "bear",
    "wolf", "fox", "deer", "frog", "snake", "lion", "tiger", "eagle", "owl", "bee", "ant", "crab",
]  # fmt: skip


def _templated_card(i: int, n: int) -> str:
    """One card of a generated deck: times tables ("What is 7 x 8?") for about half the cards, and
    vocabulary ("In Kalomi, what is the word for 'dog'?") for the rest; every prompt distinct,
    many answers shared (7 x 8 and 8 x 7), no explanation."""
    side = max(2, int((n / 2) ** 0.5) + 1)
    lines = [f"  - id: c{i:06d}"]
    if i % 2 == 0:
        a, b = divmod(i // 2, side)
        a, b = a + 1, b + 1
        lines += ["    type: number", f'    prompt: "What is {a} x {b}?"', f"    answer: {a * b}"]
        lines.append(f'    examples: {{accept: ["{a * b}"], reject: ["{a * b + 1}"]}}')
        lines.append("    tags: [multiplication]")
    else:
        j = i // 2
        language = _name_word(j // len(ANIMALS), 3)
        animal = ANIMALS[j % len(ANIMALS)]
        word = _name_word(j + 3_000_000, 3).lower()
        lines += ["    type: short", f"    prompt: \"In {language}, what is the word for '{animal}'?\"",
                  f"    answer: {word}"]  # fmt: skip
        lines.append(f"    examples: {{accept: [{word.upper()}], reject: [{animal}]}}")
        lines.append("    tags: [vocabulary]")
    return "\n".join(lines) + "\n"


def realistic_text(n: int, seed: int = 1, deck_id: str = "bench") -> str:
    """The YAML text of ``n`` cards shaped like the shipped decks' cards (deterministic for a seed)."""
    rng = random.Random(seed)
    head = (
        "# Generated by bench/gen.py: cards shaped like the shipped decks' own.\n"
        "deck:\n"
        f"  id: {deck_id}\n"
        f"  title: Benchmark deck of {n} realistic cards\n"
        "  description: >-\n"
        "    Cards with the fields, alternates, examples and explanations of the shipped decks'\n"
        "    cards, over a made-up vocabulary.\n"
        "  source: bench/gen.py\n"
        "  tags: [bench]\n"
        "\n"
        "cards:\n"
    )
    return head + "".join(_realistic_card(rng, i) for i in range(n))


def templated_text(n: int, seed: int = 1, deck_id: str = "bench") -> str:
    """The YAML text of ``n`` cards from two prompt patterns (times tables and vocabulary)."""
    del seed  # nothing random: a generated deck is a pattern
    head = (
        "deck:\n"
        f"  id: {deck_id}\n"
        f"  title: Benchmark deck of {n} templated cards\n"
        "  description: Times tables and vocabulary, generated by bench/gen.py.\n"
        "cards:\n"
    )
    return head + "".join(_templated_card(i, n) for i in range(n))


def times_table_text(size: int = 45) -> str:
    """A times-table deck: ``What is a x b?`` for every a, b from 1 to ``size`` (2,025 cards at 45)."""
    cards = [
        f'  - id: t{a}x{b}\n    type: number\n    prompt: "What is {a} x {b}?"\n    answer: {a * b}\n'
        for a in range(1, size + 1)
        for b in range(1, size + 1)
    ]
    return "deck:\n  id: times-tables\n  title: Times tables\ncards:\n" + "".join(cards)


TEXTS = {"realistic": realistic_text, "templated": templated_text, "light": deck_text}


def write_deck(path: Path, n: int, seed: int = 1, deck_id: str = "bench", kind: str = "realistic") -> Path:
    """Write a deck of ``n`` cards of ``kind`` (``realistic``, ``templated`` or the earlier,
    lighter ``light`` cards of about 166 bytes) to ``path`` and return it."""
    path.write_text(TEXTS[kind](n, seed, deck_id), encoding="utf-8")
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
    """Command line: ``deck OUT N [KIND]`` or ``history DB DECK_ID N_CARDS ATTEMPTS``."""
    if len(argv) >= 3 and argv[0] == "deck":
        n = SIZES.get(argv[2]) or int(argv[2])
        kind = argv[3] if len(argv) > 3 else "realistic"
        if kind not in TEXTS:
            print(f"unknown deck kind {kind!r}: one of {', '.join(TEXTS)}")
            return 2
        t0 = time.perf_counter()
        write_deck(Path(argv[1]), n, kind=kind)
        print(f"wrote {n} {kind} cards to {argv[1]} in {time.perf_counter() - t0:.2f} s")
        return 0
    if len(argv) >= 5 and argv[0] == "history":
        info = write_history(Path(argv[1]), argv[2], card_ids(int(argv[3])), int(argv[4]))
        print(f"wrote {info}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
