"""quiz new and quiz preview through Click."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from quiz.cli import cli
from quiz.deckio import load
from quiz.model import CardType

VALID = FIXTURES / "decks" / "valid"


def test_new_deck_passes_strict_check(tmp_path: Path) -> None:
    """`quiz new` writes a deck with one card of each type that passes `quiz check --strict`."""
    path = tmp_path / "my-deck.yaml"
    made = CliRunner().invoke(cli, ["new", str(path), "--title", 'Bern: "2019"'])
    assert made.exit_code == 0, made.output
    deck = load(path)
    assert deck.id == "my-deck"
    assert deck.title == 'Bern: "2019"'
    assert {c.kind for c in deck.cards} == set(CardType)
    assert len(deck.cards) == 9
    checked = CliRunner().invoke(cli, ["check", "--strict", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.stderr


def test_new_first_line_points_at_the_schema(tmp_path: Path) -> None:
    """The first line is a yaml-language-server comment with the file URI of an existing schema."""
    path = tmp_path / "d.yaml"
    CliRunner().invoke(cli, ["new", str(path)])
    first = path.read_text("utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema=file://"
    assert first.startswith(prefix)
    schema = Path(first.removeprefix("# yaml-language-server: $schema=file://"))
    assert schema.is_file()
    assert "$schema" in schema.read_text("utf-8")


def test_new_comments_explain_every_grading_option(tmp_path: Path) -> None:
    """Every grading key appears in the template with a comment."""
    path = tmp_path / "d.yaml"
    CliRunner().invoke(cli, ["new", str(path)])
    lines = path.read_text("utf-8").splitlines()
    for key in ("unicode", "case", "accents", "punctuation", "whitespace", "articles", "typos", "date_order"):
        assert any(line.strip().startswith(f"{key}:") and "#" in line for line in lines), key


def test_new_never_overwrites_without_force(tmp_path: Path) -> None:
    """An existing file is kept (exit 1, clear message) unless --force is given."""
    path = tmp_path / "d.yaml"
    path.write_text("mine\n", "utf-8")
    result = CliRunner().invoke(cli, ["new", str(path)])
    assert result.exit_code == 1
    assert f"Error: {path}: already exists (use --force" in result.output
    assert path.read_text("utf-8") == "mine\n"
    forced = CliRunner().invoke(cli, ["new", str(path), "--force", "--id", "x.1"])
    assert forced.exit_code == 0, forced.output
    assert load(path).id == "x.1"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["d.txt"], "ends in .yaml or .yml"), (["d.yaml", "--id", "-bad"], "not a valid deck id")],
)
def test_new_bad_usage(tmp_path: Path, args: list[str], message: str) -> None:
    """A file name that is not .yaml, or an invalid id, is bad usage (exit 2)."""
    args = [str(tmp_path / args[0]), *args[1:]]
    result = CliRunner().invoke(cli, ["new", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_new_id_and_title_from_the_file_name(tmp_path: Path) -> None:
    """Without --id and --title, both are made from the file name."""
    path = tmp_path / "World Capitals!.yaml"
    CliRunner().invoke(cli, ["new", str(path)])
    deck = load(path)
    assert (deck.id, deck.title) == ("world-capitals", "World Capitals!")


def test_new_in_a_missing_directory(tmp_path: Path) -> None:
    """A directory that does not exist is an error that says so."""
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "no" / "d.yaml")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_preview_shows_questions_answers_and_example_verdicts(tmp_path: Path) -> None:
    """Each card as asked, its accepted answers and its examples graded."""
    result = CliRunner().invoke(cli, ["preview", str(VALID / "one-of-each-type.yaml")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1/9  What is the capital of Switzerland?" in out
    assert "Accepted: Bern; also: Berne" in out
    assert "  Geneva → rejected" in out
    assert "  Berne → accepted (alternate)" in out
    # choice in file order (shuffle: false): Switzerland is a)
    assert "     a) Switzerland" in out
    assert "Accepted: a) Switzerland (the letter a, the number 1 or the text)" in out
    assert "  1,200 → accepted" in out
    assert "Accepted: 1,200 km, within 10% (1080 to 1320)" in out
    assert "Self-graded" in out


def test_preview_card_and_seed_follow_quiz_run(tmp_path: Path) -> None:
    """`--seed N` shows the choices in the order `quiz run --seed N` shows them."""
    deck = tmp_path / "d.yaml"
    CliRunner().invoke(cli, ["new", str(deck)])
    preview = CliRunner().invoke(cli, ["preview", str(deck), "--card", "largest-ocean", "--seed", "5"])
    assert preview.exit_code == 0, preview.output
    run = CliRunner().invoke(
        cli, ["run", str(deck), "--card", "largest-ocean", "--seed", "5", "--no-save"], input="a\n"
    )
    choices = [line for line in run.output.splitlines() if line.startswith("     ") and ") " in line]
    assert len(choices) == 4
    for line in choices:
        assert line in preview.output
    assert preview.output.count("── ") == 1


def test_preview_marks_an_example_graded_the_other_way(tmp_path: Path) -> None:
    """An accept example that grading rejects is marked in the preview."""
    path = tmp_path / "d.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "deck": {"id": "d", "title": "D"},
                "cards": [
                    {"id": "c", "type": "short", "prompt": "Capital?", "answer": "Bern",
                     "examples": {"accept": ["Zurich"]}},
                ],
            }
        ),
        "utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["preview", str(path)])
    assert "  Zurich → rejected  ✗ listed under accept" in result.output


def test_preview_saves_nothing(quiz_home: Path) -> None:
    """Preview never opens (or creates) the score database."""
    result = CliRunner().invoke(cli, ["preview", str(VALID / "one-of-each-type.yaml")])
    assert result.exit_code == 0
    assert not quiz_home.exists()


def test_preview_unknown_card_is_bad_usage() -> None:
    """An unknown --card id is bad usage with a suggestion."""
    result = CliRunner().invoke(cli, ["preview", str(VALID / "one-of-each-type.yaml"), "--card", "capitol"])
    assert result.exit_code == 2
    assert "did you mean 'capital'" in result.output
