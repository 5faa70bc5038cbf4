"""Commands about deck files: ``list``, ``show``, ``check``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.cli.options import complete_deck, data_dir, data_dir_option, plain_option, use_color
from quiz.model import plural
from quiz.ui.terminal import echo

if TYPE_CHECKING:
    from collections.abc import Callable

    from quiz.errors import Problem
    from quiz.insight.lint import Inferred
    from quiz.ui.progress import Progress


@click.command("list")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per deck, on one line each.")
def list_decks(paths: tuple[str, ...], as_json: bool) -> None:
    """List the decks quiz can find: ./decks, the bundled decks, and PATHS.

    Shows each deck's id, title, number of cards and file. A file that does not
    load is listed with its first error.
    """
    from quiz.deckio import deck_files, expand_paths, load, search_dirs
    from quiz.errors import DeckError

    # (file, found by search): a deck id found again further down the search path is the one
    # `quiz run ID` would not pick (./decks comes first), so it is not listed twice.
    files: list[tuple[Path, bool]] = [(f, True) for d in search_dirs() for f in deck_files(d)]
    files.extend((f, False) for f in expand_paths(list(paths)))
    seen: set[Path] = set()
    ids: set[str] = set()
    rows: list[dict[str, object]] = []
    for f, searched in files:
        key = f.resolve()
        if key in seen:
            continue
        seen.add(key)
        try:
            deck = load(f)
            if searched and deck.id in ids:
                continue
            ids.add(deck.id)
            rows.append({"id": deck.id, "title": deck.title, "cards": len(deck.cards), "file": str(f)})
        except DeckError as err:
            rows.append(
                {"id": None, "title": None, "cards": None, "file": str(f), "error": str(err.problems[0])}
            )
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        echo("No decks found. Put .yaml decks in ./decks or pass their paths.")
        return
    width = max(len(str(r["id"] or "")) for r in rows)
    for r in rows:
        if "error" in r:
            echo(f"{'(invalid)':<{width}}  {r['error']}")
        else:
            cards = plural(int(str(r["cards"])), "card")
            echo(f"{r['id']!s:<{width}}  {r['title']}  ({cards})  {r['file']}")


@click.command("show")
@click.argument("deck", shell_complete=complete_deck)
@click.option("--json", "as_json", is_flag=True, help="The whole deck as JSON (the format's own keys).")
@data_dir_option
def show(deck: str, as_json: bool) -> None:
    """Show the cards of DECK with their answers."""
    from quiz.deckio import load_ref
    from quiz.deckio.writer import deck_to_dict
    from quiz.ui.render import card_summary

    loaded = load_ref(deck, cache_dir=data_dir() / "cache")
    if as_json:
        click.echo(json.dumps(deck_to_dict(loaded), ensure_ascii=False, indent=2))
        return
    color = use_color()
    echo(click.style(loaded.title, bold=True) if color else loaded.title)
    echo(f"{loaded.id} · {plural(len(loaded.cards), 'card')} · {loaded.path}")
    if loaded.source:
        echo(f"Source: {loaded.source}")
    for n, card in enumerate(loaded.cards, start=1):
        echo("")
        echo(card_summary(card, n, color))


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default=None,
    help="text: file:line:col lines (default); github: GitHub Actions annotations; json: JSON lines.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (never on advice).")
@click.option(
    "--advice",
    "every_advice",
    is_flag=True,
    help="List every piece of advice card by card (by default advice on many cards of a deck is one line).",
)
@plain_option
@click.option(
    "--explain-types",
    "explain_types",
    is_flag=True,
    help="Also print the type each card written without 'type:' was given, and why.",
)
def check(
    paths: tuple[str, ...],
    fmt: str | None,
    as_json: bool,
    strict: bool,
    every_advice: bool,
    plain: bool,
    explain_types: bool,
) -> None:
    """Validate deck files (or every deck in directories) and run their examples.

    Prints 'file:line:col: error|warning|advice: message (hint)' for each finding
    and exits 1 if any deck has an error (or a warning, with --strict). Errors: a
    deck that does not load, an example graded the other way. Warnings (likely
    mistakes): a card without an id, a wrong choice that says the answer, cards
    that ask the same question (within and across the decks checked together).
    Advice (style): a card without explain, examples or tags; on more than three
    cards of a deck it is one line with the count, and --advice lists each.
    On a terminal a progress bar shows on stderr while a large deck is checked.
    With --explain-types, each card without 'type:' also gets a line
    'file:line: card ID → TYPE, because REASON' (in file order, before the file's findings).
    """
    from quiz.deckio import expand_paths, load_parts
    from quiz.errors import DeckError
    from quiz.insight.lint import ADVICE, ERROR, Part, check_part, findings, inferred_types
    from quiz.model import Deck
    from quiz.ui.progress import Progress, wanted

    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError(
                f"--json is the same as --format json; it cannot be used with --format {fmt}"
            )
        fmt = "json"
    fmt = fmt or "text"
    files = list(expand_paths(list(paths)))
    if not files:
        raise click.UsageError("no deck files (.yaml, .yml) found in " + ", ".join(paths))
    load_errors: dict[str, list[Problem]] = {}
    decks: list[Deck] = []
    parts: list[list[Part]] = []
    inferred: dict[str, list[Inferred]] = {}
    with Progress("checking", show=wanted(as_json=fmt == "json", plain=plain)) as bar:
        shown = _CheckProgress(bar)
        # examples, warnings, advice: run on each part where it was parsed
        each_part = check_part(progress=shown.cards if bar.callback else None)

        def work(deck: Deck) -> tuple[Part, list[Inferred]]:
            return each_part(deck), inferred_types(deck) if explain_types else []

        for f in files:
            bar.describe(f"checking {f.name}")
            try:
                deck, done = load_parts(
                    f, work, keep_cards=False, progress=shown.parts if bar.callback else None
                )  # the parts' findings suffice
            except DeckError as err:
                load_errors[str(f)] = err.problems
                continue
            decks.append(deck)
            parts.append([part for part, _ in done])
            inferred[str(f)] = [i for _, found in done for i in found]
        found_all = findings(decks, parts, every_advice=every_advice)
    render: Callable[[Problem], str]
    if fmt == "json":
        render = _json_line
    elif fmt == "github":
        render = github_annotation
    else:
        render = str
    by_file: dict[str, list[Problem]] = {}
    for p in found_all:
        by_file.setdefault(p.path, []).append(p)
    found: list[Problem] = []
    lines: list[str] = []
    for f in files:
        lines.extend(_explained(i, fmt) for i in inferred.get(str(f), []))
        here = load_errors.get(str(f), []) + by_file.pop(str(f), [])
        found.extend(here)
        lines.extend(map(render, here))
    for rest in by_file.values():
        found.extend(rest)
        lines.extend(map(render, rest))
    errors = sum(p.severity == ERROR for p in found)
    advice = sum(p.severity == ADVICE for p in found)
    warnings = len(found) - errors - advice
    # Written in large batches: one echo per line costs seconds on a deck with 100,000 findings.
    for at in range(0, len(lines), 20_000):
        click.echo("\n".join(lines[at : at + 20_000]))
    if fmt != "json":
        click.echo(
            f"{plural(len(files), 'deck')} checked: {plural(errors, 'error')}, "
            f"{plural(warnings, 'warning')}, {advice} advice"
            + (f", {plural(sum(map(len, inferred.values())), 'type')} inferred" if explain_types else ""),
            err=True,
        )
    if errors or (strict and warnings):
        sys.exit(1)


class _CheckProgress:
    """The bar of ``quiz check``: a large deck's parts as they are claimed, else (a deck read as one
    part) its cards as their examples run."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.by_parts = False

    def parts(self, done: int, total: int) -> None:
        self.by_parts = total > 1
        if self.by_parts:
            self.bar.update(done, total)

    def cards(self, done: int, total: int) -> None:
        if not self.by_parts:
            self.bar.update(done, total)


