"""Plain exports: two-column CSV (question, answer) for other flashcard tools, and lossless JSON."""

from __future__ import annotations

import json

from quiz.csvsafe import csv_text
from quiz.deckio.writer import deck_to_dict
from quiz.formats.anki import PROGRESS_EVERY, Progress, nfc, sides
from quiz.model import ClozeCard, Deck
from quiz.model.cloze import blanked, revealed


def export_csv(deck: Deck, *, raw: bool = False, progress: Progress | None = None) -> str:
    """One ``question,answer`` row per card, no title row, plain text with line breaks kept.

    Cells a spreadsheet would run as formulas are neutralised unless ``raw`` (:mod:`quiz.csvsafe`).
    ``progress(done, total)``, if given, is told every ``PROGRESS_EVERY`` cards.
    """
    rows = []
    total = len(deck.cards)
    for n, card in enumerate(deck.cards):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, total)
        if isinstance(card, ClozeCard):
            question = blanked(card.prompt)
            answer = "\n\n".join(p for p in (revealed(card.prompt), sides(card)[1]) if p)
        else:
            question, answer = sides(card)
        rows.append([nfc(question), nfc(answer)])
    if progress is not None:
        progress(total, total)
    return csv_text(rows, raw=raw)


def export_json(deck: Deck) -> str:
    """The whole deck as JSON in the YAML format's own shape (``deck_from_dict`` reads it back equal)."""
    return json.dumps(deck_to_dict(deck), ensure_ascii=False, indent=2) + "\n"


def read_json_deck(text: str, name: str) -> Deck:
    """A deck from the JSON ``quiz export --format json`` writes; problems at ``file:line:col``."""
    import json

    from quiz.deckio import parse
    from quiz.errors import ImportFileError
    from quiz.files import JSONRefused, parse_json

    try:
        data = parse_json(text, max_depth=64)
    except json.JSONDecodeError as err:
        raise ImportFileError(f"{name}:{err.lineno}:{err.colno}: not valid JSON ({err.msg})") from None
    except JSONRefused as err:
        raise ImportFileError(f"{name}: {err} (not a deck)") from None
    if isinstance(data, dict) and data.get("format") == "quiz-result":
        raise ImportFileError(
            f"{name}: this is a learner's result file, not a deck (read it with 'quiz report {name}')"
        )
    if not isinstance(data, dict) or not isinstance(data.get("deck"), dict) or "cards" not in data:
        raise ImportFileError(
            f"{name}: not a quiz deck in JSON: it needs 'deck' and 'cards' "
            "(the shape 'quiz export --format json' writes)"
        )
    return parse(text, name)  # JSON is YAML: the deck loader checks it and names line and column
