"""Moodle GIFT question banks → a quiz deck, with a list of what could not be mapped and why.

Follows Moodle's GIFT format (docs.moodle.org, "GIFT format"): ``//`` comments, ``$CATEGORY:``,
``::title::``, ``[html]``/``[markdown]``/``[plain]``/``[moodle]`` text formats, backslash
escapes, and the answer block ``{...}``: true/false, multiple choice (one right answer, or
weighted ``~%50%`` answers: several right), short answer (``=`` answers, Moodle's ``*``
wildcard), numerical (``#value:tolerance``, ``#low..high``, several ``=`` answers), matching
(``a -> b``), missing word (text after the block), essay and description. Each question becomes
one card, except matching (one choice card per pair). What quiz has no way to say is listed as
a :class:`Note` with its line: a question left out, or a part of one dropped.

A file written by ``quiz export --format gift`` carries each card in a ``// quiz:1:`` comment
(Moodle ignores comments); a question still as exported comes back as exactly that card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from quiz.errors import DeckError, ImportFileError
from quiz.formats.anki import PROGRESS_EVERY, Progress
from quiz.formats.gift_text import Block, feedback, find_unescaped, question_blocks, split_unescaped, unescape
from quiz.model import AnyCard, Deck
from quiz.model.variants import REVERSE_SUFFIX

#: The largest GIFT file read (a question bank of some 50,000 questions).
MAX_BYTES = 64 * 1024 * 1024
_FORMAT_RE = re.compile(r"^\s*\[(html|moodle|markdown|plain)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_BLANK = "_____"
_STAR = "\x00"  # an escaped '*' while a short answer's wildcards are read (no text holds NUL)
_TRUE = ("T", "TRUE")
_FALSE = ("F", "FALSE")


@dataclass(frozen=True)
class Note:
    """Something in the GIFT file quiz could not carry over: ``skipped`` questions are left out."""

    line: int
    message: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {'left out' if self.skipped else 'changed'}: {self.message}"


@dataclass
class GiftImport:
    """The deck made from a GIFT file and the notes about what did not map."""

    deck: Deck
    notes: list[Note] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """How many questions were left out."""
        return sum(n.skipped for n in self.notes)


# -- questions ----------------------------------------------------------------------------------
class _Skip(Exception):
    """A question quiz cannot ask; the message says why."""


#: Moodle's question id number and tags, in a comment before the question: ``// [id:q1] [tag:easy]``
#: (``\]`` is a ``]`` inside one). Moodle's own GIFT export writes them.
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]\x00-\x1f])+)\]")


def _id_and_tags(comment: str) -> tuple[str, list[str]]:
    """The ``[id:...]`` (the first; "" if none) and ``[tag:...]`` of the comment lines before a question."""
    found = _ID_RE.search(comment)
    idnumber = found.group(1).replace("\\]", "]").strip() if found else ""
    tags = [_slug(t.replace("\\]", "]").strip()).lower() for t in _TAG_RE.findall(comment)]
    return idnumber, tags


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")[:60]


def _answers(body: str) -> list[tuple[str, float | None, str, str]]:
    """The ``=`` / ``~`` answers of a block: (marker, weight or None, text, feedback)."""
    out = []
    for marker, rest in split_unescaped(body, "=~"):
        if not marker:
            if rest.strip():
                raise _Skip(f"text '{unescape(rest)[:40]}' before the first '=' or '~' in the answers")
            continue
        answer, fb = feedback(rest)
        weight = None
        found = _WEIGHT_RE.match(answer.strip())
        if found:
            weight = float(found.group(1))
            answer = answer.strip()[found.end() :]
        out.append((marker, weight, answer, fb))
    return out


def _number(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise _Skip(f"'{text.strip()}' is not a number") from None


def _numeric(body: str, notes: list[str]) -> dict[str, Any]:
    """``#value``, ``#value:tolerance``, ``#low..high`` or several ``=`` answers → a number card."""
    body = body.strip()[1:].strip()
    parts = split_unescaped(body, "=")
    if parts and parts[0][0] == "=":
        answers = []
        for _, rest in parts:
            answer, _fb = feedback(rest)
            found = _WEIGHT_RE.match(answer.strip())
            weight = float(found.group(1)) if found else 100.0
            answers.append((weight, answer.strip()[found.end() :] if found else answer))
        full = [a for w, a in answers if w >= 100]
        if not full:
            raise _Skip("no numerical answer has full credit")
        for weight, answer in answers:
            if answer is not full[0]:
                why = "quiz keeps one value and its tolerance, with no partial credit"
                notes.append(f"the answer '{unescape(answer)}' ({weight:g}%) was dropped: {why}")
        body = full[0]
    else:
        body, _fb = feedback(body)
    text = unescape(body)
    if ".." in text:
        low, high = (_number(x) for x in text.split("..", 1))
        if high < low:
            raise _Skip(f"the range {text} ends below its start")
        middle, tol = (low + high) / 2, (high - low) / 2
        return {"type": "number", "answer": _tidy(middle), **({"tolerance": _tidy(tol)} if tol else {})}
    if ":" in text:
        value, tol_text = text.split(":", 1)
        tol = abs(_number(tol_text))
        return {
            "type": "number",
            "answer": _tidy(_number(value)),
            **({"tolerance": _tidy(tol)} if tol else {}),
        }
    return {"type": "number", "answer": _tidy(_number(text))}


