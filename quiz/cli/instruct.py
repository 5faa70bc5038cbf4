"""Commands for instructors: ``new`` (a deck from a template), ``preview``, ``report``.

See docs/instructors.md for the whole loop, from a new deck to a class's report.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.cli.options import card_option, complete_deck, data_dir, data_dir_option, use_color

if TYPE_CHECKING:
    from quiz.model import Card, Question
    from quiz.practice import Session


# -- quiz new ----------------------------------------------------------------------------------
def schema_uri() -> str:
    """The ``file://`` URI of the deck JSON Schema: the installed copy, else the checkout's."""
    from quiz.deckio import schema_path

    return schema_path().resolve().as_uri()


def default_id(path: Path) -> str:
    """A deck id made from a file name: ``My Deck!.yaml`` → ``my-deck``."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-._")
    return slug or "my-deck"


def default_title(path: Path) -> str:
    """A title made from a file name: ``my-deck.yaml`` → ``My deck``."""
    words = " ".join(re.split(r"[-_.\s]+", path.stem)).strip()
    return (words[:1].upper() + words[1:]) if words else "My deck"


def render_template(*, deck_id: str, title: str, file: str, schema: str) -> str:
    """The text of a new deck: the packaged template with its placeholders filled in."""
    import json
    import shlex
    from importlib import resources

    text = (resources.files("quiz") / "templates" / "new-deck.yaml").read_text(encoding="utf-8")
    return (
        text.replace("__SCHEMA__", schema)
        .replace("__FILE__", shlex.quote(file))
        .replace("__DECK_ID__", deck_id)
        .replace("__TITLE__", json.dumps(title, ensure_ascii=False))
    )


@click.command("new")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--title", help="The deck's title (default: made from the file name).")
@click.option("--id", "deck_id", metavar="ID", help="The deck's id (default: made from the file name).")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def new(path: str, title: str | None, deck_id: str | None, force: bool) -> None:
    """Write a new deck to PATH from a commented template.

    The template holds one card of each type and explains every grading option in
    comments; it passes 'quiz check --strict' as written. Its first line points
    editors at the deck JSON Schema. An existing file is kept unless --force.
    """
    from quiz.deckio import DECK_ID_RE, DECK_SUFFIXES

    p = Path(path)
    if p.suffix not in DECK_SUFFIXES:
        raise click.UsageError(f"'{path}': a deck file name ends in .yaml or .yml (e.g. {p.stem}.yaml)")
    if deck_id is not None and not DECK_ID_RE.match(deck_id):
        raise click.UsageError(
            f"'{deck_id}' is not a valid deck id (letters, digits, '.', '_' and '-', "
            "starting with a letter or digit)"
        )
    from quiz.files import check_output, write_atomic

    if check_output(p).exists() and not force:
        raise click.ClickException(
            f"{path}: already exists (use --force to overwrite it, or choose another name)"
        )
    text = render_template(
        deck_id=deck_id or default_id(p),
        title=title if title is not None else default_title(p),
        file=path,
        schema=schema_uri(),
    )
    write_atomic(p, text, force=True)
    click.echo(f"Wrote {path}: deck '{deck_id or default_id(p)}' with 9 sample cards, one of each type.")
    click.echo(f"Next: edit it, then run 'quiz check {path}' and 'quiz preview {path}'.")


# -- quiz preview ------------------------------------------------------------------------------
def accepted_lines(q: Question) -> list[str]:
    """What ``q`` accepts, in the order the choices or items are shown."""
    from quiz.model import (
        BoolCard,
        ChoiceCard,
        ClozeCard,
        DateCard,
        FlashCard,
        MultiCard,
        NumberCard,
        OrderCard,
        ShortCard,
        assert_never,
        letter,
    )
    from quiz.model.cloze import gaps

    card = q.card
    shown = q.shown or ()
    match card:
        case ShortCard():
            also = f"; also: {', '.join(card.accept)}" if card.accept else ""
            return [f"Accepted: {card.answer}{also}"]
        case ChoiceCard():
            i = shown.index(card.answer)
            ways = f"the letter {letter(i)}, the number {i + 1} or the text"
            return [f"Accepted: {letter(i)}) {card.answer} ({ways})"]
        case MultiCard():
            picks = [i for i, c in enumerate(shown) if c in card.answers]
            letters = ", ".join(letter(i) for i in picks)
            return [f"Accepted: {letters} ({', '.join(shown[i] for i in picks)}), in any order"]
        case BoolCard():
            return [f"Accepted: {card.answer_text()}"]
        case NumberCard():
            line = f"Accepted: {card.answer_text()}"
            if card.tolerance:
                tol = abs(card.answer) * card.tolerance / 100 if card.tolerance_percent else card.tolerance
                within = f"{card.tolerance:g}%" if card.tolerance_percent else f"±{card.tolerance:g}"
                line += f", within {within} ({card.answer - tol:g} to {card.answer + tol:g})"
            return [line]
        case DateCard():
            return [
                f"Accepted: {card.answer.human()} (to the {card.answer.precision}; more precise is right too)"
            ]
        case ClozeCard():
            extra = dict(card.accept)
            lines = ["Accepted:"]
            for n, gap in enumerate(gaps(card.prompt), start=1):
                alternates = extra.get(gap.number, ())
                also = f"; also: {', '.join(alternates)}" if alternates else ""
                lines.append(f"  [{n}] {gap.answer}{also}")
            return lines
        case OrderCard():
            left = list(shown)
            order = []
            for item in card.items:
                i = left.index(item)
                left[i] = "\0"  # a repeated item takes the next position
                order.append(letter(i))
            return [f"Accepted: {', '.join(order)} ({' → '.join(card.items)})"]
        case FlashCard():
            return ["Self-graded: the learner says whether they knew the back (y/n)."]
        case _:
            assert_never(card)


def example_lines(session: Session, q: Question) -> list[str]:
    """Each of the card's examples with the verdict grading gives it as asked here."""
    from quiz.model import self_rated

    card: Card = q.card
    if self_rated(card):
        return []
    lines: list[str] = []
    for expected, examples in ((True, card.accept_examples), (False, card.reject_examples)):
        for example in examples:
            v = session.grade(q, example.text)
            if v.correct:
                line = f"  {example.text} → accepted ({v.rule})"
            elif 0 < v.score < 1:
                line = f"  {example.text} → rejected (partly right, {round(v.score * 100)}%)"
            else:
                line = f"  {example.text} → rejected"
            if v.correct != expected:
                line += f"  ✗ listed under {'accept' if expected else 'reject'}"
            lines.append(line)
    return ["Examples:", *lines] if lines else []


