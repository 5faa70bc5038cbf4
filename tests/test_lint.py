"""Lint warnings: each one at the card's position, none for a well-written deck, never an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DECKS

from quiz import forked as forked_module
from quiz.cli import cli
from quiz.cli.decks import github_annotation
from quiz.deckio import parse
from quiz.errors import Problem
from quiz.insight.lint import lint, lint_many

GOOD_CARD = """\
  - id: {id}
    type: short
    prompt: {prompt}
    answer: {answer}
    explain: Because.
    tags: [t]
    examples: {{accept: [{answer}], reject: [Nope]}}
"""


def deck(cards: str, *, deck_tags: str = "", path: str = "d.yaml", deck_id: str = "d") -> str:
    """A deck's YAML text around ``cards``."""
    tags = f"\n  tags: [{deck_tags}]" if deck_tags else ""
    return f"deck:\n  id: {deck_id}\n  title: D{tags}\ncards:\n{cards}"


def messages(problems: list[Problem]) -> list[str]:
    """Each problem's message."""
    return [p.message for p in problems]


def test_well_written_card_has_no_warning() -> None:
    """A card with id, explain, examples and tags gets no warning."""
    d = parse(deck(GOOD_CARD.format(id="a", prompt="Capital of Peru?", answer="Lima")))
    assert lint(d) == []


def test_missing_explain_is_warned_at_the_card() -> None:
    """A card without 'explain' gets a warning at its line and column."""
    text = deck("  - id: a\n    type: bool\n    prompt: Sky is blue.\n    answer: true\n"
                "    tags: [t]\n    examples: {accept: [yes]}\n")  # fmt: skip
    problems = lint(parse(text, "d.yaml"))
    assert messages(problems) == ["card 'a': has no 'explain'"]
    assert (problems[0].line, problems[0].col, problems[0].severity) == (5, 5, "warning")


def test_missing_examples_is_warned_but_not_for_flashcards() -> None:
    """A graded card without examples is warned about; a self-graded flashcard is not."""
    text = deck(
        "  - id: a\n    type: bool\n    prompt: Sky is blue.\n    answer: true\n    explain: x\n"
        "  - id: f\n    type: card\n    front: Front\n    back: Back\n    explain: x\n",
        deck_tags="t",
    )
    assert messages(lint(parse(text))) == ["card 'a': has no 'examples'"]


def test_no_tags_anywhere_is_warned_but_deck_tags_are_enough() -> None:
    """A card with no tags is warned about unless the deck has tags."""
    card = "  - id: a\n    type: bool\n    prompt: Sky is blue.\n    answer: true\n    explain: x\n" \
           "    examples: {accept: [yes]}\n"  # fmt: skip
    assert messages(lint(parse(deck(card)))) == ["card 'a': has no tags (and the deck has none)"]
    assert lint(parse(deck(card, deck_tags="colours"))) == []


def test_generated_id_is_still_warned() -> None:
    """A card without an id keeps its warning about editing the prompt."""
    text = deck("  - type: bool\n    prompt: Sky is blue.\n    answer: true\n    explain: x\n"
                "    tags: [t]\n    examples: {accept: [yes]}\n")  # fmt: skip
    (problem,) = lint(parse(text))
    assert "editing the prompt resets its history" in problem.message


def test_choice_that_is_the_answer_in_other_words() -> None:
    """A wrong choice equal to the answer once normalised, or a typo away, is warned about."""
    text = deck(
        "  - id: c\n    type: choice\n    prompt: Who?\n    choices: [Milley, Miley, The Milley, Esper]\n"
        "    answer: Milley\n    explain: x\n    tags: [t]\n    examples: {accept: [a]}\n"
    )
    found = messages(lint(parse(text)))
    assert "card 'c': choice 'Miley' looks like the answer (a typo away)" in found
    assert "card 'c': choice 'The Milley' looks like the answer (the same once normalised)" in found
    assert not any("Esper" in m for m in found)


def test_multi_choice_a_typo_from_a_right_one() -> None:
    """A wrong multi choice a typo away from one of the right choices is warned about."""
    text = deck(
        "  - id: m\n    type: multi\n    prompt: Which?\n"
        "    choices: [Azerbaijan, Finland, Finnland, Japan]\n"
        "    answer: [Azerbaijan, Finland]\n    explain: x\n    tags: [t]\n"
        "    examples: {accept: ['a, b']}\n"
    )
    assert messages(lint(parse(text))) == ["card 'm': choice 'Finnland' looks like the answer (a typo away)"]


