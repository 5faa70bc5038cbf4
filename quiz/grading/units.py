"""Units on number cards: a typed quantity in another unit of the same kind, converted with pint
(3 km for 3,000 m; 70 years for 7 decades); a unit of another kind is refused with a reason."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

# pint's "decade" is the logarithmic ratio of 10 (frequency decades); in an answer it is ten years.
_CALENDAR = re.compile(r"\bdecades?\b", re.IGNORECASE)

# The ways a temperature scale is written: a letter (any case, with or without a degree sign or
# "deg"/"degrees" before it) or its name. pint reads "C" and "F" as coulomb and farad and is
# case-sensitive; in a quiz about temperatures they are the scales.
_DEGREE = r"(?:°|º|˚|deg\.?|degrees?)"
_SCALE_RE = re.compile(
    rf"{_DEGREE}?\s*(celsius|centigrade|c|fahrenheit|f|kelvins?|k)\.?|({_DEGREE})", re.IGNORECASE
)
_PINT_SCALE = {"c": "degC", "f": "degF", "k": "kelvin"}
# A typed temperature: a number, then a scale (or a degree sign alone: the card's scale).
_TEMPERATURE_RE = re.compile(rf"(.*?[\w.,])\s*(?:{_SCALE_RE.pattern})", re.IGNORECASE)


def temperature_scale(unit: str) -> str | None:
    """pint's name for a temperature scale written ``°C``, ``C``, ``degrees F``, ``kelvin`` ...; ''
    for a degree sign or "degrees" alone; None when ``unit`` is not a temperature scale."""
    m = _SCALE_RE.fullmatch(unit.strip())
    if m is None:
        return None
    return _PINT_SCALE[m[1][0].casefold()] if m[1] else ""


def split_temperature(typed: str) -> tuple[str, str] | None:
    """A typed temperature as (number, pint's scale or '' for the card's own), or None."""
    m = _TEMPERATURE_RE.fullmatch(typed.strip().rstrip("!. "))
    if m is None:
        return None
    return m[1], _PINT_SCALE[m[2][0].casefold()] if m[2] else ""


@dataclass(frozen=True)
class Converted:
    """A typed quantity in the card's unit, or the reason it cannot be."""

    value: float | None  # in the card's unit; None when refused
    kind: str = ""  # the typed unit's kind (length, time, ...), when refused for it
    known: bool = True  # False: the typed or the card's unit is not a unit pint knows


@functools.cache
def _registry() -> Any:
    # Deferred: pint takes ~0.25 s to import and ~0.3 s to build its registry, needed only when a
    # number is typed in another unit than the card's, so most sessions never pay for it.
    import pint

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def _unit(text: str) -> Any:
    import pint

    ureg = _registry()
    spelled = _CALENDAR.sub("(10 * year)", text.strip())
    try:
        return ureg.parse_units(spelled) if "*" not in spelled else ureg.parse_expression(spelled)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError, KeyError):
        return None
    except AssertionError:  # pint's parser on a lone symbol such as '$'
        return None




def _kind(dimensionality: Any) -> str:
    """``length`` for ``[length]``; the whole formula for a compound kind."""
    return str(dimensionality).replace("[", "").replace("]", "") or "plain number"


@functools.lru_cache(maxsize=1024)
def convert(number: float, typed_unit: str, card_unit: str) -> Converted:
    """``number`` ``typed_unit`` expressed in ``card_unit``: the unit as typed (pint tells ``C``,
    coulomb, from ``c``), else in lowercase (``KM``, ``Years``), whichever is of the card's kind."""
    scale = temperature_scale(card_unit)
    # On a temperature card 'C', 'F' and 'K' are its scales; elsewhere what pint reads (C coulomb).
    target = _unit(scale or card_unit)
    read = [_unit(u) for u in dict.fromkeys(((temperature_scale(typed_unit) if scale else "") or typed_unit,
                                              typed_unit.casefold()))]  # fmt: skip
    known = [u for u in read if u is not None]
    if not known:
        return Converted(None, known=False)
    if target is None:  # a unit of measure for a count of things (countries, meetings)
        return Converted(None, kind=_kind(known[0].dimensionality))
    ureg = _registry()
    goal = target if not hasattr(target, "magnitude") else target.units
    size = 1.0 if not hasattr(target, "magnitude") else float(target.magnitude)
    quantities = [ureg.Quantity(number, u) if not hasattr(u, "magnitude") else number * u for u in known]
    for quantity in quantities:
        if quantity.dimensionality == goal.dimensionality:
            return Converted(float(quantity.to(goal).magnitude) / size)
    return Converted(None, kind=_kind(quantities[-1].dimensionality))


@functools.lru_cache(maxsize=1024)
def kind_of(card_unit: str) -> str:
    """What kind of quantity ``card_unit`` measures (length, time, ...); '' when pint does not know it."""
    unit = _unit(temperature_scale(card_unit) or card_unit)
    if unit is None:
        return ""
    return _kind(unit.dimensionality)