@click.command("preview")
@click.argument("deck", shell_complete=complete_deck)
@card_option("Only this card (repeatable).")
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**63 - 1),
    help="Order cards and choices as 'quiz run --seed N' would.",
)
@data_dir_option
def preview(deck: str, card_ids: tuple[str, ...], seed: int | None) -> None:
    """Show the cards of DECK exactly as a learner sees them, with what each accepts.

    For each card: the question as 'quiz run' asks it, the accepted answers
    (choice letters in the order shown), and each of its examples with the verdict
    grading gives. Without --seed, cards and choices are in file order (as with
    'quiz run --no-shuffle'). Nothing is saved; the score database is not opened.
    """
    import random
    from datetime import datetime, timezone

    from quiz.deckio import load_ref
    from quiz.model import Options, plural, self_rated
    from quiz.practice import SelectionError
    from quiz.practice import Session as SessionClass
    from quiz.ui.render import flash_reveal_lines, question_lines, styled
    from quiz.ui.terminal import echo, terminal_width

    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    color = use_color()
    width = terminal_width() if sys.stdout.isatty() else None
    options = Options(card_ids=card_ids, shuffle=seed is not None)
    started = datetime.now(timezone.utc)
    try:
        session = SessionClass(
            loaded, options, random.Random(seed or 0), ask=lambda q: None, now=lambda: started
        )
    except SelectionError as err:
        raise click.UsageError(str(err)) from None

    # Every line through echo: at a terminal, wrapped to its width under its own indent.
    count = plural(len(session.questions), "card")
    echo(f"{styled(loaded.title, 'title', color)} · {count} · {loaded.path}")
    if seed is None:
        echo("File order, choices as written (as 'quiz run --no-shuffle'); nothing is saved.")
    else:
        echo(f"The order of 'quiz run --seed {seed}'; nothing is saved.")
    for q in session.questions:
        echo()
        echo(styled(f"── {q.card.id} ({q.card.kind.value})", "hint", color))
        for line in question_lines(q, color, width):
            echo(line)
        if self_rated(q.card):
            for line in flash_reveal_lines(q, color, width):
                echo(line)
        for line in accepted_lines(q):
            echo(line)
        for line in example_lines(session, q):
            echo(line)
        if q.card.explain:
            echo(f"Explain: {' '.join(q.card.explain.split())}")


