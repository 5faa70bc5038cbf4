"""Anki "Notes in Plain Text" export: one tab-separated file that Anki 26.9 imports exactly.

The layout follows what the real Anki accepts without guessing (docs/anki.md):
every ``#`` header Anki would otherwise guess, every cell quoted, HTML on with the
text escaped by us, and a stable guid per card so a re-export updates notes.
"""

from __future__ import annotations

import binascii
import contextlib
import functools
import io
import random
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from quiz import forked
from quiz.errors import ExportError
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
    letter,
)

BASIC = "Basic"
TYPED = "Basic (type in the answer)"
CLOZE = "Cloze"
#: The tag that names a card's quiz type; a card that already has one keeps it.
TYPE_TAG_PREFIX = "quiz::type::"
#: Card ids that came from a note made in Anki: the rest of the id is that note's guid.
ANKI_ID_PREFIX = "anki:"
GUID_PREFIX = "quiz:"
COLUMNS = ("guid", "notetype", "deck", "field 1", "field 2", "tags")
HEADER = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
    "#if matches:update current\n"
    "#columns:" + "\t".join(COLUMNS) + "\n"
)
#: The quiz card itself rides in the note's last field as an HTML comment, which Anki stores, exports
#: and never shows (its renderer and its typed-answer comparison strip comments): docs/anki.md.
#: Version 2: the deck's whole metadata rides on the file's first note only (version 1, still read,
#: carried it on every note).
DATA_OPEN = "<!--quiz:2:"
DATA_CLOSE = "-->"
#: The parts of the deck's metadata every note carries (they change how its card is asked), so that
#: deleting the file's first note in Anki loses only the deck's title, description and source.
EVERY_NOTE = ("tags", "grading", "steps")
#: Exports report their progress every this many cards.
PROGRESS_EVERY = 1000
#: ``progress(done, total)``: how many cards an export has done.
Progress = Callable[[int, int], None]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, the form Anki stores."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def note_guid(deck_id: str, card_id: str) -> str:
    """The Anki guid of a card: ``quiz:<deck id>:<card id>``, or the guid an ``anki:`` id carries."""
    if card_id.startswith(ANKI_ID_PREFIX) and len(card_id) > len(ANKI_ID_PREFIX):
        return nfc(card_id[len(ANKI_ID_PREFIX) :])
    return nfc(f"{GUID_PREFIX}{deck_id}:{card_id}")


def card_id_for_guid(deck_id: str, guid: str) -> str:
    """The card id that :func:`note_guid` turns back into ``guid`` for a deck with ``deck_id``."""
    prefix = f"{GUID_PREFIX}{deck_id}:"
    rest = guid[len(prefix) :]
    if guid.startswith(prefix) and _usable_id(rest) and not rest.startswith(ANKI_ID_PREFIX):
        return rest
    return ANKI_ID_PREFIX + guid


def _usable_id(text: str) -> bool:
    return bool(text) and text == text.strip() and not any(ord(ch) < 32 for ch in text)


def shown_order(card: OrderCard) -> list[str]:
    """The items of an order card as the front lists them: shuffled by the card id, never solved."""
    items = list(card.items)
    random.Random(f"{card.id}\0{len(items)}").shuffle(items)
    if items == list(card.items) and len(items) > 1:
        items = items[1:] + items[:1]
    return items


def number_answer(card: NumberCard) -> str:
    """The answer of a number card with its tolerance, e.g. ``1,200 km (±5%)``."""
    text = card.answer_text()
    if card.tolerance or card.tolerance_percent:
        tol = f"{card.tolerance:g}{'%' if card.tolerance_percent else ''}"
        text += f" (±{tol})"
    return text


def _choice_front(card: ChoiceCard | MultiCard, front: list[str]) -> str:
    front.append("\n".join([f"{letter(i)}) {c}" for i, c in enumerate(card.choices)]))
    return "\n\n".join(front)


def _back(parts: list[str], explain: str) -> str:
    if explain:
        parts.append(explain)
    return "\n\n".join(parts)


def _short_sides(card: ShortCard, typed: bool) -> tuple[str, str]:
    if typed:
        return card.prompt, card.answer
    if card.accept:
        extra = "Also accepted:\n" + "\n".join([f"- {x}" for x in card.accept])
        return card.prompt, _back([card.answer, extra], card.explain)
    return card.prompt, (f"{card.answer}\n\n{card.explain}" if card.explain else card.answer)


def _choice_sides(card: ChoiceCard, typed: bool) -> tuple[str, str]:
    front = _choice_front(card, [card.prompt])
    if typed:
        return front, card.answer
    return front, _back([f"{letter(card.choices.index(card.answer))}) {card.answer}"], card.explain)


