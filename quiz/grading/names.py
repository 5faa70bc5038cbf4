"""People's names (a short card with ``person: true``): the surname alone, "Surname, Given", and a
title or rank in front are the same person (docs/grading.md, People's names)."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from quiz.model import Policy

from .normalize import normalize

#: Titles and ranks a learner may put before a name (normalised: full stops gone, lowercase).
TITLES = frozenset(
    [
        "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "lord", "lady", "dr", "doctor", "prof", "professor",
        "rev", "reverend", "father", "fr", "saint", "st", "president", "pres", "vice", "prime", "minister",
        "chancellor", "premier", "governor", "gov", "senator", "sen", "congressman", "congresswoman",
        "representative", "rep", "secretary", "ambassador", "mayor", "judge", "justice", "chief",
        "chairman", "general", "gen", "lieutenant", "lt", "colonel", "col", "major", "maj", "captain",
        "capt", "cpt", "sergeant", "sgt", "commander", "cmdr", "admiral", "adm", "marshal", "field",
        "brigadier", "corporal", "cpl", "private", "pvt", "officer", "commodore", "king", "queen", "prince",
        "princess", "emperor", "empress", "tsar", "czar", "pope", "sultan", "emir", "shah",
    ]
)  # fmt: skip
#: Words that belong to the surname that follows them (van Gogh, de Gaulle, bin Salman).
PARTICLES = frozenset(
    ["van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le",
        "bin", "ibn", "al", "el", "ter", "ten", "dos", "das", "st"]
)  # fmt: skip
_SUFFIXES = re.compile(r"\s+(?:jr|sr|junior|senior|[ivx]+|\d+(?:st|nd|rd|th)?)$")


def surnames(key_norm: str) -> tuple[str, ...]:
    """The surname of a normalised full name (its last word, with the particles before it, and without
    them); nothing for a name of one word."""
    core = _SUFFIXES.sub("", key_norm)
    words = core.split()
    if len(words) < 2:
        return ()
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    with_particles = " ".join(words[start:])
    return tuple(dict.fromkeys((with_particles, words[-1])))


# Initials run together as people write them: in capitals (MA) or each with a full stop (M.A., m.a.).
# A word of two or three letters in lowercase or capitalised (Al, Ed) is a given name, not initials.
_RUN_TOGETHER = re.compile(r"(?<!\S)(?:[A-Z]{2,3}|(?:[^\W\d_]\.){2,3}|[A-Z]\.[A-Z])(?![\w.])")


def run_together(typed: str) -> bool:
    """``typed`` holds initials run together (``MA Milley``, ``M.A. Milley``), not a short given name."""
    return _RUN_TOGETHER.search(typed) is not None


def _spread(words: list[str], together: bool) -> list[str]:
    if together and len(words) == 2 and 2 <= len(words[0]) <= 3 and words[0].isalpha():
        return [*words[0], words[1]]  # 'ma milley' (M.A. Milley, MA Milley)
    return words


def wrong_initial(forward: str, key_norm: str, together: bool = False) -> str:
    """Why a typed "initials Surname" with the key's surname is not the person ("'s' is not the initial
    of 'valery'"); '' when it is not written that way or its initials are right."""
    words = _spread(forward.split(), together)
    if len(words) < 2 or words[-1] not in surnames(key_norm):
        return ""
    if given_initials(forward, key_norm, together)[0]:
        return ""
    given = _SUFFIXES.sub("", key_norm).split()[:-1]
    for t, g in zip(words[:-1], given, strict=False):
        if len(t) != 1 or not t.isalpha():
            return ""
        if t != g[0]:
            return f"'{t}' is not the initial {'of ' if len(g) > 1 else ''}'{g}'"
    return f"more initials than '{' '.join(given)}'"


def given_initials(forward: str, key_norm: str, together: bool = False) -> tuple[str, str]:
    """A name typed with initials for the given names ("m milley", "m a milley" for "mark a milley"):
    what the initials stand for (as the learner reads it) and the rest of the typed name (the surname
    to check); ("", "") when the typed name has no initials or they are not the key's, in order."""
    words = _spread(forward.split(), together)
    given = _SUFFIXES.sub("", key_norm).split()
    if len(words) < 2 or len(given) < 2 or not all(len(w) == 1 and w.isalpha() for w in words[:-1]):
        return "", ""
    typed = words[:-1]
    wanted = given[: len(given) - 1]  # the words before the surname's last word
    # One initial more than the key's given names is a middle initial, as a full name may add one.
    extra = typed[len(wanted) :] if len(typed) == len(wanted) + 1 and len(wanted) == 1 else []
    if len(typed) > len(wanted) + len(extra) or any(t != g[0] for t, g in zip(typed, wanted, strict=False)):
        return "", ""
    stands = ", ".join(f"'{t}' for '{g}'" for t, g in zip(typed, wanted, strict=False))
    stands += "".join(f", with a middle initial '{t}'" for t in extra)
    return f"the initial{'s' if len(typed) > 1 else ''} {stands}", words[-1]


@functools.lru_cache(maxsize=256)
def _articles_kept(policy: Policy) -> Policy:
    return replace(policy, articles="keep")


def as_written_forward(typed: str, policy: Policy) -> tuple[str, str]:
    """The typed name as "Given Surname" with titles in front taken off, normalised; and what was
    changed, as the learner reads it ('' when nothing)."""
    changes = []
    text = typed.strip()
    if text.count(",") == 1:
        surname, given = (p.strip() for p in text.split(","))
        if surname and given:
            text = f"{given} {surname}"
            changes.append(f"'{typed.strip()}' read as '{text}'")
    # A leading 'A' is an initial here, not an article ('A. Milley' is not 'Milley').
    words = normalize(text, _articles_kept(policy)).split()
    titles = []
    while len(words) > 1 and words[0] in TITLES:
        titles.append(words.pop(0))
    if titles:
        changes.append(f"without the title '{' '.join(titles)}'")
    return " ".join(words), ", ".join(changes)