def _tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else round(value, 10)


def _choice(answers: list[tuple[str, float | None, str, str]], fmt: str, notes: list[str]) -> dict[str, Any]:
    """Multiple choice: one ``=`` (choice card) or weighted ``~%n%`` answers (multi card)."""
    choices = [unescape(a, fmt) for _, _, a, _ in answers]
    if len(set(choices)) != len(choices):
        raise _Skip("two answers have the same text")
    if any(not c for c in choices):
        raise _Skip("an answer is empty")
    equals = [c for (m, _, _, _), c in zip(answers, choices, strict=True) if m == "="]
    if len(equals) > 1:
        raise _Skip("several answers are marked '=' (Moodle allows one; use ~%n% weights for several)")
    if equals:
        for (m, w, _, _), c in zip(answers, choices, strict=True):
            if w is not None and m == "~" and w > 0:
                notes.append(
                    f"partial credit for '{c}' ({w:g}%) was dropped: quiz marks a choice right or wrong"
                )
        return {"type": "choice", "choices": choices, "answer": equals[0]}
    right = [c for (_, w, _, _), c in zip(answers, choices, strict=True) if w is not None and w > 0]
    if not right:
        raise _Skip("no answer is right (no '=' and no positive weight)")
    weights = sorted({w for _, w, _, _ in answers if w is not None and w > 0})
    if len(weights) > 1 or abs(weights[0] * len(right) - 100) > 0.5:
        notes.append(
            "the weights " + ", ".join(f"{w:g}%" for w in weights) + " became equal shares: quiz gives "
            "each right choice the same credit"
        )
    wrong = sorted({w for _, w, _, _ in answers if w is not None and w < 0})
    if wrong and wrong != [-100.0]:
        notes.append(
            "the penalties " + ", ".join(f"{w:g}%" for w in wrong) + " became quiz's rule: each wrong "
            "choice cancels one right one"
        )
    return {"type": "multi", "choices": choices, "answer": right}


def _short(answers: list[tuple[str, float | None, str, str]], fmt: str, notes: list[str]) -> dict[str, Any]:
    """Short answer: full-credit ``=`` answers; ``*`` wildcards become the text around them."""
    accepted: list[str] = []
    dropped = len(notes)
    for _, weight, answer, _ in answers:
        # "\*" is an asterisk, a bare "*" Moodle's wildcard: the escape is kept apart while the rest is read
        text = unescape(re.sub(r"\\(.)", lambda m: _STAR if m.group(1) == "*" else m.group(0), answer), fmt)
        if weight is not None and weight < 100:
            text = text.replace(_STAR, "*")
            notes.append(f"the answer '{text}' ({weight:g}%) was dropped: quiz has no partial credit for"
                         " short "
                         "answers")  # fmt: skip
            continue
        if "*" in text:
            fixed = " ".join(text.replace("*", " ").split()).replace(_STAR, "*")
            shown = text.replace(_STAR, "\\*")
            if not fixed:
                notes.append(f"the wildcard answer '{shown}' (any answer) was dropped: quiz accepts only "
                             "the answers listed")  # fmt: skip
                continue
            notes.append(f"the wildcard answer '{shown}' became '{fixed}': quiz matches whole answers "
                         "(with typo tolerance), not '*' patterns")  # fmt: skip
            text = fixed
        text = text.replace(_STAR, "*")
        if text and text not in accepted:
            accepted.append(text)
    if not accepted:
        why = [n.split(":", 1)[0] for n in notes[dropped:]]
        del notes[dropped:]
        raise _Skip(
            "no answer quiz can accept (" + "; ".join(why) + ")" if why else "no answer has full credit"
        )
    card: dict[str, Any] = {"type": "short", "answer": accepted[0]}
    if accepted[1:]:
        card["accept"] = accepted[1:]
    return card


