"""The "For instructors" section, run end to end: new deck, check, preview, three learners, report."""

from __future__ import annotations

import csv
import glob
import io
import json
import random
import re
import shlex
import statistics
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import REPO

from quiz.cli import cli
from quiz.deckio import load
from quiz.model import Options
from quiz.practice import Session
from quiz.ui.render import letter

SECTION = re.compile(r"^## For instructors\n(.*?)^## ", re.DOTALL | re.MULTILINE)
SEED = 7

RIGHT = {
    "capital-switzerland": "Bern",
    "largest-ocean": "@Pacific",  # @: answer with the letter the choice is shown under
    "primary-colours": "Red, Green, Blue",
    "sun-is-a-star": "true",
    "boiling-point": "100",
    "moon-landing": "1969",
    "water-formula": "hydrogen; oxygen",
    "planets-from-sun": "Mercury, Venus, Earth, Mars",
    "photosynthesis": "y",
}
WRONG = {
    "capital-switzerland": "Geneva",
    "largest-ocean": "Atlantic",
    "primary-colours": "Yellow",
    "sun-is-a-star": "false",
    "boiling-point": "50",
    "moon-landing": "1950",
    "water-formula": "oxygen; hydrogen",
    "planets-from-sun": "Mars, Earth, Venus, Mercury",
    "photosynthesis": "n",
}
# Four right (primary-colours, sun-is-a-star, boiling-point, planets-from-sun), five wrong.
HALF = {
    **RIGHT,
    "capital-switzerland": "Bern Switzerland",
    "largest-ocean": "@Atlantic",
    "moon-landing": "1950",
    "water-formula": "hydrogen; oxigin",
    "photosynthesis": "n",
}
LEARNERS = [
    ("Ada", "ada.json", RIGHT),
    ("<script>alert(1)</script>", "bob.json", WRONG),
    ("Cy", "cy.json", HALF),
]