def _multi_sides(card: MultiCard, typed: bool) -> tuple[str, str]:
    front = _choice_front(card, [card.prompt, "(Choose every right answer.)"])
    back = "\n".join([f"{letter(card.choices.index(a))}) {a}" for a in card.answers])
    return front, _back([back], card.explain)


def _order_sides(card: OrderCard, typed: bool) -> tuple[str, str]:
    front = card.prompt + "\n\nPut in order:\n" + "\n".join([f"- {item}" for item in shown_order(card)])
    back = "\n".join([f"{i}. {item}" for i, item in enumerate(card.items, start=1)])
    return front, _back([back], card.explain)


#: A prompt that already asks for true or false ("True or false: ...") is not asked it again.
_ASKS_TRUE_OR_FALSE = re.compile(r"\b(?:true\s+or\s+false|false\s+or\s+true)\b", re.IGNORECASE)


def _bool_sides(card: BoolCard, typed: bool) -> tuple[str, str]:
    asks = _ASKS_TRUE_OR_FALSE.search(card.prompt)
    front = card.prompt if asks else card.prompt + "\n\nTrue or false?"
    if typed:
        return front, card.answer_text()
    return front, _back(["True" if card.answer else "False"], card.explain)


def _number_sides(card: NumberCard, typed: bool) -> tuple[str, str]:
    front = f"{card.prompt}\n\n(in {card.unit})" if card.unit else card.prompt
    if typed:
        return front, card.answer_text()
    return front, _back([number_answer(card)], card.explain)


def _date_sides(card: DateCard, typed: bool) -> tuple[str, str]:
    answer = card.answer_text()
    if typed:
        return card.prompt, answer
    return card.prompt, (f"{answer}\n\n{card.explain}" if card.explain else answer)


def _cloze_sides(card: ClozeCard, typed: bool) -> tuple[str, str]:
    extra = [card.explain] if card.explain else []
    if card.accept:
        # One alternate per line: an alternate may itself hold a comma.
        extra.extend(f"Also accepted for c{n}:" + "".join(f"\n- {x}" for x in a) for n, a in card.accept)
    return card.prompt, "\n\n".join(extra)


def _flash_sides(card: FlashCard, typed: bool) -> tuple[str, str]:
    return card.prompt, "\n\n".join(p for p in (card.back, card.explain) if p)


Sides = Callable[[Any, bool], tuple[str, str]]


def _sides_of(card: AnyCard) -> Sides:
    """The function that makes the two fields of a card of this class (the same for every card of it)."""
    match card:
        case ShortCard():
            return _short_sides
        case ChoiceCard():
            return _choice_sides
        case MultiCard():
            return _multi_sides
        case OrderCard():
            return _order_sides
        case BoolCard():
            return _bool_sides
        case NumberCard():
            return _number_sides
        case DateCard():
            return _date_sides
        case ClozeCard():
            return _cloze_sides
        case FlashCard():
            return _flash_sides
        case _:
            assert_never(card)


def sides(card: AnyCard, typed: bool = False) -> tuple[str, str]:
    """A card's two fields as plain text: Front and Back (cloze: Text and Back Extra)."""
    return _sides_of(card)(card, typed)


def notetype(card: AnyCard, typed: bool = False) -> str:
    """The Anki notetype a card becomes: with ``typed``, a card answered by typing a short text
    becomes "Basic (type in the answer)"."""
    match card:
        case ClozeCard():
            return CLOZE
        case ShortCard() | NumberCard() | DateCard() | BoolCard() | ChoiceCard():
            return TYPED if typed else BASIC
        case MultiCard() | OrderCard() | FlashCard():
            return BASIC
        case _:
            assert_never(card)


