"""Forms a person types for the same words: number words and numerals, Roman and Arabic numerals in
names, common abbreviations, and the initials of a long name (docs/grading.md, Forms people type).

Each is a rewrite applied alike to the key and to the typed text (``canonical``), so the equivalence
is symmetric by construction; initials are the exception (``initials_of``), read one way only.
"""

from __future__ import annotations

import functools
import re

import roman
from text_to_num import alpha2digit

from quiz.model import Policy

from .normalize import normalize

_ROMAN_TOKEN = re.compile(r"(?<![\w'])([IVXLCDM]+|[ivxlcdm]{2,})(?![\w'])")
_ROMAN_VALID = re.compile(r"(?=[ivxlcdm])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
# An ordinal after a word reads as a regnal number: "Henry the 8th", "Henry 8th" = "Henry 8".
_REGNAL = re.compile(r"(?<=\S) (?:the )?(\d+)(?:st|nd|rd|th)\b")
# An ordinal in front is the same number at the end: "Second World War" = "World War 2" (= "World War II");
# only when it is the text's one number.
_LEADING_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th) ([^\d]+)$")

#: Abbreviations read as their full word wherever they stand.
ABBREVIATIONS = {
    "mt": "mount", "mtn": "mountain", "ft": "fort", "gen": "general", "pres": "president",
    "gov": "governor", "sen": "senator", "rep": "representative", "col": "colonel", "lt": "lieutenant",
    "capt": "captain", "cpt": "captain", "sgt": "sergeant", "adm": "admiral", "maj": "major",
    "cmdr": "commander", "prof": "professor", "rev": "reverend", "ave": "avenue", "blvd": "boulevard",
    "jr": "junior", "sr": "senior", "us": "united states", "usa": "united states",
    "uk": "united kingdom", "eu": "european union", "nyc": "new york city", "dc": "district of columbia",
}  # fmt: skip
#: Abbreviations whose word depends on where they stand: before a name (St. Louis, Dr. Who) they are a
#: title; as the last word (Baker St., Mulholland Dr.) a street name.
_FRONT_OR_END = {"st": ("saint", "street"), "dr": ("doctor", "drive")}

_WORDS = frozenset(ABBREVIATIONS) | frozenset(_FRONT_OR_END)

# Words left out when the initials of a name are taken (Union of Soviet Socialist Republics: USSR).
_LINK_WORDS = frozenset(["of", "and", "the", "for", "in", "on", "at", "to", "a", "an", "de", "du"])


@functools.lru_cache(maxsize=4096)
def is_number_word(word: str) -> bool:
    """``word`` (normalised) is a number written in letters, cardinal or ordinal: seven, second."""
    return word.isalpha() and len(word) > 2 and alpha2digit(word, "en", threshold=0) != word


def _arabic(match: re.Match[str]) -> str:
    token = match.group(1)
    if not _ROMAN_VALID.fullmatch(token.casefold()):
        return token
    try:
        return str(roman.fromRoman(token.upper()))
    except roman.InvalidRomanNumeralError:
        return token


def _roman_to_arabic(text: str) -> str:
    """Roman numerals as numbers: in capitals anywhere (Henry VIII, Super Bowl L), in lowercase when of
    two letters or more and after another word (henry viii), never a lone lowercase letter."""
    out = _ROMAN_TOKEN.sub(_arabic, text)
    first = _ROMAN_TOKEN.match(text)
    if first and first.group(1).islower():  # a first word in lowercase is a word (mix, dix), not a numeral
        out = text[: first.end()] + _ROMAN_TOKEN.sub(_arabic, text[first.end() :])
    return out


def _words_to_digits(norm: str) -> str:
    """Number words as digits (twenty-one: 21, second: 2nd), regnal ordinals as plain numbers."""
    numbers = any(is_number_word(w) for w in norm.split())
    if not numbers and not _REGNAL.search(norm) and not _LEADING_ORDINAL.match(norm):
        return norm
    out = _REGNAL.sub(r" \1", alpha2digit(norm, "en", threshold=0))
    return _LEADING_ORDINAL.sub(r"\2 \1", out)


def _expand(norm: str) -> str:
    """Abbreviations as their full words; the spacing between words as it was."""
    words = list(re.finditer(r"\S+", norm))

    def full(m: re.Match[str]) -> str:
        w = m.group()
        if w in _FRONT_OR_END and len(words) > 1:
            return _FRONT_OR_END[w][1 if m.start() == words[-1].start() else 0]
        return ABBREVIATIONS.get(w, w)

    out = re.sub(r"\S+", full, norm) if any(m.group() in _WORDS for m in words) else norm
    return out.replace("united states of america", "united states")  # the USA is the United States


@functools.lru_cache(maxsize=65536)
def canonical(text: str, policy: Policy) -> str:
    """``text`` normalised, then with numerals and abbreviations written one way, as ``policy`` allows:
    what two texts that say the same words in different forms have in common (a fixed point: reading
    the result again changes nothing, even where folding an accent or a mark reveals a numeral)."""
    out = _canonical_pass(text, policy)
    for _ in range(4):
        again = _canonical_pass(out, policy)
        if again == out:
            break
        out = again
    return out


def _canonical_pass(text: str, policy: Policy) -> str:
    if policy.numerals == "any":
        text = _roman_to_arabic(text)
    norm = normalize(text, policy)
    if policy.numerals == "any":
        norm = _words_to_digits(norm)
    if policy.abbreviations == "expand":
        norm = _expand(norm)
    return norm


def _initial(word: str, first: bool) -> tuple[str, ...]:
    """What ``word`` gives to the initials of a name: its first letter; but a number, a Roman numeral or
    a number word is given whole (World War II: wwii or ww2, never wwi), in digits or in Roman numerals."""
    if any(c.isdigit() for c in word):
        if word.isdigit() and 0 < int(word) < 4000:
            return word, roman.toRoman(int(word)).lower()
        return (word,)
    if not first and len(word) > 1 and _ROMAN_VALID.fullmatch(word):
        return word, str(roman.fromRoman(word.upper()))
    if is_number_word(word):
        digits = alpha2digit(word, "en", threshold=0)
        return (digits,) if digits.isdigit() else (word,)
    return (word[0],)


def initials_of(norm: str) -> tuple[str, ...]:
    """The initials a normalised name of three words or more is written as (North Atlantic Treaty
    Organization: nato; Union of Soviet Socialist Republics: ussr, or uossr; World War II: wwii, ww2);
    none for a shorter name."""
    words = norm.split()
    content = [w for w in words if w not in _LINK_WORDS]
    if len(content) < 3 or not any(w[:1].isalpha() for w in words):
        return ()
    out: list[str] = []
    for chosen in (content, words):
        spelled = [""]
        for i, w in enumerate(chosen):
            spelled = [s + part for s in spelled for part in _initial(w, i == 0)][:16]
        out.extend(spelled)
    return tuple(dict.fromkeys(out))
