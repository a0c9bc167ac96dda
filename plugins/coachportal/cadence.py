"""Cadences written as text ("every 2 weeks", "weekly", "monthly") as a number of days.

Coaches write the call cadence in their own words; the portal understands the common
ones (to flag a long gap between sessions, to place calls in a calendar) and leaves
anything else as text.
"""

from __future__ import annotations

import re

_UNITS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91}
_WORDS = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "bi-weekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "bimonthly": 61,
    "quarterly": 91,
}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "other": 2}
_TIMES = re.compile(r"^(once|twice) (?:a|per) (week|month)$")
_EVERY = re.compile(r"^(?:every|each)\s+(?:(\d+|[a-z]+)\s+)?(day|week|fortnight|month|quarter)s?$")


def cadence_days(text: str | None) -> int | None:
    """Days between two calls, or None when the cadence is not one we understand."""
    words = " ".join(str(text or "").lower().split())
    if words in _WORDS:
        return _WORDS[words]
    times = _TIMES.match(words)
    if times:
        return _UNITS[times.group(2)] // (1 if times.group(1) == "once" else 2)
    match = _EVERY.match(words)
    if not match:
        return None
    count, unit = match.groups()
    n = 1 if count is None else int(count) if count.isdigit() else _NUMBERS.get(count)
    return n * _UNITS[unit] if n else None