def _matching(body: str, fmt: str, title: str) -> list[dict[str, Any]]:
    """Matching → one choice card per pair, the right-hand sides as the choices."""
    pairs = []
    for marker, rest in split_unescaped(body, "="):
        if marker != "=":
            raise _Skip("a matching pair does not start with '='")
        left, arrow, right = rest.partition("->")
        if not arrow:
            raise _Skip("a matching answer has no '->'")
        pairs.append((unescape(left, fmt), unescape(right, fmt)))
    rights = [r for _, r in pairs]
    if len(set(rights)) != len(rights):
        raise _Skip("two pairs share a right-hand side, so a choice card could not tell them apart")
    real = [(lf, r) for lf, r in pairs if lf]
    if len(real) < 2:
        raise _Skip("fewer than 2 pairs")
    return [
        {"type": "choice", "prompt": f"{title}\n\n{lf}", "choices": rights, "answer": r, "part": n}
        for n, (lf, r) in enumerate(real, start=1)
    ]


def _question(block: Block, notes: list[str]) -> list[dict[str, Any]]:
    """The cards (without ids) one GIFT question becomes; raises _Skip with the reason."""
    text = block.text
    title = ""
    if text.lstrip().startswith("::"):
        body = text.lstrip()[2:]
        end = find_unescaped(body, ":")
        while end != -1 and not body[end:].startswith("::"):
            end = find_unescaped(body, ":", end + 1)
        if end == -1:
            raise _Skip("the title '::' is not closed")
        title, text = unescape(body[:end]), body[end + 2 :]
    fmt = "moodle"
    found = _FORMAT_RE.match(text)
    if found:
        fmt, text = found.group(1).lower(), text[found.end() :]
    open_at = find_unescaped(text, "{")
    if open_at == -1:
        raise _Skip("a description (no answer block): not a question")
    close_at = find_unescaped(text, "}", open_at + 1)
    if close_at == -1:
        raise _Skip("the answer block '{' is not closed")
    before, body, after = text[:open_at], text[open_at + 1 : close_at], text[close_at + 1 :]
    second = find_unescaped(after, "{")
    if second != -1:
        if "\n" in after[:second]:  # on a later line: a question with no blank line before it
            raise _Skip(
                "more than one answer block: if the next line starts another question, "
                "put a blank line before it (GIFT separates questions with a blank line)"
            )
        raise _Skip("more than one answer block (quiz asks one question per card)")
    general = ""
    i = body.find("####")
    while i > 0 and body[i - 1] == "\\":
        i = body.find("####", i + 1)
    if i != -1:
        body, general = body[:i], unescape(body[i + 4 :], fmt)
    prompt = unescape(before, fmt)
    tail = unescape(after, fmt)
    missing_word = bool(tail)
    stripped = body.strip()
    base: dict[str, Any] = {"explain": general} if general else {}
    if not stripped:
        raise _Skip("an essay (graded by a person): quiz has no such card")
    if stripped.startswith("#"):
        card = _numeric(stripped, notes)
    elif feedback(stripped)[0].strip().upper() in (*_TRUE, *_FALSE):
        value = feedback(stripped)[0].strip().upper() in _TRUE
        card = {"type": "bool", "answer": value}
    elif find_unescaped(stripped, "~") == -1 and "->" in stripped:
        cards = _matching(stripped, fmt, prompt or title)
        return [{**base, **c} for c in cards]
    else:
        answers = _answers(stripped)
        if not answers:
            raise _Skip("the answer block holds no answer")
        if any(m == "~" for m, _, _, _ in answers):
            card = _choice(answers, fmt, notes)
        else:
            card = _short(answers, fmt, notes)
            if missing_word:
                alts = card.get("accept", [])
                gap = "{{c1::" + _cloze_escape(card["answer"]) + "}}"
                text_out = f"{_cloze_escape(prompt)} {gap} {_cloze_escape(tail)}"
                cloze: dict[str, Any] = {"type": "cloze", "text": " ".join(text_out.split())}
                if alts:
                    cloze["accept"] = {"c1": alts}
                return [{**cloze, **base}]
    if missing_word:
        prompt = f"{prompt} {_BLANK} {tail}".strip()
    if _has_answer_feedback(stripped):
        notes.append("feedback on each answer was dropped: quiz shows one explanation (the general feedback)")
    return [{**card, "prompt": prompt or title, **base}]


