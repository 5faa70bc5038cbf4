"""Anki package (``.apkg``) export: a file Anki opens with a double-click, written with genanki.

The notes are the text export's (:func:`quiz.formats.anki.rows`): the same guids, fields and
tags, so the two exports describe a card the same way. On top of the text export the package
brings its own note types (so nothing depends on what the learner's Anki calls "Basic"), asks
typed cards as type-in-the-answer cards with the alternates and explanation in a third field,
and puts a card tagged ``subdeck::Part`` into the sub-deck ``<deck>::Part``.

Anki updates a note on import only when the package's note is newer than its own. So that a
re-export updates exactly the notes whose cards changed, each note keeps the time it last
changed: a small memory file per deck (guid → fingerprint of the note, time) says which notes
are as they were, and those keep their old time.

genanki is an optional extra (``pip install 'quiz[apkg]'``); without it the export raises
:class:`ExportError` saying how to install it.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from quiz.errors import ExportError
from quiz.files import FileRefused, read_regular, write_atomic
from quiz.model import (
    AnyCard,
    BoolCard,
    Card,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Deck,
    FlashCard,
    MultiCard,
    NumberCard,
    OrderCard,
    ShortCard,
    assert_never,
)

from .anki import (
    BASIC,
    CLOZE,
    DATA_OPEN,
    PROGRESS_EVERY,
    TYPED,
    Progress,
    deck_name,
    rows,
    sides,
    tag_text,
    to_html,
)

INSTALL_HINT = "the .apkg export needs genanki: pip install 'quiz[apkg]'"
#: A card tag that names the sub-deck (under the deck's Anki deck) its note goes into.
SUBDECK_PREFIX = "subdeck::"
#: Largest memory file read back (a 100,000-card deck's is about 10 MB).
_MEMORY_LIMIT = 64 * 1024 * 1024

_CSS = (
    ".card {\n font-family: arial;\n font-size: 20px;\n text-align: center;\n"
    " color: black;\n background-color: white;\n}\n"
)
_ANSWER_RULE = "\n\n<hr id=answer>\n\n"


@dataclass(frozen=True)
class NoteType:
    """One note type the package carries: its Anki name, fields and one card template."""

    name: str
    fields: tuple[str, ...]
    question: str
    answer: str
    cloze: bool = False


#: quiz's note type for each notetype the text export names. The names differ from Anki's own
#: ("Basic (quiz)"): a package's note type named "Basic" but with another id would be renamed
#: by Anki on import ("Basic-1a2b3"), and a learner's own "Basic" stays untouched.
NOTE_TYPES = {
    BASIC: NoteType(
        "Basic (quiz)", ("Front", "Back"), "{{Front}}", "{{FrontSide}}" + _ANSWER_RULE + "{{Back}}"
    ),
    TYPED: NoteType(
        "Basic (type in the answer) (quiz)",
        ("Front", "Back", "Extra"),
        "{{Front}}\n\n{{type:Back}}",
        "{{Front}}" + _ANSWER_RULE + "{{type:Back}}{{#Extra}}<br><br>{{Extra}}{{/Extra}}",
    ),
    CLOZE: NoteType(
        "Cloze (quiz)",
        ("Text", "Back Extra"),
        "{{cloze:Text}}",
        "{{cloze:Text}}<br>\n{{Back Extra}}",
        cloze=True,
    ),
}


@dataclass(frozen=True)
class Note:
    """One note of the package: its guid, notetype key, Anki deck, fields (HTML) and tags."""

    guid: str
    notetype: str
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]

    def fingerprint(self) -> str:
        """A digest of everything Anki stores for the note: equal digests, nothing to update."""
        text = "\x1f".join([self.notetype, self.deck, *self.fields, "\x1e", *self.tags])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def stable_id(*parts: str) -> int:
    """A positive 47-bit id that is the same for the same parts on every export (notetype, deck)."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:6], "big") >> 1 or 1 << 30


def subdeck(card: Card) -> str:
    """The sub-deck a card asks for with a ``subdeck::A::B`` tag (``A::B``), or ``""``."""
    for tag in card.tags:
        clean = tag_text(tag)
        if clean.casefold().startswith(SUBDECK_PREFIX):
            return "::".join(p for p in clean[len(SUBDECK_PREFIX) :].split("::") if p)
    return ""


