"""Number cards: reading a typed number (digits, separators, scales, words) and the tolerance rule."""

from __future__ import annotations

import math
import re
import unicodedata

from text_to_num import alpha2digit

from quiz.model import NumberCard, Rule, Verdict

from .normalize import unhedged
from .notes import unsure
from .units import convert, kind_of, split_temperature, temperature_scale

_SCALES = {"k": 1e3, "thousand": 1e3, "million": 1e6, "bn": 1e9, "billion": 1e9, "trillion": 1e12}
# Magnitude letters that are also units of measure (m metre, b barn, mn ...): read as magnitudes only
# where the card's unit is not a unit of measure (none, money, a count of things).
_LETTER_SCALES = {"mio": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "b": 1e9}
_SPACES = "\u00a0\u202f\u2009\u2007 "
_NUM_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")

# The minus sign, en dash and figure dash are typed for a minus.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})
_PERCENT_RE = re.compile(r"\s*(?:percent|per\s+cent)$")
# Words that say the value is something else: "under 3" is not a value.
_BOUND_RE = re.compile(r"(?:under|below|less than|fewer than|at most|up to)\s+\S")


# Ways of grouping digits and marking decimals, compiled once.
_SPACED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009\u2007_'’]\d{3})+(?:[.,]\d+)?")
_GROUPING = re.compile(r"[ \u00a0\u202f\u2009\u2007_'’]")
_DOTTED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_DOTS_THEN_COMMA = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_COMMAS_THEN_DOT = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d*(?:e[+-]?\d+)?")
_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _singular(unit: str) -> str:
    """``years`` -> ``year``, ``countries`` -> ``country``; '' when ``unit`` is not an English plural."""
    if len(unit) > 3 and unit.endswith("ies"):
        return unit[:-3] + "y"
    if len(unit) > 2 and unit.endswith("s") and not unit.endswith("ss") and unit[-2].isalpha():
        return unit[:-1]
    return ""


def parse_number(text: str, unit: str = "", letters: bool = False) -> float | None:
    """A typed number (``1,200``, ``1.200,5``, ``1.2e3``, ``1.2k``, ``seven``, ``about 7``), unit optional;
    with ``letters``, also ``1.5M``, ``1.5 mn``, ``1,5 Mio``, ``2B`` (see ``_LETTER_SCALES``)."""
    u = unit.strip().casefold()
    if text.isascii() and text.isdigit() and len(text) <= 100 and not any(c.isdigit() for c in u):
        # Plain digits ('1053'), the most typed number: every step below leaves them as they are.
        return float(text)
    s = unhedged(text.strip().casefold().translate(_MINUS).rstrip(".! "))
    if len(s) > 100:
        return None
    if u == "%":
        s = _PERCENT_RE.sub("%", s)
    if u:
        for form in (u, _singular(u)):
            # The unit as a word of its own: 'm' does not end '3 km' (that is another unit).
            if form and s.endswith(form) and not s[: -len(form)][-1:].isalpha():
                s = s[: -len(form)].strip()
                break
            if form and s.startswith(form) and not s[len(form) : len(form) + 1].isalpha():
                s = s[len(form) :].strip()
                break
    if not any(c.isdigit() for c in s):
        s = _from_words(s)
    scale = 1.0
    for word, factor in (*_SCALES.items(), *(_LETTER_SCALES.items() if letters else ())):
        if s.endswith(word) and s[: -len(word)].strip()[-1:].isdigit():
            s, scale = s[: -len(word)].strip(), factor
            break
    for ch in _SPACES + "_'’":
        if ch in s:
            # Spaces, underscores and apostrophes only ever group thousands.
            if not _SPACED_THOUSANDS.fullmatch(s):
                return None
            s = _GROUPING.sub("", s)
            break
    plain = _decimal_marks(s)
    if plain is None or not _NUM_RE.fullmatch(plain):
        return None
    try:
        value = float(plain) * scale
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _from_words(s: str) -> str:
    """Number words as digits (``twenty-one``: 21, ``a hundred``: 100, ``three point five``: 3.5)."""
    words = re.sub(r"^an?\s+(?=[a-z])", "one ", s.replace("-", " "))
    out = alpha2digit(words, "en", threshold=0)
    return out if out != words else s


