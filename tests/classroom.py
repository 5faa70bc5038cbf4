"""A class of learners taking a real exam: a deck made by 'quiz new', results written by 'quiz run'.

Shared by the report tests (figures, HTML in a browser). Each learner has an ability; each answer
is right, partly right or wrong, drawn from a seeded random generator, and typed into a real
``quiz run --exam --results`` so the result files are the ones an instructor collects.
"""

from __future__ import annotations

import random
from pathlib import Path

from click.testing import CliRunner

from quiz.cli import cli

#: Card id -> (right answer, partly right answers, wrong answers), for the 'quiz new' template deck.
ANSWERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "capital-switzerland": ("Bern", (), ("Geneva", "Zurich", "Basel")),
    "largest-ocean": ("Pacific", (), ("Atlantic", "Indian", "b")),
    "primary-colours": ("red, green, blue", ("red, green", "red, green, blue, yellow"), ("red, yellow",)),
    "sun-is-a-star": ("true", (), ("false",)),
    "boiling-point": ("100", (), ("90", "212")),
    "moon-landing": ("1969", (), ("1968", "1972")),
    "water-formula": ("hydrogen; oxygen", ("hydrogen; carbon",), ("oxygen; hydrogen",)),
    "planets-from-sun": (
        "Mercury, Venus, Earth, Mars",
        ("Venus, Mercury, Earth, Mars",),
        ("Mars, Earth, Venus, Mercury",),
    ),
    "photosynthesis": ("y", (), ("n",)),
}
#: The order 'quiz run --no-shuffle' asks them in (the template's order).
ORDER = (
    "capital-switzerland",
    "largest-ocean",
    "primary-colours",
    "sun-is-a-star",
    "boiling-point",
    "moon-landing",
    "water-formula",
    "planets-from-sun",
    "photosynthesis",
)
NAMES = (
    "Ada",
    "Bram",
    "Chloé",
    "Dmitri",
    "Eve",
    "Farah",
    "Goran",
    "Hui",
    "Ines",
    "Jonas",
    "Kwame",
    "Lea",
    "Mateo",
    "Nadia",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Vik",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoë",
)


def make_deck(folder: Path) -> Path:
    """The deck 'quiz new' writes (one card of each type), at ``folder/class.yaml``."""
    path = folder / "class.yaml"
    result = CliRunner().invoke(cli, ["new", str(path), "--title", "Class test"])
    assert result.exit_code == 0, result.output
    return path


def answers_for(rng: random.Random, ability: float) -> list[str]:
    """One learner's typed answers in the deck's order: right with probability ``ability``."""
    typed = []
    for card in ORDER:
        right, partial, wrong = ANSWERS[card]
        roll = rng.random()
        if roll < ability:
            typed.append(right)
        elif partial and roll < ability + (1 - ability) / 2:
            typed.append(rng.choice(partial))
        else:
            typed.append(rng.choice(wrong))
    return typed


def take_exam(deck: Path, out: Path, name: str, typed: list[str], exam: bool = True) -> Path:
    """``quiz run DECK --exam --no-shuffle --name NAME --results OUT`` with ``typed`` on stdin
    (without ``--exam`` when ``exam`` is False: a quiz, whose results hold the flashcard too)."""
    runner = CliRunner()
    mode = ["--exam"] if exam else []
    result = runner.invoke(
        cli,
        ["run", str(deck), *mode, "--no-shuffle", "--name", name, "--results", str(out)],
        input="".join(t + "\n" for t in typed),
    )
    assert result.exit_code in (0, 1), result.output
    assert out.exists(), result.output
    return out


def make_class(
    folder: Path, size: int = 24, seed: int = 7, incomplete: int = 1, exam: bool = True
) -> tuple[Path, list[Path]]:
    """A deck and ``size`` learners' result files; the last ``incomplete`` stop after 4 answers.
    An exam leaves out the flashcard (the last card); with ``exam`` False every card is asked."""
    rng = random.Random(seed)
    deck = make_deck(folder)
    files = []
    for i in range(size):
        name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}")
        typed = answers_for(rng, ability=0.15 + 0.8 * rng.random())
        if i >= size - incomplete:
            typed = typed[:4]
        files.append(take_exam(deck, folder / f"learner-{i:02d}.json", name, typed, exam))
    return deck, files