def section_commands() -> list[list[str]]:
    """The quiz commands of the README section, as argument lists (comments dropped)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = SECTION.search(text)
    assert match, "README.md has no 'For instructors' section"
    block = match.group(1).split("```sh", 1)[1].split("```", 1)[0]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.startswith("quiz ")]


def typed_answers(deck_path: Path, answers: dict[str, str]) -> str:
    """The stdin of a piped exam: one line per question in the order `quiz run --seed SEED` asks."""
    deck = load(deck_path)
    session = Session(deck, Options(exam=True), random.Random(SEED), ask=lambda q: None,
                      now=lambda: datetime.now(timezone.utc))  # fmt: skip
    lines = []
    for q in session.questions:
        answer = answers[q.card.id]
        if answer.startswith("@"):
            assert q.shown is not None
            answer = letter(q.shown.index(answer[1:]))
        lines.append(answer)
    return "\n".join(lines) + "\n"


def invoke(args: list[str], **kw: str) -> Result:
    """Run quiz with ``args`` (the leading 'quiz' dropped)."""
    assert args[0] == "quiz"
    return CliRunner().invoke(cli, args[1:], **kw)


def test_for_instructors_section_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the section works as shown, and the report's numbers are those of the class."""
    monkeypatch.chdir(tmp_path)
    new, check, preview, run, report = section_commands()
    assert new[:3] == ["quiz", "new", "my-deck.yaml"]
    assert run == ["quiz", "run", "my-deck.yaml", "--exam", "--name", "Ada", "--results", "ada.json"]
    assert report == ["quiz", "report", "*.json", "--deck", "my-deck.yaml", "--html", "report.html"]

    made = invoke(new)
    assert made.exit_code == 0, made.output
    assert Path("my-deck.yaml").read_text("utf-8").startswith("# yaml-language-server: $schema=file://")
    checked = invoke(check)
    assert checked.exit_code == 0, checked.output
    assert "1 deck checked: 0 errors, 0 warnings" in checked.stderr
    shown = invoke(preview)
    assert shown.exit_code == 0, shown.output
    assert "bern → accepted (normalized)" in shown.output

    for name, file, answers in LEARNERS:
        args = [*run[:5], name, "--results", file, "--seed", str(SEED)]
        ran = invoke(args, input=typed_answers(Path("my-deck.yaml"), answers))
        assert ran.exit_code == (0 if answers is RIGHT else 1), ran.output  # an exam failed exits 1
        assert f"Result written to {file}" in ran.output

    files = sorted(glob.glob(report[2]))
    assert files == ["ada.json", "bob.json", "cy.json"]
    text = invoke([*report[:2], *files, *report[3:]])
    assert text.exit_code == 0, text.output
    assert "candidate for accept: 'Bern Switzerland' (1 learner; contains 'Bern')" in text.stdout
    assert "candidate for accept: 'hydrogen; oxigin' (1 learner; gap 2: 2 edits from 'oxygen')" in text.stdout
    assert "Wrote report.html" in text.stderr

    as_json = invoke(["quiz", "report", *files, "--deck", "my-deck.yaml", "--json", "--csv", "class.csv"])
    data = json.loads(as_json.stdout)
    assert [(x["name"], x["correct"], x["total"], x["percent"]) for x in data["learners"]] == [
        ("Ada", 8, 8, 100.0),
        ("<script>alert(1)</script>", 0, 8, 0.0),
        ("Cy", 4, 8, 50.0),
    ]
    questions = {q["card"]: q for q in data["questions"]}
    assert list(questions) == [c for c in RIGHT if c != "photosynthesis"]  # the deck's order; no flashcard
    shares = {card: (q["correct"], q["answered"]) for card, q in questions.items()}
    assert shares == {
        "capital-switzerland": (1, 3),
        "largest-ocean": (1, 3),
        "primary-colours": (2, 3),
        "sun-is-a-star": (2, 3),
        "boiling-point": (2, 3),
        "moon-landing": (1, 3),
        "water-formula": (1, 3),
        "planets-from-sun": (2, 3),
    }
    assert questions["moon-landing"]["share"] == pytest.approx(1 / 3)
    # Moodle's discrimination index: the correlation of the question's marks with the rest of the test.
    # The rest of the test: every other marked question (a flashcard is self-rated, not marked).
    answers = [json.loads(Path(f).read_text("utf-8"))["answers"] for f in files]
    moon = [next(a["score"] for a in ans if a["card"] == "moon-landing") for ans in answers]
    assert moon == [1.0, 0.0, 0.0]  # only Ada had it right
    rest = [sum(a["score"] for a in ans if a["type"] != "card" and a["card"] != "moon-landing")
            for ans in answers]  # fmt: skip
    expected = 100 * statistics.correlation(moon, rest)
    assert questions["moon-landing"]["discrimination_index"] == pytest.approx(expected)
    assert expected > 50
    assert questions["moon-landing"]["wrong"][0] == {"answer": "1950", "count": 2}
    ocean = questions["largest-ocean"]
    assert ocean["options"] == [
        {"option": "Pacific", "count": 1},
        {"option": "Atlantic", "count": 2},
        {"option": "Indian", "count": 0},
        {"option": "Arctic", "count": 0},
    ]
    assert ocean["wrong"] == [{"answer": "Atlantic", "count": 2}]
    assert data["distribution"] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]  # Cy: 4 of 8, the 50-60 % bar

    rows = list(csv.DictReader(io.StringIO(Path("class.csv").read_text("utf-8"))))
    assert len(rows) == 24  # 3 learners × 8 questions (the flashcard is not in an exam)
    cy_ocean = next(r for r in rows if r["learner"] == "Cy" and r["card"] == "largest-ocean")
    assert (cy_ocean["picked"], cy_ocean["correct"], cy_ocean["learner_percent"]) == ("Atlantic", "0", "50")
    assert re.fullmatch(r"[a-d]", cy_ocean["typed"])

    page = Path("report.html").read_text("utf-8")
    marked = [q for q in questions.values() if not q["self_rated"]]
    assert page.count('class="fac"') == len(marked) == 8  # a facility bar per marked question
    for q in marked:
        assert f'data-q="{q["card"]}"' in page
        assert f'class="fac" style="width:{q["facility"]:.1f}%"' in page
    assert page.count('class="bar" data-bin=') == 10 and 'class="hist"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and "http" not in page
