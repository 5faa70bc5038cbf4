"""The text of a GIFT file: escapes, unescaped markers, and the question blocks with their lines,
categories, comments and quiz's own card data (the lexical half of :mod:`quiz.formats.gift_import`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The comment in front of each exported question that carries the quiz card.
DATA_RE = re.compile(r"^\s*//\s*quiz:1:([A-Za-z0-9+/=]+)\s*$")
#: GIFT's backslash escapes and what each stands for.
ESCAPES = {"n": "\n", "~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\"}


@dataclass
class Block:
    line: int
    text: str
    category: str
    data: dict[str, Any] | None = None
    comment: str = ""  # the // lines just before the question (Moodle's [id:...] and [tag:...])


# -- text ---------------------------------------------------------------------------------------
def find_unescaped(text: str, chars: str, start: int = 0) -> int:
    """The index of the first unescaped character of ``chars`` at or after ``start``; -1 if none."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return i
        i += 1
    return -1


def split_unescaped(text: str, chars: str) -> list[tuple[str, str]]:
    """``text`` cut before each unescaped character of ``chars``: (marker, rest) pairs."""
    out: list[tuple[str, str]] = []
    marker, start = "", 0
    i = find_unescaped(text, chars)
    while i != -1:
        if i > start or marker:
            out.append((marker, text[start:i]))
        marker, start = text[i], i + 1
        i = find_unescaped(text, chars, start)
    if text[start:].strip() or marker:
        out.append((marker, text[start:]))
    return out


def unescape(text: str, fmt: str = "moodle") -> str:
    """GIFT text as plain text: escapes read, HTML turned to text for ``[html]``, spaces tidied."""
    out = re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), text)
    if fmt == "html":
        from quiz.formats.anki_import import html_to_text

        out = html_to_text(out)
    lines = [" ".join(part.split()) for part in out.split("\n")]
    return "\n".join(lines).strip()


def feedback(text: str) -> tuple[str, str]:
    """An answer and its ``#feedback``."""
    i = find_unescaped(text, "#")
    return (text, "") if i == -1 else (text[:i], text[i + 1 :])


# -- blocks -------------------------------------------------------------------------------------
def question_blocks(text: str) -> tuple[list[Block], list[tuple[int, dict[str, Any]]], str]:
    """The question blocks with their first line and category, loose quiz data, and the first category."""
    from quiz.formats.anki_import import card_data

    blocks: list[Block] = []
    loose: list[tuple[int, dict[str, Any]]] = []
    current: list[str] = []
    comments: list[str] = []  # comment lines since the last question
    start, category, first_category = 0, "", ""
    pending: tuple[int, dict[str, Any]] | None = None

    def flush() -> None:
        nonlocal current, pending, comments
        if current:
            data = pending[1] if pending else None
            blocks.append(Block(start, "\n".join(current), category, data, "\n".join(comments)))
            pending = None
            comments = []
        current = []

    # Lines end at a line feed or carriage return only, as in Moodle: str.splitlines() would also
    # break at U+2028, U+0085, a form feed..., which a question's text may hold.
    for n, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        stripped = raw.strip()
        data_match = DATA_RE.match(raw)
        if data_match:
            flush()
            if pending:
                loose.append(pending)
            found = card_data([f"<!--quiz:1:{data_match.group(1)}-->"])
            pending = (n, found) if found else None
            continue
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        if not stripped:
            flush()
            continue
        if stripped.startswith("$CATEGORY:") and not current:
            comments = []
            category = stripped[len("$CATEGORY:") :].strip()
            first_category = first_category or category
            continue
        if not current:
            start = n
        current.append(raw)
    flush()
    if pending:
        loose.append(pending)
    return blocks, loose, first_category
