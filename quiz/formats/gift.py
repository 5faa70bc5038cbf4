"""Moodle GIFT export for instructors: one question per card (cloze: one per gap number)."""

from __future__ import annotations

import base64
import json
import re

from quiz.formats.anki import PROGRESS_EVERY, Progress, deck_data, nfc
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
from quiz.model.cloze import CLOZE_RE, gaps

#: JSON with no spaces and text as it is (the comment's card data).
COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: Card types GIFT has no question for; they are left out with a ``//`` comment.
SKIPPED = ("order", "card")


def escape(text: str) -> str:
    """Text with GIFT's special characters (``~ = # { } :`` and ``\\``) escaped and line breaks as ``\\n``."""
    out = re.sub(r"([\\~=#{}:])", r"\\\1", nfc(text))
    return re.sub(r"\r\n|\r|\n", r"\\n", out)


def escape_answer(text: str) -> str:
    """A short answer escaped as :func:`escape`, and ``*`` as ``\\*``: Moodle reads a bare ``*`` in a
    short answer as a wildcard (any text), ``\\*`` as the character itself."""
    return escape(text).replace("*", "\\*")


def _number(value: float) -> str:
    return f"{value:.10g}"


def _weight(share: float) -> str:
    return f"{share:.5f}".rstrip("0").rstrip(".")


def _feedback(card: Card) -> str:
    return f"####{escape(card.explain)}" if card.explain else ""


def questions_of(card: AnyCard) -> list[str]:
    """The GIFT questions for one card (none for types GIFT cannot ask)."""
    title = f"::{escape(card.id)}::"
    fb = _feedback(card)
    match card:
        case ShortCard():
            alts = " ".join(f"={escape_answer(a)}" for a in (card.answer, *card.accept))
            return [f"{title}{escape(card.prompt)}{{{alts}{fb}}}"]
        case DateCard():
            alts = " ".join(
                f"={escape_answer(a)}" for a in dict.fromkeys((card.answer.human(), card.answer.iso()))
            )
            return [f"{title}{escape(card.prompt)}{{{alts}{fb}}}"]
        case ChoiceCard():
            opts = " ".join(f"{'=' if c == card.answer else '~'}{escape(c)}" for c in card.choices)
            return [f"{title}{escape(card.prompt)}{{{opts}{fb}}}"]
        case MultiCard():
            right = _weight(100 / len(card.answers))
            opts = " ".join(f"~%{right if c in card.answers else '-100'}%{escape(c)}" for c in card.choices)
            return [f"{title}{escape(card.prompt)}{{{opts}{fb}}}"]
        case BoolCard():
            return [f"{title}{escape(card.prompt)}{{{'TRUE' if card.answer else 'FALSE'}{fb}}}"]
        case NumberCard():
            tol = card.tolerance * abs(card.answer) / 100 if card.tolerance_percent else card.tolerance
            prompt = f"{card.prompt} (in {card.unit})" if card.unit else card.prompt
            margin = f":{_number(tol)}" if tol else ""
            return [f"{title}{escape(prompt)}{{#{_number(card.answer)}{margin}{fb}}}"]
        case ClozeCard():
            return _cloze(card)
        case OrderCard() | FlashCard():
            return []  # SKIPPED
        case _:
            assert_never(card)


def _cloze(card: ClozeCard) -> list[str]:
    """One missing-word question per gap number; the other gaps are shown filled in."""
    accept = dict(card.accept)
    out: list[str] = []
    for number in sorted({g.number for g in gaps(card.prompt)}):
        done = False

        def fill(m: re.Match[str], number: int = number) -> str:
            nonlocal done
            if int(m.group(1)) != number:
                return escape(m.group(2))
            if done:
                return "[...]"
            done = True
            alts = " ".join(f"={escape_answer(a)}" for a in (m.group(2), *accept.get(number, ())))
            return f"{{{alts}{_feedback(card)}}}"

        pieces: list[str] = []
        pos = 0
        for m in CLOZE_RE.finditer(card.prompt):
            pieces.append(escape(card.prompt[pos : m.start()]))
            pieces.append(fill(m))
            pos = m.end()
        pieces.append(escape(card.prompt[pos:]))
        out.append(f"::{escape(card.id)} c{number}::{''.join(pieces)}")
    return out


def moodle_comment(idnumber: str, tags: tuple[str, ...]) -> str:
    """Moodle's comment that gives a question its ID number and tags (``// [id:capital] [tag:geo]``),
    which Moodle's GIFT import reads and its export writes: the card id survives a trip through Moodle."""

    def token(kind: str, text: str) -> str:
        return f"[{kind}:" + " ".join(text.split()).replace("]", "\\]") + "]"

    return "// " + " ".join([token("id", idnumber), *(token("tag", t) for t in tags)])


def card_comment(meta: str, deck: Deck, card: AnyCard) -> str:
    """The ``// quiz:1:...`` comment that carries the card and its deck's whole metadata (``meta``,
    its JSON): Moodle ignores it, ``quiz import`` reads it."""
    from quiz.deckio.writer import card_to_dict

    raw = f'{{"deck":{meta},"card":{COMPACT_JSON.encode(card_to_dict(card, deck.grading))}}}'.encode()
    return "// quiz:1:" + base64.b64encode(raw).decode("ascii")


def export_gift(deck: Deck, progress: Progress | None = None) -> str:
    """The deck as a GIFT file: a ``$CATEGORY`` line, then questions separated by blank lines;
    ``progress(done, total)``, if given, is told every ``PROGRESS_EVERY`` cards."""
    meta = COMPACT_JSON.encode(deck_data(deck))
    blocks = [
        f"// {' '.join(nfc(deck.title).split())} ({deck.id}), exported by quiz",
        f"$CATEGORY: {escape(deck.title)}",
    ]
    total = len(deck.cards)
    for n, card in enumerate(deck.cards):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, total)
        questions = questions_of(card)
        blocks.append(card_comment(meta, deck, card))
        if not questions:
            what = "flashcard" if card.kind.value == "card" else f"{card.kind.value} card"
            blocks.append(f"// skipped {what} '{card.id}': GIFT has no such question")
        for i, question in enumerate(questions, start=1):
            idnumber = card.id if len(questions) == 1 else f"{card.id}-c{i}"
            blocks.append(f"{moodle_comment(idnumber, card.tags)}\n{question}")
    if progress is not None:
        progress(total, total)
    return "\n\n".join(blocks) + "\n"


def skipped(deck: Deck) -> list[Card]:
    """The cards :func:`export_gift` leaves out (order and flashcards)."""
    return [c for c in deck.cards if c.kind.value in SKIPPED]
