"""Cadences written as text ("every 2 weeks", "weekly", "monthly"), understood once.

Coaches write the call cadence in their own words; the portal understands the common
ones — to flag a long gap between sessions, to place calls in a calendar — and leaves
anything else as text.
"""

from __future__ import annotations

import calendar as _monthcal
import datetime as dt
import re
from typing import NamedTuple

_DAYS = {"day": 1, "week": 7, "month": 30}


class Cadence(NamedTuple):
    step: int
    unit: str  # "day", "week" or "month"

    @property
    def days(self) -> int:
        """The cadence in days (a month counts 30)."""
        return self.step * _DAYS[self.unit]

    def nth(self, first: dt.date, n: int) -> dt.date:
        """The ``n``-th date from ``first`` (months keep the day, clamped to the month's end)."""
        if self.unit != "month":
            return first + dt.timedelta(days=self.days * n)
        index = first.year * 12 + first.month - 1 + self.step * n
        year, month = divmod(index, 12)
        last = _monthcal.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(first.day, last))


_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "other": 2}
_EVERY = re.compile(r"^(?:every|each)\s+(?:(\d{1,3}|[a-z]+)\s+)?(day|week|fortnight|month|quarter)s?$")
_UNITS = {"fortnight": (2, "week"), "quarter": (3, "month")}
_SIMPLE = {
    "daily": Cadence(1, "day"),
    "weekly": Cadence(1, "week"),
    "once a week": Cadence(1, "week"),
    "biweekly": Cadence(2, "week"),
    "bi-weekly": Cadence(2, "week"),
    "fortnightly": Cadence(2, "week"),
    "monthly": Cadence(1, "month"),
    "once a month": Cadence(1, "month"),
    "bimonthly": Cadence(2, "month"),
    "quarterly": Cadence(3, "month"),
}


def parse_cadence(text: str | None) -> Cadence | None:
    """ "every 2 weeks" -> Cadence(2, "week"); "monthly" -> Cadence(1, "month"); None otherwise."""
    words = re.sub(r"\s+", " ", str(text or "").strip().lower()).rstrip(".")
    if words in _SIMPLE:
        return _SIMPLE[words]
    match = _EVERY.match(words)
    if not match:
        return None
    count, unit = match.groups()
    n = 1 if count is None else int(count) if count.isdigit() else _WORDS.get(count, 0)
    factor, unit = _UNITS.get(unit, (1, unit))
    return Cadence(n * factor, unit) if n >= 1 else None


def cadence_days(text: str | None) -> int | None:
    """Days between two calls, or None when the cadence is not one we understand."""
    cadence = parse_cadence(text)
    return cadence.days if cadence else None