def _explained(i: Inferred, fmt: str) -> str:
    """One card's inferred type as ``quiz check --explain-types`` prints it in ``fmt``."""
    text = f"card '{i.card}' → {i.type}, because {i.reason}"
    if fmt == "json":
        fields = {"path": i.path, "line": i.line, "col": i.col, "severity": "info", "message": text}
        return json.dumps({**fields, "card": i.card, "type": i.type, "reason": i.reason}, ensure_ascii=False)
    if fmt == "github":
        return f"::notice {_where(i.path, i.line, i.col)}::{_escape_data(text)}"
    return f"{i.path}:{i.line}: {text}"


def _json_line(p: Problem) -> str:
    return json.dumps(p.to_dict(), ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(p: Problem) -> str:
    """A finding as a GitHub Actions workflow command: ``::error file=F,line=L,col=C,title=...::message``
    (advice is a ``::notice``)."""
    kind = {"error": "error", "advice": "notice"}.get(p.severity, "warning")
    hint = f" ({p.hint})" if p.hint else ""
    return f"::{kind} {_where(p.path, p.line, p.col)}::{_escape_data(p.message + hint)}"


def _where(path: str, line: int, col: int) -> str:
    """The properties of a GitHub annotation at ``path:line:col``."""
    where = (("file", path), ("line", str(line)), ("col", str(col)), ("title", "quiz check"))
    return ",".join(f"{k}={_escape_property(v)}" for k, v in where)


COMMANDS: dict[str, click.Command] = {c.name: c for c in (list_decks, show, check) if c.name}