def to_html(text: str) -> str:
    """Plain text as an Anki field with ``#html:true``: NFC, ``& < >`` escaped, line breaks as ``<br>``."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # Most fields hold none of these: the `in` tests are far cheaper than the replacements.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        return _LINE_BREAK.sub("<br>", text)
    if "\n" in text:
        return text.replace("\n", "<br>")
    return text


@functools.lru_cache(maxsize=4096)
def tag_text(tag: str) -> str:
    """One tag as Anki can store it: NFC, whitespace runs (Anki's tag separator) as ``_``."""
    return _SPACES.sub("_", nfc(tag).strip())


def note_tags(deck: Deck, card: Card) -> list[str]:
    """Deck, card and type tags, cleaned, without case-insensitive repeats, sorted as Anki does."""
    tags = [*deck.tags, *card.tags]
    if not any(t.startswith(TYPE_TAG_PREFIX) for t in tags):
        tags.append(TYPE_TAG_PREFIX + card.kind.value)
    seen: dict[str, str] = {}
    for tag in tags:
        clean = tag_text(tag)
        key = clean.casefold()
        if clean and key not in seen:
            seen[key] = clean
    return [seen[key] for key in sorted(seen)]  # the keys differ, so no tie to break


def deck_name(deck: Deck, override: str | None = None) -> str:
    """The Anki deck name: ``override`` or the title, ``::`` parts trimmed; never empty or all digits."""
    raw = override if override is not None else deck.title or deck.id
    parts = [" ".join(nfc(p).split()) for p in raw.split("::")]
    if any(not p for p in parts):
        raise ExportError(
            f"the Anki deck name '{raw}' has an empty part between '::' (Anki would call it 'blank'); "
            "pass --deck-name with a name like 'Parent::Child'"
        )
    name = "::".join(parts)
    if name.isdigit():
        raise ExportError(
            f"the Anki deck name '{name}' is only digits, which Anki reads as a deck id; "
            f"pass --deck-name, e.g. 'Quiz::{name}'"
        )
    return name


def deck_data(deck: Deck) -> dict[str, Any]:
    """The deck's metadata the hidden card data carries: id, title, description, source, tags,
    grading policy, learning steps."""
    from quiz.deckio.writer import deck_to_dict

    meta: dict[str, Any] = deck_to_dict(replace(deck, cards=()))["deck"]
    return meta


def _deck_parts(deck: Deck) -> tuple[bytes, bytes]:
    """The JSON of the deck's metadata as the first note carries it (all of it) and as every other
    note does (only :data:`EVERY_NOTE`; empty when the deck has none of them)."""
    import orjson

    meta = deck_data(deck)
    some = {k: meta[k] for k in EVERY_NOTE if k in meta}
    return orjson.dumps(meta), (orjson.dumps(some) if some else b"")


Row = tuple[str, str, str, str, str, str]


def _row_maker(deck: Deck, *, typed: bool, name: str | None) -> tuple[int, Callable[[int, AnyCard], Row]]:
    """How many rows the export has, and the function that makes row ``n`` (of card ``n``); a bad
    deck name or two cards with one guid are refused here, before a row is made.

    The first row's hidden data carries the deck's whole metadata, every other row's only the
    parts of it that change how its card is asked (:data:`EVERY_NOTE`)."""
    import orjson

    from quiz.deckio.writer import card_to_dict

    target = deck_name(deck, name)
    first, every = _deck_parts(deck)
    prefix = f"{GUID_PREFIX}{deck.id}:"
    guids: list[str] = []
    for card_id in deck.card_ids():  # the ids alone: no card of a cached deck is built for this
        if card_id.startswith(ANKI_ID_PREFIX):
            guids.append(note_guid(deck.id, card_id))
        else:
            guid = prefix + card_id
            guids.append(guid if guid.isascii() else unicodedata.normalize("NFC", guid))
    if len(set(guids)) != len(guids):
        _refuse_repeated_guid(deck, guids)
    # Per card class, computed once: the side builder and the notetype; per (tags, class): the tags cell.
    per_class: dict[type[Card], tuple[Sides, str]] = {}
    tag_cells: dict[tuple[tuple[str, ...], type[Card]], str] = {}
    grading = deck.grading
    # orjson: the same JSON as the json module's, made several times faster (it is most of the work).
    dumps = orjson.dumps
    b64 = binascii.b2a_base64  # base64.b64encode without its Python wrapper
    head = b'{"deck":' + first + b',"card":'
    rest = b'{"deck":' + every + b',"card":' if every else b'{"card":'

    def make(n: int, card: AnyCard) -> Row:
        cls = type(card)
        known = per_class.get(cls)
        if known is None:
            known = per_class[cls] = (_sides_of(card), notetype(card, typed))
        front, back = known[0](card, typed)
        key = (card.tags, cls)
        cell = tag_cells.get(key)
        if cell is None:
            cell = tag_cells[key] = " ".join(note_tags(deck, card))
        raw = (rest if n else head) + dumps(card_to_dict(card, grading)) + b"}"
        data = DATA_OPEN + b64(raw, newline=False).decode("ascii") + DATA_CLOSE
        return guids[n], known[1], target, to_html(front), to_html(back) + data, cell

    return len(guids), make


def rows(
    deck: Deck, *, typed: bool = False, name: str | None = None, progress: Progress | None = None
) -> Iterator[Row]:
    """The data rows of the export (no header), one per card, in deck order, made as they are
    asked for; ``progress(done, total)``, if given, is told every :data:`PROGRESS_EVERY` cards."""
    total, make = _row_maker(deck, typed=typed, name=name)
    for n, card in enumerate(deck.cards):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, total)
        yield make(n, card)
    if progress is not None:
        progress(total, total)


