"""Lint warnings: each one at the card's position, none for a well-written deck, never an error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DECKS
from hypothesis import given
from hypothesis import strategies as st

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


def test_missing_explain_is_advice_at_the_card() -> None:
    """A card without 'explain' gets advice (style, not a likely mistake) at its line and column."""
    text = deck("  - id: a\n    type: bool\n    prompt: Sky is blue.\n    answer: true\n"
                "    tags: [t]\n    examples: {accept: [yes]}\n")  # fmt: skip
    problems = lint(parse(text, "d.yaml"))
    assert messages(problems) == ["card 'a': has no 'explain'"]
    assert (problems[0].line, problems[0].col, problems[0].severity) == (5, 5, "advice")


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


def test_generated_id_is_advice_that_names_the_id_to_write() -> None:
    """A card without an id is advice (a style choice with a cost), whose hint is the derived id."""
    text = deck("  - type: bool\n    prompt: Sky is blue.\n    answer: true\n    explain: x\n"
                "    tags: [t]\n    examples: {accept: [yes]}\n")  # fmt: skip
    (problem,) = lint(parse(text))
    assert "editing the prompt resets its history" in problem.message
    assert problem.severity == "advice"
    card_id = parse(text).cards[0].id
    assert problem.hint == f"add 'id: {card_id}' or a name of your own"


def test_a_deck_written_without_ids_gets_one_line_and_no_warning(tmp_path: Path) -> None:
    """Forty cards without ids: one advice line with the count, no warning; --advice lists each."""
    cards = "".join(
        f"  - prompt: What is {n} + {n}?\n    answer: {2 * n}\n    explain: x\n"
        f"    examples: {{accept: ['{2 * n}']}}\n"
        for n in range(40)
    )
    path = tmp_path / "sums.yaml"
    path.write_text(deck(cards, deck_tags="sums"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "no id" in line]
    assert len(lines) == 1 and "and 39 more have no id" in lines[0] and ": advice: " in lines[0]
    assert "0 warnings" in result.stderr
    listed = CliRunner().invoke(cli, ["check", str(path), "--advice"])
    ids = [c.id for c in parse(path.read_text(encoding="utf-8")).cards]
    assert [line for line in listed.stdout.splitlines() if "no id" in line] == [
        f"{path}:{6 + 4 * n}:5: advice: card '{i}': has no id; its id is derived from its type and prompt, "
        f"so editing the prompt resets its history (add 'id: {i}' or a name of your own)"
        for n, i in enumerate(ids)
    ]


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
    """`--format github` prints advice as ::notice lines with file, line and col; summary stays on stderr."""
    a = tmp_path / "a.yaml"
    a.write_text(deck("  - id: a\n    type: bool\n    prompt: Sky, blue.\n    answer: true\n"), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "github", str(a)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert f"::notice file={a},line=5,col=5,title=quiz check::card 'a': has no 'explain' " \
           "(add 'explain:' to say why the answer is right)" in lines  # fmt: skip
    assert all(line.startswith("::notice ") for line in lines)
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
    assert [json.loads(line)["severity"] for line in one.stdout.splitlines()] == ["advice"] * 3
    bad = CliRunner().invoke(cli, ["check", "--json", "--format", "github", str(a)])
    assert bad.exit_code == 2


DUPLICATES = "".join(
    GOOD_CARD.format(id=f"c{i}", prompt=f"What is the capital city of country number {i // 2}?", answer="X")
    for i in range(40)
)


def test_checks_made_part_by_part_while_loading_find_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Examples, warnings, advice and near-duplicate terms made on each part of a deck as two
    processes load it give exactly the findings of a check that reads the whole loaded deck."""
    import quiz.insight.lint as lint_module
    from quiz.deckio import _chunks, _parallel

    monkeypatch.setattr(_parallel, "MIN_FAST_BYTES", 0)
    monkeypatch.setattr(_chunks, "CHUNK_BYTES", 400)  # a few cards per part
    path = tmp_path / "d.yaml"
    path.write_text(deck(DUPLICATES), encoding="utf-8")
    loaded, parts = _parallel.load_parts(path, lint_module.check_part())
    assert len(parts) > 5
    with_parts = lint_module.findings([loaded], [parts])
    assert with_parts == lint_module.findings([loaded])
    assert sum("nearly repeats" in p.message for p in with_parts) == 20
    dropped, lean_parts = _parallel.load_parts(path, lint_module.check_part(), keep_cards=False)
    assert dropped.cards == ()  # quiz check keeps only what the parts found
    assert lint_module.findings([dropped], [lean_parts]) == with_parts
    from quiz.grading import caches

    # Grading's caches emptied between parts once they hold more than a bound: the same findings.
    monkeypatch.setattr(lint_module, "CACHED_RESULTS", 0)
    monkeypatch.setattr(_parallel.forked, "can_fork", lambda: False)  # every part in this process
    caches.forget()
    held: list[int] = []
    real_forget = caches.forget
    monkeypatch.setattr(caches, "forget", lambda: held.append(caches.held()) or real_forget())
    _loaded, bounded = _parallel.load_parts(path, lint_module.check_part(), keep_cards=False)
    assert lint_module.findings([dropped], [bounded]) == with_parts
    assert len(held) == len(bounded) and all(n > 0 for n in held)


