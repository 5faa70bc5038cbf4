"""Date cards: reading a typed date at the key's precision, and comparing at that precision."""

from __future__ import annotations

import datetime
import re
import warnings

from rapidfuzz.distance import OSA

from quiz.model import DateCard, PartialDate, Policy, Rule, Verdict

from .normalize import unhedged
from .notes import unsure

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = frozenset(
    [
        "monday",
        "mon",
        "tuesday",
        "tue",
        "tues",
        "wednesday",
        "wed",
        "thursday",
        "thu",
        "thur",
        "thurs",
        "friday",
        "fri",
        "saturday",
        "sat",
        "sunday",
        "sun",
    ]
)


# The shapes of a typed date, compiled once (``re.fullmatch`` with a string looks each up per call).
_YEAR = re.compile(r"\d{1,4}")
_SHORT_YEAR = re.compile(r"'(\d{2})")
_MONTH_SLASH_YY = re.compile(r"(\d{1,2})/(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC_DAY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
_COMMA_DOT = re.compile(r"[,.]")
_DAY_NUMBER = re.compile(r"(\d{1,4})(?:st|nd|rd|th)?")
_TWO_DIGITS = re.compile(r"\d{2}")
_ONE_OR_TWO_DIGITS = re.compile(r"\d{1,2}")


def _valid(y: int, m: int | None, d: int | None) -> PartialDate | None:
    try:
        datetime.date(y, m or 1, d or 1)
    except (ValueError, OverflowError):
        return None
    return PartialDate(y, m, d)


def _century(yy: int, near: int) -> int:
    """A two-digit year in the century that puts it closest to ``near``."""
    base = near - near % 100
    return min((base - 100 + yy, base + yy, base + 100 + yy), key=lambda y: (abs(y - near), y))


def parse_date(
    text: str, date_order: str = "mdy", near_year: int = 2000, precision: str = "day"
) -> PartialDate | None:
    """A typed date at the precision given, or None; the key's year and precision place short forms."""
    s = unhedged(" ".join(text.strip().casefold().replace("’", "'").split()))
    if not s or len(s) > 100:
        return None
    if m := _YEAR.fullmatch(s):
        return _valid(int(s), None, None)
    if m := _SHORT_YEAR.fullmatch(s):
        return _valid(_century(int(m[1]), near_year), None, None)
    if m := _MONTH_SLASH_YY.fullmatch(s):
        if precision == "month":  # 2/17 for a month key: February 2017
            return _valid(_century(int(m[2]), near_year), int(m[1]), None)
        a, b = int(m[1]), int(m[2])
        if date_order == "dmy" or a > 12:
            a, b = b, a
        return PartialDate(0) if _valid(2000, a, b) else None  # a month and a day: "give the year"
    if m := _YEAR_MONTH.fullmatch(s):
        return _valid(int(m[1]), int(m[2]), None)
    if m := _MONTH_YEAR.fullmatch(s):
        return _valid(int(m[2]), int(m[1]), None)
    if m := _ISO_DAY.fullmatch(s):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC_DAY.fullmatch(s):
        a, b = int(m[1]), int(m[3])
        year = int(m[4]) if len(m[4]) == 4 else _century(int(m[4]), near_year)
        if a > 12 or (b <= 12 and (date_order == "dmy" or m[2] == ".")):  # dotted dates are day first
            return _valid(year, b, a)
        return _valid(year, a, b)
    words = _date_words(s, near_year)
    if words is not None:
        return words
    if not _FOUR_DIGITS.search(s):
        return None
    return _date_dateutil(s, date_order)


def _month_word(t: str) -> int | None:
    """The month a word names: a name or abbreviation, or a full name with one typo (5 letters or more)."""
    if t in _MONTHS:
        return _MONTHS[t]
    if len(t) < 5 or not t.isalpha():
        return None
    near = {n for name, n in _MONTHS.items() if len(name) >= 4 and OSA.distance(t, name, score_cutoff=1) < 2}
    return near.pop() if len(near) == 1 else None


def _date_words(s: str, near_year: int = 2000) -> PartialDate | None:
    """``Feb 2017``, ``Dec. 18, 2019``, ``feb '17``, ``the 18th of December 2019``; None if not that shape."""
    tokens = _COMMA_DOT.sub(" ", s).split()
    month: int | None = None
    numbers: list[str] = []
    short_year: str | None = None
    for t in tokens:
        if t in ("the", "of") or t in _WEEKDAYS:
            continue
        if month is None and (named := _month_word(t)) is not None:
            month = named
            continue
        if (m := _SHORT_YEAR.fullmatch(t)) and short_year is None:
            short_year = m[1]
            continue
        m = _DAY_NUMBER.fullmatch(t)
        if m is None:
            return None
        numbers.append(m[1])
    if month is None:
        return None
    years = [n for n in numbers if len(n) >= 3]
    days = [n for n in numbers if len(n) <= 2]
    if short_year is not None:
        years.append(str(_century(int(short_year), near_year)))
    elif not years and len(days) == 2 and _TWO_DIGITS.fullmatch(numbers[-1]):
        years = [str(_century(int(days.pop()), near_year))]  # Dec 7, 41: the last number is the year
    if len(years) != 1 or len(days) > 1:
        return PartialDate(0) if not years else None  # year 0: "give the year"
    if not days:
        return _valid(int(years[0]), month, None)
    return _valid(int(years[0]), month, int(days[0]))


#: A time of day written as one: 10:00, 10am, 10 p.m.
_TIME = re.compile(r"\d:\d\d|\d\s*[ap]\.?m\b\.?")


def _date_dateutil(s: str, date_order: str) -> PartialDate | None:
    # Deferred: dateutil.parser costs ~80 ms to import and is reached only by dates in none of the
    # shapes above, so most sessions never load it.
    from dateutil import parser

    found: list[datetime.datetime] = []
    for default in (datetime.datetime(1904, 1, 1), datetime.datetime(1908, 2, 2, 1, 1, 1)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found.append(parser.parse(s, default=default, dayfirst=date_order == "dmy", ignoretz=True))
        except Exception:  # dateutil raises ParserError, ValueError, OverflowError, TypeError
            return None
    a, b = found
    read_a_time = a.hour == b.hour or a.minute == b.minute or a.second == b.second
    if read_a_time and not _TIME.search(s):
        # Only a written time (10:00, 10am) may be read as one; any other number read as a time is a
        # second day or year, as in 'Dec 18-19 2019' or '2019-12-18/19': no one date.
        return None
    if a.year != b.year:
        return PartialDate(0)
    if a.month != b.month:
        return PartialDate(a.year)
    if a.day != b.day:
        return PartialDate(a.year, a.month)
    return PartialDate(a.year, a.month, a.day)


_PRECISIONS = ("year", "month", "day")


def _parts(d: PartialDate, precision: str) -> tuple[int, ...]:
    full = (d.year, d.month or 0, d.day or 0)
    return full[: _PRECISIONS.index(precision) + 1]


#: What to write, by the precision asked (examples never give away an answer: 1969 is no key here).
_DATE_FORMS = {
    "year": "write a year, e.g. 1969",
    "month": "write a month and year, e.g. July 1969 or 1969-07",
    "day": "write a day, e.g. 20 July 1969 or 1969-07-20",
}


def grade_date(card: DateCard, typed: str, policy: Policy, expected: str) -> Verdict:
    key = card.answer
    asked = unsure(typed, _DATE_FORMS[key.precision], expected)
    if asked is not None:
        return asked
    got = parse_date(typed, policy.date_order, key.year, key.precision)
    bare = typed.strip()
    if got is not None and _ONE_OR_TWO_DIGITS.fullmatch(bare) and key.year >= 100 and got.year != key.year:
        note = f"give the full year: {bare} is read as the year {int(bare)}"
        return Verdict(correct=False, rule=Rule.WRONG, note=note, expected=expected)
    if got is None:
        note = f"not a date I can read: {_DATE_FORMS[key.precision]}"
        return Verdict(correct=False, rule=Rule.UNREADABLE, note=note, expected=expected)
    if got.year == 0:
        return Verdict(
            correct=False,
            rule=Rule.DATE_LESS_PRECISE,
            note="less precise than asked: give the year",
            expected=expected,
        )
    kp, gp = _PRECISIONS.index(key.precision), _PRECISIONS.index(got.precision)
    common = _PRECISIONS[min(kp, gp)]
    a, b = _parts(got, common), _parts(key, common)
    if a != b:
        side = "too early" if a < b else "too late"
        return Verdict(
            correct=False,
            rule=Rule.WRONG,
            note=f"{side}: {got.human()} ≠ {key.human()}",
            expected=expected,
        )
    if gp < kp:
        return Verdict(
            correct=False,
            rule=Rule.DATE_LESS_PRECISE,
            note=f"less precise than asked: give the {key.precision}",
            expected=expected,
        )
    if gp > kp:
        return Verdict(
            correct=True,
            rule=Rule.DATE_MORE_PRECISE,
            note=f"accepted: {got.human()} matches {key.human()}",
            score=1.0,
            expected=expected,
        )
    if typed.strip() == key.iso():
        return Verdict(correct=True, rule=Rule.EXACT, note="accepted", score=1.0, expected=expected)
    return Verdict(
        correct=True,
        rule=Rule.DATE,
        note=f"accepted: read as {got.human()}",
        score=1.0,
        expected=expected,
    )
