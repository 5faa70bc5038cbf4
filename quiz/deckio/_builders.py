"""One builder per card type: the fields special to it, checked and converted (``_cards`` reads
the ones every card shares). ``BUILDERS`` names one for every :class:`CardType`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quiz.model import CardType, assert_never
from quiz.model.cloze import gaps
from quiz.model.variants import FROM_DECK

from ._fields import ISO_DATE_RE, Reader, parse_key_date, parse_key_number
from ._yaml import Field, clip

Builder = Callable[[Reader, dict[str, Field], str], "dict[str, Any] | None"]


def _prompt(r: Reader, fields: dict[str, Field], what: str, key: str = "prompt") -> str | None:
    return r.text(fields[key], what)


def _short(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    answer = r.text(fields["answer"], what)
    accept = r.text_list(fields["accept"], what) if "accept" in fields else []
    person = r.boolean(fields["person"], what) if "person" in fields else False
    reverse = r.boolean(fields["reverse"], what) if "reverse" in fields else False
    if prompt is None or answer is None or accept is None or person is None or reverse is None:
        return None
    out = {"prompt": prompt, "answer": answer, "accept": tuple(t for t, _ in accept), "person": person}
    if reverse:
        out["reverse"] = True
    return out


def _choices(r: Reader, fields: dict[str, Field], what: str) -> tuple[str, ...] | None:
    items = r.text_list(fields["choices"], what, min_items=2, single=False)
    if items is None:
        return None
    seen: dict[str, Any] = {}
    for text, node in items:
        key = " ".join(text.split()).casefold()
        if key in seen:
            r.error(
                node,
                f"{what}: the choice '{clip(text)}' is listed twice",
                "choices must differ by more than case and spacing",
            )
            return None
        seen[key] = node
    return tuple(t for t, _ in items)


def _find_choice(choices: tuple[str, ...], text: str) -> str | None:
    key = " ".join(text.split()).casefold()
    for choice in choices:
        if " ".join(choice.split()).casefold() == key:
            return choice
    return None


def _drawn(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    """A choice card whose wrong choices are drawn from its siblings (the deck fills them in)."""
    prompt = _prompt(r, fields, what)
    how = r.text(fields["distractors"], what)
    answer = r.text(fields["answer"], what)
    shuffle = r.boolean(fields["shuffle"], what) if "shuffle" in fields else True
    if how is not None and how.strip() != FROM_DECK:
        hint = "or list the choices under 'choices'"
        r.error(fields["distractors"].node, f"{what}: 'distractors' can only be '{FROM_DECK}'", hint)
        return None
    if "choices" in fields:
        r.error(
            fields["choices"].node,
            f"{what}: 'choices' and 'distractors: {FROM_DECK}' do not go together",
            "list the choices, or let them be drawn from the other cards' answers",
        )
        return None
    if prompt is None or answer is None or shuffle is None or how is None:
        return None
    drawn = {"choices": (answer,), "distractors": FROM_DECK}  # the deck draws the other choices
    return {"prompt": prompt, "answer": answer, "shuffle": shuffle, **drawn}


def _choice(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    if "distractors" in fields:
        return _drawn(r, fields, what)
    prompt = _prompt(r, fields, what)
    choices = _choices(r, fields, what)
    answer = r.text(fields["answer"], what)
    shuffle = r.boolean(fields["shuffle"], what) if "shuffle" in fields else True
    if prompt is None or choices is None or answer is None or shuffle is None:
        return None
    match = _find_choice(choices, answer)
    if match is None:
        r.error(
            fields["answer"].node,
            f"{what}: the answer '{clip(answer)}' is not one of the choices",
            "copy the right choice's text into 'answer'",
        )
        return None
    return {"prompt": prompt, "choices": choices, "answer": match, "shuffle": shuffle}


def _multi(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    choices = _choices(r, fields, what)
    answers = r.text_list(fields["answer"], what, min_items=1)
    shuffle = r.boolean(fields["shuffle"], what) if "shuffle" in fields else True
    if prompt is None or choices is None or answers is None or shuffle is None:
        return None
    found: list[str] = []
    for text, node in answers:
        match = _find_choice(choices, text)
        if match is None:
            r.error(
                node,
                f"{what}: the answer '{clip(text)}' is not one of the choices",
                "copy the right choices' texts into 'answer'",
            )
            return None
        if match in found:
            r.error(node, f"{what}: the answer '{clip(text)}' is listed twice", "list each right choice once")
            return None
        found.append(match)
    ordered = tuple(c for c in choices if c in found)
    return {"prompt": prompt, "choices": choices, "answers": ordered, "shuffle": shuffle}


def _bool(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    answer = r.boolean(fields["answer"], what)
    if prompt is None or answer is None:
        return None
    return {"prompt": prompt, "answer": answer}


def _number(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    answer = r.number(fields["answer"], what)
    tolerance, percent = 0.0, False
    if "tolerance" in fields:
        f = fields["tolerance"]
        written = r.text(f, what)
        if written is None:
            return None
        raw = written.strip()
        if raw.endswith("%"):
            percent = True
            raw = raw[:-1]
        value = parse_key_number(raw) if raw else None
        if value is None or value < 0:
            r.error(
                f.node,
                f"{what}: 'tolerance' must be a number ≥ 0 or a percentage",
                f"found '{clip(written)}'; write e.g. 5 or 10%",
            )
            return None
        tolerance = value
    unit = (r.text(fields["unit"], what) or "").strip() if "unit" in fields else ""
    if prompt is None or answer is None:
        return None
    return {
        "prompt": prompt,
        "answer": answer,
        "tolerance": tolerance,
        "tolerance_percent": percent,
        "unit": unit,
    }


def _date(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    raw = r.text(fields["answer"], what)
    if prompt is None or raw is None:
        return None
    value = parse_key_date(raw)
    if value is None and ISO_DATE_RE.match(raw.strip()):
        r.error(
            fields["answer"].node,
            f"{what}: the date '{clip(raw)}' does not exist",
            "months run from 01 to 12 and days to the end of the month",
        )
        return None
    if value is None:
        r.error(
            fields["answer"].node,
            f"{what}: the date '{clip(raw)}' is not a valid date",
            "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-02",
        )
        return None
    return {"prompt": prompt, "answer": value}


def _cloze(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    text = _prompt(r, fields, what, "text")
    if text is None:
        return None
    found = gaps(text)
    if not found:
        r.error(
            fields["text"].node,
            f"{what}: the cloze text has no deletion",
            "mark the hidden part as {{c1::answer}}",
        )
        return None
    for gap in found:
        if not gap.answer.strip():
            r.error(
                fields["text"].node,
                f"{what}: deletion c{gap.number} is empty",
                "write the hidden text inside it",
            )
            return None
    accept: list[tuple[int, tuple[str, ...]]] = []
    if "accept" in fields:
        numbers = sorted({f"c{g.number}" for g in found}, key=lambda k: int(k[1:]))

        def no_gap(key: str) -> tuple[str, str]:
            return (
                f"{what}: accept: '{clip(key)}' is not a deletion in the text",
                "the text has " + ", ".join(numbers),
            )

        mapping = r.mapping(fields["accept"].node, f"{what}: accept", numbers, no_gap)
        if mapping is None:
            return None
        for key, f in mapping.items():
            items = r.text_list(f, what)
            if items is None:
                return None
            accept.append((int(key[1:]), tuple(t for t, _ in items)))
    return {"prompt": text, "accept": tuple(sorted(accept))}


def _order(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    prompt = _prompt(r, fields, what)
    items = r.text_list(fields["items"], what, min_items=2, single=False)
    if prompt is None or items is None:
        return None
    return {"prompt": prompt, "items": tuple(t for t, _ in items)}


def _flash(r: Reader, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
    front = _prompt(r, fields, what, "front")
    back = r.text(fields["back"], what)
    reverse = r.boolean(fields["reverse"], what) if "reverse" in fields else False
    if front is None or back is None or reverse is None:
        return None
    return {"prompt": front, "back": back, "reverse": True} if reverse else {"prompt": front, "back": back}


def _builder(kind: CardType) -> Builder:
    """The builder of one card type: a ``match`` that mypy checks names every type."""
    match kind:
        case CardType.SHORT:
            return _short
        case CardType.CHOICE:
            return _choice
        case CardType.MULTI:
            return _multi
        case CardType.BOOL:
            return _bool
        case CardType.NUMBER:
            return _number
        case CardType.DATE:
            return _date
        case CardType.CLOZE:
            return _cloze
        case CardType.ORDER:
            return _order
        case CardType.CARD:
            return _flash
        case _:
            assert_never(kind)


#: Looked up once per card: a dict is faster than the ``match`` per card.
BUILDERS: dict[CardType, Builder] = {kind: _builder(kind) for kind in CardType}
