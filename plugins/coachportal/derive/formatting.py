"""Dates, numbers and the short sentences built from them, as plain text.

Templates only lay values out: every figure a page prints, and every sentence with
a number in it, is made here, where it is tested. Every function takes the page's
:class:`~coachportal.i18n.Translator` (English when none is given).
"""

from __future__ import annotations

import datetime as dt

from ..core.i18n import MINUS, Translator, english

__all__ = ["MINUS"]


def _t(t: Translator | None) -> Translator:
    return t or english()


def fmt_date(value: dt.date | None, t: Translator | None = None) -> str:
    return _t(t).date(value) if value else ""


def fmt_range(start: dt.date | None, end: dt.date | None, t: Translator | None = None) -> str:
    t = _t(t)
    if start and end:
        return t.date(start) if start == end else t.date_range(start, end)
    if start:
        return t("from {date}", date=t.date(start))
    if end:
        return t("until {date}", date=t.date(end))
    return ""


def fmt_minutes(minutes: int, t: Translator | None = None) -> str:
    t = _t(t)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return t("{minutes} min", minutes=rest)
    if rest:
        return t("{hours} h {minutes} min", hours=hours, minutes=rest)
    return t("{hours} h", hours=hours)


def fmt_days(days: int, t: Translator | None = None) -> str:
    """A span of days in the largest whole unit: "4 weeks", "10 days"."""
    t = _t(t)
    if days % 7 == 0:
        return t.n("{n} week", "{n} weeks", days // 7)
    return t.n("{n} day", "{n} days", days)


def fmt_signed(value: float | None, t: Translator | None = None) -> str:
    """A mean or a change on the -3..+3 scale: +1.4, −0.5, 0.0 (true minus sign); "+1,4" in German."""
    if value is None:
        return ""
    t = _t(t)
    rounded = round(value, 1)
    if rounded == 0:
        return t.decimal(0)
    return ("+" if rounded > 0 else MINUS) + t.decimal(abs(rounded))


def fmt_rating(value: int) -> str:
    """One rating on the -3..+3 scale: +2, 0, −1."""
    return f"{value:+d}".replace("-", MINUS) if value else "0"


def fmt_share(value: float | None, t: Translator | None = None) -> str:
    return "" if value is None else _t(t).percent(value)


def time_left(today: dt.date, end: dt.date, t: Translator | None = None) -> str:
    """What remains until the planned end: "3 weeks to go", "5 days to go"."""
    t = _t(t)
    left = (end - today).days
    if left < 0:
        return t("past the planned end")
    if left < 14:
        return t.n("{n} day to go", "{n} days to go", left)
    return t.n("{n} week to go", "{n} weeks to go", left // 7)


def page_of_pages(t: Translator | None = None) -> list[str]:
    """The words around the numbers of "page 2 of 5", in three parts (the printed footer)."""
    t = t or english()
    text = t("page {page} of {pages}")
    if not 0 <= text.find("{page}") < text.find("{pages}"):  # numbers the other way round
        text = english()("page {page} of {pages}")
    before, rest = text.split("{page}", 1)
    between, after = rest.split("{pages}", 1)
    return [before, between, after]


def done_of(done: int, total: int, dropped: int = 0, t: Translator | None = None) -> str:
    """ "4 of 6 done, 1 dropped" """
    t = _t(t)
    text = t("{done} of {total} done", done=done, total=total)
    return t("{text}, {dropped} dropped", text=text, dropped=dropped) if dropped else text