def typed_extra(card: AnyCard) -> str:
    """What a type-in note shows under the typed-answer comparison: alternates, tolerance, explain."""
    parts: list[str] = []
    match card:
        case ShortCard():
            if card.accept:
                parts.append("Also accepted:\n" + "\n".join(f"- {x}" for x in card.accept))
        case NumberCard():
            if card.tolerance or card.tolerance_percent:
                tol = f"{card.tolerance:g}{'%' if card.tolerance_percent else ''}"
                parts.append(f"Accepted within ±{tol}")
        case ChoiceCard() | MultiCard() | BoolCard() | DateCard() | ClozeCard() | OrderCard() | FlashCard():
            pass
        case _:
            assert_never(card)
    if card.explain:
        parts.append(card.explain)
    return "\n\n".join(parts)


def notes(deck: Deck, *, name: str | None = None, progress: Progress | None = None) -> list[Note]:
    """The notes of the package, one per card in deck order (an :class:`ExportError` for a bad name);
    ``progress`` as for :func:`quiz.formats.anki.rows`."""
    parent = deck_name(deck, name)
    out: list[Note] = []
    for (guid, notetype, _, front, back, tag_cell), card in zip(
        rows(deck, typed=True, name=parent, progress=progress), deck.cards, strict=True
    ):
        # The hidden card data (for `quiz import`) goes in the last field: a type-in note's Back
        # must be the answer alone, as Anki compares what the learner types with it.
        back, mark, data = back.partition(DATA_OPEN)
        data = mark + data
        if isinstance(card, ChoiceCard):
            # Anki compares typed text exactly, so a letter typed as quiz allows would be marked
            # wrong: a choice card shows its choices and the right one with its letter instead.
            notetype, back = BASIC, to_html(sides(card)[1])
        if notetype == TYPED:
            fields: tuple[str, ...] = (front, back, to_html(typed_extra(card)) + data)
        else:
            fields = (front, back + data)
        tags = tuple(t for t in tag_cell.split(" ") if t and not t.casefold().startswith(SUBDECK_PREFIX))
        part = subdeck(card)
        out.append(Note(guid, notetype, f"{parent}::{part}" if part else parent, fields, tags))
    return out


def note_times(found: list[Note], memory: Mapping[str, Any], now: int) -> dict[str, tuple[str, int]]:
    """Each note's (fingerprint, time): the remembered time when the note is unchanged, else ``now``.

    A changed note's time is also later than the one remembered, so Anki sees it as newer even
    when the clock went back.
    """
    out: dict[str, tuple[str, int]] = {}
    for note in found:
        digest = note.fingerprint()
        old = memory.get(note.guid)
        if not (isinstance(old, list) and len(old) == 2 and isinstance(old[1], int)):
            out[note.guid] = (digest, now)
        elif old[0] == digest:
            out[note.guid] = (digest, old[1])
        else:
            out[note.guid] = (digest, max(now, old[1] + 1))
    return out


def _genanki() -> Any:
    try:
        import genanki
    except ImportError:
        raise ExportError(INSTALL_HINT) from None
    return genanki


def _models(genanki: Any) -> dict[str, Any]:
    return {
        key: genanki.Model(
            stable_id("quiz notetype", kind.name),
            kind.name,
            fields=[{"name": f} for f in kind.fields],
            templates=[
                {"name": "Cloze" if kind.cloze else "Card 1", "qfmt": kind.question, "afmt": kind.answer}
            ],
            css=_CSS,
            model_type=genanki.Model.CLOZE if kind.cloze else genanki.Model.FRONT_BACK,
        )
        for key, kind in NOTE_TYPES.items()
    }