# -- quiz report -------------------------------------------------------------------------------
@click.command("report")
@click.argument("results", nargs=-1, required=True, type=click.Path())
@click.option(
    "--deck", metavar="DECK", help="The deck file (or id): prompts, order, alternates, version check."
)
@click.option(
    "--csv", "csv_file", type=click.Path(dir_okay=False), metavar="FILE", help="Also write a CSV file."
)
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False), metavar="FILE", help="Also write an HTML page."
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="--csv: write cells exactly, for programs (default: cells starting with = + - @ get a leading ').",
)
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object instead of tables.")
@click.option("--plain", is_flag=True, help="No bold headings and no progress bar on the terminal.")
def report(
    results: tuple[str, ...],
    deck: str | None,
    csv_file: str | None,
    html_file: str | None,
    raw_csv: bool,
    as_json: bool,
    plain: bool,
) -> None:
    """Report on a class's exam result files (written by 'quiz run --results').

    Per learner: score, percent and time. Per question: the share right,
    discrimination (top third minus bottom third of learners by total score), average
    time, the most common wrong answers, how often each choice was picked, and rejected
    answers that look right ("candidate for accept"). Invalid or tampered files, figures out
    of range and a learner's second file are named on stderr and skipped. Exit 0 if every
    file was read, 3 if the report was made without some, 1 if none could be read.
    On a terminal a progress bar shows on stderr while many files are read.
    """
    import json

    from quiz.deckio import load_ref
    from quiz.files import check_output, write_atomic
    from quiz.insight.report import ReportError, build_report
    from quiz.insight.report_html import to_html
    from quiz.insight.report_text import text_lines, to_csv
    from quiz.insight.results import ResultFileError, load_result
    from quiz.ui.progress import Progress, wanted
    from quiz.ui.safe import visible

    for target in (csv_file, html_file):  # refused before anything is read or printed
        if target:
            _refuse_results_name(target)
            check_output(target, inputs=(*results, *([deck] if deck else [])))
    loaded = []
    learners: dict[str, str] = {}  # the learner's name, folded -> the file read for them
    skips: list[str] = []  # said once the bar is gone
    with Progress("reading results", show=wanted(as_json=as_json, plain=plain)) as bar:
        for n, name in enumerate(results):
            bar.update(n, len(results))
            try:
                result = load_result(name)
            except ResultFileError as err:
                skips.append(f"skipped: {err}")
                continue
            who = " ".join(result.learner.split()).casefold()
            if who in learners:
                first = learners[who]
                again = "the same file again" if _same_file(first, name) else f"already read from {first}"
                skips.append(f"skipped: {name}: learner '{result.learner}' is {again} (counted once)")
                continue
            learners[who] = name
            loaded.append((name, result))
        bar.update(len(results), len(results))
    for line in skips:
        click.echo(line, err=True)
    skipped = len(skips)
    deck_obj = load_ref(deck) if deck else None
    if deck_obj is not None:  # another deck's results are left out (a warning each): skipped too
        skipped += sum(result.deck_id != deck_obj.id for _, result in loaded)
    if not loaded:
        raise click.ClickException("no result file could be read (see the messages above)")
    try:
        built = build_report(loaded, deck_obj)
    except ReportError as err:
        raise click.ClickException(str(err)) from None
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    # The files first: a closed pipe on stdout (quiz report ... | head) must not lose them.
    def csv_page() -> str:
        return to_csv(built, raw=raw_csv)

    def html_page() -> str:  # shown as the terminal shows it: a bidi override is not obeyed
        return visible(to_html(built))

    for target, render in ((csv_file, csv_page), (html_file, html_page)):
        if target:
            write_atomic(target, render(), inputs=(*results, *([deck] if deck else [])))
            click.echo(f"Wrote {target}", err=True)
    if as_json:
        click.echo(json.dumps(built.to_dict(), ensure_ascii=False, indent=2))
    else:
        color = use_color(plain)
        for line in text_lines(built):
            heading = line == "Learners" or line.startswith(("Questions (", "Item analysis (", "Exam ("))
            click.echo(click.style(line, bold=True) if color and heading else line)
    if skipped:
        click.get_current_context().exit(EXIT_SKIPPED)


#: ``quiz report``'s exit code when the report was made but some files were skipped.
EXIT_SKIPPED = 3


def _same_file(a: str, b: str) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _refuse_results_name(target: str) -> None:
    """Refuse a --csv/--html FILE that is (or is named like) a results file or a deck.

    ``quiz report --csv *.json`` makes the shell's first results file the CSV's name: writing it
    would destroy a learner's result, so a target ending in .json/.yaml/.yml is refused outright.
    """
    from quiz.files import DECK_SUFFIXES, FileRefused, holds

    suffix = Path(target).suffix.lower()
    if suffix == ".json" or suffix in DECK_SUFFIXES or holds(target):
        hint = "did --csv/--html take a results file as its FILE? Name the report file right after it"
        raise FileRefused(f"'{target}' looks like a results file or a deck, not a report ({hint})")


COMMANDS: dict[str, click.Command] = {c.name: c for c in (new, preview, report) if c.name}
