"""Anki "Notes in Plain Text" files (and plain two-column CSV) → a :class:`Deck`.

Reads the ``#`` headers the way Anki 26.9 does (docs/anki.md): separator, html,
guid / notetype / deck / tags columns, ``#columns:``, ``#notetype:``, ``#deck:``,
``#tags:``. Every note becomes a card whose id maps back to the note's guid, so
exporting the deck again updates the same notes in Anki.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from quiz.deckio import DECK_ID_RE, content_id, gc_held
from quiz.errors import DeckError, ImportFileError
from quiz.formats.anki import GUID_PREFIX, PROGRESS_EVERY, Progress, card_id_for_guid, note_guid
from quiz.model import CardType, Deck
from quiz.model.variants import REVERSE_SUFFIX

SEPARATORS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "pipe": "|",
    "colon": ":",
    "space": " ",
}
#: Notetypes quiz reads (Anki matches names ignoring letter case), with their field count.
BASIC_LIKE = ("basic", "basic (and reversed card)", "basic (optional reversed card)")
TYPED = "basic (type in the answer)"
CLOZE = "cloze"
#: The note types of quiz's own .apkg packages (quiz.formats.apkg), read as the Anki ones they copy;
#: the type-in one has a third field, Extra (alternates, explanation and the hidden card).
QUIZ_NOTETYPES = {"basic (quiz)": "basic", "basic (type in the answer) (quiz)": TYPED, "cloze (quiz)": CLOZE}
KNOWN = (
    "Basic, Basic (and reversed card), Basic (optional reversed card), Basic (type in the answer), Cloze"
    " and the .apkg export's Basic (quiz), Basic (type in the answer) (quiz), Cloze (quiz)"
)
#: The hidden card data quiz writes: version 1 (the deck's metadata on every note) or 2 (on the first).
DATA_RE = re.compile(r"<!--quiz:[12]:([A-Za-z0-9+/=\s]*)-->")
BLOCK_OPEN = re.compile(r"<(?:div|p|li|tr|h[1-6])\b[^>]*>", re.IGNORECASE)
BLOCK_CLOSE = re.compile(r"</(?:div|p|li|tr|h[1-6])\s*>", re.IGNORECASE)


def html_to_text(field: str) -> str:
    """An Anki HTML field as plain text: ``<br>`` and blocks → line breaks, tags dropped, entities read."""
    text = re.sub(r"\r\n?", "\n", field)
    text = re.sub(r"^\s*<(?:div|p)\b[^>]*>", "", text, flags=re.IGNORECASE)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = BLOCK_OPEN.sub("\n", text)
    text = BLOCK_CLOSE.sub("", text)
    text = re.sub(r"<[^>]*>", "", text)
    # Anki's editor writes &nbsp; for runs of spaces; a space is what the author typed.
    text = re.sub(r"&nbsp;", " ", text, flags=re.IGNORECASE)
    return html.unescape(text)


def card_data(fields: list[str]) -> dict[str, Any] | None:
    """The quiz card a note carries (written by ``quiz export``), as ``{"card": ..., "deck": ...}``
    (``deck``: the part of the deck's metadata the note carries, maybe none: ``{}``); None when it
    has none or it is damaged."""
    import base64
    import binascii
    import json

    for field in reversed(fields):
        found = DATA_RE.search(field)
        if found is None:
            continue
        try:
            data = json.loads(
                base64.b64decode("".join(found.group(1).split()), validate=True).decode("utf-8")
            )
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        data.setdefault("deck", {})
        ok = isinstance(data.get("card"), dict) and isinstance(data["deck"], dict)
        return data if ok and isinstance(data["card"].get("id"), str) else None
    return None


def decode(data: bytes, name: str) -> str:
    """The file's text, or an :class:`ImportFileError` naming the line that is not UTF-8."""
    from quiz.files import wide_unicode

    if data.startswith(b"PK\x03\x04"):  # an .apkg or .colpkg is a zip of Anki's database, not text
        raise ImportFileError(
            f"{name}:1: the file is a zip archive (an Anki package, .apkg), not text; quiz imports notes as "
            "text: in Anki, File → Export → 'Notes in Plain Text' (or 'quiz export --format anki')"
        )
    wide = wide_unicode(data)
    if wide:
        raise ImportFileError(
            f"{name}:1: the file is {wide}, not UTF-8; save it as UTF-8 (or export it again)"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ImportFileError(
            f"{name}:{line}: the file is not UTF-8 (byte 0x{data[err.start]:02x}); "
            "export it again from Anki, or save it as UTF-8"
        ) from None


class _Lines:
    """Feeds lines to the csv reader and remembers where each record starts."""

    def __init__(self, lines: list[str], first: int) -> None:
        self.lines = lines
        self.pos = 0
        self.first = first  # 1-based file line of lines[0]

    def __iter__(self) -> Iterator[str]:
        while self.pos < len(self.lines):
            self.pos += 1
            yield self.lines[self.pos - 1]


def _records(lines: list[str], first: int, sep: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with its 1-based file line; blank lines and ``#`` comment rows skipped, as Anki does."""
    feed = _Lines(lines, first)
    reader = csv.reader(iter(feed), delimiter=sep, quotechar='"', doublequote=True, strict=False)
    start = 0
    for cells in reader:
        raw = lines[start] if start < len(lines) else ""
        line = first + start
        start = feed.pos
        if not cells or (len(cells) == 1 and not cells[0].strip() and not raw.startswith('"')):
            continue
        if raw.startswith("#"):
            continue
        yield line, cells


def _headers(lines: list[str]) -> tuple[dict[str, str], int]:
    """The header block (key → value, later wins) and how many lines it takes."""
    out: dict[str, str] = {}
    count = 0
    for n, line in enumerate(lines):
        text = line.rstrip("\r\n")
        if text.startswith("#") or (n == 0 and text.lower().startswith("tags:")):
            count += 1
            key, _, value = text.lstrip("#").partition(":")
            out[key.strip().lower()] = value
        else:
            break
    return out, count


def _separator(headers: dict[str, str], sample: str, name: str) -> str:
    if "separator" in headers:
        raw = headers["separator"].strip("\r\n")
        word = raw.strip().lower()
        if word in SEPARATORS:
            return SEPARATORS[word]
        if len(raw) == 1:
            return raw
        raise ImportFileError(
            f"{name}: unknown '#separator:{raw}' (use comma, semicolon, tab, pipe, colon or space)"
        )
    if "\t" in sample:
        return "\t"
    if ";" in sample and "," not in sample:
        return ";"
    return ","


def _column(headers: dict[str, str], key: str, name: str) -> int | None:
    if key not in headers:
        return None
    raw = headers[key].strip()
    if not raw.isdigit() or int(raw) < 1:
        raise ImportFileError(f"{name}: '#{key}:{raw}' must be a column number (1, 2, …)")
    return int(raw) - 1


#: What the first row of a two-column CSV says when it names its columns instead of holding a card.
_COLUMN_NAMES = frozenset(
    {"question", "answer", "front", "back", "prompt", "term", "definition", "questions", "answers"}
)


def _names_columns(cells: list[str]) -> bool:
    """Whether a row is a header row: every cell is a column name such as question/answer."""
    return all(c.strip().strip(":").casefold() in _COLUMN_NAMES for c in cells)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")
    return slug or "imported"


def read_anki(
    text: str,
    name: str = "<file>",
    *,
    as_type: Literal["card", "short"] = "card",
    deck_id: str | None = None,
    title: str | None = None,
    warnings: list[str] | None = None,
    progress: Progress | None = None,
) -> Deck:
    """A deck from the text of an Anki notes file or a two-column CSV; errors name the line.

    Notes that carry quiz's hidden card data (``quiz export``) come back as the cards they
    were; ``warnings`` (if given) collects notes edited in Anki since, and quiz notes whose
    data was lost (exported from Anki without HTML). ``progress(done, total)``, if given, is
    told every ``PROGRESS_EVERY`` notes read.
    """
    lines = text.splitlines(keepends=True)
    headers, skip = _headers(lines)
    body = lines[skip:]
    sample = next((ln for ln in body if ln.strip() and not ln.startswith("#")), "")
    sep = _separator(headers, sample, name)
    html_on = headers.get("html", "false").strip().lower() == "true"
    guid_col = _column(headers, "guid column", name)
    type_col = _column(headers, "notetype column", name)
    deck_col = _column(headers, "deck column", name)
    tags_col = _column(headers, "tags column", name)
    width: int | None = None
    if "columns" in headers:
        width = len(headers["columns"].rstrip("\r\n").split(sep))
    try:
        records = list(_records(body, skip + 1, sep))
    except csv.Error as err:  # a field over csv's limit (128 KB): no card holds that much text
        if "field limit" not in str(err):
            raise ImportFileError(f"{name}: not readable as a notes file or CSV ({err})") from None
        raise ImportFileError(
            f"{name}: a field is too long ({err}); a card's text is at most {csv.field_size_limit():,} "
            "characters (is this an Anki notes file?)"
        ) from None
    if not records:
        raise ImportFileError(f"{name}: the file has no notes (only headers or blank lines)")
    meta = {c for c in (guid_col, type_col, deck_col, tags_col) if c is not None}
    expected = width if width is not None else len(records[0][1])
    if not headers and expected != 2:
        raise ImportFileError(
            f"{name}:{records[0][0]}: a file without '#' headers must have 2 columns (question, answer), "
            f"this row has {expected}"
        )
    if not headers and _names_columns(records[0][1]):
        records = records[1:]  # a spreadsheet's header row ("question,answer"), not a card
        if not records:
            raise ImportFileError(f"{name}: the file has no notes (only a row naming the columns)")
    if max(meta, default=-1) >= expected:
        raise ImportFileError(
            f"{name}:{records[0][0]}: the headers name column {max(meta) + 1}, "
            f"but rows have {expected} columns"
        )
    default_type = headers.get("notetype", "Basic").strip() or "Basic"
    default_deck = headers.get("deck", "").strip()
    deck_tags = headers.get("tags", "").split()

    notes: list[dict[str, Any]] = []
    for n, (line, cells) in enumerate(records):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, len(records))
        if len(cells) != expected:
            raise ImportFileError(
                f"{name}:{line}: this row has {len(cells)} columns, the file has {expected}; "
                "check for an unquoted separator or a missing cell"
            )
        kind = cells[type_col].strip() if type_col is not None else default_type
        key = kind.lower()
        with_extra = key == "basic (type in the answer) (quiz)"
        key = QUIZ_NOTETYPES.get(key, key)
        if key not in (*BASIC_LIKE, TYPED, CLOZE):
            raise ImportFileError(f"{name}:{line}: unknown notetype '{kind}' (quiz imports {KNOWN})")
        fields = [c for i, c in enumerate(cells) if i not in meta]
        if type_col is None and tags_col is None and len(fields) > 2:
            # Anki's rule: the column after the last field is the tags column.
            tag_cell: str = fields[2]
            extra = fields[3:]
            fields = fields[:2]
        else:
            tag_cell = cells[tags_col] if tags_col is not None else ""
            extra = fields[2:]
            fields = fields[:2]
        if key == "basic (optional reversed card)":
            extra = extra[1:]  # its third field, Add Reverse, has no place in a quiz card
        carried, extra = (extra[:1], extra[1:]) if with_extra else ([], extra)
        if any(c.strip() for c in extra):
            raise ImportFileError(
                f"{name}:{line}: a {kind} note has 2 fields but this row fills {2 + len(extra)} columns"
            )
        if key != CLOZE and len(fields) < 2:
            raise ImportFileError(
                f"{name}:{line}: a {kind} note needs 2 columns (Front, Back), this row has 1"
            )
        data = card_data(fields + carried) if html_on else None
        values = [html_to_text(f) if html_on else re.sub(r"\r\n?", "\n", f) for f in fields] + [""]
        notes.append(
            {
                "line": line,
                "kind": key,
                "front": values[0],
                "back": values[1],
                "guid": cells[guid_col] if guid_col is not None else "",
                "deck": cells[deck_col].strip() if deck_col is not None else default_deck,
                "tags": tag_cell.split(),
                "data": data,
            }
        )
    if progress is not None:
        progress(len(records), len(records))
    # The file's text, lines and cells are not needed again: let them go before the deck is made.
    del text, lines, body, records, cells, sample
    deck = _deck(notes, name, as_type=as_type, deck_id=deck_id, title=title, deck_tags=deck_tags)
    if warnings is not None:
        warnings.extend(_notes_about(notes, deck, name))
    return deck


def _notes_about(notes: list[dict[str, Any]], deck: Deck, name: str) -> list[str]:
    """Quiz notes edited in Anki since the export, and quiz notes that lost their data."""
    import unicodedata

    from quiz.formats.anki import TYPE_TAG_PREFIX, sides

    def same(a: str, b: str) -> bool:
        return " ".join(unicodedata.normalize("NFC", a).split()) == " ".join(
            unicodedata.normalize("NFC", b).split()
        )

    out = []
    for note, card in zip(notes, deck.cards, strict=True):
        if note["data"] is not None:
            # As exported with or without --typed (a type-in note's Back is the answer alone).
            exported = (sides(card), sides(card, typed=True))
            edited = [
                field
                for field, i in (("front", 0), ("back", 1))
                if not any(same(note[field], pair[i]) for pair in exported)
            ]
            if edited:
                out.append(
                    f"{name}:{note['line']}: card '{card.id}' was edited in Anki since the export "
                    f"({' and '.join(edited)}); the card as quiz exported it was kept "
                    "(edit the deck file instead)"
                )
            continue
        kinds = [t[len(TYPE_TAG_PREFIX) :] for t in note["tags"] if t.startswith(TYPE_TAG_PREFIX)]
        if kinds and kinds[0] not in ("card", "cloze"):
            out.append(
                f"{name}:{note['line']}: this note was a quiz '{kinds[0]}' card but carries no quiz data "
                f"(export from Anki with HTML included to keep it); imported as a {card.kind.value} card"
            )
    return out


def _deck(
    notes: list[dict[str, Any]],
    name: str,
    *,
    as_type: str,
    deck_id: str | None,
    title: str | None,
    deck_tags: list[str],
) -> Deck:
    # A version-1 note carries the deck's whole metadata, a version-2 file only its first note (the
    # others its tags, grading and steps): the first note that names the deck stands for it.
    carried = [n["data"]["deck"] for n in notes if n["data"] is not None]
    named = [d for d in carried if "id" in d]
    if deck_id is None and named and all(d["id"] == named[0]["id"] for d in named):
        deck_id = str(named[0]["id"])
    if title is None and named and isinstance(named[0].get("title"), str):
        title = named[0]["title"]
    if deck_id is None:
        owners = {n["guid"].split(":")[1] for n in notes if n["guid"].startswith(GUID_PREFIX)}
        owners = {o for o in owners if DECK_ID_RE.match(o)}
        stem = Path(name).name.split(".")[0]
        deck_id = owners.pop() if len(owners) == 1 else _slug(stem)
    elif not DECK_ID_RE.match(deck_id):
        raise ImportFileError(
            f"--deck-id '{deck_id}' may only hold letters, digits, '.', '_' and '-' (e.g. spanish-verbs)"
        )
    deck_title = title or next((n["deck"] for n in notes if n["deck"]), "") or deck_id
    cards: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for note in notes:
        line = note["line"]
        card: dict[str, Any]
        if note["data"] is not None:
            card = dict(note["data"]["card"])
            if note["guid"] not in ("", note_guid(deck_id, card["id"])):
                card["id"] = card_id_for_guid(deck_id, note["guid"])  # another deck id: keep the note's guid
            if card["id"] in seen:
                raise ImportFileError(
                    f"{name}:{line}: the card '{card['id']}' is also on line {seen[card['id']]}"
                )
            seen[card["id"]] = line
            cards.append(card)
            continue
        if not note["front"].strip():
            raise ImportFileError(
                f"{name}:{line}: the first field is empty once HTML is removed "
                "(quiz does not import images or sounds)"
            )
        if note["kind"] == CLOZE:
            card = {"type": "cloze", "text": note["front"]}
            if note["back"].strip():
                card["explain"] = note["back"]
            kind = CardType.CLOZE
        else:
            if not note["back"].strip():
                raise ImportFileError(f"{name}:{line}: the Back field is empty; a quiz card needs an answer")
            short = note["kind"] == TYPED or as_type == "short"
            kind = CardType.SHORT if short else CardType.CARD
            card = (
                {"type": "short", "prompt": note["front"], "answer": note["back"]}
                if short
                else {"type": "card", "front": note["front"], "back": note["back"]}
            )
        guid = note["guid"]
        card_id = card_id_for_guid(deck_id, guid) if guid else content_id(kind, note["front"])
        if card_id != card_id.strip() or any(ord(ch) < 32 for ch in card_id):
            raise ImportFileError(
                f"{name}:{line}: the guid '{guid}' has spaces at its ends or control characters"
            )
        if card_id in seen:
            if guid:
                raise ImportFileError(f"{name}:{line}: the guid '{guid}' is also on line {seen[card_id]}")
            n = 2
            while f"{card_id}-{n}" in seen:
                n += 1
            card_id = f"{card_id}-{n}"
        seen[card_id] = line
        tags = [t for t in note["tags"] if t not in deck_tags]
        cards.append({"id": card_id, **card, **({"tags": tags} if tags else {})})
    # A reversed card's own note (reverse: true) is made again when the deck is read, not kept.
    flipped = {f"{c['id']}{REVERSE_SUFFIX}" for c in cards if c.get("reverse") is True}
    cards = [c for c in cards if c["id"] not in flipped]
    data: dict[str, Any] = {"deck": {"id": deck_id, "title": deck_title}, "cards": cards}
    if deck_tags:
        data["deck"]["tags"] = deck_tags
    if carried:
        meta = named[0] if named else carried[0]
        for key in ("description", "source", "tags", "grading", "steps"):
            if key in meta and key not in data["deck"]:
                data["deck"][key] = meta[key]
    from quiz.deckio.writer import deck_from_dict

    try:
        return deck_from_dict(data, name)
    except DeckError as err:
        problem = err.problems[0].message
        raise ImportFileError(f"{name}: the notes do not make a valid deck: {problem}") from None


#: The largest file ``quiz import`` reads (the size limit of a deck file), but for notes files.
MAX_BYTES = 64 * 1024 * 1024
#: The largest Anki notes file (or CSV) ``quiz import`` reads: 4 x the deck limit, as quiz's own
#: export of a deck at that limit is about 140 MB (the HTML and the hidden card data it carries).
MAX_NOTES_BYTES = 4 * MAX_BYTES


def read_import(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a file to import: a regular file of at most ``limit`` bytes (a FIFO, a
    device such as /dev/zero or a folder is refused before reading), else an ImportFileError."""
    from quiz.files import FileRefused, read_regular

    try:
        return read_regular(path, limit=limit, what="file to import")
    except FileRefused as err:
        raise ImportFileError(f"{path}: cannot be read ({err.reason}); check the path") from None


def read_anki_file(
    path: str | Path,
    *,
    as_type: Literal["card", "short"] = "card",
    deck_id: str | None = None,
    title: str | None = None,
    warnings: list[str] | None = None,
    progress: Progress | None = None,
) -> Deck:
    """A deck from an Anki notes file or a two-column CSV on disk (``warnings``, ``progress``: see
    :func:`read_anki`)."""
    with gc_held():  # a large file makes a great many objects and no cycle (quiz.deckio._gc)
        return read_anki(  # the text passed on, not kept here: read_anki lets it go when it is read
            decode(read_import(path, MAX_NOTES_BYTES), str(path)),
            str(path),
            as_type=as_type,
            deck_id=deck_id,
            title=title,
            warnings=warnings,
            progress=progress,
        )
