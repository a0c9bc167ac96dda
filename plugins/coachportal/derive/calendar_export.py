"""The "Add to calendar" download: upcoming coaching calls and key dates as an RFC 5545 file.

Built with the ``icalendar`` package from the (already redacted) engagement. Every
event has a stable UID (engagement id, kind and date, so a re-import updates instead of
duplicating), a DTSTAMP of the build date (reproducible with ``COACHPORTAL_TODAY``) and
a summary of what it is and whose engagement: "Coaching call (video) — Dana Whitfield"
(the client's name, which every view shows; never goals or other free text). A call or
an upcoming session with a ``time:`` is a timed event — in the engagement's
``timezone:`` with its VTIMEZONE, else in floating local time — anything else an
all-day event. The download is named after the engagement's id (``nw-ops-2026.ics``),
which the host sees in the URL anyway, so a sponsor's three engagements are three files.

The file never exists in ``site/``: the page carries it as a ``data:`` link
(:attr:`CalendarFile.href`) inside its HTML, which is encrypted with the rest of the
page.

Calls come from ``stages.analysis.calls``: from ``first`` every cadence step until
``until`` (else the engagement's planned end). The cadences understood are "weekly",
"every week", "every 2 weeks" / "every two weeks" / "every other week", "biweekly",
"fortnightly", "every N weeks", "monthly", "every month", "every N months" (case and a
trailing full stop ignored). Any other cadence ("as needed", "twice a month") gives no
calls, only key dates.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from icalendar import Calendar, Event

from ..core.cadence import parse_cadence
from ..core.clock import time_of_day
from ..core.i18n import NC_, Translator, english
from ..core.models import Engagement
from .timeline import key_dates

PRODID = "-//coachportal//Coaching engagement calendar//EN"
MAX_CALLS = 200  # a weekly cadence over four years; beyond that the schedule is a typo


def call_dates(e: Engagement) -> list[dt.date]:
    """Every scheduled call from ``first`` to ``until`` (else the planned end); [] when unknown."""
    calls = e.stages.analysis.calls
    if calls is None or calls.first is None or e.stage == "closed":
        return []
    cadence = parse_cadence(calls.cadence)
    if cadence is None:
        return []
    until = calls.until or e.end
    out: list[dt.date] = []
    for n in range(MAX_CALLS):
        date = cadence.nth(calls.first, n)
        if date > until:
            break
        out.append(date)
    return out


CALL_MINUTES = 60  # a timed call's length: the calls block gives no length


@dataclass(frozen=True)
class CalendarEvent:
    date: dt.date
    label: str  # what it is: "Coaching call (video)", "Planned end"
    kind: str  # part of the UID: "call", "session", "planned-end"
    time: dt.time | None = None  # a timed event's start, in the engagement's time zone
    minutes: int = CALL_MINUTES


# A call's mode inside its title: "Coaching call (video)".
MODE_IN_SENTENCE: dict[str, tuple[str, str]] = {
    "video": NC_("mode in a sentence", "video"),
    "phone": NC_("mode in a sentence", "phone"),
    "in-person": NC_("mode in a sentence", "in person"),
}


def events(e: Engagement, today: dt.date, t: Translator | None = None) -> list[CalendarEvent]:
    """Upcoming calls and key dates (today included), by date; titles in ``t``'s language,
    UIDs from the English labels (the same event keeps its UID in every language)."""
    t = t or english()
    calls = e.stages.analysis.calls
    mode = t.label(MODE_IN_SENTENCE, calls.mode) if calls else ""
    upcoming_calls = [d for d in call_dates(e) if d >= today]
    at = time_of_day(calls.time) if calls and calls.time else None
    out = [CalendarEvent(d, t("Coaching call ({mode})", mode=mode), "call", at) for d in upcoming_calls]
    out += _sessions(e, today, t)
    scheduled = set(call_dates(e))
    for k, shown in zip(key_dates(e, today), key_dates(e, today, t), strict=True):
        if k.date < today:
            continue
        if k.stage == "action" and k.date in scheduled:  # "first coaching call (scheduled)": a call already
            continue
        kind = re.sub(r"[^a-z0-9]+", "-", k.label.lower()).strip("-")
        out.append(CalendarEvent(k.date, shown.label, kind))
    return sorted(out, key=lambda ev: (ev.date, ev.kind != "call", ev.label))


def _sessions(e: Engagement, today: dt.date, t: Translator) -> list[CalendarEvent]:
    """Sessions already entered for a day still to come (the view's own, redaction done)."""
    out = []
    for x in e.stages.action.sessions:
        if x.date >= today:
            label = t("Coaching session ({mode})", mode=t.label(MODE_IN_SENTENCE, x.mode))
            at = time_of_day(x.time) if x.time else None
            out.append(CalendarEvent(x.date, label, "session", at, x.minutes))
    return out


def _timing(item: Event, ev: CalendarEvent, zone: zoneinfo.ZoneInfo | None) -> None:
    """DTSTART/DTEND: a timed event in ``zone`` (floating without one), else a whole day."""
    if ev.time is None:
        item.add("dtstart", ev.date)
        item.add("dtend", ev.date + dt.timedelta(days=1))
        item.add("transp", "TRANSPARENT")  # an all-day reminder does not block the day
        return
    start = dt.datetime.combine(ev.date, ev.time, tzinfo=zone)
    item.add("dtstart", start)
    item.add("dtend", start + dt.timedelta(minutes=ev.minutes))


@dataclass(frozen=True)
class CalendarFile:
    ics: bytes
    calls: int
    key_dates: int
    engagement_id: str
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def href(self) -> str:
        """A ``data:`` URL of the file, for ``<a download href=...>`` inside the encrypted page."""
        return "data:text/calendar;charset=utf-8;base64," + base64.b64encode(self.ics).decode("ascii")

    @property
    def filename(self) -> str:
        return f"{self.engagement_id}.ics"

    @property
    def text(self) -> str:
        """ "6 coaching calls and 2 key dates ahead, as an .ics file" """
        t = self.t
        parts = []
        if self.calls:
            parts.append(t.n("{n} coaching call", "{n} coaching calls", self.calls))
        if self.key_dates:
            parts.append(t.n("{n} key date", "{n} key dates", self.key_dates))
        what = t("{items} and {last}", items=parts[0], last=parts[1]) if len(parts) == 2 else "".join(parts)
        return t("{what} ahead, as an .ics file", what=what)


def calendar(e: Engagement, today: dt.date, t: Translator | None = None) -> CalendarFile | None:
    """The engagement's upcoming events as an .ics file; None when nothing is upcoming."""
    t = t or english()
    upcoming = events(e, today, t)
    if not upcoming:
        return None
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    zone = zoneinfo.ZoneInfo(e.timezone) if e.timezone else None
    seen: set[str] = set()
    for ev in upcoming:
        uid = f"{e.id}-{ev.kind}-{ev.date:%Y%m%d}@coachportal"
        if uid in seen:
            continue
        seen.add(uid)
        item = Event()
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        _timing(item, ev, zone)
        item.add("summary", t("{what} — {client}", what=ev.label, client=e.client.name))
        cal.add_component(item)
    if zone is not None:
        # the VTIMEZONE of the TZID, with the rules of the years the events span
        first, last = upcoming[0].date, upcoming[-1].date
        cal.add_missing_timezones(dt.date(first.year, 1, 1), dt.date(last.year + 1, 12, 31))
    calls = sum(1 for ev in upcoming if ev.kind in ("call", "session"))
    return CalendarFile(cal.to_ical(), calls, len(seen) - calls, e.id, t)
