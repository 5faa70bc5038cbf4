"""quiz report edge cases on real files: another deck, an older deck, flashcards, unfinished exams."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from classroom import ANSWERS, ORDER, make_class, make_deck, take_exam
from click.testing import CliRunner

from quiz.cli import cli

RIGHT = [ANSWERS[c][0] for c in ORDER]


def report(*args: str) -> tuple[int, str, str]:
    """``quiz report ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def other_deck(folder: Path) -> Path:
    """A second deck, with another id, made by 'quiz new'."""
    path = folder / "other.yaml"
    assert CliRunner().invoke(cli, ["new", str(path), "--id", "other-deck"]).exit_code == 0
    return path


def test_results_for_another_deck_are_a_clear_error(tmp_path: Path) -> None:
    """Reporting results against a deck they were not written for stops with exit 1, naming both decks."""
    deck = make_deck(tmp_path)
    ada = take_exam(deck, tmp_path / "ada.json", "Ada", RIGHT)
    other = other_deck(tmp_path)
    code, out, err = report(str(ada), "--deck", str(other))
    assert code == 1 and out == ""
    assert f"none of the results is for deck 'other-deck' ({other}): they are for 'class'" in err
    assert "Traceback" not in err


def test_results_of_two_decks_without_deck_are_an_error(tmp_path: Path) -> None:
    """Mixing two decks' results gives no meaningless combined report: exit 1 and how to fix it."""
    deck = make_deck(tmp_path)
    other = other_deck(tmp_path)
    ada = take_exam(deck, tmp_path / "ada.json", "Ada", RIGHT)
    bob = take_exam(other, tmp_path / "bob.json", "Bob", RIGHT)
    code, _, err = report(str(ada), str(bob))
    assert code == 1
    assert "the results are for 2 different decks: 'class' (" in err and "'other-deck' (" in err
    assert "give --deck DECK" in err
    code, out, err = report(str(ada), str(bob), "--deck", str(deck))
    assert code == 3 and "Ada" in out and "Bob" not in out  # made, without a file: exit 3
    assert f"{bob}: results for deck 'other-deck', not 'class': left out" in err


def test_results_from_an_older_deck_name_the_questions_that_changed(tmp_path: Path) -> None:
    """After the deck is edited, the report names each changed question and how, in every output."""
    deck = make_deck(tmp_path)
    ada = take_exam(deck, tmp_path / "ada.json", "Ada", RIGHT)
    text = deck.read_text("utf-8")
    text = text.replace("What is the capital city of Switzerland?", "Which city is the Swiss federal city?")
    text = text.replace("    answer: Pacific\n", "    answer: Atlantic\n")
    deck.write_text(text, "utf-8")
    html = tmp_path / "r.html"
    code, out, err = report(str(ada), "--deck", str(deck), "--html", str(html))
    assert code == 0, err
    assert f"{ada}: results from a different version of the deck" in err
    assert (
        f"{ada}: answered questions that changed since: capital-switzerland (prompt), "
        "largest-ocean (answer 'Pacific' → 'Atlantic')"
    ) in err
    assert "  changed since some answers were given: prompt" in out
    assert "changed since some answers were given: answer &#x27;Pacific&#x27; → &#x27;Atlantic&#x27;" in (
        html.read_text("utf-8")
    )
    data = json.loads(report(str(ada), "--deck", str(deck), "--json")[1])
    changed = {q["card"]: q["changed"] for q in data["questions"]}
    assert changed["capital-switzerland"] == "prompt"
    assert changed["moon-landing"] is None


def test_a_card_removed_from_the_deck_is_named(tmp_path: Path) -> None:
    """A question answered in a result but gone from the deck is reported as no longer in the deck."""
    deck = make_deck(tmp_path)
    ada = take_exam(deck, tmp_path / "ada.json", "Ada", RIGHT)
    text = deck.read_text("utf-8")
    start = text.index("  - id: moon-landing")
    end = text.index("  - id: water-formula")
    deck.write_text(text[:start] + text[end:], "utf-8")
    code, out, err = report(str(ada), "--deck", str(deck))
    assert code == 0
    assert "moon-landing (no longer in the deck)" in err
    assert "changed since some answers were given: no longer in the deck" in out


def test_a_class_on_an_older_deck_is_one_warning_of_each_kind(tmp_path: Path) -> None:
    """Five results of one older version: one line says so, one names the changed questions and
    one the card added since (named once, not five times); a --count exam cannot tell what was added."""
    deck = make_deck(tmp_path)
    files = [take_exam(deck, tmp_path / f"l{i}.json", f"L{i}", RIGHT) for i in range(5)]
    counted = tmp_path / "counted.json"
    args = ["run", str(deck), "--exam", "--count", "2", "--name", "C", "--results", str(counted)]
    assert CliRunner().invoke(cli, args, input="x\nx\n").exit_code in (0, 1)
    text = deck.read_text("utf-8").replace("    answer: Pacific\n", "    answer: Atlantic\n")
    added = "  - id: added-card\n    type: short\n    prompt: 2 + 2?\n    answer: '4'\n"
    deck.write_text(text + added, "utf-8")
    code, _, err = report(*map(str, files), "--deck", str(deck))
    assert code == 0, err
    who = f"warning: {files[0]}, {files[1]}, {files[2]} and 2 more (5 files)"
    assert err.splitlines() == [
        f"{who}: results from a different version of the deck (its content hash differs from {deck})",
        f"{who}: answered questions that changed since: largest-ocean (answer 'Pacific' → 'Atlantic')",
        f"{who}: questions added to the deck since (not asked): added-card",
    ]
    code, _, err = report(str(counted), "--deck", str(deck))
    assert code == 0 and "different version" in err and "added to the deck" not in err


