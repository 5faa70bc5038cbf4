"""A deck from its YAML text: the whole file composed at once, guarded against alias bombs, and
read into a :class:`Deck` or a :class:`DeckError` listing every problem in file order.
"""

from __future__ import annotations

import re
from typing import Any

from quiz.errors import DeckError, Problem
from quiz.model import AnyCard, Deck, Policy

from ._cards import draw_distractors, read_cards
from ._fields import Reader, misspelt, read_policy, read_tags
from ._file import MAX_BYTES
from ._yaml import BOMB, alias_bomb, alias_text_over, clip, compose, has_anchor, is_map, pos

MAX_PROBLEMS = 200
#: Values the YAML may expand to per byte of text before aliases count as a bomb.
ALIAS_BUDGET_PER_BYTE = 4
MIN_ALIAS_BUDGET = 10_000
#: The most text a deck may stand for with its aliases expanded: as much as the largest deck file.
MAX_EXPANDED_CHARS = MAX_BYTES
DECK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TOP_KEYS = ("deck", "cards")
DECK_KEYS = ("id", "title", "description", "source", "tags", "grading", "steps")
STEPS_RE = re.compile(r"^\s*[1-9]\d*[smhd](?:[\s,]+[1-9]\d*[smhd])*\s*$")


def parse(text: str, path: str = "<deck>", content_hash: str = "") -> Deck:
    """A deck from its YAML text, or a :class:`DeckError` listing every problem."""
    root = compose(text, path)
    if root is None:
        raise DeckError([Problem(path, 1, 1, "the file is empty", "a deck needs 'deck:' and 'cards:'")])
    # Without an anchor there is no alias, so nothing can expand: skip the walk over the whole tree.
    over = None
    if has_anchor(text):
        bomb, chars = alias_bomb(root, max(MIN_ALIAS_BUDGET, ALIAS_BUDGET_PER_BYTE * len(text)))
        if bomb is not None:
            raise DeckError([Problem(path, *pos(bomb), *BOMB)])
        over = alias_text_over(root, text, MAX_EXPANDED_CHARS, chars)
    if over is not None:
        raise DeckError(
            [
                Problem(
                    path,
                    *over,
                    f"with this alias the deck's text passes {MAX_EXPANDED_CHARS // (1024 * 1024)} MB "
                    "(the aliases before it are counted at their full size each time)",
                    "write a shorter text, or split the deck; an alias copies its anchor's whole value",
                )
            ]
        )
    return read_tree(root, path, content_hash)


def read_tree(root: Any, path: str, content_hash: str = "") -> Deck:
    """A deck from a composed node tree that holds no alias, or a :class:`DeckError`."""
    reader = Reader(path)
    deck = read_deck(reader, root)
    raise_problems(path, reader.problems)
    assert deck is not None
    return Deck(**{**deck.__dict__, "path": path, "content_hash": content_hash})


def raise_problems(path: str, problems: list[Problem]) -> None:
    """Raise :class:`DeckError` with ``problems`` in file order (at most ``MAX_PROBLEMS`` of them
    and a line saying how many more), if there are any."""
    problems = sorted(problems, key=lambda p: (p.line, p.col))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS]
            last = problems[-1]
            problems.append(
                Problem(path, last.line, last.col, f"{extra} more problems not shown", "fix these first")
            )
        raise DeckError(problems)


def read_deck(r: Reader, root: Any) -> Deck | None:
    top = r.mapping(root, "top level", TOP_KEYS)
    if top is None:
        if not is_map(root):
            r.problems[-1:] = [
                Problem(
                    r.path,
                    *pos(root),
                    "the file is not a deck: the top level must be a mapping with 'deck:' and 'cards:'",
                    "see docs/deck-format.md",
                )
            ]
        return None
    missing = [k for k in TOP_KEYS if k not in top]
    for key in missing:
        if misspelt(key, root):
            continue
        r.error(root, f"the file has no '{key}:' section", "a deck needs both 'deck:' and 'cards:'")
    meta = r.mapping(top["deck"].node, "deck", DECK_KEYS) if "deck" in top else None
    deck_id = title = ""
    description = source = steps = ""
    tags: tuple[str, ...] = ()
    policy = Policy()
    if meta is not None:
        for key in ("id", "title"):
            if key not in meta and not misspelt(key, top["deck"].node):
                r.error(
                    top["deck"],
                    f"deck: '{key}' is missing",
                    "add e.g. 'id: us-russia-talks-2019'; scores are kept by it"
                    if key == "id"
                    else "add 'title:', the name learners see",
                )
        if "id" in meta:
            deck_id = r.text(meta["id"], "deck") or ""
            if deck_id and not DECK_ID_RE.match(deck_id):
                r.error(
                    meta["id"].node,
                    f"deck: id '{clip(deck_id)}' may only hold letters, digits, '.', '_' and '-'",
                    "it names the deck in scores and exports; e.g. us-russia-talks-2019",
                )
        if "title" in meta:
            title = r.text(meta["title"], "deck") or ""
        if "description" in meta:
            description = r.text(meta["description"], "deck", allow_empty=True) or ""
        if "source" in meta:
            source = r.text(meta["source"], "deck", allow_empty=True) or ""
        if "tags" in meta:
            tags = read_tags(r, meta["tags"], "deck")
        if "grading" in meta:
            policy = Policy().merged(read_policy(r, meta["grading"], "deck"))
        if "steps" in meta:
            steps = r.text(meta["steps"], "deck") or ""
            if steps and not STEPS_RE.match(steps):
                r.error(meta["steps"].node, f"deck: steps '{clip(steps)}' are not steps", "e.g. '1m 10m'")
    cards: list[AnyCard] = []
    if "cards" in top:
        cards = draw_distractors(r, deck_id, read_cards(r, top["cards"], policy))
    return Deck(
        id=deck_id,
        title=title,
        cards=tuple(cards),
        description=description,
        source=source,
        tags=tags,
        grading=policy,
        steps=steps,
    )