def package(
    found: list[Note],
    times: Mapping[str, tuple[str, int]],
    *,
    parent: str,
    description: str,
    now: int,
    progress: Progress | None = None,
) -> bytes:
    """The ``.apkg`` bytes: the deck ``parent`` (with ``description``) and its sub-decks holding ``found``.

    Each note is stamped with its time from ``times``. ``progress(done, total)``, if given, is told
    every ``PROGRESS_EVERY`` notes added, then stamped (the total is twice the number of notes).
    """
    genanki = _genanki()
    models = _models(genanki)
    decks = {parent: genanki.Deck(stable_id("quiz deck", parent), parent, to_html(description))}
    for n, note in enumerate(found):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, 2 * len(found))
        if note.deck not in decks:
            decks[note.deck] = genanki.Deck(stable_id("quiz deck", note.deck), note.deck)
        decks[note.deck].add_note(
            genanki.Note(
                model=models[note.notetype], fields=list(note.fields), tags=list(note.tags), guid=note.guid
            )
        )
    try:
        return _zipped(genanki.Package(list(decks.values())), times, now, _shifted(progress, len(found), 0))
    except (sqlite3.Error, OSError) as err:  # the temporary collection could not be written
        raise ExportError(
            f"cannot build the package in a temporary folder ({err}; is the disk full or a file-size "
            "limit reached?); nothing was written"
        ) from None


def _zipped(
    package: Any, times: Mapping[str, tuple[str, int]], now: int, progress: Progress | None = None
) -> bytes:
    """The package written to a temporary collection, with each note's time, and zipped;
    ``progress(done, total)`` is told every ``PROGRESS_EVERY`` notes stamped."""
    with tempfile.TemporaryDirectory(prefix="quiz-apkg-") as tmp:
        db = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db)
        try:
            package.write_to_db(conn.cursor(), now, itertools.count(now * 1000))
            # genanki stamps every note with one time; each note gets the time it last changed.
            stamps = [(t, g) for g, (_, t) in times.items()]
            # Anki's notes table has no index on guid: without one each UPDATE scans every note
            # (5,000 notes took 26 s). A temporary index, dropped again: the schema stays genanki's.
            conn.execute("CREATE INDEX quiz_stamp_guid ON notes (guid)")
            for at in range(0, len(stamps), PROGRESS_EVERY):
                if progress is not None:
                    progress(at, len(stamps))
                conn.executemany("UPDATE notes SET mod = ? WHERE guid = ?", stamps[at : at + PROGRESS_EVERY])
            conn.execute("DROP INDEX quiz_stamp_guid")
            conn.commit()
            conn.execute("VACUUM")  # the index's pages are not left in the file
        finally:
            conn.close()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db, "collection.anki2")
            archive.writestr("media", "{}")
    return out.getvalue()


def _read_memory(path: Path) -> dict[str, Any]:
    """The remembered note times of a deck; a missing or unreadable memory is empty (all notes new)."""
    try:
        data = json.loads(read_regular(path, limit=_MEMORY_LIMIT, what="memory file"))
    except (FileRefused, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _shifted(progress: Progress | None, start: int, total: int) -> Progress | None:
    """``progress`` for one stage of a longer work: ``start`` more done, out of ``total`` (0: the
    total the stage gives, plus ``start``)."""
    if progress is None:
        return None
    report = progress
    return lambda done, of: report(start + done, total or start + of)


def write_apkg(
    deck: Deck,
    target: Path,
    *,
    now: datetime,
    memory_dir: Path,
    name: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the deck's package to ``target`` and remember its note times; the number of notes.

    ``progress(done, total)``, if given, counts each card three times: made into a note, added to
    the package, stamped with its time (the total is three times the number of cards)."""
    parent = deck_name(deck, name)
    total = 3 * len(deck.cards)
    found = notes(deck, name=parent, progress=_shifted(progress, 0, total))
    memory_file = memory_dir / f"{deck.id}.apkg.json"
    stamp = int(now.timestamp())
    times = note_times(found, _read_memory(memory_file), stamp)
    added = _shifted(progress, len(found), total)
    packed = package(found, times, parent=parent, description=deck.description, now=stamp, progress=added)
    write_atomic(target, packed)
    memory = json.dumps({g: [d, t] for g, (d, t) in times.items()}, separators=(",", ":"))
    try:
        memory_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(memory_file, memory)
    except (OSError, FileRefused):
        pass  # without the memory the next export stamps every note anew: Anki updates them all
    return len(found)
