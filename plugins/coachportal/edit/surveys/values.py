"""One answer cell as a rating on the -3..+3 scale: a number, choice text with a number, a scale word."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import normalise, scale_value

MIN_RATING, MAX_RATING = -3, 3
SCALE = f"{MIN_RATING}..+{MAX_RATING}"
_SIGN = r"[+\-\u2212\u2013]"  # '-', Unicode minus and the en dash Word/Excel put for one
_NUMBER = rf"{_SIGN}?\s?\d+(?:[.,]\d+)?"
_BARE = re.compile(rf"^\s*({_NUMBER})\s*$")
_LEADING = re.compile(rf"^\s*({_NUMBER})\s*(?:[-\u2013\u2014:.)=]\s*|\s)(\D.*)$", re.S)
_TRAILING = re.compile(rf"^(\D.*?)\s*[(\[]\s*({_NUMBER})\s*[)\]]\s*$", re.S)


@dataclass(frozen=True)
class Reading:
    """What a cell says: a rating, a problem with a would-be rating, or neither (free text)."""

    value: int | None = None
    problem: str | None = None

    @property
    def is_rating_like(self) -> bool:
        return self.value is not None or self.problem is not None


TEXT = Reading()


def _number(text: str) -> tuple[float, str]:
    cleaned = re.sub(r"\s", "", text).replace("\u2212", "-").replace("\u2013", "-").replace(",", ".")
    return float(cleaned), cleaned


def _checked(text: str, label: str | None, offset: int) -> Reading:
    number, cleaned = _number(text)
    if number != int(number):
        return Reading(problem=f"rating {cleaned} is not a whole number (expected {SCALE})")
    value = int(number) - offset
    if not MIN_RATING <= value <= MAX_RATING:
        shown = f"{int(number)} (= {value:+d})" if offset else cleaned
        return Reading(problem=f"rating {shown} is outside the scale (expected {SCALE})")
    if label is not None:
        named = scale_value(label)
        if named is not None and named != value:
            return Reading(
                problem=f"the choice {label.strip()!r} says {named:+d} but its number says {value:+d}"
            )
    return Reading(value)


def read_rating(cell: str, offset: int = 0) -> Reading:
    """``cell`` as a rating. ``offset`` shifts bare numbers (4 for a 1..7 numeric export)."""
    if not cell.strip():
        return TEXT
    bare = _BARE.match(cell)
    if bare:
        return _checked(bare.group(1), None, offset)
    leading = _LEADING.match(cell)
    if leading and (
        scale_value(leading.group(2)) is not None or len(normalise(leading.group(2)).split()) <= 3
    ):
        return _checked(leading.group(1), leading.group(2), 0)
    trailing = _TRAILING.match(cell)
    if trailing:
        return _checked(trailing.group(2), trailing.group(1), 0)
    named = scale_value(cell)
    if named is not None:
        return Reading(named)
    return TEXT