def test_near_duplicate_prompts_within_a_deck() -> None:
    """Two prompts 90% alike in one deck: the later card is warned, naming the earlier file:line."""
    cards = GOOD_CARD.format(id="a", prompt="What is the capital city of Peru?", answer="Lima") + \
        GOOD_CARD.format(id="b", prompt="What is the capital city of Peru ?", answer="Lima")  # fmt: skip
    problems = lint(parse(deck(cards), "d.yaml"))
    assert len(problems) == 1
    assert problems[0].line == 12
    assert problems[0].message.startswith("card 'b': the prompt nearly repeats card 'a' at d.yaml:5")


def test_different_prompts_are_not_duplicates() -> None:
    """Prompts that merely share words are not flagged."""
    cards = GOOD_CARD.format(id="a", prompt="What is the capital city of Peru?", answer="Lima") + \
        GOOD_CARD.format(id="b", prompt="What is the largest city of Brazil?", answer="Lima")  # fmt: skip
    assert lint(parse(deck(cards))) == []


def test_near_duplicates_across_decks() -> None:
    """lint_many finds a prompt repeated in another deck and names that file and line."""
    one = parse(deck(GOOD_CARD.format(id="a", prompt="Capital city of Peru?", answer="Lima")), "one.yaml")
    two = parse(
        deck(GOOD_CARD.format(id="b", prompt="The capital city of Peru?", answer="Lima"), deck_id="e"),
        "two.yaml",
    )
    assert lint(one) == [] and lint(two) == []
    (problem,) = lint_many([one, two])
    assert problem.path == "two.yaml"
    assert "repeats card 'a' at one.yaml:5" in problem.message


def test_quiz_check_reports_cross_deck_duplicates(tmp_path: Path) -> None:
    """`quiz check A B` warns about a prompt repeated across the two files and still exits 0."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(deck(GOOD_CARD.format(id="a", prompt="Capital city of Peru?", answer="Lima")), "utf-8")
    b.write_text(
        deck(GOOD_CARD.format(id="b", prompt="Capital city of Peru!", answer="Lima"), deck_id="e"), "utf-8"
    )
    result = CliRunner().invoke(cli, ["check", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert f"{b}:5:5: warning: card 'b': the prompt nearly repeats card 'a' at {a}:5" in result.output
    strict = CliRunner().invoke(cli, ["check", "--strict", str(a), str(b)])
    assert strict.exit_code == 1


def test_bundled_decks_have_no_warnings() -> None:
    """The shipped decks pass `quiz check --strict`."""
    result = CliRunner().invoke(cli, ["check", "--strict", str(DECKS)])
    assert result.exit_code == 0, result.output


def test_github_format_annotations(tmp_path: Path) -> None:
    """`--format github` prints ::warning lines with file, line and col; summary stays on stderr."""
    a = tmp_path / "a.yaml"
    a.write_text(deck("  - id: a\n    type: bool\n    prompt: Sky, blue.\n    answer: true\n"), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "github", str(a)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert f"::warning file={a},line=5,col=5,title=quiz check::card 'a': has no 'explain' " \
           "(add 'explain:' to say why the answer is right)" in lines  # fmt: skip
    assert all(line.startswith("::warning ") for line in lines)
    assert "1 deck checked" in result.stderr


def test_github_format_errors_exit_1(tmp_path: Path) -> None:
    """An error is an ::error annotation and the exit code is 1."""
    a = tmp_path / "a.yaml"
    a.write_text(deck("  - id: a\n    type: short\n    prompt: P\n"), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "github", str(a)])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"::error file={a},line=5,col=5,title=quiz check::card 'a': 'answer' is missing"
    )


def test_github_escaping() -> None:
    """%, CR and LF are escaped in messages; ',' and ':' too in properties."""
    p = Problem("dir,x/a:b.yaml", 3, 4, "50% done\r\nnext", "a, b: c", "error")
    assert github_annotation(p) == (
        "::error file=dir%2Cx/a%3Ab.yaml,line=3,col=4,title=quiz check::50%25 done%0D%0Anext (a, b: c)"
    )


def test_json_flag_is_format_json(tmp_path: Path) -> None:
    """`--json` is `--format json`; --json with another format is bad usage."""
    a = tmp_path / "a.yaml"
    a.write_text(deck("  - id: a\n    type: bool\n    prompt: Sky.\n    answer: true\n"), "utf-8")
    one = CliRunner().invoke(cli, ["check", "--json", str(a)])
    two = CliRunner().invoke(cli, ["check", "--format", "json", str(a)])
    assert one.stdout == two.stdout
    assert [json.loads(line)["severity"] for line in one.stdout.splitlines()] == ["warning"] * 3
    bad = CliRunner().invoke(cli, ["check", "--json", "--format", "github", str(a)])
    assert bad.exit_code == 2


DUPLICATES = "".join(
    GOOD_CARD.format(id=f"c{i}", prompt=f"What is the capital city of country number {i // 2}?", answer="X")
    for i in range(40)
)


def test_near_duplicates_in_a_forked_child_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large set of decks (forced here) is searched in a second process with the same findings."""
    import os

    import quiz.insight.lint as lint_module

    parsed = parse(deck(DUPLICATES), "d.yaml")
    here = lint_many([parsed])
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(lint_module, "FORK_CARDS", 0)
    monkeypatch.setattr(forked_module.threading, "active_count", lambda: 1)
    monkeypatch.setattr(forked_module.os, "fork", fork)
    forked = lint_many([parsed])
    assert len(forks) == 1
    assert forked == here and sum("nearly repeats" in p.message for p in here) >= 20


