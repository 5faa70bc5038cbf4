"""Where decks are: the bundled ones (package data), ``./decks``, paths given; a ``DECK`` argument's file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from quiz.errors import DeckNotFound
from quiz.files import DECK_SUFFIXES
from quiz.model.names import did_you_mean

_CHECKOUT = Path(__file__).resolve().parents[2]  # the project folder, when running from a checkout


def data_path(name: str) -> Path:
    """A file or folder the package carries as data (``quiz/data/NAME`` in a wheel).

    An editable install or a checkout has no ``quiz/data``: the same file is then read from the
    project's own folder (``decks/``, ``docs/deck.schema.json``), so there is one copy of each.
    """
    packaged = resources.files("quiz") / "data" / name
    if packaged.is_file() or packaged.is_dir():
        return Path(str(packaged))
    return _CHECKOUT / ("docs/" + name if name.endswith(".json") else name)


def schema_path() -> Path:
    """The JSON Schema of the deck format."""
    return data_path("deck.schema.json")


def bundled_dir() -> Path:
    """Where the shipped decks are."""
    return data_path("decks")


def deck_files(directory: Path) -> list[Path]:
    """The deck files directly inside ``directory``, sorted by name."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in DECK_SUFFIXES and p.is_file())


def expand_paths(paths: list[str]) -> Iterator[Path]:
    """Files as given, and the deck files inside directories (recursively)."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix in DECK_SUFFIXES and q.is_file())
        else:
            yield p


_ID_LINE = re.compile(r"^\s+id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)['\"]?\s*(#.*)?$")


def peek_id(path: Path) -> str | None:
    """The deck id of a file, read cheaply from its ``deck:`` block without a full parse."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            in_deck = False
            for n, line in enumerate(fh):
                if n > 200:
                    break
                if line.startswith("deck:"):
                    in_deck = True
                    continue
                if in_deck:
                    m = _ID_LINE.match(line)
                    if m:
                        return m.group(1)
                    if line and not line[0].isspace() and not line.startswith("#"):
                        in_deck = False
    except OSError:
        return None
    return None


def search_dirs(cwd: Path | None = None) -> list[Path]:
    """Where deck ids are looked up: ``./decks`` first, then the bundled decks."""
    here = (cwd or Path.cwd()) / "decks"
    dirs = [here] if here.is_dir() else []
    bundled = bundled_dir()
    if bundled.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(bundled)
    return dirs


def resolve(ref: str, cwd: Path | None = None) -> Path:
    """The file a ``DECK`` argument names: a path to a file, or the id of a known deck."""
    p = Path(ref)
    if p.suffix in DECK_SUFFIXES or "/" in ref or p.exists() or p.is_symlink():
        if p.exists() or p.is_symlink():  # a symbolic link loop "does not exist": the reader says why
            return p
        raise DeckNotFound(f"no deck file at '{ref}' (check the path, or run 'quiz list' for deck ids)")
    known: list[str] = []
    for directory in search_dirs(cwd):
        for f in deck_files(directory):
            deck_id = peek_id(f) or f.stem
            known.append(deck_id)
            if deck_id == ref or f.stem == ref:
                return f
    hint = did_you_mean(ref, known) or "run 'quiz list' to see the decks"
    raise DeckNotFound(f"no deck with id '{ref}' ({hint})")
