"""Commands that move decks between quiz and other tools: ``export`` and ``import``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.cli.options import complete_deck, data_dir, data_dir_option, plain_option
from quiz.model import plural

if TYPE_CHECKING:
    from quiz.model import Deck
    from quiz.ui.progress import Progress

#: Default file name for each format, after the deck id.
SUFFIXES = {"anki": ".anki.txt", "apkg": ".apkg", "csv": ".csv", "json": ".json", "gift": ".gift.txt"}


def _write(text: str, target: str, *, inputs: tuple[str, ...], force: bool = False) -> None:
    """Print ``text``, or write it whole to ``target`` (:func:`quiz.files.write_atomic`).

    Refused: one of the command's ``inputs``, anything but a regular file, and an existing deck
    or results file unless ``force``.
    """
    if target == "-":
        from quiz.ui.safe import write_data

        write_data(text)
        return
    from quiz.files import holds, write_atomic

    write_atomic(target, text, inputs=inputs, protect=holds(target), force=force)


@click.command("export")
@click.argument("deck", shell_complete=complete_deck)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(SUFFIXES)),
    default="anki",
    show_default=True,
    help="anki: Anki notes file; apkg: Anki package; csv: question,answer; json: whole deck; gift: Moodle.",
)
@click.option(
    "-o",
    "--output",
    help="File to write ('-' for standard output). Default: <deck-id> plus the format's suffix.",
)
@click.option(
    "--typed",
    is_flag=True,
    help="Anki: short, number, date, bool and choice cards as 'Basic (type in the answer)'.",
)
@click.option("--deck-name", help="Anki, apkg: the Anki deck (default: the deck title; '::' makes subdecks).")
@click.option(
    "--raw-csv",
    is_flag=True,
    help="csv: write cells exactly, for programs (default: cells starting with = + - @ are made safe "
    "for spreadsheets with a leading ').",
)
@plain_option
@data_dir_option
def export(
    deck: str, fmt: str, output: str | None, typed: bool, deck_name: str | None, raw_csv: bool, plain: bool
) -> None:
    """Write DECK in another program's format (Anki by default).

    The Anki file goes through Anki's File → Import as it is: every setting is
    in its header. Exporting again after editing the deck updates the same
    notes in Anki instead of adding new ones. On a terminal a progress bar shows
    on stderr while a large deck is loaded and written.
    """
    from quiz.ui.progress import Progress, wanted

    with Progress(f"loading {Path(deck).name}", show=wanted(plain=plain)) as bar:
        written = _export(bar, deck, fmt, output, typed, deck_name, raw_csv)
    if written:
        click.echo(written, err=True)


def _export(
    bar: Progress,
    deck: str,
    fmt: str,
    output: str | None,
    typed: bool,
    deck_name: str | None,
    raw_csv: bool,
) -> str:
    """``quiz export`` with its progress shown on ``bar``; the line saying what was written (or "")."""
    from quiz.deckio import load_ref

    loaded = load_ref(deck, cache_dir=data_dir() / "cache", progress=bar.callback)
    bar.describe(f"exporting {loaded.id}")
    if (typed and fmt != "anki") or (deck_name is not None and fmt not in ("anki", "apkg")):
        raise click.UsageError("--typed and --deck-name only apply to --format anki (--deck-name: apkg too)")
    if raw_csv and fmt != "csv":
        raise click.UsageError("--raw-csv only applies to --format csv")
    note = ""
    left: list[object] = []
    if fmt == "apkg":
        from quiz.clock import now
        from quiz.formats.apkg import write_apkg

        if output == "-":
            raise click.UsageError("--format apkg writes a file: name it with -o FILE.apkg")
        target = output or loaded.id + SUFFIXES[fmt]
        from quiz.files import check_output, holds

        check_output(target, inputs=(str(loaded.path),), protect=holds(target))
        count = write_apkg(
            loaded,
            Path(target),
            now=now(),
            memory_dir=data_dir() / "anki",
            name=deck_name,
            progress=bar.callback,
        )
        return f"Wrote {plural(count, 'card')} of '{loaded.id}' to {target} (open it with Anki)"
    if fmt == "anki" and output != "-":
        target = output or loaded.id + SUFFIXES[fmt]
        _write_anki(bar, loaded, target, typed, deck_name)
        return f"Wrote {plural(len(loaded.cards), 'card')} of '{loaded.id}' to {target}"
    if fmt == "anki":
        from quiz.formats.anki import export_anki

        text = export_anki(loaded, typed=typed, name=deck_name, progress=bar.callback)
    elif fmt == "csv":
        from quiz.formats.plain import export_csv

        text = export_csv(loaded, raw=raw_csv, progress=bar.callback)
    elif fmt == "json":
        from quiz.formats.plain import export_json

        text = export_json(loaded)
    else:
        from quiz.formats.gift import export_gift, skipped

        text = export_gift(loaded, bar.callback)
        left = list(skipped(loaded))
        if left:
            note = (
                f" ({len(left)} order/flashcard cards left out of Moodle's questions: GIFT has no such"
                " question; 'quiz import' restores them from the file's comments)"
            )
    target = output or loaded.id + SUFFIXES[fmt]
    if target == "-":
        bar.close()  # erased before the text goes to the terminal
    _write(text, target, inputs=(str(loaded.path),))
    if target == "-":
        return ""
    count = len(loaded.cards) - len(left)
    return f"Wrote {plural(count, 'card')} of '{loaded.id}' to {target}{note}"


def _write_anki(bar: Progress, loaded: Deck, target: str, typed: bool, deck_name: str | None) -> None:
    """Write the Anki notes file to ``target`` as its rows are made, atomically (as :func:`_write`)."""
    from quiz.files import holds, open_atomic
    from quiz.formats.anki import write_anki

    with open_atomic(target, inputs=(str(loaded.path),), protect=holds(target)) as out:
        write_anki(loaded, out, typed=typed, name=deck_name, progress=bar.callback)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", help="Deck file to write ('-' for standard output). Default: <deck-id>.yaml.")
@click.option(
    "--as",
    "as_type",
    type=click.Choice(["card", "short"]),
    default="card",
    show_default=True,
    help="What Basic notes become: self-graded flashcards, or short cards with a typed answer.",
)
@click.option(
    "--deck-id", help="Id of the new deck (default: from the guids quiz wrote, else the file name)."
)
@click.option("--title", help="Title of the new deck (default: the Anki deck name).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@plain_option
def import_(
    file: str,
    output: str | None,
    as_type: str,
    deck_id: str | None,
    title: str | None,
    force: bool,
    plain: bool,
) -> None:
    """Turn an Anki notes file, a GIFT question bank or a JSON deck into a YAML deck.

    \b
    FILE.gift (or .gift.txt): a Moodle GIFT question bank. Each question becomes a
      card; what quiz cannot ask or carry is listed on stderr with its line.
    FILE.json: a deck as 'quiz export --format json' writes it.
    Anything else: an Anki notes file (File → Export → Notes in Plain Text) or a
      question,answer CSV. Notes exported by quiz come back as the cards they were
      (type, answers, alternates, grading policy); other Basic notes become
      flashcards (or short cards with --as short), Cloze notes cloze cards, and
      each note's guid becomes its card id, so exporting again updates the same
      notes.

    On a terminal a progress bar shows on stderr while a large file is read and
    the deck written.
    """
    from quiz.ui.progress import Progress, wanted

    with Progress(f"importing {Path(file).name}", show=wanted(plain=plain)) as bar:
        deck, notes, summary, target = _import(bar, file, output, as_type, deck_id, title, force)
    for note in notes:
        click.echo(note, err=True)
    if target != "-":
        wrote = plural(len(deck.cards), "card")
        click.echo(f"Wrote {wrote} to {target} (deck id '{deck.id}'){summary}", err=True)


def _import(
    bar: Progress,
    file: str,
    output: str | None,
    as_type: str,
    deck_id: str | None,
    title: str | None,
    force: bool,
) -> tuple[Deck, list[str], str, str]:
    """``quiz import`` with its progress on ``bar``: the deck, the notes to print, the summary's
    end and the file written ('-': stdout)."""
    from quiz.deckio.writer import to_yaml

    # Reading the notes or questions is the first half of the bar, counted; making and writing the
    # deck is the second, done at once.
    read = [1]

    def reading(done: int, total: int) -> None:
        read[0] = total
        bar.update(done, 2 * total)

    progress = reading if bar.callback else None
    if output and output != "-":  # refused before the input is read
        from quiz.files import check_output

        check_output(output, inputs=(file,))
    notes: list[str] = []
    lower = file.lower()
    if lower.endswith((".gift", ".gift.txt")):
        from quiz.formats.gift_import import read_gift_file

        imported = read_gift_file(file, deck_id=deck_id, title=title, progress=progress)
        deck = imported.deck
        notes = [f"{file}: {n}" for n in imported.notes]
        n = imported.skipped
        summary = f" ({n} question{'s' if n != 1 else ''} left out)" if n else ""
    elif lower.endswith(".json"):
        from quiz.formats.anki_import import decode, read_import
        from quiz.formats.plain import read_json_deck

        deck = read_json_deck(decode(read_import(file), file), file)
        summary = ""
    else:
        from quiz.formats.anki_import import read_anki_file

        deck = read_anki_file(
            file,
            as_type="short" if as_type == "short" else "card",
            deck_id=deck_id,
            title=title,
            warnings=notes,
            progress=progress,
        )
        summary = ""
    bar.update(read[0], 2 * read[0])
    text = to_yaml(deck)
    target = output or deck.id + ".yaml"
    if target != "-":
        from quiz.files import check_output

        if check_output(target, inputs=(file,)).exists() and not force:
            from quiz.errors import ImportFileError

            raise ImportFileError(
                f"'{target}' already exists; pass --force to overwrite it, or -o another file"
            )
    if target == "-":
        bar.close()  # erased before the deck goes to the terminal
    _write(text, target, inputs=(file,), force=force)
    bar.update(2 * read[0], 2 * read[0])
    return deck, notes, summary, target


COMMANDS: dict[str, click.Command] = {c.name: c for c in (export, import_) if c.name}