def test_terms_made_part_by_part_while_loading_find_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Near-duplicate terms made on each part of a deck as two processes load it give exactly
    the findings of the search that reads the whole loaded deck itself."""
    import quiz.insight.lint as lint_module
    from quiz.deckio import _chunks, _parallel

    monkeypatch.setattr(_parallel, "MIN_FAST_BYTES", 0)
    monkeypatch.setattr(_chunks, "CHUNK_BYTES", 400)  # a few cards per part
    monkeypatch.setattr(lint_module, "FORK_CARDS", 0)
    path = tmp_path / "d.yaml"
    path.write_text(deck(DUPLICATES), encoding="utf-8")
    loaded, terms = _parallel.load_parts(path, lint_module.index_terms())
    assert len(terms) > 5
    with_terms = lint_module.check_many_rendered([loaded], str, [terms])
    assert with_terms == lint_module.check_many_rendered([loaded], str)
    assert sum("nearly repeats" in p.message for p, _ in with_terms) >= 20


def test_an_interrupt_during_check_stops_the_near_duplicate_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the per-card warnings are made kills the forked near-duplicate search at
    once, instead of waiting for it (or running it again here) before exiting."""
    import time

    import quiz.insight.lint as lint_module

    finished = tmp_path / "finished"

    def slow_search(*args: object) -> list[Problem]:
        time.sleep(2)
        finished.write_text("the search ran to its end", encoding="utf-8")
        return []

    def interrupted(*args: object) -> list[Problem]:
        raise KeyboardInterrupt

    parsed = parse(deck(DUPLICATES), "d.yaml")
    monkeypatch.setattr(lint_module, "FORK_CARDS", 0)
    monkeypatch.setattr(forked_module.threading, "active_count", lambda: 1)
    monkeypatch.setattr(lint_module, "_near_duplicates", slow_search)
    monkeypatch.setattr(lint_module, "_card_warnings", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lint_module.check_many_rendered([parsed], str)
    assert not finished.exists()  # killed and reaped: it can no longer finish


def test_near_duplicates_ignore_case_accents_and_punctuation() -> None:
    """Prompts that differ only in case, accents and punctuation are near-duplicates."""
    first = GOOD_CARD.format(id="a", prompt="Où est la capitale de l'Éthiopie?", answer="X")
    cards = first + GOOD_CARD.format(id="b", prompt="OU EST LA CAPITALE DE L ETHIOPIE", answer="X")
    assert messages(lint(parse(deck(cards), "d.yaml"))) == [
        "card 'b': the prompt nearly repeats card 'a' at d.yaml:5 (100% alike)"
    ]


def test_examples_graded_the_other_way_are_errors_at_the_example() -> None:
    """An accept example that is rejected, and a reject example equal to the key once normalised: errors."""
    from quiz.insight.lint import run_examples

    text = deck(
        "  - id: q\n    type: short\n    prompt: Capital?\n    answer: Bern\n"
        "    examples:\n      accept: [Geneva]\n      reject: [BERN]\n"
    )
    found = run_examples(parse(text, "d.yaml"))
    assert [(p.line, p.col, p.severity) for p in found] == [(10, 16, "error"), (11, 16, "error")]
    assert "'Geneva' should be accepted but is rejected (wrong)" in found[0].message
    assert "'BERN' should be rejected but is accepted" in found[1].message
    assert found[1].hint.startswith("it is an accepted answer once normalised")
