"""Dates, numbers and the short sentences built from them, as plain text.

Templates only lay values out: every figure a page prints, and every sentence with
a number in it, is made here, where it is tested.
"""

from __future__ import annotations

import datetime as dt

MINUS = "\u2212"  # a true minus sign: "−0.5" reads better than "-0.5"


def fmt_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def fmt_range(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        if start == end:
            return fmt_date(start)
        if start.year == end.year:
            if start.month == end.month:
                return f"{start.day} – {fmt_date(end)}"
            return f"{start.day} {start:%b} – {fmt_date(end)}"
        return f"{fmt_date(start)} – {fmt_date(end)}"
    if start:
        return f"from {fmt_date(start)}"
    if end:
        return f"until {fmt_date(end)}"
    return ""


def fmt_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def fmt_days(days: int) -> str:
    """A span of days in the largest whole unit: "4 weeks", "10 days"."""
    return plural(days // 7, "week", "weeks") if days % 7 == 0 else plural(days, "day", "days")


def fmt_signed(value: float | None) -> str:
    """A mean or a change on the -3..+3 scale: +1.4, −0.5, 0.0 (true minus sign)."""
    if value is None:
        return ""
    if round(value, 1) == 0:
        return "0.0"
    return f"{value:+.1f}".replace("-", MINUS)


def fmt_rating(value: int) -> str:
    """One rating on the -3..+3 scale: +2, 0, −1."""
    return f"{value:+d}".replace("-", MINUS) if value else "0"


def fmt_share(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def plural(n: int, one: str, many: str) -> str:
    """ "1 action", "3 actions": the number and the noun that agrees with it."""
    return f"{n} {one if n == 1 else many}"


def time_left(today: dt.date, end: dt.date) -> str:
    """What remains until the planned end: "3 weeks to go", "5 days to go"."""
    left = (end - today).days
    if left < 0:
        return "past the planned end"
    if left < 14:
        return f"{plural(left, 'day', 'days')} to go"
    return f"{left // 7} weeks to go"


def done_of(done: int, total: int, dropped: int = 0) -> str:
    """ "4 of 6 done, 1 dropped" """
    text = f"{done} of {total} done"
    return f"{text}, {dropped} dropped" if dropped else text