def _decimal_marks(s: str) -> str | None:
    """Resolve ',' and '.' into a plain decimal point (see docs/grading.md, Numbers)."""
    if "," not in s:
        if s.count(".") > 1:  # 1.200.000: dots group thousands
            return s.replace(".", "") if _DOTTED_THOUSANDS.fullmatch(s) else None
        return s
    if "." in s:
        if s.rfind(",") > s.rfind("."):  # 1.200,5
            if not _DOTS_THEN_COMMA.fullmatch(s):
                return None
            return s.replace(".", "").replace(",", ".")
        if not _COMMAS_THEN_DOT.fullmatch(s):  # 1,200.5
            return None
        return s.replace(",", "")
    if _COMMA_THOUSANDS.fullmatch(s):  # 1,200 and 1,200,000: commas group thousands
        return s.replace(",", "")
    if _DECIMAL_COMMA.fullmatch(s):  # 1,5 and 3,14159: a decimal comma
        return s.replace(",", ".")
    return None


def _fmt_number(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e16:
        return f"{int(x):,}"
    return f"{x:,.10g}"


# A number followed by a word that is not the card's unit ('70 years' for decades).
_OTHER_UNIT_RE = re.compile(r"(.{0,60}\d)\s*([^\W\d_]+|°)\.?")


#: The forms a number is read in, told to a learner whose answer could not be read.
FORMS = "write it in digits (1200, 1,200, 1.5 or 1.2e3) or in words (twenty-one)"


def grade_number(card: NumberCard, typed: str, expected: str) -> Verdict:
    """A typed number (in the card's unit, or in another unit of the same kind) against the key."""
    text = typed.strip()
    in_unit = f", in {card.unit}" if card.unit else ""
    scale = temperature_scale(card.unit)
    if scale:
        in_unit += ", " + " or ".join(v for k, v in _SCALE_SHOWN.items() if k != scale)
    asked = unsure(typed, FORMS + in_unit, expected)
    if asked is not None:
        return asked
    typed, other_money = _without_currency(typed, card.unit)
    if other_money:
        note = f"not accepted: '{other_money}' is another currency than the answer's ({card.unit})"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    if scale:
        read = _temperature(typed, scale)
        if read is not None:
            return _compare(card, read[0], typed.strip(), expected, read[1])
    value = parse_number(typed, card.unit)
    if value is None and _measured(card.unit) is False:
        value = parse_number(typed, card.unit, letters=True)
    converted = ""
    if value is None and _BOUND_RE.match(text.casefold()):
        note = f"not accepted: '{text[:40]}' is not a value"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    if value is None:
        note = f"not a number I can read: '{text[:40]}'; {FORMS}{in_unit}"
        # The unit as typed (pint tells 'C', coulomb, from 'c'), and number words read.
        other = _OTHER_UNIT_RE.fullmatch(text) or _OTHER_UNIT_RE.fullmatch(_from_words(text.casefold()))
        other = other if card.unit else None
        number = parse_number(other[1]) if other else None
        if other is None or number is None:
            return Verdict(correct=False, rule=Rule.UNREADABLE, note=note, expected=expected)
        got = convert(number, other[2], card.unit)
        if got.value is None and got.known:
            kind = kind_of(card.unit)
            want = f"a {kind} in {card.unit}" if kind else f"a number of {card.unit}"
            note = f"not accepted: '{text[:40]}' is a {got.kind}; the answer is {want}"
            return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
        if got.value is None:
            note = f"not accepted: give the number in {card.unit}, not in '{other[2][:20]}'"
            return Verdict(correct=False, rule=Rule.UNREADABLE, note=note, expected=expected)
        value = got.value
        converted = f"{text} is {_fmt_number(value)} {card.unit}"
    return _compare(card, value, text, expected, converted)


def _measured(unit: str) -> bool:
    """``unit`` is a unit of measure pint knows (m, kg, decades), not money or a count of things."""
    return bool(unit) and kind_of(unit) != ""


def _without_currency(typed: str, unit: str) -> tuple[str, str]:
    """``typed`` without a currency sign ($ € £ ¥ ..., Unicode category Sc) at its start or end, when the
    card's unit is none, that sign, or money written in letters (USD, dollars: a unit pint does not
    know); and the sign when the card's unit holds another currency sign."""
    text = typed.strip()
    hedge = len(text) - len(unhedged(text.casefold()))
    text = text[hedge:]  # 'about $1.5M': the hedge is read past anyway
    for sign, rest in ((text[:1], text[1:]), (text[-1:], text[:-1])):
        if sign and unicodedata.category(sign) == "Sc":
            unit_signs = {c for c in unit if unicodedata.category(c) == "Sc"}
            if unit_signs and sign not in unit_signs:
                return typed, sign
            if sign in unit_signs or not _measured(unit):
                return rest.strip(), ""
    return typed, ""


def _temperature(typed: str, scale: str) -> tuple[float, str] | None:
    """A typed temperature on a card in ``scale`` (pint's name): its value in that scale, and how it
    was converted ('' when typed in the card's scale); None when it is not written as a temperature."""
    split = split_temperature(typed)
    if split is None:
        return None
    number = parse_number(split[0])
    if number is None:
        return None
    if split[1] in ("", scale):
        return number, ""
    got = convert(number, split[1], scale)
    if got.value is None:
        return None
    # The offsets (273.15, 459.67) leave float noise: 32 °F is 5.7e-14 °C, not 0. No temperature is
    # asked to a billionth of a degree.
    value = round(got.value, 9)
    return value, f"{typed.strip()} is {_fmt_number(value)} {_SCALE_SHOWN[scale]}"


_SCALE_SHOWN = {"degC": "°C", "degF": "°F", "kelvin": "K"}


def _compare(card: NumberCard, value: float, text: str, expected: str, converted: str) -> Verdict:
    """The value read (in the card's unit) against the key and its tolerance."""
    typed = text
    key = float(card.answer)
    tol = abs(key) * card.tolerance / 100 if card.tolerance_percent else card.tolerance
    diff = abs(value - key)
    slack = 8 * math.ulp(max(abs(key), abs(value), tol))  # float rounding only: 7 ± 10% must accept 7.7
    shown_key = _fmt_number(key)
    if diff <= slack:
        if typed.strip() in (expected, shown_key):
            return Verdict(correct=True, rule=Rule.EXACT, note="accepted", score=1.0, expected=expected)
        return Verdict(
            correct=True,
            rule=Rule.UNIT if converted else Rule.NUMBER,
            note=f"accepted: {converted or f'{text} is {expected}'}",
            score=1.0,
            expected=expected,
        )
    within = f"within ±{_fmt_number(tol)}"
    if card.tolerance_percent:
        within = f"within {_fmt_number(card.tolerance)}%"
    if diff <= tol + slack:
        return Verdict(
            correct=True,
            rule=Rule.TOLERANCE,
            note=f"accepted: {within} of {shown_key}" + (f" ({converted})" if converted else ""),
            score=1.0,
            expected=expected,
        )
    side = "too high" if value > key else "too low"
    if tol > 0:
        note = f"{side}: {_fmt_number(value)} is not {within} of {shown_key}"
    else:
        note = f"{side}: {_fmt_number(value)} ≠ {shown_key}"
    note += f" ({converted})" if converted else ""
    return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