def test_flashcards_are_reported_as_self_rated(tmp_path: Path) -> None:
    """A flashcard shows how many said they knew it, no item figures and no empty sections."""
    deck, files = make_class(tmp_path, size=6, incomplete=0, exam=False)  # an exam asks no flashcard
    html = tmp_path / "r.html"
    code, out, _ = report(*map(str, files), "--deck", str(deck), "--html", str(html))
    assert code == 0
    counts, figures = [line for line in out.splitlines() if line.startswith("photosynthesis  ")]
    assert "knew it" in counts and "%" not in counts.split("knew it")[1]
    assert figures.split()[1:] == ["self-rated", "-", "-", "-", "-"]  # no item figures
    block = out.split("photosynthesis: What is photosynthesis?\n")[1].split("\n\n")[0]
    assert block.strip().startswith("self-rated flashcard: ") and "(not marked)" in block
    assert "wrong answers" not in block and "picked" not in block
    page = html.read_text("utf-8")
    assert "self-rated flashcard:" in page
    assert 'data-q="photosynthesis"' not in page  # not in the facility chart


def test_answered_counts_in_every_format(tmp_path: Path) -> None:
    """An unfinished exam says how many were answered in the text, the CSV, the HTML and the JSON."""
    deck, files = make_class(tmp_path, size=4, incomplete=1)
    html, table = tmp_path / "r.html", tmp_path / "r.csv"
    code, out, _ = report(*map(str, files), "--deck", str(deck), "--html", str(html), "--csv", str(table))
    assert code == 0
    last = json.loads(files[-1].read_text("utf-8"))
    assert last["complete"] is False and last["totals"]["asked"] == 4
    assert "4 learners (1 incomplete) · 8 questions" in out
    assert "(incomplete: 4 answered)" in out
    rows = list(csv.DictReader(io.StringIO(table.read_text("utf-8"))))
    mine = [r for r in rows if r["file"] == str(files[-1])]
    assert len(mine) == 4 and {r["learner_answered"] for r in mine} == {"4"}
    assert {r["learner_complete"] for r in mine} == {"0"}
    page = html.read_text("utf-8")
    assert "(incomplete: 4 answered)" in page and "<td class=num>4 of 8</td>" in page
    assert "<li>4 answered; right:" in page  # a question the unfinished learner never reached
    data = json.loads(report(*map(str, files), "--deck", str(deck), "--json")[1])
    learner = data["learners"][-1]
    assert (learner["answered"], learner["incomplete"]) == (4, True)
    assert data["exam"]["attempts"] == 3  # item analysis: finished attempts only, as Moodle


def test_a_question_no_learner_reached_is_listed_with_none_answered(tmp_path: Path) -> None:
    """Every exam stopped after 4 answers: the report still has all 8 questions of the exam, the
    unreached ones with 0 answered (they were in every learner's plan), in every output."""
    deck = make_deck(tmp_path)
    files = [take_exam(deck, tmp_path / f"{n}.json", n, RIGHT[:4]) for n in ("Ada", "Bob")]
    code, out, _ = report(*map(str, files), "--deck", str(deck))
    assert code == 0
    assert out.splitlines()[0].endswith("2 learners (2 incomplete) · 8 questions")
    row = next(line for line in out.splitlines() if line.startswith("planets-from-sun "))
    assert row.split()[1:3] == ["0", "-"]
    assert "planets-from-sun: Put these planets" in out
    assert "  answered by nobody: every attempt stopped before it" in out
    data = json.loads(report(*map(str, files), "--deck", str(deck), "--json")[1])
    answered = {q["card"]: q["answered"] for q in data["questions"]}
    assert answered == {c: (2 if i < 4 else 0) for i, c in enumerate(ORDER[:8])}


def test_the_terminal_report_fits_80_columns(tmp_path: Path) -> None:
    """A class's report reads at an 80-column terminal: the question counts and Moodle's item
    analysis are two tables, so neither runs past the edge (the template deck's longest card id)."""
    deck, files = make_class(tmp_path, size=6, incomplete=1)
    code, out, _ = report(*map(str, files), "--deck", str(deck))
    assert code == 0
    lines = out.splitlines()
    figures = lines.index("Item analysis (Moodle's; over finished attempts, in percent)")
    tables = lines[lines.index("Questions (first tries)") : lines.index("", figures)]
    assert max(map(len, tables)) <= 80
    assert "card                 facility  SD     discrimination  efficiency  weight" in tables