def _refuse_repeated_guid(deck: Deck, guids: list[str]) -> None:
    """Raise the error for the first card whose guid an earlier card already has."""
    seen: dict[str, str] = {}
    for guid, card_id in zip(guids, deck.card_ids(), strict=True):
        if guid in seen:
            raise ExportError(
                f"cards '{seen[guid]}' and '{card_id}' would get the same Anki guid '{guid}'; rename one"
            )
        seen[guid] = card_id


def quoted_line(cells: tuple[str, ...]) -> str:
    """One row of the file: every cell in quotes, a quote inside written twice, cells separated by
    tabs; exactly what ``csv.writer(delimiter="\\t", quoting=csv.QUOTE_ALL, lineterminator="\\n")``
    writes (tested), in a fraction of its time (the hidden data is most of the bytes and has no quote)."""
    return '"' + '"\t"'.join([c.replace('"', '""') if '"' in c else c for c in cells]) + '"\n'


#: A deck of this many cards is exported by two processes (:func:`write_anki`).
PARALLEL_FROM = 20_000
#: The share of the rows (in percent) the process that writes the file makes itself (the child,
#: which starts a moment later and writes a temporary file, was the last to finish at 47 %).
SHARE = 50
#: Rows are made, joined and written this many at a time.
_CHUNK = PROGRESS_EVERY


def _chunks(deck: Deck, make: Callable[[int, AnyCard], Row], start: int, stop: int) -> Iterator[bytes]:
    """The file's bytes for the rows of cards ``start`` to ``stop``, :data:`_CHUNK` rows at a time."""
    cards = deck.cards
    for lo in range(start, stop, _CHUNK):
        hi = min(lo + _CHUNK, stop)
        lines = [quoted_line(make(n, card)) for n, card in zip(range(lo, hi), cards[lo:hi], strict=True)]
        yield "".join(lines).encode("utf-8")


def write_anki(
    deck: Deck,
    out: BinaryIO,
    *,
    typed: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
    parallel_from: int | None = PARALLEL_FROM,
) -> None:
    """Write the deck as an Anki import file (UTF-8) to ``out``: tab-separated, every header Anki
    reads, every cell quoted, the rows as they are made; ``progress`` as for :func:`rows`.

    A deck of ``parallel_from`` cards or more (None: never) is shared with a forked child, which
    makes the rows of the second half (building only those cards of a cached deck) into an
    unnamed temporary file while this process writes the first; its bytes follow. If the child
    fails, this process makes them itself; the file is the same either way."""
    total, make = _row_maker(deck, typed=typed, name=name)
    out.write(HEADER.encode("utf-8"))
    with contextlib.ExitStack() as stack:
        mid, collect = total, None
        if parallel_from is not None and total >= max(parallel_from, 2) and forked.can_fork():
            # The child's rows go to an unnamed file of their own, copied after this process's:
            # neither process holds half the file in memory, nor is it pickled through a pipe.
            mid = total * SHARE // 100 // _CHUNK * _CHUNK or total // 2

            def theirs() -> int:
                for chunk in _chunks(deck, make, mid, total):
                    spill.write(chunk)
                spill.flush()
                return spill.tell()

            try:
                spill = stack.enter_context(tempfile.TemporaryFile(prefix="quiz-export-"))
                collect = forked.start(theirs)
            except OSError:  # no temporary file or no process to spare: this one makes every row
                mid = total
        try:
            for n, chunk in zip(range(0, mid, _CHUNK), _chunks(deck, make, 0, mid), strict=True):
                if progress is not None:
                    progress(n, total)
                out.write(chunk)
        except BaseException:
            if collect is not None:
                collect(cancel=True)
            raise
        written = collect() if collect is not None else None
        if written is not None:
            spill.seek(0)
            shutil.copyfileobj(spill, out, 1 << 20)
        else:
            for chunk in _chunks(deck, make, mid, total):
                out.write(chunk)
    if progress is not None:
        progress(total, total)


def export_anki(
    deck: Deck, *, typed: bool = False, name: str | None = None, progress: Progress | None = None
) -> str:
    """The text :func:`write_anki` writes."""
    buf = io.BytesIO()
    write_anki(deck, buf, typed=typed, name=name, progress=progress)
    return buf.getvalue().decode("utf-8")