def test_near_duplicates_ignore_case_accents_and_punctuation() -> None:
    """Prompts that differ only in case, accents and punctuation are near-duplicates."""
    first = GOOD_CARD.format(id="a", prompt="Où est la capitale de l'Éthiopie?", answer="X")
    cards = first + GOOD_CARD.format(id="b", prompt="OU EST LA CAPITALE DE L ETHIOPIE", answer="X")
    assert messages(lint(parse(deck(cards), "d.yaml"))) == [
        "card 'b': the prompt nearly repeats card 'a' at d.yaml:5 (100% alike) with the same answer"
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


def _times_table() -> str:
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    from gen import times_table_text

    return times_table_text(45)


def test_times_table_has_no_near_duplicate() -> None:
    """The 2,025 cards 'What is a x b?' are different questions, even where answers agree (7 x 8, 8 x 7)."""
    parsed = parse(_times_table(), "tt.yaml")
    assert len(parsed.cards) == 2025
    assert [p for p in lint(parsed) if p.severity == "warning"] == []


def test_same_prompt_and_answer_is_exactly_one_warning() -> None:
    """Two cards with the same prompt and answer give one near-duplicate, on the second, naming the first."""
    cards = GOOD_CARD.format(id="a", prompt="Capital of Peru?", answer="Lima") + GOOD_CARD.format(
        id="b", prompt="Capital of Peru?", answer="Lima"
    )
    (problem,) = lint(parse(deck(cards), "d.yaml"))
    assert (problem.line, problem.severity) == (12, "warning")
    assert "card 'b': the prompt nearly repeats card 'a' at d.yaml:5 (100% alike)" in problem.message


def test_same_prompt_with_another_answer_is_not_a_duplicate() -> None:
    """Cards with alike prompts but answers neither accepts ask different things: no warning."""
    cards = GOOD_CARD.format(id="a", prompt="Capital of Peru?", answer="Lima") + GOOD_CARD.format(
        id="b", prompt="Capital of Peru?", answer="Cusco"
    )
    assert lint(parse(deck(cards))) == []


def test_answers_accepted_by_each_other_count_as_the_same() -> None:
    """'Bern' accepting 'Berne' and 'Berne' accepting 'Bern' are one answer; one way only is not."""
    card = (
        "  - id: {id}\n    type: short\n    prompt: Where did they meet?\n    answer: {answer}\n"
        "    accept: [{alt}]\n    explain: x\n    tags: [t]\n    examples: {{accept: [{answer}]}}\n"
    )
    both = card.format(id="a", answer="Bern", alt="Berne") + card.format(id="b", answer="Berne", alt="Bern")
    assert len(lint(parse(deck(both)))) == 1
    one_way = card.format(id="a", answer="Bern", alt="Bern") + card.format(
        id="b", answer="Geneva", alt="Bern"
    )
    assert lint(parse(deck(one_way))) == []


def test_a_group_is_reported_once_naming_its_first_card() -> None:
    """Five cards asking one question: one warning, on the second card, naming the first and the rest."""
    cards = "".join(GOOD_CARD.format(id=f"c{i}", prompt=p, answer="Lima") for i, p in enumerate(
        ["Capital of Peru?", "capital of peru", "Capital of Peru!", "The capital of Peru?", "CAPITAL OF PERU"]
    ))  # fmt: skip
    (problem,) = lint(parse(deck(cards), "d.yaml"))
    assert problem.message.startswith("card 'c1': the prompt nearly repeats card 'c0' at d.yaml:5")
    assert problem.message.endswith("so do 'c2', 'c3', 'c4'")


def test_a_typo_in_a_repeated_prompt_is_still_a_duplicate() -> None:
    """A prompt copied with a typo in one word, and the same answer, is still found."""
    first = GOOD_CARD.format(id="a", prompt="Which river flows through the old capital?", answer="Tiber")
    cards = first + GOOD_CARD.format(
        id="b", prompt="Which river flows through the old capitol?", answer="Tiber"
    )
    assert messages(lint(parse(deck(cards)))) == [
        "card 'b': the prompt nearly repeats card 'a' at <deck>:5 (97% alike) with the same answer"
    ]


def test_near_duplicate_search_is_linear_on_alike_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    """4,000 prompts from one pattern with one answer are compared a bounded number of times per card
    (no pair comparison), and the identical ones among them form one group."""
    import quiz.insight.duplicates as duplicates

    calls = [0]
    real = duplicates.alike

    def counted(a: str, b: str) -> float:
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(duplicates, "alike", counted)
    n = 4000
    cards = "".join(
        f"  - id: c{i}\n    type: bool\n    prompt: Is the number {i if i % 2 else 1} on the list?\n"
        "    answer: true\n"
        for i in range(n)
    )
    found = [p for p in lint(parse(deck(cards, deck_tags="t"), "d.yaml")) if p.severity == "warning"]
    assert calls[0] <= n * duplicates.COMPARED * duplicates.SKETCH
    (group,) = found
    assert "nearly repeats card 'c0'" in group.message and f"and {n // 2 - 4} more" in group.message


@given(st.lists(st.sampled_from(["Peru", "Chile", "Bolivia", "Ecuador"]), min_size=1, max_size=12))
def test_each_card_is_reported_at_most_once(countries: list[str]) -> None:
    """However often prompts repeat, each repeated question is one warning and no card is in two."""
    cards = "".join(GOOD_CARD.format(id=f"c{i}", prompt=f"Capital of {c}?", answer=c[::-1])
                    for i, c in enumerate(countries))  # fmt: skip
    found = lint(parse(deck(cards)))
    repeated = {c for c in countries if countries.count(c) > 1}
    assert len(found) == len(repeated)
    named = [m for p in found for m in re.findall(r"'(c\d+)'", p.message)]
    more = sum(int(m) for p in found for m in re.findall(r"and (\d+) more", p.message))
    assert len(named) == len(set(named))
    assert len(named) + more == sum(countries.count(c) for c in repeated)


PLAIN_SIX = "".join(
    f"  - id: q{i}\n    type: short\n    prompt: What is the capital of country {i}?\n    answer: City{i}\n"
    for i in range(6)
)


def test_a_plain_valid_deck_gets_advice_not_warnings(tmp_path: Path) -> None:
    """A valid 6-card deck without explain, examples or tags: no warnings, one advice line per kind
    with the count and the option that lists them; --advice lists all 18."""
    a = tmp_path / "a.yaml"
    a.write_text(deck(PLAIN_SIX), "utf-8")
    result = CliRunner().invoke(cli, ["check", str(a)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(": advice: card 'q0' and 5 more have no" in line for line in lines)
    assert all("quiz check --advice lists each" in line for line in lines)
    assert "0 errors, 0 warnings, 3 advice" in result.stderr
    every = CliRunner().invoke(cli, ["check", "--advice", str(a)])
    assert len(every.stdout.splitlines()) == 18
    assert CliRunner().invoke(cli, ["check", "--strict", str(a)]).exit_code == 0


def test_warnings_are_shown_beside_errors(tmp_path: Path) -> None:
    """A deck with an example error still shows its warnings, in every format."""
    second = GOOD_CARD.format(id="b", prompt="Capital of Peru?", answer="Lima")
    cards = GOOD_CARD.format(id="a", prompt="Capital of Peru?", answer="Lima") + second.replace(
        "reject: [Nope]", "reject: [lima]"
    )
    a = tmp_path / "a.yaml"
    a.write_text(deck(cards), "utf-8")
    text = CliRunner().invoke(cli, ["check", str(a)])
    assert text.exit_code == 1
    assert [line.split(": ")[1] for line in text.stdout.splitlines()] == ["warning", "error"]
    rows = [
        json.loads(line) for line in CliRunner().invoke(cli, ["check", "--json", str(a)]).stdout.splitlines()
    ]
    assert [r["severity"] for r in rows] == ["warning", "error"]
    github = CliRunner().invoke(cli, ["check", "--format", "github", str(a)]).stdout.splitlines()
    assert [line.split(" ")[0] for line in github] == ["::warning", "::error"]


@pytest.mark.parametrize(
    ("answer", "iso", "other"),
    [("May 8, 1945", "1945-05-08", "8 May 1945"), ("8 May 1945", "1945-05-08", "8 May 1945"),
     ("March 2019", "2019-03", "March 2019")],
)  # fmt: skip
def test_a_short_answer_that_is_a_date_is_warned_with_the_date_card_to_write(
    answer: str, iso: str, other: str
) -> None:
    """A date written as a short card's answer is graded as text: the warning gives the date card."""
    text = deck(GOOD_CARD.format(id="ve", prompt="When?", answer=f"'{answer}'"))
    (problem,) = lint(parse(text))
    assert problem.severity == "warning"
    assert problem.message == (
        f"card 've': the answer '{answer}' is a date, graded as text (a learner's '{other}' is not "
        "read as the same date)"
    )
    assert f"'answer: {iso}'" in problem.hint


@pytest.mark.parametrize("answer", ["May", "Bern", "World War II", "Route 66", "'1945'", "'1945-05-08'"])
def test_a_short_answer_that_is_not_a_month_and_year_is_not_warned(answer: str) -> None:
    """A month alone, a word, a numeral in a name, a year or an ISO date (the author's choice) pass."""
    text = deck(GOOD_CARD.format(id="s", prompt="Which?", answer=answer))
    assert lint(parse(text)) == []
