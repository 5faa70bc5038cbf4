"""Anki "Notes in Plain Text" export: one tab-separated file that Anki 26.9 imports exactly.

The layout follows what the real Anki accepts without guessing (docs/anki.md):
every ``#`` header Anki would otherwise guess, every cell quoted, HTML on with the
text escaped by us, and a stable guid per card so a re-export updates notes.
"""

from __future__ import annotations

import csv
import html
import io
import random
import re
import unicodedata

from ..errors import ExportError
from ..models import (
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
)

BASIC = "Basic"
TYPED = "Basic (type in the answer)"
CLOZE = "Cloze"
#: Card types that become "Basic (type in the answer)" notes with ``typed=True``.
TYPED_KINDS = (ShortCard, NumberCard, DateCard, BoolCard, ChoiceCard)
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
LETTERS = "abcdefghijklmnopqrstuvwxyz"
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


def letter(index: int) -> str:
    """``a`` for the first choice, ``b`` for the second, …; past ``z``, the number."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


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


def sides(card: Card, typed: bool = False) -> tuple[str, str]:
    """A card's two fields as plain text: Front and Back (cloze: Text and Back Extra)."""
    if isinstance(card, ClozeCard):
        extra = [card.explain] if card.explain else []
        if card.accept:
            # One alternate per line: an alternate may itself hold a comma.
            extra.extend(f"Also accepted for c{n}:" + "".join(f"\n- {x}" for x in a) for n, a in card.accept)
        return card.prompt, "\n\n".join(extra)
    if isinstance(card, FlashCard):
        return card.prompt, "\n\n".join(p for p in (card.back, card.explain) if p)
    front = [card.prompt]
    if isinstance(card, ChoiceCard | MultiCard):
        if isinstance(card, MultiCard):
            front.append("(Choose every right answer.)")
        front.append("\n".join(f"{letter(i)}) {c}" for i, c in enumerate(card.choices)))
    elif isinstance(card, OrderCard):
        front.append("Put in order:\n" + "\n".join(f"- {item}" for item in shown_order(card)))
    elif isinstance(card, BoolCard):
        front.append("True or false?")
    elif isinstance(card, NumberCard) and card.unit:
        front.append(f"(in {card.unit})")
    if typed and isinstance(card, TYPED_KINDS):
        # Anki compares the typed text with the whole Back field, so it holds the answer alone.
        return "\n\n".join(front), card.answer_text()
    back: list[str] = []
    if isinstance(card, ChoiceCard):
        back.append(f"{letter(card.choices.index(card.answer))}) {card.answer}")
    elif isinstance(card, MultiCard):
        back.append("\n".join(f"{letter(card.choices.index(a))}) {a}" for a in card.answers))
    elif isinstance(card, OrderCard):
        back.append("\n".join(f"{i}. {item}" for i, item in enumerate(card.items, start=1)))
    elif isinstance(card, BoolCard):
        back.append("True" if card.answer else "False")
    elif isinstance(card, NumberCard):
        back.append(number_answer(card))
    else:
        back.append(card.answer_text())
    if isinstance(card, ShortCard) and card.accept:
        back.append("Also accepted:\n" + "\n".join(f"- {x}" for x in card.accept))
    if card.explain:
        back.append(card.explain)
    return "\n\n".join(front), "\n\n".join(back)


def notetype(card: Card, typed: bool = False) -> str:
    """The Anki notetype a card becomes."""
    if isinstance(card, ClozeCard):
        return CLOZE
    if typed and isinstance(card, TYPED_KINDS):
        return TYPED
    return BASIC


def to_html(text: str) -> str:
    """Plain text as an Anki field with ``#html:true``: NFC, ``& < >`` escaped, line breaks as ``<br>``."""
    escaped = html.escape(nfc(text), quote=False)
    if "\n" not in escaped and "\r" not in escaped:
        return escaped
    return _LINE_BREAK.sub("<br>", escaped)


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
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return sorted(seen.values(), key=lambda t: (t.casefold(), t))


def _tag_cell(cache: dict[tuple[tuple[str, ...], str], str], deck: Deck, card: Card) -> str:
    """The tags cell of a card's row (:func:`note_tags`), remembered per (card tags, type) of one deck."""
    key = (card.tags, card.kind.value)
    cell = cache.get(key)
    if cell is None:
        cell = cache[key] = " ".join(note_tags(deck, card))
    return cell


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


def rows(deck: Deck, *, typed: bool = False, name: str | None = None) -> list[list[str]]:
    """The data rows of the export (no header), one per card, in deck order."""
    target = deck_name(deck, name)
    out: list[list[str]] = []
    seen: dict[str, str] = {}
    # Cards share a few tag sets: clean and sort each set once, not once per card.
    tag_cells: dict[tuple[tuple[str, ...], str], str] = {}
    for card in deck.cards:
        guid = note_guid(deck.id, card.id)
        if guid in seen:
            raise ExportError(
                f"cards '{seen[guid]}' and '{card.id}' would get the same Anki guid '{guid}'; rename one"
            )
        seen[guid] = card.id
        front, back = sides(card, typed)
        out.append(
            [
                guid,
                notetype(card, typed),
                target,
                to_html(front),
                to_html(back),
                _tag_cell(tag_cells, deck, card),
            ]
        )
    # Anki makes a duplicate deck ("Sci+") when a parent's row follows its subdeck's.
    if any(r[2] != target for r in out):
        out.sort(key=lambda r: r[2].split("::"))
    return out


def export_anki(deck: Deck, *, typed: bool = False, name: str | None = None) -> str:
    """The deck as an Anki import file (tab-separated, every header Anki reads, every cell quoted)."""
    buf = io.StringIO()
    buf.write(HEADER)
    writer = csv.writer(buf, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(rows(deck, typed=typed, name=name))
    return buf.getvalue()