def _cloze_escape(text: str) -> str:
    return text.replace("{{", "{ {").replace("}}", "} }")


def _has_answer_feedback(body: str) -> bool:
    """True when an answer of the block has its own ``#feedback``."""
    if body.startswith("#"):  # numerical: '#' opens the block; feedback follows a later '#'
        return any(feedback(rest)[1].strip() for _, rest in split_unescaped(body[1:], "="))
    if find_unescaped(body, "=~") == -1:  # true/false: {T#wrong#right}
        return bool(feedback(body)[1].strip())
    return any(fb.strip() for _, _, _, fb in _answers(body))


# -- the deck -----------------------------------------------------------------------------------
def read_gift(
    text: str,
    name: str = "<gift>",
    *,
    deck_id: str | None = None,
    title: str | None = None,
    progress: Progress | None = None,
) -> GiftImport:
    """A deck from the text of a GIFT file, and a note for each thing that did not map;
    ``progress(done, total)``, if given, is told every ``PROGRESS_EVERY`` questions read."""
    from quiz.deckio import DECK_ID_RE, content_id, parse
    from quiz.model import CardType

    blocks, loose, first_category = question_blocks(text)
    notes: list[Note] = []
    cards: list[tuple[int, dict[str, Any]]] = []
    deck_meta: dict[str, Any] = {}
    consumed: set[str] = set()
    drawn = _drawn(blocks)
    for line, data in loose:
        deck_meta = deck_meta or data["deck"]
        cards.append((line, dict(data["card"])))
    for n, block in enumerate(blocks):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, len(blocks))
        if block.data is not None and _as_exported(block, drawn):
            deck_meta = deck_meta or block.data["deck"]
            card = dict(block.data["card"])
            cards.append((block.line, card))
            if card.get("type") == "cloze":
                consumed.add(card["id"])
            continue
        if block.data is None and _title(block.text) and _title(block.text).rsplit(" c", 1)[0] in consumed:
            continue  # another gap of a cloze card already restored
        if block.data is not None:
            notes.append(
                Note(block.line, "edited since 'quiz export': read as GIFT, not as the exported card")
            )
        messages: list[str] = []
        try:
            made = _question(block, messages)
        except _Skip as why:
            notes.append(Note(block.line, str(why), skipped=True))
            continue
        notes.extend(Note(block.line, m) for m in messages)
        question_title = _title(block.text)
        idnumber, more_tags = _id_and_tags(block.comment)
        for card in made:
            part = card.pop("part", None)
            slug = _slug(idnumber or question_title) if idnumber or question_title else ""
            if slug and part:
                slug = f"{slug}-{part}"
            kind = CardType(card["type"])
            card_id = slug or content_id(kind, card.get("prompt") or card.get("text", ""))
            tags = [_slug(block.category.split("/")[-1]).lower()] if block.category else []
            tags = [t for t in dict.fromkeys([*tags, *more_tags]) if t]
            cards.append((block.line, {"id": card_id, **card, **({"tags": tags} if tags else {})}))
    if progress is not None:
        progress(len(blocks), len(blocks))
    # A reversed card's own question (reverse: true) is made again when the deck is read, not kept.
    flipped = {f"{c['id']}{REVERSE_SUFFIX}" for _, c in cards if c.get("reverse") is True}
    cards = [(line, c) for line, c in cards if c["id"] not in flipped]
    if not cards:
        raise ImportFileError(_none_imported(name, notes))
    cards.sort(key=lambda lc: lc[0])  # file order: cards carried in comments alone sit among the others
    seen: dict[str, int] = {}
    for line, card in cards:
        base = card["id"]
        n = 1
        while card["id"] in seen:
            n += 1
            card["id"] = f"{base}-{n}"
        seen[card["id"]] = line
    stem = re.sub(r"(\.gift)?(\.txt)?$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    meta = dict(deck_meta) or {"id": _slug(stem).lower() or "imported", "title": ""}
    if deck_id is not None:
        if not DECK_ID_RE.match(deck_id):
            raise ImportFileError(f"--deck-id '{deck_id}' may only hold letters, digits, '.', '_' and '-'")
        meta["id"] = deck_id
    elif not DECK_ID_RE.match(str(meta.get("id", ""))):
        meta["id"] = "imported"
    category_title = first_category.split("/")[-1].strip() if first_category else ""
    meta["title"] = title or meta.get("title") or category_title or stem or meta["id"]
    import json

    def check(batch: list[dict[str, Any]]) -> Deck:
        return parse(json.dumps({"deck": meta, "cards": batch}, ensure_ascii=False), name)

    try:
        deck = check([c for _, c in cards])
    except DeckError:
        kept = []
        for line, card in cards:
            try:
                check([card])
                kept.append((line, card))
            except DeckError as err:
                notes.append(Note(line, f"not a valid quiz card: {err.problems[0].message}", skipped=True))
        if not kept:
            raise ImportFileError(_none_imported(name, notes)) from None
        deck = check([c for _, c in kept])
    notes.sort(key=lambda n: n.line)
    return GiftImport(deck, notes)


def _none_imported(name: str, notes: list[Note]) -> str:
    """The error, on one line, when no question could be imported: why for the first few left out."""
    shown = sorted(notes, key=lambda n: n.line)[:3]
    if not notes:
        return f"{name}: no question could be imported (no question found in the file)"
    why = "; ".join(str(n) for n in shown)
    why += f"; and {len(notes) - len(shown)} more" if len(notes) > len(shown) else ""
    return f"{name}: no question could be imported ({why}); GIFT questions are separated by a blank line"


def _title(text: str) -> str:
    stripped = text.lstrip()
    if not stripped.startswith("::"):
        return ""
    end = stripped.find("::", 2)
    return unescape(stripped[2:end]) if end != -1 else ""


def _drawn(blocks: list[Block]) -> dict[str, AnyCard]:
    """The carried choice cards whose choices are drawn from the deck (``distractors``), by id: the
    choices depend on every such card, so they are made once from all of them, in file order."""
    from quiz.deckio import deck_from_dict

    carried = [b.data for b in blocks if b.data is not None and b.data["card"].get("distractors")]
    if not carried:
        return {}
    try:
        deck = deck_from_dict({"deck": carried[0]["deck"], "cards": [d["card"] for d in carried]})
    except DeckError:
        return {}
    return {card.id: card for card in deck.cards}


def _as_exported(block: Block, drawn: dict[str, AnyCard]) -> bool:
    """True when the block is still the question 'quiz export' wrote for the card it carries
    (``drawn``: the cards whose choices are drawn, made from all of them, :func:`_drawn`)."""
    from quiz.deckio import deck_from_dict
    from quiz.formats.gift import questions_of

    assert block.data is not None
    if block.data["card"].get("distractors"):
        card = drawn.get(str(block.data["card"].get("id")))
        return card is not None and block.text.strip() in questions_of(card)
    try:
        deck = deck_from_dict({"deck": block.data["deck"], "cards": [block.data["card"]]})
    except DeckError:
        return False
    return block.text.strip() in questions_of(deck.cards[0])


def read_gift_file(
    path: str, *, deck_id: str | None = None, title: str | None = None, progress: Progress | None = None
) -> GiftImport:
    """A deck from a GIFT file on disk (UTF-8); ``progress``: see :func:`read_gift`."""
    from quiz.formats.anki_import import decode, read_import

    return read_gift(decode(read_import(path), path), path, deck_id=deck_id, title=title, progress=progress)
